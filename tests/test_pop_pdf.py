"""The POP as PDF, read back the way a coach or VDAB would see it: the text (pdftotext), where
each word and tick stands on the page (pdftotext -bbox), the pictures in it (pdfimages) and
the printed page itself (pdftoppm). Needs Debian's poppler-utils (`make test` installs it)."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from bot.action_plan import PHASES, ActionPlan, EvaluatedAction, Evaluation, next_plan
from bot.conversation import Conversation
from bot.export import describe_participant
from bot.pop_pdf import SHORT_KINDS, pop_pdf
from flows.engine import FlowEngine
from images.manifest import Manifest
from storage.repository import Repository
from tests.transcript import Transcript

MADE_ON = date(2026, 3, 2)
WHY_HOME = "Ik wil een eigen plek met een tuin."
TICK = "✓"
PT_PER_MM = 72 / 25.4

PLAN = ActionPlan.model_validate(
    {
        "first_name": "Zoë",
        "last_name": "Van den Bërg-Léonard",
        "birth_date": "1988-04-07",
        "organisation": "Ateliers Mosaïque vzw",
        "contacts": [
            {"day": "2026-02-03", "phase": "start"},
            {"day": "2026-02-10", "phase": "analyse"},
            {"day": "2026-02-24", "phase": "uitvoeren"},
            {"day": "2026-02-27", "phase": "evalueren"},
        ],
        "wants": [
            {"text": "Een eigen huis", "kind": "ander"},
            {"text": "Werken in een keuken", "kind": "technisch"},
        ],
        "cans": [{"text": "Altijd op tijd komen", "kind": "generiek"}],
        "develop": [{"text": "Nederlands spreken met klanten", "kind": "generiek"}],
        "goal": "Doorgroeien naar hulpkok <b>in</b> het restaurant.",
        "participation": "SEC",
        "actions": [
            {
                "what": "Theorie-examen oefenen",
                "who_helps": "Jan",
                "by_when": "2026-06-30",
                "result": "Examen geslaagd",
                "kind": "technisch",
                "domain": "werk",
                "picture": "driving_licence",
            },
            {
                "what": "Elke week taalles volgen",
                "who_helps": "CVO Leuven",
                "by_when": "2026-05-15",
                "result": "Certificaat niveau 1.2",
                "kind": "generiek",
                "domain": "welzijn",
                "picture": "dutch",
            },
            {"what": "Meelopen met de kok", "kind": "ander", "domain": "werk"},
        ],
    }
)


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def x(self) -> float:
        return (self.x0 + self.x1) / 2

    def on_line_of(self, other: Word) -> bool:
        return self.page == other.page and abs(self.y0 - other.y0) < 3


class Printed:
    """A rendered PDF, with poppler's view of it."""

    def __init__(self, pdf: bytes, folder: Path) -> None:
        self.pdf = pdf
        self.path = folder / "pop.pdf"
        self.path.write_bytes(pdf)
        self.text = _run("pdftotext", "-enc", "UTF-8", str(self.path), "-")
        self.flat = " ".join(self.text.split())
        self.words = _words(_run("pdftotext", "-bbox", "-enc", "UTF-8", str(self.path), "-"))

    def word(self, text: str, page: int | None = None) -> Word:
        found = [w for w in self.words if w.text == text and page in (None, w.page)]
        assert len(found) == 1, f"{text!r} is printed {len(found)} times: {found}"
        return found[0]

    def line(self, word: Word) -> list[Word]:
        return sorted((w for w in self.words if w.on_line_of(word)), key=lambda w: w.x0)

    def ticks_on_line_of(self, word: Word) -> list[Word]:
        return [w for w in self.line(word) if w.text == TICK]

    def page_png(self, page: int, folder: Path) -> Image.Image:
        """One page as pdftoppm prints it at 50 dpi."""
        prefix = folder / f"page{page}"
        pages = ["-f", str(page), "-l", str(page)]
        _run("pdftoppm", "-png", "-r", "50", *pages, "-singlefile", str(self.path), str(prefix))
        return Image.open(prefix.with_suffix(".png")).convert("RGB")


def _run(*command: str) -> str:
    if shutil.which(command[0]) is None:
        pytest.fail(f"{command[0]} is missing: install Debian's poppler-utils (make test does)")
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _words(xhtml: str) -> list[Word]:
    words = []
    root = ET.fromstring(xhtml)
    for number, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), start=1):
        for word in page.iter("{http://www.w3.org/1999/xhtml}word"):
            box = [float(word.attrib[key]) for key in ("xMin", "yMin", "xMax", "yMax")]
            words.append(Word(number, word.text or "", *box))
    return words


def _column(printed: Printed, tick: Word, headers: list[Word]) -> str:
    """The header a tick stands under: the nearest one by x in the header row above it."""
    above = [h for h in headers if h.page == tick.page and h.y1 < tick.y0]
    row_y = max(h.y0 for h in above)
    row = [h for h in above if abs(h.y0 - row_y) < 3]
    return min(row, key=lambda h: abs(h.x - tick.x)).text


def _coloured_share(image: Image.Image, box: tuple[float, float, float, float]) -> float:
    """How much of a box (in PDF points) is clearly coloured, not black, grey or white."""
    scale = 50 / 72
    left, top, right, bottom = (round(v * scale) for v in box)
    region = image.crop((left, top, right, bottom))
    return sum(1 for p in _pixels(region) if max(p) - min(p) > 60) / max(1, _area(region))


def _pixels(image: Image.Image) -> list[bytes]:
    data = image.tobytes()
    return [data[i : i + 3] for i in range(0, len(data), 3)]


def _area(image: Image.Image) -> int:
    return image.size[0] * image.size[1]


async def _record(
    conversation: Conversation,
    repository: Repository,
    engines: dict[str, FlowEngine],
    pictures: Manifest,
) -> dict[str, object]:
    """A participant who did the Droompagina: Huis and Kinderen, a text, a voice note."""
    mia = Transcript(conversation, "mia")
    await mia.start()
    await mia.tap("✅")
    for step in ("🌈", "1️⃣", "3️⃣", "🏁"):
        await mia.tap(step)
    await mia.say(WHY_HOME)
    await mia.tap("👍")
    await mia.voice(12)
    await mia.tap("⏭️")
    await mia.tap("🤷")
    participant = await repository.participant("telegram", "mia")
    assert participant is not None
    return await describe_participant(repository, engines, pictures, participant)


@pytest.fixture
async def printed(
    tmp_path: Path,
    conversation: Conversation,
    repository: Repository,
    engines: dict[str, FlowEngine],
    pictures: Manifest,
) -> Printed:
    record = await _record(conversation, repository, engines, pictures)
    return Printed(pop_pdf(PLAN, pictures, record, made_on=MADE_ON), tmp_path)


async def test_the_parts_come_in_the_handbooks_order(printed: Printed) -> None:
    assert printed.pdf.startswith(b"%PDF-")
    headings = [
        "Persoonsgegevens",
        "Verloop POP-traject",
        "Samenvatting",
        "Wat wil ik",
        "Wat kan ik",
        "Ontwikkelpunten",
        "Mijn doel",
        "Soort deelname",
        "Actieplan",
        "Wat de deelnemer koos",
    ]
    at = 0
    for heading in headings:
        assert heading in printed.flat[at:], f"{heading!r} missing or out of order"
        at = printed.flat.index(heading, at) + len(heading)


async def test_names_dates_goal_and_organisation_are_printed(printed: Printed) -> None:
    flat = printed.flat
    assert flat.startswith("Ateliers Mosaïque vzw Persoonlijk ontwikkelingsplan (POP)")
    assert "Voornaam Zoë" in flat and "Achternaam Van den Bërg-Léonard" in flat
    assert "Geboortedatum 07/04/1988" in flat and "Opgemaakt op 02/03/2026" in flat
    # Typed text is printed as text, never as markup.
    assert "Doorgroeien naar hulpkok <b>in</b> het restaurant." in flat
    # Later pages say whose POP it is and which page of how many.
    pages = printed.text.count("\f")
    assert pages >= 2
    assert f"pagina 2 van {pages}" in flat
    assert "POP van Zoë Van den Bërg-Léonard" in flat


async def test_each_conversation_has_its_phase_ticked(printed: Printed) -> None:
    headers = [w for w in printed.words if w.text in PHASES.values()]
    for contact in PLAN.contacts:
        day = printed.word(f"{contact.day:%d/%m/%Y}")
        (tick,) = printed.ticks_on_line_of(day)
        assert _column(printed, tick, headers) == PHASES[contact.phase], contact


async def test_each_summary_item_has_its_kind_ticked(printed: Printed) -> None:
    first_words = {label.split()[0]: key for key, label in SHORT_KINDS.items()}
    headers = [w for w in printed.words if w.text in first_words]
    for item, last_word in [
        (PLAN.wants[0], "huis"),
        (PLAN.wants[1], "keuken"),
        (PLAN.cans[0], "komen"),
        (PLAN.develop[0], "klanten"),
    ]:
        (tick,) = printed.ticks_on_line_of(printed.word(last_word))
        assert first_words[_column(printed, tick, headers)] == item.kind, item


async def test_only_the_chosen_participation_is_ticked(printed: Printed) -> None:
    chosen = printed.word("Sociale")
    line = printed.line(chosen)
    assert line[line.index(chosen) - 1].text == TICK
    for other in ("Reguliere", "Lokale", "Arbeidszorg", "haalbaar"):
        word = printed.word(other)
        line = printed.line(word)
        before = line[line.index(word) - 1] if line.index(word) else None
        assert before is None or before.text != TICK, other


async def test_the_action_plan_has_every_column(printed: Printed) -> None:
    flat = printed.flat
    for header in ("Wat precies", "Wie helpt", "Tegen wanneer", "Verwacht resultaat"):
        assert header in flat
    rows = [
        ("Theorie-examen", {"Jan", "30/06/2026", "Examen", "Technisch", "Werk"}),
        ("Elke", {"CVO", "15/05/2026", "Certificaat", "Generiek", "Welzijn"}),
        ("Meelopen", {"Iets", "Werk"}),
    ]
    for first, expected in rows:
        line = {w.text for w in printed.line(printed.word(first))}
        assert expected <= line, (first, line)
    assert "Elke week taalles volgen" in flat and "Certificaat niveau 1.2" in flat


async def test_action_pictures_are_printed_in_their_row(printed: Printed, tmp_path: Path) -> None:
    images = _run("pdfimages", "-list", str(printed.path)).splitlines()[2:]
    drawn = {row.split()[10] for row in images if row.split()[2] == "image"}
    assert len(drawn) >= 4  # two action pictures, Huis and Kinderen
    label = printed.word("Rijbewijs")  # the label under the first action's picture
    page = printed.page_png(label.page, tmp_path)
    size = 13 * PT_PER_MM
    above_label = (label.x - size / 2, label.y0 - size, label.x + size / 2, label.y0)
    assert _coloured_share(page, above_label) > 0.15
    # The third action has no picture: under its number the cell stays white.
    number = next(
        w for w in printed.line(printed.word("Meelopen")) if w.text == "3" and w.x < label.x1
    )
    below = (number.x - size / 2, number.y1, number.x + size / 2, number.y1 + size)
    assert _coloured_share(page, below) < 0.01


async def test_what_she_chose_is_printed_with_her_pictures(printed: Printed) -> None:
    flat = printed.flat
    part = flat[flat.index("Wat de deelnemer koos") :]
    assert "Droompagina" in part
    assert "Waar droom jij van? Tik op de prenten die je kiest." in part  # no emoji on paper
    assert "Huis" in part and "Kinderen" in part
    assert f"“{WHY_HOME}”" in part
    assert "spraakbericht (12 s)" in part
    assert "Weet niet" in part
    huis = [w for w in printed.words if w.text == "Huis"]
    assert len(huis) >= 2  # under the picture she picked, and next to her answers about it


async def test_the_first_page_prints_as_an_a4_page(printed: Printed, tmp_path: Path) -> None:
    page = printed.page_png(1, tmp_path)
    width, height = page.size
    assert abs(height / width - 297 / 210) < 0.01 and width > 400
    dark = sum(1 for p in _pixels(page) if max(p) < 100)
    assert dark > 0.01 * width * height  # text and table lines, not an empty page


async def test_an_empty_plan_still_prints(pictures: Manifest, tmp_path: Path) -> None:
    printed = Printed(pop_pdf(ActionPlan(), pictures, None, made_on=MADE_ON), tmp_path)
    flat = printed.flat
    assert flat.startswith("Persoonlijk ontwikkelingsplan (POP) Naam nog niet ingevuld")
    assert "Nog geen gesprekken ingevuld." in flat and "Nog geen acties." in flat
    assert "Geen algemeen doel" in flat
    assert "De deelnemer heeft nog geen methode gedaan." in flat
    assert TICK not in flat
    assert "image" not in _run("pdfimages", "-list", str(printed.path))


def _second_pop() -> ActionPlan:
    """The POP after PLAN: the exam kept (2 of 5), the language lessons done and dropped,
    following the cook kept without a remark."""
    first, second, third = PLAN.actions
    followed = [
        (first, 2, True, "Examen uitgesteld: eerst meer oefenen."),
        (second, 5, False, "Certificaat behaald in mei."),
        (third, 0, True, ""),
    ]
    evaluation = Evaluation(
        previous_made_on=MADE_ON,
        evaluated_on=date(2027, 3, 1),
        actions=[
            EvaluatedAction(
                what=a.what, kind=a.kind, by_when=a.by_when, score=score, keep=keep, remark=remark
            )
            for a, score, keep, remark in followed
        ],
    )
    return next_plan(PLAN, evaluation)


async def test_the_first_pop_has_no_evaluation(printed: Printed) -> None:
    assert "Evaluatie" not in printed.flat and "Stand van zaken" not in printed.flat


async def test_a_second_pop_starts_with_the_evaluation_of_the_first(
    pictures: Manifest, tmp_path: Path
) -> None:
    printed = Printed(pop_pdf(_second_pop(), pictures, None, made_on=date(2027, 3, 1)), tmp_path)
    flat = printed.flat
    head = "Ateliers Mosaïque vzw Persoonlijk ontwikkelingsplan (POP) Zoë Van den Bërg-Léonard"
    assert flat.startswith(f"{head} Opgemaakt op 01/03/2027 Evaluatie van het vorige POP")
    assert flat.index("Evaluatie van het vorige POP") < flat.index("Persoonsgegevens")
    assert "POP van 02/03/2026, geëvalueerd op 01/03/2027." in flat
    assert "0 = er is niets gebeurd" in flat and "5 = de actie is helemaal af" in flat
    for header in ("Wat precies", "Stand van zaken (0–5)", "Opnieuw in dit POP", "Opmerking"):
        assert header in flat.split("Persoonsgegevens")[0], header
    rows = [
        ("Theorie-examen", {"1", "2", "Ja", "Examen"}),
        ("Elke", {"2", "5", "Nee", "Certificaat"}),
        ("Meelopen", {"3", "0", "Ja"}),
    ]
    for first, expected in rows:
        word = next(w for w in printed.words if w.text == first)  # the first: the evaluation
        line = {w.text for w in printed.line(word)}
        assert expected <= line, (first, line)
    assert "Examen uitgesteld: eerst meer oefenen." in flat
    # The action plan holds the kept actions only, the dropped one not.
    plan_part = flat[flat.index("Actieplan") : flat.index("Wat de deelnemer koos")]
    assert "Theorie-examen oefenen" in plan_part and "Meelopen met de kok" in plan_part
    assert "Elke week taalles volgen" not in plan_part
    assert "Zoë" in flat.split("Persoonsgegevens")[1], "her personal data is copied"


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("Zoë", "Van den Bërg-Léonard", "20260302_POP_VAN-DEN-BERG-LEONARD_ZOE.pdf"),
        ("Anaïs Noëlle", "D'Haenë", "20260302_POP_D-HAENE_ANAIS-NOELLE.pdf"),
        ("", "", "20260302_POP_ONBEKEND_ONBEKEND.pdf"),
    ],
)
def test_the_file_name_folds_accents_and_spaces(first: str, last: str, expected: str) -> None:
    assert ActionPlan(first_name=first, last_name=last).file_name(MADE_ON) == expected
