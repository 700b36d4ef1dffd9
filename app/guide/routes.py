"""Guided path routes: thin adapters over app.actions (work without JavaScript or a model)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app import actions, limits, messages, wording
from app.extensions import limiter
from app.guide import bp
from app.guide.forms import form_context
from app.legal import all_topics, get_topic, shown_situations
from app.legal.documents import document_type
from app.legal.scope import refusal, topic_refusals
from app.security import ensure_owner


@bp.get("")
def topics() -> str:
    """Step 1: what kind of trouble."""
    return render_template("guide/topics.html", topics=all_topics())


@bp.get("/<topic_key>")
def situations(topic_key: str) -> str:
    """Step 2: "Co dokładnie się stało?" — the topic's situations and what we do not draft."""
    topic = get_topic(topic_key)
    if topic is None:
        abort(404)
    return render_template(
        "guide/situations.html",
        topic=topic,
        situations=shown_situations(topic),
        refusals=topic_refusals(topic.key),
        other=refusal("inne"),
    )


def _form_page(key: str, *, status: int = 200, **typed: object) -> tuple[str, int]:
    document = document_type(key)
    if document is None:
        abort(404)
    return render_template("guide/form.html", **form_context(document, **typed)), status


@bp.get("/pismo/<key>")
def form(key: str) -> tuple[str, int]:
    """Step 3: the short form of the document's fields, with hints."""
    return _form_page(key)


@bp.post("/pismo/<key>")
@limiter.limit(limits.start_limit)
def create(key: str) -> Response | tuple[str, int]:
    """Step 4: the letter, built from the form by its template, as a new case."""
    raw = request.form.to_dict()
    blanks_ok = request.form.get("blanks_ok") == "1"
    try:
        conversation = actions.start_from_fields(ensure_owner(), key, raw, blanks_ok=blanks_ok)
    except actions.FieldsRejected as exc:
        return _form_page(key, status=422, typed=raw, errors=exc.errors)
    except actions.OutOfScope as exc:
        error = messages.FIELDS_OUT_OF_SCOPE
        return _form_page(key, status=422, typed=raw, form_error=error, refused=exc.refusal)
    except actions.ActionError as exc:
        return _form_page(key, status=422, typed=raw, form_error=wording.action_error(exc.code))
    # The top of the case: its deadline first, then the letter one tap away.
    return redirect(url_for("conversations.show", public_id=conversation.public_id))


@bp.get("/poza-zakresem/<key>")
def out_of_scope(key: str) -> str:
    """A case we do not draft: why, and where to get help."""
    found = refusal(key)
    if found is None:
        abort(404)
    return render_template("guide/out_of_scope.html", refusal=found)
