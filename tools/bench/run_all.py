"""Run every benchmark under our ``aiohttp`` and under the real aiohttp 3.13.3, side by side.

Each benchmark script ``tools/bench/<name>.py`` follows one convention: run as
``python <name>.py --json`` it measures whichever ``aiohttp`` the interpreter
imports and prints one JSON object ``{metric: value}`` (higher is better) on
the last line of its stdout. This driver runs each script under our
interpreter (``sys.executable``, where ``import aiohttp`` is our meta-package)
and under an interpreter holding the real aiohttp, alternating the two for
``--rounds`` rounds and keeping each metric's best value, then prints a table
(metric, ours, aiohttp, ratio ours/aiohttp: above 1 we are faster) and writes
everything to ``.reports/bench.json``.

The real aiohttp lives in its own virtual environment, by default
``/tmp/aiohttp-real-bench``, created on first use with ``uv venv`` and
``uv pip install aiohttp==3.13.3``; ``--real-python`` names an existing
interpreter instead.

Run::

    python tools/bench/run_all.py [--only wire] [--quick] [--real-python PATH]
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = (
    "BENCHMARKS",
    "REAL_VERSION",
    "BenchResult",
    "Interpreter",
    "ensure_real_python",
    "format_table",
    "main",
    "parse_last_json",
    "probe",
    "run_benchmark",
)

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
#: The benchmark scripts, in the order they run and are reported.
BENCHMARKS = ("wire", "wire_multipart", "server", "client", "websocket")
REAL_VERSION = "3.13.3"
DEFAULT_CACHE = Path(os.environ.get("AIOHTTP_REAL_BENCH", "/tmp/aiohttp-real-bench"))
DEFAULT_OUTPUT = REPO / ".reports" / "bench.json"
_PROBE = "import aiohttp, sys; print(aiohttp.__version__); print(aiohttp.__file__)"


@dataclass(frozen=True)
class Interpreter:
    """A Python interpreter and the aiohttp it imports."""

    label: str
    python: str
    aiohttp_version: str | None
    aiohttp_file: str | None
    env: dict[str, str] = field(repr=False)


@dataclass
class BenchResult:
    """One script's best value per metric and side, or why it could not run."""

    name: str
    ours: dict[str, float] = field(default_factory=dict)
    real: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def rows(self) -> list[tuple[str, float | None, float | None, float | None]]:
        """``(metric, ours, aiohttp, ratio)`` for every metric either side reported."""
        rows = []
        for metric in dict.fromkeys([*self.ours, *self.real]):
            ours, real = self.ours.get(metric), self.real.get(metric)
            ratio = ours / real if ours is not None and real else None
            rows.append((metric, ours, real, ratio))
        return rows


def _clean_env() -> dict[str, str]:
    """The environment for a child: nothing steering its imports towards our tree."""
    env = dict(os.environ)
    # AIOHTTP_NO_EXTENSIONS is set by --no-extensions only, so the report says what ran.
    for name in (
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONSTARTUP",
        "VIRTUAL_ENV",
        "AIOHTTP_NO_EXTENSIONS",
    ):
        env.pop(name, None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def probe(label: str, python: str) -> Interpreter:
    """Ask ``python`` which aiohttp it imports (``None`` when it imports none)."""
    env = _clean_env()
    try:
        out = subprocess.run(
            [python, "-c", _PROBE],
            capture_output=True,
            text=True,
            env=env,
            cwd="/",
            timeout=120,
            check=False,
        )
    except OSError:
        return Interpreter(label, python, None, None, env)
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or len(lines) < 2:
        return Interpreter(label, python, None, None, env)
    return Interpreter(label, python, lines[-2], lines[-1], env)


def ensure_real_python(cache: Path) -> str:
    """The interpreter of a venv at ``cache`` holding aiohttp 3.13.3, created if needed."""
    python = cache / "bin" / "python"
    if python.exists() and probe("aiohttp", str(python)).aiohttp_version == REAL_VERSION:
        return str(python)
    uv = shutil.which("uv")
    if uv is None:
        raise SystemExit("uv is needed to install the real aiohttp (python -m pip install uv)")
    if not python.exists():
        subprocess.run([uv, "venv", "--quiet", str(cache)], check=True)
    subprocess.run(
        [uv, "pip", "install", "--quiet", "-p", str(python), f"aiohttp=={REAL_VERSION}"],
        check=True,
    )
    found = probe("aiohttp", str(python)).aiohttp_version
    if found != REAL_VERSION:
        raise SystemExit(f"{python} imports aiohttp {found}, expected {REAL_VERSION}")
    return str(python)


def parse_last_json(stdout: str) -> dict[str, float]:
    """The ``{metric: number}`` object on the last non-empty line of a script's stdout."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    if not lines:
        raise ValueError("the script printed nothing")
    data = json.loads(lines[-1])
    if not isinstance(data, dict):
        raise ValueError(f"the last line is not a JSON object: {lines[-1][:200]!r}")
    metrics: dict[str, float] = {}
    for key, value in data.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"metric {key!r} is not a number: {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"metric {key!r} is not finite: {value!r}")
        metrics[str(key)] = float(value)
    return metrics


def _accepts_quick(script: Path) -> bool:
    """Whether ``script`` mentions a ``--quick`` option (asking ``--help`` could run it)."""
    return "--quick" in script.read_text(encoding="utf-8", errors="replace")


def _run_once(
    interp: Interpreter, script: Path, args: Sequence[str], timeout: float
) -> dict[str, float]:
    try:
        out = subprocess.run(
            [interp.python, str(script), *args],
            capture_output=True,
            text=True,
            env=interp.env,
            # Not the repository root, so that nothing there shadows an import.
            cwd=script.parent,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"timed out after {timeout:g} s") from None
    if out.returncode != 0:
        tail = "\n".join(out.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"exit status {out.returncode}: {tail}")
    return parse_last_json(out.stdout)


def run_benchmark(
    script: Path,
    ours: Interpreter,
    real: Interpreter,
    *,
    rounds: int,
    quick: bool,
    timeout: float,
) -> BenchResult:
    """Run ``script`` ``rounds`` times on each side, alternating, best value per metric."""
    result = BenchResult(script.stem)
    args = ["--json"]
    if quick and _accepts_quick(script):
        args.append("--quick")
    sides = ((ours, result.ours), (real, result.real))
    failed: set[str] = set()
    for _ in range(rounds):
        for interp, best in sides:
            if interp.label in failed:
                continue
            try:
                metrics = _run_once(interp, script, args, timeout)
            except (RuntimeError, ValueError) as exc:
                failed.add(interp.label)
                result.errors.append(f"{interp.label}: {exc}")
                continue
            for metric, value in metrics.items():
                best[metric] = max(value, best.get(metric, value))
    return result


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def format_table(results: Sequence[BenchResult]) -> str:
    """The results as an aligned text table, errors listed under it."""
    header = ("metric", "ours", "aiohttp", "ratio")
    body: list[tuple[str, str, str, str]] = []
    for res in results:
        for metric, ours, real, ratio in res.rows():
            ratio_cell = "-" if ratio is None else f"{ratio:.2f}"
            label = metric if metric.startswith(f"{res.name}.") else f"{res.name}.{metric}"
            body.append((label, _number(ours), _number(real), ratio_cell))
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(4)]

    def line(row: tuple[str, str, str, str]) -> str:
        first = row[0].ljust(widths[0])
        rest = "  ".join(cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))
        return f"{first}  {rest}"

    lines = [line(header), "-" * len(line(header))]
    lines += [line(row) for row in body]
    for res in results:
        lines += [f"{res.name}: {error}" for error in res.errors]
    return "\n".join(lines)


def _report(
    results: Sequence[BenchResult], ours: Interpreter, real: Interpreter, rounds: int, quick: bool
) -> dict[str, object]:
    def side(interp: Interpreter) -> dict[str, str | None]:
        return {
            "python": interp.python,
            "aiohttp_version": interp.aiohttp_version,
            "aiohttp_file": interp.aiohttp_file,
        }

    return {
        "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "rounds": rounds,
        "quick": quick,
        "ours": side(ours),
        "aiohttp": side(real),
        "benchmarks": {
            res.name: {
                "metrics": {
                    metric: {"ours": o, "aiohttp": r, "ratio": ratio}
                    for metric, o, r, ratio in res.rows()
                },
                "errors": res.errors,
            }
            for res in results
        },
    }


def _names(values: Sequence[str] | None) -> list[str]:
    if not values:
        return list(BENCHMARKS)
    chosen = {name.strip() for value in values for name in value.split(",") if name.strip()}
    unknown = sorted(chosen - set(BENCHMARKS))
    if unknown:
        raise SystemExit(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    return [name for name in BENCHMARKS if name in chosen]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks; 1 if any of them failed on either side, else 0."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help=f"run only these benchmarks (repeat or comma-separate): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--real-python", metavar="PATH", help="an interpreter that imports the real aiohttp"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one round, and --quick to each script that offers it",
    )
    parser.add_argument(
        "--no-extensions",
        action="store_true",
        help="run the real aiohttp without its C speedups (AIOHTTP_NO_EXTENSIONS=1)",
    )
    parser.add_argument("--rounds", type=int, default=2, help="runs per side (default 2)")
    parser.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help="venv for the real aiohttp"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON report path")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds per script run")
    parser.add_argument("--bench-dir", type=Path, default=HERE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    names = _names(args.only)
    scripts = [args.bench_dir / f"{name}.py" for name in names]
    scripts = [script for script in scripts if script.exists()]
    if not scripts:
        print(f"no benchmark scripts found in {args.bench_dir}")
        return 1
    rounds = 1 if args.quick else max(1, args.rounds)

    ours = probe("ours", sys.executable)
    real_python = args.real_python or ensure_real_python(args.cache)
    real = probe("aiohttp", real_python)
    if args.no_extensions:
        real.env["AIOHTTP_NO_EXTENSIONS"] = "1"
    for interp in (ours, real):
        where = interp.aiohttp_file or "no importable aiohttp"
        print(f"{interp.label:8} {interp.python}: aiohttp {interp.aiohttp_version} ({where})")
    speedups = "without" if args.no_extensions else "with"
    print(f"the real aiohttp runs {speedups} its C extensions")
    print(f"{len(scripts)} benchmark(s), {rounds} round(s) each, best value kept\n")

    results = []
    for script in scripts:
        print(f"running {script.stem} ...", flush=True)
        results.append(
            run_benchmark(script, ours, real, rounds=rounds, quick=args.quick, timeout=args.timeout)
        )
    print()
    print(format_table(results))

    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = _report(results, ours, real, rounds, args.quick)
    report["aiohttp_extensions"] = not args.no_extensions
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {args.output}")
    return 1 if any(res.errors for res in results) else 0


if __name__ == "__main__":
    sys.exit(main())
