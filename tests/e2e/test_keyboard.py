"""The guided path by keyboard alone on a phone-sized Chromium with JavaScript on.

From the landing page to a downloaded PDF with Tab, Shift+Tab, Enter and Space only (and the
letters typed into the fields): no click, no tap, no ``fill``. After every key that moves the
focus, the focused element must show it (a computed outline or box-shadow) and be on screen.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from app.services.dates import today_in_poland
from tests.e2e.conftest import ContextFactory

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
CASE_URL = re.compile(r"/conversations/[A-Za-z0-9_-]+(#[\w-]+)?$")
RENDER_URL = re.compile(r"/conversations/[A-Za-z0-9_-]+/renders/[A-Za-z0-9_-]+$")
# How far Tab may go looking for one element before the test gives up.
MAX_TABS = 80
# What the focused element shows: None when nothing (the body) has the focus.
FOCUS_STATE = """() => {
  const element = document.activeElement;
  if (!element || element === document.body || element === document.documentElement) {
    return null;
  }
  const box = element.getBoundingClientRect();
  const onScreen = box.bottom > 0 && box.top < innerHeight
    && box.right > 0 && box.left < innerWidth;
  if (element.matches("input[type=date]") && !element.matches(":focus")) {
    // The focus is on the calendar button inside the field (a closed shadow root), which
    // Chromium draws its own focus ring around; no style of the page reaches it.
    return {element: `input#${element.id} (calendar button)`, visible: true, onScreen};
  }
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== "" && style.boxShadow !== "none";
  const name = (element.getAttribute("aria-label") || element.textContent || "").trim();
  return {
    element: `${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}`
      + ` "${name.replace(/\\s+/g, " ").slice(0, 50)}"`,
    outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
    boxShadow: style.boxShadow,
    visible: outline || shadow,
    onScreen,
  };
}"""


class Keyboard:
    """The person's keyboard: moves the focus and checks every element it lands on."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def press(self, key: str) -> None:
        """Press one of the keys a keyboard user moves and acts with."""
        assert key in ("Tab", "Shift+Tab", "Enter", "Space"), key
        self.page.keyboard.press(key)

    def check_focus(self) -> str | None:
        """Fail unless the focused element shows its focus on screen; describe it."""
        state = self.page.evaluate(FOCUS_STATE)
        if state is None:
            return None
        assert state["visible"], f"focus is not visible on {state} at {self.page.url}"
        assert state["onScreen"], f"the focused element is off screen: {state}"
        return state["element"]

    def tab_to(self, predicate: str, *, back: bool = False) -> str:
        """Tab (or Shift+Tab) until the focused element satisfies the JS ``predicate``."""
        passed = []
        for _ in range(MAX_TABS):
            self.press("Shift+Tab" if back else "Tab")
            passed.append(self.check_focus())
            if self.page.evaluate(f"({predicate})(document.activeElement)"):
                return passed[-1] or ""
        raise AssertionError(f"{predicate} not reached by Tab at {self.page.url}: {passed}")

    def type(self, text: str) -> None:
        """Type text into the focused field, key by key."""
        self.page.keyboard.type(text)


def _link(text: str) -> str:
    return f'el => el.matches("a") && el.textContent.trim().startsWith({text!r})'


def _button(text: str) -> str:
    return f'el => el.matches("button") && el.textContent.trim() === {text!r}'


def _field(key: str) -> str:
    return f'el => el.id === "f-{key}"'


def _date_digits(context: BrowserContext, day: date) -> str:
    """The digits a person types into this browser's date field for ``day``.

    Chromium orders the parts of its date field by the browser's own locale, not the page's,
    so the order is read once from a blank page.
    """
    probe = context.new_page()
    try:
        probe.set_content('<input type="date" id="d">')
        probe.keyboard.press("Tab")
        probe.keyboard.type("01022026")
        value = probe.evaluate("document.getElementById('d').value")
    finally:
        probe.close()
    if value == "2026-01-02":
        return day.strftime("%m%d%Y")
    assert value == "2026-02-01", f"unknown date field order: {value}"
    return day.strftime("%d%m%Y")


def _fill_form(keys: Keyboard, context: BrowserContext) -> None:
    """Every required field of the mandate form, typed in the order Tab visits them."""
    today = today_in_poland()
    typed = [
        ("imie_nazwisko", "Zofia Jaźwińska"),
        ("adres", "ul. Łąkowa 5\n30-001 Kraków"),
        ("miejscowosc", "Kraków"),
        ("sad", "Sąd Rejonowy dla Krakowa-Śródmieścia w Krakowie"),
        ("seria_numer", "CW 1234567"),
        ("data_mandatu", _date_digits(context, today - timedelta(days=4))),
        ("miejsce_zdarzenia", "Kraków, ul. Długa"),
        ("organ", "Straż Miejska w Krakowie"),
        ("data_prawomocnosci", _date_digits(context, today - timedelta(days=4))),
        ("uzasadnienie", "Samochód stał na wyznaczonym miejscu, za postój zapłaciłam."),
    ]
    for key, text in typed:
        keys.tab_to(_field(key))
        keys.type(text)


def test_guided_path_by_keyboard_to_a_downloaded_pdf(
    new_context: ContextFactory, jobs: None, tmp_path: Path
) -> None:
    """Landing → topic → situation → form → letter → "Utwórz PDF" → "Pobierz PDF"."""
    context = new_context(accept_downloads=True, **PHONE)
    page = context.new_page()
    keys = Keyboard(page)
    page.goto("/")

    keys.tab_to(_link("Mandat lub opłata za parkowanie"))
    keys.press("Enter")
    expect(page).to_have_url(re.compile(r"/pisma/mandat$"))

    keys.tab_to(_link("Mandat przyjęty, ale wykroczenia nie było"))
    keys.press("Enter")
    expect(page).to_have_url(re.compile(r"/pisma/pismo/uchylenie-mandatu$"))

    _fill_form(keys, context)
    keys.tab_to(_button("Przygotuj pismo"))
    # One step back and forth: Shift+Tab shows its focus too, and the checkbox stays as it was.
    assert "blanks-ok" in keys.tab_to('el => el.id === "blanks-ok"', back=True)
    keys.tab_to(_button("Przygotuj pismo"))
    keys.press("Space")
    expect(page).to_have_url(CASE_URL)
    letter = page.locator("article.letter.paper")
    expect(letter).to_contain_text("Zofia Jaźwińska")
    expect(letter.locator("mark.blank")).to_have_count(0)

    keys.tab_to(_button("Utwórz PDF"))
    keys.press("Enter")
    expect(page).to_have_url(RENDER_URL)
    download_link = page.get_by_role("link", name="Pobierz PDF")
    expect(download_link).to_be_visible(timeout=60_000)

    keys.tab_to(_link("Pobierz PDF"))
    with page.expect_download() as downloaded:
        keys.press("Enter")
    saved = tmp_path / downloaded.value.suggested_filename
    downloaded.value.save_as(saved)
    assert saved.suffix == ".pdf", saved.name
    assert saved.read_bytes().startswith(b"%PDF-")
