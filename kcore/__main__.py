"""kcore's command line: `python -m kcore info` (or `kcore info`) describes this installation.

`info` reads package metadata only: it imports no plugin module, so it works even when a plugin is broken,
and it shows each plugin as "not loaded" unless something in this process loaded it.
"""

import argparse
import sys

import kcore
from kcore import config
from kcore.errors import KcoreError


def _settings_lines():
    try:
        settings = config.as_dict()
    except KcoreError as e:
        return [f"  error: {e}"], False
    return [f"  {key}: {value}" for key, value in settings.items()], True


def _plugin_lines(records):
    lines = []
    for record in sorted(records.values(), key=lambda r: r.distribution.lower()):
        state = record.state
        if state == "failed":
            state = f"failed: {record.error}"
        lines.append(f"  {record.label} ({state})")
        lines.append(f"    module: {record.module}")
        by_kind = {}
        for kind, name in record.provides:
            by_kind.setdefault(kind, []).append(name)
        for kind, names in sorted(by_kind.items()):
            lines.append(f"    {kind}: {', '.join(names)}")
        if not by_kind:
            lines.append("    (provides no names)")
    return lines or ["  (none installed)"]


def info(out=sys.stdout):
    """Print kcore's version, its settings, the backend and every installed plugin; return an exit status."""
    from kcore import backend
    from kcore.plugins import PLUGIN_API_VERSION, manager

    status = 0
    print(f"kcore {kcore.__version__} (plugin API {PLUGIN_API_VERSION}) at {kcore.__path__[0]}", file=out)
    print(f"Python {sys.version.split()[0]} at {sys.executable}", file=out)
    print(f"config file: {config.config_path()}", file=out)
    lines, ok = _settings_lines()
    print("\n".join(lines), file=out)
    if ok:
        state = "active" if backend.active.name else "activated on first use"
        print(f"backend: {backend.backend()} ({state})", file=out)
    else:
        status = 1
        print("backend: unknown until the config file is fixed", file=out)
    records = manager().records()
    print(f"plugins ({len(records)}):", file=out)
    print("\n".join(_plugin_lines(records)), file=out)
    return status


def main(argv=None):
    parser = argparse.ArgumentParser(prog="kcore", description="kcore's command line.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("info", help="show kcore's version, settings, backend and installed plugins")
    args = parser.parse_args(argv)
    if args.command == "info":
        return info()
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
