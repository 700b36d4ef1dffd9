"""The earlier public endpoints: /api/chat, /api/generate-pdf and /api/health, with a key by
default and open only when the operator says so."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask
from pypdf import PdfReader

from tests.fake_ollama import FakeOllama
from tests.helpers import ApiClient

LETTER = "<h1>Wniosek o umorzenie</h1><p>Proszę o umorzenie postępowania.</p>"


def _error(response: Any) -> dict[str, Any]:
    assert response.mimetype == "application/json", response.data[:200]
    return response.get_json()["error"]


def test_chat_answers_whole_and_keeps_the_session(app: Flask, fake_ollama: FakeOllama) -> None:
    api = ApiClient(app)
    fake_ollama.push_reply("Pierwsza odpowiedź.", chunk_size=3)
    first = api.post("/api/chat", {"message": "Dostałem mandat.", "session_id": "sesja-1"})
    assert first.status_code == 200
    assert first.get_json() == {"response": "Pierwsza odpowiedź.", "session_id": "sesja-1"}
    fake_ollama.push_reply("Druga odpowiedź.")
    second = api.post("/api/chat", {"message": "I co dalej?", "session_id": "sesja-1"})
    assert second.get_json()["response"] == "Druga odpowiedź."
    # One conversation for the session id, holding both turns, seen through /api/v1 too.
    items = api.get("/api/v1/conversations").get_json()["items"]
    assert len(items) == 1
    messages = api.get(items[0]["url"]).get_json()["messages"]
    assert [m["content"] for m in messages][::2] == ["Dostałem mandat.", "I co dalej?"]
    # The model saw the first turn when answering the second.
    history = fake_ollama.chat_requests[-1]["messages"]
    assert any(m["content"] == "Pierwsza odpowiedź." for m in history)


def test_the_same_session_id_of_two_keys_is_two_conversations(
    app: Flask, fake_ollama: FakeOllama
) -> None:
    alice, bob = ApiClient(app, "alice"), ApiClient(app, "bob")
    for api in (alice, bob):
        fake_ollama.push_reply("Odpowiedź.")
        sent = api.post("/api/chat", {"message": "Hej", "session_id": "test"})
        assert sent.status_code == 200
    assert len(alice.get("/api/v1/conversations").get_json()["items"]) == 1
    assert len(bob.get("/api/v1/conversations").get_json()["items"]) == 1
    assert (
        alice.get("/api/v1/conversations").get_json()["items"][0]["id"]
        != bob.get("/api/v1/conversations").get_json()["items"][0]["id"]
    )


def test_a_model_failure_is_a_generation_error(app: Flask, fake_ollama: FakeOllama) -> None:
    api = ApiClient(app)
    fake_ollama.push_error(500, "model runner crashed")
    failed = api.post("/api/chat", {"message": "Hej", "session_id": "x"})
    error = _error(failed)
    assert failed.status_code == 502 and error["code"] == "GENERATION_ERROR"
    assert error["message"] and error["details"]["reason"]


def test_without_a_key_the_legacy_endpoints_refuse(app: Flask) -> None:
    client = app.test_client(use_cookies=False)
    for path, body in (
        ("/api/chat", {"message": "Hej", "session_id": "abc"}),
        ("/api/generate-pdf", {"html_content": LETTER, "session_id": "abc"}),
    ):
        refused = client.post(path, json=body)
        assert refused.status_code == 401 and _error(refused)["code"] == "UNAUTHORIZED"
    health = client.get("/api/health")
    assert health.status_code == 200
    assert health.get_json() == {"status": "healthy", "ollama_version": "0.12.3"}


def test_health_says_degraded_without_the_model_server(app: Flask) -> None:
    app.config["OLLAMA_HOST"] = "http://127.0.0.1:9"
    app.extensions.pop("mikroporada.ollama_http", None)
    body = app.test_client().get("/api/health").get_json()
    assert body == {"status": "degraded", "ollama_version": None}


def test_generate_pdf_gives_a_path_for_the_same_caller(app: Flask, jobs: None) -> None:
    api = ApiClient(app)
    made = api.post("/api/generate-pdf", {"html_content": LETTER, "session_id": "pdf-1"})
    assert made.status_code == 200, made.get_json()
    path = made.get_json()["pdf_path"]
    assert path.startswith("http://localhost/api/pdf/")
    pdf = api.get(path)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "Wniosek o umorzenie" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert ApiClient(app, "obcy").get(path).status_code == 404
    assert app.test_client(use_cookies=False).get(path).status_code == 401
    # The HTML was sanitized and kept as the session's letter.
    hostile = api.post(
        "/api/generate-pdf",
        {"html_content": '<p>x</p><img src="http://evil.example/x.png">', "session_id": "pdf-1"},
    )
    assert hostile.status_code == 200
    letter = api.get("/api/v1/conversations").get_json()["items"][0]["url"]
    current = api.get(letter).get_json()["document"]["current"]
    assert current["number"] == 2 and "evil.example" not in current["html"]


def test_operators_may_open_the_legacy_endpoints(app: Flask, fake_ollama: FakeOllama) -> None:
    app.config["LEGACY_API_AUTH"] = "none"
    client = app.test_client(use_cookies=False)
    fake_ollama.push_reply("Odpowiedź bez klucza.")
    answered = client.post("/api/chat", json={"message": "Hej", "session_id": "moja-sesja"})
    assert answered.status_code == 200
    assert answered.get_json()["response"] == "Odpowiedź bez klucza."
    # Open legacy endpoints open nothing else.
    assert client.get("/api/v1/conversations").status_code == 401
    # A wrong key is still wrong, not quietly anonymous.
    wrong = client.post(
        "/api/chat",
        json={"message": "Hej", "session_id": "moja-sesja"},
        headers={"Authorization": "Bearer mkp_000000000000_" + "a" * 43},
    )
    assert wrong.status_code == 401


def test_legacy_input_is_checked(app: Flask) -> None:
    api = ApiClient(app)
    long_id = api.post("/api/chat", {"message": "Hej", "session_id": "s" * 129})
    assert long_id.status_code == 422 and "session_id" in _error(long_id)["details"]["fields"]
    missing = api.post("/api/chat", {"session_id": "a"})
    assert missing.status_code == 422 and "message" in _error(missing)["details"]["fields"]
    form = api.client.post("/api/chat", data={"message": "Hej"}, headers=api.headers())
    assert form.status_code == 415


def test_refused_legacy_input_leaves_nothing_behind(app: Flask) -> None:
    api = ApiClient(app)
    for _ in range(3):
        empty = api.post("/api/chat", {"message": "   ", "session_id": "pusta"})
        assert empty.status_code == 422 and _error(empty)["details"]["reason"] == "message_empty"
    bad = api.post("/api/generate-pdf", {"html_content": "<div>" * 500, "session_id": "zła"})
    assert bad.status_code == 422 and _error(bad)["code"] == "INVALID_DOCUMENT"
    assert api.get("/api/v1/conversations").get_json()["items"] == []


def test_a_reply_cut_short_is_no_whole_answer(app: Flask, fake_ollama: FakeOllama) -> None:
    api = ApiClient(app)
    fake_ollama.push_reply("Początek odpowiedzi", done_reason="length")
    cut = api.post("/api/chat", {"message": "Hej", "session_id": "ucieta"})
    error = _error(cut)
    assert cut.status_code == 502 and error["code"] == "GENERATION_ERROR"
    assert error["details"] == {"reason": "length", "partial_response": "Początek odpowiedzi"}
