"""Tests for the header-name constants and methods."""

from multidict import CIMultiDict, istr

from aiohttp_wire import hdrs


def test_header_names_are_istr() -> None:
    names = [getattr(hdrs, n) for n in hdrs.__all__ if not n.startswith("METH_")]
    assert len(names) > 70
    assert all(isinstance(n, istr) for n in names)


def test_header_lookup_case_insensitive() -> None:
    d = CIMultiDict({"content-type": "text/plain", "SEC-WEBSOCKET-KEY": "k"})
    assert d[hdrs.CONTENT_TYPE] == "text/plain"
    assert d[hdrs.SEC_WEBSOCKET_KEY] == "k"
    assert istr("content-length") in CIMultiDict({hdrs.CONTENT_LENGTH: "1"})
    assert str(hdrs.WWW_AUTHENTICATE) == "WWW-Authenticate"


def test_methods() -> None:
    assert hdrs.METH_ANY == "*"
    assert hdrs.METH_ANY not in hdrs.METH_ALL
    assert {
        "CONNECT",
        "HEAD",
        "GET",
        "DELETE",
        "OPTIONS",
        "PATCH",
        "POST",
        "PUT",
        "TRACE",
    } == hdrs.METH_ALL


def test_all_names_exist() -> None:
    for name in hdrs.__all__:
        assert hasattr(hdrs, name), name
