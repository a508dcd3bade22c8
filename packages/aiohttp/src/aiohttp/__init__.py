"""``aiohttp``: re-exports from aiohttp_client, aiohttp_server, aiohttp_websocket, aiohttp_wire."""

from typing import TYPE_CHECKING

from aiohttp_client.client import (
    ClientSession as ClientSession,
    ClientTimeout as ClientTimeout,
    request as request,
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
from aiohttp_client.client_middlewares import (
    ClientHandlerType as ClientHandlerType,
    ClientMiddlewareType as ClientMiddlewareType,
)
from aiohttp_client.client_middleware_digest_auth import (
    DigestAuthMiddleware as DigestAuthMiddleware,
)
from aiohttp_client.connector import (
    AddrInfoType as AddrInfoType,
    BaseConnector as BaseConnector,
    NamedPipeConnector as NamedPipeConnector,
    SocketFactoryType as SocketFactoryType,
    TCPConnector as TCPConnector,
    UnixConnector as UnixConnector,
)
from aiohttp_client.cookiejar import (
    CookieJar as CookieJar,
    DummyCookieJar as DummyCookieJar,
)
from aiohttp_client.resolver import (
    AsyncResolver as AsyncResolver,
    DefaultResolver as DefaultResolver,
    ThreadedResolver as ThreadedResolver,
)
from aiohttp_client.tracing import (
    TraceConfig as TraceConfig,
    TraceConnectionCreateEndParams as TraceConnectionCreateEndParams,
    TraceConnectionCreateStartParams as TraceConnectionCreateStartParams,
    TraceConnectionQueuedEndParams as TraceConnectionQueuedEndParams,
    TraceConnectionQueuedStartParams as TraceConnectionQueuedStartParams,
    TraceConnectionReuseconnParams as TraceConnectionReuseconnParams,
    TraceDnsCacheHitParams as TraceDnsCacheHitParams,
    TraceDnsCacheMissParams as TraceDnsCacheMissParams,
    TraceDnsResolveHostEndParams as TraceDnsResolveHostEndParams,
    TraceDnsResolveHostStartParams as TraceDnsResolveHostStartParams,
    TraceRequestChunkSentParams as TraceRequestChunkSentParams,
    TraceRequestEndParams as TraceRequestEndParams,
    TraceRequestExceptionParams as TraceRequestExceptionParams,
    TraceRequestHeadersSentParams as TraceRequestHeadersSentParams,
    TraceRequestRedirectParams as TraceRequestRedirectParams,
    TraceRequestStartParams as TraceRequestStartParams,
    TraceResponseChunkReceivedParams as TraceResponseChunkReceivedParams,
)
from aiohttp_wire.compression_utils import (
    set_zlib_backend as set_zlib_backend,
)
from aiohttp_wire.formdata import (
    FormData as FormData,
)
from aiohttp_wire.helpers import (
    BasicAuth as BasicAuth,
    ChainMapProxy as ChainMapProxy,
    ETag as ETag,
)
from aiohttp_wire.http_version import (
    HttpVersion as HttpVersion,
    HttpVersion10 as HttpVersion10,
    HttpVersion11 as HttpVersion11,
)
from aiohttp_websocket.models import (
    WSCloseCode as WSCloseCode,
    WSMessage as WSMessage,
    WSMsgType as WSMsgType,
    WebSocketError as WebSocketError,
)
from aiohttp_wire.multipart import (
    BadContentDispositionHeader as BadContentDispositionHeader,
    BadContentDispositionParam as BadContentDispositionParam,
    BodyPartReader as BodyPartReader,
    MultipartReader as MultipartReader,
    MultipartWriter as MultipartWriter,
    content_disposition_filename as content_disposition_filename,
    parse_content_disposition as parse_content_disposition,
)
from aiohttp_wire.payload import (
    AsyncIterablePayload as AsyncIterablePayload,
    BufferedReaderPayload as BufferedReaderPayload,
    BytesIOPayload as BytesIOPayload,
    BytesPayload as BytesPayload,
    IOBasePayload as IOBasePayload,
    JsonPayload as JsonPayload,
    PAYLOAD_REGISTRY as PAYLOAD_REGISTRY,
    Payload as Payload,
    StringIOPayload as StringIOPayload,
    StringPayload as StringPayload,
    TextIOPayload as TextIOPayload,
    get_payload as get_payload,
    payload_type as payload_type,
)
from aiohttp_wire.payload_streamer import (
    streamer as streamer,
)
from aiohttp_wire.streams import (
    DataQueue as DataQueue,
    EMPTY_PAYLOAD as EMPTY_PAYLOAD,
    EofStream as EofStream,
    FlowControlDataQueue as FlowControlDataQueue,
    StreamReader as StreamReader,
)
from . import (
    abc as abc,
    base_protocol as base_protocol,
    client as client,
    client_exceptions as client_exceptions,
    client_middleware_digest_auth as client_middleware_digest_auth,
    client_middlewares as client_middlewares,
    client_proto as client_proto,
    client_reqrep as client_reqrep,
    client_ws as client_ws,
    compression_utils as compression_utils,
    connector as connector,
    cookiejar as cookiejar,
    formdata as formdata,
    hdrs as hdrs,
    helpers as helpers,
    http as http,
    http_exceptions as http_exceptions,
    http_parser as http_parser,
    http_websocket as http_websocket,
    http_writer as http_writer,
    log as log,
    multipart as multipart,
    payload as payload,
    payload_streamer as payload_streamer,
    resolver as resolver,
    streams as streams,
    tcp_helpers as tcp_helpers,
    tracing as tracing,
    typedefs as typedefs,
)

__version__ = "3.13.3"

if TYPE_CHECKING:
    from aiohttp_server.worker import (
        GunicornUVLoopWebWorker as GunicornUVLoopWebWorker,
        GunicornWebWorker as GunicornWebWorker,
    )


def __getattr__(name: str) -> object:
    """Names of slow-to-import homes, imported on first use."""
    if name in {"GunicornUVLoopWebWorker", "GunicornWebWorker"}:
        from aiohttp_server import worker

        return getattr(worker, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ClientSession",
    "ClientTimeout",
    "request",
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
    "ClientHandlerType",
    "ClientMiddlewareType",
    "DigestAuthMiddleware",
    "AddrInfoType",
    "BaseConnector",
    "NamedPipeConnector",
    "SocketFactoryType",
    "TCPConnector",
    "UnixConnector",
    "CookieJar",
    "DummyCookieJar",
    "AsyncResolver",
    "DefaultResolver",
    "ThreadedResolver",
    "TraceConfig",
    "TraceConnectionCreateEndParams",
    "TraceConnectionCreateStartParams",
    "TraceConnectionQueuedEndParams",
    "TraceConnectionQueuedStartParams",
    "TraceConnectionReuseconnParams",
    "TraceDnsCacheHitParams",
    "TraceDnsCacheMissParams",
    "TraceDnsResolveHostEndParams",
    "TraceDnsResolveHostStartParams",
    "TraceRequestChunkSentParams",
    "TraceRequestEndParams",
    "TraceRequestExceptionParams",
    "TraceRequestHeadersSentParams",
    "TraceRequestRedirectParams",
    "TraceRequestStartParams",
    "TraceResponseChunkReceivedParams",
    "set_zlib_backend",
    "FormData",
    "BasicAuth",
    "ChainMapProxy",
    "ETag",
    "HttpVersion",
    "HttpVersion10",
    "HttpVersion11",
    "WSCloseCode",
    "WSMessage",
    "WSMsgType",
    "WebSocketError",
    "BadContentDispositionHeader",
    "BadContentDispositionParam",
    "BodyPartReader",
    "MultipartReader",
    "MultipartWriter",
    "content_disposition_filename",
    "parse_content_disposition",
    "AsyncIterablePayload",
    "BufferedReaderPayload",
    "BytesIOPayload",
    "BytesPayload",
    "IOBasePayload",
    "JsonPayload",
    "PAYLOAD_REGISTRY",
    "Payload",
    "StringIOPayload",
    "StringPayload",
    "TextIOPayload",
    "get_payload",
    "payload_type",
    "streamer",
    "DataQueue",
    "EMPTY_PAYLOAD",
    "EofStream",
    "FlowControlDataQueue",
    "StreamReader",
    "GunicornUVLoopWebWorker",
    "GunicornWebWorker",
    "hdrs",
]
