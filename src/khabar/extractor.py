"""The user-facing inference API: ``khabar.load()``, ``Extractor.extract/analyze/pipe``.

    >>> import khabar
    >>> events = khabar.extract("قصفت طائرات حربية مدينة إدلب الأحد")
    >>> events[0].place

Sentences of many documents are sorted by length and batched together; each sentence is encoded
on its own, so the output for a document does not depend on what else is in the batch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator, Sequence

import torch

from khabar.decode import WordSpan, decode_events, decode_spans
from khabar.document import Document, Entity, Event
from khabar.encoding import LabelSet, SentenceFeatures, collate, inference_features
from khabar.errors import ModelError
from khabar.model import KhabarModel

DEFAULT_MODEL_DIR = Path(__file__).parent / "models" / "default"


class Extractor:
    """A loaded model plus its tokenizer: turns raw text into Documents with entities and events."""

    def __init__(self, model: KhabarModel, tokenizer, config: dict | None = None, batch_tokens: int = 4096):
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.config = config or {}
        self.labels: LabelSet = model.labels
        self.max_length = int(self.config.get("max_length", 256))
        self.stride = int(self.config.get("stride", 64))
        self.batch_tokens = batch_tokens
        # False when no training data taught the clitic head (e.g. ANERcorp-only): spans keep whole words
        self.clitics = bool(self.config.get("clitics", True))

    @classmethod
    def load(cls, path: str | Path | None = None, device: str = "cpu") -> "Extractor":
        directory = Path(path) if path is not None else DEFAULT_MODEL_DIR
        if path is None and not (directory / "model.safetensors").exists():
            raise ModelError(f"{directory}: no default model is shipped in this installation; pass a model path")
        model, tokenizer, config = KhabarModel.load(directory, device)
        return cls(model, tokenizer, config)

    # -- public API -------------------------------------------------------------------------------
    def extract(self, text: str, date: str | None = None) -> list[Event]:
        """The events of ``text`` (typed objects: ``Attack``, ``Die``, ...), in text order."""
        return list(self.analyze(text, date).events)

    def analyze(self, text: str, date: str | None = None, id: str | None = None) -> Document:
        """A Document with every entity and event found in ``text``."""
        return next(self.pipe([text], dates=[date], ids=[id]))

    def pipe(self, texts: Iterable[str], batch_size: int = 64, dates: Iterable[str | None] | None = None,
             ids: Iterable[str | None] | None = None) -> Iterator[Document]:
        """Analyze a stream of texts, ``batch_size`` documents at a time, yielding Documents in order."""
        dates_it = iter(dates) if dates is not None else None
        ids_it = iter(ids) if ids is not None else None
        chunk: list[tuple[str, str | None, str | None]] = []
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"texts must be str, not {type(text).__name__}")
            chunk.append((text, next(dates_it) if dates_it else None, next(ids_it) if ids_it else None))
            if len(chunk) >= batch_size:
                yield from self._analyze_many(chunk)
                chunk = []
        if chunk:
            yield from self._analyze_many(chunk)

    # -- internals --------------------------------------------------------------------------------
    def _analyze_many(self, items: Sequence[tuple[str, str | None, str | None]]) -> list[Document]:
        feats: list[SentenceFeatures] = []
        for i, (text, _, _) in enumerate(items):
            feats.extend(inference_features(text, i, self.tokenizer))
        per_doc: list[list[Entity]] = [[] for _ in items]
        per_doc_events: list[list[Event]] = [[] for _ in items]
        for f, (ents, evs) in zip(feats, self.predict(feats, [t for t, _, _ in items])):
            per_doc[f.doc_index].extend(ents)
            per_doc_events[f.doc_index].extend(evs)
        docs = []
        for i, (text, date, doc_id) in enumerate(items):
            doc = Document(text, tuple(per_doc[i]), tuple(per_doc_events[i]), doc_id, date)
            docs.append(doc.with_ids())
        return docs

    @torch.inference_mode()
    def predict(self, feats: Sequence[SentenceFeatures], texts: Sequence[str]) -> list[tuple[list[Entity], list[Event]]]:
        """Entities and events of each sentence, in the order of ``feats``."""
        results: list[tuple[list[Entity], list[Event]] | None] = [None] * len(feats)
        order = sorted(range(len(feats)), key=lambda i: sum(len(x) for x in feats[i].word_ids))
        batch: list[int] = []
        tokens = 0
        for i in order + [None]:
            n = sum(len(x) for x in feats[i].word_ids) + 2 if i is not None else 0
            if batch and (i is None or (tokens + n > self.batch_tokens)):
                for j, out in zip(batch, self._predict_batch([feats[j] for j in batch], texts)):
                    results[j] = out
                batch, tokens = [], 0
            if i is not None:
                batch.append(i)
                tokens += min(n, self.max_length) if n <= self.max_length else n
        return [r if r is not None else ([], []) for r in results]

    def _predict_batch(self, feats: Sequence[SentenceFeatures], texts: Sequence[str]):
        model, labels = self.model, self.labels
        device = next(model.parameters()).device
        b = collate(feats, self.tokenizer, self.max_length, self.stride)
        words = model.word_vectors(b.input_ids.to(device), b.attention_mask.to(device), b.gather.to(device))
        tag_logits, clitic_logits = model.tag_logits(words)
        probs, clitic_probs = tag_logits.float().softmax(-1).cpu(), clitic_logits.float().softmax(-1).cpu()
        sent_spans: list[list[WordSpan]] = []
        for k, f in enumerate(feats):
            sent_spans.append(decode_spans(f, b.offsets[k], probs, clitic_probs if self.clitics else None, labels))
        # role head over all (trigger, entity) pairs of each sentence, in one call
        type_index = labels.type_index
        pair_rows, trig, ent, tt, et = [], [], [], [], []
        per_sentence = []
        for k, spans in enumerate(sent_spans):
            f = feats[k]
            text = texts[f.doc_index]
            ents = [(s, Entity(s.type, s.start, s.end, text[s.start:s.end], round(s.score, 4)))
                    for s in spans if not labels.is_event(s.type)]
            trigs = [s for s in spans if labels.is_event(s.type)]
            pairs = [(ti, ei) for ti in range(len(trigs)) for ei in range(len(ents))]
            for ti, ei in pairs:
                t, e = trigs[ti], ents[ei][0]
                trig.append((t.first, t.last))
                ent.append((e.first, e.last))
                tt.append(type_index[t.type])
                et.append(type_index[e.type])
            start = pair_rows[-1][1] if pair_rows else 0
            pair_rows.append((start, start + len(pairs)))
            per_sentence.append((ents, trigs, pairs))
        role_probs = None
        if trig:
            logits = model.role_logits(words, torch.tensor(trig, device=device), torch.tensor(ent, device=device),
                                       torch.tensor(tt, device=device), torch.tensor(et, device=device))
            role_probs = logits.float().softmax(-1).cpu()
        out = []
        for k, (ents, trigs, pairs) in enumerate(per_sentence):
            s, e = pair_rows[k]
            text = texts[feats[k].doc_index]
            events = decode_events(text, ents, trigs, role_probs[s:e] if role_probs is not None else None, pairs, labels)
            out.append(([x for _, x in ents], events))
        return out


_DEFAULT: Extractor | None = None


def load(path: str | Path | None = None, device: str = "cpu") -> Extractor:
    """Load a model directory (None: the model shipped inside the package)."""
    return Extractor.load(path, device)


def _default() -> Extractor:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Extractor.load()
    return _DEFAULT


def extract(text: str, date: str | None = None) -> list[Event]:
    """Events of ``text`` with the default model; ``date`` (ISO) anchors relative times."""
    if not isinstance(text, str):
        raise TypeError(f"extract() takes a str, not {type(text).__name__}")
    if not text.strip():
        return []
    return _default().extract(text, date)


def analyze(text: str, date: str | None = None) -> Document:
    """A Document of ``text`` with the default model."""
    if not isinstance(text, str):
        raise TypeError(f"analyze() takes a str, not {type(text).__name__}")
    return _default().analyze(text, date)
