"""Loading the optional C accelerators of our distributions.

``aiohttp-wire`` (``_http_head``) and ``aiohttp-websocket`` (``_mask``) each
build one small C extension when a compiler is there. Their Python modules
ask :func:`load_accelerator` for it and keep their pure-Python code when it
returns None: the extension was not built, or ``AIOHTTP_NO_EXTENSIONS`` is
set (any non-empty value), as it turns off aiohttp's own C code paths.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

__all__ = ["load_accelerator"]


def load_accelerator(module: str, name: str) -> Any | None:
    """``module.name`` from a built C extension, or None (not built, or turned off)."""
    if os.environ.get("AIOHTTP_NO_EXTENSIONS"):
        return None
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError:
        return None
