"""Fixtures for browser tests: the app over real HTTP and a system Chromium driven by Playwright.

The browser is Debian's ``/usr/bin/chromium`` (``make test`` installs it); Playwright never
downloads one here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect
from werkzeug.serving import make_server

from tests.chromium import chromium_browser

HERE = Path(__file__).resolve().parent
# Generous enough for a loaded CI machine, short enough to fail fast on a broken page.
DEFAULT_TIMEOUT_MS = 15_000
# Assertions wait as long as actions: a no-JS page reaches its final state by reloading.
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)

ContextFactory = Callable[..., BrowserContext]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test collected under tests/e2e as an e2e test."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the test app over HTTP on a free local port; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="e2e-live-server",
        daemon=True,
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One headless system Chromium for the whole session."""
    with chromium_browser() as browser:
        yield browser


@pytest.fixture
def new_context(chromium: Browser, live_server: str) -> Iterator[ContextFactory]:
    """Open browser contexts (separate cookie jars, i.e. separate people) on the live server.

    Every context is closed before the live server stops, so no keep-alive connection
    outlives the test.
    """
    opened: list[BrowserContext] = []

    def factory(**options: Any) -> BrowserContext:
        context = chromium.new_context(base_url=live_server, locale="pl-PL", **options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        opened.append(context)
        return context

    yield factory
    for context in opened:
        context.close()


def refresh_until_ready(page: Page, timeout_s: float = 60.0) -> None:
    """On a PDF status page without JavaScript, press "Odśwież" until the PDF is ready."""
    status = page.locator(".render")
    deadline = time.monotonic() + timeout_s
    while "PDF jest gotowy" not in (status.text_content() or ""):
        assert "Spróbuj ponownie" not in (status.text_content() or ""), status.text_content()
        assert time.monotonic() < deadline, "the PDF was not ready in time"
        page.wait_for_timeout(300)
        page.get_by_role("link", name="Odśwież").click()
        page.wait_for_load_state()
