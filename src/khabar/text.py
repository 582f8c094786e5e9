"""Offset-exact text handling: sentence splitting, normalisation and word segmentation.

Written by hand because no library gives all three with an exact map back to the user's characters:
the encoder sees normalised text (no tashkeel or tatweel, Western digits, punctuation split off, as
AraBERT v0.2 expects), while every span khabar returns indexes the text exactly as given.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from khabar.document import Span

# Characters the encoder never sees: Arabic diacritics (tashkeel, Quranic marks) and tatweel.
_REMOVED = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Sentence ends (GUIDELINES §4): ! ? ؟ ؛ and line breaks; '.' unless it stands between two digits.
_SENTENCE_END = re.compile(r"[!?؟؛\n\r\u2029]|(?<!\d)\.|\.(?!\d)")
# Letters that attach to the front of a word as proclitics (GUIDELINES §2): و ف ب ل ك س.
PROCLITIC_LETTERS = frozenset("وفبلكس")
MAX_PROCLITIC = 3


def is_removed(ch: str) -> bool:
    """True for characters normalisation deletes (diacritics, tatweel)."""
    return _REMOVED.match(ch) is not None


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def is_punctuation(word: str) -> bool:
    """True for a word that is a single punctuation mark or symbol (how split_words emits them)."""
    return len(word) == 1 and _is_punct(word)


@dataclass(frozen=True)
class Word:
    """A word of normalised text, with its offsets in the original text.

    ``norm`` is what the encoder reads; ``starts[i]`` is the original offset of ``norm[i]``, so a span
    that begins ``k`` letters into the word (after a proclitic) begins at ``starts[k]``.
    """

    norm: str
    start: int
    end: int
    starts: tuple[int, ...]


def normalise(text: str) -> tuple[str, list[int]]:
    """Return the encoder's view of ``text`` and, for each of its characters, the original offset."""
    kept = [(i, ch) for i, ch in enumerate(text) if not is_removed(ch)]
    norm = "".join(ch for _, ch in kept).translate(_DIGITS)
    return norm, [i for i, _ in kept]


def split_sentences(text: str) -> list[Span]:
    """Split ``text`` into sentences by the guidelines' rule; spans are trimmed of whitespace."""
    spans = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append(Span(s, e, text[s:e]))
    return out


def split_words(text: str, start: int = 0, end: int | None = None) -> list[Word]:
    """Words of ``text[start:end]``: runs of non-space characters, each punctuation mark on its own.

    Offsets are into ``text``. A word's end is extended over trailing diacritics so that the span of
    ``وفداً`` covers its tanween.
    """
    end = len(text) if end is None else end
    words: list[Word] = []
    cur: list[tuple[int, str]] = []

    def flush() -> None:
        if cur:
            last = cur[-1][0] + 1
            while last < end and is_removed(text[last]):
                last += 1
            words.append(Word("".join(c for _, c in cur).translate(_DIGITS), cur[0][0], last, tuple(i for i, _ in cur)))
            cur.clear()

    for i in range(start, end):
        ch = text[i]
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"):
            flush()
        elif is_removed(ch):
            continue
        elif _is_punct(ch):
            flush()
            cur.append((i, ch))
            flush()
        else:
            cur.append((i, ch))
    flush()
    return words


def proclitic_length(word: Word, span_start: int) -> int | None:
    """How many normalised letters of ``word`` lie before ``span_start``; None if not a proclitic."""
    if span_start <= word.start:
        return 0
    k = sum(1 for s in word.starts if s < span_start)
    if k > MAX_PROCLITIC or k >= len(word.norm) or not all(c in PROCLITIC_LETTERS for c in word.norm[:k]):
        return None
    return k


def allowed_proclitic_lengths(word: Word) -> list[int]:
    """The proclitic lengths a span may strip from ``word`` (0 always; 1..3 if letters allow)."""
    out = [0]
    for k in range(1, min(MAX_PROCLITIC, len(word.norm) - 2) + 1):
        if word.norm[k - 1] in PROCLITIC_LETTERS:
            out.append(k)
        else:
            break
    return out
