"""Conversations and the chat turn: store the person's message, ask the model, store the reply."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from app import messages
from app.extensions import db
from app.legal import get_topic
from app.models import Conversation, Message, MessageStatus, Role
from app.models.conversation import DEFAULT_TITLE
from app.services import llm, prompts

CHAT_MESSAGES = {
    "unavailable": messages.LLM_UNAVAILABLE,
    "timeout": messages.LLM_TIMEOUT,
    "model_missing": messages.LLM_MODEL_MISSING,
    "failed": messages.LLM_FAILED,
}
MAX_MESSAGE_CHARS = 4000
HISTORY_MESSAGES = 20


class InputError(ValueError):
    """Input the person can fix; ``str(error)`` is the Polish message."""


def owner_hash(token: str) -> str:
    """Hash a browser session's owner token; only the hash is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def start(owner: str, topic_key: str | None = None) -> Conversation:
    """Create an empty conversation owned by the given owner hash."""
    topic = get_topic(topic_key)
    conversation = Conversation(owner_hash=owner, topic=topic.key if topic else None)
    if topic:
        conversation.title = topic.title
    db.session.add(conversation)
    db.session.commit()
    return conversation


def set_topic(conversation: Conversation, topic_key: str | None) -> bool:
    """Set the conversation's topic from the catalogue; False for an unknown key."""
    topic = get_topic(topic_key)
    if topic is None:
        return False
    conversation.topic = topic.key
    db.session.commit()
    return True


def get_owned(public_id: str, owner: str | None) -> Conversation | None:
    """The conversation with this public id if this owner owns it, else None."""
    if not owner or not public_id or len(public_id) > 32:
        return None
    return db.session.scalar(
        select(Conversation).where(
            Conversation.public_id == public_id, Conversation.owner_hash == owner
        )
    )


def clean_message(text: str | None) -> str:
    """Validate a chat message and return it trimmed, or raise InputError."""
    # Browsers count a line break as one character for maxlength but send CRLF.
    text = (text or "").replace("\x00", "").replace("\r\n", "\n").strip()
    if not text:
        raise InputError(messages.MESSAGE_EMPTY)
    if len(text) > MAX_MESSAGE_CHARS:
        raise InputError(messages.MESSAGE_TOO_LONG.format(limit=MAX_MESSAGE_CHARS))
    return text


def short_title(text: str, limit: int = 60) -> str:
    """The first line of a message, cut at a word boundary with an ellipsis if too long."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0] or line[: limit - 1]
    return cut.rstrip(",.;:-–—") + "…"


def add_user_message(conversation: Conversation, text: str) -> Message:
    """Store the person's message (already validated) and commit it before anything else."""
    if conversation.title in (DEFAULT_TITLE, "") and not conversation.topic:
        conversation.title = short_title(text)
    message = Message(conversation=conversation, role=Role.USER, content=text)
    db.session.add(message)
    db.session.commit()
    return message


def awaiting_reply(conversation: Conversation) -> bool:
    """True when the newest non-error message is the person's: it still needs an answer."""
    for message in reversed(conversation.messages):
        if message.status != MessageStatus.ERROR:
            return message.role == Role.USER
    return False


def model_history(conversation: Conversation) -> list[dict[str, str]]:
    """The system prompt plus the recent successful turns, as Ollama chat messages."""
    topic = get_topic(conversation.topic)
    turns = [
        {"role": message.role.value, "content": message.content}
        for message in conversation.messages
        if message.status != MessageStatus.ERROR and message.content
    ][-HISTORY_MESSAGES:]
    return [{"role": "system", "content": prompts.system_prompt(topic)}, *turns]


def answer(conversation: Conversation, settings: llm.LLMSettings) -> Message:
    """Ask the model to answer the conversation and store the reply or the failure."""
    history = model_history(conversation)
    db.session.commit()  # no transaction stays open during the model call
    try:
        result = llm.chat(settings, history)
    except llm.LLMError as exc:
        reply = Message(
            conversation=conversation,
            role=Role.ASSISTANT,
            status=MessageStatus.ERROR,
            error_code=exc.code,
            model=settings.model,
        )
    else:
        cut_short = result.done_reason == "length"
        reply = Message(
            conversation=conversation,
            role=Role.ASSISTANT,
            content=result.content,
            status=MessageStatus.PARTIAL if cut_short else MessageStatus.COMPLETE,
            model=result.model,
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
            load_ms=result.load_ms,
            eval_ms=result.eval_ms,
            total_ms=result.total_ms,
            wall_ms=result.wall_ms,
        )
    db.session.add(reply)
    db.session.commit()
    return reply


def error_text(message: Message) -> str:
    """The Polish explanation for a failed model reply."""
    return CHAT_MESSAGES.get(message.error_code or "", messages.LLM_FAILED)
