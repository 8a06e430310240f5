"""My plan, my successes: at any time (a menu button, /mijnplan) she sees the action plan her
coach sent her, as its picture, and the cards of the small steps that worked."""

from __future__ import annotations

from collections.abc import Mapping

from bot.action_plan import ActionPlan
from bot.plan_message import plan_reply
from bot.small_steps import CHECK_FLOW
from flows.answers import AnswerKey, OptionAnswer
from flows.conversation_types import Reply
from flows.engine import FlowEngine
from storage.repository import Participant, Repository

MY_PLAN_ACTION = "mijnplan"
MY_PLAN_BUTTON = "📋 Mijn plan en successen"
SUCCESSES = "Je zette al {count} kleine stap(pen). Knap! 🌟"
NOTHING_YET = "Nog geen plan en nog geen successen. 🌱\nJe maakt je plan samen met je coach."
MOST_CARDS = 5
"""The newest success cards shown; older ones stay stored."""


async def my_plan(
    repository: Repository, engines: Mapping[str, FlowEngine], participant: Participant
) -> list[Reply]:
    """Her sent plan as a picture, then her newest success cards, or a word when there is
    nothing yet."""
    replies: list[Reply] = []
    stored = await repository.plans.latest_sent_plan(participant.id)
    if stored is not None:
        replies.append(plan_reply(ActionPlan.model_validate_json(stored.plan_json)))
    successes = []
    check = engines.get(CHECK_FLOW)
    for run in await repository.runs(participant.id):
        if check is None or run.flow_id != CHECK_FLOW or run.status != "finished":
            continue
        answers = await repository.answers(run.id)
        if answers.get(AnswerKey(step="worked")) == OptionAnswer(option="ja"):
            successes.append(check.result(answers))
    if successes:
        replies.append(Reply(SUCCESSES.format(count=len(successes))))
        replies += [Reply("🏅", image=card.image, keep=True) for card in successes[-MOST_CARDS:]]
    return replies or [Reply(NOTHING_YET)]
