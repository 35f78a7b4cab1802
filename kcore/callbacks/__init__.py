"""Callbacks. The contract (`Callback`) and the two that every `fit` uses (`History`, `ProgbarLogger`) are here;
the others come from plugins (first-party: kcore-callbacks): `kcore.callbacks.EarlyStopping`, ...
"""

from kcore.callbacks.callback import Callback, CallbackList, History, ProgbarLogger
from kcore.plugins.namespace import make_get, namespace_dir, namespace_getattr

__getattr__ = namespace_getattr("callback", globals())
__dir__ = namespace_dir("callback", globals())
get = make_get("callback")
