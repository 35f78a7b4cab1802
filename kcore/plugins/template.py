"""The plugin template: `python -m kcore new-plugin NAME` writes a complete plugin distribution to start from.

The skeleton installs and passes its own tests as generated: a pyproject.toml with both entry-point groups, a
package whose `plugin.py` registers one example component per kind asked for (layer, loss, optimizer), tests
through `kcore.testing`, and a README. docs/writing-a-plugin.md walks through it.

Example:
    >>> from kcore.plugins.template import new_plugin
    >>> new_plugin("acme-layers", kinds=("layer",), directory="/tmp")  # doctest: +SKIP
    PosixPath('/tmp/acme-layers')
"""

import keyword
import pathlib
import re
import string

from kcore.errors import ConfigError
from kcore.plugins.catalogue import FIRST_PARTY

KINDS = ("layer", "loss", "optimizer")

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*([-_.][A-Za-z0-9]+)*$")

PYPROJECT = '''\
[project]
name = "$name"
version = "0.1.0"
description = "A kcore plugin."
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["$kcore_requirement"]

[project.optional-dependencies]
# What the tests need: kcore's testing kit and a backend to run on.
test = ["kcore[testing]", "kcore-backend-numpy"]

# The plugin module, found by kcore through this entry-point group.
[project.entry-points."kcore.plugins"]
$name = "$package.plugin"

# Every name the plugin provides, read by kcore without importing it: "<kind>:<name>" = the plugin module.
# tests/test_plugin.py checks this list against what kcore_register registers.
[project.entry-points."kcore.provides"]
$provides

[build-system]
requires = ["hatchling>=1.25"]
build-backend = "hatchling.build"

[tool.hatch.build.targets.wheel]
packages = ["$package"]

[tool.pytest.ini_options]
addopts = "--import-mode=importlib"

[tool.ruff]
line-length = 120
'''

README = '''\
# $name

A kcore plugin providing:

$table

```
pip install $name              # then: python -m kcore info lists it and its names
pip install -e ".[test]" && python -m pytest tests
```

Once it is installed, kcore finds its names by themselves, and nothing needs to import `$package`:
$usage.

- `pyproject.toml`: the plugin module (entry-point group `kcore.plugins`) and every name it provides
  (`kcore.provides`, `"<kind>:<name>"`). Add a line there for each name you register.
- `$package/plugin.py`: `KCORE_PLUGIN_API` (the plugin API this was written for; kcore refuses a plugin built
  for another one) and the hooks: `kcore_register` registers the components, the `kcore_*_cases` hooks hand
  their test cases to kcore's conformance tests.
- `tests/`: the same conformance tests through `kcore.testing` (`check_layer_case`, `check_loss_case`), plus
  value tests against NumPy.
'''

INIT = '''\
"""$name: a kcore plugin. kcore finds its components by name (see plugin.py); users need not import it."""
'''

PLUGIN = '''\
"""kcore's entry point into $name: the plugin API it speaks, what it registers, and its test cases."""

from kcore.plugins import hookimpl

#: The kcore plugin API this plugin is written for; a kcore speaking another one refuses it with a clear message.
KCORE_PLUGIN_API = $api


def components():
    """kind -> {registered name: component}. Every name here is declared in pyproject.toml too."""
$imports

    return {
$registered
    }


@hookimpl
def kcore_register(registry):
    for kind, named in components().items():
        for name, component in named.items():
            registry.add(kind, name, component)
$case_hooks'''

LAYER_CASES_HOOK = '''

@hookimpl
def kcore_layer_cases():
    from kcore.testing import LayerCase

    return [LayerCase("$layer", input_shape=(2, 3)), LayerCase("$layer", input_shape=(2, 4, 5))]
'''

LOSS_CASES_HOOK = '''

@hookimpl
def kcore_loss_cases():
    from kcore.testing import LossCase

    return [LossCase("$loss"), LossCase("$loss_class")]
'''

LAYER = '''\
"""$layer: a learned scale per feature."""

from kcore import ops
from kcore.layers import Layer


def _ones(shape, dtype=None):
    return ops.ones(shape, dtype=dtype)


class $layer(Layer):
    """`inputs * scale`, with one learned scale per feature (the last axis), starting at 1.

    Example:
        >>> layer = $layer()
        >>> layer(np.ones((2, 3), "float32")).shape
        (2, 3)
    """

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer=_ones, name="scale")

    def call(self, inputs):
        return inputs * self.scale

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)
'''

LOSS = '''\
"""$loss: the mean squared error, as an example of a loss function and its class."""

from kcore import ops
from kcore.losses import LossFunctionWrapper


def $loss(y_true, y_pred):
    """`mean(square(y_pred - y_true), axis=-1)`: one value per sample."""
    y_pred = ops.convert_to_tensor(y_pred) if not hasattr(y_pred, "dtype") else y_pred
    y_true = ops.cast(ops.convert_to_tensor(y_true), y_pred.dtype)
    return ops.mean(ops.square(y_pred - y_true), axis=-1)


class $loss_class(LossFunctionWrapper):
    """`$loss` reduced over the batch, as every Keras loss class is."""

    def __init__(self, reduction="sum_over_batch_size", name="$loss", dtype=None):
        super().__init__($loss, reduction=reduction, name=name, dtype=dtype)
'''

OPTIMIZER = '''\
"""$optimizer: plain gradient descent, as an example of an optimizer."""

from kcore.optimizers import Optimizer


class $optimizer(Optimizer):
    """`w = w - learning_rate * g`. An optimizer creates its slots in `build` and updates in `update_step`.

    Example:
        >>> opt = $optimizer(learning_rate=0.1)
    """

    def __init__(self, learning_rate=0.01, name="$optimizer_alias", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)

    def update_step(self, gradient, variable, learning_rate):
        variable.value -= learning_rate * gradient.astype(variable.value.dtype, copy=False)
'''

TEST_PLUGIN = '''\
"""What pyproject.toml declares is what the plugin registers, and kcore finds every name."""

import importlib.metadata

import kcore

from $package import plugin


def test_every_registered_name_is_declared_in_the_entry_points_and_nothing_more():
    dist = importlib.metadata.distribution("$name")
    declared = {tuple(ep.name.split(":", 1)) for ep in dist.entry_points if ep.group == "kcore.provides"}
    registered = {(kind, name) for kind, named in plugin.components().items() for name in named}
    assert declared == registered


def test_kcore_loads_the_plugin_and_finds_its_components_by_name():
    namespaces = {"layer": kcore.layers, "loss": kcore.losses, "optimizer": kcore.optimizers}
    for kind, named in plugin.components().items():
        for name, component in named.items():
            assert getattr(namespaces[kind], name) is component
    assert plugin.KCORE_PLUGIN_API == kcore.plugins.PLUGIN_API_VERSION
    assert kcore.plugins.manager().records()["$name"].state == "loaded"
'''

TEST_LAYER = '''\
"""$layer through kcore's layer conformance test, and against NumPy."""

import numpy as np
import pytest
from kcore.testing import check_layer_case

from $package import plugin
from $package.$layer_module import $layer


@pytest.mark.parametrize("case", plugin.kcore_layer_cases(), ids=str)
def test_layer_passes_the_layer_conformance_test(case):
    check_layer_case(case)


def test_layer_multiplies_each_feature_by_its_scale():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    layer = $layer()
    layer(x)
    layer.set_weights([np.array([1.0, -2.0, 0.5], "float32")])
    np.testing.assert_allclose(layer(x), x * [1.0, -2.0, 0.5])
'''

TEST_LOSS = '''\
"""$loss through kcore's loss conformance test, and against NumPy."""

import numpy as np
import pytest
from kcore.testing import check_loss_case

from $package import plugin
from $package.losses import $loss_class, $loss


@pytest.mark.parametrize("case", plugin.kcore_loss_cases(), ids=str)
def test_loss_passes_the_loss_conformance_test(case):
    check_loss_case(case, max_examples=20)


def test_loss_is_the_mean_squared_error_per_sample_and_its_mean_over_the_batch():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.standard_normal((4, 3)), rng.standard_normal((4, 3)).astype("float32")
    per_sample = ((y_pred - y_true) ** 2).mean(axis=-1)
    np.testing.assert_allclose($loss(y_true, y_pred), per_sample, rtol=1e-6)
    np.testing.assert_allclose($loss_class()(y_true, y_pred), per_sample.mean(), rtol=1e-6)
'''

TEST_OPTIMIZER = '''\
"""$optimizer's update against NumPy."""

import kcore
import numpy as np

from $package.$optimizer_module import $optimizer


def test_a_step_moves_each_weight_against_its_gradient():
    w = kcore.Variable(np.array([1.0, 2.0], "float32"))
    $optimizer(learning_rate=0.5).apply([np.array([0.5, -1.0], "float32")], [w])
    np.testing.assert_allclose(w.numpy(), [0.75, 2.5])
    assert w.numpy().dtype == np.float32
'''


USAGE = {"layer": "`kcore.layers.{}`", "loss": '`loss="{}"`', "optimizer": '`optimizer="{}"`'}


def _camel(words):
    return "".join(w[:1].upper() + w[1:] for w in words)


def names_for(name):
    """The package and the example components' names derived from a distribution name."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(f"new-plugin: {name!r} is not a valid distribution name. Use letters, digits and "
                          f"single '-', '_' or '.' between them, starting with a letter, e.g. 'acme-layers'.")
    package = re.sub(r"[-.]", "_", name).lower()
    if keyword.iskeyword(package) or package in ("kcore", "test", "tests"):
        raise ConfigError(f"new-plugin: the package of {name!r} would be called {package!r}, which Python or kcore "
                          f"already uses. Choose another name, e.g. 'acme-{name}'.")
    if name.lower() in FIRST_PARTY:
        raise ConfigError(f"new-plugin: {name!r} is one of kcore's own distributions. Choose a name of your own, "
                          f"e.g. 'acme-{name.lower().removeprefix('kcore-')}'.")
    words = [w for w in re.split(r"[-_.]", name) if w.lower() != "kcore"] or ["my"]
    prefix = _camel(words)
    snake = "_".join(w.lower() for w in words)
    return {"name": name, "package": package, "layer": f"{prefix}Scale", "layer_module": "scale",
            "loss": f"{snake}_squared_error", "loss_class": f"{prefix}SquaredError",
            "optimizer": f"{prefix}SGD", "optimizer_alias": f"{snake}_sgd", "optimizer_module": "sgd"}


def _components(values, kinds):
    """[(kind, registered name, module, object name)] for the kinds asked for."""
    found = []
    if "layer" in kinds:
        found.append(("layer", values["layer"], values["layer_module"], values["layer"]))
    if "loss" in kinds:
        found += [("loss", values["loss"], "losses", values["loss"]),
                  ("loss", values["loss_class"], "losses", values["loss_class"])]
    if "optimizer" in kinds:
        found += [("optimizer", values["optimizer"], values["optimizer_module"], values["optimizer"]),
                  ("optimizer", values["optimizer_alias"], values["optimizer_module"], values["optimizer"])]
    return found


def render(name, kinds=KINDS):
    """{relative path: text} of the skeleton for distribution `name` with example components of `kinds`."""
    from kcore import __version__
    from kcore.plugins.hookspecs import PLUGIN_API_VERSION

    kinds = tuple(kinds)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        raise ConfigError(f"new-plugin: --kinds must be a comma-separated subset of {','.join(KINDS)}. "
                          f"Received: {','.join(kinds) or '(none)'}")
    values = names_for(name)
    major, minor = (int(part) for part in __version__.split(".")[:2])
    components = _components(values, kinds)
    values["kcore_requirement"] = f"kcore>={major}.{minor},<{major}.{minor + 1}"
    values["api"] = str(PLUGIN_API_VERSION)
    values["provides"] = "\n".join(f'"{kind}:{registered}" = "{values["package"]}.plugin"'
                                   for kind, registered, _, _ in components)
    values["table"] = "\n".join(f"- {kind} `{registered}`" for kind, registered, _, _ in components)
    modules, by_kind = {}, {}
    for kind, registered, module, obj in components:
        modules.setdefault(module, set()).add(obj)
        by_kind.setdefault(kind, []).append((registered, obj))
    values["usage"] = ", ".join(USAGE[kind].format(entries[0][0]) for kind, entries in by_kind.items())
    values["imports"] = "\n".join(f"    from {values['package']}.{module} import {', '.join(sorted(objs))}"
                                  for module, objs in sorted(modules.items()))
    values["registered"] = "\n".join(
        f'        "{kind}": {{\n' + "".join(f'            "{name}": {obj},\n' for name, obj in entries) + "        },"
        for kind, entries in by_kind.items())
    hooks = (LAYER_CASES_HOOK if "layer" in kinds else "") + (LOSS_CASES_HOOK if "loss" in kinds else "")
    values["case_hooks"] = string.Template(hooks).substitute(values)
    package = values["package"]
    files = {"pyproject.toml": PYPROJECT, "README.md": README, f"{package}/__init__.py": INIT,
             f"{package}/plugin.py": PLUGIN, "tests/test_plugin.py": TEST_PLUGIN}
    if "layer" in kinds:
        files[f"{package}/{values['layer_module']}.py"] = LAYER
        files["tests/test_layers.py"] = TEST_LAYER
    if "loss" in kinds:
        files[f"{package}/losses.py"] = LOSS
        files["tests/test_losses.py"] = TEST_LOSS
    if "optimizer" in kinds:
        files[f"{package}/{values['optimizer_module']}.py"] = OPTIMIZER
        files["tests/test_optimizers.py"] = TEST_OPTIMIZER
    return {path: string.Template(text).substitute(values) for path, text in files.items()}


def new_plugin(name, kinds=KINDS, directory="."):
    """Write the skeleton of plugin distribution `name` into `directory/name`; return that folder."""
    files = render(name, kinds)
    target = pathlib.Path(directory) / name
    if target.exists() and any(target.iterdir()):
        raise ConfigError(f"new-plugin: {target} already exists and is not empty; choose another --dir or name.")
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return target
