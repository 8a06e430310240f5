"""The action plan of the handbook's template: its warnings, the VDAB file name, and the
suggestions a Droompagina gives the coach."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from bot.action_plan import Action, ActionPlan, PlanItem, suggestions
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
