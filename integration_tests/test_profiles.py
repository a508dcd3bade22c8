"""The install profiles promised in the README, from the built wheels."""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path

from conftest import PROBES, run_probe, uv

OURS = ["aiohttp-wire", "aiohttp-websocket", "aiohttp-client", "aiohttp-server", "aiohttp-testing"]


def test_full_profile_gives_the_whole_aiohttp_surface(
    venv: Callable[..., Path], wheel: Callable[[str], Path]
) -> None:
    python = venv(*(wheel(name) for name in [*OURS, "aiohttp"]))
    assert "surface ok" in run_probe(python, "full_surface")
    assert "roundtrip ok" in run_probe(python, "full_roundtrip")


def test_client_only_profile_brings_no_server_code(
    venv: Callable[..., Path], wheel: Callable[[str], Path]
) -> None:
    python = venv(wheel("aiohttp-client"), wheel("aiohttp-websocket"), wheel("aiohttp-wire"))
    assert "client only ok" in run_probe(python, "client_only")
    assert "client request ok" in run_probe(python, "client_request")


def test_pytest_aiohttp_runs_on_our_meta_package(
    venv: Callable[..., Path], wheel: Callable[[str], Path], tmp_path: Path
) -> None:
    python = venv(*(wheel(name) for name in [*OURS, "aiohttp"]))
    subprocess.run(
        [*uv(), "pip", "install", "--quiet", "-p", str(python), "pytest", "pytest-asyncio"],
        check=True,
    )
    # --no-deps: pytest-aiohttp must run on our aiohttp, never pull the real one.
    subprocess.run(
        [*uv(), "pip", "install", "--quiet", "--no-deps", "-p", str(python), "pytest-aiohttp"],
        check=True,
    )
    sample = tmp_path / "test_sample.py"
    sample.write_text((PROBES / "pytest_aiohttp_sample.py").read_text())
    result = subprocess.run(
        [str(python), "-m", "pytest", str(sample), "-q", "-p", "no:cacheprovider",
         "-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=function"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    version = subprocess.run(
        [str(python), "-c", "import aiohttp, aiohttp_server; print(aiohttp.__file__)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "site-packages/aiohttp/" in version.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_line(process: subprocess.Popen[str], needle: str, timeout: float) -> str:
    """Lines the process printed up to the one holding ``needle``; fail on exit or timeout."""
    assert process.stdout is not None
    seen = []
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            if not selector.select(timeout):
                raise AssertionError(f"no {needle!r} within {timeout}s: {seen}")
            line = process.stdout.readline()
            if not line:
                raise AssertionError(f"exited with {process.wait()}: {seen}")
            seen.append(line)
            if needle in line:
                return "".join(seen)


def test_seed_programs_run_unchanged_against_our_server(
    venv: Callable[..., Path], wheel: Callable[[str], Path]
) -> None:
    """A seed-style run_app server; seed-style client code and the client-only profile use it."""
    full = venv(*(wheel(name) for name in [*OURS, "aiohttp"]))
    client_only = venv(
        wheel("aiohttp-client"), wheel("aiohttp-websocket"), wheel("aiohttp-wire"), name="client"
    )
    port = _free_port()
    server = subprocess.Popen(
        [str(full), str(PROBES / "seed_server.py"), str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        banner = _wait_for_line(server, "Running on", timeout=60)
        assert f"http://127.0.0.1:{port}" in banner
        base = f"http://127.0.0.1:{port}"
        assert "seed client ok" in run_probe(full, "seed_client", base)
        assert "client request ok" in run_probe(client_only, "client_request", f"{base}/health")
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=60)
    assert server.returncode == 0, output


def test_sample_project_tests_pass_with_our_pytest_plugin(
    venv: Callable[..., Path], wheel: Callable[[str], Path], tmp_path: Path
) -> None:
    """aiohttp_client fixture, AioHTTPTestCase and the by-hand TestClient, no pytest-asyncio."""
    python = venv(*(wheel(name) for name in [*OURS, "aiohttp"]))
    subprocess.run([*uv(), "pip", "install", "--quiet", "-p", str(python), "pytest"], check=True)
    sample = tmp_path / "test_sample_project.py"
    sample.write_text((PROBES / "sample_project_tests.py").read_text())
    result = subprocess.run(
        [str(python), "-m", "pytest", str(sample), "-q", "-p", "no:cacheprovider"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout, result.stdout
