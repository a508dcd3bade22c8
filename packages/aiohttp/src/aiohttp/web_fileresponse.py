"""``aiohttp.web_fileresponse``: re-exports from nothing yet."""

__all__: list[str] = []
