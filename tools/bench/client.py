"""Client benchmark: whichever ``aiohttp`` the interpreter imports, against nginx.

Scenarios (each a metric, higher is better):

* ``small_get_seq_rps``: sequential small GETs over one keep-alive connection;
* ``small_get_32_concurrent_rps``: small GETs from 32 concurrent tasks;
* ``download_1mib_mbps``: sequential 1 MiB downloads, in MB/s;
* each also per CPU second of the client process (``..._per_cpu_second``),
  which a loaded machine disturbs far less than wall-clock rates.

The script imports only ``aiohttp`` so that the same code measures our
meta-package or the real aiohttp 3.13.3. nginx (``apt-get install -y nginx``)
serves the responses from a generated config on a free loopback port; when
nginx is missing, a minimal asyncio responder in a child process stands in.

Run::

    python tools/bench/client.py --json          # this interpreter's aiohttp
    python tools/bench/client.py [--rounds 3]    # ours vs the real one, side by side

The side-by-side mode runs ``.venv/bin/python`` (ours) and, alternately,
``--real-python`` (default ``/tmp/aiohttp-real-cli/bin/python``; create it
with ``uv venv /tmp/aiohttp-real-cli && uv pip install -p
/tmp/aiohttp-real-cli aiohttp==3.13.3``), keeps each metric's best value and
prints the ratio ours/aiohttp (above 1 we are faster).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
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
REAL_PYTHON = Path("/tmp/aiohttp-real-cli/bin/python")
BIG_SIZE = 1024 * 1024
SMALL_BODY = b"Hello, world! This is a small response body.\n"
CONCURRENCY = 32

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

# Stand-in server when nginx is absent: answers every request head with the
# small body, or 1 MiB for ``/big``, keeping the connection open.
FALLBACK_SERVER = """\
import asyncio, sys
SMALL = {small!r}
BIG = bytes({big})
def resp(body, ctype):
    head = ("HTTP/1.1 200 OK\\r\\nContent-Type: %s\\r\\nContent-Length: %d\\r\\n\\r\\n"
            % (ctype, len(body))).encode()
    return head + body
SMALL_RESP = resp(SMALL, "text/plain")
BIG_RESP = resp(BIG, "application/octet-stream")
class P(asyncio.Protocol):
    def connection_made(self, t):
        self.t = t
        self.buf = b""
    def data_received(self, data):
        self.buf += data
        while True:
            end = self.buf.find(b"\\r\\n\\r\\n")
            if end < 0:
                return
            head, self.buf = self.buf[:end], self.buf[end + 4:]
            self.t.write(BIG_RESP if head.startswith(b"GET /big ") else SMALL_RESP)
async def main():
    server = await asyncio.get_running_loop().create_server(P, "127.0.0.1", int(sys.argv[1]))
    async with server:
        await server.serve_forever()
asyncio.run(main())
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
    from aiohttp import ClientSession

    results: dict[str, float] = {}
    async with ClientSession() as session:
        await _requests(session, f"{base}/", 200, 1)  # warm the pool and the code paths
        seconds, cpu, _ = await _requests(session, f"{base}/", small, 1)
        results["small_get_seq_rps"] = small / seconds
        results["small_get_seq_per_cpu_second"] = small / cpu
        seconds, cpu, _ = await _requests(session, f"{base}/", small, CONCURRENCY)
        results["small_get_32_concurrent_rps"] = small / seconds
        results["small_get_32_concurrent_per_cpu_second"] = small / cpu
        seconds, cpu, received = await _requests(session, f"{base}/big", big, 1)
        assert received == big * BIG_SIZE, received
        results["download_1mib_mbps"] = received / seconds / 1e6
        results["download_1mib_mb_per_cpu_second"] = received / cpu / 1e6
    return results


# -- the server ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(proc: subprocess.Popen[bytes], port: int, what: str) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start") from None
            time.sleep(0.05)


@contextlib.contextmanager
def _server() -> Iterator[str]:
    """Run nginx (or the stand-in) on a free loopback port; yield its base URL."""
    port = _free_port()
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    with tempfile.TemporaryDirectory(prefix="bench-client-") as tmp:
        root = Path(tmp)
        root.chmod(0o755)
        if nginx is not None:
            (root / "www").mkdir()
            (root / "tmp").mkdir()
            (root / "www" / "index.txt").write_bytes(SMALL_BODY)
            (root / "www" / "big.bin").write_bytes(os.urandom(BIG_SIZE))
            conf = root / "nginx.conf"
            conf.write_text(NGINX_CONF.format(root=root, port=port))
            cmd = [nginx, "-c", str(conf), "-p", str(root)]
        else:
            script = root / "server.py"
            script.write_text(FALLBACK_SERVER.format(small=SMALL_BODY, big=BIG_SIZE))
            cmd = [sys.executable, str(script), str(port)]
        proc = subprocess.Popen(cmd)
        try:
            _wait_listening(proc, port, cmd[0])
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


def _side_by_side(args: argparse.Namespace) -> None:
    real = Path(args.real_python)
    for python in (OURS_PYTHON, real):
        if not python.exists():
            sys.exit(f"missing interpreter {python}; see this file's docstring")
    best: dict[str, dict[str, float]] = {"ours": {}, "real": {}}
    with _server() as base:
        for _ in range(args.rounds):
            for who, python in (("ours", OURS_PYTHON), ("real", real)):
                for metric, value in _run_under(python, base, args.small, args.big).items():
                    best[who][metric] = max(best[who].get(metric, 0.0), value)
    header = f"{'metric':30} {'ours':>10} {'aiohttp':>10} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    for metric, ours in best["ours"].items():
        theirs = best["real"][metric]
        print(f"{metric:30} {ours:>10.1f} {theirs:>10.1f} {ours / theirs:>7.2f}")


def main() -> None:
    """Measure this interpreter's aiohttp (``--json``) or compare ours with the real one."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="measure this interpreter's aiohttp")
    parser.add_argument("--url", help="measure against this running server instead of starting one")
    parser.add_argument("--rounds", type=int, default=3, help="side-by-side runs per client")
    parser.add_argument("--small", type=int, default=10000, help="small GETs per scenario")
    parser.add_argument("--big", type=int, default=200, help="1 MiB downloads")
    parser.add_argument(
        "--real-python", default=str(REAL_PYTHON), help="interpreter with the real aiohttp"
    )
    args = parser.parse_args()
    if args.url:
        print(json.dumps(asyncio.run(_measure(args.url, args.small, args.big))))
    elif args.json:
        with _server() as base:
            print(json.dumps(asyncio.run(_measure(base, args.small, args.big))))
    else:
        _side_by_side(args)


if __name__ == "__main__":
    main()
