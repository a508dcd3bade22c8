"""The client exception hierarchy: bases, attributes, messages, pickling."""

from __future__ import annotations

import asyncio
import errno
import pickle
import ssl
from types import SimpleNamespace
from typing import Any

import pytest
from multidict import CIMultiDict
from yarl import URL

from aiohttp_client import client_exceptions as ce


def _key(host: str = "example.com", port: int = 443, ssl_arg: object = True) -> SimpleNamespace:
    return SimpleNamespace(host=host, port=port, ssl=ssl_arg, is_ssl=True)


@pytest.mark.parametrize(
    ("cls", "bases"),
    [
        (ce.ClientResponseError, (ce.ClientError,)),
        (ce.ContentTypeError, (ce.ClientResponseError,)),
        (ce.WSServerHandshakeError, (ce.ClientResponseError,)),
        (ce.ClientHttpProxyError, (ce.ClientResponseError,)),
        (ce.TooManyRedirects, (ce.ClientResponseError,)),
        (ce.ClientConnectionResetError, (ce.ClientConnectionError, ConnectionResetError)),
        (ce.ClientOSError, (ce.ClientConnectionError, OSError)),
        (ce.ClientConnectorError, (ce.ClientOSError,)),
        (ce.ClientConnectorDNSError, (ce.ClientConnectorError,)),
        (ce.ClientProxyConnectionError, (ce.ClientConnectorError,)),
        (ce.ClientSSLError, (ce.ClientConnectorError,)),
        (ce.ClientConnectorSSLError, (ce.ClientSSLError, ssl.SSLError)),
        (ce.ClientConnectorCertificateError, (ce.ClientSSLError, ssl.CertificateError)),
        (ce.ServerDisconnectedError, (ce.ServerConnectionError,)),
        (ce.ServerTimeoutError, (ce.ServerConnectionError, asyncio.TimeoutError)),
        (ce.ConnectionTimeoutError, (ce.ServerTimeoutError,)),
        (ce.SocketTimeoutError, (ce.ServerTimeoutError,)),
        (ce.ServerFingerprintMismatch, (ce.ServerConnectionError,)),
        (ce.ClientPayloadError, (ce.ClientError,)),
        (ce.InvalidURL, (ce.ClientError, ValueError)),
        (ce.InvalidUrlClientError, (ce.InvalidURL,)),
        (ce.InvalidUrlRedirectClientError, (ce.InvalidUrlClientError, ce.RedirectClientError)),
        (ce.NonHttpUrlRedirectClientError, (ce.NonHttpUrlClientError, ce.RedirectClientError)),
        (ce.ServerConnectionError, (ce.ClientConnectionError,)),
        (ce.ClientConnectionError, (ce.ClientError,)),
    ],
)
def test_hierarchy(cls: type[BaseException], bases: tuple[type[BaseException], ...]) -> None:
    for base in bases:
        assert issubclass(cls, base)


def test_response_error_attributes_and_str() -> None:
    info: Any = SimpleNamespace(real_url=URL("http://h/p#f"))
    headers = CIMultiDict(a="b")
    err = ce.ClientResponseError(
        info,
        (),
        status=404,
        message="Not Found",
        headers=headers,
    )
    assert err.status == 404
    assert err.message == "Not Found"
    assert err.headers is headers
    assert err.request_info is info
    assert err.history == ()
    assert str(err) == "404, message='Not Found', url='http://h/p#f'"
    assert "status=404" in repr(err)


def test_response_error_defaults() -> None:
    err = ce.ClientResponseError(SimpleNamespace(real_url=URL("http://h")), ())  # type: ignore[arg-type]
    assert err.status == 0
    assert err.message == ""
    assert err.headers is None


def test_connector_error() -> None:
    os_err = OSError(errno.ECONNREFUSED, "Connection refused")
    err = ce.ClientConnectorError(_key(), os_err)  # type: ignore[arg-type]
    assert err.os_error is os_err
    assert err.errno == errno.ECONNREFUSED
    assert err.host == "example.com"
    assert err.port == 443
    assert err.ssl is True
    assert str(err) == "Cannot connect to host example.com:443 ssl:default [Connection refused]"


def test_connector_dns_error_is_connector_error() -> None:
    err = ce.ClientConnectorDNSError(_key(), OSError(-2, "Name unknown"))  # type: ignore[arg-type]
    with pytest.raises(ce.ClientConnectorError):
        raise err


def test_certificate_error() -> None:
    cause = ssl.CertificateError("hostname mismatch")
    err = ce.ClientConnectorCertificateError(_key(), cause)  # type: ignore[arg-type]
    assert err.certificate_error is cause
    assert err.host == "example.com"
    assert err.port == 443
    assert err.ssl is True
    assert "Cannot connect to host example.com:443 ssl:True" in str(err)


def test_server_disconnected_default_message() -> None:
    assert ce.ServerDisconnectedError().message == "Server disconnected"
    assert ce.ServerDisconnectedError("gone").args == ("gone",)


def test_fingerprint_mismatch() -> None:
    err = ce.ServerFingerprintMismatch(b"a" * 32, b"b" * 32, "h", 443)
    assert (err.expected, err.got, err.host, err.port) == (b"a" * 32, b"b" * 32, "h", 443)
    assert "host='h'" in repr(err)


def test_invalid_url() -> None:
    err = ce.InvalidURL("bad", "no host")
    assert err.url == "bad"
    assert err.description == "no host"
    assert str(err) == "bad - no host"
    assert ce.InvalidURL(URL("/x")).description is None
    assert str(ce.InvalidURL("x")) == "x"
    assert repr(ce.InvalidURL("x")) == "<InvalidURL x>"


def test_pickle_round_trip() -> None:
    err = ce.ServerDisconnectedError("bye")
    again = pickle.loads(pickle.dumps(err))
    assert isinstance(again, ce.ServerDisconnectedError)
    assert again.message == "bye"


def test_ws_message_type_error_is_the_websocket_layers_class() -> None:
    from aiohttp_websocket.models import WSMessageTypeError

    assert ce.WSMessageTypeError is WSMessageTypeError
    assert "WSMessageTypeError" in ce.__all__
    assert issubclass(ce.WSMessageTypeError, TypeError)


def test_response_error_code_is_a_deprecated_alias_of_status() -> None:
    info: Any = SimpleNamespace(real_url=URL("http://h"))
    with pytest.warns(DeprecationWarning, match="code"):
        err = ce.ClientResponseError(info, (), code=418)
    assert err.status == 418
    with pytest.warns(DeprecationWarning, match="code"):
        assert err.code == 418
    with pytest.warns(DeprecationWarning, match="code"):
        err.code = 500
    assert err.status == 500
    with pytest.raises(ValueError, match="code is deprecated"):
        ce.ClientResponseError(info, (), code=1, status=2)


def test_connection_error_bases_are_the_websocket_cores() -> None:
    # The server raises them too (a WebSocketResponse written after close): one class each.
    from aiohttp_websocket import models

    assert ce.ClientError is models.ClientError
    assert ce.ClientConnectionError is models.ClientConnectionError
    assert ce.ClientConnectionResetError is models.ClientConnectionResetError
    assert issubclass(ce.ClientConnectionResetError, ConnectionResetError)
