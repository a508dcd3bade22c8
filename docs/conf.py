"""Sphinx configuration for the project's documentation."""

project = "aiohttp (monorepo edition)"
author = "The project's contributors"
copyright = "2026, the project's contributors"
extensions = ["sphinx.ext.intersphinx"]
intersphinx_mapping: dict[str, tuple[str, None]] = {}
exclude_patterns = ["_build"]
html_theme = "alabaster"
nitpicky = False
