"""kcore's entry point into this distribution: registers each callback under its class name."""

from kcore.plugins import hookimpl

KCORE_PLUGIN_API = 1


def components():
    """name -> callback class, for every name this plugin provides."""
    from kcore_callbacks.backup_and_restore import BackupAndRestore
    from kcore_callbacks.csv_logger import CSVLogger
    from kcore_callbacks.early_stopping import EarlyStopping
    from kcore_callbacks.lambda_callback import LambdaCallback
    from kcore_callbacks.learning_rate_scheduler import LearningRateScheduler
    from kcore_callbacks.model_checkpoint import ModelCheckpoint
    from kcore_callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
    from kcore_callbacks.remote_monitor import RemoteMonitor
    from kcore_callbacks.tensorboard import TensorBoard
    from kcore_callbacks.terminate_on_nan import TerminateOnNaN

    classes = [EarlyStopping, ReduceLROnPlateau, LearningRateScheduler, CSVLogger, TerminateOnNaN, LambdaCallback,
               ModelCheckpoint, BackupAndRestore, TensorBoard, RemoteMonitor]
    return {cls.__name__: cls for cls in classes}


@hookimpl
def kcore_register(registry):
    for name, cls in components().items():
        registry.add("callback", name, cls)
