"""The plugin system, proven with fake distributions written into a temporary folder on sys.path.

A fake distribution is what an installed wheel leaves behind: `<name>-<version>.dist-info/METADATA`,
`.../entry_points.txt` (groups `kcore.plugins` and `kcore.provides`) and the plugin module beside it.
importlib.metadata finds it like any installed distribution.
"""

import dataclasses
import importlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import kcore
import kcore.backend
import kcore.config
import kcore.layers
import kcore.losses
import kcore.ops
import kcore.plugins
from kcore.errors import (
    BackendError,
    DuplicateNameError,
    MissingPluginError,
    PluginError,
    UnknownNameError,
)
from kcore.plugins import plugin_manager

#: The plugin module written when a test gives no source: registers a fresh class for every declared name.
REGISTER_ALL = """
from kcore.plugins import hookimpl

KCORE_PLUGIN_API = 1
PROVIDES = {provides!r}


@hookimpl
def kcore_register(registry):
    for kind, names in PROVIDES.items():
        for name in names:
            registry.add(kind, name, type(name, (), {{"plugin": __name__}}))
"""


@dataclasses.dataclass
class FakePlugin:
    distribution: str
    version: str
    module: str
    dist_info: object  # pathlib.Path
    module_file: object

    def imported(self):
        return self.module in sys.modules

    def uninstall(self):
        """What `pip uninstall` does: the metadata and the module go away."""
        shutil.rmtree(self.dist_info)
        self.module_file.unlink()
        sys.modules.pop(self.module, None)
        importlib.invalidate_caches()


def _write_distribution(site, distribution, module, provides, source, version="1.0", plugin_entry=True):
    dist_info = site / f"{distribution.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n")
    lines = []
    if plugin_entry:
        lines += ["[kcore.plugins]", f"{module} = {module}", ""]
    lines.append("[kcore.provides]")
    lines += [f"{kind}:{name} = {module}" for kind, names in provides.items() for name in names]
    (dist_info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    module_file = site / f"{module}.py"
    if source is None:
        source = REGISTER_ALL.format(provides=provides)
    module_file.write_text(textwrap.dedent(source))
    return FakePlugin(distribution, version, module, dist_info, module_file)


@pytest.fixture
def isolated_home(tmp_path, monkeypatch):
    """A fresh KCORE_HOME, no KCORE_BACKEND, and config re-read before and after the test."""
    home = tmp_path / "kcore-home"
    monkeypatch.setenv("KCORE_HOME", str(home))
    monkeypatch.delenv("KCORE_BACKEND", raising=False)
    kcore.config.reset()
    yield home
    kcore.config.reset()


@pytest.fixture
def make_plugin(tmp_path, isolated_home):
    """`make_plugin(distribution, module, provides={"layer": ["Foo"]}, source=None)` installs a fake plugin.

    Teardown forgets the fake modules and the loaded plugins, takes the folder off sys.path and re-activates
    the configured backend so that ops run their default implementations again.
    """
    site = tmp_path / "site"
    site.mkdir()
    made = []

    def make(distribution, module, provides=None, source=None, version="1.0", plugin_entry=True):
        plugin = _write_distribution(site, distribution, module, provides or {}, source, version, plugin_entry)
        made.append(plugin)
        importlib.invalidate_caches()
        kcore.plugins.reset()
        return plugin

    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(site))
        kcore.plugins.reset()
        make.site = site
        yield make
        for plugin in made:
            sys.modules.pop(plugin.module, None)
    importlib.invalidate_caches()
    kcore.plugins.reset()
    kcore.backend.activate()


def _run(args, home, pythonpath=None, **env_changes):
    env = {k: v for k, v in os.environ.items() if k not in ("KCORE_BACKEND", "PYTHONPATH")}
    env["KCORE_HOME"] = str(home)
    if pythonpath:
        env["PYTHONPATH"] = str(pythonpath)
    env.update(env_changes)
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=home.parent,
                          timeout=120)


# -- 1. import kcore is cheap ---------------------------------------------------------------------------


def test_import_kcore_imports_no_plugin_and_not_numpy(isolated_home):
    code = ("import sys\n"
            "import kcore\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'kcore_backend_numpy')))\n"
            "print(sorted(m for m in sys.modules if m.startswith('kcore')))\n"
            "import kcore.layers, kcore.losses\n"
            "kcore.plugins.manager().records()\n"
            "print(sorted(m for m in sys.modules if m.startswith('kcore_')))\n")
    result = _run(["-c", code], isolated_home)
    assert result.returncode == 0, result.stderr
    heavy, kcore_modules, plugin_modules = result.stdout.splitlines()
    assert heavy == "[]"
    assert kcore_modules == "['kcore']"
    assert plugin_modules == "[]"  # namespaces and metadata are read without importing any plugin


def test_configured_backend_is_numpy_by_default_in_a_fresh_process(isolated_home):
    result = _run(["-c", "from kcore import backend; print(backend.backend())"], isolated_home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "numpy"


# -- 2. lazy loading -------------------------------------------------------------------------------------


def test_plugin_is_imported_only_when_one_of_its_names_is_first_used(make_plugin):
    plugin = make_plugin("kcore-fake-dense", "kcore_fake_dense", {"layer": ["FakeDense", "FakeOther"]},
                         version="2.3.4")
    record = kcore.plugins.manager().records()["kcore-fake-dense"]
    assert (record.version, record.module, record.state) == ("2.3.4", "kcore_fake_dense", "not loaded")
    assert record.provides == [("layer", "FakeDense"), ("layer", "FakeOther")]
    assert "FakeDense" in dir(kcore.layers)
    assert not plugin.imported()

    layer = kcore.layers.FakeDense

    assert plugin.imported()
    assert layer.__name__ == "FakeDense" and layer.plugin == "kcore_fake_dense"
    assert kcore.layers.get("FakeDense").__class__ is layer  # Keras's get() instantiates a class
    assert kcore.plugins.manager().records()["kcore-fake-dense"].state == "loaded"
    assert kcore.plugins.manager().registry.owner_of("layer", "FakeDense") == "kcore-fake-dense"


def test_reset_forgets_loaded_plugins_and_names_cached_in_namespaces(make_plugin):
    plugin = make_plugin("kcore-fake-dense", "kcore_fake_dense", {"layer": ["FakeDense"]})
    kcore.layers.FakeDense  # noqa: B018
    assert "FakeDense" in vars(kcore.layers)

    plugin.uninstall()
    kcore.plugins.reset()

    assert "FakeDense" not in vars(kcore.layers)
    assert "kcore-fake-dense" not in kcore.plugins.manager().records()
    assert not hasattr(kcore.layers, "FakeDense")


# -- 3. a plugin that fails to import --------------------------------------------------------------------


def test_plugin_that_fails_to_import_is_named_and_others_keep_working(make_plugin):
    broken = make_plugin("kcore-fake-broken", "kcore_fake_broken", {"layer": ["Broken"]},
                         source="raise RuntimeError('the plugin is broken on purpose')\n")
    make_plugin("kcore-fake-dense", "kcore_fake_dense", {"layer": ["FakeDense"]})

    with pytest.raises(PluginError) as info:
        kcore.layers.Broken  # noqa: B018
    message = str(info.value)
    assert "kcore-fake-broken 1.0" in message
    assert "RuntimeError: the plugin is broken on purpose" in message
    assert isinstance(info.value.__cause__, RuntimeError)
    assert not broken.imported()
    assert kcore.plugins.manager().records()["kcore-fake-broken"].state == "failed"
    with pytest.raises(PluginError, match="kcore-fake-broken"):  # the failure is remembered, not retried
        kcore.layers.Broken  # noqa: B018

    assert kcore.layers.FakeDense.__name__ == "FakeDense"
    kcore.backend.activate("numpy")
    np.testing.assert_allclose(kcore.ops.add(np.float32(1), np.float32(2)), 3.0)
    assert [str(e) for e in kcore.plugins.manager().load_all()] == [message]


def test_kernel_plugin_that_fails_to_import_leaves_its_backend_working_with_the_ops_own_code(make_plugin):
    make_plugin("kcore-fake-broken-kernels", "kcore_fake_broken_kernels", {"kernel": ["numpy.exp"]},
                source="raise ImportError('built for another CPU')\n")

    with pytest.warns(UserWarning, match=r"kcore-fake-broken-kernels 1\.0 failed to import .*built for another CPU"):
        kcore.backend.activate("numpy")
    x = np.array([0.0, 1.0], "float32")
    np.testing.assert_allclose(kcore.ops.exp(x), np.exp(x), rtol=1e-6)
    assert kcore.ops.exp.impl is kcore.ops.exp.fn
    assert kcore.plugins.manager().records()["kcore-fake-broken-kernels"].state == "failed"


# -- 4. two plugins, one name ----------------------------------------------------------------------------


def test_name_provided_by_two_plugins_names_both_and_their_other_names_still_work(make_plugin):
    make_plugin("kcore-fake-first", "kcore_fake_first", {"layer": ["Twin", "OnlyFirst"]})
    make_plugin("kcore-fake-second", "kcore_fake_second", {"layer": ["Twin", "OnlySecond"]})

    with pytest.raises(DuplicateNameError) as info:
        kcore.layers.Twin  # noqa: B018
    assert "kcore-fake-first" in str(info.value) and "kcore-fake-second" in str(info.value)

    assert kcore.layers.OnlyFirst.plugin == "kcore_fake_first"
    with pytest.raises(DuplicateNameError, match="kcore-fake-second"):  # first loaded: still ambiguous
        kcore.layers.Twin  # noqa: B018
    with pytest.warns(UserWarning, match="Both kcore-fake-first and kcore-fake-second provide the layer 'Twin'"):
        assert kcore.layers.OnlySecond.plugin == "kcore_fake_second"
    with pytest.raises(DuplicateNameError, match=r"kcore-fake-first.*kcore-fake-second"):
        kcore.layers.get("Twin")


# -- 5. unknown names ------------------------------------------------------------------------------------


def test_unknown_name_suggests_a_near_miss_without_importing_any_plugin(make_plugin):
    plugin = make_plugin("kcore-fake-dense", "kcore_fake_dense", {"layer": ["FakeDense"]})

    with pytest.raises(UnknownNameError, match=r"Unknown layer 'FakeDens'\. Did you mean 'FakeDense'"):
        kcore.layers.FakeDens  # noqa: B018
    with pytest.raises(UnknownNameError, match="Did you mean 'FakeDense'"):
        kcore.layers.get("fakedense")
    assert not hasattr(kcore.layers, "Nope")
    assert not plugin.imported()


# -- 6. first-party names whose distribution is not installed --------------------------------------------


def _installed(distribution):
    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


@pytest.mark.parametrize(("namespace", "name", "distribution"), [
    (kcore.layers, "Conv2D", "kcore-layers-conv"),
    (kcore.layers, "LSTM", "kcore-layers-recurrent"),
    (kcore.losses, "mse", "kcore-losses"),
])
def test_first_party_name_without_its_distribution_says_what_to_install(isolated_home, namespace, name,
                                                                        distribution):
    real_scan = kcore.plugins.plugin_manager._scan_metadata

    def scan_without_the_distribution():  # as if it were not installed, even where it is
        records, providers = real_scan()
        records.pop(distribution, None)
        providers = {key: [d for d in dists if d != distribution] for key, dists in providers.items()}
        return records, {key: dists for key, dists in providers.items() if dists}

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plugin_manager, "_scan_metadata", scan_without_the_distribution)
        kcore.plugins.reset()
        try:
            with pytest.raises(MissingPluginError) as info:
                getattr(namespace, name)
        finally:
            kcore.plugins.reset()
    assert f"pip install {distribution}" in str(info.value)
    assert isinstance(info.value, ImportError)  # `except ImportError:` for an optional feature keeps working


# -- 7. another plugin API -------------------------------------------------------------------------------


def test_plugin_built_for_another_plugin_api_is_refused_with_both_versions(make_plugin):
    plugin = make_plugin("kcore-fake-future", "kcore_fake_future", {"layer": ["FromTheFuture"]}, source="""
        from kcore.plugins import hookimpl

        KCORE_PLUGIN_API = 99


        @hookimpl
        def kcore_register(registry):
            registry.add("layer", "FromTheFuture", object)
        """)

    with pytest.raises(PluginError) as info:
        kcore.layers.FromTheFuture  # noqa: B018
    message = str(info.value)
    assert "kcore-fake-future 1.0" in message
    assert "plugin API 99" in message and f"API {kcore.plugins.PLUGIN_API_VERSION}" in message
    assert "pip install -U kcore-fake-future" in message
    assert plugin.imported()  # imported to read its API version, but never registered
    assert kcore.plugins.manager().registry.find("layer", "FromTheFuture") is None


# -- 8. a kcore_register hook that raises ----------------------------------------------------------------


def test_plugin_whose_register_hook_raises_is_named_and_leaves_nothing_behind(make_plugin):
    make_plugin("kcore-fake-half", "kcore_fake_half", {"layer": ["HalfDone", "NeverDone"], "loss": ["half"]},
                source="""
        from kcore.plugins import hookimpl

        KCORE_PLUGIN_API = 1


        @hookimpl
        def kcore_register(registry):
            registry.add("layer", "HalfDone", object)
            registry.add("loss", "half", len)
            raise ValueError("registration broke half-way")
        """)
    make_plugin("kcore-fake-dense", "kcore_fake_dense", {"layer": ["FakeDense"]})

    with pytest.raises(PluginError) as info:
        kcore.layers.NeverDone  # noqa: B018
    assert "kcore-fake-half 1.0" in str(info.value)
    assert "ValueError: registration broke half-way" in str(info.value)

    plugins = kcore.plugins.manager()
    assert plugins.registry.find("layer", "HalfDone") is None
    assert plugins.registry.find("loss", "half") is None
    assert plugins.registry.owner_of("layer", "HalfDone") is None
    assert not plugins.hooks.has_plugin("kcore-fake-half")
    with pytest.raises(PluginError, match="kcore-fake-half"):
        kcore.layers.HalfDone  # noqa: B018
    assert kcore.layers.FakeDense.plugin == "kcore_fake_dense"


@pytest.mark.parametrize(("provides", "registration", "problem"), [
    ({"op": ["fake_op"]}, 'registry.add("op", "fake_op", lambda x: x)', "which is not a kcore op"),
    ({"kernel": ["exp"]}, 'registry.add("kernel", "exp", lambda xp, x: (xp.exp(x), None))',
     "a kernel's name must be '<backend>.<op>'"),
    ({"kernel": ["numpy.exp"]}, 'registry.add("kernel", "numpy.exp", "not a function")', "which is not callable"),
    ({"backend": ["fake"]}, 'registry.add("backend", "fake", None)', "which is not callable"),
    ({"layer": ["FakeThing"]}, 'registry.add("thing", "FakeThing", object)', "under the unknown kind 'thing'"),
], ids=["op-not-an-op", "kernel-name-without-backend", "kernel-not-callable", "backend-not-callable",
        "unknown-kind"])
def test_plugin_that_registers_a_malformed_component_is_named_and_every_other_plugin_keeps_working(
        make_plugin, provides, registration, problem):
    """A malformed op or kernel used to be bound to the backend on the next plugin load and break every plugin
    loaded after it; now the registration itself is refused, naming the distribution."""
    ((name,),) = provides.values()
    make_plugin("kcore-fake-malformed", "kcore_fake_malformed", {**provides, "loss": ["fake_good_loss"]}, source=f"""
        from kcore.plugins import hookimpl

        KCORE_PLUGIN_API = 1


        @hookimpl
        def kcore_register(registry):
            registry.add("loss", "fake_good_loss", len)
            {registration}
        """)
    make_plugin("kcore-fake-dense", "kcore_fake_dense", {"layer": ["FakeDense"]})

    with pytest.raises(PluginError) as info:
        kcore.plugins.manager().load("kcore-fake-malformed")
    message = str(info.value)
    assert "kcore-fake-malformed 1.0" in message and problem in message and ".." not in message
    plugins = kcore.plugins.manager()
    assert plugins.registry.find("loss", "fake_good_loss") is None  # what it registered before is gone too
    assert not plugins.hooks.has_plugin("kcore-fake-malformed")
    assert [str(e) for e in plugins.load_all()] == [message]  # every other plugin loads
    assert kcore.layers.FakeDense.plugin == "kcore_fake_dense"
    if name.startswith("numpy."):  # a broken kernel for the backend being activated: a warning, not an error
        with pytest.warns(UserWarning, match=r"kcore-fake-malformed 1\.0 .*'numpy' backend run their own"):
            kcore.backend.activate("numpy")
    else:
        kcore.backend.activate("numpy")
    x = np.array([[1.0, -2.0]], "float32")
    np.testing.assert_allclose(kcore.layers.Dense(1, kernel_initializer="ones")(x), [[-1.0]])
    np.testing.assert_allclose(kcore.ops.exp(x), np.exp(x), rtol=1e-6)


# -- 9. declared but not registered ----------------------------------------------------------------------


def test_name_declared_in_entry_points_but_not_registered_is_reported(make_plugin):
    make_plugin("kcore-fake-forgetful", "kcore_fake_forgetful", {"layer": ["Registered", "Forgotten"]},
                source="""
        from kcore.plugins import hookimpl

        KCORE_PLUGIN_API = 1


        @hookimpl
        def kcore_register(registry):
            registry.add("layer", "Registered", object)
        """)

    with pytest.raises(PluginError) as info:
        kcore.layers.Forgotten  # noqa: B018
    message = str(info.value)
    assert "kcore-fake-forgetful 1.0" in message
    assert "declares the layer 'Forgotten'" in message and "did not register it" in message
    assert "registry.add('layer', 'Forgotten', ...)" in message
    assert kcore.layers.Registered is object


# -- 10. kernels -----------------------------------------------------------------------------------------

KERNEL_PLUGIN = """
from kcore.plugins import hookimpl

KCORE_PLUGIN_API = 1
calls = []


def exp_kernel(xp, x):
    calls.append(x.shape)
    out = xp.exp(x)
    return out, (lambda g: g * out,)


@hookimpl
def kcore_register(registry):
    registry.add("kernel", "numpy.exp", exp_kernel)
"""


def test_kernel_plugin_replaces_an_op_for_its_backend_until_reset(make_plugin):
    plugin = make_plugin("kcore-fake-kernels", "kcore_fake_kernels", {"kernel": ["numpy.exp"]},
                         source=KERNEL_PLUGIN)
    x = np.array([0.0, 1.0], dtype="float32")

    kcore.backend.activate("numpy")

    calls = sys.modules["kcore_fake_kernels"].calls
    np.testing.assert_allclose(kcore.ops.exp(x), np.exp(x))
    assert calls == [(2,)]
    with kcore.GradientTape() as tape:  # the kernel's VJP is the one recorded
        v = kcore.Variable(x)
        y = kcore.ops.sum(kcore.ops.exp(v))
    np.testing.assert_allclose(tape.gradient(y, v), np.exp(x), rtol=1e-6)
    assert len(calls) == 2
    assert kcore.ops.log(x[1:]) == 0  # other ops keep their own implementation

    plugin.uninstall()
    kcore.plugins.reset()

    np.testing.assert_allclose(kcore.ops.exp(x), np.exp(x))
    assert len(calls) == 2
    assert kcore.ops.exp.impl is kcore.ops.exp.fn
    kcore.backend.activate("numpy")
    kcore.ops.exp(x)
    assert len(calls) == 2


def test_kernel_for_another_backend_leaves_the_active_backend_alone(make_plugin):
    make_plugin("kcore-fake-kernels", "kcore_fake_kernels", {"kernel": ["elsewhere.exp"]},
                source=KERNEL_PLUGIN.replace("numpy.exp", "elsewhere.exp"))
    kcore.backend.activate("numpy")
    kcore.plugins.manager().load("kcore-fake-kernels")
    kcore.backend.activate("numpy")

    kcore.ops.exp(np.zeros(3, dtype="float32"))

    assert sys.modules["kcore_fake_kernels"].calls == []
    assert kcore.ops.exp.impl is kcore.ops.exp.fn


# -- 11. a backend that does not exist -------------------------------------------------------------------


def test_unknown_backend_raises_backend_error_naming_it_and_the_fix(isolated_home):
    code = ("import kcore.ops, kcore.errors\n"
            "try:\n"
            "    kcore.ops.add(1.0, 2.0)\n"
            "except kcore.errors.BackendError as e:\n"
            "    print(e)\n")
    result = _run(["-c", code], isolated_home, KCORE_BACKEND="nonexistent")
    assert result.returncode == 0, result.stderr
    assert "The backend 'nonexistent'" in result.stdout
    assert "KCORE_BACKEND=numpy" in result.stdout


def test_unknown_backend_fails_on_every_op_until_the_setting_is_fixed(isolated_home, monkeypatch):
    monkeypatch.setenv("KCORE_BACKEND", "nonexistant")
    kcore.config.reset()
    kcore.plugins.reset()
    try:
        with pytest.raises(BackendError, match=r"'nonexistant'.*KCORE_BACKEND=numpy"):
            kcore.ops.add(1.0, 2.0)
        assert kcore.backend.active.name is None
        with pytest.raises(BackendError, match="nonexistant"):
            kcore.ops.add(1.0, 2.0)
    finally:
        monkeypatch.delenv("KCORE_BACKEND")
        kcore.config.reset()
        kcore.plugins.reset()
    assert kcore.ops.add(1.0, 2.0) == 3.0
    assert kcore.backend.active.name == "numpy"


@pytest.mark.parametrize(("factory", "described"), [
    ("def factory():\n    raise RuntimeError('no device here')", "failed to start: RuntimeError: no device here"),
    ("def factory():\n    return None", "its factory returned None, not a kcore.backend.Backend"),
    ("def factory():\n    return object()", "its factory returned <object object"),
    ("def factory():\n    return Backend()", "its factory returned <kcore.backend.Backend"),  # no `xp`
], ids=["raises", "returns-none", "returns-another-object", "returns-a-backend-without-xp"])
def test_backend_plugin_whose_factory_fails_is_named_and_the_active_backend_keeps_working(make_plugin, factory,
                                                                                        described):
    make_plugin("kcore-fake-backend", "kcore_fake_backend", {"backend": ["fake"]}, source=f"""
from kcore.backend import Backend
from kcore.plugins import hookimpl

KCORE_PLUGIN_API = 1


{factory}


@hookimpl
def kcore_register(registry):
    registry.add("backend", "fake", factory)
""")
    kcore.backend.activate("numpy")

    with pytest.raises(BackendError) as info:
        kcore.backend.activate("fake")
    message = str(info.value)
    assert "The backend 'fake' (from kcore-fake-backend 1.0)" in message and described in message
    assert "KCORE_BACKEND=numpy" in message
    assert kcore.backend.backend() == "numpy" and kcore.backend.active.name == "numpy"
    np.testing.assert_allclose(kcore.ops.add(np.float32(1), np.float32(2)), 3.0)


# -- 12. python -m kcore info ----------------------------------------------------------------------------


def test_kcore_info_lists_config_backend_and_plugins_without_importing_them(tmp_path, isolated_home):
    site = tmp_path / "site"
    _write_distribution(site, "kcore-fake-info", "kcore_fake_info", {"layer": ["InfoLayer", "OtherLayer"],
                                                                     "loss": ["info_loss"]},
                        source="raise RuntimeError('python -m kcore info must not import plugins')\n",
                        version="3.1.4")
    _write_distribution(site, "kcore-fake-orphan", "kcore_fake_orphan", {"layer": ["Orphan"]}, source="",
                        plugin_entry=False)

    result = _run(["-m", "kcore", "info"], isolated_home, pythonpath=site)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    numpy_version = importlib.metadata.version("kcore-backend-numpy")
    assert f"kcore {kcore.__version__}" in out
    assert str(isolated_home / "kcore.json") in out
    assert "floatx: float32" in out
    assert "backend: numpy" in out
    assert f"kcore-backend-numpy {numpy_version} (not loaded)" in out
    assert "kcore-fake-info 3.1.4 (not loaded)" in out
    assert "layer: InfoLayer, OtherLayer" in out and "loss: info_loss" in out
    assert "kcore-fake-orphan 1.0 (failed:" in out and "no 'kcore.plugins' entry point" in out
    assert "must not import" not in out + result.stderr


def test_kcore_info_reports_a_corrupt_config_file_instead_of_crashing(isolated_home):
    isolated_home.mkdir()
    (isolated_home / "kcore.json").write_text("{not json")

    result = _run(["-m", "kcore", "info"], isolated_home)

    assert result.returncode == 1
    assert "Cannot read the kcore config file" in result.stdout
    assert "kcore-backend-numpy" in result.stdout  # the rest of the report is still there


# -- 13. test-case hooks that raise or answer nonsense ---------------------------------------------------

GOOD_OP_PLUGIN = """
from kcore.ops import op
from kcore.plugins import hookimpl

KCORE_PLUGIN_API = 1


@op
def fake_twice(xp, x):
    return 2 * x, (lambda g: 2 * g,)


@hookimpl
def kcore_register(registry):
    registry.add("op", "fake_twice", fake_twice)


@hookimpl
def kcore_op_cases():
    from kcore.testing import OpCase, strategies

    return [OpCase("fake_twice", strategies.unary(), lambda x: 2 * x)]
"""

CASES_PLUGIN = """
from kcore.plugins import hookimpl

KCORE_PLUGIN_API = 1


class FakeCased:
    pass


@hookimpl
def kcore_register(registry):
    registry.add("layer", "FakeCased", FakeCased)


@hookimpl
def {hook}():
    from kcore.testing import LayerCase, LossCase, OpCase  # noqa: F401

    {body}
"""


def test_plugin_whose_op_cases_hook_raises_is_named_and_every_other_plugins_cases_still_come(make_plugin):
    from kcore.testing import check_op_case, collect_op_cases
    from kcore.testing.collection import PluginCasesWarning

    make_plugin("kcore-fake-cases", "kcore_fake_cases", {"layer": ["FakeCased"]},
                source=CASES_PLUGIN.format(hook="kcore_op_cases", body="raise RuntimeError('no cases today')"))
    make_plugin("kcore-fake-twice", "kcore_fake_twice", {"op": ["fake_twice"]}, source=GOOD_OP_PLUGIN)

    errors = []
    cases = collect_op_cases(errors)

    assert [type(e) for e in errors] == [PluginError]
    message = str(errors[0])
    assert "kcore-fake-cases 1.0" in message and "kcore_op_cases" in message
    assert "RuntimeError: no cases today" in message
    assert isinstance(errors[0].__cause__, RuntimeError)
    assert {"fake_twice", "add", "matmul"} <= set(cases)  # the other plugin's and the core's cases
    check_op_case(cases["fake_twice"], max_examples=5)
    assert kcore.layers.FakeCased.__name__ == "FakeCased"  # the plugin's components still work
    with pytest.warns(PluginCasesWarning, match=r"kcore-fake-cases 1\.0 raised in its kcore_op_cases hook"):
        assert "fake_twice" in collect_op_cases()  # without an error list: a warning, and the cases


@pytest.mark.parametrize(("body", "described"), [
    ("return LayerCase('FakeCased')", "a LayerCase"),
    ("return {'FakeCased': LayerCase('FakeCased')}", "a dict"),
    ("return [LayerCase('FakeCased'), 'Dense']", "a list whose item 1 is a str"),
    ("return [OpCase('add', None)]", "a list whose item 0 is an OpCase"),
])
def test_plugin_whose_layer_cases_hook_answers_something_else_is_named_and_others_are_kept(make_plugin, body,
                                                                                         described):
    from kcore.testing import collect_layer_cases

    make_plugin("kcore-fake-cases", "kcore_fake_cases", {"layer": ["FakeCased"]},
                source=CASES_PLUGIN.format(hook="kcore_layer_cases", body=body))

    errors = []
    cases = collect_layer_cases(errors)

    assert len(errors) == 1
    message = str(errors[0])
    assert f"kcore-fake-cases 1.0 returned {described}" in message
    assert "expected a list of kcore.testing.LayerCase" in message
    assert "FakeCased" not in cases
    assert "Dense" in cases and cases["Dense"][0][0] == "kcore-layers-core"


def test_plugin_whose_loss_cases_hook_raises_leaves_the_other_loss_cases_in_place(make_plugin):
    from kcore.testing import collect_loss_cases

    make_plugin("kcore-fake-cases", "kcore_fake_cases", {"layer": ["FakeCased"]},
                source=CASES_PLUGIN.format(hook="kcore_loss_cases", body="raise KeyError('mse')"))

    errors = []
    cases = collect_loss_cases(errors)

    assert len(errors) == 1 and "kcore-fake-cases 1.0 raised in its kcore_loss_cases hook: KeyError" in str(errors[0])
    assert "mse" in cases or "mean_squared_error" in cases


def test_call_each_without_an_error_list_still_raises_at_the_first_failing_plugin(make_plugin):
    make_plugin("kcore-fake-cases", "kcore_fake_cases", {"layer": ["FakeCased"]},
                source=CASES_PLUGIN.format(hook="kcore_op_cases", body="raise RuntimeError('no cases today')"))

    with pytest.raises(PluginError, match=r"kcore-fake-cases 1\.0 raised in its kcore_op_cases hook"):
        kcore.plugins.manager().call_each("kcore_op_cases")


# -- 14. python -m kcore new-plugin ----------------------------------------------------------------------


def test_new_plugin_writes_a_skeleton_whose_declarations_match_its_registrations(tmp_path, isolated_home):
    import tomllib

    result = _run(["-m", "kcore", "new-plugin", "acme-extras", "--kinds", "layer,optimizer", "--dir", tmp_path],
                  isolated_home)

    assert result.returncode == 0, result.stderr
    root = tmp_path / "acme-extras"
    assert f"Created the kcore plugin acme-extras in {root}" in result.stdout
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert files == ["README.md", "acme_extras/__init__.py", "acme_extras/plugin.py", "acme_extras/scale.py",
                     "acme_extras/sgd.py", "pyproject.toml", "tests/test_layers.py", "tests/test_optimizers.py",
                     "tests/test_plugin.py"]
    project = tomllib.loads((root / "pyproject.toml").read_text())
    entry_points = project["project"]["entry-points"]
    assert entry_points["kcore.plugins"] == {"acme-extras": "acme_extras.plugin"}
    assert set(entry_points["kcore.provides"]) == {"layer:AcmeExtrasScale", "optimizer:AcmeExtrasSGD",
                                                   "optimizer:acme_extras_sgd"}
    assert project["project"]["dependencies"] == [f"kcore>=0.{kcore.__version__.split('.')[1]},"
                                                  f"<0.{int(kcore.__version__.split('.')[1]) + 1}"]
    plugin_source = (root / "acme_extras" / "plugin.py").read_text()
    assert f"KCORE_PLUGIN_API = {kcore.plugins.PLUGIN_API_VERSION}" in plugin_source
    assert "kcore_layer_cases" in plugin_source and "kcore_loss_cases" not in plugin_source
    for path in root.rglob("*.py"):
        compile(path.read_text(), str(path), "exec")  # every generated module is valid Python


@pytest.mark.parametrize(("args", "message"), [
    (["new-plugin", "9lives"], "'9lives' is not a valid distribution name"),
    (["new-plugin", "kcore-losses"], "'kcore-losses' is one of kcore's own distributions"),
    (["new-plugin", "acme", "--kinds", "layer,metric"], "--kinds must be a comma-separated subset of "
                                                        "layer,loss,optimizer. Received: layer,metric"),
])
def test_new_plugin_refuses_bad_names_and_kinds_with_the_value_received(tmp_path, isolated_home, args, message):
    result = _run(["-m", "kcore", *args, "--dir", tmp_path], isolated_home)

    assert result.returncode == 2
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_new_plugin_never_writes_into_a_folder_that_is_not_empty(tmp_path, isolated_home):
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "mine.py").write_text("keep me\n")

    result = _run(["-m", "kcore", "new-plugin", "acme", "--dir", tmp_path], isolated_home)

    assert result.returncode == 2 and "already exists and is not empty" in result.stderr
    assert [p.name for p in (tmp_path / "acme").iterdir()] == ["mine.py"]
