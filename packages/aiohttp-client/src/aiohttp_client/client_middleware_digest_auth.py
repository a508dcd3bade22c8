"""HTTP Digest authentication (RFC 7616) as a client middleware.

On a ``401`` carrying a ``Digest`` challenge the request is sent once more
with credentials. With ``preemptive=True`` (the default), later requests to
the same protection space carry credentials from the start, as browsers do.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from typing import Final

from yarl import URL

from aiohttp_wire import hdrs

from .client_exceptions import ClientError
from .client_middlewares import ClientHandlerType
from .client_reqrep import ClientRequest, ClientResponse

__all__ = ("DigestAuthMiddleware",)


def _hasher(name: str) -> Callable[[bytes], str]:
    def digest(data: bytes) -> str:
        return hashlib.new(name, data).hexdigest()

    return digest


_ALGORITHMS: Final[dict[str, Callable[[bytes], str]]] = {
    "MD5": _hasher("md5"),
    "SHA": _hasher("sha1"),
    "SHA-256": _hasher("sha256"),
    "SHA256": _hasher("sha256"),
    "SHA-512": _hasher("sha512"),
    "SHA512": _hasher("sha512"),
    "SHA-512-256": _hasher("sha512_256"),
}

# auth-param = token BWS "=" BWS ( token / quoted-string ), comma separated.
_PARAM_RE: Final = re.compile(r'([!#$%&\'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)')
_UNESCAPE_RE: Final = re.compile(r"\\(.)")


def parse_challenge(header: str) -> dict[str, str] | None:
    """Parse a ``Digest`` challenge into lower-cased parameter names; ``None`` if not Digest."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "digest":
        return None
    params: dict[str, str] = {}
    for name, value in _PARAM_RE.findall(rest):
        if value.startswith('"'):
            value = _UNESCAPE_RE.sub(r"\1", value[1:-1])
        params[name.lower()] = value
    return params


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _qop_options(challenge: dict[str, str]) -> list[str]:
    """The ``qop`` values a challenge offers."""
    return [q.strip() for q in challenge.get("qop", "").split(",") if q.strip()]


class DigestAuthMiddleware:
    """Answer Digest challenges with ``login`` and ``password``."""

    def __init__(self, login: str, password: str, preemptive: bool = True) -> None:
        if login is None:
            raise ValueError("None is not allowed as login value")
        if password is None:
            raise ValueError("None is not allowed as password value")
        if ":" in login:
            raise ValueError('A ":" is not allowed in username')
        self._login = login
        self._password = password
        self._preemptive = preemptive
        self._challenge: dict[str, str] = {}
        self._nonce_count = 0
        self._last_nonce = ""
        self._protection_space: list[str] = []

    def _in_protection_space(self, url: URL) -> bool:
        target = str(url)
        for prefix in self._protection_space:
            if not target.startswith(prefix):
                continue
            if len(target) == len(prefix) or prefix.endswith("/") or target[len(prefix)] in "/?#":
                return True
        return False

    def _set_protection_space(self, url: URL, challenge: dict[str, str]) -> None:
        domain = challenge.get("domain")
        origin = str(url.origin())
        if not domain:
            self._protection_space = [origin]
            return
        space = []
        for uri in domain.split():
            if uri.startswith("/"):
                space.append(origin + uri)
            else:
                space.append(str(URL(uri)))
        self._protection_space = space

    def _encode(self, method: str, url: URL, body: bytes) -> str:
        """Build the ``Authorization`` header value for the stored challenge."""
        challenge = self._challenge
        realm = challenge.get("realm", "")
        nonce = challenge.get("nonce", "")
        if not nonce:
            raise ClientError("Malformed Digest auth challenge: missing nonce")
        algorithm = challenge.get("algorithm", "MD5")
        upper = algorithm.upper()
        session = upper.endswith("-SESS")
        base = upper[:-5] if session else upper
        digest = _ALGORITHMS.get(base)
        if digest is None:
            raise ClientError(f"Unsupported Digest auth algorithm: {algorithm}")
        qop_options = _qop_options(challenge)
        if not qop_options:
            qop = ""
        elif "auth-int" in qop_options:  # preferred, as aiohttp does: it covers the body
            qop = "auth-int"
        elif "auth" in qop_options:
            qop = "auth"
        else:
            raise ClientError(f"Unsupported Digest auth qop value: {challenge['qop']}")

        if nonce == self._last_nonce:
            self._nonce_count += 1
        else:
            self._nonce_count = 1
            self._last_nonce = nonce
        nc = f"{self._nonce_count:08x}"
        cnonce = os.urandom(16).hex()
        uri = url.raw_path_qs

        ha1 = digest(f"{self._login}:{realm}:{self._password}".encode())
        if session:
            ha1 = digest(f"{ha1}:{nonce}:{cnonce}".encode())
        if qop == "auth-int":
            ha2 = digest(f"{method}:{uri}:{digest(body)}".encode())
        else:
            ha2 = digest(f"{method}:{uri}".encode())
        if qop:
            response = digest(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}".encode())
        else:
            response = digest(f"{ha1}:{nonce}:{ha2}".encode())

        fields = [
            f"username={_quote(self._login)}",
            f"realm={_quote(realm)}",
            f"nonce={_quote(nonce)}",
            f"uri={_quote(uri)}",
            f"response={_quote(response)}",
            f"algorithm={algorithm}",
        ]
        opaque = challenge.get("opaque")
        if opaque is not None:
            fields.append(f"opaque={_quote(opaque)}")
        if qop:
            fields.extend((f"qop={qop}", f"nc={nc}", f"cnonce={_quote(cnonce)}"))
        return "Digest " + ", ".join(fields)

    def _take_challenge(self, response: ClientResponse) -> bool:
        """Store a usable Digest challenge from a 401; report whether there was one."""
        if response.status != 401:
            return False
        for header in response.headers.getall(hdrs.WWW_AUTHENTICATE, ()):
            challenge = parse_challenge(header)
            if challenge is not None and challenge.get("nonce"):
                self._challenge = challenge
                self._set_protection_space(response.url, challenge)
                return True
        return False

    async def _body_bytes(self, request: ClientRequest) -> bytes:
        if "auth-int" in _qop_options(self._challenge):
            body = request.body
            if body is None:
                return b""
            return await body.as_bytes()
        return b""

    async def __call__(self, request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        """Send ``request``, answering one Digest challenge if the server sends it."""
        for attempt in range(2):
            if self._challenge and (
                attempt == 1 or (self._preemptive and self._in_protection_space(request.url))
            ):
                request.headers[hdrs.AUTHORIZATION] = self._encode(
                    request.method, request.url, await self._body_bytes(request)
                )
            response = await handler(request)
            if attempt == 0 and self._take_challenge(response):
                response.release()
                continue
            return response
        return response
