"""tools/system_deps.py: which Debian packages are missing, and argument checks."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import system_deps


def test_installed_programs_need_no_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(system_deps.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert system_deps.missing(["curl", "chromium"]) == []


def test_any_binary_name_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        system_deps.shutil, "which", lambda name: "/x" if name == "chromium-browser" else None
    )
    assert system_deps.missing(["chromium", "curl"]) == ["curl"]


def test_unknown_program_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert system_deps.main(["no-such-program"]) == 2
    assert "unknown programs" in capsys.readouterr().err


def test_without_apt_it_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(system_deps.shutil, "which", lambda name: None)
    assert system_deps.main(["nginx"]) == 0
    assert "please install: nginx" in capsys.readouterr().out
