"""What goes into the engine (events) and what comes out (replies), free of any channel."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tap:
    """A button press; `scope` says which question it belongs to, `action` what it does."""

    scope: str
    action: str


@dataclass(frozen=True)
class TextIn:
    text: str


@dataclass(frozen=True)
class VoiceIn:
    """A voice note; `file` is where the channel will keep it if the engine accepts it."""

    file: str
    duration: int
    size: int


@dataclass(frozen=True)
class Unsupported:
    """Anything the flow cannot use: a sticker, a photo, a file, an unknown command."""

    what: str


@dataclass(frozen=True)
class Resume:
    """Show the current question again (e.g. after /start or a pause)."""


Event = Tap | TextIn | VoiceIn | Unsupported | Resume


@dataclass(frozen=True)
class Button:
    action: str
    text: str
    picture: str | None = None
    """The picture this button stands for, for channels that can show it on the button."""
    chosen: bool = False
    """Ticked: a picture already picked, or the answer given before."""


@dataclass(frozen=True)
class ImagePart:
    """A piece of a result picture gathered from answers (see flows.models.ResultPart):
    where it goes, its words, its pictures, the options chosen and the words typed."""

    place: str = ""
    label: str = ""
    pictures: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImageSpec:
    """A picture to make with a named renderer hook ("grid", "picture", "collage", "plan")."""

    hook: str
    pictures: tuple[str, ...]
    selected: tuple[str, ...] = ()
    title: str = ""
    captions: tuple[str, ...] = ()
    """One text per picture, for hooks that need words (a picture may then be "": none)."""
    parts: tuple[ImagePart, ...] = ()
    """For result hooks made of parts (a board, a hand, a day clock, a ladder)."""


@dataclass(frozen=True)
class Reply:
    """One message to the participant."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    image: ImageSpec | None = None
    scope: str = ""
    """Prefix of the buttons' callback data: the question they belong to."""
    edit: bool = False
    """Replace the message whose button was tapped, instead of sending a new one."""
    progress: str = ""
    """How far the participant is, e.g. "●●○○"."""
    free_answer: tuple[str, ...] = ()
    """Besides the buttons, what this question also takes: "text", "voice"."""
    keep: bool = False
    """Its picture is hers to keep (a method's result, her plan): a channel may offer it as
    a download."""

    def actions(self) -> set[str]:
        return {button.action for row in self.buttons for button in row}
