"""The meta-package is re-exports only, and every name is its home's very object."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import aiohttp

PACKAGE_DIR = Path(aiohttp.__file__).parent
HOMES = ("aiohttp_wire", "aiohttp_websocket", "aiohttp_client", "aiohttp_server", "aiohttp_testing")

#: aiohttp 3.13's module map: applications, plugins and test suites import these.
MODULE_MAP = [
    "abc", "base_protocol", "client", "client_exceptions", "client_middlewares",
    "client_middleware_digest_auth", "client_proto", "client_reqrep", "client_ws",
    "compression_utils", "connector", "cookiejar", "formdata", "hdrs", "helpers", "http",
    "http_exceptions", "http_parser", "http_websocket", "http_writer", "log", "multipart",
    "payload", "payload_streamer", "pytest_plugin", "resolver", "streams", "tcp_helpers",
    "test_utils", "tracing", "typedefs", "web", "web_app", "web_exceptions",
    "web_fileresponse", "web_log", "web_middlewares", "web_protocol", "web_request",
    "web_response", "web_routedef", "web_runner", "web_server", "web_urldispatcher", "web_ws",
    "worker",
]  # fmt: skip


def _module_files() -> list[Path]:
    return sorted(PACKAGE_DIR.glob("*.py"))


def _is_lazy_block(node: ast.stmt) -> bool:
    """The ``TYPE_CHECKING`` import, its re-exports and the ``__getattr__`` importing them."""
    if isinstance(node, ast.ImportFrom):
        return node.module == "typing" and [a.name for a in node.names] == ["TYPE_CHECKING"]
    if isinstance(node, ast.If):
        return ast.unparse(node.test) == "TYPE_CHECKING" and all(
            isinstance(imp, ast.ImportFrom)
            and (imp.module or "").split(".")[0] in HOMES
            and all(a.asname == a.name for a in imp.names)
            for imp in node.body
        )
    return isinstance(node, ast.FunctionDef) and node.name == "__getattr__"


def _reexports(path: Path) -> list[tuple[str, str]]:
    """(home module, name) for every re-export; fails on anything else."""
    tree = ast.parse(path.read_text())
    found = []
    for index, node in enumerate(tree.body):
        if index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] in (
            ["__version__"],
            ["__all__"],
        ):
            continue
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "__all__":
            continue
        if isinstance(node, ast.If) and ast.unparse(node.test) == "__name__ == '__main__'":
            continue  # `python -m aiohttp.web` delegates to the home's main()
        if path.stem == "__init__" and _is_lazy_block(node):
            # Names of slow-to-import homes: declared for type checkers, imported by
            # the module's __getattr__ on first use (checked like any re-export below).
            if isinstance(node, ast.If):
                found += [(imp.module or "", a.name) for imp in node.body for a in imp.names]  # type: ignore[attr-defined]
            continue
        assert isinstance(node, ast.ImportFrom), f"{path.name}:{node.lineno}: not a re-export"
        if path.stem == "__init__" and node.level == 1 and node.module is None:
            # `from . import client as client`: aiohttp's __init__ loads its submodules too.
            for alias in node.names:
                assert alias.name in MODULE_MAP and alias.asname == alias.name, alias.name
                found.append(("aiohttp", alias.name))
            continue
        assert node.level == 0, f"{path.name}:{node.lineno}: relative import"
        assert node.module, f"{path.name}:{node.lineno}: relative import"
        assert node.module.split(".")[0] in HOMES, f"{path.name}:{node.lineno}: {node.module}"
        for alias in node.names:
            assert alias.asname == alias.name, (
                f"{path.name}:{node.lineno}: write `{alias.name} as {alias.name}`"
            )
            found.append((node.module, alias.name))
    return found


@pytest.mark.parametrize("path", _module_files(), ids=lambda p: p.name)
def test_module_is_reexports_only(path: Path) -> None:
    _reexports(path)


@pytest.mark.parametrize("path", _module_files(), ids=lambda p: p.name)
def test_every_name_is_the_home_object(path: Path) -> None:
    module_name = "aiohttp" if path.stem == "__init__" else f"aiohttp.{path.stem}"
    if path.stem == "__main__":
        pytest.fail("the meta-package has no __main__")
    module = importlib.import_module(module_name)
    for home, name in _reexports(path):
        assert getattr(module, name) is getattr(importlib.import_module(home), name), (
            f"{module_name}.{name} is not {home}.{name}"
        )


def test_module_map_is_complete() -> None:
    present = {info.name for info in pkgutil.iter_modules(aiohttp.__path__)}
    assert sorted(set(MODULE_MAP) - present) == []


def test_all_lists_exactly_the_reexports() -> None:
    for path in _module_files():
        module_name = "aiohttp" if path.stem == "__init__" else f"aiohttp.{path.stem}"
        module = importlib.import_module(module_name)
        names = {name for _, name in _reexports(path)}
        if module_name == "aiohttp.web":
            names.discard("main")  # the CLI entry point, not part of aiohttp.web's __all__
        names = {name for name in names if not name.startswith("_")}
        if module_name == "aiohttp":
            names -= set(MODULE_MAP) - {"hdrs"}  # submodules, of which aiohttp exports hdrs
        if hasattr(module, "__all__"):
            assert set(module.__all__) == names, module_name


def test_version_is_the_api_level() -> None:
    assert aiohttp.__version__ == "3.13.3"


def test_alias_modules_match_the_surface_table() -> None:
    """``tools/gen_meta.py`` was run after the homes last changed."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, str(root / "tools" / "gen_meta.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_aiohttp_loads_the_client_side_submodules() -> None:
    """Code written against aiohttp may use aiohttp.client_exceptions.X after `import aiohttp`."""
    import subprocess
    import sys

    code = "import aiohttp; print(aiohttp.client_exceptions.ClientError, aiohttp.hdrs.HOST)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "ClientError" in result.stdout


def test_import_aiohttp_does_not_import_gunicorn() -> None:
    """The gunicorn workers are imported on first use, as aiohttp does: gunicorn is slow."""
    import subprocess
    import sys

    code = (
        "import sys, aiohttp, aiohttp.web; assert 'gunicorn' not in sys.modules; "
        "assert 'aiohttp_server.worker' not in sys.modules; "
        "from aiohttp import GunicornWebWorker; from aiohttp_server import worker; "
        "assert GunicornWebWorker is worker.GunicornWebWorker; print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
