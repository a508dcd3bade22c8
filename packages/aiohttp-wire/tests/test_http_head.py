"""The optional C header-block splitter agrees with the Python parser, or defers to it.

``parse_header_block`` may only return what the Python code returns for the
same block, and must return None (handing the block over) wherever the
Python code would refuse it or read it leniently.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiohttp_wire import http_parser
from aiohttp_wire.http_parser import RequestParser, ResponseParser


def _c() -> Callable[[bytes, int], Any]:
    """The accelerator itself: CI builds it, so a failed build fails here."""
    from aiohttp_wire._http_head import parse_header_block

    return parse_header_block


def _python(
    parser: RequestParser | ResponseParser, block: bytes, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[tuple[str, str]], tuple[tuple[bytes, bytes], ...]] | Exception:
    """What the Python code makes of ``block``: (pairs, raw) or the exception."""
    with monkeypatch.context() as m:
        m.setattr(http_parser, "C_PARSE_HEADER_BLOCK", None)
        try:
            headers, raw = parser._parse_headers(block, "header line")
        except Exception as exc:
            return exc
    return list(headers.items()), raw


def test_splits_names_and_trimmed_values() -> None:
    block = b"Host: x\r\nA:  b c \t\r\nEmpty:\r\nT:\tv\r\n"
    assert _c()(block, 10) == (
        [("Host", "x"), ("A", "b c"), ("Empty", ""), ("T", "v")],
        ((b"Host", b"x"), (b"A", b"b c"), (b"Empty", b""), (b"T", b"v")),
    )
    assert _c()(b"", 10) == ([], ())


def test_obs_text_is_kept_losslessly() -> None:
    pairs, raw = _c()(b"X: caf\xc3\xa9 \xff\r\n", 10)
    assert pairs == [("X", "caf\xe9 \udcff")]
    assert raw == ((b"X", b"caf\xc3\xa9 \xff"),)


@pytest.mark.parametrize(
    "block",
    [
        b"Host : x\r\n",  # whitespace before the colon
        b" folded\r\n",  # obs-fold
        b"A: b\r\n folded\r\n",
        b"A: b\n",  # bare LF
        b"A: b\rc\r\n",  # bare CR
        b"A: b\r\n\r",  # cut short
        b"A: b",
        b": b\r\n",  # empty name
        b"A(b): c\r\n",  # not a token
        b"A: b\x00\r\n",  # NUL
        b"A: b\x7f\r\n",  # DEL
        b"A: b\x01\r\n",
        b"A\r\n",
    ],
)
def test_anything_not_strict_is_handed_back(block: bytes) -> None:
    assert _c()(block, 10) is None


def test_more_lines_than_max_headers_are_handed_back() -> None:
    block = b"A: 1\r\nB: 2\r\nC: 3\r\n"
    assert _c()(block, 3) is not None
    assert _c()(block, 2) is None


def test_bad_arguments() -> None:
    with pytest.raises(TypeError):
        _c()(bytearray(b"A: b\r\n"), 10)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _c()(b"A: b\r\n")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _c()(b"A: b\r\n", "10")  # type: ignore[arg-type]


# Lines from the interesting bytes: token characters, separators, whitespace,
# line ends, controls and obs-text.
_LINE = st.binary(max_size=12) | st.sampled_from(
    [b"Host", b"X-A", b"a:b", b": ", b":", b" ", b"\t", b"\r", b"\n", b"\x00", b"\x7f", b"\xc3\xa9"]
)
_BLOCK = st.lists(
    st.tuples(st.lists(_LINE, max_size=4), st.sampled_from([b"\r\n", b"\n", b""])), max_size=6
).map(lambda lines: b"".join(b"".join(parts) + end for parts, end in lines))


@given(block=_BLOCK)
def test_agrees_with_the_python_parser(block: bytes) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        ours = _c()(block, 5)
        for parser in (
            RequestParser(max_field_size=1 << 16, max_headers=5),
            ResponseParser(max_field_size=1 << 16, max_headers=5),
        ):
            python = _python(parser, block, monkeypatch)
            if ours is not None:
                assert not isinstance(python, Exception), (block, python)
                assert ours[0] == python[0] and ours[1] == python[1]


@given(
    st.lists(
        st.tuples(
            st.text("abcXYZ-_!#0123456789", min_size=1, max_size=8),
            st.binary(max_size=16).map(lambda b: bytes(c for c in b if c not in b"\r\n\x00")),
        ),
        max_size=6,
    )
)
def test_accepts_what_the_strict_grammar_allows(fields: list[tuple[str, bytes]]) -> None:
    block = b"".join(name.encode() + b":" + value + b"\r\n" for name, value in fields)
    strict = all(all(c == 9 or 0x20 <= c != 0x7F for c in value) for _, value in fields)
    ours = _c()(block, 10)
    assert (ours is not None) is strict
    if ours is not None:
        with pytest.MonkeyPatch.context() as monkeypatch:
            assert _python(RequestParser(), block, monkeypatch) == (ours[0], ours[1])


def test_no_extensions_environment_keeps_python_parsing() -> None:
    code = "from aiohttp_wire import http_parser; print(http_parser.C_PARSE_HEADER_BLOCK is None)"
    env = dict(os.environ, AIOHTTP_NO_EXTENSIONS="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True)
    assert out.stdout.strip() == b"True"
