"""The service worker in a real Chromium: a page that fails offline shows the offline page,
and what the worker caches is the static shell only, never a case, a letter or a PDF."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from playwright.sync_api import expect

from tests.e2e.conftest import ContextFactory
from tests.e2e.test_pdf_status_js import PHONE, _guided_case

CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(request.url);
  }
  return urls;
}"""


def test_offline_page_and_a_cache_without_cases(
    app: Flask, new_context: ContextFactory, jobs: None
) -> None:
    context = new_context(**PHONE)
    page = context.new_page()
    page.goto("/")
    page.wait_for_function("async () => !!(await navigator.serviceWorker.ready).active")
    case_path = _guided_case(page)
    page.goto(case_path)
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    page.get_by_role("button", name="Utwórz PDF", exact=True).click()
    expect(page.locator(".render")).to_contain_text("PDF jest gotowy", timeout=60_000)
    page.goto(case_path)

    cached = [urlsplit(url).path for url in page.evaluate(CACHED_URLS)]
    assert "/offline" in cached and "/static/css/app.css" in cached
    assert all(path == "/offline" or path.startswith("/static/") for path in cached), cached

    context.set_offline(True)
    page.goto(case_path)
    expect(page.locator("h1")).to_have_text("Brak połączenia z internetem")
    expect(page.get_by_role("link", name="Spróbuj ponownie")).to_be_visible()
    # The shell's styles still apply offline.
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == (
        "rgb(243, 244, 246)"
    )

    context.set_offline(False)
    page.get_by_role("link", name="Spróbuj ponownie").click()
    expect(page.locator("h1.case-title")).to_be_visible()
    assert urlsplit(page.url).path == case_path
