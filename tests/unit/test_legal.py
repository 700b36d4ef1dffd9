"""The catalogue shows only verified law, and the prompts carry only that."""

from app.legal import all_topics, get_situation, shown_facts, shown_situations
from app.services import prompts


def test_every_topic_has_verified_situations() -> None:
    assert len(all_topics()) == 5
    for topic in all_topics():
        assert shown_situations(topic), topic.key


def test_unverified_items_are_never_shown_or_prompted() -> None:
    prompt = prompts.system_prompt(None)
    for topic in all_topics():
        for situation in topic.situations:
            if not situation.verified:
                assert get_situation(situation.key) is None
                assert situation not in shown_situations(topic)
                assert f"[{situation.key}]" not in prompt
                assert situation.key not in prompts.situation_keys(topic)
        for fact in topic.facts:
            if not fact.verified:
                assert fact not in shown_facts(topic)
                assert fact.text not in prompt


def test_situation_keys_are_unique() -> None:
    keys = [s.key for topic in all_topics() for s in topic.situations]
    assert len(keys) == len(set(keys))


def test_classification_schema_offers_the_topics_situations_and_refusals() -> None:
    topic = all_topics()[0]
    _, schema = prompts.classification_request(topic)
    enum = schema["properties"]["situation"]["enum"]
    assert enum[-1] == prompts.OTHER_SITUATION
    assert {s.key for s in shown_situations(topic)} <= set(enum)
    assert {"przestepstwo", "za-granica", "sad-okregowy"} <= set(enum)


def test_extraction_schema_is_the_documents_fields() -> None:
    from app.legal.documents import document_type

    document = document_type("sprzeciw-nakaz")
    _, schema = prompts.extraction_request(document, "27 listopada 2026 r.")
    assert list(schema["properties"]) == [field.key for field in document.fields]
    assert schema["required"] == [field.key for field in document.fields]
    # The model is never asked for law: no basis, addressee or demand in the schema.
    assert not {"podstawa", "basis", "adresat", "petitum"} & set(schema["properties"])
