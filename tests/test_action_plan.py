"""The action plan of the handbook's template: its warnings, the VDAB file name, the
suggestions a Droompagina gives the coach, and the next POP that starts from the evaluation of
the previous one."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from bot.action_plan import (
    Action,
    ActionPlan,
    ContactMoment,
    EvaluatedAction,
    Evaluation,
    PlanItem,
    next_plan,
    suggestions,
)
from bot.conversation import Conversation
from flows.answers import AnswerKey
from flows.engine import FlowEngine
from storage.repository import Repository
from tests.transcript import Transcript

GENERIC = Action(what="Op tijd komen", by_when=date(2026, 12, 1), result="5 dagen op tijd",
                 kind="generiek")  # fmt: skip
TECHNICAL = Action(what="Heftruck leren", by_when=date(2027, 1, 15), result="Attest",
                   kind="technisch")  # fmt: skip


def test_an_empty_plan_asks_for_a_generic_and_a_technical_action() -> None:
    assert ActionPlan().warnings() == [
        "Er is nog geen actie voor een generieke competentie.",
        "Er is nog geen actie voor een technische competentie.",
    ]


def test_one_generic_and_one_technical_action_with_dates_and_results_is_enough() -> None:
    assert ActionPlan(actions=[GENERIC, TECHNICAL]).warnings() == []


def test_an_action_without_date_or_result_is_named() -> None:
    vague = Action(what="Iets met computers", kind="technisch")
    assert ActionPlan(actions=[GENERIC, vague]).warnings() == [
        "Actie 2 heeft geen datum (tegen wanneer).",
        "Actie 2 heeft geen verwacht resultaat.",
    ]


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("Fatima", "El Amrani", "20261122_POP_EL-AMRANI_FATIMA.pdf"),
        ("Zoë", "Van den Broeck-Çelik", "20261122_POP_VAN-DEN-BROECK-CELIK_ZOE.pdf"),
        ("", "", "20261122_POP_ONBEKEND_ONBEKEND.pdf"),
    ],
)
def test_the_file_name_is_what_mijn_loopbaan_expects(first: str, last: str, expected: str) -> None:
    plan = ActionPlan(first_name=first, last_name=last)
    assert plan.file_name(date(2026, 11, 22)) == expected


def test_items_need_text_and_known_kinds() -> None:
    with pytest.raises(ValidationError):
        PlanItem(text="   ")
    with pytest.raises(ValidationError):
        ActionPlan.model_validate({"actions": [{"what": "x", "kind": "belangrijk"}]})


async def test_a_droompagina_suggests_wants_actions_and_development_points(
    conversation: Conversation, repository: Repository, engines: dict[str, FlowEngine]
) -> None:
    engine = engines["droompagina"]
    first, second = engine.pool_of("dreams")[:2]
    talk = Transcript(conversation)
    await talk.start()
    await talk.tap("✅")
    await talk.tap("🌈 Droompagina")
    await talk.tap("1️⃣")
    await talk.tap("2️⃣")
    await talk.tap("🏁 Klaar")
    await talk.tap("⏭️ Overslaan")
    await talk.tap("👍")
    await talk.say("Sparen.")
    await talk.tap("⏭️ Overslaan")
    await talk.tap("👎")
    await talk.say("Eerst vrijwilligerswerk.")
    await talk.tap("1️⃣")
    await talk.say("Morgen naar de bank.")
    participant = await repository.participant("telegram", talk.user)
    assert participant is not None
    (run,) = await repository.runs(participant.id)
    answers = await repository.answers(run.id)
    assert AnswerKey(step="first_step") in answers

    found = [(s.section, s.text, s.picture) for s in suggestions(engine, answers)]
    label = engine.picture_label
    assert found == [
        ("wants", label(first), first),
        ("actions", f"{label(first)}: Sparen.", first),
        ("develop", f"{label(second)}: Eerst vrijwilligerswerk.", second),
        ("actions", "Morgen naar de bank.", first),
    ]


EVALUATED_ON = date(2026, 12, 10)


def _followed(action: Action, score: int, keep: bool, remark: str = "") -> EvaluatedAction:
    return EvaluatedAction(
        what=action.what,
        kind=action.kind,
        by_when=action.by_when,
        score=score,
        keep=keep,
        remark=remark,
    )


def test_the_next_pop_copies_the_summary_and_only_the_kept_actions() -> None:
    previous = ActionPlan(
        first_name="Fatima",
        last_name="El Amrani",
        birth_date=date(1990, 5, 1),
        organisation="De Schakel",
        contacts=[ContactMoment(day=date(2026, 3, 2), phase="start")],
        wants=[PlanItem(text="Werken in een keuken", kind="technisch")],
        cans=[PlanItem(text="Op tijd komen", kind="generiek")],
        develop=[PlanItem(text="Nederlands met klanten", kind="generiek")],
        goal="Hulpkok worden",
        participation="SEC",
        actions=[GENERIC, TECHNICAL, Action(what="Meelopen met de kok")],
    )
    evaluation = Evaluation(
        previous_made_on=date(2026, 3, 2),
        evaluated_on=EVALUATED_ON,
        actions=[
            _followed(GENERIC, 5, keep=False, remark="Elke dag op tijd."),
            _followed(TECHNICAL, 2, keep=True, remark="Nog geen examen."),
            _followed(previous.actions[2], 0, keep=True),
        ],
    )
    following = next_plan(previous, evaluation)
    assert (following.first_name, following.last_name) == ("Fatima", "El Amrani")
    assert following.birth_date == date(1990, 5, 1) and following.organisation == "De Schakel"
    assert following.wants == previous.wants and following.cans == previous.cans
    assert following.develop == previous.develop
    assert (following.goal, following.participation) == ("Hulpkok worden", "SEC")
    assert following.contacts == [], "the conversations of the new POP are still to come"
    assert [action.what for action in following.actions] == [
        "Heftruck leren",
        "Meelopen met de kok",
    ]
    assert following.actions[0].by_when == date(2027, 1, 15), "a date still to come stays"
    assert following.evaluation == evaluation
    assert previous.evaluation is None and len(previous.actions) == 3, "the old plan is unchanged"


def test_a_kept_action_whose_date_has_passed_asks_for_a_new_date() -> None:
    late = Action(what="Cv maken", by_when=date(2026, 11, 30), result="Cv klaar", kind="generiek")
    previous = ActionPlan(actions=[late, TECHNICAL])
    evaluation = Evaluation(
        previous_made_on=date(2026, 3, 2),
        evaluated_on=EVALUATED_ON,
        actions=[_followed(late, 1, keep=True), _followed(TECHNICAL, 3, keep=True)],
    )
    following = next_plan(previous, evaluation)
    assert following.actions[0].by_when is None
    assert following.warnings() == ["Actie 1 heeft geen datum (tegen wanneer)."]


def test_scores_go_from_0_to_5_and_the_evaluation_must_follow_the_plan() -> None:
    for score in (-1, 6):
        with pytest.raises(ValidationError):
            _followed(GENERIC, score, keep=True)
    assert _followed(GENERIC, 0, keep=False).score == 0
    evaluation = Evaluation(
        previous_made_on=date(2026, 3, 2),
        evaluated_on=EVALUATED_ON,
        actions=[_followed(GENERIC, 4, keep=True)],
    )
    with pytest.raises(ValueError, match="does not follow"):
        next_plan(ActionPlan(actions=[GENERIC, TECHNICAL]), evaluation)


def test_a_plan_with_its_evaluation_reads_back_from_json() -> None:
    evaluation = Evaluation(
        previous_made_on=date(2026, 3, 2),
        evaluated_on=EVALUATED_ON,
        actions=[_followed(GENERIC, 4, keep=True, remark="Bijna")],
    )
    plan = next_plan(ActionPlan(actions=[GENERIC]), evaluation)
    assert ActionPlan.model_validate_json(plan.model_dump_json()) == plan
    assert ActionPlan.model_validate_json('{"goal": "x"}').evaluation is None
