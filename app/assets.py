"""Static files under content-hashed names, cached for a year (Flask-Static-Digest).

The image build runs ``scripts/compile_static.py static``: every file in the static folder gets a
copy named after its MD5 (``css/app-<md5>.css``) plus a gzipped twin, and a
``cache_manifest.json`` maps each name to its hashed copy. Pages then link the hashed names
through ``static_url_for``; a changed file gets a new name, so browsers, nginx and any CDN
may keep every hashed file forever (``immutable``). Without a manifest (``make run``, the
tests) ``static_url_for`` is plain ``url_for`` and files are revalidated on every use.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from flask import Flask, Response
from flask_static_digest import FlaskStaticDigest, digester
from werkzeug.exceptions import NotFound

# The hash in the names Flask-Static-Digest gives its copies: "-" and 32 hex digits before
# the suffix.
HASHED = re.compile(r"-[0-9a-f]{32}(?=\.[A-Za-z0-9]+$)")
YEAR_S = 365 * 24 * 3600
# Marks the plain file sent for a hashed name this release lacks (templates/sw.js reads it).
FALLBACK_HEADER = "X-Static-Fallback"
# The page the service worker shows offline, cached with the shell (templates/sw.js).
OFFLINE_TEMPLATES = ("main/offline.html", "base.html", "_flashes.html")
# What the service worker keeps for offline use (templates/sw.js), by unhashed name.
SHELL_FILES = (
    "css/app.css",
    "css/letter.css",
    "favicon.svg",
    "manifest.webmanifest",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/maskable-512.png",
    "icons/apple-touch-icon.png",
    "js/sw-register.js",
    "js/focus.js",
    "js/chat.js",
    "js/render-status.js",
    "js/pdf-viewer.js",
)


def init_app(app: Flask) -> None:
    """Load the manifest (if the static folder has one) and cache hashed files for good."""
    # One per app (it keeps the manifest it read), so apps with other folders never mix.
    app.extensions["static_digest"] = FlaskStaticDigest(app)
    app.view_functions["static"] = _hashed_or_plain(app.view_functions["static"])
    vendor = vendored(app.static_folder or "static")
    app.jinja_env.globals["vendor"] = vendor
    app.extensions["static_shell"] = (*SHELL_FILES, *sorted(vendor.values()))


def vendored(static_folder: str) -> dict[str, str]:
    """The pinned front-end files by package (``make vendor`` puts the version in the name)."""
    names = {}
    for path in sorted(Path(static_folder, "vendor").glob("*.min.js")):
        package = re.sub(r"-\d[\w.]*\.min\.js$", "", path.name)
        names[package] = f"vendor/{path.name}"
    return names


def _hashed_or_plain(serve: Callable[..., Response]) -> Callable[..., Response]:
    """Flask's static view, with year-long caching for hashed names. A hashed name this
    release does not have (a page of the other release, while two run side by side behind
    one Service) gets the file of the same plain name, revalidated, never cached for good."""

    @functools.wraps(serve)
    def static(filename: str) -> Response:
        try:
            response = serve(filename=filename)
        except NotFound:
            plain = HASHED.sub("", filename)
            if plain == filename:
                raise
            response = serve(filename=plain)
            response.cache_control.no_cache = True
            response.headers[FALLBACK_HEADER] = "1"  # the service worker never stores it
            return response
        if response.status_code in (200, 304) and HASHED.search(filename):
            response.cache_control.public = True
            response.cache_control.max_age = YEAR_S
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
        return response

    return static


def shell_urls(app: Flask) -> list[str]:
    """The service worker's offline shell, under the names the pages link."""
    digest = app.extensions["static_digest"]
    return [
        digest.static_url_for("static", filename=name) for name in app.extensions["static_shell"]
    ]


def shell_version(app: Flask, urls: list[str]) -> str:
    """Changes whenever a shell file does (its hashed name changes) or the offline page's
    templates do, so a release drops the old cache and stores the new offline page."""
    digest = hashlib.sha256("\n".join(urls).encode())
    for template in OFFLINE_TEMPLATES:
        source, _, _ = app.jinja_env.loader.get_source(app.jinja_env, template)  # type: ignore[union-attr]
        digest.update(source.encode())
    return digest.hexdigest()[:12]


def compile_static(folder: Path) -> None:
    """Write the hashed and gzipped copies and the manifest into ``folder`` (image build)."""
    root = f"{folder.resolve()}/"  # the library joins "**/**" to it as a string
    digester.compile(root, root, [], gzip_files=True, brotli_files=False)
