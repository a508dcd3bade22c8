"""The ``aiohttp`` namespace: which module re-exports which names from where.

This table is the single description of the meta-package. ``tools/gen_meta.py``
writes ``packages/aiohttp/src/aiohttp/*.py`` from it, keeping only the names
their home already defines, and reports the rest as not yet implemented.
A row ``(home, "*")`` re-exports the home module's whole ``__all__``.
"""

from __future__ import annotations

__all__ = ["INIT_SUBMODULES", "SURFACE"]

W = "aiohttp_wire"
WS = "aiohttp_websocket"
C = "aiohttp_client"
S = "aiohttp_server"
T = "aiohttp_testing"

_TRACE_PARAMS = [
    "TraceConnectionCreateEndParams", "TraceConnectionCreateStartParams",
    "TraceConnectionQueuedEndParams", "TraceConnectionQueuedStartParams",
    "TraceConnectionReuseconnParams", "TraceDnsCacheHitParams", "TraceDnsCacheMissParams",
    "TraceDnsResolveHostEndParams", "TraceDnsResolveHostStartParams",
    "TraceRequestChunkSentParams", "TraceRequestEndParams", "TraceRequestExceptionParams",
    "TraceRequestHeadersSentParams", "TraceRequestRedirectParams", "TraceRequestStartParams",
    "TraceResponseChunkReceivedParams",
]  # fmt: skip

_CLIENT_EXCEPTIONS = [
    "ClientConnectionError", "ClientConnectionResetError", "ClientConnectorCertificateError",
    "ClientConnectorDNSError", "ClientConnectorError", "ClientConnectorSSLError", "ClientError",
    "ClientHttpProxyError", "ClientOSError", "ClientPayloadError", "ClientProxyConnectionError",
    "ClientResponseError", "ClientSSLError", "ConnectionTimeoutError", "ContentTypeError",
    "InvalidURL", "InvalidUrlClientError", "InvalidUrlRedirectClientError",
    "NonHttpUrlClientError", "NonHttpUrlRedirectClientError", "RedirectClientError",
    "ServerConnectionError", "ServerDisconnectedError", "ServerFingerprintMismatch",
    "ServerTimeoutError", "SocketTimeoutError", "TooManyRedirects", "WSMessageTypeError",
    "WSServerHandshakeError",
]  # fmt: skip

_PAYLOADS = [
    "AsyncIterablePayload", "BufferedReaderPayload", "BytesIOPayload", "BytesPayload",
    "IOBasePayload", "JsonPayload", "PAYLOAD_REGISTRY", "Payload", "StringIOPayload",
    "StringPayload", "TextIOPayload", "get_payload", "payload_type",
]  # fmt: skip

_MULTIPART = [
    "BadContentDispositionHeader", "BadContentDispositionParam", "BodyPartReader",
    "MultipartReader", "MultipartWriter", "content_disposition_filename",
    "parse_content_disposition",
]  # fmt: skip

_WS_MODELS = [
    "WSCloseCode", "WSMessage", "WSMsgType", "WebSocketError", "WS_CLOSED_MESSAGE",
    "WS_CLOSING_MESSAGE",
]  # fmt: skip

#: aiohttp module -> [(home module, names)]
SURFACE: dict[str, list[tuple[str, list[str] | str]]] = {
    "__init__": [
        (f"{C}.client", ["ClientSession", "ClientTimeout", "request"]),
        (f"{C}.client_exceptions", _CLIENT_EXCEPTIONS),
        (f"{C}.client_reqrep", ["ClientRequest", "ClientResponse", "Fingerprint", "RequestInfo"]),
        (f"{C}.client_ws", ["ClientWebSocketResponse", "ClientWSTimeout"]),
        (f"{C}.client_middlewares", ["ClientHandlerType", "ClientMiddlewareType"]),
        (f"{C}.client_middleware_digest_auth", ["DigestAuthMiddleware"]),
        (
            f"{C}.connector",
            [
                "AddrInfoType",
                "BaseConnector",
                "NamedPipeConnector",
                "SocketFactoryType",
                "TCPConnector",
                "UnixConnector",
            ],
        ),
        (f"{C}.cookiejar", ["CookieJar", "DummyCookieJar"]),
        (f"{C}.resolver", ["AsyncResolver", "DefaultResolver", "ThreadedResolver"]),
        (f"{C}.tracing", ["TraceConfig", *_TRACE_PARAMS]),
        (f"{W}.compression_utils", ["set_zlib_backend"]),
        (f"{W}.formdata", ["FormData"]),
        (f"{W}.helpers", ["BasicAuth", "ChainMapProxy", "ETag"]),
        (f"{W}.http_version", ["HttpVersion", "HttpVersion10", "HttpVersion11"]),
        (f"{WS}.models", ["WSCloseCode", "WSMessage", "WSMsgType", "WebSocketError"]),
        (f"{W}.multipart", _MULTIPART),
        (f"{W}.payload", _PAYLOADS),
        (f"{W}.payload_streamer", ["streamer"]),
        (
            f"{W}.streams",
            ["DataQueue", "EMPTY_PAYLOAD", "EofStream", "FlowControlDataQueue", "StreamReader"],
        ),
        (f"{S}.worker", ["GunicornUVLoopWebWorker", "GunicornWebWorker"]),
    ],
    "abc": [(f"{W}.abc", "*")],
    "base_protocol": [(f"{W}.base_protocol", ["BaseProtocol"])],
    "client": [
        (f"{C}.client", ["ClientSession", "ClientTimeout", "request"]),
        # Private context-manager types that libraries import for annotations
        # (kubernetes_asyncio: _WSRequestContextManager).
        (
            f"{C}.client",
            [
                "_BaseRequestContextManager",
                "_RequestContextManager",
                "_SessionRequestContextManager",
                "_WSRequestContextManager",
            ],
        ),
        # aiobotocore imports yarl's URL from aiohttp.client.
        (f"{W}.typedefs", ["URL"]),
        (f"{C}.client_exceptions", _CLIENT_EXCEPTIONS),
        (f"{C}.client_reqrep", ["ClientRequest", "ClientResponse", "Fingerprint", "RequestInfo"]),
        (f"{C}.client_ws", ["ClientWebSocketResponse", "ClientWSTimeout"]),
        (
            f"{C}.connector",
            ["BaseConnector", "NamedPipeConnector", "TCPConnector", "UnixConnector"],
        ),
        (f"{C}.cookiejar", ["CookieJar"]),
        (f"{W}.helpers", ["BasicAuth"]),
    ],
    "client_exceptions": [(f"{C}.client_exceptions", "*")],
    "client_middlewares": [(f"{C}.client_middlewares", "*")],
    "client_middleware_digest_auth": [(f"{C}.client_middleware_digest_auth", "*")],
    "client_proto": [(f"{C}.client_proto", "*")],
    "client_reqrep": [
        (f"{C}.client_reqrep", "*"),
        # aiohttp-client-cache builds ContentDisposition(type, MappingProxyType(...), name)
        # from names it imports here.
        (f"{W}.multipart", ["ContentDisposition"]),
        (f"{W}.typedefs", ["MappingProxyType"]),
    ],
    "client_ws": [(f"{C}.client_ws", "*")],
    "compression_utils": [(f"{W}.compression_utils", "*")],
    "connector": [(f"{C}.connector", "*")],
    "cookiejar": [(f"{C}.cookiejar", "*")],
    "formdata": [(f"{W}.formdata", "*")],
    "hdrs": [(f"{W}.hdrs", "*")],
    "helpers": [(f"{W}.helpers", "*"), (f"{S}.web_app", ["AppKey"])],
    "http": [
        (f"{W}.http_version", ["HttpVersion", "HttpVersion10", "HttpVersion11"]),
        (
            f"{W}.http_parser",
            [
                "HeadersParser",
                "HttpParser",
                "HttpRequestParser",
                "HttpResponseParser",
                "RawRequestMessage",
                "RawResponseMessage",
            ],
        ),
        (f"{W}.http_writer", ["StreamWriter", "RESPONSES"]),
        (f"{S}.web_response", ["SERVER_SOFTWARE"]),
        (f"{W}.http_exceptions", ["HttpProcessingError"]),
        (f"{WS}.models", _WS_MODELS),
        (f"{WS}.connection", ["WebSocketReader", "WebSocketWriter"]),
        (f"{WS}.handshake", ["WS_KEY"]),
        (f"{WS}.deflate", ["ws_ext_gen", "ws_ext_parse"]),
    ],
    "http_exceptions": [(f"{W}.http_exceptions", "*")],
    "http_parser": [(f"{W}.http_parser", "*")],
    "http_websocket": [
        (f"{WS}.models", [*_WS_MODELS, "WSMessageTypeError", "WSHandshakeError"]),
        (f"{WS}.connection", ["WebSocketReader", "WebSocketWriter"]),
        (f"{WS}.handshake", ["WS_KEY"]),
        (f"{WS}.deflate", ["ws_ext_gen", "ws_ext_parse"]),
    ],
    "http_writer": [(f"{W}.http_writer", "*"), (f"{W}.http_version", "*")],
    "log": [(f"{W}.log", "*")],
    "multipart": [(f"{W}.multipart", "*")],
    "payload": [(f"{W}.payload", "*")],
    "payload_streamer": [(f"{W}.payload_streamer", "*")],
    "pytest_plugin": [(f"{T}.pytest_plugin", "*")],
    "resolver": [(f"{C}.resolver", "*")],
    "streams": [(f"{W}.streams", "*")],
    "tcp_helpers": [(f"{W}.tcp_helpers", "*")],
    "test_utils": [(f"{T}.test_utils", "*")],
    "tracing": [(f"{C}.tracing", "*")],
    "typedefs": [(f"{W}.typedefs", "*")],
    "web": [(f"{S}.web", "*")],
    "web_app": [(f"{S}.web_app", "*")],
    "web_exceptions": [(f"{S}.web_exceptions", "*")],
    "web_fileresponse": [(f"{S}.web_fileresponse", "*")],
    "web_log": [(f"{S}.web_log", "*")],
    "web_middlewares": [(f"{S}.web_middlewares", "*")],
    "web_protocol": [
        (f"{S}.web_protocol", "*"),
        # pytest-aiohttp imports this private alias.
        (f"{S}.web_protocol", ["_RequestHandler"]),
    ],
    "web_request": [(f"{S}.web_request", "*")],
    # aiohttp-wsgi imports multidict's CIMultiDict from aiohttp.web_response.
    "web_response": [(f"{S}.web_response", "*"), (f"{W}.typedefs", ["CIMultiDict"])],
    "web_routedef": [(f"{S}.web_routedef", "*")],
    "web_runner": [(f"{S}.web_runner", "*")],
    "web_server": [(f"{S}.web_server", "*")],
    "web_urldispatcher": [(f"{S}.web_urldispatcher", "*")],
    "web_ws": [(f"{S}.web_ws", "*")],
    "worker": [(f"{S}.worker", "*")],
}


#: Homes that ``import aiohttp`` does not load: their names are imported on first
#: attribute access (gunicorn, which the workers subclass, is slow to import).
LAZY_HOMES = {"aiohttp_server.worker"}


#: Submodules ``import aiohttp`` loads, as aiohttp's own ``__init__`` does, so that
#: code using ``aiohttp.client_exceptions.X`` after a bare ``import aiohttp`` works.
#: Of these only ``hdrs`` is in ``aiohttp.__all__``, as in aiohttp.
INIT_SUBMODULES = [
    "abc", "base_protocol", "client", "client_exceptions", "client_middleware_digest_auth",
    "client_middlewares", "client_proto", "client_reqrep", "client_ws", "compression_utils",
    "connector", "cookiejar", "formdata", "hdrs", "helpers", "http", "http_exceptions",
    "http_parser", "http_websocket", "http_writer", "log", "multipart", "payload",
    "payload_streamer", "resolver", "streams", "tcp_helpers", "tracing", "typedefs",
]  # fmt: skip
