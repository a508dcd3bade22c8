"""Client benchmark: whichever ``aiohttp`` the interpreter imports, against nginx.

Scenarios (each a metric, higher is better):

* ``small_get_seq_rps``: sequential small GETs over one keep-alive connection;
* ``small_get_100_concurrent_rps``: small GETs from 100 concurrent tasks;
* ``download_1mib_mbps``: sequential 1 MiB downloads, in MB/s;
* each also per CPU second of the client process (``..._per_cpu_second``),
  which a loaded machine disturbs far less than wall-clock rates;
* ``import_per_second``: 1 / the cumulative ``-X importtime`` of the client
  package in a fresh interpreter (best of 5, bytecode caches written first):
  ``aiohttp_client`` where it is installed (our client without the server),
  else ``aiohttp``.

The measured code imports only ``aiohttp`` so that the same file measures our
meta-package or the real aiohttp 3.13.3. nginx (Debian package ``nginx``)
serves the responses from a generated config on a free loopback port.

Run::

    python tools/bench/client.py --json [--quick]   # this interpreter's aiohttp
    python tools/bench/client.py [--quick] [--rounds 3]   # ours vs the real one

The side-by-side mode starts one nginx and runs ``.venv/bin/python`` (ours)
and ``--real-python`` (default ``/tmp/aiohttp-real-bench/bin/python``, the
venv ``run_all.py`` creates) alternately against it, keeps each metric's best
value and prints the ratio ours/aiohttp (above 1 we are faster). The full run
makes 20,000 requests per small-GET scenario and 200 downloads; ``--quick``
makes 2,000 and 30.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ("main",)

HERE = Path(__file__).resolve()
REPO = HERE.parents[2]
OURS_PYTHON = REPO / ".venv" / "bin" / "python"
REAL_PYTHON = Path(os.environ.get("AIOHTTP_REAL_BENCH", "/tmp/aiohttp-real-bench")) / "bin/python"
BIG_SIZE = 1024 * 1024
SMALL_BODY = b"Hello, world! This is a small response body.\n"
CONCURRENCY = 100
FULL = (20000, 200)
QUICK = (2000, 30)

NGINX_CONF = """\
{user}
worker_processes 1;
daemon off;
master_process on;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    keepalive_timeout 75s;
    keepalive_requests 10000000;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    sendfile on;
    tcp_nopush on;
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
        location = / {{ default_type text/plain; try_files /index.txt =404; }}
        location = /big {{ default_type application/octet-stream; try_files /big.bin =404; }}
    }}
}}
"""


# -- the measured side ---------------------------------------------------------------------


async def _requests(
    session: object, url: str, count: int, concurrency: int
) -> tuple[float, float, int]:
    """Make ``count`` GETs to ``url`` with ``concurrency`` tasks: (seconds, CPU seconds, bytes).

    CPU seconds (this process only) give a figure that a busy machine disturbs less.
    """
    left = count

    async def worker() -> int:
        nonlocal left
        got = 0
        while left > 0:
            left -= 1
            async with session.get(url) as resp:  # type: ignore[attr-defined]
                got += len(await resp.read())
        return got

    start = time.perf_counter()
    cpu = time.process_time()
    received = sum(await asyncio.gather(*(worker() for _ in range(concurrency))))
    return time.perf_counter() - start, time.process_time() - cpu, received


async def _measure(base: str, small: int, big: int) -> dict[str, float]:
    from aiohttp import ClientSession, TCPConnector

    results: dict[str, float] = {}
    async with ClientSession(connector=TCPConnector(limit=CONCURRENCY)) as session:
        await _requests(session, f"{base}/", 200, 1)  # warm the pool and the code paths
        seconds, cpu, _ = await _requests(session, f"{base}/", small, 1)
        results["small_get_seq_rps"] = small / seconds
        results["small_get_seq_per_cpu_second"] = small / cpu
        seconds, cpu, _ = await _requests(session, f"{base}/", small, CONCURRENCY)
        results["small_get_100_concurrent_rps"] = small / seconds
        results["small_get_100_concurrent_per_cpu_second"] = small / cpu
        seconds, cpu, received = await _requests(session, f"{base}/big", big, 1)
        assert received == big * BIG_SIZE, received
        results["download_1mib_mbps"] = received / seconds / 1e6
        results["download_1mib_mb_per_cpu_second"] = received / cpu / 1e6
    return results


_IMPORTTIME_RE = re.compile(r"import time:\s+\d+ \|\s+(\d+) \|\s*(\S+)\s*$")


def _import_seconds(python: str, module: str, runs: int = 5) -> float:
    """Best cumulative ``-X importtime`` of ``module`` in a fresh ``python``, in seconds.

    A first, uncounted run may write bytecode caches (an installed wheel has
    them; an editable checkout under ``PYTHONDONTWRITEBYTECODE`` would
    otherwise be compiled from source on every run).
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    best = float("inf")
    for run in range(runs + 1):
        out = subprocess.run(
            [python, "-X", "importtime", "-c", f"import {module}"],
            check=True,
            capture_output=True,
            text=True,
            cwd="/tmp",
            env=env,
        )
        if run == 0:
            continue
        for line in out.stderr.splitlines():
            match = _IMPORTTIME_RE.match(line)
            if match is not None and match.group(2) == module:
                best = min(best, int(match.group(1)) / 1e6)
    return best


def _client_module() -> str:
    """The module a client user imports here: our client alone when it is installed."""
    return "aiohttp_client" if importlib.util.find_spec("aiohttp_client") else "aiohttp"


def _measure_all(base: str, small: int, big: int) -> dict[str, float]:
    results = asyncio.run(_measure(base, small, big))
    results["import_per_second"] = 1 / _import_seconds(sys.executable, _client_module())
    return results


# -- the server ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(proc: subprocess.Popen[bytes], port: int) -> None:
    for _ in range(400):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.025)
    raise RuntimeError("nginx did not start")


@contextlib.contextmanager
def _server() -> Iterator[str]:
    """Run nginx on a free loopback port; yield its base URL."""
    nginx = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
    if nginx is None:
        raise SystemExit("nginx is not installed (python tools/system_deps.py nginx)")
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="bench-client-") as tmp:
        root = Path(tmp)
        root.chmod(0o755)
        (root / "www").mkdir()
        (root / "tmp").mkdir()
        (root / "www" / "index.txt").write_bytes(SMALL_BODY)
        (root / "www" / "big.bin").write_bytes(os.urandom(BIG_SIZE))
        conf = root / "nginx.conf"
        user = "user root;" if os.geteuid() == 0 else ""
        conf.write_text(NGINX_CONF.format(user=user, root=root, port=port))
        proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(root)])
        try:
            _wait_listening(proc, port)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(timeout=10)


# -- the side-by-side driver -------------------------------------------------------------------


def _run_under(python: Path, base: str, small: int, big: int) -> dict[str, float]:
    out = subprocess.run(
        [str(python), str(HERE), "--url", base, "--small", str(small), "--big", str(big)],
        check=True,
        capture_output=True,
        text=True,
        cwd="/tmp",  # so that neither interpreter picks up sources from the checkout
    )
    return {k: float(v) for k, v in json.loads(out.stdout.strip().splitlines()[-1]).items()}


def _side_by_side(args: argparse.Namespace, small: int, big: int) -> None:
    real = Path(args.real_python)
    for python in (OURS_PYTHON, real):
        if not python.exists():
            sys.exit(f"missing interpreter {python}; run tools/bench/run_all.py once")
    best: dict[str, dict[str, float]] = {"ours": {}, "real": {}}
    with _server() as base:
        for _ in range(args.rounds):
            for who, python in (("ours", OURS_PYTHON), ("real", real)):
                for metric, value in _run_under(python, base, small, big).items():
                    best[who][metric] = max(best[who].get(metric, 0.0), value)
    print(f"{small} small GETs per scenario, {big} x 1 MiB, best of {args.rounds} rounds")
    header = f"{'metric':40} {'ours':>10} {'aiohttp':>10} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    for metric, ours in best["ours"].items():
        theirs = best["real"][metric]
        print(f"{metric:40} {ours:>10.1f} {theirs:>10.1f} {ours / theirs:>7.2f}")
    print(
        f"import time: ours (aiohttp_client) {1000 / best['ours']['import_per_second']:.1f} ms,"
        f" aiohttp {1000 / best['real']['import_per_second']:.1f} ms"
    )


def main() -> None:
    """Measure this interpreter's aiohttp (``--json``) or compare ours with the real one."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="measure this interpreter's aiohttp")
    parser.add_argument("--quick", action="store_true", help="fewer requests and downloads")
    parser.add_argument("--url", help="measure against this running server instead of starting one")
    parser.add_argument("--rounds", type=int, default=3, help="side-by-side runs per client")
    parser.add_argument("--small", type=int, help="small GETs per scenario")
    parser.add_argument("--big", type=int, help="1 MiB downloads")
    parser.add_argument(
        "--real-python", default=str(REAL_PYTHON), help="interpreter with the real aiohttp"
    )
    args = parser.parse_args()
    small, big = QUICK if args.quick else FULL
    small = args.small or small
    big = args.big or big
    if args.url:
        print(json.dumps(_measure_all(args.url, small, big)))
    elif args.json:
        with _server() as base:
            print(json.dumps(_measure_all(base, small, big)))
    else:
        _side_by_side(args, small, big)


if __name__ == "__main__":
    main()
