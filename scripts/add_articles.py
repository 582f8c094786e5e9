"""Add hand-picked ANT articles to the annotation pool (training/raw/supplement.jsonl).

    python scripts/add_articles.py DOCNO [DOCNO ...]

For rare roles the greedy selection did not cover. Each article is copied byte-for-byte with the
same fields as training/raw/articles.jsonl, goes to the train split, and is refused if it is already
selected or is a near-duplicate (5-gram Jaccard or containment > 0.2) of any selected article.
"""

import argparse
import gzip
import json
import sys
from email.utils import parsedate_to_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from select_articles import shingles, too_similar  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ANT = ROOT.parent / "shared" / "data" / "ant" / "ant_v2.1_multisource.jsonl.gz"
RAW = ROOT / "training" / "raw"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("docnos", nargs="+")
    args = p.parse_args()
    selected = []
    for name in ("articles.jsonl", "supplement.jsonl"):
        if (RAW / name).exists():
            selected += [json.loads(l) for l in (RAW / name).open(encoding="utf-8")]
    have = {a["id"] for a in selected}
    sh = [shingles(a["text"]) for a in selected]
    wanted = set(args.docnos)
    added = []
    with gzip.open(ANT, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d["docno"] not in wanted:
                continue
            if d["docno"] in have:
                print(f"{d['docno']}: already selected", file=sys.stderr)
                return 1
            s = shingles(d["text"])
            if any(too_similar(s, t, 0.2) for t in sh):
                print(f"{d['docno']}: near-duplicate of a selected article", file=sys.stderr)
                return 1
            added.append({"id": d["docno"], "date": parsedate_to_datetime(d["time"]).date().isoformat(),
                          "source": d["url"], "cat": d["cat"], "src": d["src"], "title": d["title"],
                          "text": d["text"], "words": len(d["text"].split()), "split": "train"})
            sh.append(s)
    missing = wanted - {a["id"] for a in added}
    if missing:
        print(f"not in ANT v2.1: {', '.join(sorted(missing))}", file=sys.stderr)
        return 1
    with open(RAW / "supplement.jsonl", "a", encoding="utf-8") as f:
        for a in added:
            f.write(json.dumps(a, ensure_ascii=False) + "\n")
    print(f"added {len(added)} article(s) to {RAW / 'supplement.jsonl'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
