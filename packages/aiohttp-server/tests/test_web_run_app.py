"""run_app and ``python -m aiohttp_server`` in subprocesses, stopped with real signals."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import signal
import socket
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

GUARD = 10.0

APP_MODULE = textwrap.dedent(
    """
    from aiohttp_server import web


    async def hello(request):
        return web.Response(text="hello " + request.match_info.get("name", "world"))


    async def on_cleanup(app):
        print("cleanup ran", flush=True)


    def make_app():
        app = web.Application()
        app.router.add_get("/", hello)
        app.router.add_get("/{name}", hello)
        app.on_cleanup.append(on_cleanup)
        return app


    def init(argv):
        print("init argv", argv, flush=True)
        return make_app()


    async def async_factory():
        return make_app()
    """
)

RUN_WITH_SOCK = textwrap.dedent(
    """
    import socket, sys
    from aiohttp_server import web
    import app_mod

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    print("PORT", sock.getsockname()[1], flush=True)
    app = app_mod.async_factory() if "--factory" in sys.argv else app_mod.make_app()
    extra = {"max_field_size": 64} if "--strict" in sys.argv else {}
    web.run_app(app, sock=sock, print=lambda line: print(line, flush=True), **extra)
    print("run_app returned", flush=True)
    """
)


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    (tmp_path / "app_mod.py").write_text(APP_MODULE)
    return tmp_path


def _env(app_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(app_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return env


async def _spawn(app_dir: Path, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        cwd=str(app_dir),
        env=_env(app_dir),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _line(proc: asyncio.subprocess.Process) -> str:
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), GUARD)
    if not line:
        assert proc.stderr is not None
        err = await asyncio.wait_for(proc.stderr.read(), GUARD)
        raise AssertionError(f"process ended early: {err.decode()}")
    return line.decode().rstrip("\n")


async def _finish(proc: asyncio.subprocess.Process) -> tuple[int, str, str]:
    out, err = await asyncio.wait_for(proc.communicate(), GUARD)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


@pytest.fixture
async def reaper() -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """Kill whatever a failed test left running."""
    procs: list[asyncio.subprocess.Process] = []
    yield procs
    for proc in procs:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=GUARD)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def _get_unix(path: str, target: str) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(GUARD)
        sock.connect(path)
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
async def test_run_app_serves_until_signal(
    app_dir: Path, reaper: list[asyncio.subprocess.Process], sig: signal.Signals
) -> None:
    (app_dir / "runner.py").write_text(RUN_WITH_SOCK)
    proc = await _spawn(app_dir, "runner.py")
    reaper.append(proc)
    port = int((await _line(proc)).split()[1])
    banner = await _line(proc)
    assert banner == f"======== Running on http://127.0.0.1:{port} ========"
    assert await _line(proc) == "(Press CTRL+C to quit)"
    assert await asyncio.to_thread(_get, port, "/there") == (200, b"hello there")
    proc.send_signal(sig)
    code, out, err = await _finish(proc)
    assert code == 0, err
    assert out.splitlines() == ["cleanup ran", "run_app returned"]


async def test_run_app_accepts_a_coroutine(
    app_dir: Path, reaper: list[asyncio.subprocess.Process]
) -> None:
    (app_dir / "runner.py").write_text(RUN_WITH_SOCK)
    proc = await _spawn(app_dir, "runner.py", "--factory")
    reaper.append(proc)
    port = int((await _line(proc)).split()[1])
    assert (await _line(proc)).startswith("======== Running on")
    assert await asyncio.to_thread(_get, port, "/") == (200, b"hello world")
    proc.send_signal(signal.SIGINT)
    code, _, err = await _finish(proc)
    assert code == 0, err


def _get_with_header(port: int, value: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=GUARD)
    try:
        conn.request("GET", "/", headers={"X-Long": value})
        return conn.getresponse().status
    finally:
        conn.close()


async def test_run_app_passes_handler_options(
    app_dir: Path, reaper: list[asyncio.subprocess.Process]
) -> None:
    (app_dir / "runner.py").write_text(RUN_WITH_SOCK)
    proc = await _spawn(app_dir, "runner.py", "--strict")
    reaper.append(proc)
    port = int((await _line(proc)).split()[1])
    assert (await _line(proc)).startswith("======== Running on")
    assert await asyncio.to_thread(_get_with_header, port, "short") == 200
    # max_field_size=64 reached the connection's parser.
    assert await asyncio.to_thread(_get_with_header, port, "x" * 200) == 431
    proc.send_signal(signal.SIGINT)
    code, _, err = await _finish(proc)
    assert code == 0, err


async def test_cli_serves_on_unix_path(
    app_dir: Path, reaper: list[asyncio.subprocess.Process]
) -> None:
    path = str(app_dir / "cli.sock")
    proc = await _spawn(app_dir, "-m", "aiohttp_server", "-U", path, "app_mod:init", "--extra")
    reaper.append(proc)
    assert await _line(proc) == "init argv ['--extra']"
    assert await _line(proc) == f"======== Running on http://unix:{path}: ========"
    data = await asyncio.to_thread(_get_unix, path, "/cli")
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert data.endswith(b"hello cli")
    proc.send_signal(signal.SIGINT)
    code, out, err = await _finish(proc)
    assert code == 0, err
    assert "cleanup ran" in out
    assert err.rstrip().endswith("Stopped")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("app_mod", "'entry-func' not in 'module:function' syntax"),
        (".app_mod:init", "relative module names not supported"),
        ("no_such_module_xyz:init", "unable to import no_such_module_xyz"),
        ("app_mod:missing", "module 'app_mod' has no attribute 'missing'"),
    ],
)
async def test_cli_errors(
    app_dir: Path, reaper: list[asyncio.subprocess.Process], entry: str, message: str
) -> None:
    proc = await _spawn(app_dir, "-m", "aiohttp_server", entry)
    reaper.append(proc)
    code, _, err = await _finish(proc)
    assert code == 2
    assert message in err


async def test_cli_help(app_dir: Path, reaper: list[asyncio.subprocess.Process]) -> None:
    proc = await _spawn(app_dir, "-m", "aiohttp_server", "--help")
    reaper.append(proc)
    code, out, _ = await _finish(proc)
    assert code == 0
    assert "entry-func" in out
    assert "--hostname" in out
    assert "--port" in out
    assert "--path" in out


SEED_APP = textwrap.dedent(
    """
    import sys

    from aiohttp_server import web


    async def health(request):
        return web.json_response({"status": "ok"})


    def create_app():
        app = web.Application()
        app.router.add_get("/health", health)
        return app


    if __name__ == "__main__":
        web.run_app(create_app(), host="127.0.0.1", port=int(sys.argv[1]))
    """
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_run_app_with_host_and_port(
    app_dir: Path, reaper: list[asyncio.subprocess.Process]
) -> None:
    # The usual script shape: run_app(create_app(), host=..., port=...) in __main__.
    (app_dir / "seed.py").write_text(SEED_APP)
    port = _free_port()
    proc = await _spawn(app_dir, "seed.py", str(port))
    reaper.append(proc)
    assert await _line(proc) == f"======== Running on http://127.0.0.1:{port} ========"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=GUARD)
    try:
        await asyncio.to_thread(conn.request, "GET", "/health")
        resp = await asyncio.to_thread(conn.getresponse)
        assert resp.status == 200
        assert resp.getheader("Content-Type") == "application/json; charset=utf-8"
        assert json.loads(await asyncio.to_thread(resp.read)) == {"status": "ok"}
    finally:
        conn.close()
    proc.send_signal(signal.SIGINT)
    code, _, err = await _finish(proc)
    assert code == 0, err
