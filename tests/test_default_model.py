"""The model shipped inside the package: loads offline with no argument and finds typed events."""

import subprocess
import sys
from pathlib import Path

import pytest

import khabar
from khabar.extractor import DEFAULT_MODEL_DIR

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_bc5014cbca3bf3a9.txt"

pytestmark = pytest.mark.skipif(not (DEFAULT_MODEL_DIR / "model.safetensors").exists(), reason="no default model shipped")


def test_default_model_fits_the_size_budget():
    size = sum(p.stat().st_size for p in DEFAULT_MODEL_DIR.iterdir()) / 1e6
    assert size <= 25, f"{size:.1f} MB"
    assert (DEFAULT_MODEL_DIR / "README.md").exists()  # the model card


def test_extract_on_the_seed_gives_typed_events_with_exact_offsets():
    text = SEED.read_text(encoding="utf-8")
    events = khabar.extract(text)
    assert len(events) >= 10
    for e in events:
        assert type(e).__name__ == e.type  # typed classes: Attack, Statement, ...
        assert text[e.trigger.start:e.trigger.end] == e.trigger.text
        for a in e.arguments:
            assert text[a.entity.start:a.entity.end] == a.entity.text
    assert {"Attack", "Statement"} <= {e.type for e in events}


def test_cli_extract_offline(tmp_path):
    env = {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    r = subprocess.run([sys.executable, "-m", "khabar.cli", "extract", str(SEED), "--format", "jsonl"],
                       capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = khabar.Document.from_json(r.stdout.splitlines()[0])
    assert doc.events and doc.text == SEED.read_text(encoding="utf-8")


def test_output_follows_the_span_rules():
    from khabar.validate import document_problems

    doc = khabar.analyze(SEED.read_text(encoding="utf-8"))
    assert document_problems(doc, khabar.Schema.default()) == []
