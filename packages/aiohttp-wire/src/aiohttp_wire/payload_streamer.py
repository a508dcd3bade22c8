"""The ``streamer`` decorator: a coroutine function as a request body.

Deprecated in aiohttp in favour of async generators (which
``AsyncIterablePayload`` handles) but still part of its API::

    @streamer
    async def file_sender(writer, file_name=None):
        ...
        await writer.write(chunk)

    await session.post(url, data=file_sender(file_name="huge_file"))
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable
from typing import Any

from .abc import AbstractStreamWriter
from .payload import Payload, payload_type

__all__ = ("StreamWrapperPayload", "streamer")

_Coro = Callable[..., Awaitable[None]]


class _stream_wrapper:
    """A ``streamer`` call with its arguments bound, waiting for the writer."""

    __slots__ = ("args", "coro", "kwargs")

    def __init__(self, coro: _Coro, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.coro = coro
        self.args = args
        self.kwargs = kwargs

    async def __call__(self, writer: AbstractStreamWriter) -> None:
        await self.coro(writer, *self.args, **self.kwargs)


class streamer:
    """Decorator turning ``async def f(writer, *args)`` into a payload factory."""

    def __init__(self, coro: _Coro) -> None:
        warnings.warn(
            "@streamer is deprecated, use async generators instead",
            DeprecationWarning,
            stacklevel=2,
        )
        self.coro = coro

    def __call__(self, *args: Any, **kwargs: Any) -> _stream_wrapper:
        return _stream_wrapper(self.coro, args, kwargs)


@payload_type(_stream_wrapper)
class StreamWrapperPayload(Payload):
    """Writes by awaiting the bound ``streamer`` coroutine with the writer."""

    _value: _stream_wrapper

    async def write(self, writer: AbstractStreamWriter) -> None:
        await self._value(writer)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        raise TypeError("Unable to decode a streamer payload")


@payload_type(streamer)
class StreamPayload(StreamWrapperPayload):
    """A ``streamer`` passed without calling it (no extra arguments)."""

    def __init__(self, value: streamer, *args: Any, **kwargs: Any) -> None:
        super().__init__(value(), *args, **kwargs)
