"""The document model: a text with entity spans and events, all tied to character offsets.

Offsets are 0-based code-point indices into the unmodified text, end exclusive (Python slicing, as
in BRAT standoff). Objects are small and immutable, in the spirit of spaCy's ``Doc``/``Span``.
``to_dict``/``from_dict`` read and write the native JSONL record of GUIDELINES §1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any, Iterator, Mapping

from khabar.errors import DataError


@dataclass(frozen=True)
class Span:
    """A stretch of text: ``text == document.text[start:end]``."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Span":
        return cls(start=d["start"], end=d["end"], text=d["text"])

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Entity:
    """A typed mention (PER, ORG, GPE, ...) at ``text[start:end]``.

    ``value`` holds a normalised value (an ISO date for TIME, a count for person groups); ``score``
    is the model's confidence, ``None`` for gold annotations.
    """

    type: str
    start: int
    end: int
    text: str
    score: float | None = None
    value: Any = None
    id: str | None = None

    def __hash__(self) -> int:  # value may be a dict; identity is type + offsets + id
        return hash((self.type, self.start, self.end, self.id))

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.text)

    def overlaps(self, other: "Span | Entity") -> bool:
        return self.start < other.end and other.start < self.end

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {}
        if self.id is not None:
            d["id"] = self.id
        d.update(type=self.type, start=self.start, end=self.end, text=self.text)
        if self.score is not None:
            d["score"] = self.score
        if self.value is not None:
            d["value"] = self.value
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Entity":
        return cls(type=d["type"], start=d["start"], end=d["end"], text=d["text"],
                   score=d.get("score"), value=d.get("value"), id=d.get("id"))

    def __repr__(self) -> str:
        return f"Entity({self.type} {self.text!r} [{self.start}:{self.end}])"


@dataclass(frozen=True)
class Argument:
    """An entity filling a role of an event."""

    role: str
    entity: Entity
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"role": self.role, "entity": self.entity.id}
        if self.score is not None:
            d["score"] = self.score
        return d


_EVENT_CLASSES: dict[str, type["Event"]] = {}


@dataclass(frozen=True)
class Event:
    """An event mention: a typed trigger span and the entities that fill its roles.

    ``Event(...)`` with the name of a built-in type returns that type's class (``Attack``, ``Die``,
    ...), which adds a read-only property per role; other types behave the same through :meth:`get`.
    """

    type: str
    trigger: Span
    arguments: tuple[Argument, ...] = ()
    score: float | None = None
    id: str | None = None

    def __new__(cls, *args: Any, **kwargs: Any) -> "Event":
        event_type = args[0] if args else kwargs.get("type")
        target = _EVENT_CLASSES.get(event_type, cls) if cls is Event else cls
        return object.__new__(target)

    def __init_subclass__(cls, event_type: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if event_type is not None:
            _EVENT_CLASSES[event_type] = cls

    def __post_init__(self) -> None:
        object.__setattr__(self, "arguments", tuple(self.arguments))

    def get(self, role: str) -> tuple[Entity, ...]:
        """The entities filling ``role``, in text order."""
        return tuple(sorted((a.entity for a in self.arguments if a.role == role), key=lambda e: e.start))

    @property
    def roles(self) -> dict[str, tuple[Entity, ...]]:
        """Every filled role with its entities."""
        return {a.role: self.get(a.role) for a in self.arguments}

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {}
        if self.id is not None:
            d["id"] = self.id
        d.update(type=self.type, trigger=self.trigger.to_dict(), arguments=[a.to_dict() for a in self.arguments])
        if self.score is not None:
            d["score"] = self.score
        return d

    def __repr__(self) -> str:
        args = ", ".join(f"{a.role}={a.entity.text!r}" for a in self.arguments)
        return f"{type(self).__name__}({self.trigger.text!r} [{self.trigger.start}:{self.trigger.end}]{', ' if args else ''}{args})"


@dataclass(frozen=True)
class Document:
    """An article: its text, the entities found in it and the events they take part in."""

    text: str
    entities: tuple[Entity, ...] = ()
    events: tuple[Event, ...] = ()
    id: str | None = None
    date: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise TypeError(f"Document text must be str, not {type(self.text).__name__}")
        object.__setattr__(self, "entities", tuple(self.entities))
        object.__setattr__(self, "events", tuple(self.events))

    def with_ids(self) -> "Document":
        """A copy where every entity and event has an id (T1.., E1..), keeping existing ones."""
        used = {e.id for e in self.entities if e.id} | {v.id for v in self.events if v.id}
        counter = {"T": 0, "E": 0}

        def fresh(prefix: str) -> str:
            while True:
                counter[prefix] += 1
                candidate = f"{prefix}{counter[prefix]}"
                if candidate not in used:
                    used.add(candidate)
                    return candidate

        renamed: dict[int, Entity] = {}
        entities = []
        for e in self.entities:
            new = e if e.id else replace(e, id=fresh("T"))
            renamed[id(e)] = new
            entities.append(new)
        events = []
        for v in self.events:
            args = tuple(replace(a, entity=renamed.get(id(a.entity), a.entity)) for a in v.arguments)
            missing = [a.entity for a in args if a.entity.id is None]
            if missing:
                raise ValueError(f"event {v!r} has an argument entity that is not in document.entities")
            events.append(replace(v, arguments=args, id=v.id or fresh("E")))
        return replace(self, entities=tuple(entities), events=tuple(events))

    def to_dict(self) -> dict[str, Any]:
        doc = self.with_ids()
        d: dict[str, Any] = {}
        if doc.id is not None:
            d["id"] = doc.id
        if doc.date is not None:
            d["date"] = doc.date
        d.update(doc.meta)
        d["text"] = doc.text
        d["entities"] = [e.to_dict() for e in doc.entities]
        d["events"] = [v.to_dict() for v in doc.events]
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Document":
        """Build a document from a native JSONL record. Raises :class:`DataError` on a malformed one.

        Structure only (fields, types, argument references); offsets and schema are checked by
        :mod:`khabar.validate`.
        """
        problems = list(record_problems(d))
        if problems:
            raise DataError(problems)
        entities = [Entity.from_dict(e) for e in d.get("entities", [])]
        by_id = {e.id: e for e in entities}
        events = []
        for v in d.get("events", []):
            args = tuple(Argument(a["role"], by_id[a["entity"]], a.get("score")) for a in v.get("arguments", []))
            events.append(Event(v["type"], Span.from_dict(v["trigger"]), args, v.get("score"), v.get("id")))
        meta = {k: v for k, v in d.items() if k not in {"id", "date", "text", "entities", "events"}}
        return cls(d["text"], tuple(entities), tuple(events), d.get("id"), d.get("date"), meta)

    @classmethod
    def from_json(cls, line: str) -> "Document":
        return cls.from_dict(json.loads(line))

    def sentences(self) -> list[Span]:
        from khabar.text import split_sentences

        return split_sentences(self.text)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def __repr__(self) -> str:
        return f"Document(id={self.id!r}, {len(self.text)} chars, {len(self.entities)} entities, {len(self.events)} events)"


def record_problems(d: Any) -> Iterator[str]:
    """Structural problems of one native record: missing fields, wrong types, dangling references."""
    if not isinstance(d, Mapping):
        yield f"a document must be a JSON object, not {type(d).__name__}"
        return
    if not isinstance(d.get("text"), str):
        yield "missing or non-string 'text'"
    if "date" in d and d["date"] is not None and not isinstance(d["date"], str):
        yield "'date' must be an ISO date string"
    ids: set[str] = set()
    ents = d.get("entities", [])
    if not isinstance(ents, list):
        yield "'entities' must be a list"
        ents = []
    for i, e in enumerate(ents):
        where = f"entity {e.get('id', i) if isinstance(e, Mapping) else i}"
        if not isinstance(e, Mapping):
            yield f"{where}: not an object"
            continue
        yield from _span_field_problems(e, where, need_type=True)
        if not isinstance(e.get("id"), str):
            yield f"{where}: missing or non-string 'id'"
        elif e["id"] in ids:
            yield f"{where}: duplicate id {e['id']!r}"
        else:
            ids.add(e["id"])
    evs = d.get("events", [])
    if not isinstance(evs, list):
        yield "'events' must be a list"
        evs = []
    for i, v in enumerate(evs):
        where = f"event {v.get('id', i) if isinstance(v, Mapping) else i}"
        if not isinstance(v, Mapping):
            yield f"{where}: not an object"
            continue
        if not isinstance(v.get("type"), str):
            yield f"{where}: missing or non-string 'type'"
        if not isinstance(v.get("trigger"), Mapping):
            yield f"{where}: missing 'trigger'"
        else:
            yield from _span_field_problems(v["trigger"], f"{where} trigger", need_type=False)
        args = v.get("arguments", [])
        if not isinstance(args, list):
            yield f"{where}: 'arguments' must be a list"
            continue
        for a in args:
            if not isinstance(a, Mapping) or not isinstance(a.get("role"), str) or "entity" not in a:
                yield f"{where}: an argument must be {{'role': str, 'entity': id}}"
            elif a["entity"] not in ids:
                yield f"{where}: argument {a['role']} points to unknown entity {a['entity']!r}"


def _span_field_problems(s: Mapping[str, Any], where: str, need_type: bool) -> Iterator[str]:
    if need_type and not isinstance(s.get("type"), str):
        yield f"{where}: missing or non-string 'type'"
    for key in ("start", "end"):
        if not isinstance(s.get(key), int) or isinstance(s.get(key), bool):
            yield f"{where}: missing or non-integer {key!r}"
    if not isinstance(s.get("text"), str):
        yield f"{where}: missing or non-string 'text'"
