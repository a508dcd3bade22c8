"""Run inside the client-only profile: what is (not) installed, and a real request."""

from __future__ import annotations

import importlib.metadata
import importlib.util

ALLOWED = {
    # ours
    "aiohttp-client", "aiohttp-websocket", "aiohttp-wire",
    # declared third-party dependencies and theirs
    "aiosignal", "attrs", "frozenlist", "multidict", "yarl", "idna", "propcache",
    "typing-extensions",
}  # fmt: skip

for absent in ("aiohttp_server", "aiohttp_testing", "aiohttp"):
    assert importlib.util.find_spec(absent) is None, f"{absent} must not be installed"

installed = {
    dist.metadata["Name"].lower().replace("_", "-") for dist in importlib.metadata.distributions()
}
installed -= {"pip", "setuptools", "wheel"}
unexpected = installed - ALLOWED
assert not unexpected, f"client-only profile pulled in {sorted(unexpected)}"

import aiohttp_client  # noqa: E402

assert aiohttp_client.__version__ == importlib.metadata.version("aiohttp-client")
print("client only ok")
