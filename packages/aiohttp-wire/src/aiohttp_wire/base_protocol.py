"""``BaseProtocol``: connection state and flow control shared by client and server protocols.

It remembers the transport, pauses and resumes reading on behalf of the
``StreamReader`` fed from it, and lets writers wait (``_drain_helper``) while
the transport's write buffer is above its high-water mark.
"""

from __future__ import annotations

import asyncio
import contextlib

__all__ = ("BaseProtocol",)


class BaseProtocol(asyncio.Protocol):
    """An ``asyncio.Protocol`` tracking the transport, read pausing and write drain."""

    __slots__ = (
        "_connection_lost",
        "_drain_waiter",
        "_loop",
        "_paused",
        "_reading_paused",
        "transport",
    )

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._paused = False
        self._drain_waiter: asyncio.Future[None] | None = None
        self._reading_paused = False
        self._connection_lost = False
        self.transport: asyncio.Transport | None = None

    @property
    def connected(self) -> bool:
        """Whether a transport is attached (made and not yet lost)."""
        return self.transport is not None

    @property
    def writing_paused(self) -> bool:
        """Whether the transport asked writers to stop (buffer above its high-water mark)."""
        return self._paused

    def pause_writing(self) -> None:
        """Called by the transport when its write buffer fills up."""
        self._paused = True

    def resume_writing(self) -> None:
        """Called by the transport when its write buffer drained; wakes a waiting writer."""
        self._paused = False
        waiter = self._drain_waiter
        if waiter is not None:
            self._drain_waiter = None
            if not waiter.done():
                waiter.set_result(None)

    def pause_reading(self) -> None:
        """Stop reading from the transport until ``resume_reading()``."""
        transport = self.transport
        if not self._reading_paused and transport is not None:
            with contextlib.suppress(AttributeError, NotImplementedError, RuntimeError):
                transport.pause_reading()
            self._reading_paused = True

    def resume_reading(self) -> None:
        """Undo ``pause_reading()``."""
        transport = self.transport
        if self._reading_paused and transport is not None:
            with contextlib.suppress(AttributeError, NotImplementedError, RuntimeError):
                transport.resume_reading()
            self._reading_paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Remember the transport."""
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: BaseException | None) -> None:
        """Forget the transport and fail a writer waiting for the buffer to drain."""
        self._connection_lost = True
        self.transport = None
        self._reading_paused = False
        waiter = self._drain_waiter
        if waiter is None:
            return
        self._drain_waiter = None
        # The waiter is shielded from its waiters' cancellation: it is still pending.
        if exc is None:
            waiter.set_exception(ConnectionResetError("Connection lost"))
        else:
            err = ConnectionResetError(f"Connection lost: {exc}")
            err.__cause__ = exc
            waiter.set_exception(err)

    async def _drain_helper(self) -> None:
        """Return once writing may continue; raise ``ConnectionResetError`` once disconnected."""
        if self.transport is None:
            raise ConnectionResetError("Connection lost")
        if not self._paused:
            return
        waiter = self._drain_waiter
        if waiter is None:
            waiter = self._loop.create_future()
            self._drain_waiter = waiter
        await asyncio.shield(waiter)
