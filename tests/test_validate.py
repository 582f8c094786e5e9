"""`khabar validate` on native JSONL: every problem reported as file:line, exit status 1, no traceback."""

import json
import subprocess
import sys
from pathlib import Path

from khabar.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_bc5014cbca3bf3a9.gold.jsonl"


def _malformed(tmp_path: Path) -> Path:
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    text = "قصفت الطائرات مدينة حلب."
    good = {"id": "ok", "text": text, "entities": [{"id": "T1", "type": "GPE", "start": 20, "end": 23, "text": "حلب"}], "events": []}
    past_end = {"id": "past", "text": text, "entities": [{"id": "T1", "type": "GPE", "start": 20, "end": 40, "text": "حلب"}], "events": []}
    bad_role = {"id": "role", "text": text,
                "entities": [{"id": "T1", "type": "GPE", "start": 20, "end": 23, "text": "حلب"}],
                "events": [{"id": "E1", "type": "Attack", "trigger": {"start": 0, "end": 4, "text": "قصفت"},
                            "arguments": [{"role": "Victim", "entity": "T1"}]}]}
    overlap = {"id": "overlap", "text": text,
               "entities": [{"id": "T1", "type": "GPE", "start": 14, "end": 23, "text": "مدينة حلب"},
                            {"id": "T2", "type": "GPE", "start": 20, "end": 23, "text": "حلب"}], "events": []}
    lines = [json.dumps(good, ensure_ascii=False), json.dumps(seed, ensure_ascii=False), '{"id": "broken", "text": ',
             json.dumps(past_end, ensure_ascii=False), json.dumps(bad_role, ensure_ascii=False),
             json.dumps(overlap, ensure_ascii=False)]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_seed_gold_validates(capsys):
    assert main(["validate", str(SEED)]) == 0


def test_every_problem_gets_one_file_line_message(tmp_path, capsys):
    path = _malformed(tmp_path)
    before = path.read_bytes()
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(l.startswith(f"{path}:3: invalid JSON") for l in out)
    assert any(l.startswith(f"{path}:4: ") and "outside the text" in l for l in out)
    assert any(l.startswith(f"{path}:5: ") and "unknown role 'Victim' for Attack" in l for l in out)
    assert any(l.startswith(f"{path}:6: overlapping spans") for l in out)
    assert len(out) == 4, out
    assert path.read_bytes() == before  # input files are never modified


def test_cli_exit_status_and_no_traceback(tmp_path):
    path = _malformed(tmp_path)
    r = subprocess.run([sys.executable, "-m", "khabar.cli", "validate", str(path)], capture_output=True, text=True)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr + r.stdout
    r = subprocess.run([sys.executable, "-m", "khabar.cli", "validate", str(tmp_path / "missing.jsonl")],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "Traceback" not in r.stderr and "missing.jsonl" in r.stderr


def test_reader_refuses_instead_of_dropping(tmp_path):
    import pytest

    import khabar
    from khabar.errors import DataError

    with pytest.raises(DataError, match=r"bad\.jsonl:3: invalid JSON"):
        list(khabar.read(_malformed(tmp_path)))
