"""Native JSONL: one document per line, exactly as GUIDELINES §1 defines it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Iterable, Iterator

from khabar.document import Document, record_problems
from khabar.schema import Schema
from khabar.validate import document_problems


def iter_jsonl(path: str | Path, schema: Schema) -> Iterator[tuple[int, Document | None, list[str]]]:
    """Yield ``(line_number, document_or_None, problems)`` for every non-blank line of ``path``."""
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                yield lineno, None, [f"invalid JSON: {e.msg} (column {e.colno})"]
                continue
            problems = list(record_problems(record))
            if problems:
                yield lineno, None, problems
                continue
            doc = Document.from_dict(record)
            yield lineno, doc, document_problems(doc, schema)


def write_jsonl(docs: Iterable[Document], out: IO[str]) -> int:
    n = 0
    for doc in docs:
        out.write(doc.to_json() + "\n")
        n += 1
    return n
