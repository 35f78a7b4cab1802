"""kcore's command line (`python -m kcore ...`, or `kcore ...`).

- `info` describes this installation. It reads package metadata only: it imports no plugin module, so it works
  even when a plugin is broken, and it shows each plugin as "not loaded" unless this process loaded it.
- `new-plugin NAME [--kinds layer,loss,optimizer] [--dir PATH]` writes the skeleton of a plugin distribution
  (see docs/writing-a-plugin.md).
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


def new_plugin(name, kinds, directory, out=sys.stdout, err=sys.stderr):
    """Write a plugin skeleton and say what to do next; return an exit status."""
    from kcore.plugins.template import new_plugin as write_skeleton

    try:
        target = write_skeleton(name, [k.strip() for k in kinds.split(",") if k.strip()], directory)
    except KcoreError as e:
        print(f"error: {e}", file=err)
        return 2
    print(f"Created the kcore plugin {name} in {target}:", file=out)
    for path in sorted(p for p in target.rglob("*") if p.is_file()):
        print(f"  {path.relative_to(target)}", file=out)
    print(f"Next: pip install -e \"{target}[test]\" && python -m pytest {target / 'tests'}", file=out)
    print("Then replace the example components with yours: docs/writing-a-plugin.md.", file=out)
    return 0


def main(argv=None):
    from kcore.plugins.template import KINDS

    parser = argparse.ArgumentParser(prog="kcore", description="kcore's command line.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("info", help="show kcore's version, settings, backend and installed plugins")
    skeleton = commands.add_parser("new-plugin", help="write the skeleton of a plugin distribution")
    skeleton.add_argument("name", help="the distribution name, e.g. acme-layers")
    skeleton.add_argument("--kinds", default=",".join(KINDS),
                          help=f"example components to include, comma-separated (default: {','.join(KINDS)})")
    skeleton.add_argument("--dir", default=".", help="the folder to create the plugin's folder in (default: .)")
    args = parser.parse_args(argv)
    if args.command == "info":
        return info()
    if args.command == "new-plugin":
        return new_plugin(args.name, args.kinds, args.dir)
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
