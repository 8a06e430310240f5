"""The coach's export: consent with its history, and each run's current answers in flow order."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.conversation import Conversation
from bot.export import export_participant
from flows.answers import AnswerKey
from flows.engine import FlowEngine
from images.manifest import Manifest
from storage.repository import Repository
from tests.transcript import VOICE_BYTES, Transcript


async def short_run_with_a_change_of_mind(talk: Transcript) -> None:
    """Refuse, then agree; two dreams; a voice note; 👍 + an answer to 'need', then back to
    👎, which clears 'need' and asks 'closer' instead."""
    await talk.start()
    await talk.tap("❌")
    await talk.start()
    await talk.tap("✅")
    await talk.tap("🌈 Droompagina")
    await talk.tap("2️⃣")
    await talk.tap("1️⃣")
    await talk.tap("🏁 Klaar")
    await talk.voice(seconds=7)
    await talk.tap("👍")
    await talk.say("Sparen.")
    await talk.tap("⬅️ Terug")
    await talk.tap("⬅️ Terug")
    await talk.tap("👎")
    await talk.say("Klein beginnen.")
    await talk.say("Voor mijn kinderen.")
    await talk.tap("🤷")
    await talk.tap("2️⃣")
    await talk.say("Bellen.")


async def test_an_unknown_participant_exports_nothing(
    repository: Repository, engines: dict[str, FlowEngine], pictures: Manifest
) -> None:
    assert await export_participant(repository, engines, pictures, "telegram", "404") is None
    await repository.record_consent("web", "404", given=True)
    assert await export_participant(repository, engines, pictures, "telegram", "404") is None


async def test_a_refusal_exports_only_the_refusal(
    conversation: Conversation,
    repository: Repository,
    engines: dict[str, FlowEngine],
    pictures: Manifest,
) -> None:
    talk = Transcript(conversation)
    await talk.start()
    await talk.tap("❌")
    export = await export_participant(repository, engines, pictures, "telegram", talk.user)
    assert export is not None
    assert export["consent"] == {
        "given": False,
        "at": "2026-03-02T09:00:00+00:00",
        "history": [{"given": False, "at": "2026-03-02T09:00:00+00:00"}],
    }
    assert export["runs"] == []


async def test_export_of_a_finished_run(
    conversation: Conversation,
    repository: Repository,
    engines: dict[str, FlowEngine],
    pictures: Manifest,
    data_dir: Path,
) -> None:
    talk = Transcript(conversation)
    await short_run_with_a_change_of_mind(talk)
    pool = engines["droompagina"].pool_of("dreams")
    second, first = pool[1], pool[0]
    label = {picture: pictures.get(picture).label for picture in (first, second)}

    export = await export_participant(repository, engines, pictures, "telegram", talk.user)
    assert export is not None
    assert json.loads(json.dumps(export, ensure_ascii=False)) == export
    assert export["participant"] == {
        "channel": "telegram",
        "id": talk.user,
        "created_at": "2026-03-02T09:00:00+00:00",
    }
    assert export["consent"] == {
        "given": True,
        "at": "2026-03-02T09:00:01+00:00",
        "history": [
            {"given": False, "at": "2026-03-02T09:00:00+00:00"},
            {"given": True, "at": "2026-03-02T09:00:01+00:00"},
        ],
    }

    (run,) = export["runs"]
    assert run["method"] == "droompagina"
    assert run["title"] == "Droompagina"
    assert run["status"] == "finished"
    assert run["started_at"] < run["finished_at"]
    steps: list[dict[str, Any]] = run["steps"]
    assert [(s["step"], (s["about"] or {}).get("id")) for s in steps] == [
        ("dreams", None),
        ("why", second),
        ("come_true", second),
        ("closer", second),
        ("why", first),
        ("come_true", first),
        ("work_now", None),
        ("first_step", None),
    ]
    by_step = {(s["step"], (s["about"] or {}).get("id")): s for s in steps}

    dreams = by_step["dreams", None]
    assert dreams["answer"] == {
        "kind": "pictures",
        "pictures": [
            {"id": second, "label": label[second]},
            {"id": first, "label": label[first]},
        ],
    }
    assert by_step["why", second]["about"] == {"id": second, "label": label[second]}
    assert by_step["why", second]["question"] == f"Je koos {label[second]}. Waarom? 💬"
    assert by_step["why", first]["question"] == f"Je koos {label[first]}. Waarom? 💬"
    assert by_step["first_step", None]["question"] == f"Wat kan je doen voor {label[first]}? 👣"
    assert all("{label}" not in s["question"] for s in steps)

    voice = by_step["why", second]["answer"]
    assert voice["kind"] == "voice" and voice["duration"] == 7
    assert voice["file"].startswith("voice/") and voice["file"].endswith(".ogg")
    assert not Path(voice["file"]).is_absolute() and ".." not in voice["file"]
    assert (data_dir / voice["file"]).read_bytes() == VOICE_BYTES

    assert by_step["come_true", second]["answer"] == {
        "kind": "option",
        "option": "nee",
        "label": "👎 Nee",
    }
    assert by_step["come_true", second]["highlight"] is True
    assert by_step["closer", second]["highlight"] is False
    assert by_step["closer", second]["answer"] == {"kind": "text", "text": "Klein beginnen."}
    assert by_step["work_now", None]["answer"] == {
        "kind": "picture",
        "picture": {"id": first, "label": label[first]},
    }
    assert by_step["first_step", None]["answer"] == {"kind": "text", "text": "Bellen."}

    assert "need" not in {s["step"] for s in steps}
    assert "Sparen." not in json.dumps(export, ensure_ascii=False)
    history = await repository.answer_history(run["run"])
    assert [r.answer for r in history if r.key == AnswerKey(step="need", item=second)][-1] is None

    newest = {record.key: record.answered_at for record in history}
    assert (
        by_step["come_true", second]["answered_at"]
        == newest[AnswerKey(step="come_true", item=second)]
    )


async def test_a_run_of_a_method_no_longer_offered_still_exports(
    conversation: Conversation,
    repository: Repository,
    engines: dict[str, FlowEngine],
    pictures: Manifest,
) -> None:
    talk = Transcript(conversation)
    await short_run_with_a_change_of_mind(talk)
    export = await export_participant(repository, {}, pictures, "telegram", talk.user)
    assert export is not None
    (run,) = export["runs"]
    assert (run["method"], run["title"], run["status"]) == (
        "droompagina",
        "droompagina",
        "finished",
    )
    assert len(run["steps"]) == 8
    assert {s["question"] for s in run["steps"]} == {None}
    assert "need" not in {s["step"] for s in run["steps"]}


async def test_the_export_holds_her_trajectory_and_her_coachs_ratings(
    repository: Repository, engines: dict[str, FlowEngine], pictures: Manifest
) -> None:
    participant = await repository.record_consent("telegram", "1", True)
    coach = await repository.coaches.add("Sara", "SARA23", "SARATELEG2")
    await repository.coaches.join(participant.id, coach.id)
    before = await export_participant(repository, engines, pictures, "telegram", "1")
    assert before is not None
    assert before["trajectory"] is None and before["coach_ratings"] == {}

    await repository.coaches.set_trajectory(coach.id, participant.id, "variant_4")
    await repository.ratings.save(participant.id, "ladder", coach.id, {"comp_stress": "s2"})
    after = await export_participant(repository, engines, pictures, "telegram", "1")
    assert after is not None and after["trajectory"] == "variant_4"
    assert after["coach_ratings"] == {
        "ladder": {"comp_stress": {"option": "s2", "label": "2️⃣ Een beetje"}}
    }


async def test_the_export_holds_her_answers_about_her_plans_actions(
    repository: Repository, engines: dict[str, FlowEngine], pictures: Manifest
) -> None:
    participant = await repository.record_consent("telegram", "1", True)
    coach = await repository.coaches.add("Sara", "SARA23", "SARATELEG2")
    plan = await repository.plans.save(participant.id, coach.id, "{}")
    due = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    message_id = await repository.outbox.schedule(
        participant.id, "action_check_in", due, plan_id=plan.id, action_index=1
    )
    (message,) = [m for m in await repository.outbox.of_participant(participant.id)]
    assert message.id == message_id
    await repository.check_ins.record(message, "een_beetje")
    export = await export_participant(repository, engines, pictures, "telegram", "1")
    assert export is not None
    ((check_in),) = export["action_check_ins"]
    assert (check_in["plan"], check_in["action"], check_in["answer"]) == (plan.id, 1, "een_beetje")
