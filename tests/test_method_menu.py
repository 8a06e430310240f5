"""The method menu: methods grouped by the POP's questions, done ones ticked, the one to do
next pointed at, and a picture that shows the same; the picture is drawn and cached."""

from __future__ import annotations

from pathlib import Path

from bot.conversation import Conversation
from bot.method_menu import GROUP_WORDS, NEXT_MARK, menu_reply
from bot.trajectories import TRAJECTORIES_FILE, load_trajectories
from flows.conversation_types import Reply
from flows.engine import FlowEngine
from flows.models import POP_QUESTIONS
from flows.state import RunState
from images.hooks import render_image
from images.manifest import Manifest
from images.render import PictureRenderer
from storage.repository import Repository
from tests.transcript import Transcript

SCOPE = "m"


def _order(engines: dict[str, FlowEngine]) -> list[str]:
    """The flow ids of the menu by POP question, in the order the engines were loaded within
    a question."""
    return [
        flow_id
        for question in POP_QUESTIONS
        for flow_id, engine in engines.items()
        if engine.flow.question == question and engine.flow.menu
    ]


def test_buttons_come_grouped_who_am_i_then_want_then_can(
    engines: dict[str, FlowEngine],
) -> None:
    reply = menu_reply("Wat wil je doen?", engines, set(), None, SCOPE)
    actions = [button.action for row in reply.buttons for button in row]
    assert actions == [*_order(engines), "mijnplan"], "and last: her plan and successes"
    actions = actions[:-1]
    questions = [engines[action].flow.question for action in actions]
    assert questions == sorted(questions, key=POP_QUESTIONS.index)
    assert all(len(row) == 1 for row in reply.buttons), "one method per row: names stay whole"
    assert reply.scope == SCOPE


def test_done_methods_are_ticked_and_the_next_one_pointed_at(
    engines: dict[str, FlowEngine],
) -> None:
    done, now = "droompagina", "prentenbeeld"
    reply = menu_reply("Wat wil je doen?", engines, {done}, now, SCOPE)
    by_action = {button.action: button for row in reply.buttons for button in row}
    assert by_action[done].text == "🌈 Droompagina ✅" and by_action[done].chosen
    assert by_action[now].text == f"🪞 Prentenbeeld {NEXT_MARK}" and not by_action[now].chosen
    assert reply.text == "Wat wil je doen?\nJe coach zegt: doe nu 🪞 Prentenbeeld. 👈"


def test_the_menu_picture_has_a_part_per_question_with_each_methods_state(
    engines: dict[str, FlowEngine],
) -> None:
    reply = menu_reply("Wat wil je doen?", engines, {"droompagina"}, "prentenbeeld", SCOPE)
    assert reply.image is not None and reply.image.hook == "menu"
    parts = reply.image.parts
    assert [part.label for part in parts] == [
        GROUP_WORDS[q] for q in POP_QUESTIONS if any(e.flow.question == q for e in engines.values())
    ]
    states = {
        title: state for part in parts for title, state in zip(part.words, part.values, strict=True)
    }
    assert states["Droompagina"] == "done" and states["Prentenbeeld"] == "next"
    assert all(
        state == ""
        for title, state in states.items()
        if title not in {"Droompagina", "Prentenbeeld"}
    )
    covers = [engine.flow.cover[0] for engine in engines.values() if engine.flow.menu]
    assert sorted(p for part in parts for p in part.pictures) == sorted(covers)


def test_the_menu_picture_is_drawn_once_and_changes_with_what_is_done(
    engines: dict[str, FlowEngine], pictures: Manifest, tmp_path: Path
) -> None:
    renderer = PictureRenderer(pictures, tmp_path)
    fresh = menu_reply("?", engines, set(), None, SCOPE).image
    finished = menu_reply("?", engines, {"droompagina"}, None, SCOPE).image
    assert fresh is not None and finished is not None
    drawn = render_image(renderer, fresh)
    assert drawn.width == 960 and drawn.path.stat().st_size < 200_000
    assert render_image(renderer, fresh) == drawn, "the same menu comes from the cache"
    assert render_image(renderer, finished).key != drawn.key


async def test_her_coachs_trajectory_points_at_the_next_method_in_the_menu(
    repository: Repository, engines: dict[str, FlowEngine], data_dir: Path
) -> None:
    trajectories = load_trajectories(TRAJECTORIES_FILE, engines.keys())
    talk = Transcript(Conversation(repository, engines, data_dir, trajectories=trajectories))
    await talk.start()
    free = (await talk.tap("✅"))[-1]
    assert not any(NEXT_MARK in button.text for row in free.buttons for button in row)

    participant = await repository.participant("telegram", talk.user)
    assert participant is not None
    coach = await repository.coaches.add("Sara", "SARA23", "SARATELEG2")
    await repository.coaches.join(participant.id, coach.id)
    assert await repository.coaches.set_trajectory(coach.id, participant.id, "variant_4")

    def pointed(reply: Reply) -> list[str]:
        return [b.action for row in reply.buttons for b in row if b.text.endswith(NEXT_MARK)]

    first = (await talk.start())[-1]
    assert pointed(first) == ["hand"]
    assert first.text.endswith("Je coach zegt: doe nu 🖐️ Mijn hand. 👈")
    done = RunState(cursor=None)
    await repository.start_run(participant.id, "hand", done)
    assert pointed((await talk.start())[-1]) == ["klokwijs"], "the next one once HAND is done"
