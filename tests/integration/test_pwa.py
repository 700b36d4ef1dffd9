"""The installable app: manifest, icons, the service worker and its offline page."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from urllib.parse import urljoin

from flask import Flask
from PIL import Image

from app.security import CSP
from tests.helpers import Browser, text_of

ROOT = Path(__file__).resolve().parents[2]
MANIFEST_LINK = re.compile(r'<link rel="manifest" href="([^"]+)">')
SHELL = re.compile(r"var SHELL = \[OFFLINE\]\.concat\((\[.*?\])\);", re.S)
PRIVATE = ("/conversations", "/pisma", "/api", "/renders", "/przenies")


def _css_variable(name: str) -> str:
    css = (ROOT / "static/css/app.css").read_text()
    found = re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{3,6}})", css)
    assert found, name
    return found.group(1).lower()


def _manifest(browser: Browser) -> tuple[str, dict]:
    page = text_of(browser.get("/"))
    found = MANIFEST_LINK.search(page)
    assert found, "the pages link the manifest"
    response = browser.get(found.group(1))
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    return found.group(1), json.loads(response.data)


def test_manifest_is_served_with_the_right_fields(browser: Browser) -> None:
    _, manifest = _manifest(browser)
    assert manifest["name"] == "mikroporada"
    assert manifest["short_name"] and len(manifest["short_name"]) <= 12
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == "pl"
    assert manifest["theme_color"].lower() == _css_variable("accent")
    assert manifest["background_color"].lower() == _css_variable("bg")
    page = text_of(browser.get("/"))
    assert f'<meta name="theme-color" content="{manifest["theme_color"]}">' in page


def test_manifest_icons_exist_with_their_sizes(browser: Browser) -> None:
    manifest_url, manifest = _manifest(browser)
    seen = set()
    for icon in manifest["icons"]:
        response = browser.get(urljoin(manifest_url, icon["src"]))
        assert response.status_code == 200, icon["src"]
        assert response.mimetype == icon["type"] == "image/png"
        width, height = Image.open(io.BytesIO(response.data)).size
        assert icon["sizes"] == f"{width}x{height}"
        seen.add((icon["sizes"], icon.get("purpose", "any")))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= seen


def test_apple_touch_icon_is_opaque(browser: Browser) -> None:
    page = text_of(browser.get("/"))
    found = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', page)
    assert found
    image = Image.open(io.BytesIO(browser.get(found.group(1)).data))
    assert image.size == (180, 180) and image.mode == "RGB"


def test_service_worker_is_served_from_the_root(browser: Browser) -> None:
    response = browser.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    source = response.get_data(as_text=True)
    assert "{{" not in source and "{%" not in source
    assert re.search(r'^var VERSION = "[0-9a-f]{12}";$', source, re.M)


def test_service_worker_caches_only_the_static_shell(browser: Browser) -> None:
    source = text_of(browser.get("/sw.js"))
    for private in PRIVATE:
        assert private not in source, f"the worker must not know {private}"
    found = SHELL.search(source)
    assert found, "the shell list"
    shell = json.loads(found.group(1))
    for path in ["/offline", *shell]:
        assert path == "/offline" or path.startswith("/static/"), path
        response = browser.get(path)
        assert response.status_code == 200, path
    # Every vendored script is in the shell (a new htmx version must be added here too).
    vendored = {f"/static/vendor/{p.name}" for p in (ROOT / "static/vendor").glob("*.js")}
    assert vendored <= set(shell)
    # The only writes to a cache: the shell list at install, and shell files refreshed.
    assert source.count("cache.put(") == 2 and ".addAll(" not in source
    assert "return Promise.all(SHELL.map(" in source
    # Both writes store only what keepable() lets through (not another release's stand-in).
    assert source.count("if (!keepable(response))") == 2
    assert 'response.ok && !response.headers.get("X-Static-Fallback")' in source
    assert re.search(
        r"SHELL\.indexOf\(url\.pathname\) !== -1[^\n]*\n\s*event\.respondWith"
        r"\(fromShell\(",
        source,
    )
    # Pages, letters and PDFs: network only.
    assert 'request.method !== "GET"' in source


def test_pages_register_the_worker_without_inline_script(browser: Browser) -> None:
    page = text_of(browser.get("/"))
    assert '<script src="/static/js/sw-register.js" defer></script>' in page
    registration = (ROOT / "static/js/sw-register.js").read_text()
    assert 'register("/sw.js")' in registration
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    csp = browser.get("/").headers["Content-Security-Policy"]
    assert csp == CSP and "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_offline_page(app: Flask, browser: Browser) -> None:
    response = browser.get("/offline")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = text_of(response)
    assert "<h1>Brak połączenia z internetem</h1>" in page
    assert 'lang="pl"' in page and 'name="robots" content="noindex"' in page
    assert "Spróbuj ponownie" in page


def test_offline_page_holds_nothing_of_the_session(app: Flask, browser: Browser) -> None:
    # The worker caches this page once and shows it anywhere: it must not take a flash
    # message meant for the next page, nor set a cookie.
    client = app.test_client()
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Wiadomość dla następnej strony")]
    response = client.get("/offline")
    assert "Wiadomość dla następnej strony" not in text_of(response)
    with client.session_transaction() as session:
        assert session.get("_flashes") == [("info", "Wiadomość dla następnej strony")]
    fresh = app.test_client().get("/offline")
    assert "Set-Cookie" not in fresh.headers
