"""Run inside the full profile: every module of aiohttp's module map imports."""

from __future__ import annotations

import importlib
import pkgutil

import aiohttp

modules = sorted(info.name for info in pkgutil.iter_modules(aiohttp.__path__))
for name in modules:
    importlib.import_module(f"aiohttp.{name}")
print(f"{len(modules)} modules imported")
print("surface ok")
