"""My plan, my successes: at any time, from the menu or with /mijnplan, she sees the plan her
coach sent and the cards of the small steps that worked; in a method she then goes on where
she was."""

from __future__ import annotations

from bot.action_plan import Action, ActionPlan
from bot.conversation import Conversation, ShowMyPlan
from bot.my_plan import MY_PLAN_BUTTON, NOTHING_YET, SUCCESSES
from flows.answers import AnswerKey, Answers, OptionAnswer, TextAnswer
from flows.engine import FlowEngine
from flows.state import RunState
from storage.repository import Repository
from tests.transcript import Transcript


def _check(worked: str, step: str) -> Answers:
    return {
        AnswerKey(step="about_run"): TextAnswer(text="1"),
        AnswerKey(step="step"): TextAnswer(text=step),
        AnswerKey(step="day"): TextAnswer(text="3 maart 2026"),
        AnswerKey(step="worked"): OptionAnswer(option=worked),
    }


async def _said_yes(conversation: Conversation) -> Transcript:
    talk = Transcript(conversation)
    await talk.start()
    await talk.tap("✅")
    return talk


async def test_with_nothing_yet_she_hears_so_kindly(conversation: Conversation) -> None:
    talk = await _said_yes(conversation)
    replies = await talk.tap(MY_PLAN_BUTTON)
    assert [reply.text for reply in replies][:1] == [NOTHING_YET]
    assert replies[-1].scope == "m", "and the menu again"


async def test_her_plan_and_her_successes_only_the_steps_that_worked(
    conversation: Conversation, repository: Repository, engines: dict[str, FlowEngine]
) -> None:
    talk = await _said_yes(conversation)
    participant = await repository.participant("telegram", talk.user)
    assert participant is not None
    coach = await repository.coaches.add("Sara", "SARA23", "SARATELEG2")
    plan = ActionPlan(actions=[Action(what="De bakker bellen")])
    stored = await repository.plans.save(participant.id, coach.id, plan.model_dump_json())
    await repository.plans.queue_for_participant(stored.id, participant.id)
    done = RunState(cursor=None)
    for worked, step in (("ja", "Ik bel de VDAB."), ("niet", "Ik kook."), ("ja", "Ik fiets.")):
        run = await repository.start_run(participant.id, "mini_pop_check", done)
        await repository.save_run(run, done, list(_check(worked, step).items()))

    replies = await talk.tap(MY_PLAN_BUTTON)
    plan_card, count, *cards, menu = replies
    assert plan_card.image is not None and plan_card.image.hook == "plan" and plan_card.keep
    assert count.text == SUCCESSES.format(count=2)
    shown = [card.image.parts[0].words[0] for card in cards if card.image]
    assert shown == ["Ik bel de VDAB.", "Ik fiets."], "the successes, not the try"
    assert all(card.keep for card in cards)
    assert menu.scope == "m"


async def test_in_a_method_she_sees_her_plan_and_goes_on_where_she_was(
    conversation: Conversation,
) -> None:
    talk = await _said_yes(conversation)
    await talk.tap("🪞 Prentenbeeld")
    question = talk.current
    replies = await conversation.handle("telegram", talk.user, ShowMyPlan())
    assert replies[0].text == NOTHING_YET
    assert replies[-1].text == question.text and replies[-1].actions() == question.actions()
