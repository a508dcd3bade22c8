"""Proxies and credentials from the environment (``trust_env=True``)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from yarl import URL

from aiohttp_client.proxy_env import (
    ProxyInfo,
    basicauth_from_netrc,
    get_env_proxy_for_url,
    netrc_from_env,
    proxies_from_env,
)
from aiohttp_wire.helpers import BasicAuth

_VARS = (
    "http_proxy",
    "https_proxy",
    "ws_proxy",
    "wss_proxy",
    "all_proxy",
    "no_proxy",
    "ftp_proxy",
    "REQUEST_METHOD",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in _VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "absent-netrc"))
    monkeypatch.setenv("HOME", str(tmp_path))


def write_netrc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    path = tmp_path / "netrc"
    path.write_text(text)
    path.chmod(0o600)
    monkeypatch.setenv("NETRC", str(path))


def test_proxies_per_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.test:3128")
    monkeypatch.setenv("https_proxy", "http://user:pa%20ss@secure.test:8080")
    monkeypatch.setenv("WS_PROXY", "http://ws.test:1")
    monkeypatch.setenv("WSS_PROXY", "http://wss.test:2")
    monkeypatch.setenv("FTP_PROXY", "http://ftp.test:3")
    proxies = proxies_from_env()
    assert set(proxies) == {"http", "https", "ws", "wss"}
    assert proxies["http"] == ProxyInfo(URL("http://proxy.test:3128"), None)
    assert proxies["https"].proxy == URL("http://secure.test:8080")
    assert proxies["https"].proxy_auth == BasicAuth("user", "pa ss")
    assert "ProxyInfo" in repr(proxies["ws"])


def test_https_proxy_urls_are_ignored(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "https://proxy.test:443")
    with caplog.at_level(logging.WARNING):
        assert proxies_from_env() == {}
    assert "not supported" in caplog.text


def test_get_env_proxy_for_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.test:3128")
    assert get_env_proxy_for_url(URL("http://example.com/")) == (
        URL("http://proxy.test:3128"),
        None,
    )
    with pytest.raises(LookupError):
        get_env_proxy_for_url(URL("https://example.com/"))


def test_no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.test:3128")
    monkeypatch.setenv("NO_PROXY", "example.com,.internal.test")
    with pytest.raises(LookupError, match="disallowed"):
        get_env_proxy_for_url(URL("http://example.com/"))
    with pytest.raises(LookupError):
        get_env_proxy_for_url(URL("http://a.internal.test/"))
    assert get_env_proxy_for_url(URL("http://other.com/"))[0] == URL("http://proxy.test:3128")


def test_netrc_credentials_for_proxy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_netrc(tmp_path, monkeypatch, "machine proxy.test login pu password pp\n")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.test:3128")
    assert get_env_proxy_for_url(URL("http://example.com/")) == (
        URL("http://proxy.test:3128"),
        BasicAuth("pu", "pp"),
    )


def test_netrc_lookup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_netrc(
        tmp_path,
        monkeypatch,
        "machine example.com login user password secret\n"
        "machine nopass.test login only\n"
        "default login anon password guest\n",
    )
    rc = netrc_from_env()
    assert rc is not None
    assert basicauth_from_netrc(rc, "example.com") == BasicAuth("user", "secret")
    assert basicauth_from_netrc(rc, "nopass.test") == BasicAuth("only", "")
    assert basicauth_from_netrc(rc, "elsewhere.test") == BasicAuth("anon", "guest")


def test_netrc_missing_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_netrc(tmp_path, monkeypatch, "machine example.com login user password secret\n")
    rc = netrc_from_env()
    with pytest.raises(LookupError):
        basicauth_from_netrc(rc, "other.test")
    with pytest.raises(LookupError):
        basicauth_from_netrc(None, "example.com")


def test_netrc_absent_or_broken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    assert netrc_from_env() is None  # $NETRC names a missing file
    write_netrc(tmp_path, monkeypatch, "machine example.com login x passwordd y\n")
    with caplog.at_level(logging.WARNING):
        assert netrc_from_env() is None
    assert ".netrc" in caplog.text


def test_netrc_in_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NETRC")
    path = tmp_path / ".netrc"
    path.write_text("machine home.test login h password p\n")
    path.chmod(0o600)
    rc = netrc_from_env()
    assert rc is not None
    assert basicauth_from_netrc(rc, "home.test") == BasicAuth("h", "p")
