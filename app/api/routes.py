"""Catalogue endpoints: every document type with its fields as JSON Schema and its deadline
rule, and the last day of a deadline from a date (thin adapters over app.legal and the
deadline services)."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from flask import Response, request

from app import messages
from app.api import bp
from app.api.errors import error_response
from app.legal.documents import DOCUMENT_TYPES, DeadlineSpec, DocumentType, document_type
from app.legal.fields import Field, Kind
from app.services.case_deadlines import rule_text
from app.services.deadlines import DeadlineRule, last_day
from app.services.fields import FieldError, parse_duration

FORMATS = {Kind.DATE: "date", Kind.EMAIL: "email", Kind.URL: "uri"}


def field_schema(field: Field) -> dict[str, Any]:
    """One field as JSON Schema (values are strings, as the forms send them)."""
    schema: dict[str, Any] = {
        "type": "string",
        "title": field.label,
        "maxLength": field.max_length,
    }
    if field.hint:
        schema["description"] = field.hint
    if field.kind in FORMATS:
        schema["format"] = FORMATS[field.kind]
    if field.kind == Kind.CHOICE:
        schema["enum"] = [value for value, _ in field.choices]
    schema["x-kind"] = field.kind.value
    return schema


def _rule(spec: DeadlineSpec) -> dict[str, Any]:
    rule = spec.rule
    return {
        "amount": rule.amount if rule else None,
        "unit": rule.unit.value if rule else None,
        "length_field": spec.length_field,
        "procedure": (rule.procedure if rule else spec.procedure).value,
        "from_field": spec.event_field,
        "from_event": spec.event,
        "whose": spec.whose.value,
        "basis": spec.basis,
        "moving_rule_verified": spec.moving_verified,
    }


def document_json(document: DocumentType) -> dict[str, Any]:
    """A document type as the API shows it."""
    return {
        "key": document.key,
        "name": document.name,
        "basis": document.basis,
        "fields": {
            "type": "object",
            "properties": {field.key: field_schema(field) for field in document.fields},
            "required": [field.key for field in document.fields if field.required],
            "additionalProperties": False,
        },
        "deadline": [_rule(spec) for spec in document.deadlines] or None,
        "no_deadline": document.no_deadline or None,
    }


def _with_etag(payload: Any) -> Response:
    # Insertion order is stable (and keeps the fields in form order), so it makes a fine ETag.
    body = json.dumps(payload, ensure_ascii=False)
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/catalogue")
def catalogue() -> Response:
    """Every document type with its key, name, fields as JSON Schema and deadline rule."""
    return _with_etag({"items": [document_json(document) for document in DOCUMENT_TYPES]})


@bp.get("/catalogue/<key>")
def catalogue_item(key: str) -> Response | tuple[Response, int]:
    """One document type."""
    document = document_type(key)
    if document is None:
        return error_response(404)
    return _with_etag(document_json(document))


@bp.get("/catalogue/<key>/deadline")
def deadline(key: str) -> Response | tuple[Response, int]:
    """The last day to act: ?from=YYYY-MM-DD (the event's date), and for a court-set
    deadline ?length=… ("14 dni"); ?event=<field> picks one of several rules."""
    document = document_type(key)
    if document is None:
        return error_response(404)
    if not document.deadlines:
        return error_response(422, "NO_DEADLINE", messages.API_NO_DEADLINE)
    wanted = request.args.get("event")
    spec = next((s for s in document.deadlines if s.event_field == wanted), None)
    if wanted and spec is None:
        return error_response(400, details={"event": "unknown"})
    spec = spec or document.deadlines[0]
    try:
        start = date.fromisoformat(request.args.get("from", ""))
    except ValueError:
        return error_response(400, details={"from": "expected YYYY-MM-DD"})
    rule = spec.rule
    if rule is None:
        try:
            amount, unit = parse_duration(request.args.get("length", ""))
        except FieldError:
            return error_response(400, details={"length": "expected e.g. 14 dni"})
        rule = DeadlineRule(amount, unit, spec.procedure)
    found = last_day(rule, start)
    return Response(
        json.dumps(
            {
                "last_day": found.last_day.isoformat(),
                "nominal_day": found.nominal_day.isoformat(),
                "moved": found.moved,
                "rule": {
                    **_rule(spec),
                    "amount": rule.amount,
                    "unit": rule.unit.value,
                    "text": rule_text(rule),
                },
                "basis": spec.basis,
            },
            ensure_ascii=False,
        ),
        mimetype="application/json",
    )
