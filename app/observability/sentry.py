"""Optional error tracking: Sentry when SENTRY_DSN is set, scrubbed of personal data.

The SDK is told to collect nothing personal (``data_collection``, which in sentry-sdk 2.75
supersedes the deprecated ``send_default_pii``, left at its default False): no user or IP,
cookies, bodies, query parameters, frame variables or queue job arguments, and only a few
headers. ``before_send`` then removes, whatever the SDK did, all that could quote a person:
request bodies, query strings, URLs (their paths hold case ids), headers other than a few
harmless ones, local variables, exception messages, log arguments, breadcrumb messages and
data, and extras.
What is left is the error's type, where it happened in the code, the endpoint or job
function, the request id tag and the runtime.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import sentry_sdk
from sentry_sdk.integrations.flask import FlaskIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.integrations.rq import RqIntegration

SCRUBBED = "[scrubbed]"
HEADERS = frozenset({"accept", "content-length", "content-type", "hx-request", "x-request-id"})
CONTEXTS = frozenset({"trace", "runtime", "os", "device", "app", "flask"})
EXTRA_RQ = ("job_id", "func")


def init(config: Mapping[str, Any]) -> bool:
    """Start Sentry with the Flask, RQ and logging integrations if SENTRY_DSN is set."""
    dsn = config.get("SENTRY_DSN")
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=config.get("SENTRY_ENVIRONMENT") or config.get("APP_ENV"),
        release=config.get("SENTRY_RELEASE") or None,
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": sorted(HEADERS)}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "stack_frame_variables": False,
            "database_query_data": False,
            "queues": False,
            "gen_ai": {"inputs": False, "outputs": False},
        },
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=float(config.get("SENTRY_TRACES_SAMPLE_RATE") or 0.0),
        integrations=[
            FlaskIntegration(transaction_style="endpoint"),
            RqIntegration(),
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
        before_send=before_send,
        before_send_transaction=before_send,
        before_breadcrumb=before_breadcrumb,
    )
    return True


def _scrub_frames(holder: Mapping[str, Any] | None) -> None:
    """Drop local variables from a stacktrace's frames."""
    stacktrace = (holder or {}).get("stacktrace") or {}
    for frame in stacktrace.get("frames") or []:
        frame.pop("vars", None)


def _scrub_request(request: dict[str, Any]) -> dict[str, Any]:
    """Keep the method and harmless headers; drop URL, query, body, cookies, environment."""
    headers = request.get("headers") or {}
    return {
        "method": request.get("method"),
        "headers": {name: value for name, value in headers.items() if str(name).lower() in HEADERS},
    }


def before_breadcrumb(crumb: dict[str, Any], hint: Any = None) -> dict[str, Any]:
    """A breadcrumb keeps its category, type, level and time, never its message or data."""
    kept = {key: crumb[key] for key in ("type", "category", "level", "timestamp") if key in crumb}
    if crumb.get("category") and crumb.get("message") is not None:
        kept["message"] = SCRUBBED
    return kept


def before_send(event: dict[str, Any], hint: Any = None) -> dict[str, Any]:
    """Remove everything from an event that could hold personal data; keep where and what."""
    if "request" in event:
        event["request"] = _scrub_request(event["request"])
    event.pop("user", None)
    extra = event.pop("extra", None) or {}
    rq_job = extra.get("rq-job") if isinstance(extra, dict) else None
    if isinstance(rq_job, dict):
        event["extra"] = {"rq-job": {key: rq_job[key] for key in EXTRA_RQ if key in rq_job}}
    if "contexts" in event:
        event["contexts"] = {
            name: value for name, value in event["contexts"].items() if name in CONTEXTS
        }
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        # The template is ours; the arguments and the formatted text may not be.
        event["logentry"] = {"message": logentry.get("message")}
    if isinstance(event.get("message"), str) and logentry is None:
        event["message"] = SCRUBBED
    for exception in (event.get("exception") or {}).get("values") or []:
        if exception.get("value"):
            exception["value"] = SCRUBBED
        _scrub_frames(exception)
    for thread in (event.get("threads") or {}).get("values") or []:
        _scrub_frames(thread)
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        breadcrumbs["values"] = [before_breadcrumb(b) for b in breadcrumbs.get("values") or []]
    for span in event.get("spans") or []:
        span.pop("data", None)
        if span.get("description"):
            span["description"] = SCRUBBED
    return event
