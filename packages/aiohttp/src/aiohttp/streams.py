"""``aiohttp.streams``: re-exports from aiohttp_wire."""

from aiohttp_wire.streams import (
    EMPTY_PAYLOAD as EMPTY_PAYLOAD,
    AsyncStreamIterator as AsyncStreamIterator,
    ChunkTupleAsyncStreamIterator as ChunkTupleAsyncStreamIterator,
    DataQueue as DataQueue,
    EmptyStreamReader as EmptyStreamReader,
    EofStream as EofStream,
    FlowControlDataQueue as FlowControlDataQueue,
    StreamReader as StreamReader,
)

__all__ = [
    "EMPTY_PAYLOAD",
    "AsyncStreamIterator",
    "ChunkTupleAsyncStreamIterator",
    "DataQueue",
    "EmptyStreamReader",
    "EofStream",
    "FlowControlDataQueue",
    "StreamReader",
]
