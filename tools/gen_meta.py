"""Write the meta-package's alias modules from ``tools/meta_surface.py``.

Usage: ``python tools/gen_meta.py [--check] [--missing]`` with every
distribution importable (the development venv). Each module of
``packages/aiohttp/src/aiohttp`` becomes ``from home import Name as Name``
lines for the names its home defines today. ``--check`` exits 1 when a file
differs from what would be written; ``--missing`` lists the documented names
no home defines yet.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from meta_surface import INIT_SUBMODULES, LAZY_HOMES, SURFACE
from workspace import ROOT

__all__ = ["render", "resolve"]

TARGET = ROOT / "packages" / "aiohttp" / "src" / "aiohttp"


def resolve(module: str) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """(home, names present) rows for ``aiohttp.<module>``, and the missing names."""
    rows: list[tuple[str, list[str]]] = []
    missing: list[str] = []
    seen: set[str] = set()
    for home, wanted in SURFACE[module]:
        try:
            home_module = importlib.import_module(home)
        except ImportError:
            home_module = None
        if wanted == "*":
            names = list(getattr(home_module, "__all__", []))
            if home_module is None:
                missing.append(f"{home}.*")
        else:
            names = []
            for name in wanted:
                if home_module is not None and hasattr(home_module, name):
                    names.append(name)
                else:
                    missing.append(f"{home}.{name}")
        if module == "web" and home_module is not None and hasattr(home_module, "main"):
            names.append("main")
        names = [n for n in names if n not in seen]
        seen.update(names)
        if names:
            rows.append((home, names))
    return rows, missing


def render(module: str) -> str:
    """The text of ``aiohttp/<module>.py``."""
    rows, _ = resolve(module)
    title = "aiohttp" if module == "__init__" else f"aiohttp.{module}"
    homes = ", ".join(sorted({home.split(".")[0] for home, _ in rows})) or "nothing yet"
    lines = [f'"""``{title}``: re-exports from {homes}."""']
    lazy = [(home, names) for home, names in rows if module == "__init__" and home in LAZY_HOMES]
    if rows:
        lines.append("")
    if lazy:
        lines.append("from typing import TYPE_CHECKING")
        lines.append("")
    for home, names in rows:
        if (home, names) in lazy:
            continue
        lines.append(f"from {home} import (")
        lines += [f"    {name} as {name}," for name in names]
        lines.append(")")
    # The CLI entry point and private names that plugins import stay out of __all__.
    exported = [
        name for _, names in rows for name in names if name != "main" and not name.startswith("_")
    ]
    if module == "__init__":
        lines.append("from . import (")
        lines += [f"    {name} as {name}," for name in INIT_SUBMODULES]
        lines.append(")")
        exported.append("hdrs")
        lines += ["", '__version__ = "3.13.3"']
    if lazy:
        lines += ["", "if TYPE_CHECKING:"]
        for home, names in lazy:
            lines.append(f"    from {home} import (")
            lines += [f"        {name} as {name}," for name in names]
            lines.append("    )")
        lines += [
            "",
            "",
            "def __getattr__(name: str) -> object:",
            '    """Names of slow-to-import homes, imported on first use."""',
        ]
        for home, names in lazy:
            quoted = ", ".join(f'"{name}"' for name in names)
            lines.append(f"    if name in {{{quoted}}}:")
            package, _, submodule = home.rpartition(".")
            lines.append(f"        from {package} import {submodule}")
            lines.append("")
            lines.append(f"        return getattr({submodule}, name)")
        lines += ['    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")', ""]
    if exported:
        lines += ["", "__all__ = ["]
        lines += [f'    "{name}",' for name in exported]
        lines.append("]")
    else:
        lines += ["", "__all__: list[str] = []"]
    if module == "web" and any("main" in names for _, names in rows):
        lines += ["", 'if __name__ == "__main__":', "    main()"]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for module in SURFACE:
        path = TARGET / f"{module}.py"
        text = render(module)
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(path.name)
        else:
            path.write_text(text)
    if "--missing" in argv:
        for module in SURFACE:
            for name in resolve(module)[1]:
                print(f"aiohttp.{module}: {name} not defined yet")
    if stale:
        print("stale (run python tools/gen_meta.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
