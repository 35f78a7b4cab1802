"""A plugin's declarations (its `kcore.provides` entry points) against what it registers when loaded."""

import importlib.metadata


def declared_names(distribution):
    """{(kind, name)} that `distribution` declares in its `kcore.provides` entry points."""
    dist = importlib.metadata.distribution(distribution)
    pairs = [ep.name.partition(":") for ep in dist.entry_points if ep.group == "kcore.provides"]
    return {(kind, name) for kind, _, name in pairs}


def registered_names(distribution):
    """{(kind, name)} that `distribution` registered (loading it first)."""
    from kcore.plugins import manager
    from kcore.plugins.registry import KINDS

    plugins = manager()
    plugins.load(distribution)
    return {(kind, name) for kind in KINDS for name in plugins.registry.names(kind)
            if plugins.registry.owner_of(kind, name) == distribution}


def check_plugin_declarations(distribution):
    """Assert that `distribution` registers exactly the names it declares, and, for a first-party plugin, that
    kcore's catalogue (which names the distribution to install when it is missing) lists the same names."""
    from kcore.plugins import catalogue

    declared, registered = declared_names(distribution), registered_names(distribution)
    assert declared == registered, (
        f"{distribution}: declared but not registered {sorted(declared - registered)}; registered but not "
        f"declared {sorted(registered - declared)}. Keep pyproject.toml's kcore.provides and the plugin's "
        f"kcore_register in step.")
    if distribution in catalogue.FIRST_PARTY:
        catalogued = {(kind, name) for kind, names in catalogue.FIRST_PARTY[distribution].items()
                      for name in names.split()}
        assert catalogued == declared, (
            f"{distribution}: kcore/plugins/catalogue.py lists {sorted(catalogued - declared)} that it does not "
            f"declare, and misses {sorted(declared - catalogued)}.")
