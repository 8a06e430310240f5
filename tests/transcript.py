"""Golden transcripts: play a participant against the conversation, write down every reply.

A transcript is plain text, one line per input (`>`) and per reply (`<`), with the buttons
and the image each reply carries. It is compared with `tests/golden/<name>.txt`; run the
tests with POPBOT_UPDATE_GOLDEN=1 to write the files anew, then read the diff before you
commit it.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.conversation import Conversation, Incoming, Start, VoiceNote
from bot.export import export_participant
from flows.answers import Answers
from flows.conversation_types import ImagePart, Reply, Tap, TextIn, Unsupported
from flows.engine import FlowEngine
from images.manifest import Manifest
from storage.repository import Repository

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
VOICE_BYTES = b"OggS\x00fake-opus-voice-note"


class Transcript:
    def __init__(self, conversation: Conversation, user: str = "1001") -> None:
        self.conversation = conversation
        self.user = user
        self.lines: list[str] = []
        self.replies: list[Reply] = []

    @property
    def current(self) -> Reply:
        """The newest reply with buttons: what the participant taps next."""
        for reply in reversed(self.replies):
            if reply.buttons:
                return reply
        raise AssertionError("no reply with buttons yet")

    async def send(self, incoming: Incoming, shown: str) -> list[Reply]:
        self.lines.append(f"> {shown}")
        replies = await self.conversation.handle("telegram", self.user, incoming)
        for reply in replies:
            self.lines.extend(describe(reply))
        self.replies.extend(replies)
        return replies

    async def start(self) -> list[Reply]:
        return await self.send(Start(), "/start")

    async def tap(self, text: str, reply: Reply | None = None) -> list[Reply]:
        """Tap the button whose text is, or starts with, `text` (on the newest question by
        default, or on an older `reply`)."""
        reply = reply or self.current
        for row in reply.buttons:
            for button in row:
                if button.text == text or button.text.startswith(text):
                    return await self.send(Tap(reply.scope, button.action), f"tap {button.text}")
        raise AssertionError(f"no button {text!r} in {describe(reply)}")

    async def forge(self, scope: str, action: str) -> list[Reply]:
        return await self.send(Tap(scope, action), f"forged button {scope}:{action}")

    async def say(self, text: str) -> list[Reply]:
        return await self.send(TextIn(text), f"text {text!r}")

    async def voice(self, seconds: int, size: int = len(VOICE_BYTES)) -> list[Reply]:
        async def fetch(path: Path) -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(VOICE_BYTES)

        note = VoiceNote(duration=seconds, size=size, fetch=fetch)
        return await self.send(note, f"voice note {seconds}s {size}B")

    async def send_unsupported(self, what: str) -> list[Reply]:
        return await self.send(Unsupported(what), what)

    def note(self, text: str) -> None:
        self.lines.append(f"# {text}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def describe(reply: Reply) -> list[str]:
    shown = f"{reply.progress}\n{reply.text}" if reply.progress else reply.text
    lines = [f"< {line}" for line in shown.splitlines()]
    if reply.image is not None:
        image = reply.image
        chosen = f" chosen={','.join(image.selected)}" if image.selected else ""
        title = f" title={image.title!r}" if image.title else ""
        edit = " (replaces the tapped message)" if reply.edit else ""
        if image.parts:
            lines.append(f"  [{image.hook}{title}]{edit}")
            lines += [f"    {describe_part(part)}" for part in image.parts]
        else:
            shown = f": {','.join(image.pictures)}" if image.pictures else ""
            words = f" words={'|'.join(image.captions)}" if image.captions else ""
            lines.append(f"  [{image.hook}{shown}{chosen}{title}{words}]{edit}")
    for row in reply.buttons:
        lines.append("  " + " ".join(f"[{button.text}]" for button in row))
    return lines


def describe_part(part: ImagePart) -> str:
    """A part of a picture made of parts: where, its words, pictures, chosen options, typed."""
    shown = [part.place or "-"]
    if part.label:
        shown.append(repr(part.label))
    shown.append(",".join(part.pictures) or "no pictures")
    if part.values:
        shown.append("values=" + ",".join(value or "-" for value in part.values))
    if part.words:
        shown.append("words=" + " | ".join(part.words))
    return " ".join(shown)


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN_DIR / f"{name}.txt"
    if os.environ.get("POPBOT_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"golden/{name}.txt",
                tofile="this run",
            )
        )
        raise AssertionError(f"transcript differs from golden/{name}.txt:\n{diff}")


def as_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


@dataclass
class GoldenRun:
    """A participant who said yes to keeping her answers, about to play a method for a golden
    transcript; what was stored is checked against it at the end, export included."""

    talk: Transcript
    repository: Repository
    engines: dict[str, FlowEngine]
    pictures: Manifest

    async def finished_answers(self, flow_id: str) -> Answers:
        """The answers of her latest run, which must be a finished run of this method."""
        participant = await self.repository.participant("telegram", self.talk.user)
        assert participant is not None
        run = (await self.repository.runs(participant.id))[-1]
        assert (run.flow_id, run.status) == (flow_id, "finished")
        return await self.repository.answers(run.id)

    async def assert_golden(self, name: str) -> None:
        """The transcript and then the export, compared with tests/golden/<name>.txt (the
        random names of voice notes left out)."""
        export = await export_participant(
            self.repository, self.engines, self.pictures, "telegram", self.talk.user
        )
        lines = [*self.talk.lines, "# export", *as_json(export).splitlines()]
        text = "\n".join(lines) + "\n"
        assert_golden(name, re.sub(r"[0-9a-f]{32}\.ogg", "<random>.ogg", text))
