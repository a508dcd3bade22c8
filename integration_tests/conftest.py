"""Fresh virtual environments built from the wheels in ``dist/``.

Each profile installs our wheels by file path, so that no index can compete
with them for a name; third-party dependencies come from the index as usual.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

PROBES = Path(__file__).parent / "probes"


@pytest.fixture(scope="session")
def dist_dir() -> Path:
    value = os.environ.get("AIOHTTP_DIST_DIR")
    if not value:
        pytest.fail("AIOHTTP_DIST_DIR is not set: run these tests through `nox -s integration`")
    return Path(value)


@pytest.fixture(scope="session")
def wheel(dist_dir: Path) -> Callable[[str], Path]:
    def find(distribution: str) -> Path:
        prefix = distribution.replace("-", "_") + "-"
        (found,) = [p for p in dist_dir.glob("*.whl") if p.name.startswith(prefix)]
        return found

    return find


def uv() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


@pytest.fixture
def venv(tmp_path: Path) -> Callable[..., Path]:
    """Make a venv holding the given wheels; return its interpreter."""

    def make(*wheels: Path, name: str = "venv") -> Path:
        target = tmp_path / name
        subprocess.run([*uv(), "venv", "--quiet", "-p", sys.executable, str(target)], check=True)
        python = target / "bin" / "python"
        subprocess.run(
            [*uv(), "pip", "install", "--quiet", "-p", str(python), *map(str, wheels)],
            check=True,
        )
        return python

    return make


def run_probe(python: Path, name: str, *args: str) -> str:
    """Run ``probes/<name>.py`` in the profile's interpreter; return its output."""
    result = subprocess.run(
        [str(python), str(PROBES / f"{name}.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout
