"""The project's event corpus: valid, built from its specs, and train/dev disjoint."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import khabar

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "training" / "data"


def _docs(name):
    return list(khabar.read(DATA / f"{name}.jsonl"))


def test_corpus_files_validate():
    files = sorted(DATA.glob("*.jsonl"))
    assert {f.name for f in files} >= {"train.jsonl", "dev.jsonl", "seed.jsonl"}
    assert khabar.validate_files(files) == []


def test_corpus_is_what_the_specs_build(tmp_path):
    # the JSONL files are derived from training/annotations: rebuilding must not change them
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "annotate.py"), "build", "--out", str(tmp_path)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    for name in ("train.jsonl", "dev.jsonl"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def _shingles(text, n=5):
    words = re.findall(r"\w+", text)
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def test_train_and_dev_share_no_article_or_story():
    train, dev = _docs("train"), _docs("dev")
    assert not {d.id for d in train} & {d.id for d in dev}
    assert not {d.text for d in train} & {d.text for d in dev}
    train_sh = [(d.id, _shingles(d.text)) for d in train]
    for d in dev:
        s = _shingles(d.text)
        for tid, t in train_sh:
            overlap = len(s & t) / max(1, min(len(s), len(t)))
            assert overlap < 0.2, f"dev {d.id} and train {tid} share {overlap:.0%} of their 5-grams"


def test_seed_is_kept_apart():
    seed = _docs("seed")
    assert [d.id for d in seed] == ["seed-000"]
    assert "seed-000" not in {d.id for d in _docs("train") + _docs("dev")}


def test_documents_keep_the_article_text_byte_for_byte():
    articles = {json.loads(l)["id"]: json.loads(l) for name in ("articles.jsonl", "supplement.jsonl")
                if (ROOT / "training" / "raw" / name).exists()
                for l in (ROOT / "training" / "raw" / name).open(encoding="utf-8")}
    for d in _docs("train") + _docs("dev"):
        a = articles[d.id]
        assert d.text == a["text"] and d.date == a["date"]
