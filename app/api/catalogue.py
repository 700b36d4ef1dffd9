"""Catalogue endpoints: every document type with its fields as JSON Schema and its deadline
rule, and the last day of a deadline from a date (thin adapters over app.legal and the
deadline services)."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request
from spectree import Response as Documented

from app import messages
from app.api import bp, spec
from app.api.errors import ApiError
from app.api.guard import public
from app.api.replies import json_with_etag
from app.api.schemas import CatalogueOut, DeadlineAnswer, DeadlineQuery, DocumentTypeOut, ErrorBody
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


TAGS = ["catalogue"]
NOT_FOUND = {"HTTP_404": ErrorBody, "HTTP_429": ErrorBody}


@bp.get("/catalogue")
@public
@spec.validate(resp=Documented(HTTP_200=CatalogueOut, HTTP_429=ErrorBody), tags=TAGS, security={})
def catalogue() -> Response:
    """Every document type with its key, name, fields as JSON Schema and deadline rule."""
    return json_with_etag(
        {"items": [document_json(document) for document in DOCUMENT_TYPES]}, "public, max-age=300"
    )


@bp.get("/catalogue/<key>")
@public
@spec.validate(resp=Documented(HTTP_200=DocumentTypeOut, **NOT_FOUND), tags=TAGS, security={})
def catalogue_item(key: str) -> Response:
    """One document type."""
    document = document_type(key)
    if document is None:
        raise ApiError(404)
    return json_with_etag(document_json(document), "public, max-age=300")


@bp.get("/catalogue/<key>/deadline")
@public
@spec.validate(
    query=DeadlineQuery,
    resp=Documented(HTTP_200=DeadlineAnswer, HTTP_400=ErrorBody, **NOT_FOUND),
    tags=TAGS,
    security={},
)
def deadline(key: str) -> Response:
    """The last day to act: ?from=YYYY-MM-DD (the event's date), and for a court-set
    deadline ?length=… ("14 dni"); ?event=<field> picks one of several rules."""
    document = document_type(key)
    if document is None:
        raise ApiError(404)
    if not document.deadlines:
        raise ApiError(422, "NO_DEADLINE", messages.API_NO_DEADLINE)
    query: DeadlineQuery = request.context.query  # type: ignore[attr-defined]
    wanted = query.event
    found_spec = next((s for s in document.deadlines if s.event_field == wanted), None)
    if wanted and found_spec is None:
        raise ApiError(
            400,
            details={
                "fields": {"event": {"code": "unknown", "message": messages.API_UNKNOWN_EVENT}}
            },
        )
    found_spec = found_spec or document.deadlines[0]
    rule = found_spec.rule
    if rule is None:
        try:
            amount, unit = parse_duration(query.length or "")
        except FieldError as exc:
            raise ApiError(
                400,
                details={
                    "fields": {"length": {"code": exc.code, "message": messages.API_LENGTH_NEEDED}}
                },
            ) from exc
        rule = DeadlineRule(amount, unit, found_spec.procedure)
    found = last_day(rule, query.from_date)
    return Response(
        json.dumps(
            {
                "last_day": found.last_day.isoformat(),
                "nominal_day": found.nominal_day.isoformat(),
                "moved": found.moved,
                "rule": {
                    **_rule(found_spec),
                    "amount": rule.amount,
                    "unit": rule.unit.value,
                    "text": rule_text(rule),
                },
                "basis": found_spec.basis,
            },
            ensure_ascii=False,
        ),
        mimetype="application/json",
    )
