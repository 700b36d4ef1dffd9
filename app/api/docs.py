"""The API's description for people: a page drawn from the same OpenAPI document that
/api/v1/openapi.json serves (no script, no CDN)."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template

from app.api import bp, spec
from app.api.guard import public
from app.api.replies import json_with_etag

METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(ref: str | None) -> str | None:
    return ref.rsplit("/", 1)[-1] if ref else None


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of the description, in path order, with what a reader needs."""
    found = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "tags": operation.get("tags", []),
                    "deprecated": operation.get("deprecated", False),
                    "public": operation.get("security") == [],
                    "parameters": operation.get("parameters", []),
                    "body": _schema_name(body["schema"].get("$ref")) if body else None,
                    "responses": sorted(operation.get("responses", {})),
                }
            )
    return found


@bp.get("/openapi.json")
@public
def openapi() -> Response:
    """The OpenAPI 3.1 description, generated from the schemas that validate requests."""
    return json_with_etag(spec.spec, "public, max-age=300")


@bp.get("/docs")
@public
def docs() -> str:
    """The human-readable API description."""
    document = spec.spec
    return render_template(
        "api/docs.html",
        info=document["info"],
        operations=operations(document),
        schemas=document.get("components", {}).get("schemas", {}),
    )
