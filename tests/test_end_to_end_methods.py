"""All seven methods end to end: one participant, one `popbot run` process, the fake Bot API.

Ann consents and then walks every method from the menu once, each with a short but real
path: Mijn hand (a lit hand before every finger), Klokwijs (clock buttons), Prentenbeeld,
Droompagina (picking a work picture), Praatplaat (whose first page offers that work picture
first), Mijn ladder (eleven competences on a stacked ladder) and Vier op een rij (a wrong
guess gets a gentle hint, then green/orange/red).

Halfway the Droompagina, with one picture picked and another page of the grid on screen, the
bot gets SIGKILL and is started again; Ann simply taps on the grid she still sees.

What it proves:

- every method ends with its result picture, sent once as a photo with the flow's result
  text as caption, and then the menu (a photo) with that method ticked ✅;
- nothing is lost across the kill (the picture picked before it is in her dream page) and no
  message goes out twice: the restarted bot sends nothing by itself, no update is handled
  twice (every tap is answered once, no Bot API call fails) and no action's reply repeats a
  message;
- `popbot export` gives seven finished runs, one per method, with the answers she gave;
- nothing she said is written to the bot's log.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fake_bot_api import Activity, FakeBotApi, SentMessage
from tests.test_end_to_end import Bot

USER = 5151
VOICE = b"OggS\x00\x02a-voice-note-about-her-dream-house"
FLOWS_DIR = Path(__file__).resolve().parents[1] / "flows"
MENU = {
    "hand": "🖐️ Mijn hand",
    "klokwijs": "🕰️ Klokwijs",
    "prentenbeeld": "🪞 Prentenbeeld",
    "droompagina": "🌈 Droompagina",
    "praatplaat": "🗣️ Praatplaat",
    "ladder": "🪜 Mijn ladder",
    "vier_op_een_rij": "🧩 Vier op een rij",
}
MENU_MORE = ["👣 Kleine stap", "📋 Mijn plan en successen"]
"""After the seven methods of this test: the small steps, and her plan."""
MENU_AGAIN = "Wil je nog iets doen?"
SKIP = "⏭️ Overslaan"
DONE = "🏁 Klaar"
SAY_MORE = "Wil je nog iets zeggen? 💬"

Json = dict[str, Any]


def result_text(method: str) -> str:
    """The text of a flow's result step: the caption of its result picture."""
    flow = yaml.safe_load((FLOWS_DIR / f"{method}.yaml").read_text(encoding="utf-8"))
    (result,) = [step for step in flow["steps"] if step["kind"] == "result"]
    return str(result["text"])


def numbered(grid: SentMessage, label: str) -> str:
    """The button of a picture on a grid page: its number and its label."""
    (button,) = [b for b in grid.button_texts if b.split(" ", 1)[-1] == label]
    return button


def shown(message: SentMessage) -> str:
    """What she sees of one message: its text or caption and its buttons."""
    return f"{message.text or ''}\n{' | '.join(message.button_texts)}"


# --------------------------------------------------------------------------------------------
# Ann's side of the chat
# --------------------------------------------------------------------------------------------


class Walk:
    """Ann's side of the chat. Every action waits until the bot shows what should come next
    (so a slow picture cannot make the test run ahead) and then until the bot is quiet."""

    def __init__(self, api: FakeBotApi, bot: Bot) -> None:
        self.api = api
        self.bot = bot
        self.ann = api.participant(USER, "Ann", timeout=30)
        self.marks: list[int] = []
        """Where each of her actions starts in the bot's activity stream."""
        self.taps = 0
        self.finished: list[str] = []

    @property
    def current(self) -> SentMessage:
        """The newest message with buttons: the question on her screen."""
        return next(m for m in reversed(self.ann.messages) if m.buttons)

    def tap(self, label: str, expect: str, on: SentMessage | None = None) -> list[SentMessage]:
        """Tap `label` on the current question (or on message `on`), then wait for `expect`."""
        message_id = (on or self.current).message_id
        self.taps += 1
        return self._act(lambda: self.ann.tap(label, message_id=message_id, wait=False), expect)

    def say(self, text: str, expect: str) -> list[SentMessage]:
        return self._act(lambda: self.ann.say(text, wait=False), expect)

    def voice(self, data: bytes, seconds: int, expect: str) -> list[SentMessage]:
        return self._act(lambda: self.ann.send_voice(data, seconds, wait=False), expect)

    def _act(self, push: Callable[[], object], expect: str) -> list[SentMessage]:
        mark = self.api.mark()
        self.marks.append(mark)
        push()
        self.api.wait_for(
            lambda: any(
                a.message is not None and expect in shown(a.message)
                for a in self.api.activity(USER, mark)
                if a.action in ("send", "edit")
            ),
            timeout=30,
            what=f"the bot to show {expect!r}",
        )
        return self.api.wait_for_reply(USER, mark, timeout=30)

    def pick(self, label: str) -> SentMessage:
        """Tap a picture on the grid on screen: the grid is edited in place and ticks it."""
        grid = self.current
        (edited,) = self.tap(numbered(grid, label), expect=f"✅ {label}")
        assert edited.message_id == grid.message_id and edited.kind == "photo"
        return edited

    def open_method(self, method: str, expect: str) -> list[SentMessage]:
        """Tap a method in the menu on screen."""
        assert MENU[method] in self.current.button_texts, "the menu is on screen"
        return self.tap(MENU[method], expect)

    def restart_bot(self) -> None:
        """SIGKILL the bot at a quiet moment and start it again."""
        self.api.wait_for(
            lambda: self.api.pending_updates == 0, what="the bot to confirm every update"
        )
        self.bot.kill()
        mark = self.api.mark()
        self.bot.start(self.api)
        time.sleep(1.0)
        assert self.api.activity(USER, mark) == [], "the restarted bot repeats nothing"


def assert_finished(walk: Walk, method: str, replies: list[SentMessage]) -> None:
    """A method's last answer: its result picture as a photo, then the menu with it ticked."""
    caption = result_text(method)
    (result,) = [m for m in replies if m.text == caption]
    assert result.kind == "photo" and result.photo is not None, f"{method}: result is a photo"
    assert walk.api.uploaded_photo(result.photo)[:3] == b"\xff\xd8\xff", "a JPEG"
    menu = replies[-1]
    assert replies.index(result) < len(replies) - 1
    assert menu.kind == "photo" and (menu.text or "").startswith(MENU_AGAIN)
    walk.finished.append(method)
    for flow, button in MENU.items():
        ticked = f"{button} ✅"
        assert (ticked if flow in walk.finished else button) in menu.button_texts, (
            f"after {method}: {menu.button_texts}"
        )


# --------------------------------------------------------------------------------------------
# The seven methods
# --------------------------------------------------------------------------------------------

FINGERS = [
    ("👍 Je duim", "Waar ben je goed in?"),
    ("☝️ Je wijsvinger", "Waar wil je naartoe?"),
    ("🖐️ Je middelvinger", "Waar heb je een hekel aan?"),
    ("💍 Je ringvinger", "Wat is heel belangrijk voor jou?"),
    ("🤙 Je pink", "Wat vind je moeilijk?"),
]


def walk_hand(walk: Walk) -> None:
    banners: list[SentMessage] = []

    def finger(replies: list[SentMessage], number: int) -> None:
        """Before each finger's pictures: the hand with that finger lit, as a photo."""
        banner_text, question = FINGERS[number]
        (banner,) = [m for m in replies if m.text == banner_text]
        grid = replies[replies.index(banner) + 1]
        assert banner.kind == "photo" and banner.buttons == []
        assert grid.kind == "photo" and question in (grid.text or "") and DONE in shown(grid)
        banners.append(banner)

    finger(walk.open_method("hand", expect=FINGERS[0][1]), 0)
    walk.pick("Luisteren")
    walk.tap(DONE, expect=SAY_MORE)
    finger(walk.say("Ik help graag anderen.", expect=FINGERS[1][1]), 1)
    walk.tap(DONE, expect=SAY_MORE)  # nothing picked on the index finger
    finger(walk.tap(SKIP, expect=FINGERS[2][1]), 2)
    walk.pick("Lawaai")
    walk.tap(DONE, expect=SAY_MORE)
    finger(walk.tap(SKIP, expect=FINGERS[3][1]), 3)
    walk.pick("Liefde")
    walk.tap(DONE, expect=SAY_MORE)
    finger(walk.tap(SKIP, expect=FINGERS[4][1]), 4)
    walk.pick("Lezen")
    walk.tap(DONE, expect=SAY_MORE)
    assert_finished(walk, "hand", walk.say("Lezen en schrijven.", expect=MENU_AGAIN))

    lit = {walk.api.uploaded_photo(b.photo) for b in banners if b.photo is not None}
    assert len(lit) == 5, "each finger has its own picture of the hand"


def walk_klokwijs(walk: Walk) -> None:
    walk.open_method("klokwijs", expect="Hoe laat sta je op?")
    assert walk.current.button_texts[:3] == ["🕔 5 uur", "🕕 6 uur", "🕖 7 uur"]
    walk.tap("🕖 7 uur", expect="Met wie woon je?")
    walk.pick("Gezin")
    walk.tap(DONE, expect="Heb je dieren?")
    walk.pick("Hond")
    walk.tap(DONE, expect="Wat doe je overdag?")
    walk.pick("Werken")
    walk.tap(DONE, expect="Hoe laat begin je daarmee?")
    walk.tap("🕗 8 uur", expect="Hoe ga je daar naartoe?")
    walk.pick("Fiets")
    walk.tap(DONE, expect="Werk je? Wat doe je dan?")
    walk.tap(DONE, expect="Je pauze: alleen of samen?")  # no work: Klaar with nothing picked
    walk.tap("2️⃣ Samen", expect="Hoe laat ben je weer thuis?")
    walk.tap("🕔 17 uur", expect="vrije tijd")
    walk.pick("Muziek")
    walk.tap(DONE, expect="Hoe laat ga je slapen?")
    walk.tap("🕚 23 uur", expect="Wil je dat je dag anders is?")
    assert_finished(walk, "klokwijs", walk.tap("👎 Nee", expect=MENU_AGAIN))


def walk_prentenbeeld(walk: Walk) -> None:
    walk.open_method("prentenbeeld", expect="Welke prenten passen bij jou?")
    walk.pick("Helpen")
    (question,) = walk.tap(DONE, expect="Helpen. Kan je dat goed?")
    assert question.kind == "photo", "the picture she is asked about"
    walk.tap("🌱 Nog moeilijk", expect="Wil je hier beter in worden?")
    walk.tap("👍 Ja", expect="Hoe wil je dat doen?")
    replies = walk.say("Vaker vragen of ik kan helpen.", expect=MENU_AGAIN)
    assert_finished(walk, "prentenbeeld", replies)


def walk_droompagina_with_a_restart(walk: Walk) -> None:
    """A house and a garden job; the bot is killed while the grid is on its fourth page."""
    walk.open_method("droompagina", expect="Waar droom jij van?")
    walk.pick("Huis")
    for _ in range(4):
        if any(b.endswith(" Tuin") for b in walk.current.button_texts):
            break
        walk.tap("➡️ Verder", expect="Blad")
    grid = walk.current
    assert "Gekozen: 1" in (grid.text or "")

    walk.restart_bot()

    (edited,) = walk.tap(numbered(grid, "Tuin"), expect="✅ Tuin", on=grid)
    assert edited.message_id == grid.message_id
    assert "Gekozen: 2" in (edited.text or ""), "the picture picked before the kill is kept"
    walk.tap(DONE, expect="Je koos Huis. Waarom?")
    walk.say("Ik wil een eigen plek.", expect="Kan die droom echt worden?")
    walk.tap("👍 Ja", expect="Wat moet je daarvoor doen?")
    walk.voice(VOICE, 7, expect="Je koos Tuin. Waarom?")
    assert walk.api.downloads, "the voice note was fetched from the Bot API"
    walk.tap(SKIP, expect="Kan die droom echt worden?")
    (which,) = walk.tap("🤷 Weet niet", expect="Aan welke droom kan je nu al werken?")
    assert which.button_texts[:2] == ["1️⃣ Huis", "2️⃣ Tuin"]
    walk.tap("2️⃣ Tuin", expect="Wat kan je doen voor Tuin?")
    assert_finished(walk, "droompagina", walk.say("Ik vraag een stage.", expect=MENU_AGAIN))


CONDITIONS = [
    ("Waar werk je het liefst?", "2️⃣ Buiten"),
    ("Zwaar of licht werk?", "🤷 Maakt niet uit"),
    ("mensen of met machines?", "1️⃣ Met mensen"),
    ("Werk je liever alleen of samen?", "2️⃣ Samen"),
    ("Hoeveel mensen rond jou?", "1️⃣ Weinig mensen"),
    ("Wil je iemand dichtbij om te helpen?", "1️⃣ Ja"),
    ("Word je dan zenuwachtig?", "🙂 Nee"),
    ("Altijd hetzelfde werk, of afwisseling?", "2️⃣ Afwisseling"),
    ("Altijd op dezelfde plek, of op veel plekken?", "1️⃣ Vaste plek"),
    ("Hele dagen of halve dagen werken?", "2️⃣ Halve dagen"),
    ("Elke dag dezelfde uren, of in ploegen?", "1️⃣ Vaste uren"),
    ("Wil je 's nachts werken?", "2️⃣ Nee"),
    ("Wil je in het weekend werken?", "🤷 Maakt niet uit"),
    ("Moet je werk dicht bij huis zijn?", "1️⃣ Dichtbij"),
    ("Hoe ga je het liefst naar je werk?", "2️⃣ Fiets"),
]


def walk_praatplaat(walk: Walk) -> None:
    (*_, jobs) = walk.open_method("praatplaat", expect="Welk werk wil je graag doen?")
    assert jobs.kind == "photo"
    assert jobs.button_texts[0] == "1️⃣ Tuin", "her Droompagina's work picture comes first"
    assert not any(b.endswith(" Huis") for b in jobs.button_texts), "only work pictures"
    walk.tap("1️⃣ Tuin", expect=CONDITIONS[0][0])
    for number, (question, answer) in enumerate(CONDITIONS):
        assert question in (walk.current.text or ""), f"condition {number + 1}"
        following = CONDITIONS[number + 1][0] if number + 1 < len(CONDITIONS) else "Waar wil je"
        walk.tap(answer, expect=following)
    walk.tap("1️⃣ Gewoon werk", expect="Waarom wil je werken?")
    walk.pick("Geld")
    walk.pick("Mensen zien")
    walk.tap(DONE, expect="Wil je daar nog iets over zeggen?")
    replies = walk.say("Buiten werken met planten.", expect=MENU_AGAIN)
    assert_finished(walk, "praatplaat", replies)


LADDER = [
    ("Samenwerken:", "Samenwerken", "4️⃣ Goed", "5️⃣ Heel goed"),
    ("Opdrachten:", "Opdrachten", "3️⃣ Gaat wel", "4️⃣ Goed"),
    ("Aanpassen:", "Aanpassen", "2️⃣ Een beetje", "3️⃣ Gaat wel"),
    ("Zelfstandig:", "Zelfstandig", "5️⃣ Heel goed", "5️⃣ Heel goed"),
    ("Machines:", "Machines", "1️⃣ Nog niet", "3️⃣ Gaat wel"),
    ("Materialen:", "Materialen", "3️⃣ Gaat wel", "3️⃣ Gaat wel"),
    ("Rustig blijven:", "Stress baas", "2️⃣ Een beetje", "4️⃣ Goed"),
    ("Kwaliteit:", "Kwaliteit", "4️⃣ Goed", "4️⃣ Goed"),
    ("Oplossen:", "Oplossen", "3️⃣ Gaat wel", "4️⃣ Goed"),
    ("Doorzetten:", "Doorzetten", "4️⃣ Goed", "5️⃣ Heel goed"),
    ("Praten:", "Praten", "2️⃣ Een beetje", "4️⃣ Goed"),
]
LADDER_STEPS = ["5️⃣ Heel goed", "4️⃣ Goed", "3️⃣ Gaat wel", "2️⃣ Een beetje", "1️⃣ Nog niet"]


def walk_ladder(walk: Walk) -> None:
    walk.open_method("ladder", expect=LADDER[0][0])
    for number, (phrase, _label, now, want) in enumerate(LADDER):
        question = walk.current
        assert phrase in (question.text or "") and question.kind == "photo"
        assert [row[0].text for row in question.buttons[:5]] == LADDER_STEPS
        assert all(len(row) == 1 for row in question.buttons[:5]), "a stacked ladder"
        walk.tap(now, expect="Hoe goed wil je het kunnen?")
        walk.tap(want, expect="Wil je er iets over zeggen?")
        following = LADDER[number + 1][0] if number + 1 < len(LADDER) else MENU_AGAIN
        if number == 0:
            replies = walk.say("Ik wil beter overleggen.", expect=following)
        else:
            replies = walk.tap(SKIP, expect=following)
    assert_finished(walk, "ladder", replies)


GAME = [
    ("Handschoenen", "1️⃣ Veiligheid"),
    ("Wekker", "4️⃣ Op tijd"),
    ("Samen dragen", SKIP),
    ("Opruimen", "5️⃣ Zorg gerief"),
    ("Nakijken", "6️⃣ Kwaliteit"),
    ("Vragen", "3️⃣ Opdrachten"),
]
HINT = "Bijna! 🙂 Kijk nog eens goed. Welke past beter?"
SEE = "Wat zie je op deze prent?"
BETTER = "Wat kan je beter doen?"
COLOURS = [
    ("Veilig werken.", "🟢 Goed", None),
    ("Goed samenwerken.", "🟠 Soms", "Meer vragen aan mijn collega."),
    ("Doen wat gevraagd is.", "🔴 Nog niet", SKIP),
    ("Op tijd komen.", "🟢 Goed", None),
    ("Goed zorgen voor je gerief.", "🟢 Goed", None),
    ("Mooi en goed werk maken.", "🟠 Soms", "Alles nog eens nakijken."),
]
RATED = ["Veiligheid", "Samenwerken", "Opdrachten", "Op tijd", "Zorg gerief", "Kwaliteit"]


def walk_vier_op_een_rij(walk: Walk) -> None:
    walk.open_method("vier_op_een_rij", expect="Bij welke prent hoort Handschoenen?")
    first = walk.current
    hint, again = walk.tap("2️⃣ Samenwerken", expect="Bij welke prent hoort Handschoenen?")
    assert hint.text == HINT
    assert again.kind == "photo" and again.text == first.text, "the same question again"
    assert again.button_texts == first.button_texts
    for number, (example, answer) in enumerate(GAME):
        assert f"Bij welke prent hoort {example}?" in (walk.current.text or "")
        following = f"hoort {GAME[number + 1][0]}?" if number + 1 < len(GAME) else SEE
        walk.tap(answer, expect=following)

    for number, (phrase, colour, better) in enumerate(COLOURS):
        seeing = walk.current
        assert SEE in (seeing.text or "") and seeing.kind == "photo"
        if number == 0:
            walk.say("Een helm en schoenen.", expect=f"{phrase} Hoe goed kan jij dat?")
        else:
            walk.tap(SKIP, expect=f"{phrase} Hoe goed kan jij dat?")
        following = SEE if number + 1 < len(COLOURS) else MENU_AGAIN
        replies = walk.tap(colour, expect=following if better is None else BETTER)
        if better == SKIP:
            replies = walk.tap(SKIP, expect=following)
        elif better is not None:
            replies = walk.say(better, expect=following)
    assert_finished(walk, "vier_op_een_rij", replies)


# --------------------------------------------------------------------------------------------
# The test
# --------------------------------------------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    """The fake Bot API; every action waits for the message it expects, so the bot needs to
    be quiet only briefly to count as done."""
    with FakeBotApi(quiet=0.15) as api:
        yield api


def test_all_seven_methods_over_http_survive_sigkill_and_export(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "POPBOT_TELEGRAM_TOKEN": fake.token,
        "POPBOT_TELEGRAM_API_URL": fake.url,
        "POPBOT_DATA_DIR": str(tmp_path / "data"),
        "NO_PROXY": "127.0.0.1,localhost",
    }
    bot = Bot(env, tmp_path / "bot.log")
    bot.start(fake)
    walk = Walk(fake, bot)
    walk.say("/start", expect="✅ Ja, dat mag")
    (*_, menu) = walk.tap("✅ Ja, dat mag", expect="Wat wil je doen?")
    assert menu.kind == "photo" and menu.button_texts == [*MENU.values(), *MENU_MORE], (
        "nothing done"
    )

    walk_hand(walk)
    walk_klokwijs(walk)
    walk_prentenbeeld(walk)
    walk_droompagina_with_a_restart(walk)
    walk_praatplaat(walk)
    walk_ladder(walk)
    walk_vier_op_een_rij(walk)
    assert bot.stop() == 0

    assert_nothing_sent_twice(fake, walk)
    assert_every_result_was_one_photo(fake)
    log = bot.log.read_text(encoding="utf-8")
    for said in ("eigen plek", "beter overleggen", "helm en schoenen", "vraag een stage"):
        assert said not in log, "answers must never be logged"
    assert fake.token not in log, "the token must never be logged"

    export = subprocess.run(
        [sys.executable, "-m", "bot", "export", str(USER)],
        env=env,
        capture_output=True,
        check=True,
    )
    assert_export(json.loads(export.stdout), Path(env["POPBOT_DATA_DIR"]))


# --------------------------------------------------------------------------------------------
# The checks at the end
# --------------------------------------------------------------------------------------------


def assert_nothing_sent_twice(api: FakeBotApi, walk: Walk) -> None:
    assert api.errors == [], "no Bot API call failed (a tap handled twice could not be answered)"
    answered = [c for c in api.answered_callbacks if c.user_id == USER]
    assert len(answered) == walk.taps, "every tap was answered exactly once"
    activity = api.activity(USER)
    ends = [*walk.marks[1:], api.mark()]
    for start, end in zip(walk.marks, ends, strict=True):
        sends = [a for a in activity if start <= a.seq - 1 < end and a.action == "send"]
        seen = [_sent(a) for a in sends]
        assert len(seen) == len(set(seen)), f"a message went out twice: {seen}"


def _sent(activity: Activity) -> tuple[str, str, tuple[str, ...]]:
    assert activity.message is not None
    message = activity.message
    return message.kind, message.text or "", tuple(message.button_texts)


def assert_every_result_was_one_photo(api: FakeBotApi) -> None:
    for method in MENU:
        caption = result_text(method)
        photos = [c for c in api.calls_to("sendPhoto") if c.get("caption") == caption]
        edits = [
            c for c in api.calls_to("editMessageMedia") if c["media"].get("caption") == caption
        ]
        texts = [c for c in api.calls_to("sendMessage") if c.get("text") == caption]
        assert (len(photos), len(edits), len(texts)) == (1, 0, 0), f"{method}: {caption!r}"


def assert_export(data: Json, data_dir: Path) -> None:
    assert data["consent"]["given"] is True
    runs = {run["method"]: run for run in data["runs"]}
    assert sorted(runs) == sorted(MENU) and len(data["runs"]) == 7, "one run per method"
    assert {run["status"] for run in runs.values()} == {"finished"}

    def said(method: str) -> dict[tuple[str, str | None], Json]:
        return {
            (step["step"], (step["about"] or {}).get("label")): step["answer"]
            for step in runs[method]["steps"]
        }

    def labels(answer: Json) -> list[str]:
        return [picture["label"] for picture in answer["pictures"]]

    hand = said("hand")
    assert labels(hand[("thumb", None)]) == ["Luisteren"]
    assert hand[("thumb_say", None)]["text"] == "Ik help graag anderen."
    assert labels(hand[("index", None)]) == []
    assert hand[("middle_say", None)] == {"kind": "skipped"}
    assert labels(hand[("little", None)]) == ["Lezen"]

    day = said("klokwijs")
    assert day[("wake", None)]["option"] == "u07"
    assert labels(day[("pets", None)]) == ["Hond"]
    assert labels(day[("work_what", None)]) == []
    assert day[("break_with", None)]["option"] == "samen"
    assert day[("different", None)]["option"] == "nee"
    assert ("how_different", None) not in day, "not asked after 'no'"

    me = said("prentenbeeld")
    assert labels(me[("fits", None)]) == ["Helpen"]
    assert me[("side", "Helpen")]["option"] == "moeilijk"
    assert me[("how", "Helpen")]["text"] == "Vaker vragen of ik kan helpen."

    dream = said("droompagina")
    assert labels(dream[("dreams", None)]) == ["Huis", "Tuin"], "nothing lost in the kill"
    assert dream[("why", "Huis")]["text"] == "Ik wil een eigen plek."
    voice = dream[("need", "Huis")]
    assert voice["kind"] == "voice" and voice["duration"] == 7
    assert (data_dir / voice["file"]).read_bytes() == VOICE
    assert dream[("why", "Tuin")] == {"kind": "skipped"}
    assert dream[("come_true", "Tuin")]["option"] == "weet_niet"
    assert dream[("work_now", None)]["picture"]["label"] == "Tuin"
    assert dream[("first_step", None)]["text"] == "Ik vraag een stage."

    board = said("praatplaat")
    assert board[("job", None)]["picture"]["label"] == "Tuin"
    conditions = [
        step for step in runs["praatplaat"]["steps"] if step["answer"]["kind"] == "option"
    ]
    assert len(conditions) == len(CONDITIONS) + 1, "fifteen conditions and the focus, once each"
    assert board[("place", None)]["option"] == "buiten"
    assert board[("weight", None)]["option"] == "egaal"
    assert board[("days", None)]["option"] == "half"
    assert board[("travel", None)]["label"] == "🚲 Fiets"
    assert board[("focus", None)]["option"] == "gewoon"
    assert labels(board[("why", None)]) == ["Geld", "Mensen zien"]
    assert board[("why_more", None)]["text"] == "Buiten werken met planten."

    ladder = said("ladder")
    assert ladder[("now", "Samenwerken")]["option"] == "s4"
    assert ladder[("want", "Samenwerken")]["option"] == "s5"
    assert ladder[("why", "Samenwerken")]["text"] == "Ik wil beter overleggen."
    assert ladder[("now", "Machines")]["label"] == "1️⃣ Nog niet"
    assert ladder[("why", "Praten")] == {"kind": "skipped"}
    assert sum(step == "now" for step, _ in ladder) == len(LADDER)

    row = said("vier_op_een_rij")
    assert row[("belongs", "Handschoenen")]["option"] == "veilig", "the right answer counts"
    assert row[("belongs", "Samen dragen")] == {"kind": "skipped"}
    assert row[("belongs", "Vragen")]["option"] == "opdracht"
    assert row[("see", "Veiligheid")]["text"] == "Een helm en schoenen."
    colours = [row[("rate", label)]["option"] for label in RATED]
    assert colours == ["groen", "oranje", "rood", "groen", "groen", "oranje"]
    assert row[("better", "Samenwerken")]["text"] == "Meer vragen aan mijn collega."
    assert row[("better", "Opdrachten")] == {"kind": "skipped"}
    assert ("better", "Veiligheid") not in row, "not asked after green"
