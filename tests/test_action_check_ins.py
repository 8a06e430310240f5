"""Check-ins on the actions of her plan: when they are asked (halfway and on the date at
17:00, never at night, none without a date, never twice after sending the plan again), what
she sees and taps on Telegram and in the web chat, what is kept, and that a button that is
forged, stale or someone else's changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import date, datetime
from pathlib import Path

import httpx
import pytest
from telegram import Bot

from bot.action_check_ins import THANKS
from bot.action_plan import Action, ActionPlan, EvaluatedAction, Evaluation, next_plan
from bot.conversation import HINT_OLD_BUTTON, MENU_AGAIN
from bot.homework import BRUSSELS
from bot.services import Services
from bot.settings import Settings
from bot.small_steps import ALREADY_ANSWERED
from bot.telegram_channel import TelegramChannel
from bot.telegram_outbox import OutboxSender, Pace
from bot.web_channel import WebChannel
from flows.conversation_types import Reply, Tap
from storage.check_in_repository import CHECK_IN_KIND
from storage.outbox_repository import OutgoingMessage
from storage.plan_repository import StoredPlan
from storage.records import Participant, stored_time
from tests.conftest import FakeClock
from tests.test_telegram_channel import TOKEN, Call, RecordingRequest, buttons
from tests.test_web_channel import BASE, Page

BAKER = Action(what="De bakker bellen", by_when=date(2026, 3, 12), picture="work_baking")
COOK = Action(what="Samen koken")
BIKE = Action(what="Fietsen oefenen", by_when=date(2026, 3, 3))
PLAN = ActionPlan(first_name="Mia", actions=[BAKER, COOK, BIKE])
QUESTION = "📋 Je actie:\n“{}”\nHoe gaat het?"
BUTTON_TEXTS = ["😀 Goed", "🙂 Een beetje", "😕 Nog niet", "🆘 Ik heb hulp nodig"]


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


@pytest.fixture
async def services(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Services]:
    clock.now = local(2026, 3, 2, 10, 0)  # a Monday morning
    opened = await Services.open(Settings(data_dir=tmp_path / "data"), clock)
    yield opened
    await opened.close()


async def plan_sent(
    services: Services,
    plan: ActionPlan = PLAN,
    *,
    user: str = "4242",
    channel: str = "telegram",
    coach_telegram: str | None = None,
) -> tuple[Participant, StoredPlan]:
    """Mia joined coach Sara, who saved her plan and sent it to her (as the portal's
    "📱 Plan naar … sturen" does)."""
    repository = services.repository
    sara = await repository.coaches.by_name("Sara")
    if sara is None:
        added = (await services.coaching.add_coach("Sara")).coach
        if coach_telegram is not None:
            assert added.telegram_code is not None
            await services.coaching.link_telegram(coach_telegram, added.telegram_code)
        sara = added
    joined = await repository.record_consent(channel, user, given=True)
    await repository.coaches.join(joined.id, sara.id)
    await repository.coaches.name_participant(sara.id, joined.id, "Mia")
    participant = await repository.participant_by_id(joined.id)
    assert participant is not None
    stored = await repository.plans.save(participant.id, sara.id, plan.model_dump_json())
    await services.action_check_ins.schedule(participant, stored)
    await repository.plans.queue_for_participant(stored.id, participant.id)
    return participant, stored


async def asked(services: Services, participant: Participant) -> list[OutgoingMessage]:
    messages = await services.repository.outbox.of_participant(participant.id)
    return [message for message in messages if message.kind == CHECK_IN_KIND]


def when(messages: list[OutgoingMessage]) -> list[tuple[int | None, str]]:
    return sorted((message.action_index, message.send_after) for message in messages)


def at(*moment: int) -> str:
    return stored_time(local(*moment))


async def tap(services: Services, answer: str, message_id: int, user: str = "4242") -> list[Reply]:
    return await services.conversation.handle(
        "telegram", user, Tap("m", f"actie:{message_id}:{answer}")
    )


# ----- when they are asked --------------------------------------------------------------------


async def test_each_dated_action_is_asked_halfway_and_on_its_date_at_five(
    services: Services,
) -> None:
    mia, _ = await plan_sent(services)
    assert when(await asked(services, mia)) == [
        (0, at(2026, 3, 7, 17)),  # halfway to Thursday 12 March
        (0, at(2026, 3, 12, 17)),
        (2, at(2026, 3, 3, 17)),  # tomorrow: halfway would be today, so only on the date
    ], "Samen koken has no date, so it gets no check-in"


@pytest.mark.parametrize(
    ("now", "by_when", "moments"),
    [
        ((2026, 3, 2, 10), date(2026, 3, 2), [(2026, 3, 2, 17)]),  # its date is today
        ((2026, 3, 2, 18), date(2026, 3, 2), []),  # today at five has passed
        ((2026, 3, 2, 10), date(2026, 2, 27), []),  # its date has passed
        ((2026, 3, 2, 10), date(2026, 3, 4), [(2026, 3, 3, 17), (2026, 3, 4, 17)]),
        ((2026, 3, 2, 23), date(2026, 3, 6), [(2026, 3, 4, 17), (2026, 3, 6, 17)]),  # at night
        # Across the change to summer time: still five o'clock in Brussels.
        ((2026, 3, 2, 10), date(2026, 4, 10), [(2026, 3, 21, 17), (2026, 4, 10, 17)]),
    ],
)
def test_the_moments_are_at_five_in_brussels_and_still_to_come(
    services: Services,
    clock: FakeClock,
    now: tuple[int, int, int, int],
    by_when: date,
    moments: list[tuple[int, int, int, int]],
) -> None:
    clock.now = local(*now)
    plan = ActionPlan(actions=[Action(what="Bellen", by_when=by_when)])
    found = services.action_check_ins.moments(plan)
    assert found == [(0, local(*moment)) for moment in moments]
    assert all(moment.astimezone(BRUSSELS).hour == 17 for _, moment in found), "never at night"


async def test_sending_the_plan_again_does_not_double_them(
    services: Services, clock: FakeClock
) -> None:
    mia, stored = await plan_sent(services)
    await services.action_check_ins.schedule(mia, stored)
    await services.action_check_ins.schedule(mia, stored)
    assert len(await asked(services, mia)) == 3, "the same three, not six or nine"

    clock.now = local(2026, 3, 3, 17, 30)  # Fietsen oefenen was asked; then the date moves
    bike = BIKE.model_copy(update={"by_when": date(2026, 3, 10)})
    moved = ActionPlan(first_name="Mia", actions=[BAKER, COOK, bike])
    saved = await services.repository.plans.save(mia.id, stored.coach_id, moved.model_dump_json())
    await services.action_check_ins.schedule(mia, saved)
    assert when(await asked(services, mia)) == [
        (0, at(2026, 3, 7, 17)),  # nine days from 3 March: halfway is 7 March again
        (0, at(2026, 3, 12, 17)),
        (2, at(2026, 3, 3, 17)),  # asked already: it stays
        (2, at(2026, 3, 6, 17)),
        (2, at(2026, 3, 10, 17)),
    ]


# ----- what she sees ----------------------------------------------------------------------------


async def sender(
    services: Services, stack: AsyncExitStack
) -> tuple[OutboxSender, RecordingRequest]:
    request = RecordingRequest()
    bot = Bot(TOKEN, request=request)
    await bot.initialize()
    stack.push_async_callback(bot.shutdown)
    request.take()
    channel = TelegramChannel(services)
    return OutboxSender(
        services.repository, services.homework, channel, bot, pace=Pace(None)
    ), request


def to_her(calls: list[Call]) -> list[Call]:
    return [call for call in calls if call.method in {"sendMessage", "sendPhoto"}]


async def test_on_telegram_it_comes_at_five_with_her_picture_and_four_buttons(
    services: Services, clock: FakeClock
) -> None:
    mia, _ = await plan_sent(services)
    async with AsyncExitStack() as stack:
        outbox, request = await sender(services, stack)
        assert await outbox.send_due() == 1, "the plan itself"
        request.take()
        clock.now = local(2026, 3, 3, 16, 59)
        assert await outbox.send_due() == 0
        clock.now = local(2026, 3, 3, 21, 30)  # the bot was down at five; now it is night
        assert await outbox.send_due() == 0
        clock.now = local(2026, 3, 4, 8, 0)
        assert await outbox.send_due() == 1
        (bike,) = to_her(request.take())
        assert bike.method == "sendMessage" and bike.params["text"] == QUESTION.format(
            "Fietsen oefenen"
        )
        clock.now = local(2026, 3, 7, 17, 0)
        assert await outbox.send_due() == 1
        assert await outbox.send_due() == 0, "once"
    (baker,) = to_her(request.take())
    assert baker.method == "sendPhoto" and baker.params["chat_id"] == 4242
    assert baker.params["caption"] == QUESTION.format("De bakker bellen")
    halfway = min(
        (m for m in await asked(services, mia) if m.action_index == 0), key=lambda m: m.send_after
    )
    assert buttons(baker) == [
        f"m:actie:{halfway.id}:{answer}" for answer in ("gelukt", "een_beetje", "nog_niet", "hulp")
    ]
    keyboard = baker.params["reply_markup"]["inline_keyboard"]
    assert [button["text"] for row in keyboard for button in row] == BUTTON_TEXTS


async def test_the_web_chat_shows_a_due_check_in_above_its_menu(
    services: Services, clock: FakeClock
) -> None:
    mia, _ = await plan_sent(services, user="WEB123", channel="web")
    shown = await services.conversation.current("web", "WEB123")
    assert not [reply for reply in shown if reply.text.endswith("Hoe gaat het?")], "not yet"
    clock.now = local(2026, 3, 12, 17, 1)  # both of the bakker are due now: the newest shows
    shown = await services.conversation.current("web", "WEB123")
    questions = [reply for reply in shown if reply.text.endswith("Hoe gaat het?")]
    assert [reply.text for reply in questions] == [
        QUESTION.format("De bakker bellen"),
        QUESTION.format("Fietsen oefenen"),
    ]
    assert shown.index(questions[-1]) == len(shown) - 2, "just above the menu"
    assert questions[0].image is not None and questions[0].image.pictures == ("work_baking",)
    assert [b.text for row in questions[0].buttons for b in row] == BUTTON_TEXTS

    latest = max(
        (m for m in await asked(services, mia) if m.action_index == 0), key=lambda m: m.send_after
    )
    said = await services.conversation.handle(
        "web", "WEB123", Tap("m", f"actie:{latest.id}:gelukt")
    )
    assert said[0] == Reply(THANKS["gelukt"])
    shown = await services.conversation.current("web", "WEB123")
    assert [r.text for r in shown if r.text.endswith("Hoe gaat het?")] == [
        QUESTION.format("Fietsen oefenen")
    ], "answered: gone from her page"


async def test_on_her_web_page_she_sees_the_picture_and_taps_an_answer(
    services: Services, clock: FakeClock
) -> None:
    transport = httpx.ASGITransport(app=WebChannel(services).app())
    async with httpx.AsyncClient(
        transport=transport, base_url=BASE, follow_redirects=True
    ) as browser:
        code = Page((await browser.get("/")).text).code
        await browser.post("/tik", data={"knop": "c:yes"})
        mia, stored = await plan_sent(services, user=code, channel="web")
        clock.now = local(2026, 3, 3, 17, 0)
        page = Page((await browser.get("/")).text)
        (bike,) = [m for m in await asked(services, mia) if m.action_index == 2]
        answers = [b for b in page.buttons if b.value.startswith("m:actie:")]
        assert [(b.value, b.text) for b in answers] == [
            (f"m:actie:{bike.id}:{answer}", text)
            for answer, text in zip(
                ("gelukt", "een_beetje", "nog_niet", "hulp"), BUTTON_TEXTS, strict=True
            )
        ]
        assert "Hoe gaat het?" in page.text and "“Fietsen oefenen”" in page.text
        after = Page((await browser.post("/tik", data={"knop": answers[2].value})).text)
        clock.now = local(2026, 3, 7, 17, 0)
        baker = Page((await browser.get("/")).text)
    assert THANKS["nog_niet"] in after.text and "Hoe gaat het?" not in after.text
    assert "“De bakker bellen”" in baker.text
    assert [i["alt"] for i in baker.images if i.get("alt") == "Bakker"], "her action's picture"
    (kept,) = await services.repository.check_ins.of_plan(stored.id)
    assert kept.answer == "nog_niet"


# ----- her answer ---------------------------------------------------------------------------------


async def test_her_tap_is_kept_and_answered_in_one_sentence(
    services: Services, clock: FakeClock
) -> None:
    mia, stored = await plan_sent(services)
    clock.now = local(2026, 3, 3, 17, 0)
    (bike,) = [m for m in await asked(services, mia) if m.action_index == 2]
    said = await tap(services, "een_beetje", bike.id)
    assert [reply.text for reply in said] == ["Mooi, elke stap telt. 👍", MENU_AGAIN]
    assert await tap(services, "gelukt", bike.id) == [Reply(ALREADY_ANSWERED), said[-1]]
    (kept,) = await services.repository.check_ins.of_plan(stored.id)
    assert (kept.action_index, kept.answer, kept.outbox_id) == (2, "een_beetje", bike.id)
    assert kept.alert_coach_id is None, "nobody is alarmed about 'a bit'"


async def test_in_the_middle_of_a_method_she_answers_and_goes_on_where_she_was(
    services: Services, clock: FakeClock
) -> None:
    mia, stored = await plan_sent(services)
    question = (await services.conversation.handle("telegram", "4242", Tap("m", "droompagina")))[-1]
    clock.now = local(2026, 3, 3, 17, 0)
    (bike,) = [m for m in await asked(services, mia) if m.action_index == 2]
    said = await tap(services, "nog_niet", bike.id)
    assert said[0] == Reply(THANKS["nog_niet"]) and said[-1].text == question.text
    assert [c.answer for c in await services.repository.check_ins.of_plan(stored.id)] == [
        "nog_niet"
    ]


async def next_pop(services: Services, mia: Participant, stored: StoredPlan) -> None:
    followed = [EvaluatedAction(what=a.what, score=1, keep=True) for a in PLAN.actions]
    evaluation = Evaluation(
        previous_made_on=date(2026, 3, 2), evaluated_on=date(2026, 3, 3), actions=followed
    )
    following = next_plan(PLAN, evaluation).model_dump_json()
    assert await services.repository.plans.start_next(stored.id, stored.coach_id, following)


@pytest.mark.parametrize(
    "button", ["forged", "not_yet_due", "other_participant", "next_pop", "action_gone"]
)
async def test_a_button_not_to_believe_changes_nothing(
    services: Services, clock: FakeClock, button: str
) -> None:
    mia, stored = await plan_sent(services)
    other, _ = await plan_sent(services, user="5151")
    clock.now = local(2026, 3, 7, 17, 0)
    mine = {m.send_after: m for m in await asked(services, mia) if m.action_index == 0}
    message_id = mine[at(2026, 3, 7, 17)].id
    if button == "forged":
        message_id = 999999
    elif button == "not_yet_due":
        message_id = mine[at(2026, 3, 12, 17)].id
    elif button == "other_participant":
        message_id = min(m.id for m in await asked(services, other) if m.action_index == 0)
    elif button == "next_pop":
        await next_pop(services, mia, stored)
    else:
        shorter = PLAN.model_copy(update={"actions": []})
        await services.repository.plans.save(mia.id, stored.coach_id, shorter.model_dump_json())
    said = await tap(services, "hulp", message_id)
    assert said[0] == Reply(HINT_OLD_BUTTON) and len(said) == 2, "one short hint, then the menu"
    for plan_id in {stored.id, *(p.id for p in await services.repository.plans.history(mia.id))}:
        assert await services.repository.check_ins.of_plan(plan_id) == []


async def test_the_outbox_does_not_ask_about_a_plan_that_was_followed_by_a_next_pop(
    services: Services, clock: FakeClock
) -> None:
    mia, stored = await plan_sent(services)
    await next_pop(services, mia, stored)
    async with AsyncExitStack() as stack:
        outbox, request = await sender(services, stack)
        clock.now = local(2026, 3, 3, 17, 0)
        await outbox.send_due()
    assert not [c for c in to_her(request.take()) if "Hoe gaat het?" in c.params.get("text", "")]
    (bike,) = [m for m in await asked(services, mia) if m.action_index == 2]
    assert [m.state for m in await asked(services, mia) if m.id == bike.id] == ["failed"]
