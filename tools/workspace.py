"""Facts about the monorepo's distributions, read from their pyproject files.

The version check, the bump helper and the noxfile all need the same view of
``packages/*``: each distribution's name, import name, version and the
siblings it declares. This module is that one view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import tomllib

__all__ = ["ROOT", "Distribution", "dependency_group", "load_workspace", "sibling_closure"]

ROOT = Path(__file__).resolve().parent.parent

_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Distribution:
    """One distribution under ``packages/``."""

    name: str
    version: str
    path: Path
    #: Declared requirements on siblings: canonical name -> specifier text.
    sibling_requirements: dict[str, str]

    @property
    def import_name(self) -> str:
        return self.name.replace("-", "_")

    @property
    def pyproject(self) -> Path:
        return self.path / "pyproject.toml"

    @property
    def source_dir(self) -> Path:
        return self.path / "src" / self.import_name

    @property
    def tests_dir(self) -> Path:
        return self.path / "tests"


def load_workspace(root: Path = ROOT) -> dict[str, Distribution]:
    """Read every ``packages/*/pyproject.toml`` below ``root``."""
    projects: dict[str, tuple[str, Path, list[str]]] = {}
    for pyproject in sorted((root / "packages").glob("*/pyproject.toml")):
        data = tomllib.loads(pyproject.read_text())["project"]
        projects[_canonical(data["name"])] = (
            data["version"],
            pyproject.parent,
            list(data.get("dependencies", [])),
        )
    workspace: dict[str, Distribution] = {}
    for name, (version, path, requirements) in projects.items():
        siblings: dict[str, str] = {}
        for requirement in requirements:
            match = _REQ_NAME.match(requirement)
            if match and _canonical(match.group(1)) in projects:
                siblings[_canonical(match.group(1))] = requirement[match.end() :].strip()
        workspace[name] = Distribution(name, version, path, siblings)
    return workspace


def sibling_closure(workspace: dict[str, Distribution], name: str) -> list[Distribution]:
    """The distribution and every sibling it needs, dependencies first."""
    ordered: list[Distribution] = []

    def visit(current: str) -> None:
        if any(d.name == current for d in ordered):
            return
        for dependency in workspace[current].sibling_requirements:
            visit(dependency)
        ordered.append(workspace[current])

    visit(name)
    return ordered


def dependency_group(group: str, root: Path = ROOT) -> list[str]:
    """A dependency group of the workspace's root ``pyproject.toml``."""
    data = tomllib.loads((root / "pyproject.toml").read_text())
    return list(data["dependency-groups"][group])
