"""Build the tiny random encoder used by configs/tiny.yaml and the tests (tests/fixtures/tiny-encoder).

    python scripts/make_tiny_encoder.py

A 2-layer, 64-wide BERT with a 3,000-piece WordPiece vocabulary learnt from the first 2,000 ANT
articles plus the seed and the synthetic examples. It stands in for AraBERT where the hub is
unreachable and goes through the same loading code (AutoModel/AutoTokenizer.from_pretrained).
"""

import gzip
import itertools
import json
from pathlib import Path

from khabar.encoders import build_random_encoder

ROOT = Path(__file__).resolve().parents[1]
ANT = ROOT.parent / "shared" / "data" / "ant" / "ant_v2.1_multisource.jsonl.gz"

if __name__ == "__main__":
    with gzip.open(ANT, "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in itertools.islice(f, 2000)]
    for p in [ROOT / "seeds" / "000_bc5014cbca3bf3a9.txt", ROOT / "training" / "synthetic" / "tiny.jsonl"]:
        texts.append(p.read_text(encoding="utf-8"))
    out = build_random_encoder(ROOT / "tests" / "fixtures" / "tiny-encoder", texts, vocab_size=3000,
                               hidden=64, layers=2, heads=2, max_position=512, seed=0)
    print(f"wrote {out}")
