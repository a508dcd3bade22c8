"""``aiohttp.client_middleware_digest_auth``: re-exports from aiohttp_client."""

from aiohttp_client.client_middleware_digest_auth import (
    DigestAuthMiddleware as DigestAuthMiddleware,
)

__all__ = [
    "DigestAuthMiddleware",
]
