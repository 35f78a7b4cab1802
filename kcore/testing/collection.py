"""Gathering the test cases that plugins return from their `kcore_*_cases` hooks, one plugin at a time.

A plugin whose hook raises, or answers something other than a list of cases, is reported with its distribution
name and left out; every other plugin's cases still come back, so one broken plugin never hides the others'
tests (its own components then show up as untested in the meta-tests, under its name).
"""

import warnings

from kcore.errors import PluginError


class PluginCasesWarning(UserWarning):
    """A plugin's test-case hook failed; its cases were left out."""


def plugin_cases(hook_name, case_type, errors=None):
    """`[(distribution, case)]` from every installed plugin's `hook_name` hook (loads every plugin).

    A failing or malformed answer becomes a PluginError naming the distribution: appended to `errors` when a
    list is given, else issued as a PluginCasesWarning.

    Example:
        >>> from kcore.testing import LayerCase
        >>> errors = []
        >>> pairs = plugin_cases("kcore_layer_cases", LayerCase, errors)
    """
    from kcore.plugins import manager

    plugins = manager()
    found = []
    failures = []
    for distribution, answer in plugins.call_each(hook_name, errors=failures):
        if answer is None:
            continue
        bad = _malformed(answer, case_type)
        if bad is not None:
            failures.append(PluginError(
                f"The kcore plugin {plugins._label(distribution)} returned {bad} from its {hook_name} hook; "
                f"expected a list of kcore.testing.{case_type.__name__}. Return [{case_type.__name__}(...), ...]."))
            continue
        found.extend((distribution, case) for case in answer)
    if errors is not None:
        errors.extend(failures)
    else:
        for failure in failures:
            warnings.warn(f"{failure} Its cases are left out; every other plugin's are kept.", PluginCasesWarning,
                          stacklevel=2)
    return found


def _malformed(answer, case_type):
    """None when `answer` is a list (or tuple) of `case_type`, else a description of what it is."""
    if not isinstance(answer, (list, tuple)):
        return f"{_a(answer)} ({answer!r:.80})"
    for i, item in enumerate(answer):
        if not isinstance(item, case_type):
            return f"a list whose item {i} is {_a(item)} ({item!r:.80})"
    return None


def _a(value):
    name = type(value).__name__
    return f"{'an' if name[0] in 'AEIOUaeiou' else 'a'} {name}"
