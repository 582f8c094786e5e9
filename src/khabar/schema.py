"""The annotation schema as data: entity types, event types and the roles of each event type.

Everything downstream — label sets, typed event classes, validation and scoring — is derived from a
:class:`Schema`, so extending khabar means editing ``configs/schema.yaml`` and retraining.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping

import yaml

from khabar.errors import SchemaError

DEFAULT_SCHEMA_PATH = Path(__file__).parent / "configs" / "schema.yaml"


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses duplicate mapping keys instead of keeping the last one."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise SchemaError(
                f"{key_node.start_mark.name}:{key_node.start_mark.line + 1}: duplicate key {key!r} "
                f"(first at line {seen[key] + 1})"
            )
        seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def load_yaml(path: str | Path) -> Any:
    """Read a YAML file, failing with ``file:line`` on syntax errors and duplicate keys."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as f:
            return yaml.load(f, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise SchemaError(f"{where}: invalid YAML: {e.problem or e}") from None


@dataclass(frozen=True)
class Schema:
    """Entity types, and for each event type its roles mapped to the entity types they accept."""

    entity_types: tuple[str, ...]
    event_types: Mapping[str, Mapping[str, tuple[str, ...]]]
    version: int | str = 1

    def __post_init__(self) -> None:
        problems = []
        if len(set(self.entity_types)) != len(self.entity_types):
            dup = sorted({t for t in self.entity_types if self.entity_types.count(t) > 1})
            problems.append(f"duplicate entity type(s): {', '.join(dup)}")
        for event_type, roles in self.event_types.items():
            if event_type in self.entity_types:
                problems.append(f"event type {event_type!r} has the same name as an entity type")
            if not isinstance(roles, Mapping):
                problems.append(f"event type {event_type!r}: roles must be a mapping of role -> [entity types]")
                continue
            for role, allowed in roles.items():
                if not allowed:
                    problems.append(f"{event_type}.{role}: allows no entity type")
                for t in allowed:
                    if t not in self.entity_types:
                        problems.append(f"{event_type}.{role}: unknown entity type {t!r}")
                if len(set(allowed)) != len(allowed):
                    problems.append(f"{event_type}.{role}: an entity type is listed twice")
        if problems:
            raise SchemaError("inconsistent schema: " + "; ".join(problems))

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "schema") -> "Schema":
        if not isinstance(data, Mapping):
            raise SchemaError(f"{source}: a schema is a mapping with entity_types and event_types")
        unknown = set(data) - {"version", "entity_types", "event_types"}
        if unknown:
            raise SchemaError(f"{source}: unknown key(s): {', '.join(sorted(unknown))}")
        for key in ("entity_types", "event_types"):
            if key not in data:
                raise SchemaError(f"{source}: missing {key!r}")
        events = data["event_types"] or {}
        if not isinstance(events, Mapping):
            raise SchemaError(f"{source}: event_types must be a mapping")
        try:
            return cls(
                entity_types=tuple(data["entity_types"]),
                event_types={
                    ev: {role: tuple(types or ()) for role, types in (roles or {}).items()}
                    for ev, roles in events.items()
                },
                version=data.get("version", 1),
            )
        except SchemaError as e:
            raise SchemaError(f"{source}: {e}") from None
        except (TypeError, AttributeError) as e:
            raise SchemaError(f"{source}: malformed schema ({e})") from None

    @classmethod
    def load(cls, path: str | Path) -> "Schema":
        """Load a schema from YAML (or JSON, which is YAML)."""
        return cls.from_dict(load_yaml(path), source=str(path))

    @classmethod
    def default(cls) -> "Schema":
        """Schema v1, as defined by the annotation guidelines."""
        return cls.load(DEFAULT_SCHEMA_PATH)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "entity_types": list(self.entity_types),
            "event_types": {ev: {r: list(t) for r, t in roles.items()} for ev, roles in self.event_types.items()},
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False), encoding="utf-8")

    # -- derived views ------------------------------------------------------------------------
    def roles(self, event_type: str) -> tuple[str, ...]:
        return tuple(self.event_types[event_type])

    @cached_property
    def all_roles(self) -> tuple[str, ...]:
        """Every role name used by any event type, in first-seen order."""
        seen: dict[str, None] = {}
        for roles in self.event_types.values():
            seen.update(dict.fromkeys(roles))
        return tuple(seen)

    def allows(self, event_type: str, role: str, entity_type: str) -> bool:
        return entity_type in self.event_types.get(event_type, {}).get(role, ())

    @cached_property
    def span_labels(self) -> tuple[str, ...]:
        """Span types the tagger predicts: entity types, then event (trigger) types."""
        return tuple(self.entity_types) + tuple(self.event_types)

    def __hash__(self) -> int:  # dataclass(frozen) with a dict field is not hashable by default
        return hash((self.entity_types, tuple((e, tuple(r.items())) for e, r in self.event_types.items())))
