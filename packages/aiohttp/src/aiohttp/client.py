"""``aiohttp.client``: re-exports from aiohttp_client, aiohttp_wire."""

from aiohttp_client.client import (
    ClientSession as ClientSession,
    ClientTimeout as ClientTimeout,
    request as request,
)
from aiohttp_client.client import (
    _BaseRequestContextManager as _BaseRequestContextManager,
    _RequestContextManager as _RequestContextManager,
    _SessionRequestContextManager as _SessionRequestContextManager,
    _WSRequestContextManager as _WSRequestContextManager,
)
from aiohttp_wire.typedefs import (
    URL as URL,
)
from aiohttp_client.client_exceptions import (
    ClientConnectionError as ClientConnectionError,
    ClientConnectionResetError as ClientConnectionResetError,
    ClientConnectorCertificateError as ClientConnectorCertificateError,
    ClientConnectorDNSError as ClientConnectorDNSError,
    ClientConnectorError as ClientConnectorError,
    ClientConnectorSSLError as ClientConnectorSSLError,
    ClientError as ClientError,
    ClientHttpProxyError as ClientHttpProxyError,
    ClientOSError as ClientOSError,
    ClientPayloadError as ClientPayloadError,
    ClientProxyConnectionError as ClientProxyConnectionError,
    ClientResponseError as ClientResponseError,
    ClientSSLError as ClientSSLError,
    ConnectionTimeoutError as ConnectionTimeoutError,
    ContentTypeError as ContentTypeError,
    InvalidURL as InvalidURL,
    InvalidUrlClientError as InvalidUrlClientError,
    InvalidUrlRedirectClientError as InvalidUrlRedirectClientError,
    NonHttpUrlClientError as NonHttpUrlClientError,
    NonHttpUrlRedirectClientError as NonHttpUrlRedirectClientError,
    RedirectClientError as RedirectClientError,
    ServerConnectionError as ServerConnectionError,
    ServerDisconnectedError as ServerDisconnectedError,
    ServerFingerprintMismatch as ServerFingerprintMismatch,
    ServerTimeoutError as ServerTimeoutError,
    SocketTimeoutError as SocketTimeoutError,
    TooManyRedirects as TooManyRedirects,
    WSMessageTypeError as WSMessageTypeError,
    WSServerHandshakeError as WSServerHandshakeError,
)
from aiohttp_client.client_reqrep import (
    ClientRequest as ClientRequest,
    ClientResponse as ClientResponse,
    Fingerprint as Fingerprint,
    RequestInfo as RequestInfo,
)
from aiohttp_client.client_ws import (
    ClientWebSocketResponse as ClientWebSocketResponse,
    ClientWSTimeout as ClientWSTimeout,
)
from aiohttp_client.connector import (
    BaseConnector as BaseConnector,
    NamedPipeConnector as NamedPipeConnector,
    TCPConnector as TCPConnector,
    UnixConnector as UnixConnector,
)
from aiohttp_client.cookiejar import (
    CookieJar as CookieJar,
)
from aiohttp_wire.helpers import (
    BasicAuth as BasicAuth,
)

__all__ = [
    "ClientSession",
    "ClientTimeout",
    "request",
    "URL",
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
    "ClientRequest",
    "ClientResponse",
    "Fingerprint",
    "RequestInfo",
    "ClientWebSocketResponse",
    "ClientWSTimeout",
    "BaseConnector",
    "NamedPipeConnector",
    "TCPConnector",
    "UnixConnector",
    "CookieJar",
    "BasicAuth",
]
