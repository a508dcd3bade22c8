"""load_accelerator: the built extension's function, or None."""

from __future__ import annotations

import pytest

from aiohttp_wire.accelerators import load_accelerator


def test_loads_a_built_extension(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIOHTTP_NO_EXTENSIONS", raising=False)
    from aiohttp_wire._http_head import parse_header_block

    assert load_accelerator("aiohttp_wire._http_head", "parse_header_block") is parse_header_block


def test_none_when_not_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIOHTTP_NO_EXTENSIONS", raising=False)
    assert load_accelerator("aiohttp_wire._not_built", "anything") is None


def test_none_when_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIOHTTP_NO_EXTENSIONS", "1")
    assert load_accelerator("aiohttp_wire._http_head", "parse_header_block") is None
