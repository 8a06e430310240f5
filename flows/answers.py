"""What a participant answered to one step: the values the engine records and storage keeps."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class _Answer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PicturesAnswer(_Answer):
    kind: Literal["pictures"] = "pictures"
    pictures: tuple[str, ...]


class PictureAnswer(_Answer):
    kind: Literal["picture"] = "picture"
    picture: str


class OptionAnswer(_Answer):
    kind: Literal["option"] = "option"
    option: str


class TextAnswer(_Answer):
    kind: Literal["text"] = "text"
    text: str


class VoiceAnswer(_Answer):
    """A voice note; `file` is its path relative to the data folder."""

    kind: Literal["voice"] = "voice"
    file: str
    duration: int


class SkippedAnswer(_Answer):
    kind: Literal["skipped"] = "skipped"


Answer = Annotated[
    PicturesAnswer | PictureAnswer | OptionAnswer | TextAnswer | VoiceAnswer | SkippedAnswer,
    Field(discriminator="kind"),
]
ANSWER_ADAPTER: TypeAdapter[Answer] = TypeAdapter(Answer)


class AnswerKey(BaseModel):
    """A step, and for steps inside a loop the picture the round is about ('' outside loops)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    step: str
    item: str = ""


Answers = dict[AnswerKey, Answer]
"""The current answers of one run: the latest one per key."""
