"""Scoring predicted documents against gold ones: entities, triggers and arguments by exact offsets.

:func:`evaluate` pairs gold and predicted :class:`~khabar.document.Document` objects by ``id`` and
micro-averages over all documents (counts are summed, then P/R/F1 computed once):

======================================  ======================================================
metric                                  a predicted item is correct if a gold item has the same
======================================  ======================================================
``entity``                              (start, end, type)
``trigger_identification`` (Trig-I)     (trigger start, trigger end)
``trigger_classification`` (Trig-C)     (trigger start, trigger end, event type)
``argument_identification`` (Arg-I)     (event type, argument start, argument end)
``argument_classification`` (Arg-C)     (event type, argument start, argument end, role)
``argument_identification_attached``    (trigger start, trigger end, event type, arg start, arg end)
``argument_classification_attached``    (trigger start, trigger end, event type, arg start, arg end, role)
======================================  ======================================================

This is the TextEE definition (Huang et al. 2024, ``TextEE/scorer.py``): per document the items are
*sets* of these tuples, so a duplicate (the same tuple twice in one document — e.g. two events of the
same type sharing one argument) counts once on its side, and ``correct = |gold ∩ pred|``. Arg-I/Arg-C
are OneIE's "role identification/classification" (Lin et al. 2020): the argument need not hang on the
right trigger, only on an event of the right type. The attached variants (TextEE's Arg-I+/Arg-C+) also
need the trigger span. An argument is scored by its entity's offsets; entity and trigger ``text``
fields are not compared (the paired document texts are checked to be identical instead).

Breakdowns: per entity type (``entity``), per event type (Trig-C) and per role (Arg-C); they
partition the overall sets, so their counts add up to the overall counts.

Convention for empty denominators (as sklearn/seqeval with ``zero_division=0``): P = correct/pred if
pred > 0 else 0.0, R = correct/gold if gold > 0 else 0.0, F1 = 2PR/(P+R) if P+R > 0 else 0.0. A metric
with no gold and no predicted items therefore scores 0.0 (check ``gold``); a document set scored
against itself scores 1.0 on every metric that has any gold item.

:func:`evaluate_tags` scores token-level BIO tag sequences with ``seqeval`` (default and strict
IOB2 modes) for comparison with published CoNLL-style numbers; :func:`to_bio` makes such sequences.
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Iterable, Literal, Mapping, Sequence

from khabar.document import Document
from khabar.errors import DataError
from khabar.schema import Schema

METRICS: dict[str, str] = {  # name -> label in Report.table()
    "entity": "Entity",
    "trigger_identification": "Trig-I",
    "trigger_classification": "Trig-C",
    "argument_identification": "Arg-I",
    "argument_classification": "Arg-C",
    "argument_identification_attached": "Arg-I+",
    "argument_classification_attached": "Arg-C+",
}


@dataclass(frozen=True)
class Score:
    """Precision, recall and F1 (fractions in [0, 1]) with the counts they come from."""

    precision: float
    recall: float
    f1: float
    gold: int
    pred: int
    correct: int

    @classmethod
    def from_counts(cls, gold: int, pred: int, correct: int) -> "Score":
        p = correct / pred if pred > 0 else 0.0
        r = correct / gold if gold > 0 else 0.0
        f = 2 * p * r / (p + r) if p + r > 0 else 0.0
        return cls(p, r, f, gold, pred, correct)

    @classmethod
    def from_sets(cls, gold: set, pred: set) -> "Score":
        return cls.from_counts(len(gold), len(pred), len(gold & pred))

    def to_dict(self) -> dict[str, float | int]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "gold": self.gold, "pred": self.pred, "correct": self.correct}


@dataclass(frozen=True)
class Report:
    """The result of :func:`evaluate`: overall metrics and per-type breakdowns, all :class:`Score`."""

    metrics: Mapping[str, Score]
    entity_types: Mapping[str, Score]  # entity, per entity type
    event_types: Mapping[str, Score]  # Trig-C, per event type
    roles: Mapping[str, Score]  # Arg-C, per role
    documents: int = 0

    def __getitem__(self, metric: str) -> Score:
        return self.metrics[metric]

    def to_dict(self) -> dict[str, Any]:
        """Plain dicts, floats and ints only (JSON-serialisable)."""
        def scores(m: Mapping[str, Score]) -> dict[str, dict[str, float | int]]:
            return {k: s.to_dict() for k, s in m.items()}

        return {"documents": self.documents, "metrics": scores(self.metrics),
                "entity_types": scores(self.entity_types), "event_types": scores(self.event_types),
                "roles": scores(self.roles)}

    def table(self) -> str:
        """A fixed-width text table; P, R and F1 as percentages with one decimal."""
        sections = [("", {METRICS[k]: s for k, s in self.metrics.items()}),
                    ("Entity types (Entity)", self.entity_types),
                    ("Event types (Trig-C)", self.event_types),
                    ("Roles (Arg-C)", self.roles)]
        width = max([14] + [len(k) + 2 for _, rows in sections for k in rows])
        header = f"{'':<{width}} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6} {'correct':>7}"
        lines = [header, "-" * len(header)]
        for title, rows in sections:
            if not rows:
                continue
            if title:
                lines += ["", title]
            indent = "  " if title else ""
            for name, s in rows.items():
                lines.append(f"{indent + name:<{width}} {100 * s.precision:6.1f} {100 * s.recall:6.1f} "
                             f"{100 * s.f1:6.1f} {s.gold:6d} {s.pred:6d} {s.correct:7d}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()


def pair_documents(gold_docs: Iterable[Document], pred_docs: Iterable[Document]) -> list[tuple[Document, Document]]:
    """Pair gold and predicted documents by ``id`` (by position only if no document has an id).

    Raises :class:`DataError` listing every problem: missing or duplicate ids, ids on one side only,
    differing counts (without ids), or a pair whose texts differ.
    """
    gold, pred = list(gold_docs), list(pred_docs)
    gids, pids = [d.id for d in gold], [d.id for d in pred]
    problems: list[str] = []
    if all(i is None for i in gids + pids):
        if len(gold) != len(pred):
            raise DataError(f"cannot pair documents by position: {len(gold)} gold and {len(pred)} predicted "
                            "documents (and none has an id)")
        pairs, names = list(zip(gold, pred)), [f"at position {k}" for k in range(len(gold))]
    else:
        for side, ids in (("gold", gids), ("predicted", pids)):
            missing = [k for k, i in enumerate(ids) if i is None]
            if missing:
                problems.append(f"{len(missing)} {side} document(s) without an id, at position(s) {_list(missing)}")
            dups = sorted(i for i, n in Counter(i for i in ids if i is not None).items() if n > 1)
            if dups:
                problems.append(f"duplicate {side} document id(s): {_list(dups)}")
        for side, ids, other in (("gold", gids, pids), ("predicted", pids, gids)):
            only = sorted(set(ids) - set(other) - {None})
            if only:
                problems.append(f"document id(s) only in {side}: {_list(only)}")
        if problems:
            raise DataError(problems)
        by_id = {d.id: d for d in pred}
        pairs, names = [(g, by_id[g.id]) for g in gold], [f"{g.id!r}" for g in gold]
    for (g, p), name in zip(pairs, names):
        if g.text != p.text:
            at = next((k for k, (a, b) in enumerate(zip(g.text, p.text)) if a != b), min(len(g.text), len(p.text)))
            problems.append(f"document {name}: gold and predicted texts differ (first at offset {at})")
    if problems:
        raise DataError(problems)
    return pairs


def _list(items: Sequence[Any], limit: int = 10) -> str:
    shown = ", ".join(repr(i) if isinstance(i, str) else str(i) for i in items[:limit])
    return shown + (f", ... ({len(items) - limit} more)" if len(items) > limit else "")


def _items(doc: Document, k: int) -> dict[str, set[tuple]]:
    """The scored tuples of one document, each prefixed with the pair index ``k``."""
    args = [(v, a) for v in doc.events for a in v.arguments]
    return {
        "entity": {(k, e.start, e.end, e.type) for e in doc.entities},
        "trigger_identification": {(k, v.trigger.start, v.trigger.end) for v in doc.events},
        "trigger_classification": {(k, v.trigger.start, v.trigger.end, v.type) for v in doc.events},
        "argument_identification": {(k, v.type, a.entity.start, a.entity.end) for v, a in args},
        "argument_classification": {(k, v.type, a.entity.start, a.entity.end, a.role) for v, a in args},
        "argument_identification_attached": {
            (k, v.trigger.start, v.trigger.end, v.type, a.entity.start, a.entity.end) for v, a in args},
        "argument_classification_attached": {
            (k, v.trigger.start, v.trigger.end, v.type, a.entity.start, a.entity.end, a.role) for v, a in args},
    }


def _breakdown(gold: set[tuple], pred: set[tuple], known: Sequence[str]) -> Mapping[str, Score]:
    """Scores per label, the label being the last tuple field; ``known`` labels first, zero rows kept."""
    labels = list(dict.fromkeys(known)) + sorted({t[-1] for t in gold | pred} - set(known))
    return MappingProxyType({
        label: Score.from_sets({t for t in gold if t[-1] == label}, {t for t in pred if t[-1] == label})
        for label in labels})


def evaluate(gold_docs: Iterable[Document], pred_docs: Iterable[Document], schema: Schema | None = None) -> Report:
    """Score ``pred_docs`` against ``gold_docs`` (see the module docstring for the definitions).

    With a ``schema``, the breakdowns list every entity type, event type and role of the schema (zero
    rows included) followed by any other label seen; without one, only the labels seen, sorted.
    """
    pairs = pair_documents(gold_docs, pred_docs)
    gold: dict[str, set[tuple]] = {m: set() for m in METRICS}
    pred: dict[str, set[tuple]] = {m: set() for m in METRICS}
    for k, (g, p) in enumerate(pairs):
        for m, items in _items(g, k).items():
            gold[m] |= items
        for m, items in _items(p, k).items():
            pred[m] |= items
    return Report(
        metrics=MappingProxyType({m: Score.from_sets(gold[m], pred[m]) for m in METRICS}),
        entity_types=_breakdown(gold["entity"], pred["entity"], schema.entity_types if schema else ()),
        event_types=_breakdown(gold["trigger_classification"], pred["trigger_classification"],
                               tuple(schema.event_types) if schema else ()),
        roles=_breakdown(gold["argument_classification"], pred["argument_classification"],
                         schema.all_roles if schema else ()),
        documents=len(pairs),
    )


# -- token-level (CoNLL) scoring ----------------------------------------------------------------

def to_bio(doc: Document, sentences: Sequence[Sequence[tuple[int, int]]],
           spans: Literal["entities", "triggers"] = "entities") -> list[list[str]]:
    """BIO (IOB2) tags of ``doc``'s entities (or event triggers, tagged with the event type).

    ``sentences`` gives, per sentence, its tokens as ``(start, end)`` character offsets into
    ``doc.text``. A span tags every token it overlaps, even partly (``وروسيا`` is one token for the
    span ``روسيا``): the first gets ``B-type``, the others ``I-type``. A span crossing a sentence
    boundary starts again with ``B-`` in each sentence. A token overlapped by two spans keeps the one
    that starts first; a span left with no token (it overlaps none, or all are taken) is dropped.
    """
    if spans == "entities":
        labelled = sorted((e.start, e.end, e.type) for e in doc.entities)
    elif spans == "triggers":
        labelled = sorted((v.trigger.start, v.trigger.end, v.type) for v in doc.events)
    else:
        raise ValueError(f"spans must be 'entities' or 'triggers', not {spans!r}")
    tags = [["O"] * len(sentence) for sentence in sentences]
    for start, end, label in labelled:
        for sentence, sentence_tags in zip(sentences, tags):
            if not sentence or sentence[-1][1] <= start or end <= sentence[0][0]:
                continue
            prefix = "B-"
            for t, (ts, te) in enumerate(sentence):
                if ts < end and start < te and sentence_tags[t] == "O":
                    sentence_tags[t], prefix = prefix + label, "I-"
    return tags


def evaluate_tags(gold_tag_seqs: Sequence[Sequence[str]], pred_tag_seqs: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Chunk-level micro P/R/F1 of tag sequences with ``seqeval``, in its two modes.

    Returns ``{"default": {...}, "strict": {...}}``, each ``{"precision", "recall", "f1",
    "per_type": {type: {"precision", "recall", "f1", "support"}}}``. ``default`` is seqeval's
    conlleval-compatible mode (an ``I-X`` after ``O`` starts a chunk); ``strict`` is
    ``mode="strict", scheme=IOB2`` (only well-formed IOB2 chunks count). Empty denominators give 0.0.
    """
    from seqeval.metrics import classification_report, f1_score, precision_score, recall_score
    from seqeval.scheme import IOB2

    gold, pred = [list(s) for s in gold_tag_seqs], [list(s) for s in pred_tag_seqs]
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold and {len(pred)} predicted tag sequences")
    bad = [k for k, (g, p) in enumerate(zip(gold, pred)) if len(g) != len(p)]
    if bad:
        raise ValueError(f"gold and predicted tag sequences differ in length at index(es) {_list(bad)}")
    result: dict[str, Any] = {}
    for mode, options in (("default", {}), ("strict", {"mode": "strict", "scheme": IOB2})):
        with warnings.catch_warnings():  # with no chunk at all seqeval averages an empty array
            warnings.filterwarnings("ignore", "Mean of empty slice", RuntimeWarning)
            warnings.filterwarnings("ignore", "invalid value encountered", RuntimeWarning)
            report = classification_report(gold, pred, output_dict=True, zero_division=0, **options)
        result[mode] = {
            "precision": float(precision_score(gold, pred, zero_division=0, **options)),
            "recall": float(recall_score(gold, pred, zero_division=0, **options)),
            "f1": float(f1_score(gold, pred, zero_division=0, **options)),
            "per_type": {t: {"precision": float(r["precision"]), "recall": float(r["recall"]),
                             "f1": float(r["f1-score"]), "support": int(r["support"])}
                         for t, r in report.items() if not t.endswith(" avg")},
        }
    return result


def conll_token_scores(gold: Sequence[Document], pred: Sequence[Document]) -> dict[str, Any] | None:
    """seqeval default/strict scores of ``pred`` on the CoNLL tokens the gold documents carry
    (``meta["tokens"]``, set by the CoNLL reader); None when the gold is not token-level data.
    Documents are paired by id."""
    if not gold or not all("tokens" in d.meta for d in gold):
        return None
    by_id = {d.id: d for d in pred}
    gold_tags, pred_tags = [], []
    for g in gold:
        sentences = [[tuple(t) for t in g.meta["tokens"]]]
        gold_tags.extend(to_bio(g, sentences))
        pred_tags.extend(to_bio(by_id[g.id], sentences))
    return evaluate_tags(gold_tags, pred_tags)
