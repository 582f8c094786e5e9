"""From text to encoder inputs: sentences → words → sub-word windows, and gold labels for training.

Each sentence is encoded on its own (arguments never cross sentences), so results do not depend on
how sentences are batched. A sentence longer than the encoder's window is cut into overlapping
windows of whole words; every word takes its vector from the window where it sits most centrally.
Labels are per word: BIO over entity and trigger types on the word, plus the number of proclitic
letters the span strips from its first word (``وميزناز`` → ``ميزناز``), so the encoder always sees
natural words (as AraBERT was pretrained) while spans can start inside a word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Sequence

from khabar.document import Document, Span
from khabar.schema import Schema
from khabar.text import MAX_PROCLITIC, Word, proclitic_length, split_sentences, split_words


@dataclass(frozen=True)
class LabelSet:
    """The tagger's labels: ``O`` then ``B-``/``I-`` for each entity type and each event type."""

    schema: Schema
    labels: tuple[str, ...]
    roles: tuple[str, ...]  # index 0 is "no role"

    @classmethod
    def from_schema(cls, schema: Schema) -> "LabelSet":
        labels = ("O",) + tuple(f"{p}-{t}" for t in schema.span_labels for p in ("B", "I"))
        return cls(schema, labels, ("-",) + schema.all_roles)

    @cached_property
    def index(self) -> dict[str, int]:
        return {lab: i for i, lab in enumerate(self.labels)}

    @cached_property
    def type_index(self) -> dict[str, int]:
        """Span type (entity or event type) -> its row in the role head's type embedding."""
        return {t: i for i, t in enumerate(self.schema.span_labels)}

    def is_event(self, span_type: str) -> bool:
        return span_type in self.schema.event_types


@dataclass
class SentenceFeatures:
    """One sentence ready for the model: its words, sub-word ids, and (for training) its gold labels."""

    doc_index: int
    sentence: Span
    words: list[Word]
    word_ids: list[list[int]]  # sub-word ids of each word
    # Training targets (None at inference):
    allowed: list[set[int]] | None = None  # per word: the label indices the gold data allows
    strip: list[int] | None = None  # per word: proclitic length of a span starting here, -1 if none
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # gold (first word, last word, type)
    roles: list[tuple[int, int, int]] = field(default_factory=list)  # (trigger span idx, entity span idx, role idx)
    annotates_events: bool = True


def sentence_words(text: str) -> list[tuple[Span, list[Word]]]:
    """The sentences of ``text`` with their words (sentences without words are skipped)."""
    out = []
    for s in split_sentences(text):
        words = split_words(text, s.start, s.end)
        if words:
            out.append((s, words))
    return out


def tokenize_words(tokenizer, words: Sequence[Word]) -> list[list[int]]:
    """Sub-word ids of each word (a word the tokenizer drops becomes ``[UNK]``)."""
    if not words:
        return []
    enc = tokenizer([w.norm for w in words], add_special_tokens=False)["input_ids"]
    unk = tokenizer.unk_token_id
    return [ids if ids else [unk] for ids in enc]


def windows(lengths: Sequence[int], max_tokens: int, stride: int) -> list[tuple[int, int]]:
    """Cut a sentence of words with the given sub-word lengths into windows ``[start, end)`` of words,
    each at most ``max_tokens`` sub-words, consecutive windows overlapping by about ``stride`` sub-words."""
    n = len(lengths)
    out: list[tuple[int, int]] = []
    start = 0
    while True:
        total, end = 0, start
        while end < n and total + min(lengths[end], max_tokens) <= max_tokens:
            total += min(lengths[end], max_tokens)
            end += 1
        end = max(end, start + 1)
        out.append((start, end))
        if end >= n:
            return out
        # step back so that about `stride` sub-words are shared with the next window
        back, nxt = 0, end
        while nxt - 1 > start + 1 and back + lengths[nxt - 1] <= stride:
            nxt -= 1
            back += lengths[nxt]
        start = nxt


def window_owners(spans: Sequence[tuple[int, int]], n_words: int) -> list[tuple[int, int]]:
    """For each word, ``(window index, position in window)`` of the window where it is most central."""
    best: list[tuple[float, int, int]] = [(-1.0, 0, 0)] * n_words
    for w, (s, e) in enumerate(spans):
        for i in range(s, e):
            centrality = min(i - s, e - 1 - i)
            if centrality > best[i][0]:
                best[i] = (centrality, w, i - s)
    return [(w, p) for _, w, p in best]


def gold_features(doc: Document, doc_index: int, tokenizer, labels: LabelSet,
                  entity_types: Sequence[str] | None = None, annotates_events: bool = True,
                  type_sets: dict[str, Sequence[str]] | None = None,
                  clitics: bool = True) -> tuple[list[SentenceFeatures], list[str]]:
    """Training features of a gold document, and the annotations that cannot be placed on words.

    ``entity_types``: the entity types the dataset annotates (None = all); a word outside any gold
    span may carry any type the dataset does not annotate, so the loss does not punish it.
    ``type_sets`` widens a corpus type to several schema types (ANERcorp ``LOC`` may be GPE/LOC/FAC).
    ``clitics=False`` leaves the clitic head untrained on corpora whose spans keep proclitics.
    """
    schema = labels.schema
    index = labels.index
    annotated = set(schema.entity_types if entity_types is None else entity_types)
    if annotates_events:
        annotated |= set(schema.event_types)
    free = [i for lab, i in index.items() if lab != "O" and lab[2:] not in annotated]
    type_sets = type_sets or {}
    problems: list[str] = []
    feats = []
    items = [(e.start, e.end, e.type, e) for e in doc.entities]
    if annotates_events:
        items += [(v.trigger.start, v.trigger.end, v.type, v) for v in doc.events]
    for sentence, words in sentence_words(doc.text):
        allowed = [{0, *free} for _ in words]
        strip = [-1] * len(words)
        spans: list[tuple[int, int, str]] = []
        span_of: dict[int, int] = {}
        for start, end, typ, obj in items:
            if not (sentence.start <= start < sentence.end):
                continue
            first = next((i for i, w in enumerate(words) if w.start <= start < w.end), None)
            last = next((i for i, w in enumerate(words) if w.start < end <= w.end), None)
            k = proclitic_length(words[first], start) if first is not None else None
            if first is None or last is None or words[last].end != end or k is None or k > MAX_PROCLITIC:
                problems.append(f"{doc.id}: {typ} {doc.text[start:end]!r} [{start}:{end}] does not align with word boundaries")
                continue
            types = type_sets.get(typ, [typ])
            allowed[first] = {index[f"B-{t}"] for t in types}
            for i in range(first + 1, last + 1):
                allowed[i] = {index[f"I-{t}"] for t in types}
            strip[first] = k if clitics else -1
            span_of[id(obj)] = len(spans)
            spans.append((first, last, typ))
        roles = []
        if annotates_events:
            role_index = {r: i for i, r in enumerate(labels.roles)}
            for v in doc.events:
                t = span_of.get(id(v))
                if t is None:
                    continue
                filled = {}
                for a in v.arguments:
                    e = span_of.get(id(a.entity))
                    if e is not None:
                        filled[e] = role_index[a.role]
                for e_idx, (_, _, typ) in enumerate(spans):
                    if typ in schema.entity_types:
                        roles.append((t, e_idx, filled.get(e_idx, 0)))
        feats.append(SentenceFeatures(doc_index, sentence, words, tokenize_words(tokenizer, words),
                                      allowed, strip, spans, roles, annotates_events))
    return feats, problems


def inference_features(text: str, doc_index: int, tokenizer) -> list[SentenceFeatures]:
    """Features of a raw text for prediction."""
    return [SentenceFeatures(doc_index, s, words, tokenize_words(tokenizer, words)) for s, words in sentence_words(text)]


@dataclass
class Batch:
    """Tensors for a batch of sentences. ``gather[w]`` is the flat token index of global word ``w``;
    ``offsets[i]`` is the first global word of sentence ``i`` (``offsets[-1]`` = total words)."""

    input_ids: "torch.Tensor"
    attention_mask: "torch.Tensor"
    gather: "torch.Tensor"
    offsets: list[int]


def collate(feats: Sequence[SentenceFeatures], tokenizer, max_length: int, stride: int) -> Batch:
    """Pack sentences into encoder windows (``[CLS] words [SEP]``, padded) and index their words."""
    import torch

    cls_id, sep_id, pad_id = tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id
    budget = max_length - 2
    rows: list[list[int]] = []
    firsts: list[list[int]] = []  # per row: position of each word's first sub-word
    gather: list[int] = []
    offsets = [0]
    for f in feats:
        lengths = [len(ids) for ids in f.word_ids]
        spans = windows(lengths, budget, stride)
        base_row = len(rows)
        for s, e in spans:
            row, pos = [cls_id], []
            for ids in f.word_ids[s:e]:
                pos.append(len(row))
                row.extend(ids[:budget])
            row = row[: max_length - 1] + [sep_id]
            rows.append(row)
            firsts.append(pos)
        for w, p in window_owners(spans, len(f.words)):
            gather.append((base_row + w, firsts[base_row + w][p]))
        offsets.append(offsets[-1] + len(f.words))
    width = max(len(r) for r in rows)
    input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        input_ids[i, : len(r)] = torch.tensor(r)
        mask[i, : len(r)] = 1
    flat = torch.tensor([r * width + p for r, p in gather], dtype=torch.long)
    return Batch(input_ids, mask, flat, offsets)
