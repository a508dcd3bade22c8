"""Client benchmark: our ``aiohttp`` against the real aiohttp 3.13.3, both against nginx.

Starts nginx on a loopback port with a generated config serving a small ``/``
and a 1 MiB ``/big``, then runs each scenario in fresh interpreters,
alternating ours and the real one, and prints requests/s, MB/s and the
ratio ours/aiohttp (higher is better for us).

Setup (once)::

    apt-get update && apt-get install -y nginx
    uv venv /tmp/aiohttp-real && uv pip install -p /tmp/aiohttp-real aiohttp==3.13.3

Run::

    .venv/bin/python tools/bench/client.py [--rounds 2] [--small 20000] [--big 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ("main",)

HERE = Path(__file__).resolve()
REPO = HERE.parents[2]
OURS_PYTHON = REPO / ".venv" / "bin" / "python"
REAL_PYTHON = Path("/tmp/aiohttp-real/bin/python")
BIG_SIZE = 1024 * 1024
SMALL_BODY = b"Hello, world! This is a small response body.\n"

NGINX_CONF = """\
worker_processes 1;
daemon off;
master_process on;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
user root;
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


# -- the measured side (runs under either interpreter) -------------------------------------


async def _scenario(impl: str, url: str, count: int, concurrency: int) -> dict[str, float]:
    if impl == "ours":
        from aiohttp_client.client import ClientSession
    else:
        from aiohttp import ClientSession

    async with ClientSession() as session:
        for _ in range(50):  # warm the pool and the code paths
            async with session.get(url) as resp:
                await resp.read()
        received = 0
        start = time.perf_counter()
        if concurrency <= 1:
            for _ in range(count):
                async with session.get(url) as resp:
                    received += len(await resp.read())
        else:
            left = count

            async def worker() -> int:
                nonlocal left
                got = 0
                while left > 0:
                    left -= 1
                    async with session.get(url) as resp:
                        got += len(await resp.read())
                return got

            received = sum(await asyncio.gather(*(worker() for _ in range(concurrency))))
        elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "requests": count, "bytes": received}


def _run_worker(args: argparse.Namespace) -> None:
    result = asyncio.run(_scenario(args.worker, args.url, args.count, args.concurrency))
    print(json.dumps(result))


# -- the driver ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_nginx(root: Path) -> tuple[subprocess.Popen[bytes], int]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    (root / "www").mkdir()
    (root / "tmp").mkdir()
    (root / "www" / "index.txt").write_bytes(SMALL_BODY)
    (root / "www" / "big.bin").write_bytes(os.urandom(BIG_SIZE))
    port = _free_port()
    conf = root / "nginx.conf"
    conf.write_text(NGINX_CONF.format(root=root, port=port))
    proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(root)])
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                log = (root / "error.log").read_text()
                raise RuntimeError(f"nginx did not start: {log}") from None
            time.sleep(0.05)
    return proc, port


def _measure(impl: str, url: str, count: int, concurrency: int) -> dict[str, float]:
    python = OURS_PYTHON if impl == "ours" else REAL_PYTHON
    out = subprocess.run(
        [
            str(python),
            str(HERE),
            "--worker",
            impl,
            "--url",
            url,
            "--count",
            str(count),
            "--concurrency",
            str(concurrency),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd="/tmp",  # so that the real interpreter cannot pick up our sources
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    """Run the benchmark (or, with ``--worker``, one measurement)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--concurrency", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=2, help="runs per client and scenario")
    parser.add_argument("--small", type=int, default=20000, help="small GETs per scenario")
    parser.add_argument("--big", type=int, default=200, help="1 MiB downloads")
    args = parser.parse_args()
    if args.worker:
        _run_worker(args)
        return
    for python in (OURS_PYTHON, REAL_PYTHON):
        if not python.exists():
            sys.exit(f"missing interpreter {python}; see the setup in this file's docstring")
    with tempfile.TemporaryDirectory(prefix="bench-nginx-") as tmp:
        root = Path(tmp)
        root.chmod(0o755)
        proc, port = _start_nginx(root)
        try:
            base = f"http://127.0.0.1:{port}"
            scenarios = [
                ("small GET, sequential", f"{base}/", args.small, 1),
                ("small GET, 100 concurrent", f"{base}/", args.small, 100),
                ("1 MiB download, sequential", f"{base}/big", args.big, 1),
            ]
            print(f"nginx on {base}; {args.rounds} alternating rounds, best run counts\n")
            header = f"{'scenario':28} {'ours':>14} {'aiohttp':>14} {'ratio':>7}"
            print(header)
            print("-" * len(header))
            for title, url, count, concurrency in scenarios:
                best = {"ours": 0.0, "real": 0.0}
                best_mb = {"ours": 0.0, "real": 0.0}
                for _ in range(args.rounds):
                    for who in ("ours", "real"):
                        res = _measure(who, url, count, concurrency)
                        best[who] = max(best[who], res["requests"] / res["seconds"])
                        best_mb[who] = max(best_mb[who], res["bytes"] / res["seconds"] / 1e6)
                ratio = best["ours"] / best["real"]
                if "download" in title:
                    cells = f"{best_mb['ours']:>9.1f} MB/s {best_mb['real']:>9.1f} MB/s"
                else:
                    cells = f"{best['ours']:>10.0f} r/s {best['real']:>10.0f} r/s"
                print(f"{title:28} {cells} {ratio:>7.2f}")
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
