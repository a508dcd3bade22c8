"""HTTP/1.1 wire core of the aiohttp API: parsers, serializers, streams, payloads, multipart."""

__version__ = "0.1.0"
