"""Every example in docs/examples runs, on our meta-package, over loopback.

Each example defines ``main()``, which drives the feature it shows against a
server on a free loopback port and asserts what a user would observe; the
parametrized test below picks up every file, so no example can be forgotten.
"""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest

import aiohttp

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
DOCS = EXAMPLES.parent
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.py"))


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"docs_example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_example_main_runs(path: Path) -> None:
    """main() runs to completion (its own assertions pass) within a bounded time."""
    module = load(path.stem)
    assert hasattr(module, "main"), f"{path.name} defines no main(): see docs/contributing.rst"
    main = module.main
    if inspect.iscoroutinefunction(main):

        async def bounded() -> object:
            return await asyncio.wait_for(main(), 30)

        result = asyncio.run(bounded())
    else:
        result = main()
    assert result is not None


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_example_is_shown_in_the_docs(path: Path) -> None:
    """An example that no page includes is an example no user sees."""
    pages = "".join(page.read_text() for page in DOCS.glob("*.rst"))
    assert f"examples/{path.name}" in pages


class _JsonHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"path": self.path}).encode()
        status = 404 if self.path.startswith("/missing") else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def stdlib_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _JsonHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()


async def test_client_get_against_a_server_we_did_not_write(stdlib_server: str) -> None:
    fetch_json = load("client_get").fetch_json
    assert await fetch_json(f"{stdlib_server}/items", q="1") == {"path": "/items?q=1"}
    with pytest.raises(aiohttp.ClientResponseError) as info:
        await fetch_json(f"{stdlib_server}/missing")
    assert info.value.status == 404
