"""The client's exception hierarchy, as aiohttp documents it.

Everything the client raises derives from :class:`ClientError`, so that a
caller can catch client failures without catching unrelated errors.
"""

from __future__ import annotations

import asyncio
import ssl
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from multidict import MultiMapping
from yarl import URL

# The base classes live with the WebSocket core, which both endpoints raise them
# from: aiohttp.ClientConnectionResetError is one class on the client and the server.
from aiohttp_websocket.models import (
    ClientConnectionError,
    ClientConnectionResetError,
    ClientError,
    WSMessageTypeError,
)

if TYPE_CHECKING:
    from .client_reqrep import ClientResponse, ConnectionKey, RequestInfo

__all__ = (
    "ClientConnectionError",
    "ClientConnectionResetError",
    "ClientConnectorCertificateError",
    "ClientConnectorDNSError",
    "ClientConnectorError",
    "ClientConnectorSSLError",
    "ClientError",
    "ClientHttpProxyError",
    "ClientOSError",
    "ClientPayloadError",
    "ClientProxyConnectionError",
    "ClientResponseError",
    "ClientSSLError",
    "ConnectionTimeoutError",
    "ContentTypeError",
    "InvalidURL",
    "InvalidUrlClientError",
    "InvalidUrlRedirectClientError",
    "NonHttpUrlClientError",
    "NonHttpUrlRedirectClientError",
    "RedirectClientError",
    "ServerConnectionError",
    "ServerDisconnectedError",
    "ServerFingerprintMismatch",
    "ServerTimeoutError",
    "SocketTimeoutError",
    "TooManyRedirects",
    "WSMessageTypeError",
    "WSServerHandshakeError",
)

_Headers = MultiMapping[str] | Mapping[str, str]


class ClientResponseError(ClientError):
    """An error tied to a response that was (at least partly) received."""

    def __init__(
        self,
        request_info: RequestInfo,
        history: tuple[ClientResponse, ...],
        *,
        code: int | None = None,
        status: int | None = None,
        message: str = "",
        headers: _Headers | None = None,
    ) -> None:
        if code is not None:
            if status is not None:
                raise ValueError(
                    "Both code and status arguments are provided; "
                    "code is deprecated, use status instead"
                )
            warnings.warn(
                "code argument is deprecated, use status instead", DeprecationWarning, stacklevel=2
            )
            status = code
        self.request_info = request_info
        self.status = 0 if status is None else status
        self.message = message
        self.headers = headers
        self.history = history
        super().__init__(request_info)
        self.args = (request_info, history)

    @property
    def code(self) -> int:
        """Deprecated alias of ``status``."""
        warnings.warn(
            "code property is deprecated, use status instead", DeprecationWarning, stacklevel=2
        )
        return self.status

    @code.setter
    def code(self, value: int) -> None:
        warnings.warn(
            "code property is deprecated, use status instead", DeprecationWarning, stacklevel=2
        )
        self.status = value

    def __str__(self) -> str:
        url = self.request_info.real_url if self.request_info is not None else None
        return f"{self.status}, message={self.message!r}, url={str(url)!r}"

    def __repr__(self) -> str:
        args = f"{self.request_info!r}, {self.history!r}"
        if self.status != 0:
            args += f", status={self.status!r}"
        if self.message != "":
            args += f", message={self.message!r}"
        if self.headers is not None:
            args += f", headers={self.headers!r}"
        return f"{type(self).__name__}({args})"


class ContentTypeError(ClientResponseError):
    """``ClientResponse.json()`` met a content type it was not told to accept."""


class WSServerHandshakeError(ClientResponseError):
    """The server's reply to a WebSocket handshake was not a valid upgrade."""


class ClientHttpProxyError(ClientResponseError):
    """An HTTP proxy answered the CONNECT tunnel request with an error status."""


class TooManyRedirects(ClientResponseError):
    """The redirect chain is longer than ``max_redirects``."""


class ClientOSError(ClientConnectionError, OSError):
    """An ``OSError`` raised while talking to the peer."""


class ClientConnectorError(ClientOSError):
    """The connector could not open a connection to the host."""

    def __init__(self, connection_key: ConnectionKey, os_error: OSError) -> None:
        self._conn_key = connection_key
        self._os_error = os_error
        super().__init__(os_error.errno, os_error.strerror)
        self.args = (connection_key, os_error)

    @property
    def os_error(self) -> OSError:
        """The underlying ``OSError``."""
        return self._os_error

    @property
    def host(self) -> str:
        """The host the connection was for."""
        return self._conn_key.host

    @property
    def port(self) -> int | None:
        """The port the connection was for."""
        return self._conn_key.port

    @property
    def ssl(self) -> ssl.SSLContext | bool | Any:
        """The ``ssl`` setting of the connection attempt."""
        return self._conn_key.ssl

    def __str__(self) -> str:
        ssl_text = "default" if self.ssl is True else self.ssl
        return (
            f"Cannot connect to host {self.host}:{self.port} ssl:{ssl_text} "
            f"[{self.strerror or self._os_error}]"
        )

    __reduce__ = BaseException.__reduce__


class ClientConnectorDNSError(ClientConnectorError):
    """Resolving the host name failed."""


class ClientProxyConnectionError(ClientConnectorError):
    """The connection to the proxy could not be opened."""


class ServerConnectionError(ClientConnectionError):
    """Base class for errors the server side of the connection caused."""


class ServerDisconnectedError(ServerConnectionError):
    """The server closed the connection before the response was complete."""

    def __init__(self, message: Any = None) -> None:
        if message is None:
            message = "Server disconnected"
        self.args = (message,)
        self.message = message


class ServerTimeoutError(ServerConnectionError, asyncio.TimeoutError):
    """A client timeout expired."""


class ConnectionTimeoutError(ServerTimeoutError):
    """Opening the connection took longer than the ``connect`` timeouts."""


class SocketTimeoutError(ServerTimeoutError):
    """No data arrived within ``sock_read``."""


class ServerFingerprintMismatch(ServerConnectionError):
    """The server certificate does not match the pinned fingerprint."""

    def __init__(self, expected: bytes, got: bytes, host: str, port: int) -> None:
        self.expected = expected
        self.got = got
        self.host = host
        self.port = port
        self.args = (expected, got, host, port)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} expected={self.expected!r} got={self.got!r} "
            f"host={self.host!r} port={self.port!r}>"
        )


class ClientSSLError(ClientConnectorError):
    """Base class for TLS errors while connecting."""


class ClientConnectorSSLError(ClientSSLError, ssl.SSLError):
    """The TLS handshake failed."""


class ClientConnectorCertificateError(ClientSSLError, ssl.CertificateError):
    """The server certificate failed verification."""

    def __init__(self, connection_key: ConnectionKey, certificate_error: Exception) -> None:
        self._conn_key = connection_key
        self._certificate_error = certificate_error
        self.args = (connection_key, certificate_error)

    @property
    def certificate_error(self) -> Exception:
        """The underlying certificate verification error."""
        return self._certificate_error

    @property
    def host(self) -> str:
        """The host the connection was for."""
        return self._conn_key.host

    @property
    def port(self) -> int | None:
        """The port the connection was for."""
        return self._conn_key.port

    @property
    def ssl(self) -> bool:
        """Whether the connection was a TLS one."""
        return self._conn_key.is_ssl

    def __str__(self) -> str:
        return (
            f"Cannot connect to host {self.host}:{self.port} ssl:{self.ssl} "
            f"[{type(self._certificate_error).__name__}: "
            f"{self._certificate_error.args}]"
        )


class ClientPayloadError(ClientError):
    """The response body was malformed, truncated or failed to decompress."""


class InvalidURL(ClientError, ValueError):
    """The URL cannot be requested (no host, or a scheme the client cannot use)."""

    def __init__(self, url: str | URL, description: str | None = None) -> None:
        self._url = url
        self._description = description
        if description:
            super().__init__(url, description)
        else:
            super().__init__(url)

    @property
    def url(self) -> str | URL:
        """The offending URL."""
        return self._url

    @property
    def description(self) -> str | None:
        """Why the URL was rejected."""
        return self._description

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self}>"

    def __str__(self) -> str:
        if self._description:
            return f"{self._url} - {self._description}"
        return str(self._url)


class InvalidUrlClientError(InvalidURL):
    """The URL given to a request is invalid."""


class RedirectClientError(ClientError):
    """Base class for a redirect the client refuses to follow."""


class NonHttpUrlClientError(ClientError):
    """The URL does not use an HTTP scheme."""


class InvalidUrlRedirectClientError(InvalidUrlClientError, RedirectClientError):
    """A redirect pointed to an invalid URL."""


class NonHttpUrlRedirectClientError(NonHttpUrlClientError, RedirectClientError):
    """A redirect pointed to a non-HTTP URL."""
