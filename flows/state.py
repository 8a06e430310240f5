"""Where a participant is in one run of a flow; stored as JSON after every event."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Cursor(BaseModel):
    """A step, and inside a loop the picture the round is about."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    step: str
    item: str = ""


class RunState(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    cursor: Cursor | None
    """The question being asked; None once the flow is done."""
    history: tuple[Cursor, ...] = ()
    """The questions answered before, for Terug."""
    page: int = 0
    selection: tuple[str, ...] = ()
    """Pictures ticked so far on a pick_pictures question, in the order they were tapped."""
    prompt: int = 1
    """Grows each time a new question is shown; buttons of older questions carry a smaller one."""
    paused: bool = False
    earlier: dict[str, tuple[str, ...]] = {}
    """Per pick_picture step, the pictures chosen in an earlier method, to offer first."""

    @property
    def finished(self) -> bool:
        return self.cursor is None
