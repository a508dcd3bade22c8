"""Types of the optional C header-block splitter (``_http_head.c``)."""

def parse_header_block(
    block: bytes, max_headers: int, /
) -> tuple[list[tuple[str, str]], tuple[tuple[bytes, bytes], ...]] | None:
    """Split strictly valid field lines; None for anything else (Python decides)."""
