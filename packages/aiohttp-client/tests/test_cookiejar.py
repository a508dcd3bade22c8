"""CookieJar (RFC 6265) and DummyCookieJar."""

from __future__ import annotations

import pickle
import time
from email.utils import formatdate
from http.cookies import BaseCookie, Morsel, SimpleCookie
from pathlib import Path

import pytest
from yarl import URL

from aiohttp_client.cookiejar import CookieJar, DummyCookieJar, _parse_date
from aiohttp_wire.abc import AbstractCookieJar


def parsed(header: str) -> SimpleCookie:
    c: SimpleCookie = SimpleCookie()
    c.load(header)
    return c


def names(cookies: BaseCookie[str]) -> set[str]:
    return set(cookies)


async def test_empty_jar() -> None:
    jar = CookieJar()
    assert isinstance(jar, AbstractCookieJar)
    assert len(jar) == 0
    assert list(jar) == []
    assert jar.filter_cookies(URL("http://example.com/")) == SimpleCookie()
    assert jar.quote_cookie


async def test_host_only_cookie() -> None:
    jar = CookieJar()
    jar.update_cookies(parsed("a=1"), URL("http://example.com/"))
    assert names(jar.filter_cookies(URL("http://example.com/x"))) == {"a"}
    assert names(jar.filter_cookies(URL("http://sub.example.com/"))) == set()
    assert names(jar.filter_cookies(URL("http://other.com/"))) == set()
    (morsel,) = list(jar)
    assert morsel["domain"] == "example.com"


async def test_filter_cookies_accepts_a_str_with_a_deprecation_warning() -> None:
    jar = CookieJar()
    jar.update_cookies(parsed("a=1"), URL("http://example.com/"))
    with pytest.warns(DeprecationWarning, match="yarl.URL"):
        assert names(jar.filter_cookies("http://example.com/x")) == {"a"}
    with pytest.warns(DeprecationWarning, match="yarl.URL"):
        assert names(jar.filter_cookies("http://other.com/")) == set()


async def test_domain_cookie_matches_subdomains() -> None:
    jar = CookieJar()
    jar.update_cookies(parsed("a=1; Domain=.example.com"), URL("http://www.example.com/"))
    assert names(jar.filter_cookies(URL("http://example.com/"))) == {"a"}
    assert names(jar.filter_cookies(URL("http://deep.sub.example.com/"))) == {"a"}
    assert names(jar.filter_cookies(URL("http://badexample.com/"))) == set()


async def test_foreign_domain_is_rejected() -> None:
    jar = CookieJar()
    jar.update_cookies(parsed("a=1; Domain=other.com"), URL("http://example.com/"))
    jar.update_cookies(parsed("b=1; Domain=www.example.com"), URL("http://example.com/"))
    assert len(jar) == 0


async def test_ip_address_cookies_need_unsafe() -> None:
    jar = CookieJar()
    jar.update_cookies(parsed("a=1"), URL("http://127.0.0.1/"))
    assert len(jar) == 0
    unsafe = CookieJar(unsafe=True)
    unsafe.update_cookies(parsed("a=1"), URL("http://127.0.0.1/"))
    assert names(unsafe.filter_cookies(URL("http://127.0.0.1/"))) == {"a"}
    assert names(unsafe.filter_cookies(URL("http://127.0.0.2/"))) == set()


async def test_shared_cookie_without_url() -> None:
    jar = CookieJar()
    jar.update_cookies({"shared": "v"})
    assert names(jar.filter_cookies(URL("http://a.com/"))) == {"shared"}
    assert names(jar.filter_cookies(URL("http://127.0.0.1/"))) == {"shared"}


async def test_update_accepts_pairs_and_morsels() -> None:
    jar = CookieJar()
    m: Morsel[str] = Morsel()
    m.set("m", "1", "1")
    jar.update_cookies([("p", "2"), ("m", m)], URL("http://example.com/"))
    assert names(jar.filter_cookies(URL("http://example.com/"))) == {"p", "m"}


async def test_path_matching_and_order() -> None:
    jar = CookieJar()
    url = URL("http://example.com/")
    jar.update_cookies(parsed("a=root; Path=/"), url)
    jar.update_cookies(parsed("b=foo; Path=/foo"), url)
    jar.update_cookies(parsed("a=deep; Path=/foo/bar"), url)
    assert names(jar.filter_cookies(URL("http://example.com/"))) == {"a"}
    assert names(jar.filter_cookies(URL("http://example.com/foobar"))) == {"a"}
    foo = jar.filter_cookies(URL("http://example.com/foo/x"))
    assert names(foo) == {"a", "b"} and foo["a"].value == "root"
    deep = jar.filter_cookies(URL("http://example.com/foo/bar/baz"))
    assert deep["a"].value == "deep"  # the longer path wins


async def test_default_path_is_the_request_directory() -> None:
    jar = CookieJar()
    jar.update_cookies(parsed("a=1"), URL("http://example.com/dir/page"))
    assert names(jar.filter_cookies(URL("http://example.com/dir/other"))) == {"a"}
    assert names(jar.filter_cookies(URL("http://example.com/"))) == set()
    jar.update_cookies(parsed("b=1; Path=relative"), URL("http://example.com/x"))
    assert names(jar.filter_cookies(URL("http://example.com/"))) == {"b"}


async def test_secure_cookies() -> None:
    jar = CookieJar()
    jar.update_cookies(parsed("s=1; Secure"), URL("https://example.com/"))
    assert names(jar.filter_cookies(URL("https://example.com/"))) == {"s"}
    assert names(jar.filter_cookies(URL("wss://example.com/"))) == {"s"}
    assert names(jar.filter_cookies(URL("http://example.com/"))) == set()


async def test_treat_as_secure_origin() -> None:
    jar = CookieJar(treat_as_secure_origin=["http://example.com:8080"])
    jar.update_cookies(parsed("s=1; Secure"), URL("http://example.com:8080/"))
    assert names(jar.filter_cookies(URL("http://example.com:8080/x"))) == {"s"}
    assert names(jar.filter_cookies(URL("http://example.com:9090/"))) == set()
    single = CookieJar(treat_as_secure_origin=URL("http://example.com"))
    single.update_cookies(parsed("s=1; Secure"), URL("http://example.com/"))
    assert names(single.filter_cookies(URL("http://example.com/"))) == {"s"}


async def test_max_age() -> None:
    jar = CookieJar()
    url = URL("http://example.com/")
    jar.update_cookies(parsed("a=1; Max-Age=1000"), url)
    assert len(jar) == 1
    jar.update_cookies(parsed("a=1; Max-Age=0"), url)
    assert len(jar) == 0
    jar.update_cookies(parsed("b=1; Max-Age=-5"), url)
    assert len(jar) == 0
    jar.update_cookies(parsed("c=1; Max-Age=bogus"), url)
    assert names(jar.filter_cookies(url)) == {"c"}  # ignored attribute: a session cookie


async def test_expiry_is_applied_lazily() -> None:
    jar = CookieJar()
    url = URL("http://example.com/")
    jar.update_cookies(parsed("a=1; Max-Age=1000"), url)
    key = ("example.com", "/", "a")
    when = jar._expirations[key] - 2000
    jar._expirations[key] = when  # as if the time had passed
    jar._expiry_heap[:] = [(when, key)]
    assert names(jar.filter_cookies(url)) == set()
    assert len(jar) == 0


async def test_expires_attribute() -> None:
    jar = CookieJar()
    url = URL("http://example.com/")
    future = formatdate(time.time() + 3600, usegmt=True)
    past = formatdate(time.time() - 3600, usegmt=True)
    jar.update_cookies(parsed(f'a=1; Expires="{future}"'), url)
    assert len(jar) == 1
    jar.update_cookies(parsed(f'a=1; Expires="{past}"'), url)
    assert len(jar) == 0
    # Max-Age wins over Expires.
    jar.update_cookies(parsed(f'b=1; Max-Age=100; Expires="{past}"'), url)
    assert len(jar) == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Sun, 06 Nov 1994 08:49:37 GMT", 784111777.0),
        ("Sunday, 06-Nov-94 08:49:37 GMT", 784111777.0),
        ("Sun Nov  6 08:49:37 1994", 784111777.0),
        ("06 Nov 2069 08:49:37", 3150953377.0),
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0),
        ("not a date", None),
        ("Sun, 32 Nov 1994 08:49:37 GMT", None),
        ("Sun, 31 Feb 1994 08:49:37 GMT", None),
        ("Sun, 06 Nov 1994 25:49:37 GMT", None),
        ("Sun, 06 Nov 1500 08:49:37 GMT", None),
        ("", None),
    ],
)
def test_parse_date(value: str, expected: float | None) -> None:
    assert _parse_date(value) == expected


async def test_quote_cookie() -> None:
    url = URL("http://example.com/")
    quoted = CookieJar()
    quoted.update_cookies({"a": "x y"}, url)
    assert quoted.filter_cookies(url)["a"].coded_value == '"x y"'
    raw = CookieJar(quote_cookie=False)
    raw.update_cookies({"a": "x y"}, url)
    assert not raw.quote_cookie
    assert raw.filter_cookies(url)["a"].coded_value == "x y"


async def test_attributes_are_kept() -> None:
    jar = CookieJar()
    jar.update_cookies(parsed("a=1; HttpOnly; SameSite=Strict"), URL("http://example.com/"))
    (m,) = list(jar)
    assert m["httponly"] is True
    assert m["samesite"] == "Strict"


async def test_clear_and_clear_domain() -> None:
    jar = CookieJar()
    jar.update_cookies(parsed("a=1; Domain=example.com"), URL("http://example.com/"))
    jar.update_cookies(parsed("b=1"), URL("http://sub.example.com/"))
    jar.update_cookies(parsed("c=1"), URL("http://other.com/"))
    jar.clear_domain(".example.com")
    assert [m.key for m in jar] == ["c"]
    jar.update_cookies(parsed("d=1"), URL("http://other.com/"))
    jar.clear(lambda m: m.key == "c")
    assert [m.key for m in jar] == ["d"]
    jar.clear()
    assert len(jar) == 0


async def test_replacing_a_cookie() -> None:
    jar = CookieJar()
    url = URL("http://example.com/")
    jar.update_cookies(parsed("a=1"), url)
    jar.update_cookies(parsed("a=2"), url)
    assert len(jar) == 1
    assert jar.filter_cookies(url)["a"].value == "2"


async def test_save_and_load(tmp_path: Path) -> None:
    jar = CookieJar()
    jar.update_cookies(parsed("a=1; Max-Age=1000"), URL("http://example.com/"))
    jar.update_cookies(
        parsed("b=2; Domain=example.com; Path=/p; Secure"), URL("https://example.com/")
    )
    path = tmp_path / "cookies.pickle"
    jar.save(path)
    other = CookieJar()
    other.load(path)
    assert len(other) == 2
    assert names(other.filter_cookies(URL("https://example.com/p/x"))) == {"a", "b"}
    assert names(other.filter_cookies(URL("https://sub.example.com/p"))) == {"b"}
    assert ("example.com", "/", "a") in other._expirations


async def test_load_refuses_arbitrary_objects(tmp_path: Path) -> None:
    path = tmp_path / "evil.pickle"
    path.write_bytes(pickle.dumps(Path("/")))
    with pytest.raises(pickle.UnpicklingError):
        CookieJar().load(path)
    path.write_bytes(pickle.dumps(["not", "a", "jar"]))
    with pytest.raises(pickle.UnpicklingError):
        CookieJar().load(path)


async def test_load_plain_mapping_of_cookies(tmp_path: Path) -> None:
    path = tmp_path / "plain.pickle"
    path.write_bytes(pickle.dumps({("example.com", "/"): parsed("a=1")}))
    jar = CookieJar()
    jar.load(path)
    assert names(jar.filter_cookies(URL("http://example.com/"))) == {"a"}


async def test_dummy_cookie_jar() -> None:
    jar = DummyCookieJar()
    jar.update_cookies({"a": "1"}, URL("http://example.com/"))
    assert len(jar) == 0
    assert list(jar) == []
    assert jar.quote_cookie
    assert jar.filter_cookies(URL("http://example.com/")) == SimpleCookie()
    jar.clear()
    jar.clear_domain("example.com")


async def test_given_morsel_shows_the_domain_and_path_the_jar_chose() -> None:
    # ClientSession hands resp.cookies to the jar; afterwards resp.cookies shows them.
    received = parsed("a=1; Path=no-slash")
    jar = CookieJar(unsafe=True)
    jar.update_cookies(received, URL("http://127.0.0.1/dir/page"))
    assert received["a"]["domain"] == "127.0.0.1"
    assert received["a"]["path"] == "/dir"
    (stored,) = list(jar)
    assert stored is not received["a"]  # the jar keeps its own copy
    assert stored["domain"] == "127.0.0.1"
