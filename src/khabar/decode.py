"""From head outputs to spans and typed events (written by hand: no library decodes this schema).

Word-level BIO labels become spans (an ``I-`` after ``O`` or after another type opens a span, as in
conlleval); the clitic head moves a span's start past proclitic letters; every (trigger, entity)
pair of a sentence gets the best role the schema allows for that event and entity type, or none.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from khabar.document import Argument, Entity, Event, Span
from khabar.encoding import LabelSet, SentenceFeatures
from khabar.text import allowed_proclitic_lengths, is_punctuation


@dataclass(frozen=True)
class WordSpan:
    """A predicted span over words ``first..last`` (global word indices) with its char offsets."""

    first: int
    last: int
    type: str
    start: int
    end: int
    score: float


def bio_transitions(names: tuple[str, ...]) -> torch.Tensor:
    """``[prev, cur]`` additive scores: 0 where BIO allows the transition, -inf where ``I-X`` would
    follow anything but ``B-X``/``I-X`` (row ``len(names)`` is the sentence start)."""
    n = len(names)
    t = torch.zeros(n + 1, n)
    for j, cur in enumerate(names):
        if cur.startswith("I-"):
            for i in range(n + 1):
                if i == n or names[i][2:] != cur[2:] or names[i] == "O":
                    t[i, j] = float("-inf")
    return t


def viterbi_bio(logp: torch.Tensor, trans: torch.Tensor) -> list[int]:
    """The best label sequence under BIO constraints (no ``I-X`` without its ``B-X``)."""
    score = logp[0] + trans[-1]
    back = []
    for t in range(1, logp.shape[0]):
        total = score.unsqueeze(1) + trans[:-1]  # [prev, cur]
        best_prev = total.argmax(0)
        back.append(best_prev)
        score = total.gather(0, best_prev.unsqueeze(0)).squeeze(0) + logp[t]
    path = [int(score.argmax())]
    for bp in reversed(back):
        path.append(int(bp[path[-1]]))
    return path[::-1]


def decode_spans(feats: SentenceFeatures, word0: int, probs: torch.Tensor, clitic_probs: torch.Tensor | None,
                 labels: LabelSet) -> list[WordSpan]:
    """Spans of one sentence from its words' label and clitic probabilities (rows word0..).

    ``clitic_probs=None`` keeps every span on whole words (models never taught to strip clitics)."""
    sent = probs[word0: word0 + len(feats.words)]
    best = viterbi_bio(sent.clamp_min(1e-9).log(), bio_transitions(labels.labels))
    best_p = sent[torch.arange(len(best)), torch.tensor(best)].tolist()
    names = labels.labels
    spans: list[WordSpan] = []
    cur: list | None = None  # [first, last, type, scores]

    def close() -> None:
        if cur is None:
            return
        first, last, typ, scores = cur
        # GUIDELINES §2: a span starts and ends on letters, never on punctuation
        while first <= last and is_punctuation(feats.words[first - word0].norm):
            first += 1
        while last >= first and is_punctuation(feats.words[last - word0].norm):
            last -= 1
        if first > last:
            return
        w = feats.words[first - word0]
        k = 0
        if clitic_probs is not None:
            cp = clitic_probs[first]
            k = max(allowed_proclitic_lengths(w), key=lambda j: float(cp[j]))
        start = w.starts[k]
        spans.append(WordSpan(first, last, typ, start, feats.words[last - word0].end, sum(scores) / len(scores)))

    for i, lab_idx in enumerate(best):
        g = word0 + i
        lab = names[lab_idx]
        if lab == "O":
            close()
            cur = None
            continue
        prefix, typ = lab[0], lab[2:]
        if prefix == "I" and cur is not None and cur[2] == typ:
            cur[1] = g
            cur[3].append(best_p[i])
        else:
            close()
            cur = [g, g, typ, [best_p[i]]]
    close()
    return spans


def decode_events(text: str, entities: list[tuple[WordSpan, Entity]], triggers: list[WordSpan],
                  role_probs: torch.Tensor | None, pairs: list[tuple[int, int]], labels: LabelSet) -> list[Event]:
    """Events from triggers and the role probabilities of (trigger index, entity index) pairs."""
    schema = labels.schema
    args: dict[int, list[Argument]] = {i: [] for i in range(len(triggers))}
    if role_probs is not None and pairs:
        roles = labels.roles
        for (t, e), p in zip(pairs, role_probs):
            ev_type = triggers[t].type
            ent = entities[e][1]
            # best role the schema allows for this event and entity type, against "no role"
            best, best_p = 0, float(p[0])
            for r in range(1, len(roles)):
                if schema.allows(ev_type, roles[r], ent.type) and float(p[r]) > best_p:
                    best, best_p = r, float(p[r])
            if best:
                args[t].append(Argument(roles[best], ent, round(best_p, 4)))
    events = []
    for i, t in enumerate(triggers):
        trig = Span(t.start, t.end, text[t.start:t.end])
        events.append(Event(t.type, trig, tuple(args[i]), round(t.score, 4)))
    return events
