"""The action plan as the participant gets it: one picture with a row per action, and the
same in a few plain words, one line per action with its day.

Only the actions, in the coach's order: no coach words (competentie, domein) and no names.
A picture holds at most 8 rows, so a plan with more actions shows the first 8, in the
picture and in the text, and one more line says how many are left ("Er zijn nog 2 acties").
"""

from __future__ import annotations

from bot.action_plan import Action, ActionPlan
from bot.homework import dutch_date
from flows.conversation_types import ImageSpec, Reply
from images.render import MAX_PLAN_ROWS

PLAN_TITLE = "Mijn plan"
INTRO = "📝 Dit is jouw plan. 💪"
EMPTY = "📝 Je plan heeft nog geen acties. ⏳"
LINE = "{number}. {what} – {when}"
NO_DATE = "zonder datum"
MORE_ONE = "➕ Er is nog 1 actie. Je coach vertelt je meer. 🤝"
MORE = "➕ Er zijn nog {count} acties. Je coach vertelt je meer. 🤝"
MAX_SHOWN = MAX_PLAN_ROWS
MAX_WHAT = 80
"""Characters of an action in the text: 8 lines and the rest stay within the 1024 characters
of a photo's caption on Telegram."""


def plan_reply(plan: ActionPlan) -> Reply:
    """The plan as one message: the plan picture with the lines as its text."""
    shown = plan.actions[:MAX_SHOWN]
    if not shown:
        return Reply(EMPTY)
    lines = [INTRO]
    lines += [
        LINE.format(number=number, what=_short(action.what), when=_when(action))
        for number, action in enumerate(shown, start=1)
    ]
    left = len(plan.actions) - len(shown)
    if left:
        lines.append(MORE_ONE if left == 1 else MORE.format(count=left))
    image = ImageSpec(
        "plan",
        tuple(action.picture or "" for action in shown),
        title=PLAN_TITLE,
        captions=tuple(f"{_plain(action.what)}\n{_when(action)}" for action in shown),
    )
    return Reply("\n".join(lines), image=image, keep=True)


def _when(action: Action) -> str:
    return dutch_date(action.by_when) if action.by_when else NO_DATE


def _plain(text: str) -> str:
    return " ".join(text.split())


def _short(text: str, most: int = MAX_WHAT) -> str:
    """The text on one line, cut after a whole word with "…" when longer than `most`."""
    plain = _plain(text)
    if len(plain) <= most:
        return plain
    cut = plain[: most - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:-") + "…"
