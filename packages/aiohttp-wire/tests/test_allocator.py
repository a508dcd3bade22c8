"""settle_malloc moves glibc's mmap threshold past asyncio's 256 KiB reads."""

from __future__ import annotations

import os
import subprocess
import sys

_MALLOC_PROBE = """
import ctypes, socket

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd",
        "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

mallinfo2 = ctypes.CDLL(None).mallinfo2
mallinfo2.restype = MallInfo2
a, b = socket.socketpair()

def mapped_for_a_read() -> int:
    b.send(b"HTTP/1.1 200 OK")
    before = mallinfo2().hblks
    data = a.recv(256 * 1024)  # as asyncio reads: a 256 KiB buffer, shrunk
    mapped = mallinfo2().hblks - before
    del data
    return mapped

from aiohttp_wire.allocator import settle_malloc

print(mapped_for_a_read(), mapped_for_a_read())
settle_malloc()
print(mapped_for_a_read(), mapped_for_a_read())
"""


def test_reads_come_from_the_heap_once_settled() -> None:
    # In a fresh interpreter (this one's allocator may have settled already),
    # run twice so that the second imports from bytecode caches (compiling
    # sources frees large blocks too): glibc (2.33+, for mallinfo2) maps
    # every read until its threshold moves past 256 KiB.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for _ in range(2):
        out = subprocess.run(
            [sys.executable, "-c", _MALLOC_PROBE],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
        assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "1", "0", "0"]
