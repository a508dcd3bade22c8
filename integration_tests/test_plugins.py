"""Popular aiohttp plugins from PyPI run unchanged on our meta-package.

One profile venv holds our wheels plus the plugins, installed with
``--no-deps`` so that nothing can pull the real aiohttp in; their other
dependencies are named explicitly. Each probe uses a plugin the way its
README shows and asserts what a user would observe; a few plugins' own test
suites, from their sdists, run on us through pytest-aiohttp as well.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import run_probe, uv

OURS = ["aiohttp-wire", "aiohttp-websocket", "aiohttp-client", "aiohttp-server", "aiohttp-testing"]

#: The plugins, pinned so that a new release cannot change what is tested.
PLUGINS = [
    "aiohttp-jinja2==1.6",
    "aiohttp-session==2.12.1",
    "aiohttp-security==0.5.0",
    "aiohttp-cors==0.8.1",
    "aiohttp-sse==3.0",
    "aiohttp-retry==2.9.1",
    "aiohttp-remotes==1.4.0",
    "aiohttp-middlewares==3.0.0",
    "opentelemetry-instrumentation-aiohttp-client==0.66b1",
    "opentelemetry-instrumentation-aiohttp-server==0.66b1",
    "aiobotocore==2.25.1",
    "aiohttp-wsgi==0.10.0",
    "aiohttp-client-cache==0.15.0",
    "aiohttp-sse-client==0.2.1",
    "aiohttp-asgi-connector==1.2.0",
    "aiohttp-swagger==1.0.16",
    "aiohttp-fast-url-dispatcher==0.3.1",
    "aiohttp-apispec==2.2.3",
    "aioresponses==0.7.9",
    "aiohttp-socks==0.12.0",
    "httpx-aiohttp==0.2.0",
    "sentry-sdk==2.75.0",
    "discord.py==2.7.1",
    "aiogram==3.31.0",
    "slack-sdk==3.48.0",
    "gql==4.4.0",
    "aiohttp-pydantic==2.6.0",
    "aiohttp-debugtoolbar==0.6.1",
    "aiohttp-xmlrpc==1.5.0",
    "aiohttp-basicauth==1.2.0",
    "elastic-transport==9.4.2",
    "aiodocker==0.27.0",
    "python-socketio==5.18.1",
    "python-engineio==4.15.1",
    "strawberry-graphql==0.341.2",
]
#: Their dependencies other than aiohttp: cryptography for aiohttp-session's encrypted
#: storage; attrs, which aiohttp-middlewares imports without declaring (it comes with the
#: real aiohttp); the OpenTelemetry API, SDK (for an in-memory exporter) and helpers;
#: botocore and the helpers aiobotocore 2.25.1 declares; aiohttp-client-cache's
#: itsdangerous and url-normalize; aiohttp-swagger's PyYAML; the apispec, webargs and
#: marshmallow releases aiohttp-apispec 2.2.3 supports; aioresponses' packaging;
#: aiohttp-socks' python-socks; httpx for httpx-aiohttp; sentry-sdk's and
#: elastic-transport's urllib3, certifi and sniffio; aiogram's aiofiles, magic-filter and
#: the pydantic it supports (aiohttp-pydantic shares it); gql's graphql-core, tenacity and
#: anyio; aiohttp-xmlrpc's lxml; python-socketio's bidict and simple-websocket; strawberry's
#: cross-web.
PLUGIN_DEPENDENCIES = [
    "jinja2>=3.0",
    "cryptography",
    "attrs",
    "opentelemetry-api",
    "opentelemetry-sdk",
    "opentelemetry-instrumentation==0.66b1",
    "opentelemetry-semantic-conventions==0.66b1",
    "opentelemetry-util-http==0.66b1",
    "wrapt<3",
    "botocore>=1.40.46,<1.40.62",
    "aioitertools>=0.5.1,<1",
    "jmespath",
    "python-dateutil",
    "itsdangerous>=2.0",
    "url-normalize>=2.2",
    "pyyaml>=5.1",
    "apispec==3.3.2",
    "webargs==5.5.3",
    "marshmallow==3.26.2",
    "packaging>=22.0",
    "python-socks[asyncio]>=2.4.3,<4",
    "httpx>=0.27",
    "urllib3>=2,<3",
    "certifi",
    "sniffio",
    "aiofiles>=23.2.1,<26",
    "magic-filter>=1.0.12,<1.1",
    "pydantic>=2.4.1,<2.14",
    "typing-extensions>=4.7",
    "graphql-core>=3.3.0a3,<3.4",
    "tenacity>=9.1.2,<10",
    "anyio>=3,<5",
    "lxml",
    "bidict>=0.21",
    "simple-websocket>=0.10",
    "cross-web>=0.6",
]


@pytest.fixture(scope="module")
def plugin_python(tmp_path_factory: pytest.TempPathFactory, wheel: Callable[[str], Path]) -> Path:
    target = tmp_path_factory.mktemp("plugins") / "venv"
    subprocess.run([*uv(), "venv", "--quiet", "-p", sys.executable, str(target)], check=True)
    python = target / "bin" / "python"

    def install(*args: str) -> None:
        subprocess.run([*uv(), "pip", "install", "--quiet", "-p", str(python), *args], check=True)

    install(*(str(wheel(name)) for name in [*OURS, "aiohttp"]), *PLUGIN_DEPENDENCIES)
    install("--no-deps", *PLUGINS)
    found = subprocess.run(
        [str(python), "-c", "import aiohttp, aiohttp_server; print(aiohttp.__file__)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "site-packages/aiohttp/" in found.stdout
    return python


@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        ("plugin_jinja2", "jinja2 ok"),
        ("plugin_session", "session ok"),
        ("plugin_security", "security ok"),
        ("plugin_cors", "cors ok"),
        ("plugin_sse", "sse ok"),
        ("plugin_retry", "retry ok"),
        ("plugin_remotes", "remotes ok"),
        ("plugin_middlewares", "middlewares ok"),
        ("plugin_opentelemetry", "opentelemetry ok"),
        ("plugin_aiobotocore", "aiobotocore ok"),
        ("plugin_wsgi", "wsgi ok"),
        ("plugin_client_cache", "client cache ok"),
        ("plugin_sse_client", "sse client ok"),
        ("plugin_asgi_connector", "asgi connector ok"),
        ("plugin_swagger", "swagger ok"),
        ("plugin_fast_url_dispatcher", "fast url dispatcher ok"),
        ("plugin_apispec", "apispec ok"),
        ("plugin_aioresponses", "aioresponses ok"),
        ("plugin_socks", "socks ok"),
        ("plugin_httpx_aiohttp", "httpx-aiohttp ok"),
        ("plugin_sentry", "sentry ok"),
        ("plugin_discord", "discord ok"),
        ("plugin_aiogram", "aiogram ok"),
        ("plugin_slack", "slack ok"),
        ("plugin_gql", "gql ok"),
        ("plugin_pydantic", "pydantic ok"),
        ("plugin_debugtoolbar", "debugtoolbar ok"),
        ("plugin_xmlrpc", "xmlrpc ok"),
        ("plugin_elastic", "elastic ok"),
        ("plugin_aiodocker", "aiodocker ok"),
        ("plugin_socketio", "socketio ok"),
        ("plugin_strawberry", "strawberry ok"),
    ],
)
def test_plugin_runs_on_our_meta_package(plugin_python: Path, probe: str, expected: str) -> None:
    assert expected in run_probe(plugin_python, probe)


#: Plugins whose own test suites (from their sdists) run on our meta-package through
#: pytest-aiohttp: (sdist, pytest arguments). aiohttp-cors' browser tests need selenium;
#: aiohttp-session's conftest only starts redis and memcached in docker (those storages'
#: tests are left out, with the PyNaCl one), so it is not loaded. Of the other pinned
#: plugins, aiohttp-remotes, aiohttp-middlewares, aiohttp-apispec, aiohttp-wsgi and
#: aiohttp-asgi-connector ship no tests in their sdists, and aiohttp-socks' tests import
#: a ``tests.config`` its sdist leaves out (and need SOCKS proxies on the network).
SUITES = {
    "aiohttp-jinja2==1.6": ["tests"],
    "aiohttp-cors==0.8.1": ["tests", "--ignore=tests/integration/test_real_browser.py"],
    "pytest-aiohttp==1.1.1": ["tests", "-p", "pytester"],
    "aiohttp-security==0.5.0": ["tests"],
    "aiohttp-session==2.12.1": [
        "tests",
        "--noconftest",
        "--ignore=tests/test_redis_storage.py",
        "--ignore=tests/test_memcached_storage.py",
        "--ignore=tests/test_nacl_storage.py",
    ],
    "aiohttp-sse==3.0": ["tests"],
    "aioresponses==0.7.9": [
        "tests",
        # Pass-through requests go out to httpbin.org: no network here.
        "--deselect=tests/test_aioresponses.py::AIOResponsesTestCase"
        "::test_address_as_instance_of_url_combined_with_pass_through",
        "--deselect=tests/test_aioresponses.py::AIOResponsesTestCase"
        "::test_pass_through_with_origin_params",
        "--deselect=tests/test_aioresponses.py::AIOResponseRedirectTest"
        "::test_pass_through_unmatched_requests",
    ],
    # The sdist leaves out tests/app.py, which test_client.py imports its server from.
    "aiohttp-retry==2.9.1": ["tests", "--ignore=tests/test_client.py"],
    # The integration tests need an httpbin on localhost:8080 and docker backends; the
    # unit tests skip five that need ClientSession(json_serialize_bytes=), new after 3.13.
    "aiohttp-client-cache==0.15.0": ["test/unit"],
}


@pytest.fixture(scope="module")
def sdists(plugin_python: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The suites' sdists, unpacked; pytest-aiohttp installed with --no-deps to run them."""
    target = tmp_path_factory.mktemp("sdists")
    subprocess.run(
        [*uv(), "pip", "install", "--quiet", "-p", str(plugin_python),
         "pip", "setuptools", "setuptools-scm", "pytest", "pytest-asyncio",
         # aiohttp-security's suite: pytest-mock, and PyJWT from before the releases that
         # warn about the short keys its tests use.
         "pytest-mock", "pyjwt==2.9.0",
         # aioresponses' suite: ddt; aiohttp-client-cache's: faker. The build tools two
         # sdists' metadata step needs: pbr (aioresponses), hatchling (aiohttp-client-cache).
         "ddt", "faker", "pbr", "hatchling"],
        check=True,
    )  # fmt: skip
    subprocess.run(
        [*uv(), "pip", "install", "--quiet", "--no-deps", "-p", str(plugin_python),
         "pytest-aiohttp==1.1.1"],
        check=True,
    )  # fmt: skip
    # --no-build-isolation: the metadata step uses the build tools installed above
    # (and never resolves aiohttp).
    subprocess.run(
        [str(plugin_python), "-m", "pip", "download", "--quiet", "--no-deps",
         "--no-binary", ":all:", "--no-build-isolation", "-d", str(target), *SUITES],
        check=True,
    )  # fmt: skip
    for archive in target.glob("*.tar.gz"):
        subprocess.run(["tar", "xzf", str(archive), "-C", str(target)], check=True)
    return target


@pytest.mark.parametrize("requirement", list(SUITES))
def test_plugin_test_suite_passes_on_our_meta_package(
    plugin_python: Path, sdists: Path, requirement: str
) -> None:
    name, _, version = requirement.partition("==")
    (source,) = [
        path
        for path in sdists.iterdir()
        if path.is_dir() and path.name.lower().replace("_", "-") == f"{name}-{version}"
    ]
    result = subprocess.run(
        [str(plugin_python), "-m", "pytest", *SUITES[requirement], "-q",
         "-p", "no:cacheprovider", "-o", "addopts=", "-o", "asyncio_mode=auto",
         "-o", "asyncio_default_fixture_loop_scope=function"],
        capture_output=True, text=True, timeout=300, cwd=source,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert " passed" in result.stdout and "failed" not in result.stdout, result.stdout[-2000:]
