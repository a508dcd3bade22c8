"""``python -m aiohttp_server [-H HOST] [-P PORT] [-U PATH] package.module:init_func``."""

from __future__ import annotations

from .web import main

__all__: list[str] = []

main()
