"""The next POP in Debian's headless Chromium, on a coach's desktop: she completes a first POP,
starts the next one, scores two actions (keeps one, drops one), saves, finds the new plan
filled in from the old one, reads the old one back and downloads the new PDF, which starts with
the evaluation (pdftotext). axe-core checks the evaluation screen and the new plan.

The screenshots land in test-artifacts/.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.test_browser import (
    ARTIFACTS,
    WebChat,
    browser,  # noqa: F401 (the fixture)
    serious_violations,
    tap,
    web,  # noqa: F401 (the fixture)
)
from tests.test_browser_coach import DESKTOP, popbot_coach, sign_in, sign_in_link

KEEP = "Heftruckattest halen"
DROP = "Elke dag om 8 uur beginnen"


def write_first_pop(page: Page) -> None:
    page.get_by_label("Voornaam").fill("Zoë")
    page.get_by_label("Achternaam").fill("Van Damme")
    page.get_by_label("Wat wil ik 1").fill("Werken in een magazijn")
    for number, (what, when, result, kind) in enumerate(
        [
            (DROP, "2099-01-31", "4 weken op tijd", "generiek"),
            (KEEP, "2099-03-31", "Attest behaald", "technisch"),
        ]
    ):
        action = page.locator(".action").nth(number)
        action.get_by_label("Wat precies").fill(what)
        action.get_by_label("Tegen wanneer").fill(when)
        action.get_by_label("Verwacht resultaat (meetbaar)").fill(result)
        action.get_by_label("Soort").select_option(kind)
    page.get_by_role("button", name="Plan bewaren").click()
    expect(page.get_by_text("een generieke en een technische competentie")).to_be_visible()
    page.get_by_role("button", name="POP is afgerond").click()
    expect(page.get_by_text("POP afgerond op")).to_be_visible()


def test_a_coach_evaluates_a_pop_and_starts_the_next(browser: Browser, web: WebChat) -> None:  # noqa: F811
    printed = popbot_coach(web, "add", "Sara")
    participant = browser.new_context(viewport={"width": 360, "height": 740})
    joining = participant.new_page()
    joining.goto(f"{web.url}/doe-mee/{printed['Code voor deelnemers']}")
    tap(joining, "Ja, dat mag")
    expect(joining.get_by_text("Je coach is nu Sara.")).to_be_visible()
    participant.close()

    # axe-core is test tooling: let it past the portal's CSP.
    coach = browser.new_context(viewport=DESKTOP, accept_downloads=True, bypass_csp=True)
    page = coach.new_page()
    sign_in(page, sign_in_link(printed, web))
    page.get_by_role("link", name="Deelnemer 1").click()
    page.get_by_role("link", name="Actieplan (POP)").click()
    write_first_pop(page)

    page.get_by_role("link", name="Volgend POP starten").click()
    expect(page.get_by_role("heading", name="Volgend POP voor Deelnemer 1")).to_be_visible()
    expect(page.get_by_text("0 = er is niets gebeurd")).to_be_visible()
    dropped = page.get_by_role("group", name=f"Actie 1: {DROP}")
    kept = page.get_by_role("group", name=f"Actie 2: {KEEP}")
    expect(dropped).to_contain_text("4 weken op tijd")
    found = {"evaluation": serious_violations(page)}

    # Nothing chosen yet: the browser asks for a score before anything is sent.
    page.get_by_role("button", name="Evaluatie bewaren en nieuw POP maken").click()
    expect(page.get_by_role("heading", name="Volgend POP voor Deelnemer 1")).to_be_visible()

    dropped.get_by_label("5 helemaal af").check()
    dropped.get_by_label("Laten vallen").check()
    dropped.get_by_label("Opmerking").fill("Elke dag op tijd: gelukt.")
    kept.get_by_label("1 net gestart").check()
    kept.get_by_label("Houden").check()
    kept.get_by_label("Opmerking").fill("Examen uitgesteld.")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "coach-evaluation.png"), full_page=True)
    page.get_by_role("button", name="Evaluatie bewaren en nieuw POP maken").click()

    expect(page.get_by_role("heading", name="Actieplan (POP) van Deelnemer 1")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Het nieuwe POP staat klaar")).to_be_visible()
    expect(page.get_by_label("Voornaam")).to_have_value("Zoë")
    expect(page.get_by_label("Wat wil ik 1")).to_have_value("Werken in een magazijn")
    expect(page.locator(".action").nth(0).get_by_label("Wat precies")).to_have_value(KEEP)
    expect(page.locator(".action").nth(1).get_by_label("Wat precies")).to_have_value("")
    evaluated = page.locator("table.evaluation-table tbody tr")
    expect(evaluated).to_have_count(2)
    expect(evaluated.nth(0)).to_contain_text(DROP)
    expect(evaluated.nth(0)).to_contain_text("Laten vallen")
    expect(evaluated.nth(1)).to_contain_text("Gehouden")
    expect(page.get_by_text("POP afgerond op")).to_have_count(0)
    found["next plan"] = serious_violations(page)
    page.screenshot(path=str(ARTIFACTS / "coach-next-pop.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="POP als pdf").click()
    name = download.value.suggested_filename
    assert re.fullmatch(r"20\d{6}_POP_VAN-DAMME_ZOE\.pdf", name), name
    text = pdf_text(Path(download.value.path()))
    assert text.index("Evaluatie van het vorige POP") < text.index("Persoonsgegevens")
    evaluation = text[: text.index("Persoonsgegevens")]
    for expected in (DROP, "Nee", "Elke dag op tijd: gelukt.", KEEP, "Ja", "Examen uitgesteld."):
        assert expected in evaluation, expected
    plan = text[text.index("Actieplan") : text.index("Wat de deelnemer koos")]
    assert KEEP in plan and DROP not in plan

    history = page.get_by_role("region", name="Vorige POP's")
    history.get_by_role("link", name="bekijken").click()
    expect(page.get_by_role("heading", name="Vorig POP van Deelnemer 1")).to_be_visible()
    expect(page.get_by_text(DROP)).to_be_visible()
    expect(page.locator("main input:not([type=hidden]), main textarea")).to_have_count(0)
    found["earlier pop"] = serious_violations(page)
    page.screenshot(path=str(ARTIFACTS / "coach-earlier-pop.png"), full_page=True)
    coach.close()
    assert {name: violations for name, violations in found.items() if violations} == {}


def pdf_text(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(done.stdout.split())
