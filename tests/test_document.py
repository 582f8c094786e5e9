import json
import pickle
import re
from dataclasses import replace
from pathlib import Path

import khabar
from khabar import events
from khabar.document import Argument, Document, Entity, Event, Span
from khabar.schema import Schema

ROOT = Path(__file__).resolve().parents[1]
SEED_GOLD = ROOT / "seeds" / "000_bc5014cbca3bf3a9.gold.jsonl"


def seed() -> Document:
    return next(khabar.read(SEED_GOLD))


def test_typed_classes_match_the_schema():
    schema = Schema.default()
    assert set(events.BUILTIN_EVENT_CLASSES) == set(schema.event_types)
    for name, cls in events.BUILTIN_EVENT_CLASSES.items():
        props = {n for n, v in vars(cls).items() if isinstance(v, property)}
        expected = {re.sub(r"(?<!^)(?=[A-Z])", "_", r).lower() for r in schema.roles(name)}
        assert props == expected, name


def test_events_are_typed_with_role_properties():
    doc = seed()
    attack = next(e for e in doc.events if e.trigger.text == "اشتباكات")
    assert isinstance(attack, events.Attack) and isinstance(attack, Event)
    assert [e.text for e in attack.attacker] == ["المعارضة السورية المسلحة", "قوات النظام"]
    assert [e.text for e in attack.place] == ["كفر حلب", "ميزناز", "ريف حلب الغربي"]
    die = next(e for e in doc.events if e.type == "Die")
    assert isinstance(die, events.Die) and die.victim[0].text == "أكثر من 1800 مدني"
    for e in doc.entities:
        assert doc.text[e.start:e.end] == e.text


def test_custom_event_type_is_generic():
    ent = Entity("ORG", 0, 3, "abc", id="T1")
    ev = Event("Hire", Span(4, 8, "hire"), (Argument("Employer", ent),))
    assert type(ev) is Event and ev.get("Employer") == (ent,) and ev.get("Employee") == ()


def test_json_round_trip_is_lossless():
    line = SEED_GOLD.read_text(encoding="utf-8").splitlines()[0]
    doc = Document.from_json(line)
    assert doc.to_dict() == json.loads(line)
    assert Document.from_dict(doc.to_dict()) == doc


def test_values_scores_and_meta_round_trip():
    ent = Entity("PER", 0, 3, "abc", score=0.9, value={"count": 3, "qualifier": "exact"})
    doc = Document("abc def", (ent,), (Event("Die", Span(4, 7, "def"), (Argument("Victim", ent, 0.8),), 0.7),),
                   "d1", "2020-01-01", {"source": "x"})
    again = Document.from_dict(json.loads(json.dumps(doc.to_dict())))
    assert again.to_dict() == doc.to_dict()
    assert again.entities[0].value == {"count": 3, "qualifier": "exact"}


def test_objects_are_immutable_and_picklable():
    doc = seed()
    try:
        doc.events[0].type = "Attack"
        raise AssertionError("events must be immutable")
    except AttributeError:
        pass
    again = pickle.loads(pickle.dumps(doc))
    assert again == doc and type(again.events[3]) is events.Attack


def test_with_ids_keeps_existing_and_fills_missing():
    doc = seed()
    stripped = replace(doc, entities=tuple(replace(e, id=None) for e in doc.entities),
                       events=tuple(replace(v, id=None) for v in doc.events))
    # arguments still point at the id-less entities only if rebuilt; with_ids must fail loudly otherwise
    try:
        stripped.with_ids()
    except ValueError as e:
        assert "not in document.entities" in str(e)
    fresh = Document(doc.text, tuple(replace(e, id=None) for e in doc.entities)).with_ids()
    assert [e.id for e in fresh.entities] == [f"T{i}" for i in range(1, len(doc.entities) + 1)]
