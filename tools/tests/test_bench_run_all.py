"""The benchmark driver, run on tiny fake benchmark scripts: fast and offline.

The "real aiohttp" side is a shell wrapper around this interpreter that sets
``FAKE_SIDE=real``, so a fake script can answer differently on each side.
"""

from __future__ import annotations

import importlib.util
import json
import os
import stat
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest


def _load_run_all() -> ModuleType:
    """Import tools/bench/run_all.py without putting the benchmark scripts on sys.path."""
    path = Path(__file__).resolve().parent.parent / "bench" / "run_all.py"
    spec = importlib.util.spec_from_file_location("run_all", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["run_all"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


run_all = _load_run_all()
BenchResult = run_all.BenchResult
format_table = run_all.format_table
main = run_all.main
parse_last_json = run_all.parse_last_json

#: Prints chatter, then a value that grows with each run on that side (best-of must keep the
#: largest); "real" answers double. Records its arguments.
COUNTING = """
import json, os, sys
from pathlib import Path
side = os.environ.get("FAKE_SIDE", "ours")
log = Path(__file__).with_name("calls.log")
with log.open("a") as f:
    f.write(json.dumps([side, sys.argv[1:]]) + "\\n")
runs = sum(1 for line in log.read_text().splitlines() if json.loads(line)[0] == side)
scale = 2 if side == "real" else 1
print("warming up...")
print(json.dumps({"req_per_sec": 100.0 * scale * runs, "mb_per_sec": 5 * scale}))
"""

FAILS_ON_REAL = """
import json, os, sys
if os.environ.get("FAKE_SIDE") == "real":
    print("Traceback: boom", file=sys.stderr)
    sys.exit(3)
print(json.dumps({"ops": 7}))
"""

WITH_QUICK = """
import argparse, json
from pathlib import Path
parser = argparse.ArgumentParser()
parser.add_argument("--json", action="store_true")
parser.add_argument("--quick", action="store_true")
args = parser.parse_args()
with Path(__file__).with_name("quick.log").open("a") as f:
    f.write(f"{args.quick}\\n")
print(json.dumps({"ops": 1}))
"""


def _executable(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def real_python(tmp_path: Path) -> str:
    wrapper = tmp_path / "fake-real-python"
    _executable(wrapper, f'#!/bin/sh\nFAKE_SIDE=real exec "{sys.executable}" "$@"\n')
    return str(wrapper)


@pytest.fixture
def bench_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "bench"
    folder.mkdir()
    return folder


def _run(bench_dir: Path, real_python: str, *extra: str) -> tuple[int, dict[str, object]]:
    output = bench_dir.parent / "report" / "bench.json"
    code = main(
        [
            "--bench-dir",
            str(bench_dir),
            "--real-python",
            real_python,
            "--output",
            str(output),
            "--timeout",
            "60",
            *extra,
        ]
    )
    return code, json.loads(output.read_text())


def test_table_and_report_with_best_of_rounds(
    bench_dir: Path, real_python: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (bench_dir / "wire.py").write_text(COUNTING)
    code, report = _run(bench_dir, real_python, "--rounds", "2")
    assert code == 0
    metrics = report["benchmarks"]["wire"]["metrics"]  # type: ignore[index]
    # Second runs are the best: ours 200, real 400.
    assert metrics["req_per_sec"] == {"ours": 200.0, "aiohttp": 400.0, "ratio": 0.5}
    assert metrics["mb_per_sec"] == {"ours": 5.0, "aiohttp": 10.0, "ratio": 0.5}
    assert report["rounds"] == 2
    assert report["aiohttp"]["python"] == real_python  # type: ignore[index]
    out = capsys.readouterr().out
    assert "wire.req_per_sec" in out
    assert "0.50" in out
    calls = [json.loads(line) for line in (bench_dir / "calls.log").read_text().splitlines()]
    # Alternating sides, each invoked with --json only.
    assert calls == [["ours", ["--json"]], ["real", ["--json"]]] * 2


def test_a_failing_side_is_reported_and_fails_the_run(
    bench_dir: Path, real_python: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (bench_dir / "wire.py").write_text(COUNTING)
    (bench_dir / "client.py").write_text(FAILS_ON_REAL)
    code, report = _run(bench_dir, real_python, "--rounds", "3")
    assert code == 1
    client = report["benchmarks"]["client"]  # type: ignore[index]
    assert client["metrics"] == {"ops": {"ours": 7.0, "aiohttp": None, "ratio": None}}
    # A side that failed once is not retried.
    assert len(client["errors"]) == 1
    assert client["errors"][0].startswith("aiohttp: exit status 3")
    assert "boom" in client["errors"][0]
    assert report["benchmarks"]["wire"]["errors"] == []  # type: ignore[index]
    assert "client: aiohttp: exit status 3" in capsys.readouterr().out


def test_only_selects_and_missing_scripts_are_passed_over(
    bench_dir: Path, real_python: str
) -> None:
    (bench_dir / "wire.py").write_text(COUNTING)
    (bench_dir / "server.py").write_text(FAILS_ON_REAL)
    code, report = _run(bench_dir, real_python, "--only", "wire,websocket", "--quick")
    assert code == 0
    assert list(report["benchmarks"]) == ["wire"]  # type: ignore[call-overload]
    assert report["rounds"] == 1


def test_unknown_benchmark_name_is_refused(bench_dir: Path, real_python: str) -> None:
    with pytest.raises(SystemExit, match="unknown benchmark nope"):
        _run(bench_dir, real_python, "--only", "nope")


def test_no_scripts_at_all_fails(bench_dir: Path, real_python: str) -> None:
    assert main(["--bench-dir", str(bench_dir), "--real-python", real_python]) == 1


def test_quick_is_forwarded_only_to_scripts_that_offer_it(
    bench_dir: Path, real_python: str
) -> None:
    (bench_dir / "websocket.py").write_text(WITH_QUICK)
    (bench_dir / "wire.py").write_text(COUNTING)
    code, _ = _run(bench_dir, real_python, "--quick")
    assert code == 0
    assert (bench_dir / "quick.log").read_text().split() == ["True", "True"]
    calls = [json.loads(line) for line in (bench_dir / "calls.log").read_text().splitlines()]
    assert calls == [["ours", ["--json"]], ["real", ["--json"]]]


def test_a_hanging_script_times_out(bench_dir: Path, real_python: str) -> None:
    (bench_dir / "wire.py").write_text("import time\ntime.sleep(120)\n")
    code = main(
        [
            "--bench-dir",
            str(bench_dir),
            "--real-python",
            real_python,
            "--output",
            str(bench_dir / "out.json"),
            "--timeout",
            "0.5",
            "--quick",
        ]
    )
    assert code == 1
    errors = json.loads((bench_dir / "out.json").read_text())["benchmarks"]["wire"]["errors"]
    assert errors == ["ours: timed out after 0.5 s", "aiohttp: timed out after 0.5 s"]


@pytest.mark.parametrize(
    ("stdout", "message"),
    [
        ("", "printed nothing"),
        ("[1, 2]\n", "not a JSON object"),
        ('{"a": "fast"}\n', "is not a number"),
        ('{"a": true}\n', "is not a number"),
        ('{"a": NaN}\n', "is not finite"),
    ],
)
def test_bad_output_is_rejected(stdout: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_last_json(stdout)


def test_last_json_line_wins() -> None:
    assert parse_last_json('{"a": 1}\nnoise\n{"b": 2.5, "c": 3}\n\n') == {"b": 2.5, "c": 3.0}


def test_not_json_raises_value_error() -> None:
    with pytest.raises(ValueError):
        parse_last_json("rate: 100 req/s\n")


def test_table_marks_missing_values() -> None:
    res = BenchResult("server", ours={"get": 1234.5, "server.post": 0.5}, real={"get": 1000.0})
    res.errors.append("aiohttp: exit status 1: oops")
    lines = format_table([res]).splitlines()
    assert lines[0].split() == ["metric", "ours", "aiohttp", "ratio"]
    assert lines[2].split() == ["server.get", "1,234", "1,000", "1.23"]
    assert lines[3].split() == ["server.post", "0.5", "-", "-"]
    assert lines[4] == "server: aiohttp: exit status 1: oops"


FAKE_UV = """#!{python}
import json, sys
from pathlib import Path
log = Path({log!r})
with log.open("a") as f:
    f.write(json.dumps(sys.argv[1:]) + "\\n")
if sys.argv[1] == "venv":
    python = Path(sys.argv[-1]) / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\\necho 3.0.0\\necho /old/aiohttp/__init__.py\\n")
    python.chmod(0o755)
else:
    python = Path(sys.argv[sys.argv.index("-p") + 1])
    python.write_text("#!/bin/sh\\necho 3.13.3\\necho /venv/aiohttp/__init__.py\\n")
"""


def test_real_venv_is_created_with_uv_then_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tools = tmp_path / "uvbin"
    tools.mkdir()
    log = tmp_path / "uv.log"
    _executable(tools / "uv", FAKE_UV.format(python=sys.executable, log=str(log)))
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    cache = tmp_path / "real"

    python = run_all.ensure_real_python(cache)
    assert python == str(cache / "bin" / "python")
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert calls == [
        ["venv", "--quiet", str(cache)],
        ["pip", "install", "--quiet", "-p", python, "aiohttp==3.13.3"],
    ]
    # Already there with the right version: uv is not called again.
    assert run_all.ensure_real_python(cache) == python
    assert len(log.read_text().splitlines()) == 2
    found = run_all.probe("aiohttp", python)
    assert (found.aiohttp_version, found.aiohttp_file) == ("3.13.3", "/venv/aiohttp/__init__.py")


def test_wrong_version_after_install_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tools = tmp_path / "uvbin"
    tools.mkdir()
    _executable(tools / "uv", "#!/bin/sh\nexit 0\n")
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    cache = tmp_path / "real"
    _executable(_mkparents(cache / "bin" / "python"), "#!/bin/sh\necho 2.0\necho /x.py\n")
    with pytest.raises(SystemExit, match=r"imports aiohttp 2\.0, expected 3\.13\.3"):
        run_all.ensure_real_python(cache)


def test_probe_of_an_interpreter_without_aiohttp(tmp_path: Path) -> None:
    python = _executable(tmp_path / "py", "#!/bin/sh\nexit 1\n")
    found = run_all.probe("x", str(python))
    assert (found.aiohttp_version, found.aiohttp_file) == (None, None)
    missing = run_all.probe("x", str(tmp_path / "nope"))
    assert missing.aiohttp_version is None


def _mkparents(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_script_runs_outside_the_repository_environment(
    bench_dir: Path, real_python: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", "/somewhere/else")
    (bench_dir / "wire.py").write_text(
        textwrap.dedent(
            """
            import json, os
            print(json.dumps({"clean": float("PYTHONPATH" not in os.environ)}))
            """
        )
    )
    code, report = _run(bench_dir, real_python, "--quick")
    assert code == 0
    metric = report["benchmarks"]["wire"]["metrics"]["clean"]  # type: ignore[index]
    assert metric == {"ours": 1.0, "aiohttp": 1.0, "ratio": 1.0}


def test_no_extensions_reaches_only_the_real_side(
    bench_dir: Path, real_python: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIOHTTP_NO_EXTENSIONS", "1")  # inherited: must not reach ours
    (bench_dir / "wire.py").write_text(
        "import json, os\n"
        'print(json.dumps({"pure": float(os.environ.get("AIOHTTP_NO_EXTENSIONS") == "1")}))\n'
    )
    code, report = _run(bench_dir, real_python, "--quick", "--no-extensions")
    assert code == 0
    assert report["aiohttp_extensions"] is False
    metric = report["benchmarks"]["wire"]["metrics"]["pure"]  # type: ignore[index]
    assert metric == {"ours": 0.0, "aiohttp": 1.0, "ratio": 0.0}
