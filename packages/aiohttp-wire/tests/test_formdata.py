"""Tests for aiohttp_wire.formdata; multipart output is checked with the stdlib parsers."""

from __future__ import annotations

import asyncio
import concurrent.futures
import email.parser
import email.policy
import io
import socket
import threading
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from multidict import MultiDict

from aiohttp_wire.base_protocol import BaseProtocol
from aiohttp_wire.formdata import FormData
from aiohttp_wire.http_writer import StreamWriter
from aiohttp_wire.multipart import MultipartWriter
from aiohttp_wire.payload import Payload, StringPayload


def email_parts(body: bytes, ctype: str) -> list[Any]:
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body
    )
    assert msg.is_multipart() and not msg.defects
    return list(msg.iter_parts())


def field_names(parts: list[Any]) -> list[str]:
    return [p.get_param("name", header="content-disposition") for p in parts]


async def test_urlencoded() -> None:
    form = FormData({"a": "1", "b": "ü x"})
    assert not form.is_multipart
    payload = form()
    assert payload.content_type == "application/x-www-form-urlencoded"
    body = await payload.as_bytes()
    assert parse_qsl(body.decode(), keep_blank_values=True) == [("a", "1"), ("b", "ü x")]


async def test_urlencoded_charset_and_pairs() -> None:
    form = FormData([("k", "é"), ("k", "2")], charset="latin-1")
    payload = form()
    assert payload.content_type == "application/x-www-form-urlencoded; charset=latin-1"
    assert await payload.as_bytes() == b"k=%E9&k=2"


async def test_add_fields_shapes() -> None:
    form = FormData()
    form.add_fields(("a", "1"), {"b": "2"}, MultiDict([("c", "3"), ("c", "4")]), ["d", "5"])
    body = await form().as_bytes()
    assert body == b"a=1&b=2&c=3&c=4&d=5"
    with pytest.raises(TypeError):
        form.add_fields(42)


async def test_default_to_multipart() -> None:
    form = FormData({"a": "1"}, default_to_multipart=True)
    assert form.is_multipart
    payload = form()
    assert isinstance(payload, MultipartWriter)
    parts = email_parts(await payload.as_bytes(), payload.content_type)
    assert field_names(parts) == ["a"]
    # Plain text fields carry no Content-Type, as browsers send them.
    assert "Content-Type" not in parts[0]


async def test_files_switch_to_multipart(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(b"a,b\n1,2\n")
    form = FormData()
    form.add_field("title", "Quarterly ü")
    with pytest.warns(DeprecationWarning, match="passing bytes will no longer create a file"):
        form.add_field("raw", b"\x00\x01")
    with path.open("rb") as f:
        form.add_field("report", f)
        form.add_field("explicit", io.BytesIO(b"xyz"), filename="x.bin", content_type="app/x")
        assert form.is_multipart
        payload = form()
        body = await payload.as_bytes()
    assert payload.size == len(body)
    parts = email_parts(body, payload.content_type)
    assert field_names(parts) == ["title", "raw", "report", "explicit"]
    assert parts[0].get_payload(decode=True) == "Quarterly ü".encode()
    assert parts[1].get_filename() == "raw"
    assert parts[1].get_payload(decode=True) == b"\x00\x01"
    assert parts[2].get_filename() == "report.csv"
    assert parts[2].get_content_type() == "text/csv"
    assert parts[2].get_payload(decode=True) == b"a,b\n1,2\n"
    assert parts[3].get_filename() == "x.bin"
    assert parts[3].get_content_type() == "app/x"


async def test_content_transfer_encoding_is_deprecated_and_not_sent() -> None:
    form = FormData()
    with pytest.warns(DeprecationWarning, match="content_transfer_encoding is deprecated"):
        form.add_field("blob", b"\x00\xffdata", content_transfer_encoding="base64")
    with pytest.warns(DeprecationWarning, match="content_transfer_encoding is deprecated"):
        form.add_field("text", "h\u00e9llo", content_transfer_encoding="quoted-printable")
    assert form.is_multipart
    payload = form()
    body = await payload.as_bytes()
    # RFC 7578 section 4.7: no Content-Transfer-Encoding in form-data; data goes as is.
    assert b"Content-Transfer-Encoding" not in body
    assert payload.size == len(body)
    parts = email_parts(body, payload.content_type)
    assert field_names(parts) == ["blob", "text"]
    # With a transfer encoding given, bytes are not turned into a file field.
    assert parts[0].get_filename() is None
    assert parts[0].get_payload(decode=True) == b"\x00\xffdata"
    assert parts[1].get_payload(decode=True) == "h\u00e9llo".encode()


def test_content_transfer_encoding_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="content_transfer_encoding must be an instance of str"):
        FormData().add_field("f", b"x", content_transfer_encoding=1)  # type: ignore[arg-type]


def test_bytes_with_a_filename_do_not_warn(recwarn: pytest.WarningsRecorder) -> None:
    form = FormData()
    form.add_field("f", b"x", filename="x.bin")
    assert form.is_multipart
    assert not recwarn.list


def test_field_type_errors() -> None:
    form = FormData()
    with pytest.raises(TypeError):
        form.add_field("f", "v", filename=b"x")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        form.add_field("f", "v", content_type=1)  # type: ignore[arg-type]
    form.add_field("obj", object(), content_type="x/y")
    with pytest.raises(TypeError):
        form()


async def test_io_field_without_name_and_positional_io() -> None:
    anonymous = io.BytesIO(b"data")
    form = FormData([anonymous])
    payload = form()
    parts = email_parts(await payload.as_bytes(), payload.content_type)
    assert field_names(parts) == ["unknown"]


async def test_payload_field_and_quote_fields() -> None:
    form = FormData(quote_fields=False)
    form.add_field('we"ird', StringPayload("v", content_type="text/x"))
    payload = form()
    body = await payload.as_bytes()
    assert b'Content-Disposition: form-data; name="we\\"ird"' in body
    assert b"Content-Type: text/x" in body


async def test_non_ascii_names_use_extended_syntax() -> None:
    form = FormData(default_to_multipart=True)
    form.add_field("имя", "v")
    form.add_field("f", b"x", filename="файл.txt")
    payload = form()
    body = await payload.as_bytes()
    assert b"name*=utf-8''%D0%B8%D0%BC%D1%8F" in body
    parts = email_parts(body, payload.content_type)
    assert field_names(parts)[0] == "имя"
    assert parts[1].get_filename() == "файл.txt"


def test_repeated_calls_reuse_multipart_writer() -> None:
    form = FormData({"a": "1"}, default_to_multipart=True)
    first = form()
    assert form() is first
    form.add_field("b", "2")
    assert form() is not first


class _RawServer:
    """Accepts one connection and returns every byte received until the peer half-closes."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(5)
        self.port = self._sock.getsockname()[1]
        self.result: concurrent.futures.Future[bytes] = concurrent.futures.Future()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        try:
            conn, _ = self._sock.accept()
            with conn:
                conn.settimeout(5)
                data = bytearray()
                while chunk := conn.recv(65536):
                    data += chunk
            self.result.set_result(bytes(data))
        except BaseException as exc:
            self.result.set_exception(exc)
        finally:
            self._sock.close()


async def send_request(payload: Payload) -> bytes:
    server = _RawServer()
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_connection(
        lambda: BaseProtocol(loop), "127.0.0.1", server.port
    )
    writer = StreamWriter(protocol, loop)
    assert payload.size is not None
    writer.write_headers(
        "POST / HTTP/1.1",
        {
            "Host": "localhost",
            "Content-Type": payload.content_type,
            "Content-Length": str(payload.size),
        },
    )
    await payload.write(writer)
    await writer.write_eof()
    transport.write_eof()
    try:
        return await asyncio.wait_for(asyncio.wrap_future(server.result), 5)
    finally:
        transport.close()


async def test_form_over_loopback_parsed_by_email() -> None:
    form = FormData()
    form.add_field("name", "value")
    form.add_field("upload", io.BytesIO(b"\r\n--trap\r\n" * 5000), filename="t.bin")
    payload = form()
    raw = await send_request(payload)
    head, body = raw.split(b"\r\n\r\n", 1)
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        head.split(b"\r\n", 1)[1] + b"\r\n\r\n" + body
    )
    assert int(msg["Content-Length"]) == len(body)
    parts = list(msg.iter_parts())
    assert field_names(parts) == ["name", "upload"]
    assert parts[1].get_payload(decode=True) == b"\r\n--trap\r\n" * 5000
