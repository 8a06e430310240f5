"""Button data: what we encode decodes to the same tap; anything else decodes to None."""

from __future__ import annotations

import pytest

from bot.callback_data import MAX_BYTES, decode, encode
from flows.conversation_types import Tap
from flows.engine import FlowEngine
from images.manifest import Manifest

GOOD = [
    ("c", "yes"),
    ("c", "no"),
    ("m", "droompagina"),
    ("r1.1", "p:home"),
    ("r12.34", "o:weet_niet"),
    ("r7.2", "done"),
    ("a" * 24, "b" * 38),
]

FORGED = [
    None,
    "",
    ":",
    "c",
    "cyes",
    "c:",
    ":yes",
    "c: yes",
    "c:yes ",
    " c:yes",
    "c:yes\n",
    "c:yes\r\n",
    "c\n:yes",
    "c:yes\x00",
    "C:YES",
    "c:ja✅",
    "ç:yes",
    "c:ｙｅｓ",
    "c:１",
    "r1.1:p:home'; DROP TABLE answers;--",
    "r1.1:p:home' OR '1'='1",
    "c:yes;delete",
    "c/../x:yes",
    "c-1:yes",
    "a" * 25 + ":x",
    "a:" + "b" * 39,
    "a" * 30 + ":" + "b" * 33,
    "m:" + "x" * MAX_BYTES,
]


@pytest.mark.parametrize(("scope", "action"), GOOD)
def test_round_trip(scope: str, action: str) -> None:
    data = encode(scope, action)
    assert data == f"{scope}:{action}"
    assert len(data.encode()) <= MAX_BYTES
    assert decode(data) == Tap(scope, action)


def test_only_the_first_colon_separates_scope_from_action() -> None:
    assert decode("r3.9:p:home") == Tap("r3.9", "p:home")
    assert decode("r3.9:o:ja") == Tap("r3.9", "o:ja")


@pytest.mark.parametrize("data", FORGED)
def test_forged_or_garbage_data_is_rejected(data: str | None) -> None:
    assert decode(data) is None


def test_data_over_64_bytes_is_rejected_even_if_it_looks_fine() -> None:
    assert decode("m:" + "x" * 70) is None
    assert len(("m:" + "é" * 20).encode()) < MAX_BYTES
    assert decode("m:" + "é" * 20) is None


@pytest.mark.parametrize("data", [item for item in FORGED if item and ":" in item])
def test_encode_refuses_what_decode_would_refuse(data: str) -> None:
    scope, action = data.split(":", 1)
    with pytest.raises(ValueError, match="cannot put"):
        encode(scope, action)


@pytest.mark.parametrize(
    ("scope", "action"),
    [("", "yes"), ("c", ""), ("c", "yes\n"), ("c\n", "yes"), ("c:d", "yes"), ("C", "yes")],
)
def test_encode_refuses_bad_parts(scope: str, action: str) -> None:
    with pytest.raises(ValueError):
        encode(scope, action)
    assert decode(f"{scope}:{action}") != Tap(scope, action)


def test_every_real_picture_button_fits_even_in_a_long_run(
    pictures: Manifest, engines: dict[str, FlowEngine]
) -> None:
    scope = "r9999999.99999"
    for picture in pictures.pictures:
        assert decode(encode(scope, f"p:{picture.id}")) == Tap(scope, f"p:{picture.id}")
    longest_check = "check:999999999999:beetje"  # a check-in of a small step
    assert decode(encode("m", longest_check)) == Tap("m", longest_check)
    for engine in (engine for engine in engines.values() if engine.flow.menu):
        question = engine.start().replies[-1]
        assert question.actions()
        for action in question.actions():
            assert decode(encode(f"r1.{question.scope}", action)) is not None
        assert decode(encode("m", engine.flow.id)) == Tap("m", engine.flow.id)
