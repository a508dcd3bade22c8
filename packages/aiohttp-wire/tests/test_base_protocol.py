"""BaseProtocol over real loopback connections: read pausing, write drain, connection loss."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest

from aiohttp_wire.base_protocol import BaseProtocol


@pytest.fixture
async def connected() -> AsyncIterator[tuple[asyncio.Transport, BaseProtocol, socket.socket]]:
    """A BaseProtocol on one end of a socket pair, the raw peer socket on the other."""
    loop = asyncio.get_running_loop()
    ours, peer = socket.socketpair()
    peer.setblocking(False)
    transport, protocol = await loop.create_connection(lambda: BaseProtocol(loop), sock=ours)
    yield transport, protocol, peer
    transport.close()
    peer.close()


async def test_initial_state() -> None:
    protocol = BaseProtocol(asyncio.get_running_loop())
    assert protocol.transport is None
    assert not protocol.connected
    assert not protocol.writing_paused
    # Without a transport there is nothing to wait for: the connection is gone.
    with pytest.raises(ConnectionResetError, match="Connection lost"):
        await protocol._drain_helper()


async def test_connection_made_and_lost(
    connected: tuple[asyncio.Transport, BaseProtocol, socket.socket],
) -> None:
    transport, protocol, _ = connected
    assert protocol.transport is transport
    assert protocol.connected
    protocol.connection_lost(None)
    assert protocol.transport is None
    assert not protocol.connected


async def test_pause_and_resume_reading_reach_the_transport(
    connected: tuple[asyncio.Transport, BaseProtocol, socket.socket],
) -> None:
    transport, protocol, _ = connected
    assert transport.is_reading()
    protocol.pause_reading()
    assert protocol._reading_paused
    assert not transport.is_reading()
    protocol.pause_reading()  # idempotent
    assert not transport.is_reading()
    protocol.resume_reading()
    assert not protocol._reading_paused
    assert transport.is_reading()
    protocol.resume_reading()
    assert transport.is_reading()


async def test_pause_reading_without_transport_is_a_no_op() -> None:
    protocol = BaseProtocol(asyncio.get_running_loop())
    protocol.pause_reading()
    protocol.resume_reading()
    assert not protocol._reading_paused


async def test_drain_returns_at_once_when_not_paused(
    connected: tuple[asyncio.Transport, BaseProtocol, socket.socket],
) -> None:
    _, protocol, _ = connected
    await asyncio.wait_for(protocol._drain_helper(), 5)


async def _start_drain(protocol: BaseProtocol) -> asyncio.Future[None]:
    """Start ``_drain_helper()`` in a task and return once it is suspended in it."""
    started = asyncio.Event()

    async def run() -> None:
        started.set()
        await protocol._drain_helper()

    task = asyncio.ensure_future(run())
    await started.wait()
    return task


async def _fill_until_paused(transport: asyncio.Transport, protocol: BaseProtocol) -> int:
    """Write into a peer that does not read until the transport pauses writing."""
    transport.set_write_buffer_limits(high=1, low=0)
    block = b"x" * 65536
    written = 0
    while not protocol.writing_paused:
        transport.write(block)
        written += len(block)
    return written


async def test_drain_waits_for_the_peer_to_read(
    connected: tuple[asyncio.Transport, BaseProtocol, socket.socket],
) -> None:
    transport, protocol, peer = connected
    loop = asyncio.get_running_loop()
    written = await _fill_until_paused(transport, protocol)
    drain = await _start_drain(protocol)
    second = await _start_drain(protocol)
    assert not drain.done()
    assert not second.done()

    async def read_all() -> None:
        received = 0
        while received < written:
            data = await loop.sock_recv(peer, 1 << 20)
            assert data
            received += len(data)
        await asyncio.gather(drain, second)

    await asyncio.wait_for(read_all(), 10)
    assert not protocol.writing_paused


async def test_connection_lost_fails_a_waiting_drain(
    connected: tuple[asyncio.Transport, BaseProtocol, socket.socket],
) -> None:
    transport, protocol, _ = connected
    await _fill_until_paused(transport, protocol)
    drain = await _start_drain(protocol)
    protocol.connection_lost(None)
    with pytest.raises(ConnectionResetError, match="Connection lost"):
        await asyncio.wait_for(drain, 5)


async def test_connection_lost_with_error_chains_it(
    connected: tuple[asyncio.Transport, BaseProtocol, socket.socket],
) -> None:
    transport, protocol, _ = connected
    await _fill_until_paused(transport, protocol)
    drain = await _start_drain(protocol)
    cause = OSError("boom")
    protocol.connection_lost(cause)
    with pytest.raises(ConnectionResetError) as info:
        await asyncio.wait_for(drain, 5)
    assert info.value.__cause__ is cause


async def test_cancelled_drain_keeps_the_shared_waiter(
    connected: tuple[asyncio.Transport, BaseProtocol, socket.socket],
) -> None:
    transport, protocol, _ = connected
    await _fill_until_paused(transport, protocol)
    first = await _start_drain(protocol)
    second = await _start_drain(protocol)
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    protocol.resume_writing()
    await asyncio.wait_for(second, 5)
