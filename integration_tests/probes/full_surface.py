"""Run inside the full profile: every module of aiohttp's module map imports."""

from __future__ import annotations

import importlib
import pkgutil

import aiohttp

modules = sorted(info.name for info in pkgutil.iter_modules(aiohttp.__path__))
for name in modules:
    try:
        importlib.import_module(f"aiohttp.{name}")
    except ModuleNotFoundError as exc:
        # The pytest plugin needs pytest, which the profile leaves out, as aiohttp's does.
        if (name, exc.name) != ("pytest_plugin", "pytest"):
            raise
print(f"{len(modules)} modules imported")
print("surface ok")
