"""Tests for HttpVersion."""

from aiohttp_wire.http_version import HttpVersion, HttpVersion10, HttpVersion11


def test_versions() -> None:
    assert HttpVersion10 == (1, 0)
    assert HttpVersion11 == HttpVersion(major=1, minor=1)
    assert HttpVersion11.major == 1
    assert HttpVersion11.minor == 1
    assert HttpVersion10 < HttpVersion11
    assert HttpVersion(2, 0) > HttpVersion11
