"""Dataset loaders (first-party: kcore-datasets), found by name through the installed plugins.

`kcore.datasets.<Name>` imports the plugin that provides it on first use; a name whose plugin is not installed
raises an error saying which distribution to install.
"""

from kcore.plugins.namespace import make_get, namespace_dir, namespace_getattr

__getattr__ = namespace_getattr("dataset", globals())
__dir__ = namespace_dir("dataset", globals())
get = make_get("dataset")
