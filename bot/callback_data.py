"""Callback data of inline buttons: `<scope>:<action>`, checked before anything trusts it.

Telegram sends back whatever a client puts in a button, so the shape is validated here and
the meaning (is this button still current?) by the conversation and the engine.
"""

from __future__ import annotations

import re

from flows.conversation_types import Tap

MAX_BYTES = 64
_SCOPE = r"[a-z0-9.]{1,24}"
_ACTION = r"[a-z0-9_:]{1,38}"
_CALLBACK = re.compile(rf"^(?P<scope>{_SCOPE}):(?P<action>{_ACTION})$")


def encode(scope: str, action: str) -> str:
    data = f"{scope}:{action}"
    if decode(data) != Tap(scope, action):
        raise ValueError(f"cannot put {data!r} in a button")
    return data


def decode(data: str | None) -> Tap | None:
    """The tap a button stands for, or None for anything we never made."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    match = _CALLBACK.fullmatch(data)  # not match(): `$` would let a trailing newline in
    if match is None:
        return None
    return Tap(match["scope"], match["action"])
