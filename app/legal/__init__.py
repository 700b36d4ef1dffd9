"""Look-ups over the vetted legal catalogue; only verified items leave this package."""

from __future__ import annotations

from app.legal.catalogue import TOPICS, Fact, Situation, Topic
from app.legal.scope import OUT_OF_SCOPE

__all__ = [
    "OUT_OF_SCOPE",
    "Fact",
    "Situation",
    "Topic",
    "all_topics",
    "get_situation",
    "get_topic",
    "shown_facts",
    "shown_situations",
    "topic_of",
]

_TOPICS_BY_KEY = {topic.key: topic for topic in TOPICS}
_SITUATIONS_BY_KEY = {
    situation.key: situation for topic in TOPICS for situation in topic.situations
}


def all_topics() -> tuple[Topic, ...]:
    """Every topic, in the order the landing page shows them."""
    return TOPICS


def get_topic(key: str | None) -> Topic | None:
    """The topic with this key, or None for an unknown or empty key."""
    return _TOPICS_BY_KEY.get(key or "")


def get_situation(key: str | None) -> Situation | None:
    """The verified situation with this key, or None."""
    situation = _SITUATIONS_BY_KEY.get(key or "")
    return situation if situation and situation.verified else None


def topic_of(situation: Situation) -> Topic:
    """The topic a situation belongs to."""
    return next(topic for topic in TOPICS if situation in topic.situations)


def shown_situations(topic: Topic) -> tuple[Situation, ...]:
    """The situations of a topic that may be shown to users as fact."""
    return tuple(situation for situation in topic.situations if situation.verified)


def shown_facts(topic: Topic) -> tuple[Fact, ...]:
    """The facts of a topic that may be shown to users as fact."""
    return tuple(fact for fact in topic.facts if fact.verified)
