"""Observability: Prometheus metrics, JSON logs with request ids, optional Sentry.

``init_app`` is called first in create_app, so the request id is bound and the clock started
before any other hook can answer (a rate limit, a CSRF failure) and every answer is counted.
See docs/observability.md.
"""

from __future__ import annotations

from flask import Flask

from app.observability import logs, metrics, sentry, timing


def init_app(app: Flask) -> None:
    """Configure logging and error tracking, time every request, serve /metrics."""
    logs.configure(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    sentry.init(app.config)
    timing.init_app(app)
    metrics.init_app(app)
