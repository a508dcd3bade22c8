"""HTTP exceptions: status codes, default bodies, the special constructors."""

from __future__ import annotations

import inspect
from http import HTTPStatus

import pytest
from yarl import URL

from aiohttp_server import web_exceptions as we
from aiohttp_server.web_response import Response

ALL = [
    cls
    for name in we.__all__
    if inspect.isclass(cls := getattr(we, name))
    and issubclass(cls, we.HTTPException)
    and cls.status_code > 0
]


def test_every_status_has_a_class() -> None:
    codes = {cls.status_code for cls in ALL}
    expected = {
        200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 304, 305, 307, 308,
        400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414,
        415, 416, 417, 421, 422, 424, 426, 428, 429, 431, 451, 500, 501, 502, 503,
        504, 505, 506, 507, 510, 511,
    }  # fmt: skip
    assert codes == expected


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_reason_matches_status(cls: type[we.HTTPException]) -> None:
    assert HTTPStatus(cls.status_code).phrase
    assert issubclass(cls, Response) and issubclass(cls, Exception)


def test_default_text_body() -> None:
    exc = we.HTTPNotFound()
    assert exc.status == 404
    assert exc.reason == "Not Found"
    assert exc.text == "404: Not Found"
    assert exc.content_type == "text/plain"
    assert str(exc) == "Not Found"
    assert repr(exc) == "<HTTPNotFound Not Found not prepared>"


def test_custom_text_reason_headers_content_type() -> None:
    exc = we.HTTPBadRequest(
        text="<b>no</b>", reason="Nope", headers={"X-A": "1"}, content_type="text/html"
    )
    assert exc.reason == "Nope"
    assert exc.text == "<b>no</b>"
    assert exc.headers["X-A"] == "1"
    assert exc.content_type == "text/html"


def test_empty_body_statuses() -> None:
    assert we.HTTPNoContent().body is None
    assert we.HTTPNotModified().body is None
    assert we.HTTPResetContent().body is None


def test_body_argument_is_deprecated() -> None:
    with pytest.warns(DeprecationWarning, match="body"):
        exc = we.HTTPOk(body=b"x")
    assert exc.body == b"x"


def test_raise_and_catch() -> None:
    with pytest.raises(we.HTTPClientError) as info:
        raise we.HTTPForbidden()
    assert info.value.status == 403
    assert isinstance(info.value, we.HTTPError)


def test_move_sets_location() -> None:
    exc = we.HTTPFound("/next?x=1")
    assert exc.headers["Location"] == "/next?x=1"
    assert exc.location == "/next?x=1"
    assert exc.status == 302


def test_move_requires_location() -> None:
    with pytest.raises(ValueError):
        we.HTTPSeeOther("")


def test_method_not_allowed() -> None:
    exc = we.HTTPMethodNotAllowed("put", ["GET", "POST"])
    assert exc.method == "PUT"
    assert exc.allowed_methods == {"GET", "POST"}
    assert exc.headers["Allow"] == "GET,POST"


def test_request_entity_too_large_text() -> None:
    exc = we.HTTPRequestEntityTooLarge(max_size=10, actual_size=20)
    assert exc.text is not None and "10" in exc.text and "20" in exc.text
    exc2 = we.HTTPRequestEntityTooLarge(10, 20, text="too big")
    assert exc2.text == "too big"


def test_unavailable_for_legal_reasons_link() -> None:
    exc = we.HTTPUnavailableForLegalReasons("http://authority.example/")
    assert exc.link == URL("http://authority.example/")
    assert exc.headers["Link"] == '<http://authority.example/>; rel="blocked-by"'
    assert we.HTTPUnavailableForLegalReasons(None).link is None


def test_reason_with_newline_rejected() -> None:
    with pytest.raises(ValueError):
        we.HTTPBadRequest(reason="a\r\nX-Injected: 1")


def test_exceptions_hash_by_identity() -> None:
    a, b = we.HTTPNotFound(), we.HTTPNotFound()
    assert a != b
    assert len({a, b}) == 2


def test_not_app_key_warning_is_user_warning() -> None:
    assert issubclass(we.NotAppKeyWarning, UserWarning)
