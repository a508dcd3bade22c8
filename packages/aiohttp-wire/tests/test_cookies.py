"""Tests for aiohttp_wire.cookies, checked against the stdlib's http.cookies."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiohttp_wire.cookies import (
    format_cookie_header,
    parse_cookie_header,
    parse_set_cookie_headers,
    unquote_cookie_value,
)


def test_parse_cookie_header_basic() -> None:
    assert parse_cookie_header("a=1; b=2;c=3") == {"a": "1", "b": "2", "c": "3"}


def test_parse_cookie_header_skips_invalid_pairs() -> None:
    assert parse_cookie_header("novalue; =x; a b=1; ok=1; ;;") == {"ok": "1"}


def test_parse_cookie_header_last_wins_and_keeps_equals() -> None:
    assert parse_cookie_header("a=1; a=2; t=x=y") == {"a": "2", "t": "x=y"}
    assert parse_cookie_header("a=1; a=2") == {
        k: m.value for k, m in SimpleCookie("a=1; a=2").items()
    }


def test_parse_cookie_header_lenient_names() -> None:
    assert parse_cookie_header("$Version=1; n:a[m]e=v; {x}=y") == {
        "$Version": "1",
        "n:a[m]e": "v",
        "{x}": "y",
    }


def test_parse_cookie_header_reads_simplecookie_quoting() -> None:
    jar: SimpleCookie = SimpleCookie()
    jar["k"] = 'va"lue; with\\ specials\n'
    coded = jar["k"].coded_value
    assert coded.startswith('"')
    assert parse_cookie_header(f"k={coded}") == {"k": 'va"lue; with\\ specials\n'}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('a="x;y"; b=2', {"a": "x;y", "b": "2"}),
        ('a="x; y;z" ;b=2', {"a": "x; y;z", "b": "2"}),
        ('a= "q;r"', {"a": "q;r"}),
        ('k="va\\"l;ue"; z=1', {"k": 'va"l;ue', "z": "1"}),
        ('a=""; b=1', {"a": "", "b": "1"}),
        # An unmatched quote is an ordinary character: the pair ends at ";".
        ('a="x; b=2', {"a": '"x', "b": "2"}),
        # A quoted-string that does not end the pair is not one.
        ('a="x"y; b=2', {"a": '"x"y', "b": "2"}),
        ('a="x;"y; b=2', {"a": '"x', "b": "2"}),
        ("a=1;;  ;b=2", {"a": "1", "b": "2"}),
    ],
)
def test_parse_cookie_header_quoted_values_keep_semicolons(
    header: str, expected: dict[str, str]
) -> None:
    assert parse_cookie_header(header) == expected


@pytest.mark.parametrize("header", ['a="x;y"; b=2', 'session="1;2;3"; theme=dark', 'q="a b;c"'])
def test_parse_cookie_header_agrees_with_simplecookie_on_quoted_values(header: str) -> None:
    stdlib: SimpleCookie = SimpleCookie()
    stdlib.load(header)
    assert parse_cookie_header(header) == {k: m.value for k, m in stdlib.items()}


@given(st.text(alphabet=st.characters(blacklist_characters='"'), max_size=60))
def test_parse_cookie_header_paths_agree(value: str) -> None:
    # A quoted pair sends the whole header down the quote-aware path: the
    # other pairs must come out exactly as the plain path reads them.
    plain = parse_cookie_header(value)
    quoted = parse_cookie_header(value + '; zz="q;r"')
    assert quoted == {**plain, "zz": "q;r"}


def test_unquote_cookie_value() -> None:
    assert unquote_cookie_value('"abc"') == "abc"
    assert unquote_cookie_value('"a\\"b\\\\c\\012"') == 'a"b\\c\n'
    assert unquote_cookie_value("plain") == "plain"
    assert unquote_cookie_value('"') == '"'


@given(st.text())
def test_parse_cookie_header_never_raises(value: str) -> None:
    result = parse_cookie_header(value)
    assert all(name and "=" not in name and ";" not in name for name in result)


@given(st.lists(st.text()))
def test_parse_set_cookie_headers_never_raises(values: list[str]) -> None:
    for morsel in parse_set_cookie_headers(values):
        assert morsel.key


def test_parse_set_cookie_attributes() -> None:
    [m] = parse_set_cookie_headers(
        [
            'sid="a b"; Path=/x; Domain=.Example.com; Expires=Wed, 21 Oct 2015 07:28:00 GMT;'
            " Max-Age=10; Secure; HttpOnly; SameSite=Lax; Partitioned; Unknown=1"
        ]
    )
    assert (m.key, m.value, m.coded_value) == ("sid", "a b", '"a b"')
    assert m["path"] == "/x"
    assert m["domain"] == ".Example.com"
    assert m["expires"] == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert m["max-age"] == "10"
    assert m["secure"] is True
    assert m["httponly"] is True
    assert m["samesite"] == "Lax"
    assert m["partitioned"] is True
    assert "unknown" not in m


def test_parse_set_cookie_skips_unusable() -> None:
    parsed = parse_set_cookie_headers(["novalue", "=v", "bad name=1", "ok=; path=", "expires=1"])
    assert [(m.key, m.value) for m in parsed] == [("ok", ""), ("expires", "1")]
    assert parsed[0]["path"] == ""


def test_parse_set_cookie_case_insensitive_flags() -> None:
    [m] = parse_set_cookie_headers(["a=b;SECURE;httpONLY;pAtH=/p"])
    assert m["secure"] is True and m["httponly"] is True and m["path"] == "/p"


def test_parse_set_cookie_from_simplecookie_output() -> None:
    jar: SimpleCookie = SimpleCookie()
    jar["name"] = "va lue"
    jar["name"]["path"] = "/"
    jar["name"]["max-age"] = 5
    jar["name"]["httponly"] = True
    jar["other"] = "x"
    headers = [m.OutputString() for m in jar.values()]
    parsed = {m.key: m for m in parse_set_cookie_headers(headers)}
    assert parsed["name"].value == "va lue"
    assert parsed["name"]["path"] == "/"
    assert parsed["name"]["max-age"] == "5"
    assert parsed["name"]["httponly"] is True
    assert parsed["other"].value == "x"


def test_format_cookie_header_round_trip() -> None:
    header = format_cookie_header([("a", "1"), ("b", '"x y"')])
    assert header == 'a=1; b="x y"'
    assert parse_cookie_header(header) == {"a": "1", "b": "x y"}
    assert format_cookie_header([]) == ""
