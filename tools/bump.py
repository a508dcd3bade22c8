"""Raise one distribution's version and the ranges of its dependants.

Usage: ``python tools/bump.py DIST (major|minor|patch|X.Y.Z) [--root ROOT]``.

The version is written to the distribution's ``pyproject.toml`` and its
``__version__``. Every sibling that declares a range on it gets the range
``>=X.Y,<next`` where *next* is the first release the new version's
compatibility promise does not cover: the next minor for 0.x versions, the
next major otherwise. A dependant whose range changes is not bumped itself;
that is a release decision the maintainer makes next.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workspace import ROOT, load_workspace

__all__ = ["bump", "compatible_range", "next_version"]


def next_version(current: str, part: str) -> str:
    """The version after ``current`` for ``part`` (or ``part`` itself if explicit)."""
    if re.fullmatch(r"\d+\.\d+\.\d+", part):
        return part
    major, minor, patch = (int(x) for x in current.split(".")[:3])
    if part == "major":
        return f"{major + 1}.0.0"
    if part == "minor":
        return f"{major}.{minor + 1}.0"
    if part == "patch":
        return f"{major}.{minor}.{patch + 1}"
    raise ValueError(f"unknown part {part!r}: use major, minor, patch or X.Y.Z")


def compatible_range(version: str) -> str:
    """The range dependants declare for ``version``: ``>=X.Y,<next``."""
    major, minor = (int(x) for x in version.split(".")[:2])
    upper = f"{major}.{minor + 1}" if major == 0 else f"{major + 1}"
    return f">={major}.{minor},<{upper}"


def bump(name: str, part: str, root: Path = ROOT) -> str:
    """Bump ``name`` in the tree at ``root``; return the new version."""
    workspace = load_workspace(root)
    dist = workspace[name]
    new = next_version(dist.version, part)
    text = dist.pyproject.read_text()
    dist.pyproject.write_text(
        re.sub(r'(?m)^version = "[^"]+"', f'version = "{new}"', text, count=1)
    )
    init = dist.source_dir / "__init__.py"
    init.write_text(
        re.sub(r'(?m)^__version__ = "[^"]+"', f'__version__ = "{new}"', init.read_text())
    )
    wanted = compatible_range(new)
    for dependant in workspace.values():
        if name not in dependant.sibling_requirements:
            continue
        pattern = re.compile(rf'"{re.escape(name)}\s*[<>=!~][^"]*"')
        text = dependant.pyproject.read_text()
        dependant.pyproject.write_text(pattern.sub(f'"{name}{wanted}"', text))
    return new


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("distribution")
    parser.add_argument("part", help="major, minor, patch or an explicit X.Y.Z")
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    new = bump(args.distribution, args.part, args.root)
    print(f"{args.distribution} -> {new}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
