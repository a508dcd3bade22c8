"""Sans-I/O WebSocket protocol: bytes in, messages out; calls in, bytes out.

``WebSocketProtocol`` assembles frames from :mod:`.frames` into messages
(fragmentation, interleaved control frames, incremental UTF-8 validation,
permessage-deflate, ``max_msg_size``) and serialises outgoing messages. It
never touches a socket: the asyncio layer in :mod:`.connection` feeds it.
"""

from __future__ import annotations

import codecs
import random
import zlib
from collections.abc import Iterable
from struct import Struct
from typing import Final

from .deflate import DeflateCompressor, DeflateDecompressor
from .frames import (
    C_MASK,
    OP_BINARY,
    OP_CLOSE,
    OP_CONTINUATION,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    PIECE,
    UNBOUNDED,
    FrameParser,
    apply_mask,
    build_masked_frame,
    build_plain_frame,
    iter_masked_frame,
    plain_header,
)
from .models import WebSocketError, WSCloseCode, WSMessage, WSMsgType

__all__ = ["WebSocketProtocol", "is_valid_close_code"]

_U16 = Struct("!H")
_U32 = Struct("!I")
_HEAD_SHORT = Struct("!BB")
_HEAD_SHORT_MASKED = Struct("!BBI")
_from_bytes = int.from_bytes
#: ``_KEY_REPEATS[n]`` times a 32-bit key is the key repeated ``n`` times
#: (big-endian), for payloads under 126 bytes (at most 32 words).
_KEY_REPEATS: Final = tuple(_from_bytes(b"\x00\x00\x00\x01" * n, "big") for n in range(33))
_Utf8Decoder = codecs.getincrementaldecoder("utf-8")

_TEXT: Final = WSMsgType.TEXT
_BINARY: Final = WSMsgType.BINARY
# Builds a WSMessage without NamedTuple.__new__'s Python-level call.
_new_tuple = tuple.__new__


def is_valid_close_code(code: int) -> bool:
    """Whether ``code`` may appear in a close frame (RFC 6455 section 7.4)."""
    if 3000 <= code <= 4999:
        return True
    return 1000 <= code <= 1014 and code not in (1004, 1005, 1006)


class WebSocketProtocol:
    """One endpoint of a WebSocket connection, without I/O.

    ``is_client`` picks the masking direction. ``compress`` is the
    negotiated permessage-deflate window for our compressor (0: the extension
    is off), ``notakeover`` whether our compressor resets after every message.
    ``max_msg_size`` (0: unbounded) caps a message's payload, raw and
    decompressed, and is enforced before the payload is buffered.
    """

    def __init__(
        self,
        is_client: bool,
        max_msg_size: int = 4 * 1024 * 1024,
        compress: int = 0,
        notakeover: bool = False,
        *,
        random_source: random.Random | None = None,
    ) -> None:
        self.is_client = is_client
        self.max_msg_size = max_msg_size
        self.compress = compress
        self.notakeover = notakeover
        self._parser = FrameParser(
            not is_client, rsv1_allowed=bool(compress), max_size=max_msg_size or UNBOUNDED
        )
        # Built on the first compressed send: a zlib deflate state is ~256 KiB.
        self._compressor: DeflateCompressor | None = None
        self._decompressor = DeflateDecompressor(max_msg_size) if compress else None
        self._randbits = (random_source or random.Random()).getrandbits
        self._events: list[WSMessage] = []
        self._out: list[bytes | bytearray] = []
        # The fragmented message being received, if any.
        self._frag_type: WSMsgType | None = None
        self._frag_compressed = False
        self._frag_parts: list[bytes] = []
        self._frag_text: list[str] = []
        self._frag_decoder: codecs.IncrementalDecoder | None = None
        #: The violation that stopped parsing, if any.
        self.error: WebSocketError | None = None
        #: A close frame was received; nothing after it is parsed.
        self.close_received = False
        #: A close frame was queued for sending.
        self.close_sent = False
        #: The peer closed its side of the byte stream.
        self.eof = False

    # Receiving

    def receive_data(self, data: bytes) -> None:
        """Feed bytes from the peer; messages become available from :meth:`events_received`."""
        if self.error is not None or self.close_received or self.eof:
            return
        msg = self.receive_single(data)
        if msg is not None:
            self._events.append(msg)
            return
        try:
            frames = self._parser.feed(data)
        except WebSocketError as exc:
            self._fail(exc)
            return
        events = self._events
        for fin, rsv1, opcode, payload in frames:
            if opcode in (OP_TEXT, OP_BINARY):
                if self._frag_type is not None:
                    self._fail_with(
                        WSCloseCode.PROTOCOL_ERROR,
                        "The opcode in non-fin frame is expected to be continuation",
                    )
                    return
                if fin and not rsv1:
                    if opcode == OP_TEXT:
                        try:
                            text = payload.decode("utf-8")
                        except UnicodeDecodeError:
                            self._fail_with(WSCloseCode.INVALID_TEXT, "Invalid UTF-8 text message")
                            return
                        events.append(WSMessage(_TEXT, text, ""))
                    else:
                        events.append(WSMessage(_BINARY, payload, ""))
                    continue
                self._frag_type = _TEXT if opcode == OP_TEXT else _BINARY
                self._frag_compressed = rsv1
                if opcode == OP_TEXT:
                    self._frag_decoder = _Utf8Decoder()
                if not self._fragment(fin, payload):
                    return
            elif opcode == OP_CONTINUATION:
                if self._frag_type is None:
                    self._fail_with(
                        WSCloseCode.PROTOCOL_ERROR, "Continuation frame for non started message"
                    )
                    return
                if not self._fragment(fin, payload):
                    return
            elif opcode == OP_PING:
                events.append(WSMessage(WSMsgType.PING, payload, ""))
            elif opcode == OP_PONG:
                events.append(WSMessage(WSMsgType.PONG, payload, ""))
            else:
                self._receive_close(payload)
                return
        error = self._parser.error
        if error is not None:
            # A violation after the frames above, in the same data.
            self._fail(error)

    def receive_single(self, data: bytes) -> WSMessage | None:
        """Fast path: the message of ``data`` when it is one whole, valid FIN TEXT/BINARY frame.

        The usual case for chatty connections. Anything else (several or
        partial frames, a partial frame pending, a fragmented message, a
        64-bit length, a wrong mask bit, the size limit, invalid UTF-8, a
        closed or failed stream, input other than ``bytes``) returns None
        with nothing consumed, for :meth:`receive_data` to handle.
        """
        parser = self._parser
        if (
            self._frag_type is not None
            or parser._parts is not None
            or parser._buf
            or len(data) < 2
            or type(data) is not bytes
            or self.error is not None
            or self.close_received
            or self.eof
        ):
            return None
        first = data[0]
        if first != 0x81 and first != 0x82:
            return None
        size = data[1]
        head = 2
        if parser.masked:
            # Without the mask bit, size stays above 127 and is refused below.
            size ^= 0x80
            head = 6
        if size == 126:
            if len(data) < head + 2:
                return None
            size = (data[2] << 8) | data[3]
            head += 2
        elif size > 126:
            return None
        if len(data) != head + size or size > parser.max_size:
            return None
        if head == 2:
            payload = data[2:]
        elif head == 4:
            payload = data[4:]
        elif head == 6 and C_MASK is None:
            # A short masked payload in Python: one integer XOR, the key
            # repeated from a table.
            words = (size + 3) >> 2
            keys = (_from_bytes(data[2:6], "big") * _KEY_REPEATS[words]) >> (
                ((words << 2) - size) << 3
            )
            payload = (_from_bytes(data[6:], "big") ^ keys).to_bytes(size, "big")
        else:
            payload = apply_mask(data[head - 4 : head], data[head:])
        if first == 0x82:
            return _new_tuple(WSMessage, (_BINARY, payload, ""))
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return _new_tuple(WSMessage, (_TEXT, text, ""))

    def _fragment(self, fin: bool, payload: bytes) -> bool:
        """Add one frame to the message being assembled; False on a violation."""
        if self._frag_compressed:
            assert self._decompressor is not None
            try:
                chunk = self._decompressor.decompress(payload, fin)
            except zlib.error as exc:
                self._fail_with(WSCloseCode.PROTOCOL_ERROR, f"Invalid compressed data: {exc}")
                return False
            if chunk is None:
                self._fail_with(
                    WSCloseCode.MESSAGE_TOO_BIG,
                    f"Decompressed message exceeds limit {self.max_msg_size}",
                )
                return False
        else:
            chunk = payload
        decoder = self._frag_decoder
        if decoder is not None:
            try:
                text = decoder.decode(chunk, fin)
            except UnicodeDecodeError:
                self._fail_with(WSCloseCode.INVALID_TEXT, "Invalid UTF-8 text message")
                return False
            if text:
                self._frag_text.append(text)
        elif chunk:
            # Empty fragments add nothing: a flood of them must not grow the list.
            self._frag_parts.append(chunk)
        if not fin:
            return True
        if decoder is not None:
            self._events.append(WSMessage(_TEXT, "".join(self._frag_text), ""))
            self._frag_text = []
            self._frag_decoder = None
        else:
            self._events.append(WSMessage(_BINARY, b"".join(self._frag_parts), ""))
            self._frag_parts = []
        self._frag_type = None
        return True

    def _receive_close(self, payload: bytes) -> None:
        if len(payload) >= 2:
            code = _U16.unpack_from(payload)[0]
            if not is_valid_close_code(code):
                self._fail_with(WSCloseCode.PROTOCOL_ERROR, f"Invalid close code: {code}")
                return
            try:
                reason = payload[2:].decode("utf-8")
            except UnicodeDecodeError:
                self._fail_with(WSCloseCode.INVALID_TEXT, "Invalid UTF-8 text message")
                return
            message = WSMessage(WSMsgType.CLOSE, code, reason)
        elif payload:
            self._fail_with(WSCloseCode.PROTOCOL_ERROR, f"Invalid close frame: {payload!r}")
            return
        else:
            # No status code (1005 on the receiving side); aiohttp reports 0.
            message = WSMessage(WSMsgType.CLOSE, 0, "")
        self.close_received = True
        self._events.append(message)

    def _fail_with(self, code: int, text: str) -> None:
        self._fail(WebSocketError(code, text))

    def _fail(self, exc: WebSocketError) -> None:
        self.error = exc
        self._events.append(WSMessage(WSMsgType.ERROR, exc, None))

    def receive_eof(self) -> None:
        """The peer closed the byte stream."""
        self.eof = True

    def events_received(self) -> list[WSMessage]:
        """Messages (and at most one trailing ERROR) parsed since the last call."""
        events = self._events
        if events:
            self._events = []
        return events

    # Sending

    def _prepare(
        self, data: bytes, opcode: int, fin: bool, compress: int | None
    ) -> tuple[int, bytes]:
        """The frame's first header byte and its payload, compressed when it applies.

        Whole TEXT/BINARY messages are compressed when the extension was
        negotiated; ``compress`` overrides the window for this message (0
        sends it uncompressed).
        """
        first = opcode | 0x80 if fin else opcode
        if self.compress and fin and compress != 0 and opcode in (OP_TEXT, OP_BINARY):
            if compress is None or compress == self.compress:
                compressor = self._compressor
                if compressor is None:
                    compressor = DeflateCompressor(self.compress, self.notakeover)
                    self._compressor = compressor
                data = compressor.compress(data)
            else:
                data = DeflateCompressor(min(compress, self.compress), True).compress(data)
            first |= 0x40
        return first, data

    def frame(
        self, data: bytes, opcode: int, *, fin: bool = True, compress: int | None = None
    ) -> bytes | bytearray:
        """Serialise one frame and return it (``send_frame`` queues it instead).

        See :meth:`_prepare` for compression; client frames are masked with a
        fresh key.
        """
        if self.compress:
            first, data = self._prepare(data, opcode, fin, compress)
        else:
            first = opcode | 0x80 if fin else opcode
        size = len(data)
        if size < 126:
            # The chatty case inline: one pack for the header, and a client's
            # payload masked in C or XORed as one integer with the key
            # repeated (from a table).
            if not self.is_client:
                return _HEAD_SHORT.pack(first, size) + data
            key = self._randbits(32)
            if C_MASK is not None:
                header = _HEAD_SHORT_MASKED.pack(first, 0x80 | size, key)
                return C_MASK(_U32.pack(key), data, header)
            words = (size + 3) >> 2
            keys = (key * _KEY_REPEATS[words]) >> (((words << 2) - size) << 3)
            masked = (_from_bytes(data, "big") ^ keys).to_bytes(size, "big")
            return _HEAD_SHORT_MASKED.pack(first, 0x80 | size, key) + masked
        if self.is_client:
            return build_masked_frame(first, data, self._randbits(32))
        return build_plain_frame(first, data)

    def frame_pieces(
        self, data: bytes, opcode: int, *, fin: bool = True, compress: int | None = None
    ) -> Iterable[bytes | bytearray]:
        """:meth:`frame` for large messages, as pieces to write one after the other.

        A client masking in Python does it piece by piece
        (``iter_masked_frame``), so the first piece can be on its way while
        the next is masked; masking in C is quicker than the socket, so the
        frame is built whole. A server writes the header and the payload as
        they are.
        """
        first, data = self._prepare(data, opcode, fin, compress)
        if not self.is_client:
            if len(data) < 2 * PIECE:
                return (build_plain_frame(first, data),)
            # Header and payload apart: no copy of a large payload to join them.
            return (plain_header(first, len(data)), data)
        if len(data) < 2 * PIECE or C_MASK is not None:
            return (build_masked_frame(first, data, self._randbits(32)),)
        return iter_masked_frame(first, data, self._randbits(32))

    def send_frame(
        self, data: bytes, opcode: int, *, fin: bool = True, compress: int | None = None
    ) -> None:
        """Queue one frame (see :meth:`frame`)."""
        self._out.append(self.frame(data, opcode, fin=fin, compress=compress))

    def send_text(self, text: str, *, compress: int | None = None) -> None:
        """Queue a TEXT message."""
        self.send_frame(text.encode("utf-8"), OP_TEXT, compress=compress)

    def send_binary(self, data: bytes, *, compress: int | None = None) -> None:
        """Queue a BINARY message."""
        self.send_frame(data, OP_BINARY, compress=compress)

    def _send_control(self, opcode: int, payload: bytes) -> None:
        if len(payload) > 125:
            raise ValueError("Control frame payload cannot be larger than 125 bytes")
        self._out.append(self.frame(payload, opcode))

    def send_ping(self, payload: bytes = b"") -> None:
        """Queue a PING (payload at most 125 bytes)."""
        self._send_control(OP_PING, payload)

    def send_pong(self, payload: bytes = b"") -> None:
        """Queue a PONG (payload at most 125 bytes)."""
        self._send_control(OP_PONG, payload)

    def send_close(self, code: int | None = WSCloseCode.OK, reason: bytes | str = b"") -> None:
        """Queue a CLOSE; ``code=None`` sends an empty close payload."""
        if isinstance(reason, str):
            reason = reason.encode("utf-8")
        payload = b"" if code is None else _U16.pack(code) + reason
        self._send_control(OP_CLOSE, payload)
        self.close_sent = True

    def data_to_send(self) -> bytes:
        """The bytes queued for the peer since the last call."""
        out = self._out
        if not out:
            return b""
        self._out = []
        return b"".join(out)
