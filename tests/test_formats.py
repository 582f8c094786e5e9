"""Readers and writers of khabar.formats: BRAT standoff, CoNLL token-per-line, format inference.

The ANERcorp and Wojood checks read ../shared/data (next to the repository) and are skipped when it
is not there.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import khabar
from khabar import Argument, DataError, Document, Entity, Event, Schema, Span
from khabar.cli import main as cli_main
from khabar.errors import ConfigError
from khabar.formats import detect_format, iter_checked, read, write
from khabar.formats.brat import iter_brat, write_brat
from khabar.formats.conll import (bio_chunks, conll_sentences, doc_to_bio, iter_conll, load_label_map,
                                  read_conll_tags, read_conll_tokens, write_conll)

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "000_bc5014cbca3bf3a9.gold.jsonl"
SHARED = REPO.parent / "shared"
ANERCORP = SHARED / "data" / "anercorp"
WOJOOD = SHARED / "data" / "wojood_sample"
needs_shared = pytest.mark.skipif(not (SHARED / "data").is_dir(),
                                  reason=f"shared data folder {SHARED / 'data'} is not present")

SCHEMA = Schema.default()
ANER_SCHEMA = Schema(entity_types=("PERS", "LOC", "ORG", "MISC"), event_types={})


def at(text: str, sub: str, start: int = 0) -> tuple[int, int]:
    """Offsets of the first ``sub`` in ``text`` from ``start``."""
    i = text.index(sub, start)
    return i, i + len(sub)


def entity(text: str, type_: str, sub: str, ident: str, **kw) -> Entity:
    s, e = at(text, sub)
    return Entity(type_, s, e, sub, id=ident, **kw)


# -- BRAT: round trips -----------------------------------------------------------------------------

def test_jsonl_to_brat_to_jsonl_is_identical(tmp_path):
    original = [json.loads(line) for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    docs = list(read(SEED))
    assert write(docs, tmp_path / "brat", format="brat") == len(docs)
    back = list(read(tmp_path / "brat"))
    assert [d.to_dict() for d in back] == [d.to_dict() for d in docs] == original
    write(back, tmp_path / "again.jsonl")
    assert [json.loads(x) for x in (tmp_path / "again.jsonl").read_text(encoding="utf-8").splitlines()] == original


def _handmade() -> list[Document]:
    text = "قصفت الطائرات الروسية حلب وإدلب الأحد.\nوالتقى بوتين أردوغان في موسكو."
    planes, aleppo, idlib = (entity(text, "ORG", "الطائرات الروسية", "T1"), entity(text, "GPE", "حلب", "T2"),
                             entity(text, "GPE", "إدلب", "T3"))
    sunday = entity(text, "TIME", "الأحد", "T4", value="2020-02-16", score=0.5)
    putin, erdogan, moscow = (entity(text, "PER", "بوتين", "T10"), entity(text, "PER", "أردوغان", "T11"),
                              entity(text, "GPE", "موسكو", "T12"))
    s, e = at(text, "قصفت")
    attack = Event("Attack", Span(s, e, "قصفت"),
                   (Argument("Attacker", planes), Argument("Place", aleppo, 0.9), Argument("Place", idlib),
                    Argument("Time", sunday)), score=0.75, id="E1")
    die = Event("Die", Span(s, e, "قصفت"), (Argument("Place", aleppo),), id="E2")  # shares the trigger
    s, e = at(text, "التقى")
    meet = Event("Meet", Span(s, e, "التقى"), (Argument("Participant", putin), Argument("Participant", erdogan),
                                                Argument("Place", moscow)), id="E7")
    doc = Document(text, (planes, aleppo, idlib, sunday, putin, erdogan, moscow), (attack, die, meet),
                   id="news/2020 01", date="2020-02-16", meta={"source": "handmade", "tags": ["a", "b"]})
    plain = Document("غادر الوفد.", (), (), id="plain")
    no_id = Document("لا شيء هنا.", (), ())
    return [doc, plain, no_id]


def test_brat_round_trip_of_handmade_documents(tmp_path):
    docs = _handmade()
    assert write_brat(docs, tmp_path) == 3
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["doc3.ann", "doc3.meta.json", "doc3.txt", "news_2020_01.ann", "news_2020_01.meta.json",
                     "news_2020_01.txt", "plain.ann", "plain.txt"]
    ann = (tmp_path / "news_2020_01.ann").read_text(encoding="utf-8")
    assert "E1\tAttack:T13 Attacker:T1 Place:T2 Place2:T3 Time:T4\n" in ann  # repeated role numbered
    assert "E2\tDie:T14 Place:T2\n" in ann
    assert "E7\tMeet:T15 Participant:T10 Participant2:T11 Place:T12\n" in ann
    back = list(read(tmp_path))
    by_id = {d.id: d for d in back}
    for d in docs:
        assert by_id[d.id].to_dict() == d.to_dict()
    assert by_id["news/2020 01"].events[2].get("Participant")[1].text == "أردوغان"


def test_brat_text_offsets_are_exact_with_crlf(tmp_path):
    text = "سطر أول\r\nقصفت حلب"
    doc = Document(text, (entity(text, "GPE", "حلب", "T1"),), (), id="crlf")
    write_brat([doc], tmp_path)
    assert (tmp_path / "crlf.txt").read_bytes() == text.encode("utf-8")
    assert [d.to_dict() for d in read(tmp_path / "crlf.ann")] == [doc.to_dict()]


def test_brat_reads_plain_repeated_roles_and_skips_annotator_notes(tmp_path):
    text = "قصفت الطائرات حلب وإدلب."
    (tmp_path / "d.txt").write_text(text, encoding="utf-8")
    lines = [f"T1\tORG {at(text, 'الطائرات')[0]} {at(text, 'الطائرات')[1]}\tالطائرات",
             f"T2\tGPE {at(text, 'حلب')[0]} {at(text, 'حلب')[1]}\tحلب",
             f"T3\tGPE {at(text, 'إدلب')[0]} {at(text, 'إدلب')[1]}\tإدلب",
             "T4\tAttack 0 4\tقصفت",
             "E1\tAttack:T4 Attacker:T1 Place:T2 Place:T3 ",
             "#1\tAnnotatorNotes T1\tطائرات حربية"]
    (tmp_path / "d.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    [doc] = read(tmp_path / "d.txt")
    assert doc.id == "d" and [e.id for e in doc.entities] == ["T1", "T2", "T3"]
    assert [(a.role, a.entity.id) for a in doc.events[0].arguments] == [("Attacker", "T1"), ("Place", "T2"),
                                                                        ("Place", "T3")]
    write_brat([doc], tmp_path / "out")
    assert "Place:T2 Place2:T3" in (tmp_path / "out" / "d.ann").read_text(encoding="utf-8")


def test_brat_writer_refuses_what_brat_cannot_hold(tmp_path):
    text = "حلب\nإدلب"
    doc = Document(text, (Entity("GPE", 0, len(text), text, id="T1"),), (), id="x")
    with pytest.raises(DataError, match="line break"):
        write_brat([doc], tmp_path)


# -- BRAT: malformed input -------------------------------------------------------------------------

BRAT_TEXT = "قصفت الطائرات الروسية حلب وإدلب الأحد.\n"


def _brat_lines() -> list[str]:
    t = BRAT_TEXT
    return [f"T1\tORG {at(t, 'الطائرات الروسية')[0]} {at(t, 'الطائرات الروسية')[1]}\tالطائرات الروسية",
            f"T2\tGPE {at(t, 'حلب')[0]} {at(t, 'حلب')[1]}\tحلب",
            f"T3\tGPE {at(t, 'إدلب')[0]} {at(t, 'إدلب')[1]}\tإدلب",
            f"T4\tTIME {at(t, 'الأحد')[0]} {at(t, 'الأحد')[1]}\tالأحد",
            "T5\tAttack 0 4\tقصفت",
            "E1\tAttack:T5 Attacker:T1 Place:T2 Place2:T3 Time:T4"]


def _write_case(folder: Path, lines: list[str], name: str = "doc") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(BRAT_TEXT, encoding="utf-8")
    ann = folder / f"{name}.ann"
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ann


def test_valid_brat_case_has_no_problems(tmp_path):
    assert khabar.validate_files([_write_case(tmp_path, _brat_lines())]) == []


# case: ({line n (1-based): its replacement, None to delete it, or a line to append}, line of the
# message, words in the message)
MALFORMED = {
    "offset past end": ({7: "T6\tPER 100 105\tأحمد"}, 7, "outside the text"),
    "unknown role": ({6: "E1\tAttack:T5 Attacker:T1 Victim:T2"}, 6, "unknown role 'Victim' for Attack"),
    "text mismatch": ({2: f"T2\tGPE {at(BRAT_TEXT, 'حلب')[0]} {at(BRAT_TEXT, 'حلب')[1]}\tدمشق"}, 2,
                      "does not match"),
    "overlapping spans": ({7: f"T6\tORG {at(BRAT_TEXT, 'الطائرات')[0]} {at(BRAT_TEXT, 'الطائرات')[1]}\tالطائرات"},
                          7, "overlapping spans: entity T6 'الطائرات' [5:13] and entity T1"),
    "unknown T id": ({6: "E1\tAttack:T5 Attacker:T9"}, 6, "points to an unknown id 'T9'"),
    "unknown trigger": ({5: None, 6: "E1\tAttack:T8 Attacker:T1"}, 5, "trigger 'T8' is not a T annotation"),
    "trigger type mismatch": ({5: "T5\tDie 0 4\tقصفت"}, 6, "its trigger T5 is typed 'Die'"),
    "argument is an event": ({7: "E2\tAttack:T5 Target:E1"}, 7, "is an event"),
    "discontinuous span": ({7: "T6\tORG 5 13;14 21\tالطائرات الروسية"}, 7, "discontinuous span"),
    "attribute": ({7: "A1\tNegation E1"}, 7, "attributes are not supported"),
    "relation": ({7: "R1\tLocated Arg1:T1 Arg2:T2"}, 7, "relations are not supported"),
    "malformed T line": ({7: "T6 PER 0 4 قصفت"}, 7, "malformed T line"),
    "bad offsets": ({7: "T6\tPER 0 x\tقصفت"}, 7, "malformed offsets"),
    "duplicate id": ({7: "T2\tGPE 0 4\tقصفت"}, 7, "duplicate id 'T2'"),
    "unknown entity type": ({4: f"T4\tDATE {at(BRAT_TEXT, 'الأحد')[0]} {at(BRAT_TEXT, 'الأحد')[1]}\tالأحد",
                             6: "E1\tAttack:T5 Attacker:T1"}, 4, "unknown entity type 'DATE'"),
    "trigger text mismatch": ({5: "T5\tAttack 0 4\tضرب"}, 5, "trigger: text 'ضرب'"),
    "unused trigger": ({7: "T6\tDie 0 4\tقصفت"}, 7, "no E line uses it as a trigger"),
    "unknown line kind": ({7: "X1\tfoo"}, 7, "unknown BRAT line kind 'X'"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_brat_gives_one_file_line_message(tmp_path, case):
    changes, line, words = MALFORMED[case]
    lines: list[str | None] = list(_brat_lines())
    for n, new in changes.items():
        if n <= len(lines):
            lines[n - 1] = new
        else:
            lines.append(new)
    ann = _write_case(tmp_path, [x for x in lines if x is not None])
    problems = khabar.validate_files([ann])
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{ann}:{line}: "), problems
    assert words in problems[0]


def test_brat_missing_text_and_orphan_text(tmp_path):
    ann = _write_case(tmp_path, _brat_lines())
    ann.with_suffix(".txt").unlink()
    (tmp_path / "orphan.txt").write_text("نص بلا تعليقات", encoding="utf-8")
    (tmp_path / "lost.meta.json").write_text('{"date": "2020-01-01"}', encoding="utf-8")
    problems = khabar.validate_files([tmp_path])
    assert problems == [f"{tmp_path / 'orphan.txt'}:1: no orphan.ann next to this text: a BRAT document needs "
                        "an .ann file (an empty one if it has no annotations)",
                        f"{tmp_path / 'lost.meta.json'}:1: sidecar of no document: there is no lost.ann next to it",
                        f"{ann}:1: missing text file doc.txt"]


def test_brat_bad_sidecar_is_reported(tmp_path):
    ann = _write_case(tmp_path, _brat_lines())
    meta = tmp_path / "doc.meta.json"
    meta.write_text('{"date": 2020}', encoding="utf-8")
    assert khabar.validate_files([ann]) == [f"{meta}:1: doc.meta.json: 'date' must be an ISO date string"]
    meta.write_text('{"date": ', encoding="utf-8")
    [problem] = khabar.validate_files([ann])
    assert problem.startswith(f"{meta}:1: invalid JSON")


def test_read_raises_data_error_on_problems(tmp_path):
    lines = _brat_lines()
    lines[5] = "E1\tAttack:T5 Attacker:T9"
    ann = _write_case(tmp_path, lines)
    with pytest.raises(DataError) as err:
        list(read(ann))
    assert err.value.problems == [f"{ann}:6: E1: argument Attacker:T9 points to an unknown id 'T9'"]


def _malformed_folder(tmp_path: Path) -> tuple[Path, list[str]]:
    lines = _brat_lines()
    lines[1] = f"T2\tGPE {at(BRAT_TEXT, 'حلب')[0]} {at(BRAT_TEXT, 'حلب')[1]}\tدمشق"
    lines[5] = "E1\tAttack:T5 Attacker:T1 Victim:T2 Place:T7"
    lines.append("T6\tPER 100 105\tأحمد")
    ann = _write_case(tmp_path / "bad", lines)
    return ann.parent, [f"{ann}:2:", f"{ann}:6:", f"{ann}:6:", f"{ann}:7:"]


def test_cli_validate_prints_file_line_messages_and_exits_1(tmp_path, capsys):
    folder, prefixes = _malformed_folder(tmp_path)
    assert cli_main(["validate", str(folder)]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == prefixes
    assert "4 problem(s)" in err and "Traceback" not in err


def test_cli_validate_as_a_process_has_no_traceback(tmp_path):
    folder, prefixes = _malformed_folder(tmp_path)
    done = subprocess.run([sys.executable, "-m", "khabar.cli", "validate", str(folder)],
                          capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert [line.split(" ", 1)[0] for line in done.stdout.splitlines()] == prefixes


# -- CoNLL ----------------------------------------------------------------------------------------

CONLL_SAMPLE = """\
قال O
الرئيس O
فلاديمير B-PER
بوتين I-PER
في O
موسكو B-GPE
. O

غادر O
وفد B-ORG
تركي I-ORG
أنقرة B-GPE
إلى O
مؤتمر B-MISC
ميونخ I-MISC
. O
"""


def test_conll_round_trip_of_a_small_sample(tmp_path):
    src = tmp_path / "in" / "sample.txt"
    src.parent.mkdir()
    src.write_text(CONLL_SAMPLE, encoding="utf-8")
    for doc_per in ("sentence", "file"):
        docs = list(read(src, format="conll", doc_per=doc_per))
        assert len(docs) == (2 if doc_per == "sentence" else 1)
        out = tmp_path / "out" / "sample.txt"
        out.parent.mkdir(exist_ok=True)
        assert write_conll(docs, out) == len(docs)
        assert out.read_text(encoding="utf-8") == CONLL_SAMPLE + "\n"
        assert [d.to_dict() for d in read(out, doc_per=doc_per)] == [d.to_dict() for d in docs]
    [doc] = read(src, doc_per="file")
    assert doc.id == "sample"
    assert doc.text.split("\n")[1] == "غادر وفد تركي أنقرة إلى مؤتمر ميونخ ."
    assert [(e.type, e.text) for e in doc.entities] == [
        ("PER", "فلاديمير بوتين"), ("GPE", "موسكو"), ("ORG", "وفد تركي"), ("GPE", "أنقرة"), ("MISC", "مؤتمر ميونخ")]
    first = next(read(src))
    assert first.id == "sample:1" and first.meta["tokens"][:3] == [[0, 3], [4, 10], [11, 19]]


def test_conlleval_chunking():
    chunks, problems = bio_chunks(["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG", "I-ORG", "S-PER", "I-ORG"])
    assert chunks == [("PER", 0, 2), ("LOC", 3, 4), ("LOC", 4, 5), ("ORG", 5, 7), ("ORG", 8, 9)]
    assert problems == [(7, "tag 'S-PER' is not O, B-TYPE or I-TYPE")]


def test_conll_label_problems_name_their_line(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("أحمد B-PERS\nفي O\nالعربية B-LANGUAGE\nيوم B-WEIRD\n\nحلب B-GPE\nقلم\n", encoding="utf-8")
    problems = [f"{w}: {p}" for w, _, ps in iter_conll(path, SCHEMA, corpus="wojood") for p in ps]
    assert problems == [
        f"{path}:4: label 'WEIRD' has no entry in the wojood label map; map it to an entity type, or to null to "
        "leave it out",
        f"{path}:7: token 'قلم' has no tag (expected 'token TAG [TAG ...]')",
    ]
    # no map: labels are used verbatim and must be schema types
    verbatim = [f"{w}: {p}" for w, _, ps in iter_conll(path, SCHEMA) for p in ps]
    assert verbatim[0].startswith(f"{path}:1: label 'PERS' is not an entity type of the schema")
    with pytest.raises(ConfigError, match="not entity types of the schema"):
        list(iter_conll(path, SCHEMA, label_map={"PERS": "PERSON"}))


def test_conll_writer_refuses_misaligned_spans_and_events():
    text = "قصفت الطائرات حلب وإدلب"
    s, e = at(text, "إدلب")
    doc = Document(text, (Entity("GPE", s, e, "إدلب", id="T1"),), (), id="x")  # inside the token وإدلب
    with pytest.raises(DataError, match="token boundaries"):
        doc_to_bio(doc)
    ev = Document(text, (), (Event("Attack", Span(0, 4, "قصفت")),), id="y")
    with pytest.raises(DataError, match="events='drop'"):
        doc_to_bio(ev)
    assert doc_to_bio(ev, events="triggers") == [(text.split(), ["B-Attack", "O", "O", "O"])]
    assert doc_to_bio(ev, events="drop") == [(text.split(), ["O"] * 4)]


def test_label_maps_cover_their_corpora():
    assert load_label_map("anercorp") == {"PERS": "PER", "ORG": "ORG", "LOC": "GPE", "MISC": "MISC"}
    wojood = load_label_map("wojood")
    assert len(wojood) == 21 and wojood["NORP"] is None and wojood["PERS"] == "PER"
    assert all(v is None or v in SCHEMA.entity_types for v in wojood.values())
    with pytest.raises(ConfigError, match="no label map for corpus 'nope'"):
        load_label_map("nope")


@pytest.fixture(scope="module")
def anercorp_train():
    path = ANERCORP / "ANERCorp_CamelLab_train.txt"
    return path, list(iter_conll(path, SCHEMA, corpus="anercorp"))


@needs_shared
def test_anercorp_train_counts(anercorp_train):
    path, located = anercorp_train
    docs = [d for _, d, _ in located if d is not None]
    assert len(docs) == 3973
    assert sum(len(d.meta["tokens"]) for d in docs) == 125_102
    assert sum(len(d.entities) for d in docs) == 9_000
    for d in docs:
        for e in d.entities:
            toks = [d.text[a:b] for a, b in d.meta["tokens"] if e.start <= a and b <= e.end]
            assert e.text == " ".join(toks) == d.text[e.start:e.end]
    # The only guideline problems are 7 ANERcorp spans that end or start on punctuation (initials, KGB).
    problems = [p for _, _, ps in located for p in ps]
    assert len(problems) == 7 and all("not on a letter" in p for p in problems)


@needs_shared
def test_anercorp_reads_cleanly_without_the_span_edge_rule():
    path = ANERCORP / "ANERCorp_CamelLab_train.txt"
    docs = list(read(path, format="conll", schema=ANER_SCHEMA, span_edges=False))
    assert len(docs) == 3973 and sum(len(d.entities) for d in docs) == 9_000
    with pytest.raises(DataError, match=r"ANERCorp_CamelLab_train.txt:42243: .* ends on '\.'"):
        list(read(path, format="conll", schema=ANER_SCHEMA))


@needs_shared
def test_anercorp_train_verbatim_and_tags_for_seqeval():
    from seqeval.metrics.sequence_labeling import get_entities

    path = ANERCORP / "ANERCorp_CamelLab_train.txt"
    docs = [d for _, d, _ in iter_conll(path, ANER_SCHEMA) if d is not None]
    assert sum(len(d.entities) for d in docs) == 9_000
    assert {e.type for d in docs for e in d.entities} == {"PERS", "LOC", "ORG", "MISC"}
    tags, tokens = read_conll_tags(path), read_conll_tokens(path)
    assert sum(map(len, tags)) == sum(map(len, tokens)) == 125_102
    assert len(get_entities(tags)) == 9_000
    mapped = read_conll_tags(path, corpus="anercorp")
    assert {t[2:] for sent in mapped for t in sent if t != "O"} == {"PER", "GPE", "ORG", "MISC"}


@needs_shared
def test_anercorp_test_split_counts():
    sentences = conll_sentences(ANERCORP / "ANERCorp_CamelLab_test.txt")
    assert len(sentences) == 925
    assert sum(len(s.tokens) for s in sentences) == 25_008


@needs_shared
def test_wojood_sample_reads_flat_and_nested():
    path = WOJOOD / "train.txt"
    flat = list(iter_conll(path, SCHEMA, corpus="wojood"))
    docs = [d for _, d, _ in flat if d is not None]
    # 1,113 blank-line separators; the sample's last sentence is cut off without one.
    assert len(docs) == 1114 and sum(len(d.meta["tokens"]) for d in docs) == 18_887
    assert not any("overlapping" in p for _, _, ps in flat for p in ps)
    types = {e.type for d in docs for e in d.entities}
    assert {"PER", "ORG", "GPE", "TIME", "MISC"} <= types <= set(SCHEMA.entity_types)
    nested = list(iter_conll(path, SCHEMA, corpus="wojood", layers="all"))
    assert sum(len(d.entities) for _, d, _ in nested if d) > sum(len(d.entities) for d in docs)
    assert any("overlapping" in p for _, _, ps in nested for p in ps)
    assert detect_format(path) == "conll"


# -- format inference -----------------------------------------------------------------------------

def test_read_infers_the_format(tmp_path):
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    brat_dir = tmp_path / "brat"
    write_brat(read(SEED), brat_dir)
    conll = tmp_path / "ner.txt"
    conll.write_text(CONLL_SAMPLE, encoding="utf-8")
    expected = [d.to_dict() for d in read(SEED, format="jsonl")]
    assert detect_format(jsonl) == "jsonl" and [d.to_dict() for d in khabar.read(jsonl)] == expected
    assert detect_format(brat_dir) == "brat" and [d.to_dict() for d in khabar.read(brat_dir)] == expected
    txt = brat_dir / "seed-000.txt"
    assert detect_format(txt) == "brat" and [d.to_dict() for d in khabar.read(txt)] == expected
    assert detect_format(conll) == "conll" and len(list(khabar.read(conll))) == 2
    assert [w for w, _, _ in iter_checked(conll)] == [f"{conll}:1", f"{conll}:9"]
    assert len(list(iter_brat(brat_dir, SCHEMA))) == 1
