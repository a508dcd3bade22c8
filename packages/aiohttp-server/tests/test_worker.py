"""The gunicorn workers' gunicorn-independent parts.

The workers run under a real gunicorn arbiter in a subprocess (two workers,
requests from http.client and httpx, SIGTERM for a clean stop); the module
also imports without gunicorn, and the workers then refuse to start; the
helpers they use (log format translation, the TLS context) are tested alone.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import os
import signal
import socket
import ssl
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace

import httpx
import pytest
import trustme

from aiohttp_server import worker
from aiohttp_server.web_log import AccessLogger


@pytest.fixture
def without_gunicorn(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """A fresh copy of the worker module, imported as if gunicorn were not installed.

    The copy is separate from ``aiohttp_server.worker`` so that the real
    module's classes stay the ones everybody else imported.
    """
    monkeypatch.setitem(sys.modules, "gunicorn", None)
    monkeypatch.setitem(sys.modules, "gunicorn.workers", None)
    spec = importlib.util.spec_from_file_location("aiohttp_server._worker_copy", worker.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_imports_and_refuses_to_start_without_gunicorn(without_gunicorn: ModuleType) -> None:
    assert without_gunicorn.__all__ == ["GunicornUVLoopWebWorker", "GunicornWebWorker"]
    with pytest.raises(RuntimeError, match="gunicorn"):
        without_gunicorn.GunicornWebWorker()
    with pytest.raises(RuntimeError, match="gunicorn"):
        without_gunicorn.GunicornUVLoopWebWorker()


def test_uvloop_worker_is_a_web_worker() -> None:
    assert issubclass(worker.GunicornUVLoopWebWorker, worker.GunicornWebWorker)


def _fake_worker() -> SimpleNamespace:
    return SimpleNamespace(
        DEFAULT_AIOHTTP_LOG_FORMAT=worker.GunicornWebWorker.DEFAULT_AIOHTTP_LOG_FORMAT,
        DEFAULT_GUNICORN_LOG_FORMAT=worker.GunicornWebWorker.DEFAULT_GUNICORN_LOG_FORMAT,
    )


def test_log_format_translation() -> None:
    convert = worker.GunicornWebWorker._get_valid_log_format
    fake = _fake_worker()
    assert worker.GunicornWebWorker.DEFAULT_AIOHTTP_LOG_FORMAT == AccessLogger.LOG_FORMAT
    # gunicorn's default becomes aiohttp's default.
    assert convert(fake, fake.DEFAULT_GUNICORN_LOG_FORMAT) == AccessLogger.LOG_FORMAT
    assert convert(fake, "%a %s") == "%a %s"
    with pytest.raises(ValueError, match="Gunicorn's style options"):
        convert(fake, "%(h)s %(r)s")


def test_ssl_context_from_gunicorn_settings(tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("localhost")
    certfile = tmp_path / "cert.pem"
    keyfile = tmp_path / "key.pem"
    cafile = tmp_path / "ca.pem"
    cert.cert_chain_pems[0].write_to_path(str(certfile))
    cert.private_key_pem.write_to_path(str(keyfile))
    ca.cert_pem.write_to_path(str(cafile))
    cfg = SimpleNamespace(
        ssl_version=ssl.PROTOCOL_TLS_SERVER,
        certfile=str(certfile),
        keyfile=str(keyfile),
        cert_reqs=ssl.CERT_OPTIONAL,
        ca_certs=str(cafile),
        ciphers="ECDHE+AESGCM",
    )
    ctx = worker.GunicornWebWorker._create_ssl_context(cfg)
    assert isinstance(ctx, ssl.SSLContext)
    assert ctx.verify_mode == ssl.CERT_OPTIONAL
    assert ctx.cert_store_stats()["x509_ca"] == 1


GUARD = 15.0

GUNICORN_APP = textwrap.dedent(
    """
    import os
    import sys

    from aiohttp_server import web


    async def hello(request):
        return web.Response(text="hello " + request.match_info["name"])


    async def whoami(request):
        return web.json_response({"pid": os.getpid()})


    async def on_cleanup(app):
        # One write per line: the two workers share the pipe, and print() writes in pieces.
        sys.stdout.write(f"cleanup {os.getpid()}\\n")
        sys.stdout.flush()


    async def create_app():
        app = web.Application()
        app.router.add_get("/hello/{name}", hello)
        app.router.add_get("/pid", whoami)
        app.on_cleanup.append(on_cleanup)
        return app


    plain_app = web.Application()
    plain_app.router.add_get("/hello/{name}", hello)
    """
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _gunicorn(
    tmp_path: Path, target: str, worker_class: str, port: int, workers: int = 2
) -> subprocess.Popen[str]:
    """Start gunicorn (with this interpreter) on ``target`` in a subprocess."""
    (tmp_path / "gapp.py").write_text(GUNICORN_APP)
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tmp_path)
    env["PYTHONUNBUFFERED"] = "1"
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            target,
            "--worker-class",
            worker_class,
            "-w",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--graceful-timeout",
            "5",
        ],
        cwd=str(tmp_path),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _request(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=GUARD)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def _wait_until_serving(proc: subprocess.Popen[str], port: int) -> None:
    """Poll ``port`` until gunicorn's workers answer, for at most ``GUARD`` seconds."""
    deadline = time.monotonic() + GUARD
    while True:
        if proc.poll() is not None:
            _, err = proc.communicate()
            raise AssertionError(f"gunicorn exited with {proc.returncode}: {err}")
        try:
            status, _ = _request(port, "/hello/probe")
        except OSError:
            # Not listening yet, or the socket is bound but no worker accepted yet.
            if time.monotonic() > deadline:
                raise
            # Block on the child for a moment instead of spinning: it returns at once
            # if gunicorn exits, otherwise after the short poll interval.
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(0.05)
            continue
        assert status == 200
        return


@pytest.fixture
def reap() -> Iterator[list[subprocess.Popen[str]]]:
    """Kill whatever gunicorn a failed test left running."""
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.mark.parametrize("target", ["gapp:create_app", "gapp:plain_app"])
def test_serves_under_gunicorn_and_stops_on_sigterm(
    tmp_path: Path, reap: list[subprocess.Popen[str]], target: str
) -> None:
    port = _free_port()
    proc = _gunicorn(tmp_path, target, "aiohttp_server.worker.GunicornWebWorker", port)
    reap.append(proc)
    _wait_until_serving(proc, port)
    for name in ("alice", "bob", "carol"):
        assert _request(port, f"/hello/{name}") == (200, f"hello {name}".encode())
    # Keep-alive through httpx: several requests on one connection.
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=GUARD) as client:
        responses = [client.get(f"/hello/{i}") for i in range(5)]
        assert [r.text for r in responses] == [f"hello {i}" for i in range(5)]
        assert all(r.http_version == "HTTP/1.1" for r in responses)
        assert client.get("/missing").status_code == 404
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=GUARD)
    assert proc.returncode == 0, err
    assert "Shutting down: Master" in err
    if target == "gapp:create_app":
        # Both workers ran the application's cleanup on their way out.
        assert len([line for line in out.splitlines() if line.startswith("cleanup ")]) == 2


def test_uvloop_worker_fails_to_boot_without_uvloop(
    tmp_path: Path, reap: list[subprocess.Popen[str]]
) -> None:
    assert importlib.util.find_spec("uvloop") is None, "uvloop is installed: test it for real"
    # One worker: with two, gunicorn's arbiter may reap the second failure while halting and
    # exit with 1 instead of its boot-error status 3.
    proc = _gunicorn(
        tmp_path,
        "gapp:create_app",
        "aiohttp_server.worker.GunicornUVLoopWebWorker",
        _free_port(),
        workers=1,
    )
    reap.append(proc)
    _, err = proc.communicate(timeout=GUARD)
    # gunicorn's "worker failed to boot" status, with the missing module named.
    assert proc.returncode == 3, err
    assert "No module named 'uvloop'" in err
    assert "Worker failed to boot" in err
