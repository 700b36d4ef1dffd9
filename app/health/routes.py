"""/healthz: the process answers. /readyz: it can serve a person (its dependencies answer).

Both are JSON, quick, public and free of secrets, and not rate-limited (probes call them
often). /readyz is 200 when every check passes and 503 otherwise, naming the ones that fail.
"""

from __future__ import annotations

from flask import Response, current_app, jsonify, request

from app import clients
from app.extensions import limiter
from app.health import bp
from app.services import health


@bp.get("/healthz")
@limiter.exempt
def healthz() -> Response:
    """Alive: the process answers (no dependency is asked)."""
    return _no_store(jsonify({"status": "ok"}))


@bp.get("/readyz")
@limiter.exempt
def readyz() -> tuple[Response, int]:
    """Ready: database (and its keys), Redis and workers (when configured), the model and
    disk space. ``?scope=serving`` (an orchestrator's readiness probe) leaves out what every
    web process shares and a page can do without: the model and the workers."""
    config = current_app.config
    serving = request.args.get("scope") == "serving"
    checks = [health.database(), health.encryption()]
    if not serving:
        checks.append(health.model(clients.ollama_http(), config["OLLAMA_MODEL"]))
    checks.append(health.disk(config["STORAGE_DIR"], int(config["READY_MIN_FREE_MB"])))
    if config["REDIS_URL"]:
        redis = clients.redis_client()
        checks.append(health.redis(redis))
        if checks[-1].ok and not serving:
            queues = {"pdf": config["RQ_QUEUE"], "model": config["RQ_LLM_QUEUE"]}
            checks += health.workers(redis, queues)
    ready = all(check.ok for check in checks)
    body = {
        "status": "ready" if ready else "not_ready",
        "checks": {check.name: check.to_json() for check in checks},
    }
    return _no_store(jsonify(body)), 200 if ready else 503


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
