"""`RemoteMonitor`: POST each epoch's logs to an HTTP server (Keras 3's format, sent with the standard library)."""

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings

import numpy as np

from kcore.callbacks import Callback
from kcore.errors import ConfigError


class RemoteMonitor(Callback):
    """At the end of each epoch, POST `{"epoch": epoch, **logs}` as JSON to `root + path`: as a form field named
    `field` (`application/x-www-form-urlencoded`), or with `send_as_json=True` as the request body
    (`application/json`). `headers` are added to the request. A server that cannot be reached, or answers
    with an HTTP error, gives a warning and training goes on.

    Example:
        >>> model.fit(x, y, callbacks=[RemoteMonitor(root="http://localhost:9000")])  # doctest: +SKIP
        # the server receives POST /publish/epoch/end/ with data={"epoch": 0, "loss": 0.52}
    """

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data", headers=None,
                 send_as_json=False):
        super().__init__()
        if not isinstance(root, str) or not root.startswith(("http://", "https://")):
            raise ConfigError(f"RemoteMonitor: `root` must be an http:// or https:// URL, e.g. "
                              f"'http://localhost:9000'. Received: root={root!r}")
        if headers is not None and not isinstance(headers, dict):
            raise ConfigError(f"RemoteMonitor: `headers` must be a dict of header names to values, or None. "
                              f"Received: headers={headers!r}")
        self.root, self.path, self.field = root, path, field
        self.headers, self.send_as_json = headers, send_as_json

    def on_epoch_end(self, epoch, logs=None):
        send = {"epoch": epoch}
        for name, value in (logs or {}).items():
            # NumPy numbers and arrays are not JSON types: send their Python values
            send[name] = value.tolist() if isinstance(value, (np.ndarray, np.generic)) else value
        if self.send_as_json:
            body, content_type = json.dumps(send).encode(), "application/json"
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode()
            content_type = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.root + self.path, data=body, method="POST",
                                         headers={"Content-Type": content_type, **(self.headers or {})})
        try:
            with urllib.request.urlopen(request) as response:
                response.read()
        except urllib.error.HTTPError as error:
            warnings.warn(f"RemoteMonitor: the server at {self.root} answered HTTP {error.code} ({error.reason}) "
                          f"to the logs of epoch {epoch}.", stacklevel=2)
        except (urllib.error.URLError, OSError):
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}", stacklevel=2)
