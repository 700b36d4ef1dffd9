"""The JSON API under /api/v1: keys, isolation, conversations, messages (polled and streamed),
documents and versions, renders, pagination, ETags, limits and the one error format."""

from __future__ import annotations

import io
import json
import threading
import time
from datetime import timedelta
from typing import Any

from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.models import ApiKey, Conversation, Message, MessageStatus, Role
from app.models.base import utcnow
from app.services import api_keys, renders
from tests.fake_ollama import FakeOllama
from tests.helpers import NAKAZ_FIELDS, ApiClient, Browser, wait_for

V1 = "/api/v1"


def _error(response: Any) -> dict[str, Any]:
    assert response.mimetype == "application/json", response.data[:200]
    return response.get_json()["error"]


def _letter(api: ApiClient, **document: Any) -> dict[str, Any]:
    return api.start(document={"type": "sprzeciw-nakaz", "fields": dict(NAKAZ_FIELDS), **document})


# -- keys ----------------------------------------------------------------------------------


def test_without_a_valid_key_nothing_is_reachable(app: Flask) -> None:
    client = app.test_client(use_cookies=False)
    response = client.get(f"{V1}/conversations")
    assert response.status_code == 401 and _error(response)["code"] == "UNAUTHORIZED"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    bad = client.get(f"{V1}/conversations", headers={"Authorization": "Bearer mkp_nope"})
    assert bad.status_code == 401
    basic = client.get(f"{V1}/conversations", headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert basic.status_code == 401 and "Bearer" in _error(basic)["message"]
    # The public reads need no key.
    assert client.get(f"{V1}/catalogue").status_code == 200
    assert client.get(f"{V1}/openapi.json").status_code == 200


def test_a_key_in_the_query_string_is_refused(app: Flask) -> None:
    api = ApiClient(app)
    for query in (f"api_key={api.key}", "token=x", f"q={api.key}"):
        response = api.client.get(f"{V1}/conversations?{query}")
        assert response.status_code == 400 and _error(response)["code"] == "KEY_IN_QUERY"
    # Even together with a valid header: the key has leaked into a URL.
    leaked = api.get(f"{V1}/conversations?access_token={api.key}")
    assert leaked.status_code == 400


def test_a_revoked_key_is_refused_at_once(app: Flask) -> None:
    api = ApiClient(app, "kasia")
    assert api.get(f"{V1}/conversations").status_code == 200
    with app.app_context():
        assert db.session.get(ApiKey, api.key_id).last_used_at is not None
        api_keys.revoke("kasia")
    assert api.get(f"{V1}/conversations").status_code == 401
    # The name is free again for a new key; the old key stays dead.
    again = ApiClient(app, "kasia")
    assert again.get(f"{V1}/conversations").status_code == 200
    assert api.get(f"{V1}/conversations").status_code == 401


def test_keys_are_managed_from_the_command_line(app: Flask) -> None:
    runner = app.test_cli_runner()
    made = runner.invoke(args=["api-keys", "create", "integracja"])
    assert made.exit_code == 0, made.output
    key = made.stdout.strip().splitlines()[0]
    assert key.startswith("mkp_")
    twice = runner.invoke(args=["api-keys", "create", "integracja"])
    assert twice.exit_code != 0 and "already" in twice.output
    listed = runner.invoke(args=["api-keys", "list"])
    assert "integracja" in listed.output and "live" in listed.output and key not in listed.output
    with app.app_context():
        stored = db.session.query(ApiKey).filter_by(name="integracja").one()
        assert key not in (stored.key_hash, stored.prefix) and len(stored.key_hash) == 64
    client = app.test_client(use_cookies=False)
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get(f"{V1}/conversations", headers=headers).status_code == 200
    assert runner.invoke(args=["api-keys", "revoke", "integracja"]).exit_code == 0
    assert client.get(f"{V1}/conversations", headers=headers).status_code == 401
    assert runner.invoke(args=["api-keys", "revoke", "integracja"]).exit_code != 0
    assert runner.invoke(args=["api-keys", "create", "zła nazwa"]).exit_code != 0


def test_two_keys_never_see_each_other(app: Flask) -> None:
    alice, bob = ApiClient(app, "alice"), ApiClient(app, "bob")
    mine = _letter(alice)
    cid = mine["id"]
    paths = [
        f"{V1}/conversations/{cid}",
        f"{V1}/conversations/{cid}/messages",
        f"{V1}/conversations/{cid}/document",
        f"{V1}/conversations/{cid}/document/versions",
        f"{V1}/conversations/{cid}/document/versions/1",
    ]
    for path in paths:
        assert alice.get(path).status_code == 200, path
        response = bob.get(path)
        assert response.status_code == 404 and _error(response)["code"] == "NOT_FOUND", path
    assert bob.post(f"{V1}/conversations/{cid}/messages", {"message": "Hej"}).status_code == 404
    assert bob.post(f"{V1}/conversations/{cid}/renders", {}).status_code == 404
    assert bob.delete(f"{V1}/conversations/{cid}").status_code == 404
    assert bob.get(f"{V1}/conversations").get_json()["items"] == []
    assert [c["id"] for c in alice.get(f"{V1}/conversations").get_json()["items"]] == [cid]


def test_cookies_never_authenticate_the_api(app: Flask, browser: Browser) -> None:
    url = browser.start(topic="nakaz-zaplaty")
    cid = url.rsplit("/", 1)[1]
    # The browser's own session cookie opens its pages, not the API.
    response = browser.client.get(f"{V1}/conversations/{cid}")
    assert response.status_code == 401
    assert ApiClient(app).get(f"{V1}/conversations/{cid}").status_code == 404
    # Without CSRF tokens: key-authenticated JSON needs none.
    api = ApiClient(app, "bez-csrf")
    assert api.post(f"{V1}/conversations", {"topic": "nakaz-zaplaty"}).status_code == 201


# -- conversations and messages ------------------------------------------------------------


def test_a_conversation_with_a_message_gets_its_reply(app: Flask, fake_ollama: FakeOllama) -> None:
    fake_ollama.push_reply("Masz dwa tygodnie na sprzeciw.")
    api = ApiClient(app)
    created = api.post(f"{V1}/conversations", {"message": "Dostałam nakaz zapłaty."})
    assert created.status_code == 201
    body = created.get_json()
    assert created.headers["Location"] == body["url"] == f"{V1}/conversations/{body['id']}"
    user, reply = body["messages"]
    assert user["content"] == "Dostałam nakaz zapłaty." and reply["role"] == "assistant"
    assert reply["status"] in ("pending", "streaming")
    done = api.wait_reply(reply["url"])
    assert done["status"] == "complete" and done["content"] == "Masz dwa tygodnie na sprzeciw."
    assert done["problem"] is None and done["finished_at"]


def test_send_poll_and_refusals(app: Flask, fake_ollama: FakeOllama) -> None:
    api = ApiClient(app)
    cid = api.start(topic="nakaz-zaplaty")["id"]
    gate = threading.Event()
    fake_ollama.push_reply("Odpowiedź, która czeka.", gate=gate, gate_after=1, chunk_size=4)
    sent = api.post(f"{V1}/conversations/{cid}/messages", {"message": "Pierwsze pytanie"})
    assert sent.status_code == 202 and sent.headers["Location"] == sent.get_json()["url"]
    busy = api.post(f"{V1}/conversations/{cid}/messages", {"message": "Drugie"})
    assert busy.status_code == 409 and _error(busy)["code"] == "BUSY"
    gate.set()
    assert api.wait_reply(sent.headers["Location"])["status"] == "complete"
    empty = api.post(f"{V1}/conversations/{cid}/messages", {"message": "   "})
    assert empty.status_code == 422 and _error(empty)["details"]["reason"] == "message_empty"
    long = api.post(f"{V1}/conversations/{cid}/messages", {"message": "x" * 4001})
    assert long.status_code == 422 and "message" in _error(long)["details"]["fields"]
    nothing = api.post(f"{V1}/conversations/{cid}/stop")
    assert nothing.status_code == 409 and _error(nothing)["code"] == "NOTHING_TO_STOP"
    retry = api.post(f"{V1}/conversations/{cid}/retry")
    assert retry.status_code == 409 and _error(retry)["code"] == "NOTHING_TO_RETRY"


def test_stop_keeps_what_was_written(app: Flask, fake_ollama: FakeOllama) -> None:
    api = ApiClient(app)
    cid = api.start(topic="nakaz-zaplaty")["id"]
    gate = threading.Event()
    fake_ollama.push_reply(
        "Początek odpowiedzi i dalszy ciąg.", gate=gate, gate_after=3, chunk_size=4
    )
    reply_url = api.post(f"{V1}/conversations/{cid}/messages", {"message": "Pytanie"}).headers[
        "Location"
    ]
    wait_for(lambda: api.get(reply_url).get_json()["status"] == "streaming", timeout=10)
    stopped = api.post(f"{V1}/conversations/{cid}/stop")
    gate.set()
    assert stopped.status_code == 200
    final = api.wait_reply(reply_url)
    assert final["status"] == "interrupted" and final["problem"]["code"] == "interrupted"
    assert final["content"].startswith("Początek")


def test_a_reply_streams_as_ndjson_in_order_and_whole(app: Flask, fake_ollama: FakeOllama) -> None:
    api = ApiClient(app)
    cid = api.start(topic="nakaz-zaplaty")["id"]
    text = "Sprzeciw składasz do sądu, który wydał nakaz. " * 6
    gate = threading.Event()
    fake_ollama.push_reply(text, chunk_size=7, gate=gate, gate_after=2)
    url = api.post(f"{V1}/conversations/{cid}/messages", {"message": "Jak?"}).headers["Location"]
    response = api.get(url, headers={"Accept": "application/x-ndjson"}, buffered=False)
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    lines = iter(response.response)
    first = json.loads(next(lines))
    assert first["event"] == "reply" and first["reply"]["status"] in ("pending", "streaming")
    gate.set()
    events = [json.loads(line) for line in lines]
    response.close()
    kinds = [event["event"] for event in events]
    assert kinds[-1] == "done" and set(kinds[:-1]) == {"chunk"}
    streamed = "".join(event["text"] for event in events[:-1])
    assert streamed == text == events[-1]["reply"]["content"]
    assert events[-1]["reply"]["status"] == "complete"
    # A finished reply streams as its state and its end, nothing in between.
    again = api.get(url, headers={"Accept": "application/x-ndjson"})
    assert [json.loads(line)["event"] for line in again.data.splitlines()] == ["reply", "done"]


def test_pages_and_etags(app: Flask, fake_ollama: FakeOllama) -> None:
    api = ApiClient(app)
    ids = [api.start(topic="nakaz-zaplaty")["id"] for _ in range(3)]
    first = api.get(f"{V1}/conversations?limit=2").get_json()
    assert [item["id"] for item in first["items"]] == ids[::-1][:2]
    rest = api.get(f"{V1}/conversations?limit=2&cursor={first['next_cursor']}").get_json()
    assert [item["id"] for item in rest["items"]] == [ids[0]] and rest["next_cursor"] is None
    bad = api.get(f"{V1}/conversations?cursor=abc")
    assert bad.status_code == 422 and _error(bad)["code"] == "INVALID_REQUEST"
    assert api.get(f"{V1}/conversations?limit=1000").status_code == 422

    url = f"{V1}/conversations/{ids[0]}"
    etag = api.get(url).headers["ETag"]
    assert api.get(url, headers={"If-None-Match": etag}).status_code == 304
    fake_ollama.push_reply("Odpowiedź.")
    reply = api.post(f"{url}/messages", {"message": "Pytanie"}).get_json()
    api.wait_reply(reply["url"])
    changed = api.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    messages = api.get(f"{url}/messages?limit=1").get_json()
    assert messages["items"][0]["role"] == "user" and messages["next_cursor"]
    second = api.get(f"{url}/messages?limit=1&cursor={messages['next_cursor']}").get_json()
    assert second["items"][0]["id"] == reply["id"] and second["next_cursor"] is None


def test_delete_removes_the_conversation(app: Flask) -> None:
    api = ApiClient(app)
    cid = _letter(api)["id"]
    assert api.delete(f"{V1}/conversations/{cid}").status_code == 204
    assert api.get(f"{V1}/conversations/{cid}").status_code == 404
    assert api.delete(f"{V1}/conversations/{cid}").status_code == 404


# -- documents -----------------------------------------------------------------------------


def test_a_letter_from_a_document_type_and_its_versions(app: Flask) -> None:
    api = ApiClient(app)
    body = _letter(api)
    cid, document = body["id"], body["document"]
    assert document["type"] == "sprzeciw-nakaz" and document["versions"] == 1
    assert "I Nc 123/26" in document["current"]["html"] and document["current"]["blanks"] == []
    assert body["deadline"]["last_day"] and body["deadline"]["basis"].startswith("art. 502")
    versions = f"{V1}/conversations/{cid}/document/versions"
    changed = {**NAKAZ_FIELDS, "kwota": "999.00"}
    made = api.post(versions, {"type": "sprzeciw-nakaz", "fields": changed, "base_version": 1})
    assert made.status_code == 201 and made.headers["Location"] == f"{versions}/2"
    assert made.get_json()["fields"]["kwota"] == "999.00"
    same = api.post(versions, {"fields": changed, "base_version": 2})
    assert same.status_code == 200 and same.get_json()["number"] == 2
    stale = api.post(versions, {"fields": NAKAZ_FIELDS, "base_version": 1})
    assert stale.status_code == 409 and _error(stale)["code"] == "STALE_VERSION"
    html = api.post(
        versions,
        {"html": "<h1>Pismo</h1><p>Treść<script>alert(1)</script></p>", "base_version": 2},
    )
    assert html.status_code == 201
    assert "<script" not in html.get_json()["html"] and html.get_json()["fields"] == {}
    listed = api.get(versions).get_json()
    assert [item["number"] for item in listed["items"]] == [1, 2, 3]
    redline = api.get(f"{V1}/conversations/{cid}/document/redline?from=1&to=2").get_json()
    assert redline["changed"] and (redline["from_version"], redline["to_version"]) == (1, 2)
    assert any(
        piece["kind"] == "ins" and "999" in piece["text"]
        for block in redline["blocks"]
        for piece in block
    )
    restored = api.post(f"{versions}/1/restore", {"base_version": 3})
    assert restored.status_code == 201 and restored.get_json()["number"] == 4
    assert restored.get_json()["fields"]["kwota"] == "1250.00"
    assert api.get(f"{versions}/99").status_code == 404


def test_bad_documents_are_refused_with_their_fields(app: Flask) -> None:
    api = ApiClient(app)
    bad = api.post(
        f"{V1}/conversations",
        {
            "document": {
                "type": "sprzeciw-nakaz",
                "fields": {**NAKAZ_FIELDS, "data_doreczenia": "wczoraj"},
            }
        },
    )
    error = _error(bad)
    assert bad.status_code == 422 and error["code"] == "INVALID_FIELDS"
    assert list(error["details"]["fields"]) == ["data_doreczenia"]
    assert error["details"]["fields"]["data_doreczenia"]["message"]
    missing = api.post(f"{V1}/conversations", {"document": {"type": "sprzeciw-nakaz"}})
    assert "sygnatura" in _error(missing)["details"]["fields"]
    blanks = api.start(document={"type": "sprzeciw-nakaz", "fields": {}, "allow_blanks": True})
    assert blanks["document"]["current"]["blanks"]
    big = api.post(
        f"{V1}/conversations",
        {"document": {"type": "sprzeciw-nakaz", "fields": {**NAKAZ_FIELDS, "kwota": "50000"}}},
    )
    assert big.status_code == 422 and _error(big)["code"] == "OUT_OF_SCOPE"
    unknown = api.post(f"{V1}/conversations", {"document": {"type": "nie-ma", "fields": {}}})
    assert unknown.status_code == 422 and "document.type" in _error(unknown)["details"]["fields"]
    stray = api.post(
        f"{V1}/conversations",
        {"document": {"type": "sprzeciw-nakaz", "fields": {**NAKAZ_FIELDS, "admin": "1"}}},
    )
    assert stray.status_code == 422 and _error(stray)["code"] == "INVALID_FIELDS"
    assert _error(stray)["details"]["fields"]["admin"]["code"] == "unknown"
    topic = api.post(f"{V1}/conversations", {"topic": "nie-ma"})
    assert topic.status_code == 422 and "topic" in _error(topic)["details"]["fields"]
    both = api.post(
        f"{V1}/conversations", {"message": "Hej", "document": {"type": "sprzeciw-nakaz"}}
    )
    assert both.status_code == 422
    # Only the one case with blanks was made; nothing refused left an empty case.
    assert len(api.get(f"{V1}/conversations").get_json()["items"]) == 1


# -- renders -------------------------------------------------------------------------------


def test_render_to_a_pdf(app: Flask, jobs: None) -> None:
    api = ApiClient(app)
    cid = _letter(api)["id"]
    started = api.post(f"{V1}/conversations/{cid}/renders")
    assert started.status_code == 202
    url = started.headers["Location"]
    assert url == started.get_json()["url"]
    done = wait_for(
        lambda: (r := api.get(url).get_json())["status"] in ("done", "failed") and r, timeout=60
    )
    assert done["status"] == "done" and done["pages"] >= 1
    pdf = api.get(done["pdf_url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment; filename=")
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "I Nc 123/26" in text
    # The same version again: the same render.
    again = api.post(f"{V1}/conversations/{cid}/renders", {"version": 1})
    assert again.get_json()["id"] == done["id"]
    assert ApiClient(app, "obcy").get(done["pdf_url"]).status_code == 404


def test_a_letter_with_blanks_is_rendered_only_knowingly(app: Flask, jobs: None) -> None:
    api = ApiClient(app)
    cid = api.start(document={"type": "sprzeciw-nakaz", "fields": {}, "allow_blanks": True})["id"]
    refused = api.post(f"{V1}/conversations/{cid}/renders", {})
    assert refused.status_code == 409 and _error(refused)["code"] == "BLANKS_LEFT"
    assert _error(refused)["details"]["blanks"]
    knowingly = api.post(f"{V1}/conversations/{cid}/renders", {"allow_blanks": True})
    assert knowingly.status_code == 202
    # Let it finish here, not in a later test that reuses its row id.
    finished = ("done", "failed")
    wait_for(lambda: api.get(knowingly.headers["Location"]).get_json()["status"] in finished)
    empty = api.start(topic="nakaz-zaplaty")["id"]
    missing = api.post(f"{V1}/conversations/{empty}/renders", {})
    assert missing.status_code == 409 and _error(missing)["code"] == "DOCUMENT_MISSING"


def test_a_pdf_not_yet_made_is_409(app: Flask) -> None:
    api = ApiClient(app)
    cid = _letter(api)["id"]
    with app.app_context():
        # A render recorded but never handed to a job: it stays queued.
        conversation = db.session.scalar(select(Conversation).filter_by(public_id=cid))
        render_id = renders.create(conversation.document.current)[0].public_id
    status = api.get(f"{V1}/conversations/{cid}/renders/{render_id}").get_json()
    assert status["status"] == "queued" and status["pdf_url"] is None
    pdf = api.get(f"{V1}/conversations/{cid}/renders/{render_id}/pdf")
    assert pdf.status_code == 409 and _error(pdf)["code"] == "RENDER_NOT_READY"


# -- the error format and limits -----------------------------------------------------------


def test_bodies_are_json_and_size_limited(app: Flask) -> None:
    api = ApiClient(app)
    text = api.client.post(
        f"{V1}/conversations", data="message=x", headers=api.headers({"Content-Type": "text/plain"})
    )
    assert text.status_code == 415 and _error(text)["code"] == "UNSUPPORTED_MEDIA_TYPE"
    broken = api.client.post(
        f"{V1}/conversations",
        data="{nie json",
        headers=api.headers({"Content-Type": "application/json"}),
    )
    assert broken.status_code == 400 and _error(broken)["code"] == "INVALID_JSON"
    huge = api.post(f"{V1}/conversations", {"message": "x" * (2 * 1024 * 1024)})
    assert huge.status_code == 413 and _error(huge)["code"] == "PAYLOAD_TOO_LARGE"
    extra = api.post(f"{V1}/conversations", {"topic": "nakaz-zaplaty", "admin": True})
    assert extra.status_code == 422 and "admin" in _error(extra)["details"]["fields"]
    wrong = api.client.put(f"{V1}/conversations", headers=api.headers())
    assert wrong.status_code == 405 and _error(wrong)["code"] == "METHOD_NOT_ALLOWED"


def test_rate_limits_per_key_with_headers(app: Flask) -> None:
    app.config["RATELIMIT_API"] = "3 per minute"
    api, other = ApiClient(app, "a"), ApiClient(app, "b")
    answers = [api.get(f"{V1}/conversations") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    first, last = answers[0], answers[-1]
    assert first.headers["RateLimit-Limit"] == "3" and first.headers["RateLimit-Remaining"] == "2"
    assert 0 <= int(first.headers["RateLimit-Reset"]) <= 60
    assert _error(last)["code"] == "RATE_LIMITED" and int(last.headers["Retry-After"]) > 0
    # Another key has a budget of its own, and routes with limits of their own count too.
    assert other.get(f"{V1}/conversations").status_code == 200
    assert other.post(f"{V1}/conversations", {"topic": "nakaz-zaplaty"}).status_code == 201
    assert other.post(f"{V1}/conversations", {"topic": "nakaz-zaplaty"}).status_code == 201
    assert other.post(f"{V1}/conversations", {"topic": "nakaz-zaplaty"}).status_code == 429


def test_a_first_message_spends_the_model_budget(app: Flask, fake_ollama: FakeOllama) -> None:
    app.config["RATELIMIT_MESSAGES"] = "1 per minute"
    api = ApiClient(app)
    fake_ollama.push_reply("Odpowiedź.")
    assert api.post(f"{V1}/conversations", {"message": "Pierwsze"}).status_code == 201
    again = api.post(f"{V1}/conversations", {"message": "Drugie"})
    assert again.status_code == 429 and _error(again)["code"] == "RATE_LIMITED"
    # Refused before anything was stored.
    assert len(api.get(f"{V1}/conversations").get_json()["items"]) == 1


def test_the_description_and_its_page(app: Flask) -> None:
    client = app.test_client(use_cookies=False)
    document = client.get(f"{V1}/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    assert f"{V1}/conversations/{{cid}}/messages" in document["paths"]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    page = client.get(f"{V1}/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "/api/v1/conversations/{cid}/renders" in page.get_data(as_text=True)


# -- long requests -------------------------------------------------------------------------


def _open_stream(api: ApiClient, url: str, **headers: str) -> Any:
    response = api.get(url, headers={"Accept": "application/x-ndjson", **headers}, buffered=False)
    assert response.status_code == 200, response.data[:200]
    lines = iter(response.response)
    assert json.loads(next(lines))["event"] == "reply"
    return response, lines


def test_streams_per_key_are_bounded(app: Flask, fake_ollama: FakeOllama) -> None:
    app.config["API_LONG_REQUESTS"] = 2
    api = ApiClient(app)
    cid = api.start(topic="nakaz-zaplaty")["id"]
    gate = threading.Event()
    fake_ollama.push_reply("Odpowiedź na później.", gate=gate, gate_after=1)
    url = api.post(f"{V1}/conversations/{cid}/messages", {"message": "Hej"}).headers["Location"]
    try:
        first, _ = _open_stream(api, url)
        second, _ = _open_stream(api, url)
        third = api.get(url, headers={"Accept": "application/x-ndjson"})
        assert third.status_code == 429 and _error(third)["details"]["reason"] == "long_requests"
        # Polling is no long request.
        assert api.get(url).status_code == 200
        # A closed stream gives its slot back (closed last first: one thread holds both).
        second.close()
        fourth, _ = _open_stream(api, url)
        fourth.close()
        first.close()
    finally:
        gate.set()
    api.wait_reply(url)


def test_a_revoked_key_ends_its_open_stream(
    app: Flask, fake_ollama: FakeOllama, monkeypatch: Any
) -> None:
    monkeypatch.setattr("app.api.streaming.CHECK_EVERY_S", 0.2)
    api = ApiClient(app, "do-odwolania")
    cid = api.start(topic="nakaz-zaplaty")["id"]
    gate = threading.Event()
    fake_ollama.push_reply("Tajne dane sprawy.", gate=gate, gate_after=0)
    url = api.post(f"{V1}/conversations/{cid}/messages", {"message": "Hej"}).headers["Location"]
    try:
        response, lines = _open_stream(api, url)
        with app.app_context():
            api_keys.revoke("do-odwolania")
        gate.set()
        time.sleep(0.5)  # the reply is written meanwhile; the next look at the key ends it
        rest = [json.loads(line) for line in lines]
        response.close()
    finally:
        gate.set()
    assert rest[-1]["event"] == "error" and rest[-1]["error"]["code"] == "UNAUTHORIZED"
    assert not any(event["event"] in ("chunk", "done") for event in rest)


def test_the_stream_of_a_lost_turn_ends_as_lost(app: Flask, monkeypatch: Any) -> None:
    monkeypatch.setattr("app.api.streaming.CHECK_EVERY_S", 0.2)
    api = ApiClient(app)
    cid = api.start(topic="nakaz-zaplaty")["id"]
    with app.app_context():
        conversation = db.session.scalar(select(Conversation).filter_by(public_id=cid))
        # A turn whose job vanished an hour ago (a worker killed, Redis emptied).
        lost = Message(
            conversation=conversation,
            role=Role.ASSISTANT,
            status=MessageStatus.PENDING,
            in_flight=True,
            content="",
            created_at=utcnow() - timedelta(hours=1),
        )
        db.session.add(lost)
        db.session.commit()
        url = f"{V1}/conversations/{cid}/messages/{lost.id}"
    events = api.get(url, headers={"Accept": "application/x-ndjson"}).data.splitlines()
    done = json.loads(events[-1])
    assert done["event"] == "done" and done["reply"]["status"] == "error"
    assert done["reply"]["problem"]["code"] == "lost"


def test_weak_etags_and_accept_preferences(app: Flask) -> None:
    api = ApiClient(app)
    cid = _letter(api)["id"]
    url = f"{V1}/conversations/{cid}"
    first = api.get(url)
    assert "Authorization" in first.headers["Vary"]
    weak = api.get(url, headers={"If-None-Match": f"W/{first.headers['ETag']}"})
    assert weak.status_code == 304


def test_ndjson_when_named_at_least_as_gladly_as_json(app: Flask, fake_ollama: FakeOllama) -> None:
    fake_ollama.push_reply("Krótko.")
    api = ApiClient(app)
    reply = api.start(message="Hej")["messages"][-1]
    api.wait_reply(reply["url"])
    kinds = {
        "*/*": "application/json",
        "application/json": "application/json",
        "application/x-ndjson, application/json": "application/x-ndjson",
        "application/json, application/x-ndjson;q=0.5": "application/json",
        "application/x-ndjson": "application/x-ndjson",
    }
    for accept, mimetype in kinds.items():
        assert api.get(reply["url"], headers={"Accept": accept}).mimetype == mimetype, accept
