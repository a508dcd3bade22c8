"""StreamReader, EmptyStreamReader, DataQueue and FlowControlDataQueue."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import logging
import socket
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiohttp_wire.base_protocol import BaseProtocol
from aiohttp_wire.helpers import TimerContext
from aiohttp_wire.streams import (
    EMPTY_PAYLOAD,
    AsyncStreamIterator,
    ChunkTupleAsyncStreamIterator,
    DataQueue,
    EmptyStreamReader,
    EofStream,
    FlowControlDataQueue,
    StreamReader,
)


class FakeTransport:
    """Records read pausing."""

    def __init__(self) -> None:
        self.paused = 0
        self.resumed = 0

    def pause_reading(self) -> None:
        self.paused += 1

    def resume_reading(self) -> None:
        self.resumed += 1

    def is_closing(self) -> bool:
        return False


def make_protocol() -> tuple[BaseProtocol, FakeTransport]:
    protocol = BaseProtocol(asyncio.get_running_loop())
    transport = FakeTransport()
    protocol.connection_made(transport)  # type: ignore[arg-type]
    return protocol, transport


def make_stream(limit: int = 2**16, **kwargs: Any) -> StreamReader:
    protocol, _ = make_protocol()
    return StreamReader(protocol, limit, loop=asyncio.get_running_loop(), **kwargs)


async def started(coro: Any) -> asyncio.Task[Any]:
    """Run ``coro`` in a task and return once it has had its first step."""
    event = asyncio.Event()

    async def run() -> Any:
        event.set()
        return await coro

    task = asyncio.ensure_future(run())
    await event.wait()
    return task


# -- read -----------------------------------------------------------------------


async def test_read_all_joins_until_eof() -> None:
    stream = make_stream()
    stream.feed_data(b"ab")
    stream.feed_data(b"cd")
    task = await started(stream.read())
    stream.feed_data(b"ef")
    stream.feed_eof()
    assert await asyncio.wait_for(task, 5) == b"abcdef"
    assert stream.at_eof()
    assert await stream.read() == b""


async def test_read_all_single_chunk_is_not_copied() -> None:
    stream = make_stream()
    data = b"x" * 1000
    stream.feed_data(data)
    stream.feed_eof()
    assert await stream.read() is data


async def test_read_n_returns_available_data() -> None:
    stream = make_stream()
    stream.feed_data(b"hello")
    stream.feed_data(b"world")
    assert await stream.read(3) == b"hel"
    assert await stream.read(4) == b"lowo"
    assert await stream.read(100) == b"rld"
    stream.feed_eof()
    assert await stream.read(10) == b""


async def test_read_zero_returns_empty() -> None:
    stream = make_stream()
    assert await stream.read(0) == b""


async def test_read_waits_for_data() -> None:
    stream = make_stream()
    task = await started(stream.read(10))
    assert not task.done()
    stream.feed_data(b"late")
    assert await asyncio.wait_for(task, 5) == b"late"


async def test_read_after_exception_raises() -> None:
    stream = make_stream()
    stream.feed_data(b"data")
    exc = ValueError("bad")
    stream.set_exception(exc)
    assert stream.exception() is exc
    for coro in (
        stream.read(),
        stream.read(1),
        stream.readany(),
        stream.readline(),
        stream.readchunk(),
        stream.readexactly(1),
    ):
        with pytest.raises(ValueError, match="bad"):
            await coro
    with pytest.raises(ValueError, match="bad"):
        stream.read_nowait()


async def test_set_exception_wakes_a_waiting_reader_with_cause() -> None:
    stream = make_stream()
    task = await started(stream.readany())
    cause = OSError("reset")
    stream.set_exception(ValueError("broken"), cause)
    with pytest.raises(ValueError, match="broken") as info:
        await asyncio.wait_for(task, 5)
    assert info.value.__cause__ is cause


@pytest.mark.parametrize("method", ["read", "read_n", "readany", "readline", "readchunk"])
async def test_exception_set_between_wake_up_and_resume_is_raised(method: str) -> None:
    """A reader woken by data (or a chunk end) that finds an exception set must not wait again."""
    stream = make_stream()
    stream.begin_http_chunk_receiving()
    stream.feed_data(b"ab")
    assert await stream.read(2) == b"ab"
    calls = {
        "read": stream.read,
        "read_n": lambda: stream.read(5),
        "readany": stream.readany,
        "readline": stream.readline,
        "readchunk": stream.readchunk,
    }
    task = await started(calls[method]())
    if method in ("read", "readline"):
        stream.feed_data(b"partial")
    else:
        stream.end_http_chunk_receiving()  # wakes the reader without data
    assert stream._waiter is None  # woken: set_exception has no waiter to fail
    stream.set_exception(ValueError("late"))
    with pytest.raises(ValueError, match="late"):
        await asyncio.wait_for(task, 5)


async def test_concurrent_readers_are_refused() -> None:
    stream = make_stream()
    task = await started(stream.read(1))
    with pytest.raises(RuntimeError, match="already waiting"):
        await stream.read(1)
    with pytest.raises(RuntimeError, match="waiting for incoming data"):
        stream.read_nowait()
    stream.feed_eof()
    assert await asyncio.wait_for(task, 5) == b""


async def test_wait_on_a_closed_connection_fails() -> None:
    stream = make_stream()
    stream._protocol.connection_lost(None)
    with pytest.raises(RuntimeError, match="Connection closed"):
        await stream.read(1)


# -- readany / read_nowait ----------------------------------------------------------


async def test_readany_returns_everything_buffered() -> None:
    stream = make_stream()
    first = b"first"
    stream.feed_data(first)
    assert await stream.readany() is first
    stream.feed_data(b"a")
    stream.feed_data(b"b")
    assert await stream.readany() == b"ab"
    stream.feed_eof()
    assert await stream.readany() == b""


async def test_read_nowait() -> None:
    stream = make_stream()
    assert stream.read_nowait() == b""
    stream.feed_data(b"abc")
    stream.feed_data(b"def")
    assert stream.read_nowait(4) == b"abcd"
    assert stream.read_nowait() == b"ef"


# -- readline / readuntil ---------------------------------------------------------------


async def test_readline_across_chunks() -> None:
    stream = make_stream()
    stream.feed_data(b"li")
    stream.feed_data(b"ne1\nline2\nrest")
    assert await stream.readline() == b"line1\n"
    assert await stream.readline() == b"line2\n"
    task = await started(stream.readline())
    stream.feed_data(b" more\n")
    assert await asyncio.wait_for(task, 5) == b"rest more\n"


async def test_readline_at_eof_returns_partial() -> None:
    stream = make_stream()
    stream.feed_data(b"no newline")
    stream.feed_eof()
    assert await stream.readline() == b"no newline"
    assert await stream.readline() == b""


@pytest.mark.parametrize("split", range(1, 9))
async def test_readuntil_separator_split_across_chunks(split: int) -> None:
    stream = make_stream()
    data = b"abc\r\n\r\ndef\r\n\r\n"
    stream.feed_data(data[:split])
    stream.feed_data(data[split:])
    assert await stream.readuntil(b"\r\n\r\n") == b"abc\r\n\r\n"
    assert await stream.readuntil(b"\r\n\r\n") == b"def\r\n\r\n"


async def test_readuntil_separator_over_many_tiny_chunks() -> None:
    stream = make_stream()
    for byte in b"xx--boundary--yy":
        stream.feed_data(bytes([byte]))
    stream.feed_eof()
    assert await stream.readuntil(b"--boundary--") == b"xx--boundary--"
    assert await stream.readuntil(b"--boundary--") == b"yy"


async def test_readuntil_empty_separator() -> None:
    stream = make_stream()
    with pytest.raises(ValueError, match="Separator"):
        await stream.readuntil(b"")


async def test_readline_too_long_raises() -> None:
    stream = make_stream(limit=4)
    stream.feed_data(b"0123456789\n")
    with pytest.raises(ValueError, match="Chunk too big"):
        await stream.readline()


async def test_readline_too_long_while_streaming_raises() -> None:
    stream = make_stream(limit=4)
    stream.feed_data(b"0123")
    task = await started(stream.readline())
    stream.feed_data(b"45678")
    with pytest.raises(ValueError, match="Chunk too big"):
        await asyncio.wait_for(task, 5)


async def test_async_iteration_yields_lines() -> None:
    stream = make_stream()
    stream.feed_data(b"a\nbb\nccc")
    stream.feed_eof()
    assert [line async for line in stream] == [b"a\n", b"bb\n", b"ccc"]


# -- readexactly -------------------------------------------------------------------------


async def test_readexactly() -> None:
    stream = make_stream()
    stream.feed_data(b"12")
    task = await started(stream.readexactly(5))
    stream.feed_data(b"345678")
    assert await asyncio.wait_for(task, 5) == b"12345"
    assert await stream.readexactly(3) == b"678"


async def test_readexactly_incomplete() -> None:
    stream = make_stream()
    stream.feed_data(b"abc")
    stream.feed_eof()
    with pytest.raises(asyncio.IncompleteReadError) as info:
        await stream.readexactly(5)
    assert info.value.partial == b"abc"
    assert info.value.expected == 5


# -- chunks ---------------------------------------------------------------------------------


async def test_readchunk_without_http_chunks() -> None:
    stream = make_stream()
    stream.feed_data(b"one")
    stream.feed_data(b"two")
    assert await stream.readchunk() == (b"one", False)
    assert await stream.readchunk() == (b"two", False)
    stream.feed_eof()
    assert await stream.readchunk() == (b"", False)


async def test_readchunk_follows_http_chunk_boundaries() -> None:
    stream = make_stream()
    stream.begin_http_chunk_receiving()
    stream.feed_data(b"hel")
    stream.feed_data(b"lo")
    stream.end_http_chunk_receiving()
    stream.feed_data(b"wor")
    stream.begin_http_chunk_receiving()  # already tracking: no effect
    stream.end_http_chunk_receiving()
    stream.end_http_chunk_receiving()  # an empty chunk adds no boundary
    stream.feed_data(b"ld")
    stream.end_http_chunk_receiving()
    stream.feed_eof()
    assert await stream.readchunk() == (b"hello", True)
    assert await stream.readchunk() == (b"wor", True)
    assert await stream.readchunk() == (b"ld", True)
    assert await stream.readchunk() == (b"", False)


async def test_terminating_chunk_after_reads_adds_no_boundary() -> None:
    """Boundaries already consumed still count: the last (empty) chunk must not repeat one."""
    stream = make_stream()
    stream.begin_http_chunk_receiving()
    stream.feed_data(b"abc")
    stream.end_http_chunk_receiving()
    assert await stream.readchunk() == (b"abc", True)
    stream.end_http_chunk_receiving()  # the zero-size last chunk
    stream.feed_eof()
    assert await stream.readchunk() == (b"", False)


async def test_readchunk_after_partial_read_and_waiting() -> None:
    stream = make_stream()
    stream.begin_http_chunk_receiving()
    stream.feed_data(b"abcdef")
    stream.end_http_chunk_receiving()
    assert await stream.read(2) == b"ab"
    assert await stream.readchunk() == (b"cdef", True)
    task = await started(stream.readchunk())
    stream.feed_data(b"gh")
    assert await asyncio.wait_for(task, 5) == (b"gh", False)


async def test_readchunk_boundary_consumed_by_plain_read() -> None:
    stream = make_stream()
    stream.begin_http_chunk_receiving()
    stream.feed_data(b"abc")
    stream.end_http_chunk_receiving()
    stream.feed_data(b"def")
    stream.end_http_chunk_receiving()
    assert await stream.read(3) == b"abc"
    # The boundary right at the read position is still reported.
    assert await stream.readchunk() == (b"", True)
    assert await stream.readchunk() == (b"def", True)


async def test_plain_reads_drop_passed_boundaries() -> None:
    stream = make_stream()
    stream.begin_http_chunk_receiving()
    for part in (b"ab", b"cd", b"ef"):
        stream.feed_data(part)
        stream.end_http_chunk_receiving()
    assert await stream.read(5) == b"abcde"
    assert await stream.readchunk() == (b"f", True)


async def test_http_chunk_receiving_misuse() -> None:
    stream = make_stream()
    with pytest.raises(RuntimeError, match="begin_chunk_receiving"):
        stream.end_http_chunk_receiving()
    stream.feed_data(b"x")
    with pytest.raises(RuntimeError, match="already fed"):
        stream.begin_http_chunk_receiving()


async def test_iter_chunks_iter_any_iter_chunked() -> None:
    stream = make_stream()
    stream.begin_http_chunk_receiving()
    stream.feed_data(b"abc")
    stream.end_http_chunk_receiving()
    stream.feed_data(b"de")
    stream.end_http_chunk_receiving()
    stream.feed_eof()
    iterator = stream.iter_chunks()
    assert isinstance(iterator, ChunkTupleAsyncStreamIterator)
    assert [c async for c in iterator] == [(b"abc", True), (b"de", True)]

    stream = make_stream()
    stream.feed_data(b"12345")
    stream.feed_data(b"678")
    stream.feed_eof()
    assert [c async for c in stream.iter_chunked(3)] == [b"123", b"456", b"78"]

    stream = make_stream()
    task = await started(_collect(stream.iter_any()))
    stream.feed_data(b"x")
    stream.feed_data(b"y")
    stream.feed_eof()
    assert b"".join(await asyncio.wait_for(task, 5)) == b"xy"


async def _collect(iterator: AsyncStreamIterator[bytes]) -> list[bytes]:
    return [chunk async for chunk in iterator]


# -- eof handling ----------------------------------------------------------------------


async def test_eof_state_and_callbacks(caplog: pytest.LogCaptureFixture) -> None:
    stream = make_stream()
    calls: list[str] = []
    stream.on_eof(lambda: calls.append("first"))

    def broken() -> None:
        raise RuntimeError("callback failed")

    stream.on_eof(broken)
    stream.on_eof(lambda: calls.append("second"))
    stream.feed_data(b"x")
    assert not stream.is_eof()
    waiter = await started(stream.wait_eof())
    with caplog.at_level(logging.ERROR, logger="aiohttp.internal"):
        stream.feed_eof()
    assert calls == ["first", "second"]
    assert "Exception in eof callback" in caplog.text
    await asyncio.wait_for(waiter, 5)
    assert stream.is_eof()
    assert not stream.at_eof()
    await stream.read()
    assert stream.at_eof()
    stream.on_eof(lambda: calls.append("late"))
    assert calls[-1] == "late"
    await stream.wait_eof()


async def test_set_exception_drops_eof_callbacks_and_fails_wait_eof() -> None:
    stream = make_stream()
    calls: list[int] = []
    stream.on_eof(lambda: calls.append(1))
    waiter = await started(stream.wait_eof())
    stream.set_exception(ValueError("x"))
    with pytest.raises(ValueError, match="x"):
        await asyncio.wait_for(waiter, 5)
    stream.feed_eof()
    assert calls == []


async def test_feed_after_eof_is_a_bug() -> None:
    stream = make_stream()
    stream.feed_eof()
    with pytest.raises(AssertionError):
        stream.feed_data(b"x")


async def test_total_bytes_and_repr() -> None:
    stream = make_stream(limit=10)
    stream.feed_data(b"abc")
    stream.feed_data(b"")
    stream.feed_data(b"de")
    assert stream.total_bytes == 5
    assert stream.get_read_buffer_limits() == (10, 20)
    text = repr(stream)
    assert "5 bytes" in text and "low=10 high=20" in text
    stream.feed_eof()
    assert "eof" in repr(stream)


async def test_feed_data_accepts_and_ignores_size() -> None:
    stream = make_stream()
    stream.feed_data(b"abc", 100)
    stream.feed_data(b"de", size=0)
    stream.feed_eof()
    assert stream.total_bytes == 5
    assert await stream.read() == b"abcde"
    # aiohttp names the ignored argument ``n`` on the empty reader.
    EMPTY_PAYLOAD.feed_data(b"ignored", n=7)
    assert await EMPTY_PAYLOAD.read() == b""


async def test_total_raw_bytes_counts_compressed_bytes_when_set() -> None:
    stream = make_stream()
    assert stream.total_compressed_bytes is None
    stream.feed_data(b"abcdef")
    assert stream.total_raw_bytes == 6
    stream.total_compressed_bytes = 2
    assert stream.total_raw_bytes == 2
    assert stream.total_bytes == 6
    assert EMPTY_PAYLOAD.total_raw_bytes == 0


async def test_loop_defaults_to_the_running_loop(recwarn: pytest.WarningsRecorder) -> None:
    protocol, _ = make_protocol()
    stream = StreamReader(protocol, 2**16)
    task = await started(stream.read())
    stream.feed_data(b"x")
    stream.feed_eof()
    assert await asyncio.wait_for(task, 5) == b"x"
    assert await asyncio.wait_for(stream.wait_eof(), 5) is None
    assert not recwarn.list


class _IdleProtocol:
    _reading_paused = False
    connected = True


def test_stream_built_outside_a_loop_binds_the_loop_that_reads_it() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stream = StreamReader(_IdleProtocol(), 2**16)  # type: ignore[arg-type]

    async def consume() -> bytes:
        task = await started(stream.readany())
        stream.feed_data(b"late")
        return await asyncio.wait_for(task, 5)

    assert asyncio.run(consume()) == b"late"


async def test_set_exception_cause_none_suppresses_the_context() -> None:
    stream = make_stream()
    task = await started(stream.read())
    stream.set_exception(ValueError("x"), None)
    with pytest.raises(ValueError) as info:
        await asyncio.wait_for(task, 5)
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__


def test_flow_control_data_queue_limit_is_required() -> None:
    params = inspect.signature(FlowControlDataQueue).parameters
    assert params["limit"].default is inspect.Parameter.empty
    assert params["loop"].kind is inspect.Parameter.KEYWORD_ONLY


async def test_unread_data_is_deprecated_and_puts_data_back() -> None:
    stream = make_stream()
    stream.feed_data(b"abcdef")
    assert await stream.read(2) == b"ab"
    with pytest.warns(DeprecationWarning, match="unread_data"):
        stream.unread_data(b"xy")
    with pytest.warns(DeprecationWarning, match="unread_data"):
        stream.unread_data(b"")
    stream.feed_eof()
    assert await stream.read() == b"xycdef"


# -- timer --------------------------------------------------------------------------------


async def test_waits_run_inside_the_timer() -> None:
    entered: list[str] = []

    @contextlib.contextmanager
    def timer() -> Iterator[None]:
        entered.append("enter")
        try:
            yield
        finally:
            entered.append("exit")

    class Timer:
        def __enter__(self) -> None:
            self._cm = timer()
            self._cm.__enter__()

        def __exit__(self, *exc: object) -> None:
            self._cm.__exit__(None, None, None)

    stream = make_stream(timer=Timer())
    stream.feed_data(b"ready")
    assert await stream.read(5) == b"ready"
    assert entered == []  # no wait, no timer
    task = await started(stream.read(5))
    stream.feed_data(b"later")
    await asyncio.wait_for(task, 5)
    assert entered == ["enter", "exit"]


async def test_timer_timeout_propagates() -> None:
    class Expired:
        def __enter__(self) -> None:
            return None

        def __exit__(self, *exc: object) -> None:
            raise asyncio.TimeoutError

    stream = make_stream(timer=Expired())
    task = await started(stream.read())
    stream.feed_data(b"x")
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(task, 5)


async def test_read_timeout_with_the_helpers_timer_context() -> None:
    timer = TimerContext(asyncio.get_running_loop())
    stream = make_stream(timer=timer)
    task = await started(stream.readany())
    timer.timeout()
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(task, 5)
    assert stream._waiter is None
    stream.feed_data(b"late")
    assert await stream.read(4) == b"late"  # buffered: no wait, no timer
    with pytest.raises(asyncio.TimeoutError):
        await stream.read(1)  # waiting enters the expired timer


# -- flow control ----------------------------------------------------------------------------


async def test_flow_control_pauses_above_high_water_and_resumes_below_low() -> None:
    protocol, transport = make_protocol()
    stream = StreamReader(protocol, 10, loop=asyncio.get_running_loop())
    stream.feed_data(b"x" * 20)
    assert transport.paused == 0  # exactly 2 * limit is still fine
    stream.feed_data(b"y")
    assert transport.paused == 1
    assert protocol._reading_paused
    stream.feed_data(b"z" * 5)
    assert transport.paused == 1  # already paused
    assert await stream.read(10) == b"x" * 10
    assert transport.resumed == 0  # 16 bytes left, not below the limit
    assert await stream.read(7) == b"x" * 7
    assert transport.resumed == 1
    assert not protocol._reading_paused


async def test_flow_control_resumes_on_readline_and_readany() -> None:
    protocol, transport = make_protocol()
    stream = StreamReader(protocol, 4, loop=asyncio.get_running_loop())
    stream.feed_data(b"line\n" * 3)
    assert transport.paused == 1
    assert await stream.readline() == b"line\n"
    assert transport.resumed == 0
    assert await stream.readany() == b"line\n" * 2
    assert transport.resumed == 1


async def test_flow_control_over_a_real_socket() -> None:
    """A reader fed from a real socket stops the transport reading while the app does not read."""
    loop = asyncio.get_running_loop()
    limit = 1024

    class Feeder(BaseProtocol):
        stream: StreamReader
        paused: asyncio.Event

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)
            self.stream = StreamReader(self, limit, loop=loop)
            self.paused = asyncio.Event()

        def pause_reading(self) -> None:
            super().pause_reading()
            self.paused.set()

        def data_received(self, data: bytes) -> None:
            self.stream.feed_data(data)

        def eof_received(self) -> None:
            self.stream.feed_eof()

    ours, peer = socket.socketpair()
    transport, protocol = await loop.create_connection(lambda: Feeder(loop), sock=ours)
    try:
        payload = bytes(range(256)) * 4096  # 1 MiB, far more than the socket buffers
        sender = loop.run_in_executor(None, _send_all_and_shut, peer, payload)
        await asyncio.wait_for(protocol.paused.wait(), 5)
        assert not transport.is_reading()
        # Buffering stays within the high-water mark plus one socket read.
        assert protocol.stream._size <= 2 * limit + 2**18
        body = await asyncio.wait_for(protocol.stream.read(), 10)
        await asyncio.wait_for(sender, 5)
        assert body == payload
    finally:
        transport.close()
        peer.close()


def _send_all_and_shut(sock: socket.socket, data: bytes) -> None:
    sock.sendall(data)
    sock.shutdown(socket.SHUT_WR)


# -- EmptyStreamReader ---------------------------------------------------------------------


async def test_empty_stream_reader() -> None:
    stream = EmptyStreamReader()
    assert isinstance(EMPTY_PAYLOAD, EmptyStreamReader)
    assert isinstance(stream, StreamReader)
    assert repr(stream) == "<EmptyStreamReader>"
    assert stream.exception() is None
    stream.set_exception(ValueError())
    assert stream.exception() is None
    stream.feed_data(b"ignored")
    stream.feed_eof()
    assert stream.is_eof() and stream.at_eof()
    await stream.wait_eof()
    assert await stream.read() == b""
    assert await stream.read(10) == b""
    assert await stream.readany() == b""
    assert await stream.readline() == b""
    assert await stream.readuntil(b"x") == b""
    assert stream.read_nowait() == b""
    assert stream.total_bytes == 0
    assert await stream.readchunk() == (b"", False)
    assert await stream.readchunk() == (b"", False)
    assert [c async for c in EMPTY_PAYLOAD.iter_chunks()] == []
    assert [c async for c in EMPTY_PAYLOAD.iter_chunks()] == []
    with pytest.raises(asyncio.IncompleteReadError):
        await stream.readexactly(3)
    calls: list[int] = []
    stream.on_eof(lambda: calls.append(1))
    assert calls == [1]
    assert [c async for c in EmptyStreamReader()] == []
    assert [c async for c in EmptyStreamReader().iter_any()] == []


async def test_empty_stream_reader_logs_failing_callback(caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> None:
        raise RuntimeError

    with caplog.at_level(logging.ERROR, logger="aiohttp.internal"):
        EmptyStreamReader().on_eof(broken)
    assert "Exception in eof callback" in caplog.text


# -- DataQueue / FlowControlDataQueue -----------------------------------------------------------


async def test_data_queue() -> None:
    queue: DataQueue[str] = DataQueue(asyncio.get_running_loop())
    assert len(queue) == 0
    assert not queue.is_eof()
    queue.feed_data("a")
    assert len(queue) == 1
    assert await queue.read() == "a"
    task = await started(queue.read())
    queue.feed_data("b")
    assert await asyncio.wait_for(task, 5) == "b"
    queue.feed_data("c")
    queue.feed_eof()
    assert queue.is_eof() and not queue.at_eof()
    assert [item async for item in queue] == ["c"]
    assert queue.at_eof()
    with pytest.raises(EofStream):
        await queue.read()


async def test_data_queue_exception() -> None:
    queue: DataQueue[bytes] = DataQueue(asyncio.get_running_loop())
    task = await started(queue.read())
    cause = OSError()
    queue.set_exception(ValueError("q"), cause)
    with pytest.raises(ValueError, match="q") as info:
        await asyncio.wait_for(task, 5)
    assert info.value.__cause__ is cause
    assert isinstance(queue.exception(), ValueError)
    with pytest.raises(ValueError, match="q"):
        await queue.read()


async def test_data_queue_read_cancelled_allows_a_new_reader() -> None:
    queue: DataQueue[bytes] = DataQueue(asyncio.get_running_loop())
    task = await started(queue.read())
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    queue.feed_data(b"x")
    assert await queue.read() == b"x"


async def test_flow_control_data_queue() -> None:
    protocol, transport = make_protocol()
    queue: FlowControlDataQueue[bytes] = FlowControlDataQueue(
        protocol, 4, loop=asyncio.get_running_loop()
    )
    queue.feed_data(b"12345", 5)
    assert transport.paused == 0
    queue.feed_data(b"6789", 4)
    assert transport.paused == 1
    assert await queue.read() == b"12345"
    assert transport.resumed == 1
    assert await queue.read() == b"6789"


# -- properties ------------------------------------------------------------------------------


def _split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    bounds = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds) if b > a]


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(st.binary(max_size=12).map(lambda b: b.replace(b"|", b"")), max_size=8),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=10),
    separator=st.sampled_from([b"|", b"||", b"|-|"]),
)
def test_readuntil_any_split(lines: list[bytes], cuts: list[int], separator: bytes) -> None:
    """Whatever the chunking, readuntil yields the same pieces as bytes.split."""
    data = b"".join(line + separator for line in lines) + b"tail"

    async def run() -> list[bytes]:
        stream = make_stream(limit=1024)
        for part in _split(data, cuts):
            stream.feed_data(part)
        stream.feed_eof()
        out = []
        while piece := await stream.readuntil(separator):
            out.append(piece)
        return out

    # The lines hold no "|", so the separators sit exactly where they were put.
    assert asyncio.run(run()) == [line + separator for line in lines] + [b"tail"]


@settings(max_examples=150, deadline=None)
@given(
    chunks=st.lists(st.binary(min_size=1, max_size=20), max_size=8),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=6),
    sizes=st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=20),
)
def test_readchunk_and_read_keep_every_byte(
    chunks: list[bytes], cuts: list[int], sizes: list[int]
) -> None:
    """Mixing read(n) and readchunk over HTTP chunks loses and reorders nothing."""

    async def run() -> tuple[bytes, list[int]]:
        stream = make_stream(limit=8)
        stream.begin_http_chunk_receiving()
        for chunk in chunks:
            for part in _split(chunk, cuts):
                stream.feed_data(part)
            stream.end_http_chunk_receiving()
        stream.feed_eof()
        out = b""
        ends: list[int] = []
        i = 0
        while True:
            if i % 2:
                data, end = await stream.readchunk()
                if end:
                    ends.append(len(out) + len(data))
                elif not data:
                    break
            else:
                data = await stream.read(sizes[i % len(sizes)])
                if not data:
                    break
            out += data
            i += 1
        return out, ends

    body, ends = asyncio.run(run())
    assert body == b"".join(chunks)
    boundaries = set()
    pos = 0
    for chunk in chunks:
        pos += len(chunk)
        boundaries.add(pos)
    # Every end-of-chunk readchunk reports sits on a real boundary.
    assert set(ends) <= boundaries
