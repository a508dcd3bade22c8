"""The install profiles promised in the README, from the built wheels."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import run_probe

OURS = ["aiohttp-wire", "aiohttp-websocket", "aiohttp-client", "aiohttp-server", "aiohttp-testing"]


def test_full_profile_gives_the_whole_aiohttp_surface(
    venv: Callable[..., Path], wheel: Callable[[str], Path]
) -> None:
    python = venv(*(wheel(name) for name in [*OURS, "aiohttp"]))
    output = run_probe(python, "full_surface")
    assert "surface ok" in output


def test_client_only_profile_brings_no_server_code(
    venv: Callable[..., Path], wheel: Callable[[str], Path]
) -> None:
    python = venv(wheel("aiohttp-client"), wheel("aiohttp-websocket"), wheel("aiohttp-wire"))
    output = run_probe(python, "client_only")
    assert "client only ok" in output
