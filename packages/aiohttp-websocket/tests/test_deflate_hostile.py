"""Hostile ``Sec-WebSocket-Extensions`` values for the permessage-deflate negotiation.

Header values are decoded as latin-1, so a window size can hold characters
``str.isdigit`` accepts and ``int`` refuses, or more digits than ``int``
converts: a server ignores such an offer, a client refuses such an answer
with ``WSHandshakeError``; neither raises anything else.
"""

from __future__ import annotations

import pytest

from aiohttp_websocket.deflate import ws_ext_parse
from aiohttp_websocket.models import WSHandshakeError

BAD_VALUES = [
    "\xb2",
    "\xb9\xb3",
    "9" * 5000,
    "1" + "0" * 5000,
    "+9",
    "0x9",
    "",
    '""',
    "\u0669",
]


@pytest.mark.parametrize("param", ["server_max_window_bits", "client_max_window_bits"])
@pytest.mark.parametrize("value", BAD_VALUES, ids=repr)
def test_server_ignores_an_offer_with_a_bad_window(param: str, value: str) -> None:
    assert ws_ext_parse(f"permessage-deflate; {param}={value}", isserver=True) == (0, False)


@pytest.mark.parametrize("value", BAD_VALUES, ids=repr)
def test_server_takes_the_next_good_offer(value: str) -> None:
    offers = f"permessage-deflate; server_max_window_bits={value}, permessage-deflate"
    assert ws_ext_parse(offers, isserver=True) == (15, False)


@pytest.mark.parametrize("param", ["server_max_window_bits", "client_max_window_bits"])
@pytest.mark.parametrize("value", BAD_VALUES, ids=repr)
def test_client_refuses_an_answer_with_a_bad_window(param: str, value: str) -> None:
    with pytest.raises(WSHandshakeError):
        ws_ext_parse(f"permessage-deflate; {param}={value}")


def test_a_huge_list_of_offers_is_refused_or_taken_without_error() -> None:
    offers = ", ".join(["permessage-deflate; bogus=1"] * 2000 + ["permessage-deflate"])
    assert ws_ext_parse(offers, isserver=True) == (15, False)
    with pytest.raises(WSHandshakeError):
        ws_ext_parse(offers)
