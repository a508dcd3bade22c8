"""Tests for aiohttp_wire.log: aiohttp's logger names."""

import logging

from aiohttp_wire import log


def test_logger_names() -> None:
    names = {
        log.access_logger: "aiohttp.access",
        log.client_logger: "aiohttp.client",
        log.internal_logger: "aiohttp.internal",
        log.server_logger: "aiohttp.server",
        log.web_logger: "aiohttp.web",
        log.ws_logger: "aiohttp.websocket",
    }
    for logger, name in names.items():
        assert logger is logging.getLogger(name)
