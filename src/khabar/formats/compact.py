"""The compact annotation format: annotate by surface string, sentence by sentence, never by offset.

Annotators (people or helpers) write one small text file per article; this module turns it into a
:class:`~khabar.document.Document` with exact offsets and reports every problem as ``file:line``.
Example (sentence numbers are those of ``khabar.text.split_sentences``, 1-based)::

    @S2
    PER ناشطون
    ORG الطيران الحربي الروسي
    GPE عندان
    EV Statement قال | Speaker=ناشطون
    EV Attack ضربات | Attacker=الطيران الحربي الروسي | Place=عندان

A surface that occurs more than once in its sentence needs ``@k`` (its k-th occurrence, counting
every match of the string, also inside longer words): ``حلب@2``. Arguments name entities declared in
the same sentence, with the same ``@k`` if the entity needed one. ``#`` starts a comment line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from khabar.document import Argument, Document, Entity, Event, Span
from khabar.schema import Schema
from khabar.text import split_sentences
from khabar.validate import document_problems

_OCC = re.compile(r"^(.*?)@(\d+)$")


@dataclass
class _Sentence:
    span: Span
    entities: dict[tuple[str, int], Entity] = field(default_factory=dict)


def _occurrences(text: str, surface: str) -> list[int]:
    """Start of every match of ``surface`` in ``text``, overlapping ones included."""
    return [m.start() for m in re.finditer(f"(?={re.escape(surface)})", text)]


def _find(sentence: Span, surface: str, occurrence: int | None) -> tuple[int | None, str | None]:
    """Absolute start of the surface's occurrence in the sentence, or an error message."""
    hits = _occurrences(sentence.text, surface)
    if not hits:
        return None, f"{surface!r} does not occur in sentence"
    if occurrence is None:
        if len(hits) > 1:
            ctx = "; ".join(f"@{i + 1}: …{sentence.text[max(0, h - 12):h + len(surface) + 12]}…" for i, h in enumerate(hits))
            return None, f"{surface!r} occurs {len(hits)} times in the sentence; add @k ({ctx})"
        occurrence = 1
    if not 1 <= occurrence <= len(hits):
        return None, f"{surface!r}@{occurrence}: it occurs only {len(hits)} time(s) in the sentence"
    return sentence.start + hits[occurrence - 1], None


def _surface(token: str) -> tuple[str, int | None]:
    token = token.strip()
    m = _OCC.match(token)
    return (m.group(1).strip(), int(m.group(2))) if m else (token, None)


def parse_compact(spec: str, text: str, schema: Schema, source: str = "<spec>", doc_id: str | None = None,
                  date: str | None = None, meta: dict | None = None) -> tuple[Document, list[str]]:
    """Build a Document from a compact spec over ``text``; returns it with every problem found."""
    sentences = [_Sentence(s) for s in split_sentences(text)]
    problems: list[str] = []
    entities: list[Entity] = []
    events: list[Event] = []
    current: _Sentence | None = None
    for lineno, raw in enumerate(spec.splitlines(), 1):
        line = raw.strip()
        where = f"{source}:{lineno}"
        if not line or line.startswith("#"):
            continue
        if line.startswith("@S"):
            try:
                n = int(line[2:])
                current = sentences[n - 1]
                if n < 1:
                    raise IndexError
            except (ValueError, IndexError):
                problems.append(f"{where}: bad sentence marker {line!r} (the text has {len(sentences)} sentences)")
                current = None
            continue
        if current is None:
            problems.append(f"{where}: annotation before any valid @S<n> sentence marker")
            continue
        kind, _, rest = line.partition(" ")
        if kind == "EV":
            parts = rest.split("|")
            ev_type, _, trig = parts[0].strip().partition(" ")
            if ev_type not in schema.event_types:
                problems.append(f"{where}: unknown event type {ev_type!r}")
                continue
            surface, occ = _surface(trig)
            start, err = _find(current.span, surface, occ)
            if err:
                problems.append(f"{where}: trigger {err}")
                continue
            args = []
            for part in parts[1:]:
                role, eq, arg = part.partition("=")
                role = role.strip()
                if not eq or not arg.strip():
                    problems.append(f"{where}: argument {part.strip()!r} is not Role=surface")
                    continue
                key = _surface(arg)
                ent = current.entities.get((key[0], key[1] or 1))
                if ent is None:
                    problems.append(f"{where}: argument {role}={arg.strip()!r} names no entity declared in this sentence")
                    continue
                args.append(Argument(role, ent))
            events.append(Event(ev_type, Span(start, start + len(surface), surface), tuple(args)))
        else:
            if kind not in schema.entity_types:
                problems.append(f"{where}: unknown entity type or directive {kind!r}")
                continue
            surface, occ = _surface(rest)
            start, err = _find(current.span, surface, occ)
            if err:
                problems.append(f"{where}: entity {err}")
                continue
            key = (surface, occ or 1)
            if key in current.entities:
                problems.append(f"{where}: entity {surface!r}@{key[1]} is declared twice in this sentence")
                continue
            ent = Entity(kind, start, start + len(surface), surface)
            current.entities[key] = ent
            entities.append(ent)
    entities.sort(key=lambda e: e.start)
    events.sort(key=lambda v: v.trigger.start)
    doc = Document(text, tuple(entities), tuple(events), doc_id, date, meta or {}).with_ids()
    problems.extend(f"{source}: {p}" for p in document_problems(doc, schema))
    return doc, problems


def render_compact(doc: Document) -> str:
    """Write a document as a compact spec (the inverse of :func:`parse_compact`), for pre-annotation."""
    sentences = split_sentences(doc.text)
    lines = []
    for n, s in enumerate(sentences, 1):
        ents = [e for e in doc.entities if s.start <= e.start < s.end]
        evs = [v for v in doc.events if s.start <= v.trigger.start < s.end]
        if not ents and not evs:
            continue
        lines.append(f"@S{n}")

        def ref(span_text: str, start: int) -> str:
            hits = [h + s.start for h in _occurrences(s.text, span_text)]
            return span_text if len(hits) == 1 else f"{span_text}@{hits.index(start) + 1}"

        for e in ents:
            lines.append(f"{e.type} {ref(e.text, e.start)}")
        for v in evs:
            args = "".join(f" | {a.role}={ref(a.entity.text, a.entity.start)}" for a in v.arguments)
            lines.append(f"EV {v.type} {ref(v.trigger.text, v.trigger.start)}{args}")
    return "\n".join(lines) + "\n"


def read_compact(spec_path: str | Path, text: str, schema: Schema, **kw) -> tuple[Document, list[str]]:
    return parse_compact(Path(spec_path).read_text(encoding="utf-8"), text, schema, source=str(spec_path), **kw)
