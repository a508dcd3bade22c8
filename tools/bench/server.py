"""Server throughput: requests per second of ``server_app.py`` under load.

``python server.py --json`` starts ``server_app.py`` with this interpreter
(so it serves with whichever ``aiohttp`` the interpreter imports) pinned to
CPU 0 when ``taskset`` exists, loads it from CPU 1 and prints
``{"server.text": rps, "server.json": rps, "server.echo_1k": rps}`` plus,
on Linux, the same scenarios per CPU second of the server process
(``server.text_per_cpu_s`` ...): requests served divided by the CPU time the
server used, which stays comparable on a busy machine where wall-clock
throughput does not.

The load comes from ``wrk`` (keep-alive, one thread) when it is installed,
otherwise from a small asyncio load generator in this process that keeps
``--connections`` keep-alive connections busy with one request in flight
each. Any non-2xx answer or short response makes the run fail.

Without ``--json`` it measures ours (this interpreter) and the real aiohttp
(``--real-python``, default ``/tmp/aiohttp-real-srv/bin/python``, made with
``uv venv /tmp/aiohttp-real-srv && uv pip install -p /tmp/aiohttp-real-srv
aiohttp==3.13.3``) and prints both with their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["main", "measure"]

HERE = Path(__file__).resolve().parent
APP = HERE / "server_app.py"
REAL_PYTHON = Path("/tmp/aiohttp-real-srv/bin/python")
ECHO_BODY = b"x" * 1024

#: metric -> (method, path, body)
SCENARIOS: dict[str, tuple[str, str, bytes]] = {
    "server.text": ("GET", "/text", b""),
    "server.json": ("GET", "/json", b""),
    "server.echo_1k": ("POST", "/echo", ECHO_BODY),
}


def _pin(cpu: int) -> list[str]:
    """A ``taskset`` prefix pinning to ``cpu`` when possible."""
    if shutil.which("taskset") and (os.cpu_count() or 1) > cpu:
        return ["taskset", "-c", str(cpu)]
    return []


def _cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of process ``pid`` (``None`` where /proc is missing)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def _server(python: str) -> Iterator[tuple[int, int]]:
    """Run ``server_app.py`` under ``python``; yield its port and pid."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    proc = subprocess.Popen(
        [*_pin(0), python, str(APP)],
        stdout=subprocess.PIPE,
        text=True,
        cwd="/tmp",
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.match(r"READY (\d+)", line)
        if match is None:
            raise RuntimeError(f"server did not start: {line!r}")
        yield int(match.group(1)), proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wrk(
    port: int, method: str, path: str, body: bytes, duration: float, conns: int
) -> tuple[float, int]:
    """Run wrk; return its requests per second and the number of requests."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f'wrk.method = "{method}"\n')
        if body:
            script.write(f'wrk.body = string.rep("x", {len(body)})\n')
            script.write('wrk.headers["Content-Type"] = "application/octet-stream"\n')
    try:
        out = subprocess.run(
            [
                *_pin(1),
                "wrk",
                "-t1",
                f"-c{conns}",
                f"-d{max(1, round(duration))}s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"wrk saw errors:\n{out}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    if rate is None or total is None:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    return float(rate.group(1)), int(total.group(1))


async def _one_connection(
    port: int, request: bytes, expected: bytes, deadline: float, counts: list[int]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    done = 0
    try:
        while time.monotonic() < deadline:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200 "):
                raise RuntimeError(f"unexpected answer: {head!r}")
            length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
            if length is None:
                raise RuntimeError(f"no Content-Length: {head!r}")
            body = await reader.readexactly(int(length.group(1)))
            if expected and body != expected:
                raise RuntimeError("wrong echo")
            done += 1
    finally:
        writer.close()
        counts.append(done)


async def _asyncio_load(
    port: int, method: str, path: str, body: bytes, duration: float, conns: int
) -> tuple[float, int]:
    """Keep ``conns`` connections busy; return requests per second and the count."""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if body:
        head += f"Content-Type: application/octet-stream\r\nContent-Length: {len(body)}\r\n"
    request = head.encode() + b"\r\n" + body
    counts: list[int] = []
    start = time.monotonic()
    await asyncio.gather(
        *(_one_connection(port, request, body, start + duration, counts) for _ in range(conns))
    )
    return sum(counts) / (time.monotonic() - start), sum(counts)


def measure(python: str, duration: float, conns: int) -> dict[str, float]:
    """Requests per second of each scenario against ``server_app.py`` run by ``python``."""
    results: dict[str, float] = {}
    per_cpu: dict[str, float] = {}
    with _server(python) as (port, pid):
        for metric, (method, path, body) in SCENARIOS.items():
            if shutil.which("wrk"):
                # A short warm-up so that both servers start from warm caches.
                _wrk(port, method, path, body, 1, conns)
                cpu_before = _cpu_seconds(pid)
                rate, count = _wrk(port, method, path, body, duration, conns)
            else:
                cpu_before = _cpu_seconds(pid)
                rate, count = asyncio.run(_asyncio_load(port, method, path, body, duration, conns))
            cpu_after = _cpu_seconds(pid)
            results[metric] = rate
            if cpu_before is not None and cpu_after is not None and cpu_after > cpu_before:
                per_cpu[f"{metric}_per_cpu_s"] = count / (cpu_after - cpu_before)
    return {**results, **per_cpu}


def main() -> None:
    """Measure this interpreter's aiohttp (``--json``) or compare it with the real one."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="measure this interpreter's aiohttp")
    parser.add_argument("--quick", action="store_true", help="2 s per scenario instead of 5")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections")
    parser.add_argument("--real-python", default=str(REAL_PYTHON), help="the real aiohttp's python")
    args = parser.parse_args()
    duration = 2.0 if args.quick else args.duration
    if args.json:
        print(json.dumps(measure(sys.executable, duration, args.connections)))
        return
    ours = measure(sys.executable, duration, args.connections)
    real = measure(args.real_python, duration, args.connections)
    header = f"{'metric':28} {'ours':>10} {'aiohttp':>10} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    for metric, value in ours.items():
        print(f"{metric:28} {value:>10.0f} {real[metric]:>10.0f} {value / real[metric]:>7.2f}")


if __name__ == "__main__":
    main()
