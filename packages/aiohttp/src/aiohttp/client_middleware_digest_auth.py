"""``aiohttp.client_middleware_digest_auth``: re-exports from nothing yet."""

__all__: list[str] = []
