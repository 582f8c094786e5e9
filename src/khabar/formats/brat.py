"""BRAT standoff, the format of BRAT and INCEpTION exports: ``NAME.txt`` + ``NAME.ann`` per document.

What is read and written::

    T1<TAB>ORG 5 30<TAB>وسائل إعلام النظام السوري        an entity (or, when an E line uses it, a trigger)
    T5<TAB>Attack 120 124<TAB>قصف                        a trigger: a T line typed with the event type
    E1<TAB>Attack:T5 Attacker:T3 Place:T7 Place2:T9      an event; BRAT numbers repeated roles
    #1<TAB>AnnotatorNotes T1<TAB>...                     notes for humans: ignored, on purpose

Offsets are character offsets into the ``.txt`` exactly as stored (read with ``newline=''`` so a
``\\r\\n`` counts as two characters, as BRAT counts it). Entity and event ids are kept; the ids of
trigger T lines are not part of the document model and are renumbered on writing.

What BRAT cannot hold (the document's ``date`` and other metadata, an id that is not a safe file
name, entity ``value``/``score``, event and argument ``score``) goes into an optional
``NAME.meta.json`` sidecar, so JSONL → BRAT → JSONL gives back an identical document.

The reader never drops or repairs an annotation: attributes (A/M), relations (R), equivalences (*),
normalisations (N), discontinuous spans (``0 5;8 10``), events used as arguments, dangling ids and
malformed lines are all reported as problems, and every document is checked with
:func:`khabar.validate.document_problems`. Each problem names ``file.ann:line`` of the annotation it
is about.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from khabar.document import Argument, Document, Entity, Event, Span
from khabar.errors import DataError
from khabar.schema import Schema
from khabar.validate import document_problems

Located = tuple[str, Document | None, list[str]]
"""What readers yield: ``(file:line, document_or_None, problems)``."""

META_SUFFIX = ".meta.json"
_UNSUPPORTED_KINDS = {
    "A": "attribute", "M": "attribute", "R": "relation", "*": "equivalence", "N": "normalisation",
}
_SAFE_NAME = re.compile(r"[^\s:;]+")  # types and roles: no spaces, and not the ':' ';' of E and T lines
_ENTITY_ID = re.compile(r"T[^\s:;]*")
_EVENT_ID = re.compile(r"E[^\s:;]*")
_UNSAFE_FILE_CHARS = re.compile(r"[^\w.-]")
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: int() would also take Arabic-Indic digits
_ROLE_NUMBER = re.compile(r"^(.*?\D)\d+$")
# How validate.py names the annotation a problem is about: "entity T3 (PER): ...",
# "event E1 (Attack) trigger: ...", "event E1: ...", "... trigger of E2 '...' ...".
_REFERENCE = re.compile(r"\b(entity|event|trigger of) ([^\s:(']+)(?: \([^)]*\))?( trigger)?")


# -- helpers shared with the CoNLL reader ----------------------------------------------------------

def read_text(path: Path) -> tuple[str | None, str | None]:
    """``(text, None)`` for a UTF-8 file read without newline translation, or ``(None, problem)``."""
    try:
        data = path.read_bytes()
    except OSError as e:
        return None, f"cannot read {path.name}: {e.strerror or e}"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return None, f"line {line} of {path.name} is not UTF-8 ({e.reason} at byte {e.start})"


def problem_line(problem: str, entity_lines: Mapping[str, int], event_lines: Mapping[str, int] | None = None,
                 trigger_lines: Mapping[str, int] | None = None, default: int = 1) -> int:
    """The line of the annotation a :func:`document_problems` message is about.

    The validator names annotations by id (``entity T3 (PER): ...``, ``event E1 (Attack) trigger:
    ...``, ``trigger of E2``); the first id found in one of the tables gives the line. ``default``
    when the message names none.
    """
    event_lines, trigger_lines = event_lines or {}, trigger_lines or {}
    for m in _REFERENCE.finditer(problem):
        kind, ident, trigger = m.group(1), m.group(2), m.group(3)
        if kind == "trigger of" or (kind == "event" and trigger):
            line = trigger_lines.get(ident) or event_lines.get(ident)
        elif kind == "event":
            line = event_lines.get(ident)
        else:
            line = entity_lines.get(ident)
        if line:
            return line
    return default


def by_location(problems: Iterable[tuple[str, int, str]], doc: Document | None,
                where_if_valid: str) -> Iterator[Located]:
    """Turn one document's ``(file, line, what)`` problems into reader tuples.

    Problems are grouped by ``file:line`` (in file and line order) so that ``khabar validate`` prints
    each as ``file:line: what``. The document goes with the first tuple only and the later ones carry
    ``None``, so a caller that collects documents sees it once and one that keeps only problem-free
    documents never sees it. A valid document gives one tuple ``(where_if_valid, doc, [])``.
    """
    groups: dict[tuple[str, int], list[str]] = {}
    for file, line, what in problems:
        groups.setdefault((file, line), []).append(what)
    if not groups:
        yield where_if_valid, doc, []
        return
    for i, ((file, line), whats) in enumerate(sorted(groups.items(), key=lambda kv: kv[0])):
        yield f"{file}:{line}", doc if i == 0 else None, whats


# -- reading -------------------------------------------------------------------------------------

@dataclass
class _TLine:
    id: str
    type: str
    start: int
    end: int
    text: str
    line: int


@dataclass
class _ELine:
    id: str
    type: str
    trigger: str
    arguments: list[tuple[str, str]]
    line: int


@dataclass
class _Parsed:
    tlines: dict[str, _TLine] = field(default_factory=dict)
    elines: dict[str, _ELine] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)


def iter_brat(path: str | Path, schema: Schema) -> Iterator[Located]:
    """Yield ``(file:line, document_or_None, problems)`` for each BRAT document under ``path``.

    ``path`` is a directory (every ``*.ann`` in it, by name; not recursive), a ``.ann`` file or the
    ``.txt`` of a document. The document id is the file stem unless the sidecar gives one. A
    document with problems on several lines gives one tuple per line (see :func:`by_location`).
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file or directory")
    if p.is_dir():
        anns = sorted(p.glob("*.ann"))
        for txt in sorted(p.glob("*.txt")):
            if not txt.with_suffix(".ann").exists():
                yield f"{txt}:1", None, [f"no {txt.with_suffix('.ann').name} next to this text: a BRAT "
                                         "document needs an .ann file (an empty one if it has no annotations)"]
        for meta in sorted(p.glob(f"*{META_SUFFIX}")):
            if not meta.with_name(meta.name[: -len(META_SUFFIX)] + ".ann").exists():
                yield f"{meta}:1", None, [f"sidecar of no document: there is no "
                                          f"{meta.name[: -len(META_SUFFIX)]}.ann next to it"]
    elif p.suffix == ".ann":
        anns = [p]
    elif p.suffix == ".txt":
        if not p.with_suffix(".ann").exists():
            yield f"{p}:1", None, [f"no {p.with_suffix('.ann').name} next to this text: not a BRAT document"]
            return
        anns = [p.with_suffix(".ann")]
    else:
        yield f"{p}:1", None, ["not a BRAT document: expected a directory, a .ann or a .txt file"]
        return
    for ann in anns:
        yield from _read_document(ann, schema)


def _read_document(ann: Path, schema: Schema) -> Iterator[Located]:
    txt, meta_path = ann.with_suffix(".txt"), ann.with_name(ann.stem + META_SUFFIX)
    located: list[tuple[str, int, str]] = []
    ann_source, problem = read_text(ann)
    if ann_source is None:
        yield f"{ann}:1", None, [problem or "unreadable"]
        return
    parsed = _parse_ann(ann_source)
    located += [(str(ann), line, what) for line, what in parsed.problems]
    text, problem = read_text(txt) if txt.exists() else (None, f"missing text file {txt.name}")
    if problem:
        located.append((str(ann), 1, problem))
    sidecar, sidecar_problems = _read_sidecar(meta_path) if meta_path.exists() else ({}, [])
    located += [(str(meta_path), 1, what) for what in sidecar_problems]
    if text is None:
        yield from by_location(located, None, f"{ann}:1")
        return

    entities, events, build_problems = _build(parsed, schema, sidecar)
    located += [(str(ann), line, what) for line, what in build_problems]
    extra = {k: v for k, v in sidecar.items() if k not in ("id", "date", "entities", "events")}
    doc = Document(text, tuple(entities), tuple(events), sidecar.get("id", ann.stem),
                   sidecar.get("date"), extra)
    entity_lines = {t.id: t.line for t in parsed.tlines.values()}
    event_lines = {e.id: e.line for e in parsed.elines.values()}
    trigger_lines = {e.id: parsed.tlines[e.trigger].line for e in parsed.elines.values() if e.trigger in parsed.tlines}
    for what in document_problems(doc, schema):
        located.append((str(ann), problem_line(what, entity_lines, event_lines, trigger_lines), what))
    yield from by_location(located, doc, f"{ann}:1")


def _parse_ann(source: str) -> _Parsed:
    """Parse the lines of an .ann file into T and E records, noting every line it cannot take."""
    out = _Parsed()
    for lineno, raw in enumerate(source.split("\n"), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        kind = line[0]
        if kind == "#":  # AnnotatorNotes: free text for annotators, not an annotation
            continue
        ident = line.split("\t", 1)[0]
        if ident in out.tlines or ident in out.elines:
            out.problems.append((lineno, f"duplicate id {ident!r}"))
            continue
        if kind == "T":
            t = _parse_t(line, lineno, out.problems)
            if t:
                out.tlines[t.id] = t
        elif kind == "E":
            e = _parse_e(line, lineno, out.problems)
            if e:
                out.elines[e.id] = e
        elif kind in _UNSUPPORTED_KINDS:
            what = _UNSUPPORTED_KINDS[kind]
            out.problems.append((lineno, f"{what} {ident!r}: BRAT {what}s are not supported by khabar "
                                         "(entities and events only); remove or convert it"))
        else:
            out.problems.append((lineno, f"unknown BRAT line kind {kind!r} (expected T, E, A, R, *, N or #)"))
    return out


def _parse_t(line: str, lineno: int, problems: list[tuple[int, str]]) -> _TLine | None:
    parts = line.split("\t")
    if len(parts) != 3 or " " not in parts[1]:
        problems.append((lineno, "malformed T line: expected 'ID<TAB>TYPE START END<TAB>TEXT'"))
        return None
    ident, (label, offsets), covered = parts[0], parts[1].split(" ", 1), parts[2]
    if ";" in offsets:
        problems.append((lineno, f"{ident}: discontinuous span {offsets!r} is not supported (khabar spans are "
                                 "one stretch of text); split it into separate annotations"))
        return None
    bounds = offsets.split()
    if len(bounds) != 2 or not all(_DIGITS.fullmatch(b) for b in bounds):
        problems.append((lineno, f"{ident}: malformed offsets {offsets!r}: expected 'START END'"))
        return None
    return _TLine(ident, label, int(bounds[0]), int(bounds[1]), covered, lineno)


def _parse_e(line: str, lineno: int, problems: list[tuple[int, str]]) -> _ELine | None:
    parts = line.rstrip().split("\t")  # tolerate trailing whitespace, as BRAT does
    fields = parts[1].split() if len(parts) == 2 else []
    if not fields or any(f.count(":") != 1 for f in fields):
        problems.append((lineno, "malformed E line: expected 'ID<TAB>TYPE:TRIGGER ROLE:ID ...'"))
        return None
    label, trigger = fields[0].split(":")
    arguments = [(role, ref) for role, ref in (f.split(":") for f in fields[1:])]
    return _ELine(parts[0], label, trigger, arguments, lineno)


def _role_name(role: str, event_type: str, schema: Schema) -> str:
    """``Place2`` → ``Place``: BRAT numbers the repeats of a role. A role the schema knows is kept as is."""
    if role in schema.event_types.get(event_type, {}):
        return role
    m = _ROLE_NUMBER.match(role)
    return m.group(1) if m else role


def _build(parsed: _Parsed, schema: Schema, sidecar: Mapping[str, Any]
           ) -> tuple[list[Entity], list[Event], list[tuple[int, str]]]:
    """Entities and events from the parsed lines; T lines used as triggers are not entities."""
    problems: list[tuple[int, str]] = []
    extras_e = sidecar.get("entities", {})
    extras_v = sidecar.get("events", {})
    trigger_ids = {e.trigger for e in parsed.elines.values()}
    entities: dict[str, Entity] = {}
    for t in parsed.tlines.values():
        if t.id in trigger_ids:
            continue
        if t.type in schema.event_types and t.type not in schema.entity_types:
            problems.append((t.line, f"{t.id} has the event type {t.type!r} but no E line uses it as a trigger"))
            continue
        x = extras_e.get(t.id, {})
        entities[t.id] = Entity(t.type, t.start, t.end, t.text, x.get("score"), x.get("value"), t.id)
    events: list[Event] = []
    for e in parsed.elines.values():
        t = parsed.tlines.get(e.trigger)
        if t is None:
            problems.append((e.line, f"{e.id}: trigger {e.trigger!r} is not a T annotation of this document"))
            continue
        if t.type != e.type:
            problems.append((e.line, f"{e.id} is typed {e.type!r} but its trigger {t.id} is typed {t.type!r}"))
        x = extras_v.get(e.id, {})
        arg_scores = x.get("argument_scores") or [None] * len(e.arguments)
        if len(arg_scores) != len(e.arguments):
            problems.append((e.line, f"sidecar {META_SUFFIX}: event {e.id} has {len(arg_scores)} argument scores "
                                     f"for {len(e.arguments)} arguments"))
        args = []
        for i, (role, ref) in enumerate(e.arguments):
            if ref in entities:
                score = arg_scores[i] if i < len(arg_scores) else None
                args.append(Argument(_role_name(role, e.type, schema), entities[ref], score))
            elif ref in parsed.elines:
                problems.append((e.line, f"{e.id}: argument {role}:{ref} is an event; khabar arguments are "
                                         "entities (nested events are not supported)"))
            elif ref in trigger_ids:
                problems.append((e.line, f"{e.id}: argument {role}:{ref} is the trigger of an event, not an entity"))
            elif ref in parsed.tlines:
                problems.append((e.line, f"{e.id}: argument {role}:{ref} is not an entity "
                                         f"(see line {parsed.tlines[ref].line})"))
            else:
                problems.append((e.line, f"{e.id}: argument {role}:{ref} points to an unknown id {ref!r}"))
        events.append(Event(e.type, Span(t.start, t.end, t.text), tuple(args), x.get("score"), e.id))
    for ident in set(extras_e) - set(entities):
        problems.append((1, f"sidecar {META_SUFFIX}: entity {ident!r} is not an entity of the .ann file"))
    for ident in set(extras_v) - set(parsed.elines):
        problems.append((1, f"sidecar {META_SUFFIX}: event {ident!r} is not an event of the .ann file"))
    return list(entities.values()), events, problems


def _read_sidecar(path: Path) -> tuple[dict[str, Any], list[str]]:
    """The ``NAME.meta.json`` object, or ``({}, problems)`` when it is unusable."""
    source, problem = read_text(path)
    if source is None:
        return {}, [problem or "unreadable"]
    try:
        data = json.loads(source)
    except json.JSONDecodeError as e:
        return {}, [f"invalid JSON in {path.name}: {e.msg} (line {e.lineno}, column {e.colno})"]
    problems = []
    if not isinstance(data, dict):
        return {}, [f"{path.name} must hold a JSON object"]
    if "text" in data:
        problems.append(f"{path.name}: 'text' is not allowed here; the text lives in the .txt file")
    if data.get("id") is not None and not isinstance(data["id"], str):
        problems.append(f"{path.name}: 'id' must be a string")
    if data.get("date") is not None and not isinstance(data["date"], str):
        problems.append(f"{path.name}: 'date' must be an ISO date string")
    for key in ("entities", "events"):
        if not isinstance(data.get(key, {}), dict) or not all(isinstance(v, dict) for v in data.get(key, {}).values()):
            problems.append(f"{path.name}: {key!r} must map ids to objects")
    return ({}, problems) if problems else (data, [])


# -- writing -------------------------------------------------------------------------------------

def write_brat(docs: Iterable[Document], path: str | Path) -> int:
    """Write each document as ``NAME.txt`` + ``NAME.ann`` (+ ``NAME.meta.json``) in directory ``path``.

    ``NAME`` is the document id made safe as a file name (``doc<N>`` for a document without one,
    with ``-2``, ``-3``... on a clash). Returns how many documents were written. Raises
    :class:`DataError` for a document BRAT cannot hold (an id, type or role with spaces, a span text
    with a line break or tab).
    """
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    names: set[str] = set()
    n = 0
    for n, doc in enumerate(docs, 1):
        doc = doc.with_ids()
        name = _file_name(doc.id, n, names)
        ann, sidecar = _render(doc)
        (out / f"{name}.txt").write_text(doc.text, encoding="utf-8", newline="")
        (out / f"{name}.ann").write_text(ann, encoding="utf-8", newline="")
        meta_path = out / f"{name}{META_SUFFIX}"
        if doc.id != name:
            sidecar = {"id": doc.id, **sidecar}
        if sidecar:
            meta_path.write_text(json.dumps(sidecar, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        else:
            meta_path.unlink(missing_ok=True)  # a stale sidecar would be read back with this document
    return n


def _file_name(doc_id: str | None, n: int, used: set[str]) -> str:
    base = _UNSAFE_FILE_CHARS.sub("_", doc_id).lstrip(".") if doc_id else ""
    base = base or f"doc{n}"
    name, k = base, 1
    while name in used:
        k += 1
        name = f"{base}-{k}"
    used.add(name)
    return name


def _render(doc: Document) -> tuple[str, dict[str, Any]]:
    """The .ann text of ``doc`` (which has ids) and the sidecar fields BRAT cannot hold."""
    problems: list[str] = []
    where = f"document {doc.id!r}"

    def check(value: str, what: str, pattern: re.Pattern[str] = _SAFE_NAME) -> None:
        if not pattern.fullmatch(value):
            problems.append(f"{where}: {what} {value!r} cannot be written to BRAT (spaces, ':' or ';')")

    def span_text(s: Span | Entity, what: str) -> str:
        if any(c in s.text for c in "\t\n\r"):
            problems.append(f"{where}: {what} {s.text!r} contains a tab or line break; BRAT cannot hold it")
        return s.text

    lines: list[str] = []
    sidecar: dict[str, Any] = {}
    if doc.date is not None:
        sidecar["date"] = doc.date
    reserved = sorted(set(doc.meta) & {"id", "date", "text", "entities", "events"})
    if reserved:
        problems.append(f"{where}: meta key(s) {', '.join(reserved)} clash with document fields")
    sidecar.update(doc.meta)
    extras_e: dict[str, Any] = {}
    for e in doc.entities:
        check(e.id or "", "entity id", _ENTITY_ID)
        check(e.type, "entity type")
        lines.append(f"{e.id}\t{e.type} {e.start} {e.end}\t{span_text(e, 'entity text')}")
        extra = {k: v for k, v in (("value", e.value), ("score", e.score)) if v is not None}
        if extra:
            extras_e[e.id or ""] = extra
    entity_ids = {e.id for e in doc.entities}
    taken = set(entity_ids)
    counter = max([int(i[1:]) for i in taken if i and i[1:].isdigit()], default=0)
    triggers: dict[tuple[str, int, int, str], str] = {}
    extras_v: dict[str, Any] = {}
    for v in doc.events:
        check(v.id or "", "event id", _EVENT_ID)
        check(v.type, "event type")
        key = (v.type, v.trigger.start, v.trigger.end, v.trigger.text)
        if key not in triggers:
            counter += 1
            while f"T{counter}" in taken:
                counter += 1
            triggers[key] = f"T{counter}"
            taken.add(triggers[key])
            lines.append(f"{triggers[key]}\t{v.type} {v.trigger.start} {v.trigger.end}\t"
                         f"{span_text(v.trigger, 'trigger text')}")
        seen: dict[str, int] = {}
        fields = [f"{v.type}:{triggers[key]}"]
        for a in v.arguments:
            check(a.role, "role")
            if a.entity.id not in entity_ids:
                problems.append(f"{where}: event {v.id} argument {a.role} {a.entity.text!r} is not one of the "
                                "document's entities")
            seen[a.role] = seen.get(a.role, 0) + 1
            fields.append(f"{a.role}{seen[a.role] if seen[a.role] > 1 else ''}:{a.entity.id}")
        lines.append(f"{v.id}\t{' '.join(fields)}")
        extra: dict[str, Any] = {}
        if v.score is not None:
            extra["score"] = v.score
        if any(a.score is not None for a in v.arguments):
            extra["argument_scores"] = [a.score for a in v.arguments]
        if extra:
            extras_v[v.id or ""] = extra
    if problems:
        raise DataError(problems)
    if extras_e:
        sidecar["entities"] = extras_e
    if extras_v:
        sidecar["events"] = extras_v
    return "".join(line + "\n" for line in lines), sidecar
