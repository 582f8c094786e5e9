from pathlib import Path

from transformers import AutoTokenizer

import khabar
from khabar.document import Document, Entity
from khabar.encoding import LabelSet, gold_features, windows, window_owners

ROOT = Path(__file__).resolve().parents[1]
TOK = AutoTokenizer.from_pretrained(str(ROOT / "tests" / "fixtures" / "tiny-encoder"))
LABELS = LabelSet.from_schema(khabar.Schema.default())


def test_partial_labels_leave_unannotated_types_free():
    text = "قال أردوغان إن القوات دخلت عفرين"
    doc = Document(text, (Entity("PER", 4, 11, "أردوغان", id="T1"),), (), "d")
    (feats,), problems = gold_features(doc, 0, TOK, LABELS, entity_types=["PER", "ORG"], annotates_events=False)
    idx = LABELS.index
    assert problems == []
    assert feats.allowed[1] == {idx["B-PER"]}  # the gold span is exact
    free = feats.allowed[0]  # an O word of an entities-only corpus
    assert idx["O"] in free and idx["B-Statement"] in free and idx["B-GPE"] in free
    assert idx["B-PER"] not in free and idx["I-ORG"] not in free  # annotated types: O means not one
    assert feats.roles == []


def test_full_annotation_and_clitic_labels():
    doc = next(khabar.read(ROOT / "seeds" / "000_bc5014cbca3bf3a9.gold.jsonl"))
    feats, problems = gold_features(doc, 0, TOK, LABELS)
    assert problems == []
    words = [w for f in feats for w in f.words]
    strips = [s for f in feats for s in f.strip]
    k = next(i for i, w in enumerate(words) if w.norm == "وميزناز")
    assert strips[k] == 1  # the span ميزناز starts after the proclitic و
    assert all(len(f.allowed[i]) == 1 for f in feats for i in range(len(f.words)))
    assert sum(len(f.roles) > 0 for f in feats) > 5


def test_type_sets_widen_a_corpus_type():
    doc = Document("زار دمشق", (Entity("GPE", 4, 8, "دمشق", id="T1"),), (), "d")
    (feats,), _ = gold_features(doc, 0, TOK, LABELS, entity_types=["GPE"], annotates_events=False,
                                type_sets={"GPE": ["GPE", "LOC", "FAC"]})
    assert feats.allowed[1] == {LABELS.index["B-GPE"], LABELS.index["B-LOC"], LABELS.index["B-FAC"]}


def test_windows_cover_every_word_once_as_owner():
    lengths = [3, 1, 2, 5, 1, 1, 4, 2, 2, 3, 1, 1]
    spans = windows(lengths, max_tokens=8, stride=3)
    assert spans[0][0] == 0 and spans[-1][1] == len(lengths)
    for s, e in spans:
        assert sum(lengths[s:e]) <= 8
    owners = window_owners(spans, len(lengths))
    for i, (w, p) in enumerate(owners):
        assert spans[w][0] + p == i
