"""The plugin under test is loaded by name, as users load it."""

pytest_plugins = ["aiohttp_testing.pytest_plugin", "pytester"]
