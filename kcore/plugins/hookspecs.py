"""The whole plugin contract: every hook a kcore plugin may implement, in the order kcore calls them.

A plugin is a module named by an entry point in the group `kcore.plugins`. It declares the names it provides in
the group `kcore.provides` (entry name `"<kind>:<name>"`, value the plugin module), so that kcore can list and
find them without importing anything. The module is imported the first time one of those names is looked up;
it then implements the hooks below with `@kcore.plugins.hookimpl` and states the plugin API it was built for:

    KCORE_PLUGIN_API = 1

    @hookimpl
    def kcore_register(registry):
        registry.add("layer", "Dense", Dense)

A plugin never needs more than this module and an entry in its pyproject.toml: see docs/writing-a-plugin.md.
"""

import pluggy

hookspec = pluggy.HookspecMarker("kcore")

#: The version of this contract. A plugin whose `KCORE_PLUGIN_API` differs is refused with a clear message.
PLUGIN_API_VERSION = 1


# -- Loading ----------------------------------------------------------------------------------------------


@hookspec(historic=True)
def kcore_register(registry):
    """Add the plugin's components to the registry. Called once, right after the plugin module is imported.

    `registry.add(kind, name, obj)` adds one component. The kinds are those of `kcore.plugins.registry.KINDS`:
    a `backend` is a zero-argument factory returning a `kcore.backend.Backend`; an `op` is a `kcore.ops.Op`;
    a `kernel` named `"<backend>.<op>"` replaces that op's implementation while that backend is active (same
    signature and return value as the op's function); a `distribution` is a factory `(timeout=seconds)`
    returning a `kcore.distribution.Communicator`; every other kind is the class or function users ask for
    by that name. Every name must also be declared in the plugin's `kcore.provides` entry points.

    Returns nothing. An exception here is reported with the plugin's distribution name, and the plugin's
    names stay unavailable; other plugins are not affected.
    """


# -- Testing ----------------------------------------------------------------------------------------------
# Each hook below returns a list of cases. One that raises, or returns anything else, is reported with the
# plugin's distribution name and its cases are left out; every other plugin's cases are kept.


@hookspec
def kcore_op_cases():
    """Return the test cases (`kcore.testing.OpCase`) for the ops this plugin registers.

    Called only by test suites. kcore's gradient test runs every case against finite differences, and its
    meta-test fails for any registered differentiable op that has no case, so an op cannot ship untested.
    The backend conformance suite reuses the same cases to compare a backend with the NumPy one.
    """


@hookspec
def kcore_layer_cases():
    """Return the test cases (`kcore.testing.LayerCase`) for the layers this plugin registers.

    Called only by test suites. kcore's conformance test builds each layer, checks its output shape against
    shape inference, its config and weights round trips, its gradients (inputs and weights) against finite
    differences, and its `training` flag; a meta-test fails for any registered layer class without a case.
    """


@hookspec
def kcore_loss_cases():
    """Return the test cases (`kcore.testing.LossCase`) for the losses this plugin registers.

    Called only by test suites: each loss's gradient with respect to `y_pred` is checked against finite
    differences and its float32 dtype kept; a meta-test fails for any registered loss without a case.
    """
