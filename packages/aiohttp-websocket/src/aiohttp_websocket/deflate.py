"""permessage-deflate (RFC 7692): offer/answer negotiation and the per-message codec."""

from __future__ import annotations

import zlib

from .models import WSHandshakeError

__all__ = [
    "DEFLATE_TAIL",
    "DeflateCompressor",
    "DeflateDecompressor",
    "ws_ext_gen",
    "ws_ext_parse",
]

#: The empty stored block every flushed message ends with; stripped on the wire.
DEFLATE_TAIL = b"\x00\x00\xff\xff"

_EXTENSION = "permessage-deflate"
_FLAGS = ("server_no_context_takeover", "client_no_context_takeover")
_WINDOWS = ("server_max_window_bits", "client_max_window_bits")


def ws_ext_gen(compress: int = 15, isserver: bool = False, server_notakeover: bool = False) -> str:
    """Build a ``Sec-WebSocket-Extensions`` value: the client's offer or the server's answer.

    ``compress`` is the LZ77 window size in bits asked of (or granted to) the
    server. zlib cannot produce raw streams with an 8-bit window, so 9..15 only.
    """
    if compress < 9 or compress > 15:
        raise ValueError("Compress wbits must between 9 and 15, zlib does not support wbits=8")
    parts = [_EXTENSION]
    if not isserver:
        # Tell the server it may cap our window too (RFC 7692 section 7.1.2.2).
        parts.append("client_max_window_bits")
    if compress < 15:
        parts.append(f"server_max_window_bits={compress}")
    if server_notakeover:
        parts.append("server_no_context_takeover")
    return "; ".join(parts)


def _parse_params(items: list[str]) -> dict[str, str | None] | None:
    """Parameters of one extension element, or None if malformed or repeated."""
    params: dict[str, str | None] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lower()
        if not name or name in params:
            return None
        if sep:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            params[name] = value
        else:
            params[name] = None
    return params


def _window_bits(value: str | None, *, required: bool) -> int | None:
    """Validate a ``*_max_window_bits`` value (8..15, no leading zeros or signs).

    ASCII digits only and at most two of them: ``str.isdigit`` admits
    characters ``int`` refuses (``"\xb2"``), and a long run of digits is
    over ``int``'s conversion limit.
    """
    if value is None:
        return None if not required else -1
    if (
        not 0 < len(value) <= 2
        or not value.isascii()
        or not value.isdigit()
        or value[0] == "0"
        or not 8 <= int(value) <= 15
    ):
        return -1
    return int(value)


def _server_accepts(params: dict[str, str | None]) -> tuple[int, bool] | None:
    """Evaluate one client offer; None when we cannot accept it as offered."""
    wbits = 15
    notakeover = False
    for name, value in params.items():
        if name == "server_no_context_takeover":
            if value is not None:
                return None
            notakeover = True
        elif name == "client_no_context_takeover":
            # A promise about the client's compressor: nothing for us to do.
            if value is not None:
                return None
        elif name == "server_max_window_bits":
            bits = _window_bits(value, required=True)
            if bits is None or bits < 9:
                # Malformed, or 8 which zlib cannot compress with.
                return None
            wbits = bits
        elif name == "client_max_window_bits":
            # The client's capability; we never cap its window.
            if _window_bits(value, required=False) == -1:
                return None
        else:
            return None
    return wbits, notakeover


def ws_ext_parse(extstr: str | None, isserver: bool = False) -> tuple[int, bool]:
    """Negotiate permessage-deflate from a ``Sec-WebSocket-Extensions`` value.

    Returns ``(compress, notakeover)``: the window bits for our compressor (0
    when compression is off) and whether our compressor must reset after each
    message. A server skips offers it cannot accept; a client raises
    :class:`WSHandshakeError` for any answer it did not ask for.
    """
    if not extstr:
        return 0, False
    if isserver:
        for element in extstr.split(","):
            name, *items = element.split(";")
            if name.strip().lower() != _EXTENSION:
                continue
            params = _parse_params(items)
            if params is None:
                continue
            accepted = _server_accepts(params)
            if accepted is not None:
                return accepted
        return 0, False

    elements = [element for element in extstr.split(",") if element.strip()]
    if len(elements) != 1:
        raise WSHandshakeError("Extension for deflate not supported: " + extstr)
    name, *items = elements[0].split(";")
    if name.strip().lower() != _EXTENSION:
        raise WSHandshakeError("Extension for deflate not supported: " + name.strip())
    params = _parse_params(items)
    if params is None:
        raise WSHandshakeError("Invalid permessage-deflate parameters: " + extstr)
    wbits = 15
    notakeover = False
    for pname, value in params.items():
        if pname in _FLAGS:
            if value is not None:
                raise WSHandshakeError(f"Invalid extension parameter: {pname}={value}")
            if pname == "client_no_context_takeover":
                notakeover = True
        elif pname in _WINDOWS:
            bits = _window_bits(value, required=True)
            if bits is None or bits == -1:
                raise WSHandshakeError(f"Invalid window size: {pname}={value}")
            if pname == "client_max_window_bits":
                if bits < 9:
                    raise WSHandshakeError("Invalid window size: zlib does not support wbits=8")
                wbits = bits
        else:
            raise WSHandshakeError("Extension for deflate not supported: " + pname)
    return wbits, notakeover


class DeflateCompressor:
    """Compresses whole messages; ``notakeover`` resets the window after each one."""

    __slots__ = ("_flush_mode", "_zlib")

    def __init__(self, wbits: int = 15, notakeover: bool = False, level: int = -1) -> None:
        self._zlib = zlib.compressobj(level, zlib.DEFLATED, -wbits)
        # A full flush also forgets the history, so later messages stand alone.
        self._flush_mode = zlib.Z_FULL_FLUSH if notakeover else zlib.Z_SYNC_FLUSH

    def compress(self, data: bytes) -> bytes:
        """The frame payload for one message, without the trailing empty block."""
        out = self._zlib.compress(data) + self._zlib.flush(self._flush_mode)
        if out.endswith(DEFLATE_TAIL):
            return out[:-4]
        return out


class DeflateDecompressor:
    """Inflates messages fragment by fragment, refusing output beyond ``max_size``.

    The window is always 15 bits, which reads streams made with any smaller
    window. ``max_size`` of 0 means unbounded.
    """

    __slots__ = ("_produced", "_zlib", "max_size")

    def __init__(self, max_size: int = 0) -> None:
        self._zlib = zlib.decompressobj(-15)
        self._produced = 0
        self.max_size = max_size

    def decompress(self, data: bytes, final: bool) -> bytes | None:
        """Inflate one fragment of a message; None when the bound is exceeded.

        Raises :class:`zlib.error` on corrupt input.
        """
        if final:
            data += DEFLATE_TAIL
        max_size = self.max_size
        if max_size:
            budget = max_size - self._produced
            out = self._zlib.decompress(data, budget + 1)
            if len(out) > budget:
                return None
        else:
            out = self._zlib.decompress(data)
        if final:
            self._produced = 0
        else:
            self._produced += len(out)
        return out
