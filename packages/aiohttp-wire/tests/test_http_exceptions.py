"""Tests for the HTTP processing errors."""

import pytest

from aiohttp_wire import http_exceptions as he


def test_processing_error_defaults() -> None:
    err = he.HttpProcessingError()
    assert err.code == 0
    assert err.message == ""
    assert err.headers is None


def test_processing_error_fields() -> None:
    headers = {"X": "y"}
    err = he.HttpProcessingError(code=500, message="boom", headers=headers)
    assert err.code == 500
    assert err.message == "boom"
    assert err.headers is headers
    assert str(err) == "500, message:\n  boom"
    assert repr(err) == "<HttpProcessingError: 500, message='boom'>"


def test_bad_http_message() -> None:
    err = he.BadHttpMessage("nope", headers={"A": "b"})
    assert err.code == 400
    assert err.message == "nope"
    assert err.headers == {"A": "b"}
    assert err.args == ("nope",)
    assert str(err) == "400, message:\n  nope"
    assert repr(err) == "<BadHttpMessage: 400, message='nope'>"


@pytest.mark.parametrize(
    "cls",
    [
        he.HttpBadRequest,
        he.PayloadEncodingError,
        he.ContentEncodingError,
        he.TransferEncodingError,
        he.ContentLengthError,
        he.DecompressSizeError,
        he.InvalidURLError,
    ],
)
def test_subclasses_are_bad_requests(cls: type[he.BadHttpMessage]) -> None:
    err = cls("msg")
    assert isinstance(err, he.BadHttpMessage)
    assert isinstance(err, he.HttpProcessingError)
    assert err.code == 400
    assert err.message == "msg"


def test_payload_hierarchy() -> None:
    for cls in (
        he.ContentEncodingError,
        he.TransferEncodingError,
        he.ContentLengthError,
        he.DecompressSizeError,
    ):
        assert issubclass(cls, he.PayloadEncodingError)


def test_line_too_long() -> None:
    err = he.LineTooLong("request header", 8190, 9000)
    assert err.code == 400
    assert err.message == "Got more than 8190 bytes (9000) when reading request header."
    assert err.args == ("request header", 8190, 9000)
    assert "Got more than 8190 bytes" in str(err)


def test_line_too_long_defaults() -> None:
    err = he.LineTooLong("status line")
    assert err.message == "Got more than Unknown bytes (Unknown) when reading status line."


def test_invalid_header() -> None:
    err = he.InvalidHeader(b"X\x00Y")
    assert err.code == 400
    assert err.hdr == "X\x00Y"
    assert err.message == "Invalid HTTP header: b'X\\x00Y'"
    assert err.args == (b"X\x00Y",)
    assert he.InvalidHeader("Bad Name").hdr == "Bad Name"


def test_bad_status_line() -> None:
    err = he.BadStatusLine("GARBAGE")
    assert err.code == 400
    assert err.line == "GARBAGE"
    assert err.message == "Bad status line 'GARBAGE'"
    assert err.args == ("GARBAGE",)
    assert he.BadStatusLine(b"x").line == "b'x'"
    assert he.BadStatusLine("x", "custom").message == "custom"


def test_bad_http_method() -> None:
    err = he.BadHttpMethod("G@T")
    assert isinstance(err, he.BadStatusLine)
    assert err.message == "Bad HTTP method in status line 'G@T'"


def test_raise_and_catch() -> None:
    with pytest.raises(he.HttpProcessingError) as info:
        raise he.ContentLengthError("short body")
    assert info.value.code == 400


@pytest.mark.parametrize(
    ("err", "status"),
    [
        (he.HttpProcessingError(), 400),
        (he.HttpProcessingError(code=200), 400),
        (he.HttpProcessingError(code=503), 503),
        (he.BadHttpMessage("x"), 400),
        (he.LineTooLong("header line", 10, 20), 400),
        (he.HttpProcessingError(code=413, message="too big"), 413),
    ],
)
def test_server_status_defaults_to_an_error_code(err: he.HttpProcessingError, status: int) -> None:
    assert err.server_status == status


def test_server_status_survives_pickling() -> None:
    import pickle

    err = he.LineTooLong("request line", 10, 20)
    err.server_status = 414
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.server_status, copy.code, copy.message) == (414, 400, err.message)


def test_processing_error_is_keyword_only_with_empty_args() -> None:
    err = he.HttpProcessingError(code=500, message="boom")
    assert err.args == ()
    with pytest.raises(TypeError):
        he.HttpProcessingError(500, "boom")  # type: ignore[misc]


@pytest.mark.parametrize(
    "err",
    [
        he.HttpProcessingError(code=502, message="upstream", headers={"A": "b"}),
        he.BadHttpMessage("bad", headers={"A": "b"}),
        he.LineTooLong("status line", 10, 20),
        he.InvalidHeader(b"X\x00Y"),
        he.BadStatusLine("GARBAGE"),
        he.ContentLengthError("short"),
    ],
)
def test_every_error_pickles_round_trip(err: he.HttpProcessingError) -> None:
    import pickle

    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is type(err)
    assert (copy.code, copy.message, copy.headers, copy.args) == (
        err.code,
        err.message,
        err.headers,
        err.args,
    )
    assert str(copy) == str(err)
