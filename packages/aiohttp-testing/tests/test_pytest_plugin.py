"""The plugin as a user's test suite meets it, run in a child pytest."""

from __future__ import annotations

import pytest

from aiohttp_testing import pytest_plugin


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """A child pytest that cannot hang this suite."""
    return pytester.runpytest_subprocess(*args, timeout=120)


CONFTEST = 'pytest_plugins = ["aiohttp_testing.pytest_plugin"]\n'

SAMPLE = """
import pytest

from aiohttp_server import web

pytest_plugins = ["aiohttp_testing.pytest_plugin"]


async def hello(request):
    return web.Response(text="Hello, world")


def create_app():
    app = web.Application()
    app.router.add_get("/", hello)
    return app


async def test_hello(aiohttp_client):
    client = await aiohttp_client(create_app())
    resp = await client.get("/")
    assert resp.status == 200
    assert "Hello, world" in await resp.text()


async def test_server_fixture(aiohttp_server, aiohttp_client):
    server = await aiohttp_server(create_app())
    client = await aiohttp_client(server)
    assert (await (await client.get("/")).text()) == "Hello, world"


async def test_raw_server(aiohttp_raw_server, aiohttp_client):
    async def handler(request):
        return web.Response(text="raw")

    client = await aiohttp_client(await aiohttp_raw_server(handler))
    assert await (await client.get("/")).text() == "raw"


def test_unused_port(aiohttp_unused_port):
    assert 0 < aiohttp_unused_port() < 65536


@pytest.fixture
async def started_client(aiohttp_client):
    return await aiohttp_client(create_app())


@pytest.fixture
async def generator_fixture(loop):
    yield "value"


async def test_async_fixtures(started_client, generator_fixture):
    assert generator_fixture == "value"
    assert (await started_client.get("/")).status == 200


async def test_loop_is_running_one(loop):
    import asyncio
    assert asyncio.get_running_loop() is loop


def test_bad_client_argument(loop, aiohttp_client):
    with pytest.raises(ValueError, match="Unknown argument type"):
        loop.run_until_complete(aiohttp_client(object()))


@pytest.fixture
async def value_without_loop():
    # Names no loop: the plugin still runs it on the test's loop.
    import asyncio
    return asyncio.get_running_loop()


async def test_fixture_and_test_share_a_loop(value_without_loop):
    import asyncio
    assert value_without_loop is asyncio.get_running_loop()


async def test_no_fixtures_at_all():
    import asyncio
    assert asyncio.get_running_loop().is_running()


def test_sync_fixture_with_loop(loop, aiohttp_client):
    client = loop.run_until_complete(aiohttp_client(create_app()))
    assert loop.run_until_complete(client.get("/")).status == 200
"""

PYTEST_ASYNCIO_SAMPLE = """
import asyncio

import pytest

from aiohttp_server import web

pytest_plugins = ["aiohttp_testing.pytest_plugin"]


async def hello(request):
    return web.Response(text="Hello")


def create_app():
    app = web.Application()
    app.router.add_get("/", hello)
    return app


@pytest.fixture
async def cli(aiohttp_client):
    return await aiohttp_client(create_app())


async def test_client_fixture(aiohttp_client):
    client = await aiohttp_client(create_app())
    assert await (await client.get("/")).text() == "Hello"


async def test_async_fixture_building_a_client(cli):
    assert (await cli.get("/")).status == 200


async def test_loop_is_the_running_loop(loop):
    assert loop is asyncio.get_running_loop()


def test_sync_test_keeps_its_own_loop(loop):
    assert not loop.is_running()
    assert loop.run_until_complete(asyncio.sleep(0, "x")) == "x"
"""


def test_sample_project_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_sample=SAMPLE)
    result = _run(pytester, "-p", "no:asyncio", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=10)


def test_aiohttp_client_cls_can_be_overridden(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_cls="""
import pytest

from aiohttp_server import web
from aiohttp_testing.test_utils import TestClient

pytest_plugins = ["aiohttp_testing.pytest_plugin"]


class MyClient(TestClient):
    async def greet(self):
        return await (await self.get("/")).text()


@pytest.fixture
def aiohttp_client_cls():
    return MyClient


async def test_custom_client(aiohttp_client):
    async def hello(request):
        return web.Response(text="hi")

    app = web.Application()
    app.router.add_get("/", hello)
    client = await aiohttp_client(app)
    assert isinstance(client, MyClient)
    assert await client.greet() == "hi"
"""
    )
    result = _run(pytester, "-p", "no:asyncio")
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize("mode", ["auto", "strict"])
def test_coexists_with_pytest_asyncio(pytester: pytest.Pytester, mode: str) -> None:
    # In strict mode pytest-asyncio leaves unmarked tests and fixtures to this plugin;
    # in auto mode it runs them all and ``loop`` is its loop for the test.
    pytester.makepyfile(test_both=PYTEST_ASYNCIO_SAMPLE)
    result = _run(
        pytester,
        "-o",
        f"asyncio_mode={mode}",
        "-o",
        "asyncio_default_fixture_loop_scope=function",
        "-W",
        "error::pytest.PytestUnraisableExceptionWarning",
    )
    result.assert_outcomes(passed=4)


def test_marked_asyncio_test_in_strict_mode_shares_the_loop(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_marked="""
import asyncio

import pytest

from aiohttp_server import web

pytest_plugins = ["aiohttp_testing.pytest_plugin"]


@pytest.mark.asyncio
async def test_marked(aiohttp_raw_server, aiohttp_client, loop):
    async def handler(request):
        return web.Response(text="raw")

    assert loop is asyncio.get_running_loop()
    client = await aiohttp_client(await aiohttp_raw_server(handler))
    assert await (await client.get("/")).text() == "raw"
"""
    )
    result = _run(
        pytester, "-o", "asyncio_mode=strict", "-o", "asyncio_default_fixture_loop_scope=function"
    )
    result.assert_outcomes(passed=1)


def test_failures_are_reported(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_fail="""
import pytest

pytest_plugins = ["aiohttp_testing.pytest_plugin"]


@pytest.fixture
async def twice():
    yield 1
    yield 2


async def test_uses_it(twice):
    assert twice == 1


async def test_fails(loop):
    assert False, "expected failure"
"""
    )
    result = _run(pytester, "-p", "no:asyncio")
    # The generator fixture's second yield errors at teardown; the failing test fails.
    result.assert_outcomes(passed=1, errors=1, failed=1)
    result.stdout.fnmatch_lines(["*async generator fixture must yield only once*"])
    result.stdout.fnmatch_lines(["*expected failure*"])


def test_loop_ids_and_options(pytester: pytest.Pytester) -> None:
    # Command-line options need the plugin loaded before parsing: from the root conftest.
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_opts="""
def test_flags(loop, fast, loop_debug):
    assert fast is True
    assert loop_debug is True
    assert loop.get_debug()
"""
    )
    result = _run(
        pytester, "-p", "no:asyncio", "--aiohttp-fast", "--aiohttp-enable-loop-debug", "-v"
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*test_flags[[]pyloop[]] PASSED*"])


def test_unknown_loop_is_an_error(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_bad="""
def test_x(loop):
    pass
"""
    )
    result = _run(pytester, "-p", "no:asyncio", "--aiohttp-loop", "nosuchloop")
    assert result.ret != 0
    assert "Unknown loop 'nosuchloop'" in "\n".join(result.stdout.lines + result.stderr.lines)


def test_works_through_a_re_exporting_alias_module(pytester: pytest.Pytester) -> None:
    # The meta-package's aiohttp.pytest_plugin is exactly this: ``from home import X as X``.
    names = pytest_plugin.__all__
    lines = "".join(f"    {name} as {name},\n" for name in names)
    pytester.makepyfile(alias_plugin=f"from aiohttp_testing.pytest_plugin import (\n{lines})\n")
    pytester.makeconftest('pytest_plugins = ["alias_plugin"]\n')
    pytester.makepyfile(
        test_alias="""
from aiohttp_server import web


async def test_client(aiohttp_client, fast):
    async def hello(request):
        return web.Response(text="alias")

    app = web.Application()
    app.router.add_get("/", hello)
    client = await aiohttp_client(app)
    assert fast is True
    assert await (await client.get("/")).text() == "alias"
"""
    )
    result = _run(pytester, "-p", "no:asyncio", "--aiohttp-fast")
    result.assert_outcomes(passed=1)


def test_deprecated_fixture_names_still_work(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_old="""
import pytest

from aiohttp_server import web

pytest_plugins = ["aiohttp_testing.pytest_plugin"]


async def hello(request):
    return web.Response(text="old")


def make_app():
    app = web.Application()
    app.router.add_get("/", hello)
    return app


@pytest.mark.filterwarnings("error::DeprecationWarning")
def test_unused_port_warns(request):
    with pytest.raises(DeprecationWarning, match="aiohttp_unused_port"):
        request.getfixturevalue("unused_port")


async def test_old_names(test_client, test_server, raw_test_server, unused_port):
    assert 0 < unused_port() < 65536
    client = await test_client(await test_server(make_app()))
    assert await (await client.get("/")).text() == "old"
    raw = await test_client(await raw_test_server(hello))
    assert await (await raw.get("/")).text() == "old"
"""
    )
    result = _run(pytester, "-p", "no:asyncio", "-W", "ignore::DeprecationWarning")
    result.assert_outcomes(passed=2)
