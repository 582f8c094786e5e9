"""Strict span accuracy on mentions written with an attached proclitic (``وميزناز`` → ``ميزناز``).

    python scripts/eval_clitics.py --model DIR [DATA.jsonl]    # default DATA: training/data/dev.jsonl

For gold entity and trigger spans that begin inside a whitespace word (after و ف ب ل ك س) and for
all other spans, prints the share the model predicts with exactly the same offsets and type.
"""

import argparse
from pathlib import Path

import khabar

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model")
    p.add_argument("data", nargs="?", default=str(ROOT / "training" / "data" / "dev.jsonl"))
    args = p.parse_args()
    extractor = khabar.load(args.model)
    gold = list(khabar.read(args.data))
    counts = {"clitic-attached": [0, 0], "other": [0, 0]}
    for g, pred in zip(gold, extractor.pipe([d.text for d in gold])):
        predicted = {(e.start, e.end, e.type) for e in pred.entities} | \
                    {(v.trigger.start, v.trigger.end, v.type) for v in pred.events}
        spans = [(e.start, e.end, e.type) for e in g.entities] + [(v.trigger.start, v.trigger.end, v.type) for v in g.events]
        for s, e, t in spans:
            attached = s > 0 and not g.text[s - 1].isspace() and g.text[s - 1].isalpha()
            c = counts["clitic-attached" if attached else "other"]
            c[0] += 1
            c[1] += (s, e, t) in predicted
    for name, (n, ok) in counts.items():
        print(f"{name:<16} {n:5d} gold spans, exact match {100 * ok / max(n, 1):.1f}%")


if __name__ == "__main__":
    main()
