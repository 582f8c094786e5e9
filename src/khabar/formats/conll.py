"""CoNLL token-per-line files: ``token TAG [TAG ...]``, a blank line between sentences.

This is the layout of ANERcorp (``token TAG``, B-/I- of PERS LOC ORG MISC) and of Wojood, whose extra
tag columns are nested layers (tag column 1 holds the outermost entity, column 2 one nested inside
it, ...; a shorter line has no entity at the deeper layers).

Reading rebuilds a text by joining the tokens of a sentence with single spaces and the sentences
with ``"\\n"``, and turns each tag column into character spans the way conlleval does: ``B-X``
opens an entity, ``I-X`` continues an open ``X`` and otherwise opens a new one (IOB1, and the few
ANERcorp entities that start with ``I-``). Corpus labels become schema types through a label map:
a section of ``configs/corpora.yaml`` (``corpus="anercorp"``), an explicit ``label_map``, or none,
in which case labels are used verbatim and must be entity types of the schema. A label mapped to
``null`` is deliberately left out; a label with no entry is a problem, never silently dropped.

Only the first tag column is read by default (flat entities, as the guidelines annotate them);
``layers="all"`` reads every column and so may produce nested, overlapping entities, which
validation then reports as overlaps.

Token boundaries are kept on each document (``meta["tokens"]``: ``[start, end]`` pairs) and
:func:`conll_sentences` / :func:`read_conll_tags` give token-level data for seqeval.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Literal, Mapping, Sequence

from khabar.document import Document, Entity
from khabar.errors import ConfigError, DataError
from khabar.formats.brat import Located, by_location, problem_line, read_text
from khabar.schema import Schema, load_yaml
from khabar.validate import document_problems

CORPORA_PATH = Path(__file__).resolve().parents[1] / "configs" / "corpora.yaml"
"""Label maps of the corpora khabar reads (``configs/corpora.yaml``)."""

LabelMap = Mapping[str, "str | None"]
Layers = int | Sequence[int] | Literal["all"]

_TAG = re.compile(r"([BI])-(\S+)")
_DOCSTART = "-DOCSTART-"


# -- label maps ------------------------------------------------------------------------------------

def load_label_map(corpus: str, path: str | Path | None = None) -> dict[str, str | None]:
    """The ``corpus`` section of ``corpora.yaml``: corpus label → schema type, or ``None`` to leave out."""
    source = Path(path) if path else CORPORA_PATH
    data = load_yaml(source) or {}
    if not isinstance(data, dict) or corpus not in data:
        known = ", ".join(sorted(data)) if isinstance(data, dict) else "none"
        raise ConfigError(f"{source}: no label map for corpus {corpus!r} (known: {known})")
    mapping = data[corpus]
    if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in mapping.items()):
        raise ConfigError(f"{source}: {corpus} must map each corpus label to a schema type or null")
    return dict(mapping)


def _check_label_map(label_map: LabelMap, schema: Schema, name: str) -> None:
    wrong = sorted(f"{k} -> {v}" for k, v in label_map.items() if v is not None and v not in schema.entity_types)
    if wrong:
        raise ConfigError(f"label map {name}: {', '.join(wrong)}: not entity types of the schema "
                          f"({', '.join(schema.entity_types)})")


# -- token-level reading -------------------------------------------------------------------------

@dataclass(frozen=True)
class ConllSentence:
    """One sentence of a CoNLL file: its tokens, the tag fields of each token and where it starts.

    Tokens are on consecutive lines, so token ``i`` is on line ``line + i``.
    """

    tokens: tuple[str, ...]
    columns: tuple[tuple[str, ...], ...]
    line: int

    def tags(self, column: int = 1) -> list[str]:
        """The tags of tag column ``column`` (1 = first after the token); ``O`` where a line is shorter."""
        return [c[column - 1] if len(c) >= column else "O" for c in self.columns]

    @property
    def width(self) -> int:
        """How many tag columns the widest line of the sentence has."""
        return max((len(c) for c in self.columns), default=0)

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    def offsets(self, base: int = 0) -> list[tuple[int, int]]:
        """Character offsets of the tokens in :attr:`text`, shifted by ``base``."""
        out, pos = [], base
        for tok in self.tokens:
            out.append((pos, pos + len(tok)))
            pos += len(tok) + 1
        return out


def _parse(path: Path) -> tuple[list[ConllSentence], list[tuple[int, str]]]:
    """All sentences of ``path`` and ``(line, problem)`` for lines it cannot read."""
    source, problem = read_text(path)
    if source is None:
        return [], [(1, problem or "unreadable")]
    if source.startswith("\ufeff"):
        source = source[1:]  # a byte-order mark is not a token
    sentences: list[ConllSentence] = []
    problems: list[tuple[int, str]] = []
    tokens: list[str] = []
    columns: list[tuple[str, ...]] = []
    first = 0

    def close() -> None:
        if tokens:
            sentences.append(ConllSentence(tuple(tokens), tuple(columns), first))
            tokens.clear()
            columns.clear()

    for lineno, line in enumerate(source.split("\n"), 1):
        fields = line.split()
        if not fields or fields[0] == _DOCSTART:  # CoNLL-2003 document marker: a boundary, no token
            close()
            continue
        if not tokens:
            first = lineno
        if len(fields) == 1:
            problems.append((lineno, f"token {fields[0]!r} has no tag (expected 'token TAG [TAG ...]')"))
        tokens.append(fields[0])
        columns.append(tuple(fields[1:]))
    close()
    return sentences, problems


def conll_sentences(path: str | Path) -> list[ConllSentence]:
    """The sentences of a CoNLL file; raises :class:`DataError` (``file:line``) on a malformed line."""
    sentences, problems = _parse(Path(path))
    if problems:
        raise DataError([f"{path}:{line}: {what}" for line, what in problems])
    return sentences


def read_conll_tokens(path: str | Path) -> list[list[str]]:
    """The tokens of each sentence, aligned with :func:`read_conll_tags`."""
    return [list(s.tokens) for s in conll_sentences(path)]


def read_conll_tags(path: str | Path, column: int = 1, label_map: LabelMap | None = None,
                    corpus: str | None = None) -> list[list[str]]:
    """The tags of each sentence (tag column ``column``), as seqeval takes them.

    With ``corpus`` or ``label_map`` the labels are mapped to schema types (a label mapped to null
    becomes ``O``; one without an entry raises :class:`DataError`); without, tags are returned as
    written.
    """
    if corpus is not None:
        if label_map is not None:
            raise ValueError("pass corpus= or label_map=, not both")
        label_map = load_label_map(corpus)
    out = []
    missing: list[str] = []
    for s in conll_sentences(path):
        tags = s.tags(column)
        if label_map is not None:
            mapped = []
            for i, tag in enumerate(tags):
                m = _TAG.fullmatch(tag)
                if m is None:
                    mapped.append(tag)
                elif m.group(2) not in label_map:
                    missing.append(f"{path}:{s.line + i}: label {m.group(2)!r} has no entry in the label map")
                    mapped.append(tag)
                else:
                    target = label_map[m.group(2)]
                    mapped.append("O" if target is None else f"{m.group(1)}-{target}")
            tags = mapped
        out.append(tags)
    if missing:
        raise DataError(missing)
    return out


def bio_chunks(tags: Sequence[str]) -> tuple[list[tuple[str, int, int]], list[tuple[int, str]]]:
    """``(label, first_token, end_token)`` chunks of a BIO/IOB1 tag sequence, as conlleval finds them.

    ``I-X`` continues an entity only when the previous tag is ``B-X`` or ``I-X``; otherwise it opens a
    new one. Also returns ``(token_index, problem)`` for tags that are not ``O``, ``B-X`` or ``I-X``
    (they end any open entity and open none).
    """
    chunks: list[tuple[str, int, int]] = []
    problems: list[tuple[int, str]] = []
    label: str | None = None
    start = 0
    for i, tag in enumerate(tags):
        m = _TAG.fullmatch(tag)
        if m and m.group(1) == "I" and m.group(2) == label:
            continue
        if label is not None:
            chunks.append((label, start, i))
        label, start = (m.group(2), i) if m else (None, i)
        if m is None and tag != "O":
            problems.append((i, f"tag {tag!r} is not O, B-TYPE or I-TYPE"))
    if label is not None:
        chunks.append((label, start, len(tags)))
    return chunks, problems


# -- documents -----------------------------------------------------------------------------------

def iter_conll(path: str | Path, schema: Schema, label_map: LabelMap | None = None, layers: Layers = 1,
               doc_per: Literal["sentence", "file"] = "sentence", corpus: str | None = None,
               span_edges: bool = True) -> Iterator[Located]:
    """Yield ``(file:line, document_or_None, problems)`` for a CoNLL file.

    ``doc_per="sentence"`` (default) makes one document per sentence, with id ``<stem>:<line of its
    first token>``; ``doc_per="file"`` one document (id ``<stem>``) whose sentences are lines of its
    text. ``layers`` picks the tag columns read: ``1`` (default, flat), another column number, a list
    of them, or ``"all"``. Label problems name the line of the entity's first token.

    ``span_edges=False`` does not check that spans start and end on letters (GUIDELINES §2): a
    token-level corpus cannot move an edge inside a token, and ANERcorp has spans such as ``محمد ب.``
    (7 in train, 4 in test) that would otherwise make :func:`khabar.read` refuse the file. Everything
    else (labels, offsets, types, overlaps) is still checked.
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file or directory")
    if doc_per not in ("sentence", "file"):
        raise ValueError(f"doc_per must be 'sentence' or 'file', not {doc_per!r}")
    if corpus is not None:
        if label_map is not None:
            raise ValueError("pass corpus= or label_map=, not both")
        label_map = load_label_map(corpus)
    if label_map is not None:
        _check_label_map(label_map, schema, corpus or "label_map")
    _columns(layers, 1)  # a bad ``layers`` fails here, before any reading
    reading = _Reading(schema, label_map, corpus or "given", layers, span_edges)
    sentences, line_problems = _parse(p)
    if not sentences and line_problems:
        yield from by_location([(str(p), line, what) for line, what in line_problems], None, f"{p}:1")
        return
    if doc_per == "file":
        yield from reading.document(p, sentences, p.stem, line_problems)
        return
    # A line problem belongs to the sentence whose first line is the last one at or before it.
    firsts = [s.line for s in sentences]
    own: list[list[tuple[int, str]]] = [[] for _ in sentences]
    for line, what in line_problems:
        own[max(bisect_right(firsts, line) - 1, 0)].append((line, what))
    for s, problems in zip(sentences, own):
        yield from reading.document(p, [s], f"{p.stem}:{s.line}", problems)


def _columns(layers: Layers, width: int) -> list[int]:
    if layers == "all":
        return list(range(1, max(width, 1) + 1))
    if isinstance(layers, int) and not isinstance(layers, bool):
        cols = [layers]
    elif isinstance(layers, Sequence) and not isinstance(layers, str):
        cols = list(layers)
    else:
        raise ValueError(f"layers must be a column number, a list of them or 'all', not {layers!r}")
    if not all(isinstance(c, int) and c >= 1 for c in cols):
        raise ValueError(f"tag columns are numbered from 1, not {layers!r}")
    return cols


@dataclass(frozen=True)
class _Reading:
    """The settings of one :func:`iter_conll` call, turning sentences into checked documents."""

    schema: Schema
    label_map: LabelMap | None
    map_name: str
    layers: Layers
    span_edges: bool

    def target(self, label: str) -> tuple[str | None, str | None]:
        """``(schema type or None to leave the entity out, problem or None)`` for a corpus label."""
        if self.label_map is None:
            if label in self.schema.entity_types:
                return label, None
            return None, (f"label {label!r} is not an entity type of the schema "
                          f"({', '.join(self.schema.entity_types)}); pass corpus= or label_map=")
        if label not in self.label_map:
            return None, (f"label {label!r} has no entry in the {self.map_name} label map; "
                          "map it to an entity type, or to null to leave it out")
        return self.label_map[label], None

    def document(self, path: Path, sentences: list[ConllSentence], doc_id: str,
                 line_problems: list[tuple[int, str]]) -> Iterator[Located]:
        """The document of ``sentences`` (joined by newlines), with its problems by line."""
        problems = list(line_problems)
        offsets: list[tuple[int, int]] = []
        found: list[tuple[int, int, int, str, int]] = []  # start, -end, column, type, line
        base = 0
        for s in sentences:
            tok_offsets = s.offsets(base)
            offsets += tok_offsets
            for column in _columns(self.layers, s.width):
                chunks, tag_problems = bio_chunks(s.tags(column))
                problems += [(s.line + i, what) for i, what in tag_problems]
                for label, a, b in chunks:
                    target, problem = self.target(label)
                    if problem:
                        problems.append((s.line + a, problem))
                    elif target is not None:
                        found.append((tok_offsets[a][0], -tok_offsets[b - 1][1], column, target, s.line + a))
            base += len(s.text) + 1
        text = "\n".join(s.text for s in sentences)
        found.sort()
        entities = [Entity(t, start, -neg_end, text[start:-neg_end], id=f"T{i}")
                    for i, (start, neg_end, _, t, _) in enumerate(found, 1)]
        entity_lines = {f"T{i}": line for i, (*_, line) in enumerate(found, 1)}
        doc = Document(text, tuple(entities), (), doc_id, None, {"tokens": [list(o) for o in offsets]})
        first = sentences[0].line if sentences else 1
        for what in document_problems(doc, self.schema, span_edges=self.span_edges):
            problems.append((problem_line(what, entity_lines, default=first), what))
        yield from by_location([(str(path), line, what) for line, what in problems], doc, f"{path}:{first}")


# -- writing -------------------------------------------------------------------------------------

def doc_to_bio(doc: Document, events: Literal["error", "drop", "triggers"] = "error",
               labels: Mapping[str, str] | None = None) -> list[tuple[list[str], list[str]]]:
    """``(tokens, tags)`` for each line of ``doc.text``: whitespace tokens, BIO tags from the entities.

    Raises :class:`DataError` for a span that does not start and end on token boundaries, crosses a
    line, or overlaps another: CoNLL cannot hold it, and shifting it would change the annotation.
    ``events``: ``"error"`` refuses a document with events (CoNLL holds no arguments), ``"drop"``
    leaves them out, ``"triggers"`` tags each trigger with its event type. ``labels`` renames types
    on the way out (e.g. ``{"PER": "PERS"}``).
    """
    where = f"document {doc.id!r}"
    problems: list[str] = []
    lines: list[tuple[list[str], list[str]]] = []
    starts: dict[int, tuple[int, int]] = {}
    ends: dict[int, tuple[int, int]] = {}
    pos = 0
    for line_text in doc.text.split("\n"):
        tokens = [(m.start() + pos, m.end() + pos, m.group()) for m in re.finditer(r"\S+", line_text)]
        if tokens:
            k = len(lines)
            for i, (a, b, _) in enumerate(tokens):
                starts[a], ends[b] = (k, i), (k, i)
            lines.append(([t for *_, t in tokens], ["O"] * len(tokens)))
        pos += len(line_text) + 1
    spans = [(e.start, e.end, e.type, f"entity {e.id + ' ' if e.id else ''}{e.text!r}") for e in doc.entities]
    if doc.events and events == "error":
        problems.append(f"{where} has {len(doc.events)} event(s): CoNLL holds entity tags only; "
                        "pass events='drop' or events='triggers'")
    elif events == "triggers":
        spans += sorted({(v.trigger.start, v.trigger.end, v.type, f"trigger {v.trigger.text!r}") for v in doc.events})
    elif events not in ("error", "drop"):
        raise ValueError(f"events must be 'error', 'drop' or 'triggers', not {events!r}")
    for start, end, label, what in spans:
        a, b = starts.get(start), ends.get(end)
        if a is None or b is None:
            problems.append(f"{where}: {what} [{start}:{end}] does not start and end on whitespace token boundaries")
            continue
        if a[0] != b[0]:
            problems.append(f"{where}: {what} [{start}:{end}] crosses a line break (a CoNLL sentence boundary)")
            continue
        tags = lines[a[0]][1]
        if any(t != "O" for t in tags[a[1]:b[1] + 1]):
            problems.append(f"{where}: {what} [{start}:{end}] overlaps another span; BIO tags are flat")
            continue
        out = labels.get(label, label) if labels else label
        tags[a[1]:b[1] + 1] = [f"B-{out}"] + [f"I-{out}"] * (b[1] - a[1])
    if problems:
        raise DataError(problems)
    return lines


def write_conll(docs: Iterable[Document], path: str | Path, events: Literal["error", "drop", "triggers"] = "error",
                labels: Mapping[str, str] | None = None) -> int:
    """Write documents as ``token TAG`` lines, a blank line after each sentence (each line of a text).

    Every document is converted (see :func:`doc_to_bio`) before anything is written, so a problem in
    any of them raises :class:`DataError` listing them all and leaves no half-written file. Document
    ids, dates, values and scores have no place in CoNLL and are not written. Returns the number of
    documents.
    """
    out: list[str] = []
    problems: list[str] = []
    n = 0
    for n, doc in enumerate(docs, 1):
        try:
            sentences = doc_to_bio(doc, events, labels)
        except DataError as e:
            problems += e.problems
            continue
        for tokens, tags in sentences:
            out += [f"{tok} {tag}\n" for tok, tag in zip(tokens, tags)]
            out.append("\n")
    if problems:
        raise DataError(problems)
    Path(path).write_text("".join(out), encoding="utf-8", newline="")
    return n
