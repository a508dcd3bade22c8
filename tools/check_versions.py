"""Check the monorepo's inter-distribution contract.

* every declared sibling range admits the sibling's current version;
* every import of a sibling (in source and tests) is declared;
* ``aiohttp-client`` and ``aiohttp-server`` never import each other;
* each package's ``__version__`` matches its ``pyproject.toml``.

Run as ``python tools/check_versions.py [ROOT]``; exits 1 listing every
problem, 0 when the tree is consistent.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workspace import ROOT, Distribution, load_workspace

__all__ = ["FORBIDDEN", "find_problems", "main"]

#: Pairs that must never import each other, whatever they declare.
FORBIDDEN = {("aiohttp-client", "aiohttp-server"), ("aiohttp-server", "aiohttp-client")}

_VERSION_RE = re.compile(r'^__version__\s*=\s*"([^"]+)"', re.MULTILINE)


def _imported_top_levels(path: Path) -> set[str]:
    """Top-level names of every absolute import in a file, wherever it stands."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value.split(".")[0])
    return names


def _check_ranges(dist: Distribution, workspace: dict[str, Distribution]) -> list[str]:
    problems = []
    for sibling, spec in dist.sibling_requirements.items():
        try:
            specifier = SpecifierSet(spec)
        except InvalidSpecifier:
            problems.append(f"{dist.name}: invalid range {spec!r} for {sibling}")
            continue
        if not spec:
            problems.append(f"{dist.name}: {sibling} is declared without a version range")
        elif Version(workspace[sibling].version) not in specifier:
            problems.append(
                f"{dist.name}: range {sibling}{spec} does not admit "
                f"{sibling} {workspace[sibling].version}"
            )
    return problems


def _check_imports(dist: Distribution, by_import: dict[str, Distribution]) -> list[str]:
    problems = []
    for folder in (dist.source_dir, dist.tests_dir):
        for path in sorted(folder.rglob("*.py")):
            for top in sorted(_imported_top_levels(path)):
                target = by_import.get(top)
                if target is None or target.name == dist.name:
                    continue
                where = path.relative_to(dist.path.parent.parent)
                if (dist.name, target.name) in FORBIDDEN:
                    problems.append(f"{where}: {dist.name} must never import {top}")
                elif target.name not in dist.sibling_requirements:
                    problems.append(f"{where}: imports {top} but {dist.name} does not declare it")
    return problems


def _check_version_attribute(dist: Distribution) -> list[str]:
    init = dist.source_dir / "__init__.py"
    match = _VERSION_RE.search(init.read_text()) if init.exists() else None
    if match is None:
        return [f"{dist.name}: {init} has no __version__"]
    if match.group(1) != dist.version:
        return [f"{dist.name}: __version__ {match.group(1)} != pyproject version {dist.version}"]
    return []


def find_problems(root: Path = ROOT) -> list[str]:
    """Every violation of the contract in the tree at ``root``."""
    workspace = load_workspace(root)
    by_import = {dist.import_name: dist for dist in workspace.values()}
    problems: list[str] = []
    for dist in workspace.values():
        problems += _check_ranges(dist, workspace)
        problems += _check_imports(dist, by_import)
        problems += _check_version_attribute(dist)
    return problems


def main(argv: list[str]) -> int:
    root = Path(argv[0]).resolve() if argv else ROOT
    problems = find_problems(root)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found")
        return 1
    print(f"{len(load_workspace(root))} distributions consistent")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
