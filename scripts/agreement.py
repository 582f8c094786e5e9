"""Inter-annotator agreement: the main corpus specs against an independent second annotation.

    python scripts/agreement.py [--second training/annotations_second]

Builds both annotations of every article in the second folder and scores one against the other
with khabar's scorer (F1 is symmetric, so which side is "gold" does not matter). Prints a table
and the figures for training/data/README.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from annotate import SPECS, build_doc, load_articles  # noqa: E402

from khabar.schema import Schema
from khabar.scoring import evaluate


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--second", default=str(SPECS.parent / "annotations_second"))
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    articles, schema = load_articles(), Schema.default()
    first, second, problems = [], [], []
    for spec in sorted(Path(args.second).glob("*.spec")):
        if not (SPECS / spec.name).exists():
            continue
        a, pa = build_doc(articles[spec.stem], schema)
        b, pb = build_doc(articles[spec.stem], schema, Path(args.second))
        problems += pa + pb
        first.append(a)
        second.append(b)
    if problems:
        print("\n".join(problems))
        return 1
    report = evaluate(first, second, schema=schema)
    if args.json:
        print(json.dumps(report.to_dict(), indent=1))
    else:
        print(f"{len(first)} articles annotated twice")
        print(report.table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
