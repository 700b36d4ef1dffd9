"""The model job: takes a message id, runs the generation service inside the app context."""

from __future__ import annotations

from flask import current_app

from app import clients
from app.extensions import db
from app.observability import logs
from app.services import generation, llm
from app.services.dates import today_in_poland


@logs.logged_job
def generate(message_id: int) -> None:
    """Stream the model's reply for one pending turn; the message row records the outcome."""
    context = generation.RunContext(
        client=clients.ollama_client(),
        settings=llm.LLMSettings.from_config(current_app.config),
        bus=clients.bus(),
        today=today_in_poland(),
    )
    try:
        generation.run(message_id, context)
    finally:
        # A model worker's thread keeps its app context for its whole life: end the session
        # so its pooled connection goes back between jobs.
        db.session.remove()
