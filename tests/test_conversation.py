"""The conversation around the flows: consent, the menu, old and forged buttons, restarts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bot.conversation import (
    CONSENT_QUESTION,
    CONSENT_REFUSED,
    CONSENT_THANKS,
    GREETING,
    HINT_CONSENT,
    HINT_OLD_BUTTON,
    MENU_AGAIN,
    MENU_QUESTION,
    VOICE_FAILED,
    Conversation,
    Start,
    VoiceNote,
)
from flows import wording
from flows.answers import AnswerKey, Answers, PicturesAnswer
from flows.conversation_types import Reply
from flows.engine import FlowEngine
from flows.state import RunState
from storage.repository import Repository, StoredRun
from tests.conftest import FakeClock
from tests.transcript import Transcript

DREAMS = AnswerKey(step="dreams")


async def consent(talk: Transcript) -> None:
    await talk.start()
    await talk.tap("✅")


async def at_first_why(talk: Transcript) -> None:
    """Consent, open the Droompagina, choose one picture: the 'why' question (voice allowed)."""
    await consent(talk)
    await talk.tap("🌈 Droompagina")
    await talk.tap("1️⃣")
    await talk.tap("🏁 Klaar")


async def short_run(talk: Transcript) -> None:
    """A whole Droompagina with one picture, from the menu to the result."""
    await talk.tap("🌈 Droompagina")
    await talk.tap("1️⃣")
    await talk.tap("🏁 Klaar")
    await talk.tap("⏭️ Overslaan")
    await talk.tap("🤷")
    await talk.tap("1️⃣")
    await talk.tap("⏭️ Overslaan")


async def runs_of(repository: Repository, user: str = "1001") -> list[StoredRun]:
    participant = await repository.participant("telegram", user)
    assert participant is not None
    return await repository.runs(participant.id)


async def only_run(repository: Repository, user: str = "1001") -> tuple[StoredRun, Answers]:
    run = await repository.open_run((await runs_of(repository, user))[0].participant_id)
    assert run is not None
    return run, await repository.answers(run.id)


async def progress(repository: Repository, user: str = "1001") -> tuple[RunState, Answers]:
    """Where the open run is and what it holds (not when it was last touched)."""
    run, answers = await only_run(repository, user)
    return run.state, answers


def texts(replies: list[Reply]) -> list[str]:
    return [reply.text for reply in replies]


async def test_start_before_consent_asks_and_stores_nothing(
    conversation: Conversation, repository: Repository
) -> None:
    talk = Transcript(conversation)
    replies = await talk.start()
    assert texts(replies) == [GREETING, CONSENT_QUESTION]
    assert replies[1].actions() == {"yes", "no"}
    assert await repository.participant("telegram", talk.user) is None


async def test_text_sticker_or_menu_tap_before_consent_only_ask_again(
    conversation: Conversation, repository: Repository
) -> None:
    talk = Transcript(conversation)
    for replies in [
        await talk.say("hallo"),
        await talk.send_unsupported("sticker"),
        await talk.forge("m", "droompagina"),
        await talk.forge("r1.1", "p:home"),
        await talk.forge("c", "maybe"),
    ]:
        assert texts(replies) == [HINT_CONSENT, CONSENT_QUESTION]
    assert await repository.participant("telegram", talk.user) is None


async def test_refusing_stores_only_the_refusal(
    conversation: Conversation, repository: Repository, data_dir: Path
) -> None:
    talk = Transcript(conversation)
    await talk.start()
    replies = await talk.tap("❌")
    assert texts(replies) == [CONSENT_REFUSED]
    assert replies[0].actions() == {"yes"}, "one tap to come back after all"
    participant = await repository.participant("telegram", talk.user)
    assert participant is not None and not participant.consent_given
    assert [event.given for event in await repository.consent_history(participant.id)] == [False]
    assert await repository.runs(participant.id) == []

    assert texts(await talk.forge("m", "droompagina")) == [HINT_CONSENT, CONSENT_QUESTION]
    assert await repository.runs(participant.id) == []
    assert not (data_dir / "voice").exists()


async def test_after_a_refusal_start_asks_again_and_yes_works(
    conversation: Conversation, repository: Repository
) -> None:
    talk = Transcript(conversation)
    await talk.start()
    await talk.tap("❌")
    assert texts(await talk.start()) == [GREETING, CONSENT_QUESTION]
    await talk.tap("✅")
    participant = await repository.participant("telegram", talk.user)
    assert participant is not None and participant.consent_given
    history = await repository.consent_history(participant.id)
    assert [event.given for event in history] == [False, True]
    assert participant.consent_at == history[-1].at


async def test_after_a_refusal_one_tap_on_toch_meedoen_gives_consent(
    conversation: Conversation, repository: Repository
) -> None:
    talk = Transcript(conversation)
    await talk.start()
    await talk.tap("❌")
    assert texts(await talk.tap("✅ Toch meedoen")) == [CONSENT_THANKS, MENU_QUESTION]
    participant = await repository.participant("telegram", talk.user)
    assert participant is not None and participant.consent_given


async def test_yes_stores_consent_with_its_date_and_shows_the_menu(
    conversation: Conversation, repository: Repository
) -> None:
    talk = Transcript(conversation)
    await talk.start()
    replies = await talk.tap("✅")
    assert texts(replies)[-1] == MENU_QUESTION
    assert [b.text for row in replies[-1].buttons for b in row] == [
        "🖐️ Mijn hand",
        "🕰️ Klokwijs",
        "🪞 Prentenbeeld",
        "🌈 Droompagina",
        "🗣️ Praatplaat",
        "🪜 Mijn ladder",
        "🧩 Vier op een rij",
        "👣 Kleine stap",
        "📋 Mijn plan en successen",
    ], "grouped: who am I, what do I want, what can I do, what will I do; then her plan"
    participant = await repository.participant("telegram", talk.user)
    assert participant is not None and participant.consent_given
    assert participant.consent_at == "2026-03-02T09:00:00+00:00"
    assert await repository.runs(participant.id) == []


async def test_a_forged_menu_action_starts_nothing(
    conversation: Conversation, repository: Repository
) -> None:
    talk = Transcript(conversation)
    await consent(talk)
    for action in ["nope", "dreams", "c"]:
        assert texts(await talk.forge("m", action)) == [HINT_OLD_BUTTON, MENU_QUESTION]
    assert texts(await talk.forge("c", "yes")) == [HINT_OLD_BUTTON, MENU_QUESTION]
    assert await runs_of(repository) == []


async def test_the_old_consent_and_menu_buttons_do_nothing_in_a_run(
    conversation: Conversation, repository: Repository
) -> None:
    talk = Transcript(conversation)
    await talk.start()
    consent_question = talk.current
    await talk.tap("✅")
    menu = talk.current
    await talk.tap("🌈 Droompagina")
    await talk.tap("1️⃣")
    before = await progress(repository)
    question = talk.current
    for old in [menu, consent_question]:
        replies = await talk.tap(old.buttons[0][0].text, reply=old)
        assert texts(replies)[0] == wording.HINT_OLD_BUTTON
        assert dataclasses.replace(replies[1], edit=True) == question
    assert len(await runs_of(repository)) == 1
    assert await progress(repository) == before


async def test_a_button_from_a_finished_run_is_old(
    conversation: Conversation, repository: Repository
) -> None:
    talk = Transcript(conversation)
    await consent(talk)
    await short_run(talk)
    first_run_question = next(r for r in talk.replies if r.text.endswith("nu al werken? 💪"))
    assert texts(await talk.tap("1️⃣", reply=first_run_question)) == [
        HINT_OLD_BUTTON,
        MENU_QUESTION,
    ]
    assert [run.status for run in await runs_of(repository)] == ["finished"]

    await talk.tap("🌈 Droompagina")
    current = talk.current
    before = await progress(repository)
    replies = await talk.tap("1️⃣", reply=first_run_question)
    assert texts(replies)[0] == wording.HINT_OLD_BUTTON
    assert replies[1] == current
    assert await progress(repository) == before
    assert before[1] == {}
    assert [r.status for r in await runs_of(repository)] == ["finished", "active"]


async def test_a_forged_run_scope_changes_nothing(
    conversation: Conversation, repository: Repository
) -> None:
    anna, bram = Transcript(conversation, "1"), Transcript(conversation, "2")
    for talk in (anna, bram):
        await consent(talk)
        await talk.tap("🌈 Droompagina")
    annas, _ = await only_run(repository, "1")
    brams, _ = await only_run(repository, "2")
    assert annas.id != brams.id
    brams_scope = bram.current.scope
    assert brams_scope.startswith(f"r{brams.id}.")

    for scope in [brams_scope, f"r{annas.id + 99}.1", "r.1", "1", f"r{annas.id}1"]:
        replies = await anna.forge(scope, "p:home")
        assert texts(replies)[0] == wording.HINT_OLD_BUTTON
        await anna.forge(scope, "done")
    assert (await only_run(repository, "1"))[0].state == annas.state
    assert (await only_run(repository, "2"))[0].state == brams.state


async def test_a_hint_writes_nothing_at_all(
    conversation: Conversation, repository: Repository
) -> None:
    talk = Transcript(conversation)
    await consent(talk)
    await talk.tap("🌈 Droompagina")
    before, _ = await only_run(repository, "1001")
    await talk.send_unsupported("sticker")
    await talk.say("hallo")
    await talk.forge("r999.1", "done")
    after, _ = await only_run(repository, "1001")
    assert after == before, "not even updated_at moves: the fake clock ticks on every read"


async def test_start_in_a_run_shows_the_current_question_again(
    conversation: Conversation, repository: Repository
) -> None:
    talk = Transcript(conversation)
    await at_first_why(talk)
    question = talk.current
    before = await progress(repository)
    assert await talk.start() == [question]
    assert await progress(repository) == before


async def test_a_restart_resumes_at_the_same_question_with_the_same_ticks(
    conversation: Conversation,
    repository: Repository,
    engines: dict[str, FlowEngine],
    data_dir: Path,
    clock: FakeClock,
) -> None:
    talk = Transcript(conversation)
    await consent(talk)
    await talk.tap("🌈 Droompagina")
    await talk.tap("2️⃣")
    await talk.tap("➡️ Verder")
    await talk.tap("3️⃣")
    before = talk.current
    pool = engines["droompagina"].pool_of("dreams")
    assert before.image is not None and before.image.selected == (pool[11],)
    await repository.close()

    reopened = await Repository.open(data_dir, clock)
    try:
        again = Transcript(Conversation(reopened, engines, data_dir))
        (shown,) = await again.start()
        assert shown == dataclasses.replace(before, edit=False)
        run, _ = await only_run(reopened)
        assert run.state.selection == (pool[1], pool[11])
        await again.tap("🏁 Klaar", reply=before)
        assert await reopened.answers(run.id) == {
            DREAMS: PicturesAnswer(pictures=run.state.selection)
        }
    finally:
        await reopened.close()


async def test_a_voice_note_that_cannot_be_fetched_stores_nothing(
    conversation: Conversation, repository: Repository, data_dir: Path
) -> None:
    talk = Transcript(conversation)
    await at_first_why(talk)
    question = talk.current
    run, answers = await only_run(repository)

    async def broken(path: Path) -> None:
        raise OSError("connection reset")

    replies = await talk.send(VoiceNote(duration=4, size=100, fetch=broken), "voice, lost")
    assert replies == [Reply(VOICE_FAILED), question]
    assert await only_run(repository) == (run, answers)
    assert list(data_dir.glob("voice/**/*.ogg")) == []


async def test_a_voice_note_that_is_too_long_is_refused_unfetched(
    conversation: Conversation, repository: Repository, data_dir: Path
) -> None:
    talk = Transcript(conversation)
    await at_first_why(talk)
    before = await progress(repository)
    fetched: list[Path] = []

    async def fetch(path: Path) -> None:
        fetched.append(path)

    for seconds, size in [(121, 1000), (30, 5 * 1024 * 1024 + 1), (3600, 10**9)]:
        replies = await talk.send(VoiceNote(seconds, size, fetch), f"voice {seconds}s")
        assert texts(replies)[0] == wording.HINT_VOICE_TOO_LONG
    assert fetched == []
    assert await progress(repository) == before
    assert not (data_dir / "voice").exists()


async def test_after_the_flow_the_menu_returns_and_a_second_run_starts(
    conversation: Conversation, repository: Repository, engines: dict[str, FlowEngine]
) -> None:
    talk = Transcript(conversation)
    await consent(talk)
    await short_run(talk)
    assert talk.replies[-1].text == MENU_AGAIN
    menu = {flow_id for flow_id, engine in engines.items() if engine.flow.menu}
    assert talk.replies[-1].actions() == menu | {"mijnplan"}
    (first,) = await runs_of(repository)
    assert first.status == "finished" and first.finished_at is not None
    assert await repository.answers(first.id)

    await talk.tap("🌈 Droompagina")
    first_again, second = await runs_of(repository)
    assert first_again == first
    assert second.status == "active"
    assert await repository.answers(second.id) == {}
    assert talk.current.scope.startswith(f"r{second.id}.")


async def test_current_shows_what_to_answer_now_and_changes_nothing(
    conversation: Conversation, repository: Repository
) -> None:
    assert texts(await conversation.current("web", "NEWCOMER23")) == [GREETING, CONSENT_QUESTION]
    assert await repository.participant("web", "NEWCOMER23") is None
    talk = Transcript(conversation)
    await at_first_why(talk)
    before = await progress(repository)
    assert await conversation.current("telegram", talk.user) == [talk.current]
    assert await progress(repository) == before


async def test_after_a_finished_method_its_picture_stays_above_the_menu(
    conversation: Conversation, repository: Repository
) -> None:
    talk = Transcript(conversation)
    await consent(talk)
    assert texts(await conversation.current("telegram", talk.user)) == [MENU_QUESTION]
    await short_run(talk)
    result, menu = await conversation.current("telegram", talk.user)
    (run,) = await runs_of(repository)
    chosen = (await repository.answers(run.id))[DREAMS]
    assert isinstance(chosen, PicturesAnswer)
    assert result.image is not None and result.image.hook == "collage"
    assert result.image.pictures == chosen.pictures and result.buttons == ()
    assert menu.text == MENU_QUESTION


async def test_a_run_of_a_method_that_was_removed_does_not_trap_her(
    conversation: Conversation,
    repository: Repository,
    engines: dict[str, FlowEngine],
    data_dir: Path,
) -> None:
    talk = Transcript(conversation)
    await at_first_why(talk)
    without = {flow_id: engine for flow_id, engine in engines.items() if flow_id != "droompagina"}
    later = Conversation(repository, without, data_dir)
    replies = await later.handle("telegram", talk.user, Start())
    assert texts(replies) == [GREETING, MENU_QUESTION]
    assert (await later.current("telegram", talk.user))[-1].text == MENU_QUESTION
    (kept,) = await runs_of(repository)
    assert kept.flow_id == "droompagina" and kept.status == "active", "her answers stay stored"
