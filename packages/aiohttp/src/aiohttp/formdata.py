"""``aiohttp.formdata``: re-exports from aiohttp_wire."""

from aiohttp_wire.formdata import (
    FormData as FormData,
)

__all__ = [
    "FormData",
]
