"""Tests of khabar.scoring: every expected number is worked out by hand in the comments."""

from __future__ import annotations

import json
import re
from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import pytest

import khabar
from khabar import Argument, Document, Entity, Event, Schema, Span
from khabar.errors import DataError
from khabar.scoring import METRICS, Report, Score, evaluate, evaluate_tags, pair_documents, to_bio

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_bc5014cbca3bf3a9.gold.jsonl"
TEXT = "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj"  # word k at [5k, 5k+4)


def ent(k: int, type_: str = "PER", id_: str | None = None) -> Entity:
    """An entity on word ``k`` of TEXT."""
    return Entity(type_, 5 * k, 5 * k + 4, TEXT[5 * k:5 * k + 4], id=id_ or f"T{k}")


def ev(k: int, type_: str, *args: tuple[str, Entity]) -> Event:
    """An event whose trigger is word ``k`` of TEXT, with (role, entity) arguments."""
    return Event(type_, Span(5 * k, 5 * k + 4, TEXT[5 * k:5 * k + 4]), tuple(Argument(r, e) for r, e in args))


def doc(entities=(), events=(), id_: str | None = "d1", text: str = TEXT) -> Document:
    return Document(text, tuple(entities), tuple(events), id=id_)


def approx(score: Score, p: float, r: float, f: float) -> None:
    assert (score.precision, score.recall, score.f1) == pytest.approx((p, r, f))


def seed_docs() -> list[Document]:
    return list(khabar.read(SEED))


# -- Score and the empty-denominator convention ---------------------------------------------------

def test_score_from_counts_and_convention():
    approx(Score.from_counts(gold=2, pred=3, correct=1), 1 / 3, 1 / 2, 0.4)  # F1 = 2·(1/3)(1/2)/(5/6) = 0.4
    approx(Score.from_counts(gold=0, pred=0, correct=0), 0.0, 0.0, 0.0)  # nothing to find: 0.0, not 1.0
    approx(Score.from_counts(gold=2, pred=0, correct=0), 0.0, 0.0, 0.0)  # P has no denominator → 0.0
    approx(Score.from_counts(gold=0, pred=2, correct=0), 0.0, 0.0, 0.0)


# -- entities --------------------------------------------------------------------------------------

def test_entity_exact_match():
    gold = doc([ent(0, "PER"), ent(2, "GPE")])
    # word 0 right; word 2 right span, wrong type (wrong); word 4 spurious.
    pred = doc([ent(0, "PER"), ent(2, "LOC"), ent(4, "ORG")])
    report = evaluate([gold], [pred])
    s = report.metrics["entity"]
    assert (s.gold, s.pred, s.correct) == (2, 3, 1)
    approx(s, 1 / 3, 1 / 2, 0.4)
    # Per type: PER 1/1/1 → 1.0; GPE gold 1, pred 0 → 0.0; LOC and ORG pred 1, gold 0 → 0.0.
    assert list(report.entity_types) == ["GPE", "LOC", "ORG", "PER"]  # no schema: labels seen, sorted
    approx(report.entity_types["PER"], 1.0, 1.0, 1.0)
    assert (report.entity_types["GPE"].gold, report.entity_types["GPE"].pred) == (1, 0)
    assert (report.entity_types["LOC"].gold, report.entity_types["LOC"].pred) == (0, 1)


def test_entity_offsets_must_match_exactly():
    gold = doc([ent(0)])
    pred = doc([Entity("PER", 0, 3, "aaa", id="T0")])  # one character short
    assert evaluate([gold], [pred]).metrics["entity"].correct == 0


# -- triggers --------------------------------------------------------------------------------------

def test_right_span_wrong_type_counts_for_trig_i_not_trig_c():
    gold = doc(events=[ev(0, "Attack"), ev(2, "Die")])
    pred = doc(events=[ev(0, "Statement"), ev(2, "Die"), ev(4, "Meet")])
    report = evaluate([gold], [pred])
    # Trig-I: gold {0, 2}, pred {0, 2, 4}: 2 correct → P = 2/3, R = 2/2, F1 = 2·(2/3)·1/(5/3) = 0.8.
    trig_i = report.metrics["trigger_identification"]
    assert (trig_i.gold, trig_i.pred, trig_i.correct) == (2, 3, 2)
    approx(trig_i, 2 / 3, 1.0, 0.8)
    # Trig-C: only (2, Die) → P = 1/3, R = 1/2, F1 = 0.4.
    trig_c = report.metrics["trigger_classification"]
    assert (trig_c.gold, trig_c.pred, trig_c.correct) == (2, 3, 1)
    approx(trig_c, 1 / 3, 1 / 2, 0.4)
    # Per event type: Attack 1 gold 0 pred; Die 1/1/1; Statement and Meet 0 gold 1 pred.
    assert {k: (s.gold, s.pred, s.correct) for k, s in report.event_types.items()} == {
        "Attack": (1, 0, 0), "Die": (1, 1, 1), "Meet": (0, 1, 0), "Statement": (0, 1, 0)}


# -- arguments -------------------------------------------------------------------------------------

def test_argument_on_wrong_span_trigger_counts_for_arg_c_not_attached():
    a, b = ent(4, "ORG"), ent(6, "GPE")
    gold = doc([a, b], [ev(0, "Attack", ("Attacker", a), ("Place", b))])
    # Same event type, trigger on the wrong word (1 instead of 0); b given the wrong role.
    pred = doc([a, b], [ev(1, "Attack", ("Attacker", a), ("Target", b))])
    m = evaluate([gold], [pred]).metrics
    # Arg-I: gold {(Attack,a),(Attack,b)} = pred → 2/2 correct → 1.0.
    approx(m["argument_identification"], 1.0, 1.0, 1.0)
    # Arg-C: gold {(Attack,a,Attacker),(Attack,b,Place)}, pred {(..a,Attacker),(..b,Target)}: 1 of 2 →
    # P = R = F1 = 0.5.
    approx(m["argument_classification"], 0.5, 0.5, 0.5)
    # Attached: the trigger span differs, so nothing matches → 0.0 (gold 2, pred 2, correct 0).
    for name in ("argument_identification_attached", "argument_classification_attached"):
        assert (m[name].gold, m[name].pred, m[name].correct) == (2, 2, 0)
        approx(m[name], 0.0, 0.0, 0.0)
    # Trig-I / Trig-C: gold {0}, pred {1} → 0.0.
    assert m["trigger_classification"].correct == 0


def test_argument_needs_the_right_event_type():
    a = ent(4, "PER")
    gold = doc([a], [ev(0, "Die", ("Victim", a))])
    pred = doc([a], [ev(0, "Injure", ("Victim", a))])
    m = evaluate([gold], [pred]).metrics
    assert m["trigger_identification"].correct == 1
    assert m["argument_identification"].correct == 0  # (Die,a) vs (Injure,a)
    assert m["argument_classification"].correct == 0


def test_arguments_attached_and_per_role():
    a, b, c = ent(4, "ORG"), ent(6, "GPE"), ent(8, "TIME")
    gold = doc([a, b, c], [ev(0, "Attack", ("Attacker", a), ("Place", b), ("Time", c))])
    pred = doc([a, b, c], [ev(0, "Attack", ("Attacker", a), ("Place", c))])  # Time missed, c given Place
    report = evaluate([gold], [pred])
    m = report.metrics
    # Arg-I: gold {a, b, c}, pred {a, c} → correct 2: P = 2/2, R = 2/3, F1 = 2·1·(2/3)/(5/3) = 0.8.
    approx(m["argument_identification"], 1.0, 2 / 3, 0.8)
    # Arg-C: gold {a:Attacker, b:Place, c:Time}, pred {a:Attacker, c:Place} → correct 1: P = 1/2,
    # R = 1/3, F1 = 2·(1/2)(1/3)/(5/6) = 0.4. Same trigger, so attached scores are the same.
    approx(m["argument_classification"], 1 / 2, 1 / 3, 0.4)
    approx(m["argument_classification_attached"], 1 / 2, 1 / 3, 0.4)
    approx(m["argument_identification_attached"], 1.0, 2 / 3, 0.8)
    # Per role: Attacker 1/1/1, Place gold 1 pred 1 correct 0, Time gold 1 pred 0.
    assert {k: (s.gold, s.pred, s.correct) for k, s in report.roles.items()} == {
        "Attacker": (1, 1, 1), "Place": (1, 1, 0), "Time": (1, 0, 0)}


def test_duplicates_count_once_per_document():
    a = ent(4, "ORG")
    # Two Attack events sharing one Attacker: one Arg-C tuple (Attack, a, Attacker), two attached tuples.
    gold = doc([a], [ev(0, "Attack", ("Attacker", a)), ev(2, "Attack", ("Attacker", a))])
    pred = doc([a], [ev(0, "Attack", ("Attacker", a)), ev(2, "Attack")])  # second event lost its argument
    m = evaluate([gold], [pred]).metrics
    assert (m["argument_classification"].gold, m["argument_classification"].pred) == (1, 1)
    approx(m["argument_classification"], 1.0, 1.0, 1.0)
    # Attached: gold 2, pred 1, correct 1 → P = 1, R = 1/2, F1 = 2/3.
    approx(m["argument_classification_attached"], 1.0, 0.5, 2 / 3)
    # The same entity listed twice by a prediction is one item too.
    pred2 = doc([a, a], events=())
    assert evaluate([doc([a])], [pred2]).metrics["entity"].pred == 1


# -- micro-averaging and pairing -------------------------------------------------------------------

def test_micro_average_over_documents():
    g1, p1 = doc([ent(0)], id_="x"), doc([ent(0)], id_="x")  # 1 gold, 1 pred, 1 correct
    g2 = doc([ent(2), ent(4), ent(6)], id_="y")
    p2 = doc([ent(8)], id_="y")  # 3 gold, 1 pred, 0 correct
    # Summed: gold 4, pred 2, correct 1 → P = 1/2, R = 1/4, F1 = 2·(1/8)/(3/4) = 1/3
    # (macro over documents would give P = (1 + 0)/2, R = (1 + 0)/2).
    approx(evaluate([g1, g2], [p2, p1]).metrics["entity"], 0.5, 0.25, 1 / 3)


def test_same_offsets_in_another_document_do_not_match():
    gold = [doc([ent(0)], id_="x"), doc([], id_="y")]
    pred = [doc([], id_="x"), doc([ent(0)], id_="y")]
    assert evaluate(gold, pred).metrics["entity"].correct == 0


def test_pairing_by_id_and_errors():
    a, b = doc(id_="a"), doc(id_="b")
    assert [(g.id, p.id) for g, p in pair_documents([a, b], [b, a])] == [("a", "a"), ("b", "b")]
    with pytest.raises(DataError, match=r"only in gold: 'b'") as e:
        pair_documents([a, b], [a, doc(id_="c")])
    assert "only in predicted: 'c'" in str(e.value)
    with pytest.raises(DataError, match=r"duplicate predicted document id\(s\): 'a'"):
        pair_documents([a, b], [a, a, b])
    with pytest.raises(DataError, match=r"predicted document\(s\) without an id, at position\(s\) 1"):
        pair_documents([a, b], [a, doc(id_=None)])
    with pytest.raises(DataError, match=r"document 'b': gold and predicted texts differ \(first at offset 3\)"):
        pair_documents([a, b], [a, doc(id_="b", text=TEXT[:3] + "X" + TEXT[4:])])


def test_pairing_by_position_without_ids():
    g = [doc([ent(0)], id_=None), doc(id_=None)]
    p = [doc([ent(0)], id_=None), doc(id_=None)]
    assert evaluate(g, p).metrics["entity"].f1 == 1.0
    with pytest.raises(DataError, match="2 gold and 1 predicted"):
        evaluate(g, p[:1])
    with pytest.raises(DataError, match="position 1: gold and predicted texts differ"):
        evaluate(g, [p[0], doc(id_=None, text="other")])


def test_empty_metric_scores_zero():
    report = evaluate([doc([ent(0)])], [doc([ent(0)])])
    s = report.metrics["trigger_classification"]
    assert (s.gold, s.pred, s.correct, s.f1) == (0, 0, 0, 0.0)
    assert report.metrics["entity"].f1 == 1.0


# -- the seed article ------------------------------------------------------------------------------

def test_seed_against_itself_is_perfect():
    docs = seed_docs()
    report = evaluate(docs, docs, schema=Schema.default())
    assert report.documents == 1
    for name in METRICS:
        s = report.metrics[name]
        assert s.gold > 0 and s.gold == s.pred == s.correct, name
        approx(s, 1.0, 1.0, 1.0)
    for breakdown in (report.entity_types, report.event_types, report.roles):
        assert sum(s.gold for s in breakdown.values()) > 0
        for s in breakdown.values():
            if s.gold:
                approx(s, 1.0, 1.0, 1.0)
    # With a schema every type and role has a row, in schema order; the breakdowns add up.
    assert tuple(report.event_types) == tuple(Schema.default().event_types)
    assert sum(s.gold for s in report.roles.values()) == report.metrics["argument_classification"].gold
    assert sum(s.gold for s in report.entity_types.values()) == report.metrics["entity"].gold


def test_seed_with_one_argument_removed():
    (gold,) = seed_docs()
    arg_c = [(v.type, a.entity.start, a.entity.end, a.role) for v in gold.events for a in v.arguments]
    # Remove an argument whose Arg-C tuple occurs once (a duplicate would still be found elsewhere).
    k, i = next((k, i) for k, v in enumerate(gold.events) for i, a in enumerate(v.arguments)
                if arg_c.count((v.type, a.entity.start, a.entity.end, a.role)) == 1)
    event = gold.events[k]
    pruned = replace(event, arguments=event.arguments[:i] + event.arguments[i + 1:])
    pred = replace(gold, events=gold.events[:k] + (pruned,) + gold.events[k + 1:])
    m = evaluate([gold], [pred]).metrics
    n = m["argument_classification"].gold
    assert (m["argument_classification"].pred, m["argument_classification"].correct) == (n - 1, n - 1)
    assert m["argument_classification"].f1 < 1.0
    assert m["argument_classification"].precision == 1.0  # nothing wrong was predicted
    assert m["argument_classification_attached"].f1 < 1.0
    approx(m["trigger_classification"], 1.0, 1.0, 1.0)
    approx(m["entity"], 1.0, 1.0, 1.0)


def test_lazy_top_level_evaluate():
    docs = seed_docs()
    assert khabar.evaluate(docs, docs).metrics["entity"].f1 == 1.0


# -- Report ----------------------------------------------------------------------------------------

def test_report_to_dict_and_table():
    gold = doc([ent(0, "PER"), ent(2, "GPE")])
    pred = doc([ent(0, "PER"), ent(2, "LOC"), ent(4, "ORG")])
    report = evaluate([gold], [pred])
    assert isinstance(report, Report)
    d = json.loads(json.dumps(report.to_dict()))
    assert d["metrics"]["entity"] == {"precision": 1 / 3, "recall": 0.5, "f1": pytest.approx(0.4),
                                      "gold": 2, "pred": 3, "correct": 1}
    assert set(d["metrics"]) == set(METRICS) and d["documents"] == 1
    table = report.table()
    lines = table.splitlines()
    labels = [line.split()[0] for line in lines[2:9]]
    assert labels == ["Entity", "Trig-I", "Trig-C", "Arg-I", "Arg-C", "Arg-I+", "Arg-C+"]
    assert lines[2].split() == ["Entity", "33.3", "50.0", "40.0", "2", "3", "1"]
    assert "Entity types" in table and "  PER" in table
    assert len({len(line) for line in lines[2:9]}) == 1  # fixed width
    with pytest.raises(FrozenInstanceError):
        report.documents = 2  # type: ignore[misc]


# -- token level -----------------------------------------------------------------------------------

def test_evaluate_tags_default_and_strict_differ():
    gold = [["B-PER", "I-PER", "O", "B-LOC"]]
    pred = [["I-PER", "I-PER", "O", "B-LOC"]]
    r = evaluate_tags(gold, pred)
    # Default (conlleval) mode: I-PER after nothing starts a PER chunk [0, 2) → both chunks right → 1.0.
    assert (r["default"]["precision"], r["default"]["recall"], r["default"]["f1"]) == (1.0, 1.0, 1.0)
    # Strict IOB2: the ill-formed I-PER chunk is not a chunk: pred {LOC}, gold {PER, LOC} → P = 1,
    # R = 1/2, F1 = 2/3.
    assert (r["strict"]["precision"], r["strict"]["recall"]) == (1.0, 0.5)
    assert r["strict"]["f1"] == pytest.approx(2 / 3)
    assert r["default"]["per_type"]["PER"]["f1"] == 1.0
    assert r["strict"]["per_type"]["PER"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    json.dumps(r)


def test_evaluate_tags_edge_cases():
    r = evaluate_tags([["O", "O"]], [["O", "O"]])  # no chunks at all
    assert r["default"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "per_type": {}}
    with pytest.raises(ValueError, match="index"):
        evaluate_tags([["O", "O"]], [["O"]])
    with pytest.raises(ValueError, match="1 gold and 2 predicted"):
        evaluate_tags([["O"]], [["O"], ["O"]])


def test_to_bio_aligned_and_unaligned():
    text = "ذهب وروسيا الى بلدة كفر حلب"
    # tokens: ذهب [0,3) وروسيا [4,10) الى [11,14) بلدة [15,19) كفر [20,23) حلب [24,27)
    tokens = [[(m.start(), m.end()) for m in re.finditer(r"\S+", text)]]
    russia = Entity("GPE", 5, 10, "روسيا", id="T1")  # inside the token وروسيا: tags that token
    kafr = Entity("GPE", 20, 27, "كفر حلب", id="T2")  # two whole tokens
    event = Event("Transport", Span(0, 3, "ذهب"))
    d = Document(text, (russia, kafr), (event,))
    assert to_bio(d, tokens) == [["O", "B-GPE", "O", "O", "B-GPE", "I-GPE"]]
    assert to_bio(d, tokens, spans="triggers") == [["B-Transport", "O", "O", "O", "O", "O"]]
    # Split over two sentences: each part starts with B-.
    assert to_bio(d, [tokens[0][:5], tokens[0][5:]]) == [["O", "B-GPE", "O", "O", "B-GPE"], ["B-GPE"]]


def test_to_bio_seed_round_trip():
    (d,) = seed_docs()
    sentences = [[(s.start + m.start(), s.start + m.end()) for m in re.finditer(r"\S+", s.text)]
                 for s in d.sentences()]
    tags = to_bio(d, sentences)
    assert sum(t.startswith("B-") for s in tags for t in s) == len(d.entities)
    r = evaluate_tags(tags, tags)
    assert r["default"]["f1"] == r["strict"]["f1"] == 1.0
