"""before_send leaves an error's type and place, and nothing a person wrote."""

from __future__ import annotations

import copy
import json

from app.observability import sentry

CANARY = "Zażółć gęślą jaźń Kowalski"


def _event() -> dict:
    """Shaped like what sentry-sdk 2 builds for a Flask request logged with exc_info."""
    return {
        "level": "error",
        "logger": "app",
        "transaction": "conversations.send",
        "logentry": {"message": "unhandled error %s", "params": [CANARY], "formatted": CANARY},
        "request": {
            "url": f"https://mikroporada.pl/conversations/case7Zq9/messages?name={CANARY}",
            "method": "POST",
            "query_string": f"name={CANARY}",
            "data": {"message": CANARY, "csrf_token": "t"},
            "cookies": {"session": "secret-cookie"},
            "env": {"REMOTE_ADDR": "203.0.113.7", "SERVER_NAME": "web"},
            "headers": {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": "session=secret-cookie",
                "Authorization": "Bearer secret-key",
                "User-Agent": "Mozilla/5.0",
                "Referer": f"https://mikroporada.pl/?q={CANARY}",
                "X-Request-Id": "0123456789abcdef",
                "X-Forwarded-For": "203.0.113.7",
            },
        },
        "user": {"ip_address": "203.0.113.7"},
        "extra": {
            "text": CANARY,
            "rq-job": {"job_id": "j1", "func": "app.tasks.generate.generate", "args": [CANARY]},
        },
        "contexts": {"runtime": {"name": "CPython"}, "letter": {"body": CANARY}},
        "tags": {"request_id": "0123456789abcdef"},
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": f"bad field {CANARY}",
                    "stacktrace": {
                        "frames": [
                            {
                                "filename": "app/services/letters.py",
                                "function": "fill",
                                "lineno": 10,
                                "vars": {"text": CANARY},
                            }
                        ]
                    },
                }
            ]
        },
        "threads": {"values": [{"stacktrace": {"frames": [{"vars": {"name": CANARY}}]}}]},
        "breadcrumbs": {
            "values": [
                {
                    "category": "app",
                    "message": f"sent {CANARY}",
                    "level": "info",
                    "data": {"x": CANARY},
                },
                {"type": "http", "category": "httplib", "data": {"url": f"http://o/?q={CANARY}"}},
            ]
        },
    }


def test_nothing_personal_survives() -> None:
    event = sentry.before_send(copy.deepcopy(_event()))
    text = json.dumps(event, ensure_ascii=False)
    for secret in ("Kowalski", "secret-cookie", "secret-key", "203.0.113.7", "Mozilla", "case7Zq9"):
        assert secret not in text, secret


def test_what_helps_debugging_is_kept() -> None:
    event = sentry.before_send(copy.deepcopy(_event()))
    assert event["exception"]["values"][0]["type"] == "ValueError"
    frame = event["exception"]["values"][0]["stacktrace"]["frames"][0]
    assert frame["function"] == "fill" and frame["lineno"] == 10 and "vars" not in frame
    assert event["request"] == {
        "method": "POST",
        "headers": {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Request-Id": "0123456789abcdef",
        },
    }
    assert event["logentry"] == {"message": "unhandled error %s"}
    assert event["extra"] == {"rq-job": {"job_id": "j1", "func": "app.tasks.generate.generate"}}
    assert event["tags"] == {"request_id": "0123456789abcdef"}
    assert event["transaction"] == "conversations.send"
    assert event["contexts"] == {"runtime": {"name": "CPython"}}


def test_breadcrumbs_keep_only_their_kind() -> None:
    crumb = sentry.before_breadcrumb({"category": "app", "message": CANARY, "data": {"a": 1}})
    assert crumb == {"category": "app", "message": "[scrubbed]"}
