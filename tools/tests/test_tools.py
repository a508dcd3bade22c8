"""The version/import check and the bump helper, on throw-away copies of the tree."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bump import bump, compatible_range, next_version
from check_versions import find_problems
from workspace import ROOT, load_workspace, sibling_closure


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the distributions' metadata and sources."""
    for dist in load_workspace().values():
        target = tmp_path / "packages" / dist.path.name
        shutil.copytree(dist.path, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_real_tree_is_consistent() -> None:
    assert find_problems() == []


def test_broken_range_is_reported(tree: Path) -> None:
    client = tree / "packages" / "aiohttp-client" / "pyproject.toml"
    client.write_text(
        client.read_text().replace("aiohttp-wire>=0.1,<0.2", "aiohttp-wire>=0.2,<0.3")
    )
    problems = find_problems(tree)
    assert any("does not admit aiohttp-wire 0.1.0" in p for p in problems), problems


def test_undeclared_import_is_reported(tree: Path) -> None:
    module = tree / "packages" / "aiohttp-websocket" / "src" / "aiohttp_websocket" / "sneaky.py"
    module.write_text("def f() -> None:\n    import aiohttp_client\n")
    problems = find_problems(tree)
    assert any("sneaky.py: imports aiohttp_client" in p for p in problems), problems


@pytest.mark.parametrize(("importer", "imported"), [("client", "server"), ("server", "client")])
def test_client_and_server_never_import_each_other(
    tree: Path, importer: str, imported: str
) -> None:
    pyproject = tree / "packages" / f"aiohttp-{importer}" / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            "dependencies = [", f'dependencies = [\n    "aiohttp-{imported}>=0.1,<0.2",'
        )
    )
    test_file = tree / "packages" / f"aiohttp-{importer}" / "tests" / "test_sneaky.py"
    test_file.write_text(f"from aiohttp_{imported} import __version__\n")
    problems = find_problems(tree)
    assert any(f"must never import aiohttp_{imported}" in p for p in problems), problems


def test_version_attribute_must_match(tree: Path) -> None:
    init = tree / "packages" / "aiohttp-wire" / "src" / "aiohttp_wire" / "__init__.py"
    init.write_text(init.read_text().replace('__version__ = "0.1.0"', '__version__ = "9.9.9"'))
    assert any("__version__ 9.9.9" in p for p in find_problems(tree))


def test_bump_minor_moves_dependant_ranges(tree: Path) -> None:
    assert bump("aiohttp-wire", "minor", tree) == "0.2.0"
    workspace = load_workspace(tree)
    assert workspace["aiohttp-wire"].version == "0.2.0"
    for name in ("aiohttp-websocket", "aiohttp-client", "aiohttp-server", "aiohttp"):
        assert workspace[name].sibling_requirements["aiohttp-wire"] == ">=0.2,<0.3"
    assert find_problems(tree) == []


def test_bump_patch_keeps_the_tree_consistent(tree: Path) -> None:
    assert bump("aiohttp-server", "patch", tree) == "0.1.1"
    assert find_problems(tree) == []


def test_bump_meta_package_to_explicit_version(tree: Path) -> None:
    assert bump("aiohttp", "3.13.4", tree) == "3.13.4"
    assert load_workspace(tree)["aiohttp"].version == "3.13.4"
    assert find_problems(tree) == []


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0.1.0", ">=0.1,<0.2"),
        ("0.12.3", ">=0.12,<0.13"),
        ("1.4.0", ">=1.4,<2"),
        ("3.13.3", ">=3.13,<4"),
    ],
)
def test_compatible_range(version: str, expected: str) -> None:
    assert compatible_range(version) == expected


def test_next_version() -> None:
    assert next_version("0.1.9", "patch") == "0.1.10"
    assert next_version("0.1.9", "minor") == "0.2.0"
    assert next_version("0.1.9", "major") == "1.0.0"
    with pytest.raises(ValueError, match="unknown part"):
        next_version("0.1.0", "huge")


def test_sibling_closure_orders_dependencies_first() -> None:
    names = [d.name for d in sibling_closure(load_workspace(), "aiohttp-testing")]
    assert (
        names.index("aiohttp-wire")
        < names.index("aiohttp-websocket")
        < names.index("aiohttp-client")
    )
    assert names[-1] == "aiohttp-testing"
    assert "aiohttp" not in names
