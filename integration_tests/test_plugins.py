"""Popular aiohttp plugins from PyPI run unchanged on our meta-package.

One profile venv holds our wheels plus the plugins, installed with
``--no-deps`` so that nothing can pull the real aiohttp in; their other
dependencies are named explicitly. Each probe uses a plugin the way its
README shows and asserts what a user would observe.
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
]
#: Their dependencies other than aiohttp: cryptography for aiohttp-session's encrypted
#: storage; attrs, which aiohttp-middlewares imports without declaring (it comes with the
#: real aiohttp); the OpenTelemetry API, SDK (for an in-memory exporter) and helpers;
#: botocore and the helpers aiobotocore 2.25.1 declares; aiohttp-client-cache's
#: itsdangerous and url-normalize.
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
    ],
)
def test_plugin_runs_on_our_meta_package(plugin_python: Path, probe: str, expected: str) -> None:
    assert expected in run_probe(plugin_python, probe)
