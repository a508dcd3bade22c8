"""Every check CI runs, one nox session each.

``nox`` with no arguments runs what CI needs. Each distribution is tested in
a virtual environment of its own holding only its declared dependencies (its
siblings installed from their local paths, never from an index) and the test
tools. The integration profiles install the built wheels by file path.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).parent / "tools"))

from workspace import ROOT, dependency_group, load_workspace, sibling_closure

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = False
nox.options.error_on_missing_interpreters = False
nox.options.sessions = ["versions", "lint", "typecheck", "tests", "build", "integration", "docs"]

WORKSPACE = load_workspace()
PACKAGES = sorted(WORKSPACE)
DIST = ROOT / "dist"
REPORTS = ROOT / ".reports"
#: Run pytest without pytest-asyncio (its ini options are then unknown: fine).
NO_ASYNCIO = ["-p", "no:asyncio", "-W", "ignore::pytest.PytestConfigWarning"]
LINTED = ["packages", "tools", "integration_tests", "docs", "noxfile.py"]
#: Programs some packages' tests drive as peers (``tools/system_deps.py`` installs them).
SYSTEM_PROGRAMS = {
    "aiohttp-wire": ["curl"],
    "aiohttp-client": ["nginx"],
    "aiohttp-server": ["curl", "chromium"],
}
#: Packages with an optional C accelerator: tested with it and without it.
C_ACCELERATED = {"aiohttp-websocket", "aiohttp-wire"}


def _junit(name: str) -> str:
    REPORTS.mkdir(exist_ok=True)
    return f"--junitxml={REPORTS / name}.xml"


def _install_with_siblings(session: nox.Session, name: str, *, editable: bool = False) -> None:
    paths = [str(dist.path) for dist in sibling_closure(WORKSPACE, name)]
    if editable:
        session.install(*[arg for path in paths for arg in ("-e", path)])
    else:
        session.install(*paths)


@nox.session
@nox.parametrize("package", PACKAGES)
def tests(session: nox.Session, package: str) -> None:
    """One distribution's tests, alone with its declared dependencies."""
    _install_with_siblings(session, package)
    session.install(*dependency_group("test"))
    if package in SYSTEM_PROGRAMS:
        session.run("python", "tools/system_deps.py", *SYSTEM_PROGRAMS[package])
    session.run(*_pytest_args(package, f"tests-{package}"), *session.posargs)
    if package in C_ACCELERATED:
        # Again on the pure-Python fallback that users without a compiler get.
        args = _pytest_args(package, f"tests-{package}-pure-python")
        session.run(*args, *session.posargs, env={"AIOHTTP_NO_EXTENSIONS": "1"})


def _pytest_args(package: str, report: str) -> list[str]:
    """The pytest command line for one package's suite, reporting to ``report``."""
    args = ["pytest", str(WORKSPACE[package].tests_dir), "-q", _junit(report)]
    if package == "aiohttp-testing":
        # Its own pytest plugin runs these tests, as it runs users' suites.
        args += NO_ASYNCIO
    return args


@nox.session
def versions(session: nox.Session) -> None:
    """Declared ranges admit the siblings' versions; imports are declared."""
    session.install("packaging", "pytest")
    session.run("python", "tools/check_versions.py")
    session.run("pytest", "tools/tests", "-q", *NO_ASYNCIO, _junit("versions"))


@nox.session
def lint(session: nox.Session) -> None:
    """ruff, for style and for formatting."""
    session.install(*dependency_group("lint"))
    session.run("ruff", "check", *LINTED)
    session.run("ruff", "format", "--check", *LINTED)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over each distribution's sources."""
    for name in PACKAGES:
        session.install(str(WORKSPACE[name].path))
    session.install(*dependency_group("typecheck"))
    for name in PACKAGES:
        session.run("mypy", str(WORKSPACE[name].path / "src"))


def build_all(session: nox.Session) -> list[Path]:
    """Wheel and sdist of every distribution into ``dist/``."""
    if DIST.exists():
        shutil.rmtree(DIST)
    for name in PACKAGES:
        session.run(
            "uv", "build", "--quiet", "--sdist", "--wheel", "--out-dir", str(DIST),
            str(WORKSPACE[name].path), external=True,
        )  # fmt: skip
    return sorted([*DIST.glob("*.whl"), *DIST.glob("*.tar.gz")])


@nox.session
def build(session: nox.Session) -> None:
    """Twelve files in ``dist/``: a wheel and an sdist per distribution."""
    built = build_all(session)
    session.log("\n".join(path.name for path in built))
    if len(built) != 2 * len(PACKAGES):
        session.error(f"expected {2 * len(PACKAGES)} files in dist/, got {len(built)}")


@nox.session
def integration(session: nox.Session) -> None:
    """Install profiles from the built wheels, each in a fresh environment."""
    if not DIST.exists() or len(list(DIST.glob("*.whl"))) != len(PACKAGES):
        build_all(session)
    session.install(*dependency_group("test"))
    session.run(
        "pytest", "integration_tests", "-q", *NO_ASYNCIO, _junit("integration"),
        *session.posargs, env={"AIOHTTP_DIST_DIR": str(DIST)},
    )  # fmt: skip


@nox.session
def docs(session: nox.Session) -> None:
    """The Sphinx documentation, with warnings as errors."""
    session.install(*dependency_group("docs"))
    session.run(
        "sphinx-build", "-W", "--keep-going", "-q", "-b", "html", "docs", "docs/_build/html"
    )


@nox.session
def serve(session: nox.Session) -> None:
    """Serve the example application on http://127.0.0.1:8080 on our server."""
    _install_with_siblings(session, "aiohttp")
    session.run("python", "docs/examples/serve_app.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks against the real aiohttp, installed from PyPI in its own venv."""
    _install_with_siblings(session, "aiohttp")
    session.install(*dependency_group("test"))
    session.run("python", "tools/bench/run_all.py", *session.posargs)
