"""Web server benchmark: ``server_app.py`` under ``wrk`` load, ours against the real aiohttp.

Endpoints (metric names): ``server.text`` (plain-text GET), ``server.json``
(JSON GET), ``server.item`` (``GET /item/{id}``, a dynamic route),
``server.item_browser`` (the same route asked like a browser asks: eight
more headers, the id, cookie, referer and request id new on every request,
so nothing about the head repeats) and ``server.echo_64k`` (a 64 KiB POST
echoed back). Each server process is pinned
to CPU 0 (``taskset``) and loaded from CPU 1 by ``wrk`` (one thread,
``--connections`` keep-alive connections; without ``wrk`` a small asyncio
load generator in this process stands in). Any non-2xx answer or socket
error fails the run.

Per endpoint it measures requests per second, the 99th percentile latency
and requests per CPU second of the server (``/proc``; steadier than
wall-clock rates on a busy machine). Per server it measures the resident set
size once started (idle) and its peak after all the load (``VmHWM``), and per
interpreter the import time of ``aiohttp.web`` (``python -X importtime -c
"import aiohttp.web"``, cumulative time of the ``aiohttp`` modules, best of
five warm runs).

``python server.py`` (the default) starts our server (this interpreter) and
the real aiohttp 3.13.3 (``--real-python``, by default the venv
``tools/bench/run_all.py`` creates) side by side and measures them in the
same run, alternating per endpoint for ``--rounds`` rounds (best value kept),
then prints each figure for both with the factor by which ours is better
(above 1.00: ours is faster or smaller).

``python server.py --json`` follows the benchmark convention of
``tools/bench/README.md``: it measures this interpreter's ``aiohttp`` only,
prints the figures as readable lines, then one JSON object whose values are
all higher-is-better. Latency, memory and import time are reported there as
reciprocals, named ``*_inv``: ``server.text_p99_inv`` is 1 / p99 in seconds,
``server.rss_idle_inv`` and ``server.rss_peak_inv`` are 1 / GiB
(1024 / MiB), ``server.import_inv`` is 1 / import seconds; so ``run_all.py``'s
ratio ours/aiohttp reads the same way for every metric.

``--profile PATH`` runs only our server, under ``cProfile``, through every
endpoint once and writes the profile to ``PATH`` (read it with ``python -m
pstats PATH``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Figures", "Side", "compare", "import_seconds", "main"]

HERE = Path(__file__).resolve().parent
APP = HERE / "server_app.py"
REAL_PYTHON = Path(os.environ.get("AIOHTTP_REAL_BENCH", "/tmp/aiohttp-real-bench")) / "bin/python"
ECHO_SIZE = 64 * 1024

#: metric -> (method, path, body size, browser-like heads)
SCENARIOS: dict[str, tuple[str, str, int, bool]] = {
    "server.text": ("GET", "/text", 0, False),
    "server.json": ("GET", "/json", 0, False),
    "server.item": ("GET", "/item/12345", 0, False),
    "server.item_browser": ("GET", "/item/", 0, True),
    "server.echo_64k": ("POST", "/echo", ECHO_SIZE, False),
}

#: The fixed fields of a browser-like request; ``_BROWSER_VARYING`` adds the
#: ones that change with each request (``{n}``: a request counter).
_BROWSER_FIXED = (
    ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"),
    ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
    ("Accept-Language", "en-US,en;q=0.9"),
    ("Accept-Encoding", "gzip, deflate, br"),
    ("Connection", "keep-alive"),
)
_BROWSER_VARYING = (
    ("Referer", "https://example.com/page/{n}"),
    ("Cookie", "session=s{n}; theme=dark; seen={n}"),
    ("X-Request-Id", "req-{n}"),
)


def _browser_lua(path: str) -> str:
    """A wrk ``request`` function sending browser-like heads, new values each time."""
    fixed = "".join(f'  h["{k}"] = "{v}"\n' for k, v in _BROWSER_FIXED)
    varying = "".join(
        f'  h["{k}"] = "{v}"\n'.replace("{n}", '" .. n .. "') for k, v in _BROWSER_VARYING
    )
    return (
        "n = 0\nrequest = function()\n  n = n + 1\n  local h = {}\n"
        f"{fixed}{varying}"
        f'  return wrk.format("GET", "{path}" .. n, h)\nend\n'
    )


def _browser_request(path: str, n: int) -> bytes:
    """The head ``_browser_lua`` sends for request number ``n``."""
    fields = [*_BROWSER_FIXED, *((k, v.replace("{n}", str(n))) for k, v in _BROWSER_VARYING)]
    head = f"GET {path}{n} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    return (head + "".join(f"{k}: {v}\r\n" for k, v in fields) + "\r\n").encode()


_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


@dataclass
class Figures:
    """Best figures of one server over the rounds."""

    rps: dict[str, float] = field(default_factory=dict)
    p99: dict[str, float] = field(default_factory=dict)
    per_cpu: dict[str, float] = field(default_factory=dict)
    rss_idle: float = 0.0
    rss_peak: float = 0.0
    import_s: float = 0.0

    def record(self, metric: str, rps: float, p99: float, per_cpu: float | None) -> None:
        """Keep the best of this run and the previous ones."""
        self.rps[metric] = max(rps, self.rps.get(metric, 0.0))
        self.p99[metric] = min(p99, self.p99.get(metric, p99))
        if per_cpu is not None:
            self.per_cpu[metric] = max(per_cpu, self.per_cpu.get(metric, 0.0))

    def lines(self, label: str) -> list[str]:
        """Readable figures, one per line."""
        out = [
            f"{label} {metric}: {self.rps[metric]:.0f} req/s, p99 {self.p99[metric] * 1e3:.2f} ms"
            for metric in self.rps
        ]
        out.append(
            f"{label} RSS idle {self.rss_idle:.1f} MiB, peak {self.rss_peak:.1f} MiB; "
            f"import aiohttp.web {self.import_s * 1e3:.1f} ms"
        )
        return out

    def metrics(self) -> dict[str, float]:
        """The higher-is-better JSON metrics (reciprocals named ``*_inv``)."""
        out: dict[str, float] = dict(self.rps)
        out.update({f"{m}_per_cpu_s": v for m, v in self.per_cpu.items()})
        out.update({f"{m}_p99_inv": 1 / v for m, v in self.p99.items() if v > 0})
        if self.rss_idle:
            out["server.rss_idle_inv"] = 1024 / self.rss_idle
        if self.rss_peak:
            out["server.rss_peak_inv"] = 1024 / self.rss_peak
        if self.import_s:
            out["server.import_inv"] = 1 / self.import_s
        return out


@dataclass
class Side:
    """One interpreter under test and the environment it runs in."""

    label: str
    python: str
    env: dict[str, str]
    figures: Figures = field(default_factory=Figures)


def _clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a server: nothing steering its imports towards another tree."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")
    }
    env.update(extra or {})
    return env


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


def _rss_mib(pid: int, key: str) -> float:
    """``VmRSS`` or ``VmHWM`` of process ``pid`` in MiB (0 where /proc is missing)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@contextlib.contextmanager
def _server(side: Side, profile: str | None = None) -> Iterator[tuple[int, int]]:
    """Run ``server_app.py`` for ``side``; yield its port and pid."""
    cmd = [side.python, str(APP)]
    if profile is not None:
        cmd[1:1] = ["-m", "cProfile", "-o", profile]
    proc = subprocess.Popen(
        [*_pin(0), *cmd], stdout=subprocess.PIPE, text=True, cwd=str(HERE), env=side.env
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.match(r"READY (\d+)", line)
        if match is None:
            raise RuntimeError(f"{side.label} server did not start: {line!r}")
        yield int(match.group(1)), proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _seconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise RuntimeError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _wrk(
    port: int, method: str, path: str, size: int, duration: float, conns: int, browser: bool
) -> tuple[float, float, int]:
    """Run wrk; return requests per second, p99 latency in seconds and the request count."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f'wrk.method = "{method}"\n')
        if browser:
            script.write(_browser_lua(path))
        if size:
            script.write(f'wrk.body = string.rep("x", {size})\n')
            script.write('wrk.headers["Content-Type"] = "application/octet-stream"\n')
    try:
        out = subprocess.run(
            [
                *_pin(1),
                "wrk",
                "-t1",
                f"-c{conns}",
                f"-d{max(1, round(duration))}s",
                "--latency",
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
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    if rate is None or total is None or p99 is None:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    return float(rate.group(1)), _seconds(p99.group(1)), int(total.group(1))


async def _one_connection(
    port: int,
    make_request: Callable[[], bytes],
    size: int,
    deadline: float,
    latencies: list[float],
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.monotonic() < deadline:
            start = time.monotonic()
            writer.write(make_request())
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200 "):
                raise RuntimeError(f"unexpected answer: {head!r}")
            length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
            if length is None:
                raise RuntimeError(f"no Content-Length: {head!r}")
            body = await reader.readexactly(int(length.group(1)))
            if size and len(body) != size:
                raise RuntimeError("wrong echo")
            latencies.append(time.monotonic() - start)
    finally:
        writer.close()


async def _asyncio_load(
    port: int, method: str, path: str, size: int, duration: float, conns: int, browser: bool
) -> tuple[float, float, int]:
    """Keep ``conns`` connections busy; return requests per second, p99 and the count."""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if size:
        head += f"Content-Type: application/octet-stream\r\nContent-Length: {size}\r\n"
    request = head.encode() + b"\r\n" + b"x" * size
    counter = itertools.count(1)

    def make_request() -> bytes:
        return _browser_request(path, next(counter)) if browser else request

    latencies: list[float] = []
    start = time.monotonic()
    await asyncio.gather(
        *(
            _one_connection(port, make_request, size, start + duration, latencies)
            for _ in range(conns)
        )
    )
    elapsed = time.monotonic() - start
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return len(latencies) / elapsed, p99, len(latencies)


def _load(
    port: int, method: str, path: str, size: int, duration: float, conns: int, browser: bool
) -> tuple[float, float, int]:
    if shutil.which("wrk"):
        return _wrk(port, method, path, size, duration, conns, browser)
    return asyncio.run(_asyncio_load(port, method, path, size, duration, conns, browser))


def import_seconds(side: Side, runs: int = 5) -> float:
    """Best cumulative import time of ``aiohttp.web`` for ``side``'s interpreter."""
    env = dict(side.env)
    # Bytecode caches are written once (the warm-up run) and then used, on both sides.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    best = float("inf")
    for attempt in range(runs + 1):
        err = subprocess.run(
            [side.python, "-X", "importtime", "-c", "import aiohttp.web"],
            capture_output=True,
            text=True,
            env=env,
            cwd="/",
            check=True,
        ).stderr
        total = 0
        for line in err.splitlines():
            parts = line.split("|")
            # Top-level entries only (nested ones are part of their parent's cumulative time).
            if len(parts) == 3 and parts[2].startswith(" aiohttp"):
                total += int(parts[1])
        if attempt:
            best = min(best, total / 1e6)
    return best


def compare(sides: list[Side], duration: float, conns: int, rounds: int) -> None:
    """Measure every side's server in one run, alternating per endpoint and round."""
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(_server(side)) for side in sides]
        for side, (_, pid) in zip(sides, servers, strict=True):
            side.figures.rss_idle = _rss_mib(pid, "VmRSS")
        for metric, (method, path, size, browser) in SCENARIOS.items():
            for port, _ in servers:
                # A short warm-up so that every server starts from warm caches.
                _load(port, method, path, size, 1, conns, browser)
            for _ in range(rounds):
                for side, (port, pid) in zip(sides, servers, strict=True):
                    before = _cpu_seconds(pid)
                    rps, p99, count = _load(port, method, path, size, duration, conns, browser)
                    after = _cpu_seconds(pid)
                    per_cpu = None
                    if before is not None and after is not None and after > before:
                        per_cpu = count / (after - before)
                    side.figures.record(metric, rps, p99, per_cpu)
        for side, (_, pid) in zip(sides, servers, strict=True):
            side.figures.rss_peak = _rss_mib(pid, "VmHWM")
    for side in sides:
        side.figures.import_s = import_seconds(side)


def _profile(side: Side, path: str, duration: float, conns: int) -> None:
    with _server(side, profile=path) as (port, _):
        for method, target, size, browser in SCENARIOS.values():
            _load(port, method, target, size, duration, conns, browser)
    print(f"profile written to {path}; read it with: python -m pstats {path}")


def _table(ours: Side, real: Side) -> str:
    """Both sides' figures with the factor by which ours is better."""
    rows: list[tuple[str, float, float, float]] = []
    a, b = ours.figures, real.figures
    for metric in SCENARIOS:
        rows.append(
            (f"{metric} req/s", a.rps[metric], b.rps[metric], a.rps[metric] / b.rps[metric])
        )
    for metric in SCENARIOS:
        rows.append(
            (
                f"{metric} p99 ms",
                a.p99[metric] * 1e3,
                b.p99[metric] * 1e3,
                b.p99[metric] / a.p99[metric],
            )
        )
    for metric in SCENARIOS:
        if metric in a.per_cpu and metric in b.per_cpu:
            rows.append(
                (
                    f"{metric} req/CPU s",
                    a.per_cpu[metric],
                    b.per_cpu[metric],
                    a.per_cpu[metric] / b.per_cpu[metric],
                )
            )
    if a.rss_idle and b.rss_idle:
        rows.append(("RSS idle MiB", a.rss_idle, b.rss_idle, b.rss_idle / a.rss_idle))
        rows.append(("RSS peak MiB", a.rss_peak, b.rss_peak, b.rss_peak / a.rss_peak))
    rows.append(
        ("import aiohttp.web ms", a.import_s * 1e3, b.import_s * 1e3, b.import_s / a.import_s)
    )
    header = f"{'figure':32} {'ours':>10} {'aiohttp':>10} {'better':>7}"
    lines = [header, "-" * len(header)]
    lines += [f"{name:32} {x:>10.2f} {y:>10.2f} {r:>7.2f}" for name, x, y, r in rows]
    return "\n".join(lines)


def main() -> None:
    """Compare ours with the real aiohttp, or measure this interpreter's (``--json``)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="measure this interpreter's aiohttp")
    parser.add_argument("--quick", action="store_true", help="2 s per scenario instead of 5")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per scenario")
    parser.add_argument("--rounds", type=int, default=2, help="runs per endpoint and side")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections")
    parser.add_argument("--real-python", default=str(REAL_PYTHON), help="the real aiohttp's python")
    parser.add_argument(
        "--no-extensions",
        action="store_true",
        help="run the real aiohttp without its C speedups (AIOHTTP_NO_EXTENSIONS=1)",
    )
    parser.add_argument("--profile", metavar="PATH", help="cProfile our server under load")
    args = parser.parse_args()
    duration = 2.0 if args.quick else args.duration
    rounds = 1 if args.quick else max(1, args.rounds)
    ours = Side("ours", sys.executable, _clean_env())
    if args.profile:
        _profile(ours, args.profile, duration, args.connections)
        return
    if args.json:
        compare([ours], duration, args.connections, rounds)
        print("\n".join(ours.figures.lines("")))
        print(json.dumps(ours.figures.metrics()))
        return
    real_env = _clean_env({"AIOHTTP_NO_EXTENSIONS": "1"} if args.no_extensions else None)
    if not args.no_extensions:
        real_env.pop("AIOHTTP_NO_EXTENSIONS", None)
    real = Side("aiohttp", args.real_python, real_env)
    compare([ours, real], duration, args.connections, rounds)
    speedups = "without" if args.no_extensions else "with"
    print(
        f"{args.connections} connections, {duration:g} s per run, best of {rounds}; "
        f"the real aiohttp 3.13.3 ran {speedups} its C extensions"
    )
    print(_table(ours, real))


if __name__ == "__main__":
    main()
