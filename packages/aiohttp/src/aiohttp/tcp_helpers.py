"""``aiohttp.tcp_helpers``: re-exports from nothing yet."""

__all__: list[str] = []
