"""``aiohttp.test_utils``: re-exports from aiohttp_testing."""

from aiohttp_testing.test_utils import (
    REUSE_ADDRESS as REUSE_ADDRESS,
    AioHTTPTestCase as AioHTTPTestCase,
    BaseTestServer as BaseTestServer,
    RawTestServer as RawTestServer,
    TestClient as TestClient,
    TestServer as TestServer,
    get_port_socket as get_port_socket,
    get_unused_port_socket as get_unused_port_socket,
    loop_context as loop_context,
    make_mocked_coro as make_mocked_coro,
    make_mocked_request as make_mocked_request,
    setup_test_loop as setup_test_loop,
    teardown_test_loop as teardown_test_loop,
    unittest_run_loop as unittest_run_loop,
    unused_port as unused_port,
)

__all__ = [
    "REUSE_ADDRESS",
    "AioHTTPTestCase",
    "BaseTestServer",
    "RawTestServer",
    "TestClient",
    "TestServer",
    "get_port_socket",
    "get_unused_port_socket",
    "loop_context",
    "make_mocked_coro",
    "make_mocked_request",
    "setup_test_loop",
    "teardown_test_loop",
    "unittest_run_loop",
    "unused_port",
]
