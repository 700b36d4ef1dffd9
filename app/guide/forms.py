"""The context of a document's fields form, shared by the guided path and the case page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app import wording
from app.legal.documents import DocumentType
from app.legal.fields import Field, Kind
from app.legal.scope import Refusal


def input_type(field: Field) -> str:
    """The HTML input type for a one-line field (phones show the fitting keyboard)."""
    return {
        Kind.DATE: "date",
        Kind.EMAIL: "email",
        Kind.URL: "url",
        Kind.DAYS: "number",
    }.get(field.kind, "text")


def form_context(
    document: DocumentType,
    *,
    values: Mapping[str, str] | None = None,
    typed: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    form_error: str | None = None,
    refused: Refusal | None = None,
) -> dict[str, Any]:
    """What ``documents/_fields_form.html`` needs: the fields, their values and errors.

    ``typed`` (what the person sent, on a refused form) wins over ``values`` (what is
    stored), so nothing typed is lost.
    """
    shown = dict(values or {})
    # A letter that already has blanks keeps accepting them, so they can be filled one by one.
    blanks_ok = values is not None and any(
        field.required and not shown.get(field.key) for field in document.fields
    )
    if typed is not None:
        shown = {field.key: typed.get(field.key, "") for field in document.fields}
        blanks_ok = typed.get("blanks_ok") == "1"
    messages = {key: wording.field_error(code) for key, code in (errors or {}).items()}
    return {
        "form_document": document,
        "field_values": shown,
        "field_errors": messages,
        "form_error": form_error or (wording.action_error("fields_invalid") if errors else None),
        "input_type": input_type,
        "blanks_ok": blanks_ok,
        "form_refusal": refused,
    }
