"""Journey benchmark: what it takes a phone user to get from the landing page to the PDF.

A person on a phone (Chromium at 390×844, touch, JavaScript on) goes two ways from the
landing page to holding the PDF (the download event of "Pobierz PDF", file complete):

* guided: "Mandat lub opłata za parkowanie" → "Mandat przyjęty, ale wykroczenia nie było" →
  the required fields → "Przygotuj pismo" → "Utwórz PDF" → "Pobierz PDF";
* chat: the problem typed on the landing page → "Zacznij" → the reply → "Przygotuj pismo"
  (the fake model names the situation and fills what the problem says) → the missing fields
  in "Dane do pisma" → "Zapisz dane i utwórz nową wersję" → "Utwórz PDF" → "Pobierz PDF".

It counts taps (every tap on a link, button or field), fields typed into and characters
typed, and the wall time, with the part of it from "Utwórz PDF" to the file (`pdf s`).
Typing is instantaneous here, so the wall time is what the app, the (fake) model and the PDF
job add, not how long a person takes. A date field counts as one
tap and its eight digits, typed into the browser's own date field as on a desktop; a phone's
date picker takes a comparable number of taps.

Runs in one process: tests.fake_ollama.FakeOllama, the app on a free loopback port (a
temporary SQLite database, model replies and PDF jobs in threads of the app, as `make run`
without REDIS_URL) and Debian's /usr/bin/chromium through Playwright.

    python bench/journey_bench.py [--runs 3]

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script, only bench/ is on the path
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from playwright.sync_api import (  # noqa: E402
    Browser,
    BrowserContext,
    Locator,
    Page,
    expect,
    sync_playwright,
)
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from app.services.dates import today_in_poland  # noqa: E402
from tests.fake_ollama import FakeOllama  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
TIMEOUT_MS = 60_000
TOPIC = "Mandat lub opłata za parkowanie"
SITUATION = "Mandat przyjęty, ale wykroczenia nie było"
DOCUMENT = "uchylenie-mandatu"
PROBLEM = (
    "Dostałem mandat od straży miejskiej w Krakowie na ul. Długiej, przyjąłem go 3 dni temu, "
    "ale samochód stał na opłaconym miejscu i mam bilet z parkomatu. Co mogę zrobić?"
)
CHAT_REPLY = (
    "Jeśli przyjąłeś mandat, a wykroczenia nie było, możesz złożyć do sądu rejonowego "
    "wniosek o uchylenie prawomocnego mandatu. **Masz na to 7 dni** od jego przyjęcia."
)
# What the person types: the same words on both paths.
TYPED = {
    "imie_nazwisko": "Zofia Jaźwińska",
    "adres": "ul. Łąkowa 5\n30-001 Kraków",
    "miejscowosc": "Kraków",
    "sad": "Sąd Rejonowy dla Krakowa-Śródmieścia w Krakowie",
    "seria_numer": "CW 1234567",
    "miejsce_zdarzenia": "Kraków, ul. Długa",
    "organ": "Straż Miejska w Krakowie",
    "uzasadnienie": "Samochód stał na opłaconym miejscu, mam bilet z parkomatu.",
}
DATES = ("data_mandatu", "data_prawomocnosci")
# What a model finds in PROBLEM: the place, who, when, and why (in its own words).
MODEL_FIELDS = ("miejscowosc", "organ", "miejsce_zdarzenia", "uzasadnienie")


@dataclass
class Tally:
    """What one journey took."""

    taps: int = 0
    fields: int = 0
    chars: int = 0
    seconds: float = 0.0
    pdf_seconds: float = 0.0  # of which from "Utwórz PDF" to the file


class Person:
    """A phone user: taps and types, and counts doing it."""

    def __init__(self, page: Page, date_order: str) -> None:
        self.page = page
        self.date_order = date_order
        self.tally = Tally()

    def tap(self, target: Locator) -> None:
        """Tap an element."""
        target.tap()
        self.tally.taps += 1

    def type_into(self, field: Locator, text: str) -> None:
        """Tap a field and type text into it, key by key."""
        self.tap(field)
        self.page.keyboard.type(text)
        self.tally.fields += 1
        self.tally.chars += len(text)

    def type_date(self, field: Locator, day: date) -> None:
        """Tap a date field and type its digits in the browser's order."""
        self.type_into(field, day.strftime(self.date_order))


def date_order(context: BrowserContext) -> str:
    """The strftime order of the digits Chromium's date field takes (its own locale's)."""
    probe = context.new_page()
    try:
        probe.set_content('<input type="date" id="d">')
        probe.locator("#d").focus()
        probe.keyboard.type("01022026")
        value = probe.evaluate("document.getElementById('d').value")
    finally:
        probe.close()
    return "%m%d%Y" if value == "2026-01-02" else "%d%m%Y"


def field(page: Page, key: str) -> Locator:
    """A field of the letter's form."""
    return page.locator(f"#f-{key}")


def download_pdf(person: Person) -> None:
    """From a case with a complete letter: "Utwórz PDF", wait, "Pobierz PDF", the file."""
    page = person.page
    started = time.perf_counter()
    person.tap(page.get_by_role("button", name="Utwórz PDF", exact=True))
    link = page.get_by_role("link", name="Pobierz PDF")
    expect(link).to_be_visible(timeout=TIMEOUT_MS)
    with page.expect_download(timeout=TIMEOUT_MS) as downloaded:
        person.tap(link)
    path = downloaded.value.path()
    if not Path(path).read_bytes().startswith(b"%PDF-"):
        raise RuntimeError("the download is not a PDF")
    person.tally.pdf_seconds = time.perf_counter() - started


def guided(person: Person) -> None:
    """The guided path, no model."""
    page = person.page
    person.tap(page.get_by_role("link", name=TOPIC))
    person.tap(page.get_by_role("link", name=SITUATION))
    expect(page.locator("h1")).to_have_text("Wniosek o uchylenie prawomocnego mandatu karnego")
    signed = today_in_poland() - timedelta(days=3)
    for key, text in TYPED.items():
        person.type_into(field(page, key), text)
    for key in DATES:
        person.type_date(field(page, key), signed)
    person.tap(page.get_by_role("button", name="Przygotuj pismo", exact=True))
    expect(page.locator("article.letter.paper")).to_contain_text(TYPED["imie_nazwisko"])
    download_pdf(person)


def chat(person: Person, fake: FakeOllama) -> None:
    """The chat path: the fake model replies, names the situation and fills what it read."""
    page = person.page
    signed = today_in_poland() - timedelta(days=3)
    fake.push_reply(CHAT_REPLY, chunk_size=8)
    fake.push_reply(json.dumps({"situation": DOCUMENT}))
    found: dict[str, str] = {key: TYPED[key] for key in MODEL_FIELDS}
    found |= {key: signed.isoformat() for key in DATES}
    fake.push_reply(json.dumps(found, ensure_ascii=False))

    person.type_into(page.get_by_label("Opisz swoją sprawę"), PROBLEM)
    person.tap(page.get_by_role("button", name="Zacznij", exact=True))
    draft = page.locator("#draft-form button")
    expect(draft).to_have_text("Przygotuj pismo", timeout=TIMEOUT_MS)
    expect(draft).to_be_enabled(timeout=TIMEOUT_MS)
    person.tap(draft)
    letter = page.locator("article.letter.paper")
    expect(letter).to_contain_text(TYPED["organ"], timeout=TIMEOUT_MS)

    form = page.locator("details#dane")
    if form.get_attribute("open") is None:
        person.tap(form.locator("summary"))
    for key in TYPED:
        if key not in MODEL_FIELDS and not field(page, key).input_value():
            person.type_into(field(page, key), TYPED[key])
    person.tap(page.get_by_role("button", name="Zapisz dane i utwórz nową wersję"))
    expect(page.locator("#blanks-warning")).to_have_count(0, timeout=TIMEOUT_MS)
    expect(letter).to_contain_text(TYPED["imie_nazwisko"], timeout=TIMEOUT_MS)
    download_pdf(person)


def bench_config(workdir: Path, fake_url: str) -> dict[str, Any]:
    """The test suite's embedded config (tests/conftest.py `_test_config`), limits lifted."""
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'journey.sqlite3'}",
        "REDIS_URL": None,
        "STORAGE_DIR": str(workdir / "storage"),
        "SECRET_KEY": "journey-bench-secret-key-long-enough-0123456789",
        "OLLAMA_HOST": fake_url,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_START": "1000 per minute",
        "RATELIMIT_MESSAGES": "1000 per minute",
        "RATELIMIT_RENDERS": "1000 per minute",
        "RATELIMIT_SAVES": "1000 per minute",
        "PDF_JOB_TIMEOUT": 60,
        "OLLAMA_TIMEOUT": 5.0,
        "OLLAMA_STALL_TIMEOUT": 1.5,
        "GENERATION_DEADLINE": 30.0,
    }


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """The app over HTTP on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def journey(browser: Browser, base_url: str, name: str, fake: FakeOllama) -> Tally:
    """One person, one journey, in a fresh browser (no cookies)."""
    context = browser.new_context(base_url=base_url, locale="pl-PL", **PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        person = Person(context.new_page(), date_order(context))
        started = time.perf_counter()
        person.page.goto("/")
        if name == "guided":
            guided(person)
        else:
            chat(person, fake)
        person.tally.seconds = time.perf_counter() - started
        return person.tally
    finally:
        context.close()


def row(label: str, tally: Tally) -> str:
    """One line of the table."""
    return (
        f"{label:<16} {tally.taps:>5} {tally.fields:>7} {tally.chars:>6} "
        f"{tally.seconds:>8.2f} {tally.pdf_seconds:>7.2f}"
    )


def median(tallies: list[Tally]) -> Tally:
    """The median of every figure."""
    return Tally(
        **{
            item.name: statistics.median(getattr(t, item.name) for t in tallies)
            for item in fields(Tally)
        }
    )


def main(argv: list[str] | None = None) -> int:
    """Run both journeys --runs times; print every run and the medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each journey (default 3)")
    args = parser.parse_args(argv)
    # One line per request would bury the table.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    results: dict[str, list[Tally]] = {"guided": [], "chat": []}
    with tempfile.TemporaryDirectory(prefix="journey-bench-") as tmp, FakeOllama() as fake:
        app = create_app(bench_config(Path(tmp), fake.url))
        logging.disable(logging.INFO)  # the migrations' own log lines
        with app.app_context():
            upgrade()
        logging.disable(logging.NOTSET)
        with serve(app) as base_url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            print(f"{'run':<16} {'taps':>5} {'fields':>7} {'chars':>6} {'wall s':>8} {'pdf s':>7}")
            for run in range(1, args.runs + 1):
                for name, tallies in results.items():
                    fake.reset()
                    tallies.append(journey(browser, base_url, name, fake))
                    print(row(f"{name} #{run}", tallies[-1]), flush=True)
            browser.close()
    print(f"median of {args.runs} runs (phone 390×844, JavaScript on, fake model):")
    for name, tallies in results.items():
        print(row(name, median(tallies)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
