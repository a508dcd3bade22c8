"""Sans-I/O WebSocket frame parsing and serialisation (RFC 6455 section 5).

The parser checks everything that can be judged from one frame: reserved
bits and opcodes, masking direction, control frame rules and the message
size limit, which is checked from the header before any payload is buffered.
Message-level rules (fragment sequencing, UTF-8, close payloads) belong to
:mod:`aiohttp_websocket.protocol`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from struct import Struct
from typing import Final

from aiohttp_wire.accelerators import load_accelerator

from .models import WebSocketError, WSCloseCode

__all__ = [
    "C_MASK",
    "OP_BINARY",
    "OP_CLOSE",
    "OP_CONTINUATION",
    "OP_PING",
    "OP_PONG",
    "OP_TEXT",
    "PIECE",
    "UNBOUNDED",
    "Frame",
    "FrameParser",
    "apply_mask",
    "build_frame",
    "build_masked_frame",
    "build_plain_frame",
    "iter_masked_frame",
    "plain_header",
]

OP_CONTINUATION: Final = 0x0
OP_TEXT: Final = 0x1
OP_BINARY: Final = 0x2
OP_CLOSE: Final = 0x8
OP_PING: Final = 0x9
OP_PONG: Final = 0xA

_DATA_OPCODES: Final = frozenset((OP_CONTINUATION, OP_TEXT, OP_BINARY))
_CONTROL_OPCODES: Final = frozenset((OP_CLOSE, OP_PING, OP_PONG))

#: A size limit no frame can exceed (frame lengths are below 2**63).
UNBOUNDED: Final = 1 << 63

_U16 = Struct("!H")
_U64 = Struct("!Q")
_HEAD_SHORT = Struct("!BB")
_HEAD_MEDIUM = Struct("!BBH")
_HEAD_LONG = Struct("!BBQ")
# Client headers with the 32-bit masking key packed in.
_HEAD_SHORT_MASKED = Struct("!BBI")
_HEAD_MEDIUM_MASKED = Struct("!BBHI")
_HEAD_LONG_MASKED = Struct("!BBQI")
_from_bytes = int.from_bytes

#: ``(fin, rsv1, opcode, payload)`` with the payload already unmasked.
Frame = tuple[bool, bool, int, bytes]


#: Payloads up to this size are masked as one big integer; larger ones in
#: blocks of ``_BLOCK`` bytes (integers that stay in the CPU cache).
_SMALL_MAX = 2048

#: Bytes per block when masking a large payload.
_BLOCK = 16384

#: ``1 + 2**32 + 2**64 + ...`` over ``_BLOCK`` bytes: a 32-bit key times this is
#: the key repeated over a whole block (little-endian), without building bytes.
_REPEAT = _from_bytes(b"\x01\x00\x00\x00" * (_BLOCK // 4), "little")

#: Frames from this size on are received straight into a buffer of their own.
_DIRECT_MIN = 16384

#: Payload bytes per piece of :func:`iter_masked_frame` (a multiple of 4).
PIECE: Final = 128 * 1024


#: The C masking function, or None when masking runs in Python.
C_MASK: Final[Callable[..., bytes] | None] = load_accelerator("aiohttp_websocket._mask", "mask")


def _apply_mask_py(mask: bytes, data: bytes) -> bytes:
    """XOR ``data`` with the 4-byte ``mask`` repeated, in Python.

    Never a per-byte Python loop: the payload is XORed as big integers (one
    for a small payload, one per ``_BLOCK`` bytes for a large one).
    """
    size = len(data)
    if size <= _SMALL_MAX:
        # The key repeated, as a big-endian integer cut to ``size`` bytes by a shift.
        words = (size + 3) >> 2
        keys = _from_bytes(mask * words, "big") >> (((words << 2) - size) << 3)
        return (_from_bytes(data, "big") ^ keys).to_bytes(size, "big")
    parts: list[bytes | memoryview] = []
    _mask_parts(parts, mask, data, 0, size)
    return b"".join(parts)


#: ``apply_mask(mask, data)``: ``data`` XORed with the 4-byte ``mask``
#: repeated; masking and unmasking alike. In C when the accelerator is built.
apply_mask: Final[Callable[[bytes, bytes], bytes]] = C_MASK or _apply_mask_py


def _mask_parts(
    parts: list[bytes | memoryview], mask: bytes, data: bytes, lo: int, hi: int
) -> None:
    """Append ``data[lo:hi]`` XORed with ``mask`` (its phase starting at ``lo``) to ``parts``.

    In C, one call over the whole range. In Python, block by block: bytes
    to a little-endian integer, XOR with the key repeated, back to bytes.
    Converting is the cost (the XOR itself is nearly free); blocks of cache
    size convert faster than one integer of the whole payload, and much
    faster than four strided ``bytes.translate`` lanes. The blocks are
    joined once by the caller: filling a large ``bytearray`` instead costs a
    page fault per 4 KiB of fresh memory, and a bytearray slice assignment
    from ``bytes`` copies the value first.
    """
    view = memoryview(data)
    if C_MASK is not None:
        parts.append(C_MASK(mask, view[lo:hi]))
        view.release()
        return
    block = _BLOCK
    if hi - lo >= block:
        keys = _from_bytes(mask, "little") * _REPEAT
        append = parts.append
        stop = hi - block
        while lo <= stop:
            nxt = lo + block
            append((_from_bytes(view[lo:nxt], "little") ^ keys).to_bytes(block, "little"))
            lo = nxt
    if lo < hi:
        size = hi - lo
        keys = _from_bytes((mask * ((size + 3) >> 2))[:size], "little")
        parts.append((_from_bytes(view[lo:hi], "little") ^ keys).to_bytes(size, "little"))
    view.release()


def build_frame(
    opcode: int, payload: bytes, *, fin: bool = True, rsv1: bool = False, mask: bytes | None = None
) -> bytes | bytearray:
    """Serialise one frame; ``mask`` (4 bytes) is required for client-to-server frames."""
    first = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    if mask is None:
        return build_plain_frame(first, payload)
    return build_masked_frame(first, payload, _from_bytes(mask, "big"))


def plain_header(first: int, size: int) -> bytes:
    """The header of a server (unmasked) frame; ``first`` is its first byte."""
    if size < 126:
        return _HEAD_SHORT.pack(first, size)
    if size < 0x10000:
        return _HEAD_MEDIUM.pack(first, 126, size)
    return _HEAD_LONG.pack(first, 127, size)


def build_plain_frame(first: int, payload: bytes) -> bytes:
    """Serialise a server (unmasked) frame; ``first`` is the header's first byte."""
    size = len(payload)
    if size < 126:
        return _HEAD_SHORT.pack(first, size) + payload
    return plain_header(first, size) + payload


def _masked_header(first: int, size: int, key: int) -> bytes:
    if size < 126:
        return _HEAD_SHORT_MASKED.pack(first, 0x80 | size, key)
    if size < 0x10000:
        return _HEAD_MEDIUM_MASKED.pack(first, 0xFE, size, key)
    return _HEAD_LONG_MASKED.pack(first, 0xFF, size, key)


def build_masked_frame(first: int, payload: bytes, key: int) -> bytes:
    """Serialise a client frame: ``first`` is the header's first byte, ``key`` the 32-bit mask.

    The sending hot path: one ``pack`` writes the header and its masking key;
    a large payload's masked blocks are joined once, behind the header.
    """
    size = len(payload)
    header = _masked_header(first, size, key)
    if C_MASK is not None:
        return C_MASK(key.to_bytes(4, "big"), payload, header)
    if size <= _SMALL_MAX:
        return header + apply_mask(key.to_bytes(4, "big"), payload)
    parts: list[bytes | memoryview] = [header]
    _mask_parts(parts, key.to_bytes(4, "big"), payload, 0, size)
    return b"".join(parts)


def iter_masked_frame(first: int, payload: bytes, key: int) -> Iterator[bytes]:
    """:func:`build_masked_frame` in pieces of ``PIECE`` payload bytes, each masked on demand.

    Writing each piece before masking the next lets the peer receive (and
    unmask) the start of a large frame while the rest is being masked.
    """
    size = len(payload)
    mask = key.to_bytes(4, "big")
    if C_MASK is not None:
        # Masking in C outruns the socket: one piece, one allocation.
        yield C_MASK(mask, payload, _masked_header(first, size, key))
        return
    parts: list[bytes | memoryview] = [_masked_header(first, size, key)]
    for lo in range(0, max(size, 1), PIECE):
        _mask_parts(parts, mask, payload, lo, min(lo + PIECE, size))
        yield b"".join(parts)
        parts = []


def _fail(message: str, code: int = WSCloseCode.PROTOCOL_ERROR) -> WebSocketError:
    return WebSocketError(code, message)


class FrameParser:
    """Splits a byte stream into frames, whatever the chunking of the input.

    ``masked`` is True on the server side (client frames must be masked) and
    False on the client side (server frames must not be). ``rsv1_allowed``
    is set when permessage-deflate was negotiated. ``max_size`` caps the
    summed payload of a data message's frames; it is checked from each frame
    header, before the payload is buffered. Errors raise
    :class:`WebSocketError` and leave the parser unusable.
    """

    __slots__ = (
        "_buf",
        "_filled",
        "_left",
        "_msg_size",
        "_need",
        "_parts",
        "_pending",
        "error",
        "masked",
        "max_size",
        "rsv1_allowed",
    )

    def __init__(
        self, masked: bool, *, rsv1_allowed: bool = False, max_size: int = UNBOUNDED
    ) -> None:
        self.masked = masked
        self.rsv1_allowed = rsv1_allowed
        self.max_size = max_size
        self._msg_size = 0
        self._buf = bytearray()
        self._need = 0
        # A large frame's payload being received piece by piece (unmasked),
        # how much of it arrived, how much is missing, and the frame's
        # (fin, rsv1, opcode, mask).
        self._parts: list[bytes | memoryview] | None = None
        self._filled = 0
        self._left = 0
        self._pending: tuple[bool, bool, int, bytes] = (True, False, 0, b"")
        #: A violation met after complete frames, which ``feed`` returned first.
        self.error: WebSocketError | None = None

    @property
    def idle(self) -> bool:
        """Whether no partial frame is pending (the next byte starts a frame)."""
        return not self._buf and self._parts is None

    def feed(self, data: bytes) -> list[Frame]:
        """Parse as many complete frames as ``data`` and the buffered bytes hold.

        A violation raises :class:`WebSocketError`; when complete frames came
        before it in the same data, they are returned first and the error is
        kept in :attr:`error` (and raised by the next call).
        """
        if self.error is not None:
            raise self.error
        if type(data) is not bytes:
            # Pieces of a large frame are kept: never a caller's reusable buffer.
            data = bytes(data)
        if self._parts is not None:
            return self._feed_payload(data)
        buf = self._buf
        if buf:
            buf += data
            if len(buf) < self._need:
                return []
            data = bytes(buf)
            buf.clear()
        frames: list[Frame] = []
        try:
            pos = self._parse(data, frames)
        except WebSocketError as exc:
            if not frames:
                raise
            # The frames before the violation are delivered; the caller checks ``error``.
            self.error = exc
            return frames
        if pos < len(data):
            buf += memoryview(data)[pos:]
        return frames

    def _feed_payload(self, data: bytes) -> list[Frame]:
        """Add ``data`` (unmasked as it arrives) to the large frame's pieces.

        The pieces are joined once the payload is complete; what follows its
        end in ``data`` is parsed as usual.
        """
        parts = self._parts
        assert parts is not None
        size = len(data)
        left = self._left
        take = left if left < size else size
        fin, rsv1, opcode, mask = self._pending
        if mask:
            phase = self._filled & 3
            if phase:
                mask = mask[phase:] + mask[:phase]
            _mask_parts(parts, mask, data, 0, take)
        else:
            # A view, not a copy: ``data`` is immutable and joined at the end.
            parts.append(data if take == size else memoryview(data)[:take])
        if take < left:
            self._filled += take
            self._left = left - take
            return []
        self._parts = None
        frames: list[Frame] = [(fin, rsv1, opcode, b"".join(parts))]
        if take < size:
            frames += self.feed(data[take:])
        return frames

    def _parse(self, data: bytes, frames: list[Frame]) -> int:
        """Append every complete frame in ``data`` to ``frames``; return bytes used."""
        pos = 0
        end = len(data)
        masked = self.masked
        while end - pos >= 2:
            first = data[pos]
            second = data[pos + 1]
            opcode = first & 0x0F
            rsv1 = bool(first & 0x40)
            if first & 0x30:
                raise _fail("Received frame with non-zero reserved bits")
            if opcode in _CONTROL_OPCODES:
                if not first & 0x80:
                    raise _fail("Received fragmented control frame")
                if rsv1:
                    raise _fail("Received control frame with RSV1 set")
            elif opcode not in _DATA_OPCODES:
                raise _fail(f"Received frame with reserved opcode {opcode}")
            elif rsv1 and (not self.rsv1_allowed or opcode == OP_CONTINUATION):
                raise _fail("Received frame with RSV1 set without a negotiated extension")
            if bool(second & 0x80) is not masked:
                if masked:
                    raise _fail("Received unmasked frame from the client")
                raise _fail("Received masked frame from the server")
            size = second & 0x7F
            head = pos + 2
            if size == 126:
                if end - pos < 4:
                    self._need = 4
                    break
                size = _U16.unpack_from(data, head)[0]
                head += 2
            elif size == 127:
                if end - pos < 10:
                    self._need = 10
                    break
                size = _U64.unpack_from(data, head)[0]
                if size >> 63:
                    raise _fail("Received frame with a 64-bit length over 2**63")
                head += 8
            if opcode in _CONTROL_OPCODES:
                if size > 125:
                    raise _fail("Control frame payload cannot be larger than 125 bytes")
            else:
                msg_size = size + self._msg_size if opcode == OP_CONTINUATION else size
                if msg_size > self.max_size:
                    raise _fail(
                        f"Message size {msg_size} exceeds limit {self.max_size}",
                        WSCloseCode.MESSAGE_TOO_BIG,
                    )
            stop = head + size + (4 if masked else 0)
            if stop > end:
                start = stop - size
                if size >= _DIRECT_MIN and start <= end:
                    # A large frame whose header is here: collect the payload
                    # as it arrives (unmasked piece by piece) and join it
                    # once, instead of growing a buffer and copying it out.
                    # Nothing is allocated ahead of the bytes that came.
                    fin = bool(first & 0x80)
                    if opcode not in _CONTROL_OPCODES:
                        self._msg_size = 0 if fin else msg_size
                    mask = data[head:start] if masked else b""
                    parts: list[bytes | memoryview] = []
                    if masked:
                        _mask_parts(parts, mask, data, start, end)
                    elif start < end:
                        parts.append(memoryview(data)[start:end])
                    self._parts = parts
                    self._filled = end - start
                    self._left = stop - end
                    self._pending = (fin, rsv1, opcode, mask)
                    return end
                self._need = stop - pos
                break
            if masked:
                payload = apply_mask(data[head : head + 4], data[head + 4 : stop])
            else:
                payload = data[head:stop]
            fin = bool(first & 0x80)
            if opcode not in _CONTROL_OPCODES:
                self._msg_size = 0 if fin else msg_size
            frames.append((fin, rsv1, opcode, payload))
            pos = stop
        else:
            self._need = 2
        return pos
