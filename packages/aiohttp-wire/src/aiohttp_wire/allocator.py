"""One-time tuning of glibc's malloc for a process that reads from sockets.

asyncio reads up to 256 KiB at a time into a fresh buffer and shrinks it to
what arrived. glibc serves blocks above its mmap threshold (128 KiB at
start) with ``mmap`` and gives the heap top back to the system once 128 KiB
of it are free, so until those thresholds move every read maps memory (an
``mmap``, an ``mremap``, a ``munmap`` and a page fault: about a fifth of a
small client GET's CPU time) and every large request body grows, trims and
page-faults the heap again (about 15 faults per 64 KiB server request).
Freeing one block larger than the threshold raises it to that size and the
trim threshold to twice that: glibc's dynamic threshold, which long-running
processes usually reach by accident. The client's first connector and the
server's first ``Server`` call :func:`settle_malloc`.
"""

from __future__ import annotations

from typing import Final

__all__ = ["MALLOC_PRIMER", "settle_malloc"]

#: Size of the block :func:`settle_malloc` frees: above asyncio's 256 KiB
#: reads and the server's default 1 MiB ``client_max_size``, and large enough
#: that the trim threshold it implies (twice this) exceeds what a few dozen
#: connections echoing 64 KiB bodies hold at once (with 1 MiB a 32-connection
#: echo still trimmed and regrew the heap, 1-3 page faults per request).
MALLOC_PRIMER: Final = 4 << 20

_settled = False


def settle_malloc() -> None:
    """Free one :data:`MALLOC_PRIMER`-byte block, once per process.

    ``bytes(n)`` is calloc'ed, so no page of it is touched; on allocators
    other than glibc's this is a harmless allocation.
    """
    global _settled
    if not _settled:
        _settled = True
        bytes(MALLOC_PRIMER)
