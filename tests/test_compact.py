from pathlib import Path

import khabar
from khabar.formats.compact import parse_compact, render_compact
from khabar.schema import Schema

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_bc5014cbca3bf3a9.gold.jsonl"


def test_seed_round_trips_through_the_compact_format():
    doc = next(khabar.read(SEED))
    spec = render_compact(doc)
    again, problems = parse_compact(spec, doc.text, Schema.default(), doc_id=doc.id, date=doc.date)
    assert problems == []
    assert again.to_dict() == doc.to_dict()
    assert (ROOT / "training" / "annotations" / "examples" / "seed.spec").read_text(encoding="utf-8").endswith(spec)


def test_problems_name_the_spec_line():
    text = "قصفت الطائرات حلب. وقتل مدني في حلب وحلب."
    spec = "@S1\nORG الطائرات\nGPE حلب\nEV Attack قصفت | Attacker=الطائرات | Place=دمشق\n@S2\nGPE حلب\nEV Dye قتل\n@S9\n"
    _, problems = parse_compact(spec, text, Schema.default(), source="x.spec")
    assert "x.spec:4: argument Place='دمشق' names no entity declared in this sentence" in problems
    assert any(p.startswith("x.spec:6: entity 'حلب' occurs 2 times") for p in problems)
    assert "x.spec:7: unknown event type 'Dye'" in problems
    assert any(p.startswith("x.spec:8: bad sentence marker") for p in problems)


def test_occurrence_selects_the_kth_match():
    text = "وصل وفد إلى حلب ثم غادر حلب."
    doc, problems = parse_compact("@S1\nGPE حلب@2\nEV Transport غادر | Origin=حلب@2\n", text, Schema.default())
    assert problems == []
    assert doc.entities[0].start == text.rindex("حلب")
    assert doc.events[0].get("Origin")[0] is doc.entities[0] or doc.events[0].get("Origin")[0] == doc.entities[0]
