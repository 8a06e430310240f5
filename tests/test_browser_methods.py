"""All seven methods, one after the other, by one participant on a phone (issue #5).

In Debian's headless Chromium on a 360×740 screen, against `popbot web` on 127.0.0.1, one web
participant gives consent and then walks every method from the menu on a short but real path,
tapping the tiles and buttons a person would tap (found by their accessible names): Mijn hand,
Klokwijs, Prentenbeeld, Droompagina, Praatplaat, Mijn ladder and Vier op een rij. It proves:

- every method can be finished on the web by tapping (and typing a few words), in the order and
  with the words of `flows/*.yaml`; the finger banners of Mijn hand, the example picture above
  the answer tiles of Vier op een rij and its gentle hint after a wrong tap are on the page, and
  the Praatplaat offers the Droompagina's work picture first;
- after each method its result picture is shown, loads, has alt text, can be kept with
  "⬇️ Bewaren", and the menu marks the method ✅; the menu's picture names its three groups;
- every page fits the phone: nothing wider than the screen, every button or link at least
  44×44 px, every picture loaded and with alt text;
- axe-core finds no serious or critical problem on the menu, a choice with picture answers, the
  matching game, a finger banner, a scale, and every result page;
- `popbot export --web <code>` then holds seven finished runs with the answers given.

Screenshots of each result page land in test-artifacts/web-result-<method>-360x740.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, Response, expect

from tests.test_browser import (
    ARTIFACTS,
    PHONE,
    WebChat,
    browser,  # noqa: F401 (the fixture)
    serious_violations,
    tiles,
    web,  # noqa: F401 (the fixture)
)

MIN_TAP = 44
"""Smallest width and height of a tap target, in CSS pixels (WCAG 2.5.5)."""

PAGE_PROBLEMS = """(min) => {
  const found = [];
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth > width) {
    found.push(`page is ${document.documentElement.scrollWidth} px wide`);
  }
  for (const el of document.querySelectorAll('button, a')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // hidden (e.g. the recorder)
    const name = (el.innerText || el.querySelector('img')?.alt || '').trim();
    if (box.width < min || box.height < min) {
      found.push(`"${name}" is ${Math.round(box.width)}×${Math.round(box.height)} px`);
    }
    if (box.left < 0 || box.right > width) found.push(`"${name}" sticks out sideways`);
  }
  for (const img of document.images) {
    if (!img.alt.trim()) found.push(`a picture without alt text: ${img.src}`);
    if (!img.complete || img.naturalWidth === 0) found.push(`a picture did not load: ${img.src}`);
    const box = img.getBoundingClientRect();
    if (box.left < 0 || box.right > width) found.push(`picture "${img.alt}" sticks out`);
  }
  return found;
}"""


class Participant:
    """One person on the phone-sized web chat; remembers what did not fit or failed axe."""

    def __init__(self, page: Page, chat: WebChat) -> None:
        self.page = page
        self.web = chat
        self.misfits: dict[str, list[str]] = {}
        self.axe: dict[str, list[str]] = {}
        self.failed: list[str] = []
        page.on("response", self._note_failure)

    def _note_failure(self, response: Response) -> None:
        if response.status >= 500:
            self.failed.append(f"{response.status} for {response.request.method} {response.url}")

    # ----- what a person does ------------------------------------------------------------------

    def press(self, name: str) -> None:
        """Tap the word button (or tile) with exactly this accessible name."""
        self.page.get_by_role("button", name=name, exact=True).click()
        self.settle(f"tapping {name!r}")

    def tile(self, label: str) -> Locator:
        """The picture tile with this label on the current question."""
        return self.current.locator("button.tile").filter(
            has=self.page.get_by_role("img", name=label, exact=True)
        )

    def pick(self, *labels: str) -> None:
        """Tick pictures, turning pages with "➡️ Verder" until each is there."""
        for label in labels:
            for _ in range(6):
                if self.tile(label).count():
                    break
                self.press("➡️ Verder")
            self.tile(label).click()
            self.settle(f"ticking {label!r}")
            expect(self.tile(label)).to_have_attribute("aria-pressed", "true")

    def choose(self, label: str) -> None:
        """Tap a picture that answers at once."""
        self.tile(label).click()
        self.settle(f"tapping {label!r}")

    def say(self, words: str) -> None:
        self.page.get_by_label("Typ hier je antwoord").fill(words)
        self.press("➡️ Verder")

    def skip(self) -> None:
        self.press("⏭️ Overslaan")

    # ----- what the test looks at ----------------------------------------------------------------

    @property
    def current(self) -> Locator:
        return self.page.locator("section.current")

    def asks(self, text: str) -> None:
        expect(self.current).to_contain_text(text)

    def settle(self, after: str) -> None:
        """Wait for the next page; note what does not fit the phone."""
        self.page.wait_for_load_state()
        assert not self.failed, f"the web chat failed after {after}: {self.failed}"
        expect(self.page.locator("main")).to_be_visible()
        shown = self.current.locator(".line").first.text_content() or self.page.url
        problems = self.page.evaluate(PAGE_PROBLEMS, MIN_TAP)
        if problems:
            self.misfits.setdefault(shown, problems)

    def check_axe(self, where: str) -> None:
        self.axe[where] = serious_violations(self.page)

    def open(self, method: str) -> None:
        self.press(method)
        expect(self.current.locator(".progress")).to_be_visible()

    def finishes(self, method: str, title: str, shows: list[str], name: str) -> None:
        """The result picture with "⬇️ Bewaren", the method ✅ in the menu, a screenshot."""
        result = self.page.locator("section.reply:not(.current) img.shown").last
        expect(result).to_be_visible()
        alt = result.get_attribute("alt") or ""
        assert alt.startswith(f"{title}: "), alt
        assert all(label in alt for label in shows), (alt, shows)
        assert result.evaluate("img => img.complete && img.naturalWidth > 0")
        keep = self.page.get_by_role("link", name="⬇️ Bewaren").last
        expect(keep).to_be_visible()
        kept = self.page.request.get(self.web.url + (keep.get_attribute("href") or ""))
        assert kept.ok and kept.headers["content-type"] == "image/jpeg"
        assert "attachment" in kept.headers["content-disposition"]
        expect(self.page.get_by_role("button", name=f"{method} ✅", exact=True)).to_be_visible()
        self.check_axe(f"result of {method}")
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"web-result-{name}-360x740.png"), full_page=True)


@pytest.fixture
def participant(browser: Browser, web: WebChat) -> Iterator[Participant]:  # noqa: F811
    # The page's CSP allows no injected script; axe is test tooling, so let it in.
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, has_touch=True, bypass_csp=True
    )
    context.set_default_timeout(10_000)
    yield Participant(context.new_page(), web)
    context.close()


# ----- the methods ------------------------------------------------------------------------------


def the_menu(me: Participant, when: str) -> None:
    menu = me.current.get_by_role("img")
    expect(menu).to_be_visible()
    alt = menu.get_attribute("alt") or ""
    for group in ("Wie ben ik?", "Wat wil ik?", "Wat kan ik?"):
        assert group in alt, alt
    me.check_axe(f"menu {when}")


FINGERS = ["👍 Je duim", "☝️ Je wijsvinger", "🖐️ Je middelvinger", "💍 Je ringvinger", "🤙 Je pink"]


def mijn_hand(me: Participant) -> None:
    me.open("🖐️ Mijn hand")
    # per finger (after its banner): the question, pictures to tick, words (None: skip)
    fingers = [
        ("Waar ben je goed in? 💪", ["Luisteren", "Op tijd"], "Ik help graag anderen."),
        ("Waar wil je naartoe? 🧭", [], None),
        ("Waar heb je een hekel aan? 😣", ["Lawaai"], None),
        ("Wat is heel belangrijk voor jou? 💛", ["Liefde"], "Mijn kinderen."),
        ("Wat vind je moeilijk? 🌱", ["Lezen"], None),
    ]
    for banner, (question, pictures, words) in zip(FINGERS, fingers, strict=True):
        expect(me.page.get_by_role("img", name=banner, exact=True)).to_be_visible()
        if banner == FINGERS[0]:
            me.check_axe("finger banner")
        me.asks(question)
        me.pick(*pictures)
        me.press("🏁 Klaar")
        me.asks("Wil je nog iets zeggen? 💬")
        if words:
            me.say(words)
        else:
            me.skip()
    me.finishes("🖐️ Mijn hand", "Mijn hand", ["Lawaai", "Lezen"], "hand")


def klokwijs(me: Participant) -> None:
    me.open("🕰️ Klokwijs")
    me.asks("Hoe laat sta je op? ⏰")
    me.press("🕖 7 uur")
    me.asks("Met wie woon je? 🏠")
    me.pick("Partner")
    me.press("🏁 Klaar")
    me.asks("Heb je dieren? 🐾")
    me.pick("Kat")
    me.press("🏁 Klaar")
    me.asks("Wat doe je overdag? ☀️")
    me.pick("Werken")
    me.press("🏁 Klaar")
    me.asks("Hoe laat begin je daarmee? ⏰")
    me.press("🕗 8 uur")
    me.asks("Hoe ga je daar naartoe? 🚲")
    me.pick("Fiets")
    me.press("🏁 Klaar")
    me.asks("Werk je? Wat doe je dan? 🛠️")
    me.pick("Winkel")
    me.press("🏁 Klaar")
    me.asks("Je pauze: alleen of samen? ☕")
    me.choose("Samen")
    me.asks("Hoe laat ben je weer thuis? 🏠")
    me.press("🕔 17 uur")
    me.asks("Wat doe je graag in je vrije tijd? 🎨")
    me.pick("Sport")
    me.press("🏁 Klaar")
    me.asks("Hoe laat ga je slapen? 🛏️")
    me.press("🕙 22 uur")
    me.asks("Wil je dat je dag anders is? 🔄")
    me.press("👍 Ja")
    me.asks("Wat wil je anders? 💬")
    me.say("Meer tijd voor sport.")
    me.finishes("🕰️ Klokwijs", "Mijn dag", ["Partner", "Winkel", "Sport"], "klokwijs")


def prentenbeeld(me: Participant) -> None:
    me.open("🪞 Prentenbeeld")
    me.asks("Welke prenten passen bij jou? 🪞")
    me.pick("Kinderen", "Helpen")
    me.press("🏁 Klaar")
    me.asks("Kinderen. Kan je dat goed? 🤔")
    expect(me.current.get_by_role("img", name="Kinderen", exact=True)).to_be_visible()
    me.press("💪 Ja, goed")
    me.asks("Wil je hier beter in worden? 📈")
    me.press("👎 Nee")
    me.asks("Helpen. Kan je dat goed? 🤔")
    me.press("🌱 Nog moeilijk")
    me.press("👍 Ja")
    me.asks("Hoe wil je dat doen? 🛠️")
    me.say("Een cursus volgen.")
    me.finishes("🪞 Prentenbeeld", "Dit ben ik", ["Kinderen", "Helpen"], "prentenbeeld")


def droompagina(me: Participant) -> None:
    me.open("🌈 Droompagina")
    me.asks("Waar droom jij van? 💭")
    me.pick("Reizen", "Keuken")
    me.press("🏁 Klaar")
    me.asks("Je koos Reizen. Waarom? 💬")
    me.say("Ik wil de wereld zien.")
    me.asks("Kan die droom echt worden? 🤔")
    me.press("👍 Ja")
    me.asks("Wat moet je daarvoor doen? 🛠️")
    me.say("Elke maand wat sparen.")
    me.asks("Je koos Keuken. Waarom? 💬")
    me.skip()
    me.press("🤷 Weet niet")
    me.asks("Aan welke droom kan je nu al werken? 💪")
    expect(tiles(me.page)).to_have_count(2)
    me.choose("Keuken")
    me.asks("Wat kan je doen voor Keuken? 👣")
    me.say("Een cursus koken.")
    me.finishes("🌈 Droompagina", "Mijn droompagina", ["Reizen", "Keuken"], "droompagina")


# Praatplaat conditions: the question, and the tile or word button she taps: a tile shows the
# answer's words under its picture, a word button its emoji and words.
CONDITIONS = [
    ("Waar werk je het liefst? 🏠🌳", "Binnen"),
    ("Zwaar of licht werk? 🏋️", "🤷 Maakt niet uit"),
    ("Werk je liever met mensen of met machines? ⚙️", "Met mensen"),
    ("Werk je liever alleen of samen? 🤝", "Samen"),
    ("Hoeveel mensen rond jou? 👥", "Weinig mensen"),
    ("Wil je iemand dichtbij om te helpen? 🙋", "Ja"),
    ("Iemand kijkt naar je werk. Word je dan zenuwachtig? 👀", "🙂 Nee"),
    ("Altijd hetzelfde werk, of afwisseling? 🔁", "Afwisseling"),
    ("Altijd op dezelfde plek, of op veel plekken? 📍", "Vaste plek"),
    ("Hele dagen of halve dagen werken? 🕘", "Halve dagen"),
    ("Elke dag dezelfde uren, of in ploegen? ⏰", "Vaste uren"),
    ("Wil je 's nachts werken? 🌙", "Nee"),
    ("Wil je in het weekend werken? 📅", "🤷 Maakt niet uit"),
    ("Moet je werk dicht bij huis zijn? 🏘️", "Dichtbij"),
    ("Hoe ga je het liefst naar je werk? 🚲", "Fiets"),
]


def praatplaat(me: Participant) -> None:
    me.open("🗣️ Praatplaat")
    me.asks("Welk werk wil je graag doen? 💼")
    me.asks("Blad 1 van")
    first = tiles(me.page).first.get_by_role("img")
    expect(first).to_have_attribute("alt", "Keuken")  # her Droompagina's work picture first
    me.choose("Keuken")
    for number, (question, answer) in enumerate(CONDITIONS):
        me.asks(question)
        if number == 0:
            me.check_axe("choice with pictures")
        if me.tile(answer).count():
            me.choose(answer)
        else:
            me.press(answer)
    me.asks("Waar wil je naartoe? 🎯")
    me.choose("Maatwerk")
    me.asks("Waarom wil je werken? 💛")
    me.pick("Geld", "Mensen zien")
    me.press("🏁 Klaar")
    me.asks("Wil je daar nog iets over zeggen? 💬")
    me.skip()
    me.finishes("🗣️ Praatplaat", "Mijn droomjob", ["Keuken", "Binnen", "Mensen zien"], "praatplaat")


# Mijn ladder: each competence's sentence, how good she is now and wants to be.
LADDER = [
    ("Samenwerken: je werkt goed samen met anderen.", "4️⃣ Goed", "5️⃣ Heel goed"),
    ("Opdrachten: je snapt wat je moet doen.", "3️⃣ Gaat wel", "4️⃣ Goed"),
    ("Aanpassen: je kan ook ander werk doen.", "2️⃣ Een beetje", "4️⃣ Goed"),
    ("Zelfstandig: je werkt ook goed alleen.", "5️⃣ Heel goed", "5️⃣ Heel goed"),
    ("Machines: je werkt goed met machines.", "1️⃣ Nog niet", "3️⃣ Gaat wel"),
    ("Materialen: je kent je materiaal goed.", "3️⃣ Gaat wel", "3️⃣ Gaat wel"),
    ("Rustig blijven: ook als het druk is.", "2️⃣ Een beetje", "4️⃣ Goed"),
    ("Kwaliteit: je maakt mooi en goed werk.", "4️⃣ Goed", "5️⃣ Heel goed"),
    ("Oplossen: loopt iets mis? Je zoekt een oplossing.", "3️⃣ Gaat wel", "4️⃣ Goed"),
    ("Doorzetten: je geeft niet snel op.", "5️⃣ Heel goed", "5️⃣ Heel goed"),
    ("Praten: je zegt wat je nodig hebt.", "2️⃣ Een beetje", "4️⃣ Goed"),
]


def mijn_ladder(me: Participant) -> None:
    me.open("🪜 Mijn ladder")
    for number, (phrase, now, want) in enumerate(LADDER):
        me.asks(phrase)
        me.asks("Hoe goed kan jij dat nu? 🪜")
        if number == 0:
            me.check_axe("scale")
        me.press(now)
        me.asks("Hoe goed wil je het kunnen? ⭐")
        me.press(want)
        me.asks("Wil je er iets over zeggen? 💬")
        if number == 0:
            me.say("Ik werk graag samen.")
        else:
            me.skip()
    me.finishes("🪜 Mijn ladder", "Mijn ladder", ["Samenwerken", "Praten"], "ladder")


HINT = "Bijna! 🙂 Kijk nog eens goed. Welke past beter?"
# Vier op een rij: the example picture and where it belongs (None: she skips it).
GAME = [
    ("Handschoenen", "Veiligheid"),
    ("Wekker", "Op tijd"),
    ("Samen dragen", None),
    ("Opruimen", "Zorg gerief"),
    ("Nakijken", "Kwaliteit"),
    ("Vragen", "Opdrachten"),
]
# Then per picture: what she sees (None: skip), her colour, what she could do better.
RATINGS = [
    ("Veilig werken.", "Een helm en schoenen.", "🟢 Goed", None),
    ("Goed samenwerken.", None, "🟠 Soms", "Meer vragen aan mijn collega."),
    ("Doen wat gevraagd is.", None, "🔴 Nog niet", None),
    ("Op tijd komen.", None, "🟢 Goed", None),
    ("Goed zorgen voor je gerief.", None, "🟢 Goed", None),
    ("Mooi en goed werk maken.", None, "🟠 Soms", None),
]


def vier_op_een_rij(me: Participant) -> None:
    me.open("🧩 Vier op een rij")
    for number, (example, answer) in enumerate(GAME):
        me.asks(f"Bij welke prent hoort {example}? 🧩")
        shown = me.current.locator("img.shown")
        expect(shown).to_have_attribute("alt", example)
        expect(tiles(me.page)).to_have_count(6)
        shown_box, first_tile = shown.bounding_box(), tiles(me.page).first.bounding_box()
        assert shown_box and first_tile and shown_box["y"] + shown_box["height"] <= first_tile["y"]
        if number == 0:
            me.check_axe("matching game")
            me.choose("Samenwerken")  # not quite
            expect(me.page.get_by_text(HINT)).to_be_visible()
            me.asks(f"Bij welke prent hoort {example}? 🧩")
            me.check_axe("matching game with a hint")
        if answer is None:
            me.skip()
        else:
            me.choose(answer)
    for phrase, sees, colour, better in RATINGS:
        me.asks("Wat zie je op deze prent? 👀")
        expect(me.current.locator("img.shown")).to_be_visible()
        if sees:
            me.say(sees)
        else:
            me.skip()
        me.asks(f"{phrase} Hoe goed kan jij dat? 🚦")
        me.press(colour)
        if colour != "🟢 Goed":
            me.asks("Wat kan je beter doen? 💬")
            if better:
                me.say(better)
            else:
                me.skip()
    me.finishes("🧩 Vier op een rij", "Wat kan ik?", ["Veiligheid"], "vier-op-een-rij")


# ----- the export -------------------------------------------------------------------------------


FLOW_IDS = (
    "hand",
    "klokwijs",
    "prentenbeeld",
    "droompagina",
    "praatplaat",
    "ladder",
    "vier_op_een_rij",
)


def answers(run: dict[str, Any]) -> dict[tuple[str, str | None], Any]:
    """A run's answers by (step, label of the picture it is about)."""
    return {(s["step"], (s["about"] or {}).get("label")): s["answer"] for s in run["steps"]}


def labels(answer: dict[str, Any]) -> list[str]:
    return [picture["label"] for picture in answer["pictures"]]


def check_export(exported: dict[str, Any]) -> None:
    runs = {run["method"]: run for run in exported["runs"]}
    assert len(exported["runs"]) == 7
    assert set(runs) == set(FLOW_IDS)
    assert {run["status"] for run in exported["runs"]} == {"finished"}

    hand = answers(runs["hand"])
    assert labels(hand[("thumb", None)]) == ["Luisteren", "Op tijd"]
    assert hand[("thumb_say", None)]["text"] == "Ik help graag anderen."
    assert hand[("index", None)]["pictures"] == []
    assert hand[("middle_say", None)] == {"kind": "skipped"}
    assert labels(hand[("little", None)]) == ["Lezen"]

    day = answers(runs["klokwijs"])
    assert day[("wake", None)]["option"] == "u07"
    assert labels(day[("pets", None)]) == ["Kat"]
    assert day[("break_with", None)]["option"] == "samen"
    assert day[("bed", None)]["option"] == "u22"
    assert day[("how_different", None)]["text"] == "Meer tijd voor sport."

    me = answers(runs["prentenbeeld"])
    assert labels(me[("fits", None)]) == ["Kinderen", "Helpen"]
    assert me[("side", "Kinderen")]["option"] == "sterk"
    assert me[("side", "Helpen")]["option"] == "moeilijk"
    assert me[("how", "Helpen")]["text"] == "Een cursus volgen."

    dream = answers(runs["droompagina"])
    assert labels(dream[("dreams", None)]) == ["Reizen", "Keuken"]
    assert dream[("need", "Reizen")]["text"] == "Elke maand wat sparen."
    assert dream[("why", "Keuken")] == {"kind": "skipped"}
    assert dream[("come_true", "Keuken")]["option"] == "weet_niet"
    assert dream[("work_now", None)]["picture"]["label"] == "Keuken"
    assert dream[("first_step", None)]["text"] == "Een cursus koken."

    board = answers(runs["praatplaat"])
    assert board[("job", None)]["picture"]["label"] == "Keuken"
    assert board[("place", None)]["option"] == "binnen"
    assert board[("weight", None)]["option"] == "egaal"
    assert board[("crowd", None)]["option"] == "weinig"
    assert board[("helper", None)]["option"] == "ja"
    assert board[("watched", None)]["option"] == "nee"
    assert board[("days", None)]["option"] == "half"
    assert board[("night", None)]["option"] == "nee"
    assert board[("travel", None)]["option"] == "fiets"
    assert board[("focus", None)]["option"] == "maatwerk"
    assert labels(board[("why", None)]) == ["Geld", "Mensen zien"]
    assert board[("why_more", None)] == {"kind": "skipped"}

    ladder = answers(runs["ladder"])
    assert ladder[("now", "Samenwerken")]["option"] == "s4"
    assert ladder[("want", "Samenwerken")]["option"] == "s5"
    assert ladder[("why", "Samenwerken")]["text"] == "Ik werk graag samen."
    assert ladder[("now", "Machines")]["option"] == "s1"
    assert sum(1 for step, _ in ladder if step == "now") == 11
    assert sum(1 for answer in ladder.values() if answer == {"kind": "skipped"}) == 10

    row = answers(runs["vier_op_een_rij"])
    assert row[("belongs", "Handschoenen")]["option"] == "veilig"  # the wrong tap is not kept
    assert row[("belongs", "Samen dragen")] == {"kind": "skipped"}
    assert row[("belongs", "Vragen")]["option"] == "opdracht"
    assert row[("see", "Veiligheid")]["text"] == "Een helm en schoenen."
    assert row[("rate", "Samenwerken")]["option"] == "oranje"
    assert row[("better", "Samenwerken")]["text"] == "Meer vragen aan mijn collega."
    assert row[("rate", "Opdrachten")]["option"] == "rood"


# ----- the test ---------------------------------------------------------------------------------


def test_one_participant_walks_all_seven_methods_on_a_phone(participant: Participant) -> None:
    me = participant
    me.page.goto(me.web.url)
    me.press("✅ Ja, dat mag")
    the_menu(me, "at the start")
    for method in (
        mijn_hand,
        klokwijs,
        prentenbeeld,
        droompagina,
        praatplaat,
        mijn_ladder,
        vier_op_een_rij,
    ):
        method(me)
    the_menu(me, "at the end")

    check_export(me.web.export(me.page.locator(".code").inner_text()))
    assert {where: found for where, found in me.axe.items() if found} == {}
    assert me.misfits == {}, "pages that do not fit a phone"
