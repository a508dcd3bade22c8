"""``FileResponse``: a file served with conditional requests, ranges and sendfile.

Blocking filesystem calls run in the default executor. The body goes out with
``loop.sendfile`` when nothing needs to transform it (the event loop falls
back to reading and writing itself when the transport cannot sendfile).
"""

from __future__ import annotations

import asyncio
import datetime
import math
import mimetypes
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final, cast

from aiohttp_wire import hdrs
from aiohttp_wire.abc import AbstractStreamWriter
from aiohttp_wire.helpers import ETag
from aiohttp_wire.typedefs import LooseHeaders, PathLike

from .helpers import ETAG_ANY, accepted_codings, format_http_date
from .web_exceptions import (
    HTTPForbidden,
    HTTPNotFound,
    HTTPNotModified,
    HTTPPartialContent,
    HTTPPreconditionFailed,
    HTTPRequestRangeNotSatisfiable,
)
from .web_response import StreamResponse

if TYPE_CHECKING:
    from .web_request import BaseRequest

__all__ = ["FileResponse"]

# Pre-compressed siblings, in the order we prefer them.
_ENCODING_EXTENSIONS: Final = (("br", ".br"), ("zstd", ".zst"), ("gzip", ".gz"))
# Content types for files that are themselves compressed archives.
_COMPRESSED_TYPES: Final = {
    "gzip": "application/gzip",
    "br": "application/x-brotli",
    "bzip2": "application/x-bzip2",
    "xz": "application/x-xz",
    "compress": "application/x-compress",
}
_OCTET_STREAM: Final = "application/octet-stream"


class FileResponse(StreamResponse):
    """Send a file, honouring Range, If-Range and the conditional headers."""

    # The file follows the head at once (sendfile flushes the head itself).
    _send_headers_immediately = False

    def __init__(
        self,
        path: PathLike,
        chunk_size: int = 256 * 1024,
        status: int = 200,
        reason: str | None = None,
        headers: LooseHeaders | None = None,
    ) -> None:
        super().__init__(status=status, reason=reason, headers=headers)
        self._path = Path(path)
        self._chunk_size = chunk_size

    def _open_best(
        self, accept_encoding: str
    ) -> tuple[IO[bytes], os.stat_result, str | None, bool]:
        """Open the file (or a pre-compressed sibling the client accepts).

        Returns the open file, its stat, the Content-Encoding (or ``None``) and
        whether compressed siblings exist (so the response varies on encoding).
        """
        varies = False
        if accept_encoding:
            accepted = accepted_codings(accept_encoding)
            for coding, ext in _ENCODING_EXTENSIONS:
                sibling = self._path.with_name(self._path.name + ext)
                try:
                    st = sibling.stat()
                except OSError:
                    continue
                if not stat.S_ISREG(st.st_mode):
                    continue
                varies = True
                if coding in accepted:
                    return sibling.open("rb"), st, coding, True
        st = self._path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise IsADirectoryError(str(self._path))
        return self._path.open("rb"), st, None, varies

    async def prepare(self, request: BaseRequest) -> AbstractStreamWriter | None:
        if self.prepared:
            return await super().prepare(request)
        loop = asyncio.get_running_loop()
        accept_encoding = request.headers.get(hdrs.ACCEPT_ENCODING, "")
        try:
            fobj, st, coding, varies = await loop.run_in_executor(
                None, self._open_best, accept_encoding
            )
        except PermissionError:
            self.set_status(HTTPForbidden.status_code)
            return await super().prepare(request)
        except (FileNotFoundError, NotADirectoryError):
            self.set_status(HTTPNotFound.status_code)
            return await super().prepare(request)
        except OSError:
            # A directory, a socket, a device: not something we serve.
            self.set_status(HTTPForbidden.status_code)
            return await super().prepare(request)
        try:
            return await self._prepare_open(request, fobj, st, coding, varies)
        finally:
            await loop.run_in_executor(None, fobj.close)

    async def _prepare_open(
        self,
        request: BaseRequest,
        fobj: IO[bytes],
        st: os.stat_result,
        coding: str | None,
        varies: bool,
    ) -> AbstractStreamWriter | None:
        etag_value = f"{st.st_mtime_ns:x}-{st.st_size:x}"
        # HTTP dates have whole seconds; round up as Last-Modified setters do.
        mtime = math.ceil(st.st_mtime)
        headers = self._headers

        if_match = request.if_match
        if if_match is not None:
            if not _etag_matches(etag_value, if_match, weak=False):
                return await self._bodyless(request, HTTPPreconditionFailed.status_code)
        else:
            unmodified_since = request.if_unmodified_since
            if unmodified_since is not None and mtime > unmodified_since.timestamp():
                return await self._bodyless(request, HTTPPreconditionFailed.status_code)

        if_none_match = request.if_none_match
        if if_none_match is not None:
            if _etag_matches(etag_value, if_none_match, weak=True):
                return await self._not_modified(request, etag_value, mtime)
        else:
            modified_since = request.if_modified_since
            if (
                modified_since is not None
                and mtime <= modified_since.timestamp()
                and request.method in (hdrs.METH_GET, hdrs.METH_HEAD)
            ):
                return await self._not_modified(request, etag_value, mtime)

        if hdrs.CONTENT_TYPE not in headers:
            ctype, encoding = mimetypes.guess_type(self._path.name)
            if encoding:
                ctype = _COMPRESSED_TYPES.get(encoding, _OCTET_STREAM)
            headers[hdrs.CONTENT_TYPE] = ctype or _OCTET_STREAM

        file_size = st.st_size
        start = 0
        count = file_size
        status = self._status
        # Ranges select parts of a 200 representation only (RFC 9110 section 14.2).
        if status == 200 and self._range_applies(request, etag_value, mtime):
            try:
                rng = request.http_range
            except ValueError:
                return await self._unsatisfiable(request, file_size)
            if rng.start is not None or rng.stop is not None:
                rstart, rstop = rng.start, rng.stop
                if rstart is not None and rstart < 0:
                    # Suffix range: the last -rstart bytes.
                    start = max(file_size + rstart, 0)
                    end = file_size
                else:
                    start = rstart or 0
                    end = file_size if rstop is None else min(rstop, file_size)
                if start >= file_size or (rstart is not None and rstart < 0 and file_size == 0):
                    return await self._unsatisfiable(request, file_size)
                count = end - start
                status = HTTPPartialContent.status_code
                headers[hdrs.CONTENT_RANGE] = f"bytes {start}-{end - 1}/{file_size}"

        if coding is not None:
            headers[hdrs.CONTENT_ENCODING] = coding
        if varies:
            headers.add(hdrs.VARY, hdrs.ACCEPT_ENCODING)
        headers[hdrs.ETAG] = f'"{etag_value}"'
        headers[hdrs.LAST_MODIFIED] = format_http_date(_utc(mtime))
        headers[hdrs.ACCEPT_RANGES] = "bytes"
        if self._compression:
            self._headers.pop(hdrs.CONTENT_LENGTH, None)
        else:
            headers[hdrs.CONTENT_LENGTH] = str(count)
        if status != self._status:
            self.set_status(status)

        writer = await super().prepare(request)
        assert writer is not None
        if request.method == hdrs.METH_HEAD or count == 0:
            await super().write_eof()
            return writer
        await self._send_body(request, writer, fobj, start, count)
        return writer

    def _range_applies(self, request: BaseRequest, etag_value: str, mtime: int) -> bool:
        """Whether to honour Range given If-Range (RFC 9110 section 13.1.5)."""
        raw = request.headers.get(hdrs.IF_RANGE)
        if raw is None:
            return True
        raw = raw.strip()
        if raw.startswith('"'):
            return raw == f'"{etag_value}"'
        if raw.startswith("W/"):
            return False
        if_range = request.if_range
        return if_range is not None and mtime <= if_range.timestamp()

    async def _send_body(
        self,
        request: BaseRequest,
        writer: AbstractStreamWriter,
        fobj: IO[bytes],
        start: int,
        count: int,
    ) -> None:
        loop = asyncio.get_running_loop()
        transport = request.transport
        if self._compression or self._chunked or transport is None:
            await self._send_chunks(loop, writer, fobj, start, count)
            return
        # Push the buffered head out before the kernel takes over the socket.
        send_headers = cast(Callable[[], Any] | None, getattr(writer, "send_headers", None))
        if send_headers is not None:
            send_headers()
        await writer.drain()
        try:
            sent = await loop.sendfile(transport, fobj, start, count)
        except (NotImplementedError, RuntimeError, TypeError, AttributeError):
            await self._send_chunks(loop, writer, fobj, start, count)
            return
        # The kernel wrote the body: account for it as if it went through the writer.
        writer.output_size += sent
        if writer.length is not None:
            writer.length = max(writer.length - sent, 0)
        await super().write_eof()

    async def _send_chunks(
        self,
        loop: asyncio.AbstractEventLoop,
        writer: AbstractStreamWriter,
        fobj: IO[bytes],
        start: int,
        count: int,
    ) -> None:
        chunk_size = self._chunk_size

        def read_at(offset: int, size: int) -> bytes:
            fobj.seek(offset)
            return fobj.read(size)

        offset = start
        remaining = count
        while remaining > 0:
            chunk = await loop.run_in_executor(None, read_at, offset, min(chunk_size, remaining))
            if not chunk:
                break
            await self.write(chunk)
            offset += len(chunk)
            remaining -= len(chunk)
        await super().write_eof()

    async def _bodyless(self, request: BaseRequest, status: int) -> AbstractStreamWriter | None:
        self.set_status(status)
        self._headers.pop(hdrs.CONTENT_TYPE, None)
        self._headers[hdrs.CONTENT_LENGTH] = "0"
        writer = await super().prepare(request)
        await super().write_eof()
        return writer

    async def _unsatisfiable(
        self, request: BaseRequest, file_size: int
    ) -> AbstractStreamWriter | None:
        self._headers[hdrs.CONTENT_RANGE] = f"bytes */{file_size}"
        return await self._bodyless(request, HTTPRequestRangeNotSatisfiable.status_code)

    async def _not_modified(
        self, request: BaseRequest, etag_value: str, mtime: int
    ) -> AbstractStreamWriter | None:
        self.set_status(HTTPNotModified.status_code)
        self._headers.pop(hdrs.CONTENT_TYPE, None)
        self._headers.pop(hdrs.CONTENT_LENGTH, None)
        self._headers[hdrs.ETAG] = f'"{etag_value}"'
        self._headers[hdrs.LAST_MODIFIED] = format_http_date(_utc(mtime))
        writer = await super().prepare(request)
        await super().write_eof()
        return writer


def _utc(mtime: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(mtime, datetime.timezone.utc)


def _etag_matches(etag_value: str, etags: tuple[ETag, ...], *, weak: bool) -> bool:
    """RFC 9110 comparison: strong for If-Match, weak for If-None-Match."""
    if len(etags) == 1 and etags[0].value == ETAG_ANY:
        return True
    return any(etag.value == etag_value and (weak or not etag.is_weak) for etag in etags)
