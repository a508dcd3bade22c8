"""The plugin as a user's test suite meets it, run in a child pytest."""

from __future__ import annotations

import pytest

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
"""


def test_sample_project_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_sample=SAMPLE)
    result = pytester.runpytest_subprocess("-p", "no:asyncio", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=7)


def test_loop_ids_and_options(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_opts="""
pytest_plugins = ["aiohttp_testing.pytest_plugin"]

def test_flags(loop, fast, loop_debug):
    assert fast is True
    assert loop_debug is True
    assert loop.get_debug()
"""
    )
    result = pytester.runpytest_subprocess(
        "-p", "no:asyncio", "--aiohttp-fast", "--aiohttp-enable-loop-debug", "-v"
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*test_flags[[]pyloop[]] PASSED*"])


def test_unknown_loop_is_an_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_bad="""
pytest_plugins = ["aiohttp_testing.pytest_plugin"]

def test_x(loop):
    pass
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:asyncio", "--aiohttp-loop", "nosuchloop")
    assert result.ret != 0
    assert "Unknown loop 'nosuchloop'" in "\n".join(result.stdout.lines + result.stderr.lines)


def test_failing_async_test_fails(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_fail="""
pytest_plugins = ["aiohttp_testing.pytest_plugin"]

async def test_fails(loop):
    assert False, "expected failure"
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:asyncio")
    result.assert_outcomes(failed=1)
