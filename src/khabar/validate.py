"""Checks that an annotated document follows the guidelines (GUIDELINES §1, §2, §4, §7).

One function, :func:`document_problems`, lists every problem of a document; readers call it so that
nothing malformed is silently dropped or repaired, and ``khabar validate`` prints its findings as
``file:line: what``.
"""

from __future__ import annotations

import unicodedata
from typing import Iterable, Iterator

from khabar.document import Document, Span
from khabar.schema import Schema
from khabar.text import split_sentences


def _edge_problem(text: str, span: Span) -> str | None:
    first, last = text[span.start], text[span.end - 1]
    if first.isspace() or unicodedata.category(first)[0] in "PSM":
        return f"starts on {first!r}, not on a letter"
    if last.isspace() or unicodedata.category(last)[0] in "PS":
        return f"ends on {last!r}, not on a letter"
    return None


def span_problems(text: str, span: Span, what: str, *, edges: bool = True) -> Iterator[str]:
    """Offsets inside the text, non-empty, matching ``text`` field, starting and ending on letters.

    ``edges=False`` skips the last rule (GUIDELINES §2), for token-level corpora whose spans are whole
    tokens that may carry punctuation (ANERcorp ``محمد ب.``).
    """
    if not (0 <= span.start < span.end <= len(text)):
        yield f"{what}: offsets [{span.start}:{span.end}] are outside the text (length {len(text)}) or empty"
        return
    actual = text[span.start:span.end]
    if actual != span.text:
        yield f"{what}: text {span.text!r} does not match text[{span.start}:{span.end}] = {actual!r}"
        return
    edge = _edge_problem(text, span) if edges else None
    if edge:
        yield f"{what} {span.text!r} [{span.start}:{span.end}] {edge}"


def document_problems(doc: Document, schema: Schema, *, span_edges: bool = True) -> list[str]:
    """Every way ``doc`` breaks the schema or the span rules; an empty list when it is valid.

    ``span_edges=False`` leaves out the "starts and ends on a letter" rule (see :func:`span_problems`).
    """
    problems: list[str] = []
    text = doc.text
    for e in doc.entities:
        where = f"entity {e.id or ''} ({e.type})".replace("  ", " ")
        if e.type not in schema.entity_types:
            problems.append(f"{where}: unknown entity type {e.type!r}")
        problems.extend(span_problems(text, e.span, where, edges=span_edges))
    for v in doc.events:
        where = f"event {v.id or ''} ({v.type})".replace("  ", " ")
        if v.type not in schema.event_types:
            problems.append(f"{where}: unknown event type {v.type!r}")
        problems.extend(span_problems(text, v.trigger, f"{where} trigger", edges=span_edges))
        roles = schema.event_types.get(v.type, {})
        for a in v.arguments:
            if v.type in schema.event_types and a.role not in roles:
                problems.append(f"{where}: unknown role {a.role!r} for {v.type} (allowed: {', '.join(roles)})")
            elif v.type in schema.event_types and a.entity.type not in roles[a.role]:
                problems.append(
                    f"{where}: role {a.role} cannot take a {a.entity.type} entity ({a.entity.text!r}); "
                    f"allowed: {', '.join(roles[a.role])}"
                )
    problems.extend(_overlap_problems(doc))
    problems.extend(_sentence_problems(doc))
    return problems


def _overlap_problems(doc: Document) -> Iterable[str]:
    spans = [(e.start, e.end, f"entity {e.id or ''} {e.text!r}") for e in doc.entities]
    spans += [(v.trigger.start, v.trigger.end, f"trigger of {v.id or v.type} {v.trigger.text!r}") for v in doc.events]
    spans.sort()
    out = []
    # Triggers of two events may share a span only if they are the same span (one act, one trigger).
    for i, (s, e, what) in enumerate(spans):
        for s2, e2, what2 in spans[i + 1:]:
            if s2 >= e:
                break
            if what.startswith("trigger") and what2.startswith("trigger") and (s, e) == (s2, e2):
                continue
            out.append(f"overlapping spans: {what} [{s}:{e}] and {what2} [{s2}:{e2}]")
    return out


def _sentence_problems(doc: Document) -> Iterable[str]:
    sentences = split_sentences(doc.text)

    def sentence_of(pos: int) -> int:
        for i, s in enumerate(sentences):
            if s.start <= pos < s.end:
                return i
        return -1

    out = []
    for v in doc.events:
        if not 0 <= v.trigger.start < len(doc.text):
            continue
        k = sentence_of(v.trigger.start)
        for a in v.arguments:
            if 0 <= a.entity.start < len(doc.text) and sentence_of(a.entity.start) != k:
                out.append(
                    f"event {v.id or v.type}: argument {a.role} {a.entity.text!r} [{a.entity.start}:{a.entity.end}] "
                    f"is outside the trigger's sentence"
                )
    return out
