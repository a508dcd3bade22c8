"""Tests for aiohttp_wire.helpers."""

from __future__ import annotations

import asyncio
import base64
import email.utils
import inspect
from email.message import Message

import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aiohttp_wire.helpers import (
    BasicAuth,
    ChainMapProxy,
    ETag,
    HeadersMixin,
    MimeType,
    TimerContext,
    TimerNoop,
    ceil_timeout,
    content_disposition_header,
    guess_filename,
    is_ip_address,
    parse_content_type,
    parse_mimetype,
    quoted_string,
    reify,
    rfc822_formatted_time,
    sentinel,
    set_exception,
    set_result,
)

# HeadersMixin


class _Headed(HeadersMixin):
    def __init__(self, headers: CIMultiDictProxy[str]) -> None:
        self._headers = headers


@pytest.mark.parametrize(
    ("headers", "content_type", "charset", "length"),
    [
        ({}, "application/octet-stream", None, None),
        (
            {"Content-Type": "TEXT/html; charset=ascii", "Content-Length": "3"},
            "text/html",
            "ascii",
            3,
        ),
        ({"Content-Type": "application/vnd.api+json"}, "application/vnd.api+json", None, None),
        ({"Content-Type": "nonsense"}, "application/octet-stream", None, None),
    ],
)
def test_headers_mixin(
    headers: dict[str, str], content_type: str, charset: str | None, length: int | None
) -> None:
    headed = _Headed(CIMultiDictProxy(CIMultiDict(headers)))
    assert (headed.content_type, headed.charset, headed.content_length) == (
        content_type,
        charset,
        length,
    )


# BasicAuth


def test_basic_auth_defaults_and_encode() -> None:
    auth = BasicAuth("user")
    assert auth == ("user", "", "latin1")
    assert BasicAuth("user", "pass").encode() == "Basic " + base64.b64encode(b"user:pass").decode()


def test_basic_auth_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        BasicAuth(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        BasicAuth("u", None)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        BasicAuth("a:b", "p")


def test_basic_auth_decode_round_trip_with_encoding() -> None:
    auth = BasicAuth("üser", "pä:ss", encoding="utf-8")
    assert BasicAuth.decode(auth.encode(), encoding="utf-8") == auth
    assert BasicAuth.decode("basic " + base64.b64encode(b"u:p").decode()) == BasicAuth("u", "p")


@pytest.mark.parametrize(
    "header",
    ["Basic", "Digest abc", "Basic !!!notbase64", "Basic " + base64.b64encode(b"nocolon").decode()],
)
def test_basic_auth_decode_errors(header: str) -> None:
    with pytest.raises(ValueError):
        BasicAuth.decode(header)


def test_basic_auth_from_url() -> None:
    assert BasicAuth.from_url(URL("http://u:p@host/")) == BasicAuth("u", "p")
    assert BasicAuth.from_url(URL("http://u%40x@host/")) == BasicAuth("u@x", "")
    assert BasicAuth.from_url(URL("http://host/")) is None
    with pytest.raises(TypeError):
        BasicAuth.from_url("http://u:p@host/")  # type: ignore[arg-type]


# ETag / MimeType / content type


def test_etag() -> None:
    assert ETag("abc") == ETag(value="abc", is_weak=False)
    assert ETag("abc", is_weak=True) != ETag("abc")
    with pytest.raises(AttributeError):
        ETag("x").value = "y"  # type: ignore[misc]


def test_etag_has_slots_and_pickles() -> None:
    import pickle

    tag = ETag("abc", is_weak=True)
    assert not hasattr(tag, "__dict__")
    assert type(ETag.__dict__["value"]).__name__ == "member_descriptor"
    assert pickle.loads(pickle.dumps(tag)) == tag
    assert hash(tag) == hash(ETag("abc", True))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", ("", "", "", {})),
        ("*", ("*", "*", "", {})),
        ("text/plain", ("text", "plain", "", {})),
        ("Application/Atom+XML", ("application", "atom", "xml", {})),
        (
            'text/html; Charset="UTF-8"; q=0.5',
            ("text", "html", "", {"charset": "UTF-8", "q": "0.5"}),
        ),
        ("text/plain;", ("text", "plain", "", {})),
    ],
)
def test_parse_mimetype(raw: str, expected: tuple[str, str, str, dict[str, str]]) -> None:
    mt = parse_mimetype(raw)
    assert isinstance(mt, MimeType)
    assert (mt.type, mt.subtype, mt.suffix, dict(mt.parameters)) == expected


def test_parse_content_type_matches_email() -> None:
    raw = 'multipart/form-data; boundary="a b"; charset=utf-8'
    ctype, params = parse_content_type(raw)
    msg = Message()
    msg["content-type"] = raw
    assert ctype == msg.get_content_type() == "multipart/form-data"
    assert dict(params) == {"boundary": "a b", "charset": "utf-8"}
    assert parse_content_type("")[0] == "text/plain"
    assert parse_content_type("garbage")[0] == "text/plain"


# quoting / content-disposition


def test_quoted_string() -> None:
    assert quoted_string('a "b" \\c') == 'a \\"b\\" \\\\c'
    with pytest.raises(ValueError):
        quoted_string("line\nbreak")


def test_content_disposition_header_plain() -> None:
    assert content_disposition_header("attachment") == "attachment"
    value = content_disposition_header("form-data", name="a b", filename="f.txt")
    assert value == 'form-data; name="a b"; filename="f.txt"'


def test_content_disposition_header_takes_params_as_keywords() -> None:
    # aiohttp's signature: (disptype, quote_fields=True, _charset="utf-8", **params).
    params = inspect.signature(content_disposition_header).parameters
    assert list(params) == ["disptype", "quote_fields", "_charset", "params"]
    assert params["params"].kind is inspect.Parameter.VAR_KEYWORD
    assert content_disposition_header("inline", params="x") == 'inline; params="x"'


def test_content_disposition_header_non_ascii_param() -> None:
    value = content_disposition_header("attachment", title="ф")
    assert value == "attachment; title*=utf-8''%D1%84"
    msg = Message()
    msg["content-disposition"] = value
    param = msg.get_param("title", header="content-disposition")
    assert isinstance(param, tuple)
    assert email.utils.collapse_rfc2231_value(param) == "ф"


def test_content_disposition_header_filename_like_browsers() -> None:
    value = content_disposition_header("form-data", filename='ф"\r\n.txt')
    assert value == 'form-data; filename="ф%22%0D%0A.txt"'


def test_content_disposition_header_without_quoting() -> None:
    value = content_disposition_header("form-data", quote_fields=False, name='a"\\')
    assert value == 'form-data; name="a\\"\\\\"'
    with pytest.raises(ValueError):
        content_disposition_header("form-data", quote_fields=False, name="a\nb")


@pytest.mark.parametrize(("disp", "key"), [("", "a"), ("bad type", "a"), ("ok", "bad key")])
def test_content_disposition_header_rejects_non_tokens(disp: str, key: str) -> None:
    with pytest.raises(ValueError):
        content_disposition_header(disp, **{key: "v"})


# misc


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("fe80::1%eth0", True),
        (b"10.0.0.1", True),
        (bytearray(b"::"), True),
        ("example.com", False),
        ("1.2.3", False),
        ("", False),
        (None, False),
    ],
)
def test_is_ip_address(host: str | bytes | None, expected: bool) -> None:
    assert is_ip_address(host) is expected


def test_rfc822_formatted_time_parses() -> None:
    value = rfc822_formatted_time()
    assert value.endswith(" GMT")
    assert email.utils.parsedate_to_datetime(value).utcoffset() is not None


def test_sentinel_is_unique() -> None:
    assert sentinel is sentinel
    assert repr(sentinel) == "<sentinel>"


class _Cached:
    def __init__(self) -> None:
        self._cache: dict[str, object] = {}
        self.calls = 0

    @reify
    def value(self) -> int:
        """The doc."""
        self.calls += 1
        return 42


def test_reify_caches_and_is_read_only() -> None:
    obj = _Cached()
    assert obj.value == 42
    assert obj.value == 42
    assert obj.calls == 1
    assert isinstance(_Cached.value, reify)
    assert _Cached.value.__doc__ == "The doc."
    with pytest.raises(AttributeError):
        obj.value = 1


def test_chain_map_proxy() -> None:
    cmp = ChainMapProxy([{"a": 1}, {"a": 2, "b": 3}])
    assert cmp["a"] == 1 and cmp["b"] == 3
    assert cmp.get("c", 9) == 9
    assert len(cmp) == 2
    assert set(cmp) == {"a", "b"}
    assert "b" in cmp and "z" not in cmp
    assert bool(cmp) and not ChainMapProxy([{}, {}])
    with pytest.raises(KeyError):
        cmp["z"]
    assert "ChainMapProxy" in repr(cmp)
    with pytest.raises(TypeError):

        class Sub(ChainMapProxy):
            pass


async def test_set_result_and_exception_ignore_done_futures() -> None:
    loop = asyncio.get_running_loop()
    fut: asyncio.Future[int] = loop.create_future()
    set_result(fut, 1)
    set_result(fut, 2)
    set_exception(fut, RuntimeError())
    assert fut.result() == 1
    fut2: asyncio.Future[int] = loop.create_future()
    cause = OSError("root")
    set_exception(fut2, RuntimeError("x"), cause)
    with pytest.raises(RuntimeError) as info:
        fut2.result()
    assert info.value.__cause__ is cause


# timeouts


async def test_ceil_timeout_fires() -> None:
    with pytest.raises(asyncio.TimeoutError):
        async with ceil_timeout(0.01):
            await asyncio.Event().wait()
    task = asyncio.current_task()
    assert task is not None and getattr(task, "cancelling", lambda: 0)() == 0


async def test_ceil_timeout_none_and_not_fired() -> None:
    async with ceil_timeout(None):
        await asyncio.sleep(0)
    async with ceil_timeout(0):
        await asyncio.sleep(0)
    async with ceil_timeout(30):
        await asyncio.sleep(0)


async def test_ceil_timeout_rounds_long_deadlines() -> None:
    cm = ceil_timeout(10, ceil_threshold=5)
    assert cm._when is not None and cm._when == int(cm._when)
    short = ceil_timeout(1, ceil_threshold=5)
    loop = asyncio.get_running_loop()
    assert short._when is not None and short._when <= loop.time() + 1


async def test_ceil_timeout_lets_outer_cancel_through() -> None:
    started = asyncio.Event()

    async def body() -> None:
        async with ceil_timeout(30):
            started.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(body())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_timer_context_turns_cancel_into_timeout() -> None:
    loop = asyncio.get_running_loop()
    timer = TimerContext(loop)
    entered = asyncio.Event()

    async def body() -> None:
        with timer:
            entered.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(body())
    await entered.wait()
    timer.timeout()
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(task, 5)
    with pytest.raises(asyncio.TimeoutError):
        timer.assert_timeout()

    async def again() -> None:
        with timer:
            pass

    with pytest.raises(asyncio.TimeoutError):
        await again()


async def test_timer_context_outside_task_and_noop() -> None:
    timer = TimerContext(asyncio.get_running_loop())
    with timer:
        pass
    timer.assert_timeout()
    with TimerNoop() as noop:
        noop.assert_timeout()


def test_timer_context_requires_task() -> None:
    loop = asyncio.new_event_loop()
    try:
        with pytest.raises(RuntimeError), TimerContext(loop):
            pass
    finally:
        loop.close()


def test_guess_filename() -> None:
    class Named:
        def __init__(self, name: object) -> None:
            self.name = name

    assert guess_filename(Named("/tmp/dir/report.pdf")) == "report.pdf"
    assert guess_filename(Named("<stdin>"), "dflt") == "dflt"
    assert guess_filename(Named(3), "dflt") == "dflt"
    assert guess_filename(object()) is None


async def test_ceil_timeout_inside_wait_for() -> None:
    # Our deadline fires first: TimeoutError inside, the outer wait_for is unaffected.
    async def body() -> str:
        with pytest.raises(asyncio.TimeoutError):
            async with ceil_timeout(0.01):
                await asyncio.Event().wait()
        await asyncio.sleep(0)
        return "done"

    assert await asyncio.wait_for(body(), 30) == "done"
