import json
from pathlib import Path

import pytest

from khabar.errors import SchemaError
from khabar.schema import Schema

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def test_default_schema_is_v1_of_the_guidelines():
    schema = Schema.default()
    shared = SHARED / "annotation" / "schema.json"
    if not shared.exists():
        pytest.skip("../shared is not present")
    ref = json.loads(shared.read_text(encoding="utf-8"))
    assert list(schema.entity_types) == ref["entity_types"]
    assert {e: {r: list(t) for r, t in roles.items()} for e, roles in schema.event_types.items()} == ref["event_types"]


def test_packaged_schema_is_the_configs_file():
    assert (ROOT / "src" / "khabar" / "configs" / "schema.yaml").read_bytes() == (ROOT / "configs" / "schema.yaml").read_bytes()


def test_derived_views():
    s = Schema.default()
    assert s.allows("Attack", "Place", "GPE") and not s.allows("Attack", "Place", "PER")
    assert s.span_labels[: len(s.entity_types)] == s.entity_types
    assert "Victim" in s.all_roles


def test_role_with_unknown_entity_type_is_named(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("entity_types: [PER, GPE]\nevent_types:\n  Attack:\n    Attacker: [PER, ORG]\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"Attack\.Attacker: unknown entity type 'ORG'"):
        Schema.load(p)


def test_duplicate_names_are_refused_with_line(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("entity_types: [PER]\nevent_types:\n  Die:\n    Victim: [PER]\n  Die:\n    Victim: [PER]\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"s\.yaml:5: duplicate key 'Die'"):
        Schema.load(p)
    with pytest.raises(SchemaError, match="duplicate entity type"):
        Schema.from_dict({"entity_types": ["PER", "PER"], "event_types": {}})


def test_unknown_schema_key(tmp_path):
    with pytest.raises(SchemaError, match="unknown key"):
        Schema.from_dict({"entity_types": ["PER"], "event_types": {}, "relations": {}})


def test_custom_schema_round_trip(tmp_path):
    s = Schema.from_dict({"entity_types": ["PER", "ORG"], "event_types": {"Hire": {"Employer": ["ORG"], "Employee": ["PER"]}}})
    s.save(tmp_path / "c.yaml")
    assert Schema.load(tmp_path / "c.yaml") == s
