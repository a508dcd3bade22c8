"""Access logging: ``AccessLogger`` renders aiohttp's format micro-language.

Format directives (as aiohttp documents them):

``%%`` a percent sign, ``%a`` remote address, ``%t`` time the request
started, ``%P`` process id, ``%r`` first request line, ``%s`` status,
``%b`` response size including headers, ``%T`` seconds, ``%Tf`` seconds
with fraction, ``%D`` microseconds, ``%{H}i`` request header ``H``,
``%{H}o`` response header ``H``, ``%{V}e`` environment variable ``V``.

A format string is compiled once into a list of small callables; the
compiled form is cached per format so that each logged request only calls
them and joins the pieces.
"""

from __future__ import annotations

import datetime
import functools
import logging
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp_wire.abc import AbstractAccessLogger

if TYPE_CHECKING:
    from .web_request import BaseRequest
    from .web_response import StreamResponse

__all__ = ["AccessLogger"]

_Atom = Callable[["BaseRequest", "StreamResponse", float], str]

_DIRECTIVE = re.compile(r"%(\{([A-Za-z0-9\-_]+)\}([ioe])|Tf|[atPrsbTD%])")

#: directive -> the key it is published under in the record's ``extra``.
_EXTRA_KEYS = {
    "a": "remote_address",
    "t": "request_start_time",
    "P": "process_id",
    "r": "first_request_line",
    "s": "response_status",
    "b": "response_size",
    "T": "request_time",
    "Tf": "request_time_frac",
    "D": "request_time_micro",
    "i": "request_header",
    "o": "response_header",
    "e": "environ",
}


def _remote(request: BaseRequest, response: StreamResponse, time: float) -> str:
    remote = request.remote
    return "-" if remote is None else remote


def _start_time(request: BaseRequest, response: StreamResponse, time: float) -> str:
    now = datetime.datetime.now().astimezone()
    return (now - datetime.timedelta(seconds=time)).strftime("[%d/%b/%Y:%H:%M:%S %z]")


def _pid(request: BaseRequest, response: StreamResponse, time: float) -> str:
    return f"<{os.getpid()}>"


def _first_line(request: BaseRequest, response: StreamResponse, time: float) -> str:
    version = request.version
    return f"{request.method} {request.path_qs} HTTP/{version.major}.{version.minor}"


def _status(request: BaseRequest, response: StreamResponse, time: float) -> str:
    return str(response.status)


def _size(request: BaseRequest, response: StreamResponse, time: float) -> str:
    return str(response.body_length)


def _seconds(request: BaseRequest, response: StreamResponse, time: float) -> str:
    return str(round(time))


def _seconds_frac(request: BaseRequest, response: StreamResponse, time: float) -> str:
    return f"{time:06f}"


def _micro(request: BaseRequest, response: StreamResponse, time: float) -> str:
    return str(round(time * 1_000_000))


def _request_header(name: str) -> _Atom:
    def atom(request: BaseRequest, response: StreamResponse, time: float) -> str:
        return request.headers.get(name, "-")

    return atom


def _response_header(name: str) -> _Atom:
    def atom(request: BaseRequest, response: StreamResponse, time: float) -> str:
        return response.headers.get(name, "-")

    return atom


def _environ(name: str) -> _Atom:
    def atom(request: BaseRequest, response: StreamResponse, time: float) -> str:
        return os.environ.get(name, "-")

    return atom


_SIMPLE: dict[str, _Atom] = {
    "a": _remote,
    "t": _start_time,
    "P": _pid,
    "r": _first_line,
    "s": _status,
    "b": _size,
    "T": _seconds,
    "Tf": _seconds_frac,
    "D": _micro,
}

_PARAMETRISED = {"i": _request_header, "o": _response_header, "e": _environ}

# One compiled item: (literal text, None, None) or ("", atom, (extra key, header name)).
_Item = tuple[str, "_Atom | None", "tuple[str, str | None] | None"]


@functools.lru_cache(maxsize=32)
def _compile(log_format: str) -> tuple[_Item, ...]:
    """Split ``log_format`` into literal text and directive callables."""
    items: list[_Item] = []
    pos = 0
    for match in _DIRECTIVE.finditer(log_format):
        literal = log_format[pos : match.start()]
        pos = match.end()
        directive = match.group(1)
        if directive == "%":
            literal += "%"
            items.append((literal, None, None))
            continue
        if literal:
            items.append((literal, None, None))
        name = match.group(2)
        if name is not None:
            kind = match.group(3)
            items.append(("", _PARAMETRISED[kind](name), (_EXTRA_KEYS[kind], name)))
        else:
            items.append(("", _SIMPLE[directive], (_EXTRA_KEYS[directive], None)))
    if pos < len(log_format):
        items.append((log_format[pos:], None, None))
    return tuple(items)


class AccessLogger(AbstractAccessLogger):
    """Log one line per request through ``logger`` in ``log_format``.

    The rendered values are also passed as the record's ``extra`` (keys
    such as ``remote_address``, ``response_status``; header directives
    collect into dicts under ``request_header`` / ``response_header``) so
    that structured handlers can use them.
    """

    LOG_FORMAT = '%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"'

    def __init__(self, logger: logging.Logger, log_format: str = LOG_FORMAT) -> None:
        super().__init__(logger, log_format)
        self._items = _compile(log_format)

    @property
    def enabled(self) -> bool:
        """Whether the logger would emit an INFO record at all."""
        return self.logger.isEnabledFor(logging.INFO)

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        """Emit the access line for ``request`` answered by ``response`` in ``time`` s."""
        if not self.logger.isEnabledFor(logging.INFO):
            return
        try:
            parts: list[str] = []
            extra: dict[str, Any] = {}
            for literal, atom, key in self._items:
                if atom is None:
                    parts.append(literal)
                    continue
                value = atom(request, response, time)
                parts.append(value)
                assert key is not None
                extra_key, name = key
                if name is None:
                    extra[extra_key] = value
                else:
                    extra.setdefault(extra_key, {})[name] = value
            self.logger.info("".join(parts), extra=extra)
        except Exception:
            self.logger.exception("Error in logging")
