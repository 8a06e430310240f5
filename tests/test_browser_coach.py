"""The coach's portal in Debian's headless Chromium: a coach added with `popbot coach add`,
a participant who joined through the web link and recorded a voice note, the coach signing
in on a desktop and on a phone, renaming her participant, and axe-core on the portal pages.

The screenshots land in test-artifacts/.
"""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urljoin

from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from tests.test_browser import (
    ARTIFACTS,
    PHONE,
    WebChat,
    browser,  # noqa: F401 (the fixture)
    serious_violations,
    tap,
    tiles,
    web,  # noqa: F401 (the fixture)
)

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
NEED = "Een cursus volgen bij de bakker."


def popbot_coach(chat: WebChat, *args: str) -> dict[str, str]:
    """Run `popbot coach ...` against the web chat's data folder: its lines, by label."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "coach", *args],
        env=chat.env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(line.split(": ", 1) for line in done.stdout.splitlines())


def sign_in(page: Page, link: str) -> None:
    """Open a one-time link and confirm, as a coach does."""
    page.goto(link)
    expect(page.get_by_role("heading", name="Aanmelden als")).to_be_visible()
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_load_state()


def sign_in_link(printed: dict[str, str], chat: WebChat) -> str:
    link = printed["Portaal (werkt één keer, 15 minuten)"]
    assert link.startswith(f"{chat.url}/coach/aanmelden/")
    return link


def join_and_record(context: BrowserContext, join_link: str) -> str:
    """A participant opens the coach's web link, says yes, picks a dream, records why, and
    answers two more questions: the label of the picture she chose."""
    page = context.new_page()
    page.goto(join_link)
    expect(page.get_by_text("Mag ik je antwoorden bewaren?")).to_be_visible()
    tap(page, "Ja, dat mag")
    expect(page.get_by_text("Je coach is nu Sara.")).to_be_visible()
    tap(page, "Droompagina")
    label: str | None = tiles(page).nth(0).get_by_role("img").get_attribute("alt")
    assert label
    tiles(page).nth(0).click()
    tap(page, "Klaar")
    expect(page.get_by_text(f"Je koos {label}. Waarom?")).to_be_visible()
    page.get_by_role("button", name="Inspreken").click()
    expect(page.get_by_text("🔴")).to_be_visible()
    page.wait_for_timeout(1500)
    with page.expect_navigation():
        page.get_by_role("button", name="Klaar").click()
    tap(page, "Ja")
    page.get_by_label("Typ hier je antwoord").fill(NEED)
    tap(page, "Verder")
    expect(page.get_by_text("Aan welke droom kan je nu al werken?")).to_be_visible()
    page.close()
    return label


def only_participant(page: Page, name: str) -> None:
    rows = page.locator("table.participants tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.get_by_role("link")).to_have_text(name)
    expect(rows).to_contain_text("(web)")
    expect(rows).to_contain_text("Droompagina")  # the method she is busy with


def no_sideways_scrolling(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def phone_labels(page: Page) -> list[str]:
    """On a phone the table's head is hidden: each cell says what it is."""
    labels: list[str] = page.evaluate(
        """[...document.querySelectorAll("table.participants tbody td")].map(
            td => getComputedStyle(td, "::before").content)"""
    )
    return labels


def check_summary(page: Page, label: str) -> None:
    expect(page.get_by_text(NEED)).to_be_visible()
    chosen = page.locator("ul.pictures li").filter(has_text=label)
    expect(chosen.locator("img")).to_be_visible()
    assert page.evaluate(
        "[...document.images].every(img => img.complete && img.naturalWidth > 0)"
    ), "every picture loads"
    expect(page.locator("li.step.highlight")).to_contain_text("Kan die droom echt worden?")
    audio = page.locator("audio")
    expect(audio).to_have_count(1)
    src = audio.get_attribute("src")
    assert src
    answer = page.request.get(urljoin(page.url, src))
    assert answer.status == 200 and answer.headers["content-type"].startswith("audio/")
    assert len(answer.body()) > 100
    duration = page.evaluate(
        """async () => {
            const audio = document.querySelector("audio");
            audio.preload = "auto";
            audio.load();
            await new Promise((done, failed) => {
                audio.addEventListener("loadedmetadata", done, { once: true });
                audio.addEventListener("error", () => failed(audio.error), { once: true });
            });
            return audio.duration;
        }"""
    )
    assert duration > 0, "the voice note can be played"


def test_a_coach_signs_in_and_sees_her_participant(browser: Browser, web: WebChat) -> None:  # noqa: F811
    added = popbot_coach(web, "add", "Sara")
    first_link = sign_in_link(added, web)
    join_link = added["Webchat voor deelnemers"]
    assert join_link == f"{web.url}/doe-mee/{added['Code voor deelnemers']}"

    participant = browser.new_context(viewport=PHONE, has_touch=True)
    participant.grant_permissions(["microphone"], origin=web.url)
    label = join_and_record(participant, join_link)
    participant.close()

    desktop = browser.new_context(viewport=DESKTOP, locale="nl-BE")
    blocked: list[str] = []
    page = desktop.new_page()
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    sign_in(page, first_link)
    assert page.url == f"{web.url}/coach"
    expect(page.get_by_role("heading", name="Mijn deelnemers")).to_be_visible()
    only_participant(page, "Deelnemer 1")
    page.get_by_role("link", name="Deelnemer 1").click()
    expect(page.get_by_role("heading", name="Deelnemer 1")).to_be_visible()
    check_summary(page, label)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "coach-summary.png"), full_page=True)

    page.get_by_label("Naam (alleen voor jou)").fill("Mia")
    page.get_by_role("button", name="Bewaren").click()
    expect(page.get_by_role("heading", name="Mia")).to_be_visible()
    page.get_by_role("link", name="Mijn deelnemers").click()
    only_participant(page, "Mia")
    assert blocked == [], "the portal's own CSP blocks nothing it needs"

    stranger = browser.new_context(viewport=DESKTOP)
    reused = stranger.new_page()
    response = reused.goto(first_link)
    assert response is not None and response.status == 403
    expect(reused.get_by_role("heading", name="Deze link werkt niet (meer)")).to_be_visible()
    reused.goto(f"{web.url}/coach")
    expect(reused.get_by_role("heading", name="Meld je aan")).to_be_visible()
    expect(reused.get_by_text("Mia")).to_have_count(0)
    stranger.close()

    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_role("heading", name="Meld je aan")).to_be_visible()
    desktop.close()

    # On a phone, with a second link; axe-core is test tooling, so let it past the CSP.
    phone = browser.new_context(
        viewport=PHONE, device_scale_factor=2, has_touch=True, bypass_csp=True, locale="nl-BE"
    )
    small = phone.new_page()
    sign_in(small, sign_in_link(popbot_coach(web, "login", "Sara"), web))
    only_participant(small, "Mia")
    no_sideways_scrolling(small)
    assert phone_labels(small)[1:] == [
        '"Laatst actief: "',
        '"Methodes klaar: "',
        '"Bezig met: "',
        '"Huiswerk open: "',
    ]
    small.screenshot(path=str(ARTIFACTS / "coach-list-360.png"), full_page=True)
    found = {"list": serious_violations(small)}
    small.get_by_role("link", name="Mia").click()
    check_summary(small, label)
    no_sideways_scrolling(small)
    small.screenshot(path=str(ARTIFACTS / "coach-summary-360.png"), full_page=True)
    found["summary"] = serious_violations(small)
    phone.close()
    assert {name: violations for name, violations in found.items() if violations} == {}
