"""The coach's work after the review, in Debian's headless Chromium: giving homework, writing
the action plan (the generic/technical warning appears, then clears), and downloading the POP
as PDF, which pdftotext then reads back."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.test_browser import (
    ARTIFACTS,
    WebChat,
    browser,  # noqa: F401 (the fixture)
    web,  # noqa: F401 (the fixture)
)
from tests.test_browser_coach import (
    DESKTOP,
    join_and_record,
    popbot_coach,
    sign_in,
    sign_in_link,
)


def test_homework_action_plan_and_pdf(browser: Browser, web: WebChat) -> None:  # noqa: F811
    printed = popbot_coach(web, "add", "Sara")
    participant = browser.new_context(viewport={"width": 360, "height": 740})
    participant.grant_permissions(["microphone"], origin=web.url)
    label = join_and_record(participant, f"{web.url}/doe-mee/{printed['Code voor deelnemers']}")

    coach = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = coach.new_page()
    sign_in(page, sign_in_link(printed, web))
    page.get_by_role("link", name="Deelnemer").first.click()

    page.get_by_label("Methode").select_option("droompagina")
    page.get_by_label("Klaar tegen").fill("2099-06-30")
    page.get_by_role("button", name="Huiswerk geven").click()
    homework = page.locator(".homework-list li")
    expect(homework).to_have_count(1)
    expect(homework).to_contain_text("Droompagina voor dinsdag 30 juni")

    page.get_by_role("link", name="Actieplan (POP)").click()
    expect(page.get_by_text(f"Wat wil ik: {label}")).to_be_visible()
    page.get_by_label("Voornaam").fill("Zoë")
    page.get_by_label("Achternaam").fill("Van Damme")
    first = page.locator(".action").nth(0)
    first.get_by_label("Wat precies").fill("Elke dag om 8 uur beginnen")
    first.get_by_label("Tegen wanneer").fill("2099-01-31")
    first.get_by_label("Verwacht resultaat (meetbaar)").fill("4 weken op tijd")
    first.get_by_label("Soort").select_option("generiek")
    page.get_by_role("button", name="Plan bewaren").click()
    warnings = page.get_by_role("status", name="Aandachtspunten")
    expect(warnings).to_contain_text("geen actie voor een technische competentie")

    second = page.locator(".action").nth(1)
    second.get_by_label("Wat precies").fill("Bakkerscursus volgen")
    second.get_by_label("Tegen wanneer").fill("2099-03-31")
    second.get_by_label("Verwacht resultaat (meetbaar)").fill("Attest van de cursus")
    second.get_by_label("Soort").select_option("technisch")
    second.get_by_label("Prent").select_option("work_baking")
    page.get_by_role("button", name="Plan bewaren").click()
    expect(warnings).to_have_count(0)
    expect(page.get_by_text("een generieke en een technische competentie")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "coach-action-plan.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="POP als pdf").click()
    name = download.value.suggested_filename
    assert re.fullmatch(r"20\d{6}_POP_VAN-DAMME_ZOE\.pdf", name), name
    pdf = Path(download.value.path())
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in ("Zoë", "Van Damme", "Bakkerscursus volgen", "Attest van de cursus", label):
        assert expected in text, expected
    coach.close()
    participant.close()
