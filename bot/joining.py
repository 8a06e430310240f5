"""Joining a coach: with her code on the consent button (a deep link or a web link), typed in
the chat, or after being asked. Moving from one coach to another is asked first, because the
new coach would see all her answers."""

from __future__ import annotations

from bot.coaching import normal_code
from flows.conversation_types import Button, Reply
from storage.repository import Participant, Repository

SWITCH_SCOPE = "j"
JOINED = "Je coach is nu {name}. 🤝"
UNKNOWN_CODE = "Die code ken ik niet. Vraag hem nog eens aan je coach. 🤔"
SWITCH_QUESTION = (
    "Je coach is nu {current}.\nWil je naar {new} gaan? 🤝\n{new} ziet dan al je antwoorden."
)
SWITCH_YES = "✅ Ja, naar de nieuwe coach"
SWITCH_NO = "❌ Nee, blijven"
SWITCH_KEPT = "Oké, je coach blijft dezelfde. 👍"


async def join(
    repository: Repository, participant: Participant, join_code: str, *, confirmed: bool = False
) -> list[Reply]:
    """Join the coach of this code; a code nobody has is passed over (no replies). Moving
    from one coach to another is asked first, unless she `confirmed` it."""
    code = normal_code(join_code)
    coach = await repository.coaches.by_join_code(code) if code else None
    if coach is None:
        return []
    if participant.coach_id not in (None, coach.id) and not confirmed:
        current = await repository.coaches.by_id(participant.coach_id or 0)
        buttons = ((Button(f"yes:{code.lower()}", SWITCH_YES), Button("no", SWITCH_NO)),)
        text = SWITCH_QUESTION.format(current=current.name if current else "?", new=coach.name)
        return [Reply(text, buttons, scope=SWITCH_SCOPE)]
    await repository.coaches.join(participant.id, coach.id)
    return [Reply(JOINED.format(name=coach.name))]


async def answer_to_switch(
    repository: Repository, participant: Participant, action: str
) -> list[Reply]:
    """Her answer to "move to the new coach?": yes moves her, no keeps her coach."""
    answer, _, code = action.partition(":")
    if answer == "yes" and code:
        return await join(repository, participant, code, confirmed=True)
    return [Reply(SWITCH_KEPT)]


def asks_to_switch(replies: list[Reply]) -> bool:
    """Whether joining asked first to move from one coach to another."""
    return any(reply.scope == SWITCH_SCOPE for reply in replies)
