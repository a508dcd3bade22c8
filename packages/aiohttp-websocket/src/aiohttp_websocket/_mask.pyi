"""Types of the optional C masking accelerator (``_mask.c``)."""

def mask(
    key: bytes | bytearray | memoryview,
    data: bytes | bytearray | memoryview,
    header: bytes | bytearray | memoryview = ...,
    /,
) -> bytes:
    """Return ``header + data`` XORed with the 4-byte ``key`` repeated from data's start."""
