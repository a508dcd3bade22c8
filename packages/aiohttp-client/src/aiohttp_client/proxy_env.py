"""What ``trust_env=True`` reads from the environment: proxies and ``.netrc``.

``HTTP_PROXY``, ``HTTPS_PROXY``, ``WS_PROXY`` and ``WSS_PROXY`` (either case)
name the proxy per target scheme, ``NO_PROXY`` exempts hosts, and ``.netrc``
(``$NETRC`` or ``~/.netrc``) supplies credentials for proxies and for
requests that carry none.
"""

from __future__ import annotations

import netrc
import os
from pathlib import Path

from yarl import URL

from aiohttp_wire.helpers import BasicAuth
from aiohttp_wire.log import client_logger

__all__ = (
    "ProxyInfo",
    "basicauth_from_netrc",
    "get_env_proxy_for_url",
    "netrc_from_env",
    "proxies_from_env",
)

_PROXY_SCHEMES = frozenset({"http", "https", "ws", "wss"})


class ProxyInfo:
    """A proxy URL and its credentials."""

    __slots__ = ("proxy", "proxy_auth")

    def __init__(self, proxy: URL, proxy_auth: BasicAuth | None) -> None:
        self.proxy = proxy
        self.proxy_auth = proxy_auth

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ProxyInfo)
            and other.proxy == self.proxy
            and other.proxy_auth == self.proxy_auth
        )

    def __hash__(self) -> int:
        return hash((self.proxy, self.proxy_auth))

    def __repr__(self) -> str:
        return f"ProxyInfo(proxy={self.proxy!r}, proxy_auth={self.proxy_auth!r})"


def netrc_from_env() -> netrc.netrc | None:
    """The ``.netrc`` named by ``$NETRC`` (else ``~/.netrc``), or ``None`` when unusable."""
    env = os.environ.get("NETRC")
    if env:
        path = Path(env)
    else:
        try:
            path = Path.home() / ".netrc"
        except RuntimeError:  # no home directory
            return None
    try:
        return netrc.netrc(str(path))
    except netrc.NetrcParseError as exc:
        client_logger.warning("Could not parse .netrc file: %s", exc)
    except OSError as exc:
        if env:  # only complain about a file the user asked for
            client_logger.warning("Could not read .netrc file: %s", exc)
    return None


def basicauth_from_netrc(netrc_obj: netrc.netrc | None, host: str) -> BasicAuth:
    """The ``.netrc`` credentials for ``host`` (or its ``default``); ``LookupError`` if none."""
    if netrc_obj is None:
        raise LookupError("No .netrc file found")
    entry = netrc_obj.authenticators(host)
    if entry is None:
        raise LookupError(f"No entry for {host!s} found in the .netrc file")
    login, account, password = entry
    username = login if (login or account is None) else account
    return BasicAuth(username, password or "")


def proxies_from_env() -> dict[str, ProxyInfo]:
    """Proxies per target scheme from ``*_PROXY``; ``https://`` proxy URLs are skipped."""
    from urllib.request import getproxies  # only with trust_env: urllib.request is slow to import

    proxy_urls = {k: URL(v) for k, v in getproxies().items() if k in _PROXY_SCHEMES}
    netrc_obj = netrc_from_env()
    result: dict[str, ProxyInfo] = {}
    for scheme, proxy in proxy_urls.items():
        if proxy.scheme != "http":
            client_logger.warning(
                "%s proxies %s are not supported, ignoring", proxy.scheme.upper(), proxy
            )
            continue
        auth: BasicAuth | None = None
        if proxy.user is not None:
            auth = BasicAuth(proxy.user, proxy.password or "")
            proxy = proxy.with_user(None)
        elif netrc_obj is not None and proxy.host is not None:
            try:
                auth = basicauth_from_netrc(netrc_obj, proxy.host)
            except LookupError:
                auth = None
        result[scheme] = ProxyInfo(proxy, auth)
    return result


def get_env_proxy_for_url(url: URL) -> tuple[URL, BasicAuth | None]:
    """The proxy and credentials for ``url``; ``LookupError`` if none applies (or ``NO_PROXY``)."""
    from urllib.request import proxy_bypass

    host = url.host
    if host is not None and proxy_bypass(host):
        raise LookupError(f"Proxying is disallowed for `{url.host!r}`")
    proxies = proxies_from_env()
    try:
        info = proxies[url.scheme]
    except KeyError:
        raise LookupError(f"No proxies found for `{url!s}` in the env") from None
    return info.proxy, info.proxy_auth
