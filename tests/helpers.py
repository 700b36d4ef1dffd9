"""Test helpers: a browser-like form client and small waiting utilities."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
# Settings changed on the app reach jobs only where they run inside it (no worker process).
embedded_only = pytest.mark.skipif(
    os.environ.get("TEST_BACKEND", "sqlite") != "sqlite",
    reason="changes the app's config, which the separate model worker does not see",
)
# Valid values for every field of the catalogue's documents, as the model would extract them.
SAMPLE_FIELDS = {
    "imie_nazwisko": "Anna Nowak",
    "adres": "ul. Łąkowa 5\n30-001 Kraków",
    "miejscowosc": "Kraków",
    "email": "anna.nowak@example.com",
    "sad": "Sąd Rejonowy dla Krakowa-Śródmieścia w Krakowie, I Wydział Cywilny",
    "sad_adres": "ul. Przy Rondzie 7\n31-547 Kraków",
    "sygnatura": "I Nc 123/26",
    "powod": "Windykacja Szybka sp. z o.o.",
    "powod_adres": "ul. Prosta 1\n00-001 Warszawa",
    "data_nakazu": "2026-11-10",
    "data_doreczenia": "2026-11-20",
    "kwota": "1250.00",
    "uzasadnienie": "Zapłaciłam fakturę przed wniesieniem pozwu.\n\nPowód o tym wiedział.",
    "dowody": "potwierdzenie przelewu z 3 marca 2026 r.",
    "seria_numer": "CW 1234567",
    "data_mandatu": "2026-11-20",
    "miejsce_zdarzenia": "Kraków, ul. Długa",
    "organ": "Komenda Miejska Policji w Krakowie",
    "data_prawomocnosci": "2026-11-20",
    "data_wyroku": "2026-11-10",
    "zarzad": "Zarząd Dróg Miasta Krakowa",
    "numer_wezwania": "SPP/123/2026",
    "data_zdarzenia": "2026-11-03",
    "rejestracja": "KR 12345",
    "operator": "Parking Serwis sp. z o.o.",
    "platforma": "Facebook (Meta)",
    "url": "https://www.facebook.com/wpis/123",
    "cytat": "Anna Nowak to oszustka.",
    "adresat": "Jan Kowalski",
    "data_publikacji": "2026-11-01",
    "termin_dni": "7",
    "oskarzony": "Jan Kowalski",
    "oskarzony_adres": "ul. Krótka 2\n30-002 Kraków",
    "czyn": "212",
    "data_czynu": "2026-11-01",
    "data_wiedzy": "2026-11-05",
    "czynnosc": "wniesienia sprzeciwu od nakazu zapłaty",
    "data_ustania_przeszkody": "2026-11-24",
    "termin_sadu": "14 dni",
    "utwor": "zdjęcie zachodu słońca nad Wisłą",
    "dowod_praw": "oryginalny plik zdjęcia z danymi EXIF",
    "tresc": "film z 3 marca 2026 r.",
    "administrator": "Sklep Internetowy sp. z o.o.",
    "identyfikacja": "e-mail konta anna.nowak@example.com",
    "zakres": "konto w sklepie i historia zamówień",
    "data_zadania": "2026-10-01",
    "zadanie": "usunięcia moich danych",
    "zarzad_adres": "ul. Centralna 53\n31-586 Kraków",
    "operator_adres": "biuro@parkingserwis.example.com",
    "adresat_adres": "ul. Krótka 2\n30-002 Kraków",
    "data_decyzji": "2026-11-02",
    "administrator_adres": "iod@sklep.example.com",
}
# The situation the fake model recognises by default (when the topic offers it).
SAMPLE_SITUATION = "sprzeciw-nakaz"


def fields_of(key: str) -> dict[str, str]:
    """SAMPLE_FIELDS limited to one document type's fields (the API refuses others)."""
    from app.legal.documents import document_type

    document = document_type(key)
    assert document is not None, key
    known = {field.key for field in document.fields}
    return {name: value for name, value in SAMPLE_FIELDS.items() if name in known}


NAKAZ_FIELDS = fields_of("sprzeciw-nakaz")


def model_reply(request: dict[str, Any]) -> str:
    """The fake model's structured output: a situation, or the document's fields filled in."""
    schema = request.get("format")
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    if "situation" in properties:
        keys = properties["situation"]["enum"]
        return json.dumps({"situation": SAMPLE_SITUATION if SAMPLE_SITUATION in keys else keys[0]})
    return json.dumps({key: SAMPLE_FIELDS.get(key, "") for key in properties}, ensure_ascii=False)


# Every reply that is still pending or streaming is marked like this on the page.
LIVE = 'aria-busy="true"'


class Browser:
    """Posts forms the way a browser with JavaScript off would, CSRF token included."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token: str | None = None

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        """GET a page and remember the CSRF token it carries."""
        response = self.client.get(url, **kwargs)
        if response.mimetype == "text/html":
            found = CSRF_FIELD.search(response.get_data(as_text=True))
            if found:
                self.token = found.group(1)
        return response

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        """POST a form with this session's CSRF token."""
        if self.token is None:
            self.get("/")
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kwargs)

    def start(self, message: str = "", topic: str = "", *, wait: bool = True) -> str:
        """Start a conversation from the landing page; return its URL (without the anchor).

        With a first message the model's reply is generated in the background: by default
        this waits until it has finished.
        """
        # An empty start starts nothing; a test that wants an empty case names a topic.
        topic = topic or ("" if message else "nakaz-zaplaty")
        response = self.post("/conversations", {"message": message, "topic": topic})
        assert response.status_code == 302, response.status_code
        url = response.headers["Location"].split("#", 1)[0]
        if message and wait:
            self.wait_idle(url)
        return url

    def wait_idle(self, url: str, timeout: float = 30.0) -> str:
        """Wait until no reply of the conversation is pending or streaming; return the page."""

        def settled() -> str | None:
            response = self.get(url)
            # A broken page is no idle page: fail here, not in a later assertion.
            assert response.status_code == 200, response.status_code
            page = text_of(response)
            return None if LIVE in page else page

        return wait_for(settled, timeout=timeout, interval=0.05)

    def send(self, url: str, message: str) -> TestResponse:
        """Send a chat message and wait for the reply to finish."""
        response = self.post(f"{url}/messages", {"message": message})
        self.wait_idle(url)
        return response

    def draft(self, url: str) -> TestResponse:
        """Ask for the letter and wait for the draft to finish."""
        response = self.post(f"{url}/document/draft")
        self.wait_idle(url)
        return response


def text_of(response: TestResponse) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def wait_for(predicate: Callable[[], Any], timeout: float = 30.0, interval: float = 0.1) -> Any:
    """Poll until predicate returns something truthy; fail the test after the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


class ApiClient:
    """The JSON API with one key, over the Flask test client (no cookies sent)."""

    def __init__(self, app: Flask, name: str = "test") -> None:
        from app.services import api_keys

        with app.app_context():
            row, self.key = api_keys.create(name)
            self.key_id = row.id
        self.client = app.test_client(use_cookies=False)

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The Authorization header plus ``extra``."""
        return {"Authorization": f"Bearer {self.key}", **(extra or {})}

    def get(self, url: str, headers: dict[str, str] | None = None, **kwargs: Any) -> TestResponse:
        return self.client.get(url, headers=self.headers(headers), **kwargs)

    def delete(self, url: str, **kwargs: Any) -> TestResponse:
        return self.client.delete(url, headers=self.headers(), **kwargs)

    def post(self, url: str, json: Any = None, **kwargs: Any) -> TestResponse:
        headers = self.headers(kwargs.pop("headers", None))
        return self.client.post(url, json=json, headers=headers, **kwargs)

    def start(self, **body: Any) -> dict[str, Any]:
        """Create a conversation; return its JSON."""
        response = self.post("/api/v1/conversations", body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def wait_reply(self, url: str, timeout: float = 30.0) -> dict[str, Any]:
        """Poll a reply until it is no longer pending or streaming; return it."""

        def finished() -> dict[str, Any] | None:
            reply = self.get(url).get_json()
            return None if reply["status"] in ("pending", "streaming") else reply

        return wait_for(finished, timeout=timeout, interval=0.05)
