"""Questions the bot asks by itself, at a time it chose (a small step's check-in, an action's
check-in, aftercare): their message has buttons in the menu's scope, the conversation hands
her tap to the one whose button it is, and it shows the ones that are due on the web chat."""

from __future__ import annotations

from typing import Protocol

from flows.answers import Answers
from flows.conversation_types import Reply
from storage.repository import Participant


class AskedByTheBot(Protocol):
    def is_answer(self, action: str) -> bool:
        """Whether a button's action is an answer to one of these questions."""
        ...

    async def take(
        self, participant: Participant, action: str
    ) -> tuple[str, Answers] | list[Reply]:
        """Her answer: a flow to start with it (its id and the answers it starts with), or
        what to say (nothing: a button not to believe). It checks that the question is hers."""
        ...

    async def open(self, participant: Participant) -> list[Reply]:
        """The questions due and not answered yet (for the web chat, above its menu)."""
        ...
