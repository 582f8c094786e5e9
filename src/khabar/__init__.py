"""khabar — typed events from Arabic news, every span tied to exact character offsets.

    >>> import khabar
    >>> for event in khabar.extract(text):
    ...     print(event.type, event.trigger.text, event.roles)
"""

from __future__ import annotations

from khabar import events
from khabar.document import Argument, Document, Entity, Event, Span
from khabar.errors import ConfigError, DataError, KhabarError, ModelError, SchemaError
from khabar.formats import read, write
from khabar.schema import Schema

__version__ = "0.1.0"

__all__ = [
    "Argument", "Document", "Entity", "Event", "Span", "Schema", "events",
    "read", "write", "validate_files", "evaluate", "load", "extract", "analyze", "train",
    "KhabarError", "DataError", "SchemaError", "ConfigError", "ModelError",
]


def validate_files(paths, schema: Schema | None = None, format: str | None = None, **options) -> list[str]:
    """Every problem in the given annotated files, as ``file:line: what`` messages.

    ``options`` go to the CoNLL reader (``corpus=``, ``span_edges=``)."""
    from khabar.formats import iter_checked

    problems = []
    for path in paths:
        for where, _doc, doc_problems in iter_checked(path, format, schema, **options):
            problems.extend(f"{where}: {p}" for p in doc_problems)
    return problems


def __getattr__(name: str):
    # Model-side API is imported lazily so that reading and validating data does not import torch.
    if name in ("load", "extract", "analyze"):
        from khabar import extractor

        return getattr(extractor, name)
    if name == "train":
        from khabar.train import train

        return train
    if name == "evaluate":
        from khabar.scoring import evaluate

        return evaluate
    raise AttributeError(f"module 'khabar' has no attribute {name!r}")
