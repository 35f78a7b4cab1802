"""kcore-callbacks: Keras 3's training callbacks for kcore.

Use them through kcore (`kcore.callbacks.EarlyStopping(patience=2)`); importing this package directly works too.
"""

from kcore_callbacks.backup_and_restore import BackupAndRestore
from kcore_callbacks.csv_logger import CSVLogger
from kcore_callbacks.early_stopping import EarlyStopping
from kcore_callbacks.lambda_callback import LambdaCallback
from kcore_callbacks.learning_rate_scheduler import LearningRateScheduler
from kcore_callbacks.model_checkpoint import ModelCheckpoint
from kcore_callbacks.monitor import MonitorCallback
from kcore_callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from kcore_callbacks.remote_monitor import RemoteMonitor
from kcore_callbacks.tensorboard import TensorBoard
from kcore_callbacks.terminate_on_nan import TerminateOnNaN
