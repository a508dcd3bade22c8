"""``aiohttp.compression_utils``: re-exports from aiohttp_wire."""

from aiohttp_wire.compression_utils import (
    DEFAULT_MAX_DECOMPRESS_SIZE as DEFAULT_MAX_DECOMPRESS_SIZE,
    HAS_BROTLI as HAS_BROTLI,
    HAS_ZSTD as HAS_ZSTD,
    MAX_SYNC_CHUNK_SIZE as MAX_SYNC_CHUNK_SIZE,
    BrotliDecompressor as BrotliDecompressor,
    ZLibBackend as ZLibBackend,
    ZLibCompressor as ZLibCompressor,
    ZLibDecompressor as ZLibDecompressor,
    ZSTDDecompressor as ZSTDDecompressor,
    accept_encoding as accept_encoding,
    encoding_to_mode as encoding_to_mode,
    set_zlib_backend as set_zlib_backend,
)

__all__ = [
    "DEFAULT_MAX_DECOMPRESS_SIZE",
    "HAS_BROTLI",
    "HAS_ZSTD",
    "MAX_SYNC_CHUNK_SIZE",
    "BrotliDecompressor",
    "ZLibBackend",
    "ZLibCompressor",
    "ZLibDecompressor",
    "ZSTDDecompressor",
    "accept_encoding",
    "encoding_to_mode",
    "set_zlib_backend",
]
