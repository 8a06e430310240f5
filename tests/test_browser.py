"""The web chat in Debian's headless Chromium, on a phone-sized screen: a whole Droompagina
with a reload and a voice recording, accessibility (axe-core), and a browser without scripts.

`make test` installs Chromium and fetches axe-core; the screenshots land in test-artifacts/.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
PHONE: ViewportSize = {"width": 360, "height": 740}
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]


def chromium() -> str:
    path = os.environ.get("POPBOT_CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package")
    return path


def axe_script() -> Path:
    configured = os.environ.get("POPBOT_AXE_JS")
    found = [Path(configured)] if configured else sorted(ROOT.glob(".venv/axe-core-*/axe.min.js"))
    if not found or not found[-1].is_file():
        pytest.fail("axe-core is missing: `make test` fetches it from the npm registry")
    return found[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class WebChat:
    """`popbot web` as a real process on a free port of 127.0.0.1."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("POPBOT_")},
            "POPBOT_DATA_DIR": str(data_dir),
            "POPBOT_WEB_PORT": str(self.port),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "web"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/gezond", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.1)

    def export(self, code: str) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "export", "--web", code],
            env=self.env,
            capture_output=True,
            check=True,
        )
        data: dict[str, Any] = json.loads(done.stdout)
        return data

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture
def web(tmp_path: Path) -> Iterator[WebChat]:
    chat = WebChat(tmp_path / "data")
    try:
        yield chat
    finally:
        chat.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def phone(browser: Browser, web: WebChat) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, has_touch=True)
    context.grant_permissions(["microphone"], origin=web.url)
    yield context
    context.close()


def tap(page: Page, name: str) -> None:
    page.get_by_role("button", name=name).first.click()
    page.wait_for_load_state()


def tiles(page: Page) -> Any:
    return page.locator("button.tile")


def consent_and_open(page: Page, web: WebChat) -> None:
    page.goto(web.url)
    expect(page.get_by_text("Mag ik je antwoorden bewaren?")).to_be_visible()
    tap(page, "Ja, dat mag")
    tap(page, "Droompagina")
    expect(tiles(page)).to_have_count(9)


def test_whole_droompagina_on_a_phone_with_reload_and_voice(
    phone: BrowserContext, web: WebChat
) -> None:
    page = phone.new_page()
    consent_and_open(page, web)
    for index in range(9):
        box = tiles(page).nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert box["y"] + box["height"] <= PHONE["height"], "all nine pictures fit on screen"
    first = tiles(page).nth(0)
    first_label = first.get_by_role("img").get_attribute("alt")
    first.click()
    expect(tiles(page).nth(0)).to_have_attribute("aria-pressed", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-grid-360x740.png"))

    tap(page, "Verder")
    expect(page.get_by_text("Blad 2 van 5")).to_be_visible()
    second_label = tiles(page).nth(4).get_by_role("img").get_attribute("alt")
    tiles(page).nth(4).click()
    tap(page, "Klaar")

    expect(page.get_by_text(f"Je koos {first_label}. Waarom?")).to_be_visible()
    page.get_by_label("Typ hier je antwoord").fill("Een eigen plek voor mijn kinderen.")
    tap(page, "Verder")
    tap(page, "Ja")
    expect(page.get_by_text("Wat moet je daarvoor doen?")).to_be_visible()

    record = page.get_by_role("button", name="Inspreken")
    expect(record).to_be_visible()
    record.click()
    expect(page.get_by_text("🔴")).to_be_visible()
    page.wait_for_timeout(1500)
    with page.expect_navigation():
        page.get_by_role("button", name="Klaar").click()
    expect(page.get_by_text(f"Je koos {second_label}. Waarom?")).to_be_visible()

    page.reload()
    expect(page.get_by_text(f"Je koos {second_label}. Waarom?")).to_be_visible()
    again = phone.new_page()
    again.goto(web.url)
    expect(again.get_by_text(f"Je koos {second_label}. Waarom?")).to_be_visible()
    again.close()

    tap(page, "Overslaan")
    tap(page, "Weet niet")
    expect(page.get_by_text("Aan welke droom kan je nu al werken?")).to_be_visible()
    expect(tiles(page)).to_have_count(2)
    tiles(page).nth(0).click()
    page.get_by_label("Typ hier je antwoord").fill("Morgen bel ik de woondienst.")
    tap(page, "Verder")

    dream_page = page.get_by_role("img", name="Mijn droompagina")
    expect(dream_page).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "web-dream-page-360x740.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Bewaren").click()
    assert Path(download.value.path()).read_bytes()[:3] == b"\xff\xd8\xff"

    code = page.locator(".code").inner_text()
    exported = web.export(code)
    (run,) = exported["runs"]
    assert run["status"] == "finished"
    steps = {(s["step"], (s["about"] or {}).get("label")): s["answer"] for s in run["steps"]}
    assert [p["label"] for p in steps[("dreams", None)]["pictures"]] == [first_label, second_label]
    assert steps[("why", first_label)]["text"] == "Een eigen plek voor mijn kinderen."
    voice = steps[("need", first_label)]
    assert voice["kind"] == "voice" and voice["file"].endswith(".webm")
    assert (Path(web.env["POPBOT_DATA_DIR"]) / voice["file"]).stat().st_size > 100
    assert steps[("why", second_label)] == {"kind": "skipped"}
    assert steps[("first_step", None)]["text"] == "Morgen bel ik de woondienst."


def serious_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(axe_script()))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{item['id']} ({item['impact']}): {item['help']} at {[n['target'] for n in item['nodes']]}"
        for item in result["violations"]
        if item["impact"] in {"serious", "critical"}
    ]


def test_every_step_passes_axe_without_serious_or_critical_violations(
    browser: Browser, web: WebChat
) -> None:
    # The page's CSP allows no injected script; axe is test tooling, so let it in.
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.goto(web.url)
    checked = {"consent": serious_violations(page)}
    tap(page, "Ja, dat mag")
    tap(page, "Droompagina")
    tiles(page).nth(0).click()
    checked["pictures"] = serious_violations(page)
    tap(page, "Klaar")
    checked["free answer"] = serious_violations(page)
    page.get_by_label("Typ hier je antwoord").fill("Omdat het mooi is.")
    tap(page, "Verder")
    checked["choice"] = serious_violations(page)
    tap(page, "Weet niet")
    tiles(page).nth(0).click()
    tap(page, "Overslaan")
    expect(page.get_by_role("img", name="Mijn droompagina")).to_be_visible()
    checked["dream page"] = serious_violations(page)
    context.close()
    assert {step: found for step, found in checked.items() if found} == {}


def test_without_scripts_everything_but_recording_works(browser: Browser, web: WebChat) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    consent_and_open(page, web)
    tiles(page).nth(1).click()
    expect(tiles(page).nth(1)).to_have_attribute("aria-pressed", "true")
    tap(page, "Klaar")
    expect(page.get_by_role("button", name="Inspreken")).to_be_hidden()
    page.get_by_label("Typ hier je antwoord").fill("Zonder scripts gaat het ook.")
    tap(page, "Verder")
    expect(page.get_by_text("Kan die droom echt worden?")).to_be_visible()
    tap(page, "Stop")
    expect(page.get_by_text("we stoppen even")).to_be_visible()
    page.reload()
    expect(page.get_by_text("we stoppen even")).to_be_visible()
    tap(page, "Verder")
    expect(page.get_by_text("Kan die droom echt worden?")).to_be_visible()
    context.close()


def test_the_accessibility_check_catches_a_broken_page(browser: Browser) -> None:
    """The axe harness itself: a picture without alt text and a nameless button are found."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_content('<html><body><img src="x.png"><button></button></body></html>')
    found = serious_violations(page)
    context.close()
    assert any(line.startswith("image-alt") for line in found)
    assert any(line.startswith("button-name") for line in found)


def test_prentenbeeld_on_a_phone_ends_with_dit_ben_ik(phone: BrowserContext, web: WebChat) -> None:
    page = phone.new_page()
    page.goto(web.url)
    tap(page, "Ja, dat mag")
    tap(page, "Prentenbeeld")
    expect(tiles(page)).to_have_count(9)
    strong = tiles(page).nth(0).get_by_role("img").get_attribute("alt")
    growing = tiles(page).nth(1).get_by_role("img").get_attribute("alt")
    tiles(page).nth(0).click()
    tiles(page).nth(1).click()
    tap(page, "Klaar")
    expect(page.get_by_text(f"{strong}. Kan je dat goed?")).to_be_visible()
    tap(page, "Ja, goed")
    tap(page, "Nee")
    expect(page.get_by_text(f"{growing}. Kan je dat goed?")).to_be_visible()
    tap(page, "Nog moeilijk")
    tap(page, "Ja")
    page.get_by_label("Typ hier je antwoord").fill("Een cursus volgen.")
    tap(page, "Verder")
    result = page.get_by_role("img", name=f"Dit ben ik: {strong}, {growing}")
    expect(result).to_be_visible()
    assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-dit-ben-ik-360x740.png"), full_page=True)
    expect(page.get_by_role("button", name="Prentenbeeld ✅")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Bewaren").click()
    assert download.value.suggested_filename == "dit-ben-ik.jpg"
