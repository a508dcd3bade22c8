"""ResponseHandler over an in-memory transport: heads, bodies, errors, timeouts."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from aiohttp_client.client_exceptions import (
    ClientOSError,
    ClientPayloadError,
    ServerDisconnectedError,
    SocketTimeoutError,
)
from aiohttp_client.client_proto import ResponseHandler
from aiohttp_wire.http_exceptions import HttpProcessingError


class FakeTransport(asyncio.Transport):
    """Collects writes; closing it reports connection_lost to the protocol."""

    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.closing = False
        self.protocol: ResponseHandler | None = None

    def write(self, data: Any) -> None:
        self.written += data

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        if not self.closing:
            self.closing = True
            if self.protocol is not None:
                asyncio.get_running_loop().call_soon(self.protocol.connection_lost, None)

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default


def make() -> tuple[ResponseHandler, FakeTransport]:
    proto = ResponseHandler(asyncio.get_running_loop())
    transport = FakeTransport()
    transport.protocol = proto
    proto.connection_made(transport)
    return proto, transport


async def test_reads_head_and_body() -> None:
    proto, _ = make()
    proto.set_response_params()
    assert proto.is_connected()
    proto.data_received(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhel")
    async with asyncio.timeout(5):
        message, payload = await proto.read()
        assert message.code == 200
        assert message.reason == "OK"
        assert message.headers["X-A"] == "b"
        assert proto.should_close  # body not complete yet
        proto.data_received(b"lo")
        assert await payload.read() == b"hello"
    assert not proto.should_close


async def test_read_waits_for_the_head() -> None:
    proto, _ = make()
    proto.set_response_params()
    loop = asyncio.get_running_loop()
    loop.call_soon(proto.data_received, b"HTTP/1.1 204 No Content\r\n\r\n")
    async with asyncio.timeout(5):
        message, _ = await proto.read()
    assert message.code == 204
    assert not proto.should_close


async def test_connection_close_header_means_should_close() -> None:
    proto, _ = make()
    proto.set_response_params()
    proto.data_received(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
    async with asyncio.timeout(5):
        await proto.read()
    assert proto.should_close


async def test_bytes_before_params_are_kept() -> None:
    proto, _ = make()
    proto.data_received(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx")
    assert proto.should_close
    proto.set_response_params()
    async with asyncio.timeout(5):
        _message, payload = await proto.read()
        assert await payload.read() == b"x"


async def test_peer_closes_before_response() -> None:
    proto, _ = make()
    proto.set_response_params()
    proto.connection_lost(None)
    assert not proto.is_connected()
    with pytest.raises(ServerDisconnectedError):
        await proto.read()


async def test_peer_error_before_response() -> None:
    proto, _ = make()
    proto.set_response_params()
    proto.connection_lost(OSError(113, "No route"))
    with pytest.raises(ClientOSError):
        await proto.read()


async def test_peer_closes_mid_body() -> None:
    proto, _ = make()
    proto.set_response_params()
    proto.data_received(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345")
    async with asyncio.timeout(5):
        _, payload = await proto.read()
        proto.connection_lost(None)
        with pytest.raises(ClientPayloadError):
            await payload.read()


async def test_body_until_eof() -> None:
    proto, _ = make()
    proto.set_response_params(read_until_eof=True)
    proto.data_received(b"HTTP/1.1 200 OK\r\n\r\nsome")
    async with asyncio.timeout(5):
        _, payload = await proto.read()
        proto.data_received(b" more")
        proto.connection_lost(None)
        assert await payload.read() == b"some more"


async def test_malformed_head_fails_read_and_closes() -> None:
    proto, transport = make()
    proto.set_response_params()
    proto.data_received(b"garbage\r\n\r\n")
    with pytest.raises(HttpProcessingError):
        await proto.read()
    assert transport.closing
    assert proto.should_close


async def test_head_request_skips_payload() -> None:
    proto, _ = make()
    proto.set_response_params(skip_payload=True)
    proto.data_received(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n")
    async with asyncio.timeout(5):
        message, payload = await proto.read()
        assert await payload.read() == b""
    assert message.headers["Content-Length"] == "10"
    assert not proto.should_close


async def test_read_timeout_before_head() -> None:
    proto, transport = make()
    proto.set_response_params(read_timeout=0.01)
    async with asyncio.timeout(5):
        with pytest.raises(SocketTimeoutError):
            await proto.read()
    assert transport.closing


async def test_read_timeout_during_body() -> None:
    proto, _ = make()
    proto.set_response_params(read_timeout=0.01)
    proto.data_received(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n1")
    async with asyncio.timeout(5):
        _, payload = await proto.read()
        with pytest.raises(SocketTimeoutError):
            await payload.read()


async def test_no_timeout_once_body_complete() -> None:
    proto, transport = make()
    proto.set_response_params(read_timeout=0.01)
    proto.data_received(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1")
    async with asyncio.timeout(5):
        _, payload = await proto.read()
        assert await payload.read() == b"1"
    assert proto._read_timeout_handle is None
    assert not transport.closing


class FakeWSParser:
    """Records what the protocol feeds it after the upgrade."""

    def __init__(self, fail_on: bytes = b"") -> None:
        self.fed: list[bytes] = []
        self.eof = False
        self.fail_on = fail_on

    def feed_data(self, data: bytes) -> None:
        if self.fail_on and self.fail_on in data:
            raise ValueError("bad frame")
        self.fed.append(data)

    def feed_eof(self) -> None:
        self.eof = True


class FakePayload:
    def __init__(self) -> None:
        self.exc: BaseException | None = None

    def set_exception(self, exc: BaseException) -> None:
        self.exc = exc


async def test_upgrade_hands_bytes_to_parser() -> None:
    proto, transport = make()
    proto.set_response_params(read_until_eof=False)
    proto.data_received(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\n\r\n\x81\x00"
    )
    async with asyncio.timeout(5):
        message, _ = await proto.read()
    assert message.code == 101
    assert proto.upgraded
    assert proto.should_close
    parser = FakeWSParser(fail_on=b"\xff")
    payload = FakePayload()
    proto.set_parser(parser, payload)
    proto.data_received(b"\x81\x01a")
    assert b"".join(parser.fed) == b"\x81\x00\x81\x01a"
    proto.data_received(b"\xff")
    assert isinstance(payload.exc, ValueError)
    assert transport.closing


async def test_upgrade_parser_sees_eof() -> None:
    proto, _ = make()
    proto.set_response_params()
    proto.data_received(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
    async with asyncio.timeout(5):
        await proto.read()
    parser = FakeWSParser()
    proto.set_parser(parser, FakePayload())
    proto.connection_lost(None)
    assert parser.eof


async def test_set_exception_fails_pending_read() -> None:
    proto, _ = make()
    proto.set_response_params()
    asyncio.get_running_loop().call_soon(proto.set_exception, ValueError("boom"))
    async with asyncio.timeout(5):
        with pytest.raises(ValueError, match="boom"):
            await proto.read()
    assert proto.should_close
