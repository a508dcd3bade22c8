"""``aiohttp.pytest_plugin``: re-exports from aiohttp_testing."""

from aiohttp_testing.pytest_plugin import (
    AiohttpClient as AiohttpClient,
    AiohttpRawServer as AiohttpRawServer,
    AiohttpServer as AiohttpServer,
    aiohttp_client as aiohttp_client,
    aiohttp_client_cls as aiohttp_client_cls,
    aiohttp_raw_server as aiohttp_raw_server,
    aiohttp_server as aiohttp_server,
    aiohttp_unused_port as aiohttp_unused_port,
    fast as fast,
    loop as loop,
    loop_debug as loop_debug,
    loop_factory as loop_factory,
    pytest_addoption as pytest_addoption,
    pytest_fixture_setup as pytest_fixture_setup,
    pytest_generate_tests as pytest_generate_tests,
    pytest_pyfunc_call as pytest_pyfunc_call,
)

__all__ = [
    "AiohttpClient",
    "AiohttpRawServer",
    "AiohttpServer",
    "aiohttp_client",
    "aiohttp_client_cls",
    "aiohttp_raw_server",
    "aiohttp_server",
    "aiohttp_unused_port",
    "fast",
    "loop",
    "loop_debug",
    "loop_factory",
    "pytest_addoption",
    "pytest_fixture_setup",
    "pytest_generate_tests",
    "pytest_pyfunc_call",
]
