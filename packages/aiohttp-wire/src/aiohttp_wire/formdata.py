"""HTML form bodies (aiohttp's ``FormData``).

Plain text fields give ``application/x-www-form-urlencoded``; a file, a
filename, an explicit content type or ``default_to_multipart=True`` switch
to ``multipart/form-data`` (RFC 7578).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from multidict import MultiDict

from . import hdrs
from .helpers import guess_filename
from .multipart import MultipartWriter
from .payload import BytesPayload, Payload, get_payload
from .payload import LookupError as PayloadLookupError

__all__ = ("FormData",)

_Field = tuple[MultiDict[str], dict[str, str], Any]


class FormData:
    """Collects form fields and renders them as a payload when called."""

    def __init__(
        self,
        fields: Iterable[Any] | Mapping[str, Any] = (),
        quote_fields: bool = True,
        charset: str | None = None,
        *,
        default_to_multipart: bool = False,
    ) -> None:
        self._fields: list[_Field] = []
        self._is_multipart = default_to_multipart
        self._quote_fields = quote_fields
        self._charset = charset
        self._writer: MultipartWriter | None = None
        if isinstance(fields, Mapping):
            fields = list(fields.items())
        elif not isinstance(fields, (list, tuple)):
            fields = (fields,)
        self.add_fields(*fields)

    @property
    def is_multipart(self) -> bool:
        return self._is_multipart

    def add_field(
        self,
        name: str,
        value: Any,
        *,
        content_type: str | None = None,
        filename: str | None = None,
        content_transfer_encoding: str | None = None,
    ) -> None:
        """Add one field; a file object, payload, filename or content type makes it multipart.

        ``content_transfer_encoding`` is deprecated and, as in aiohttp, only
        accepted: RFC 7578 section 4.7 forbids the header in form-data, so
        the part goes out as is (bytes given with it are a plain field, not a
        file). Bytes without a filename otherwise still become a file field
        named after the field, with aiohttp's DeprecationWarning (v4 will not
        do that).
        """
        if isinstance(value, (io.IOBase, Payload)):
            self._is_multipart = True
        elif (
            isinstance(value, (bytes, bytearray, memoryview))
            and filename is None
            and content_transfer_encoding is None
        ):
            warnings.warn(
                "In v4, passing bytes will no longer create a file field. "
                "Please explicitly use the filename parameter or pass a BytesIO object.",
                DeprecationWarning,
                stacklevel=2,
            )
            filename = name
        type_options: MultiDict[str] = MultiDict({"name": name})
        if filename is not None and not isinstance(filename, str):
            raise TypeError(f"filename must be an instance of str. Got: {filename!r}")
        if filename is None and isinstance(value, io.IOBase):
            filename = guess_filename(value, name)
        if filename is not None:
            type_options["filename"] = filename
            self._is_multipart = True
        headers: dict[str, str] = {}
        if content_type is not None:
            if not isinstance(content_type, str):
                raise TypeError(f"content_type must be an instance of str. Got: {content_type!r}")
            headers[hdrs.CONTENT_TYPE] = content_type
            self._is_multipart = True
        if content_transfer_encoding is not None:
            if not isinstance(content_transfer_encoding, str):
                raise TypeError(
                    "content_transfer_encoding must be an instance of str. "
                    f"Got: {content_transfer_encoding!r}"
                )
            warnings.warn(
                "content_transfer_encoding is deprecated. "
                "To maintain compatibility with v4 please pass a BytesPayload.",
                DeprecationWarning,
                stacklevel=2,
            )
            self._is_multipart = True
        self._fields.append((type_options, headers, value))
        self._writer = None

    def add_fields(self, *fields: Any) -> None:
        """Add fields given as ``(name, value)`` pairs, mappings or file objects."""
        for rec in fields:
            if isinstance(rec, io.IOBase):
                self.add_field(guess_filename(rec, "unknown") or "unknown", rec)
            elif isinstance(rec, Mapping):
                self.add_fields(*rec.items())
            elif isinstance(rec, (list, tuple)) and len(rec) == 2:
                name, value = rec
                self.add_field(name, value)
            else:
                raise TypeError(
                    "Only io.IOBase, multidict and (name, file) pairs allowed, "
                    f"use .add_field() for passing more complex parameters, got {rec!r}"
                )

    def _gen_form_urlencoded(self) -> Payload:
        data = []
        for type_options, _, value in self._fields:
            data.append((type_options["name"], value))
        charset = self._charset if self._charset is not None else "utf-8"
        if charset == "utf-8":
            content_type = "application/x-www-form-urlencoded"
        else:
            content_type = f"application/x-www-form-urlencoded; charset={charset}"
        return BytesPayload(
            urlencode(data, doseq=True, encoding=charset).encode(),
            content_type=content_type,
        )

    def _gen_form_data(self) -> MultipartWriter:
        writer = MultipartWriter("form-data")
        for type_options, headers, value in self._fields:
            try:
                if isinstance(value, Payload):
                    part = value
                    part.headers.update(headers)
                else:
                    part = get_payload(
                        value,
                        headers=headers or None,
                        encoding=self._charset,
                        filename=type_options.get("filename"),
                    )
            except PayloadLookupError:
                raise TypeError(f"Can not serialize value type: {type(value)!r}") from None
            if (
                hdrs.CONTENT_TYPE not in headers
                and "filename" not in type_options
                and isinstance(value, str)
            ):
                # Browsers send plain text fields without a Content-Type.
                del part.headers[hdrs.CONTENT_TYPE]
            part.set_content_disposition(
                "form-data",
                quote_fields=self._quote_fields,
                _charset=self._charset or "utf-8",
                **dict(type_options),
            )
            writer.append_payload(part)
        return writer

    def __call__(self) -> Payload:
        """The form as a payload (the same multipart writer on repeated calls)."""
        if not self._is_multipart:
            return self._gen_form_urlencoded()
        if self._writer is None:
            self._writer = self._gen_form_data()
        return self._writer
