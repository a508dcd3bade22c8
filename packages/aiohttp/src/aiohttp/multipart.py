"""``aiohttp.multipart``: re-exports from aiohttp_wire."""

from aiohttp_wire.multipart import (
    BadContentDispositionHeader as BadContentDispositionHeader,
    BadContentDispositionParam as BadContentDispositionParam,
    BodyPartReader as BodyPartReader,
    BodyPartReaderPayload as BodyPartReaderPayload,
    ContentDisposition as ContentDisposition,
    MultipartReader as MultipartReader,
    MultipartResponseWrapper as MultipartResponseWrapper,
    MultipartWriter as MultipartWriter,
    content_disposition_filename as content_disposition_filename,
    parse_content_disposition as parse_content_disposition,
)

__all__ = [
    "BadContentDispositionHeader",
    "BadContentDispositionParam",
    "BodyPartReader",
    "BodyPartReaderPayload",
    "ContentDisposition",
    "MultipartReader",
    "MultipartResponseWrapper",
    "MultipartWriter",
    "content_disposition_filename",
    "parse_content_disposition",
]
