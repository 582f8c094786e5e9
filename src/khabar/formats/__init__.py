"""Reading and writing annotated documents: native JSONL, BRAT standoff and CoNLL token-per-line.

``read`` infers the format from the path and its content unless ``format=`` is given, checks every
document with :mod:`khabar.validate` and raises :class:`~khabar.errors.DataError` with ``file:line``
messages rather than dropping or repairing anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from khabar.document import Document
from khabar.errors import DataError
from khabar.schema import Schema

FORMATS = ("jsonl", "brat", "conll")


def detect_format(path: str | Path) -> str:
    """Guess a file's format: ``.jsonl``/``.json`` → jsonl; a directory or ``.txt`` with ``.ann`` → brat;
    a token-per-line file → conll."""
    p = Path(path)
    if p.is_dir():
        return "brat"
    if p.suffix in (".jsonl", ".json"):
        return "jsonl"
    if p.suffix == ".ann" or (p.suffix == ".txt" and p.with_suffix(".ann").exists()):
        return "brat"
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file or directory")
    with open(p, encoding="utf-8") as f:
        head = [line for _, line in zip(range(50), f) if line.strip()]
    if head and head[0].lstrip().startswith("{"):
        return "jsonl"
    if head and all(len(line.split()) >= 2 for line in head):
        return "conll"
    raise DataError(f"{p}: cannot tell the format (not JSONL, BRAT or token-per-line CoNLL); pass format=")


def iter_checked(path: str | Path, format: str | None = None, schema: Schema | None = None,
                 **options) -> Iterator[tuple[str, Document | None, list[str]]]:
    """Yield ``(location, document_or_None, problems)``; location is ``file:line`` of the record."""
    schema = schema or Schema.default()
    fmt = format or detect_format(path)
    if fmt == "jsonl":
        from khabar.formats.jsonl import iter_jsonl

        for lineno, doc, problems in iter_jsonl(path, schema):
            yield f"{path}:{lineno}", doc, problems
    elif fmt == "brat":
        from khabar.formats.brat import iter_brat

        yield from iter_brat(path, schema, **options)
    elif fmt == "conll":
        from khabar.formats.conll import iter_conll

        yield from iter_conll(path, schema, **options)
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def read(path: str | Path, format: str | None = None, schema: Schema | None = None, **options) -> Iterator[Document]:
    """Yield the documents of ``path``; the first invalid document raises DataError naming file:line."""
    if not Path(path).exists():
        raise FileNotFoundError(f"{path}: no such file or directory")
    for where, doc, problems in iter_checked(path, format, schema, **options):
        if problems or doc is None:
            raise DataError([f"{where}: {p}" for p in problems])
        yield doc


def write(docs: Iterable[Document], path: str | Path, format: str = "jsonl", **options) -> int:
    """Write documents to ``path`` in ``format``; returns how many were written."""
    if format == "jsonl":
        from khabar.formats.jsonl import write_jsonl

        with open(path, "w", encoding="utf-8") as f:
            return write_jsonl(docs, f)
    if format == "brat":
        from khabar.formats.brat import write_brat

        return write_brat(docs, path, **options)
    if format == "conll":
        from khabar.formats.conll import write_conll

        return write_conll(docs, path, **options)
    raise ValueError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
