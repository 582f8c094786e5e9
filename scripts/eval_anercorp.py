"""ANERcorp CAMeL-split test score of a khabar model (seqeval default and strict IOB2 micro F1).

    python scripts/eval_anercorp.py [--model DIR] [--split test]

Runs the model on the test sentences (tokens joined by spaces, as the CoNLL reader rebuilds them),
maps its schema-v1 types back to ANERcorp's (PER→PERS, GPE/LOC/FAC→LOC, ORG→ORG, MISC→MISC; TIME
and WEA are not ANERcorp types) and tags every token a predicted span overlaps, so a span that
leaves out a proclitic (``روسيا`` in ``وروسيا``) still tags ANERcorp's whole token.
A model trained on the ANERcorp schema itself (configs/anercorp.yaml) is scored with its own types.
"""

import argparse
import json
from dataclasses import replace
from pathlib import Path

import khabar
from khabar.scoring import conll_token_scores

ROOT = Path(__file__).resolve().parents[1]
ANER = ROOT.parent / "shared" / "data" / "anercorp"
TO_ANER = {"PER": "PERS", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "ORG": "ORG", "MISC": "MISC",
           "PERS": "PERS"}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", help="model directory (default: the shipped model)")
    p.add_argument("--split", default="test", choices=["train", "test"])
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    extractor = khabar.load(args.model)
    aner_schema = khabar.Schema.load(ROOT / "configs" / "schema_anercorp.yaml")
    gold = list(khabar.read(ANER / f"ANERCorp_CamelLab_{args.split}.txt", format="conll", schema=aner_schema,
                            span_edges=False))
    preds = [replace(p, entities=tuple(replace(e, type=TO_ANER[e.type]) for e in p.entities if e.type in TO_ANER),
                     events=())
             for p in extractor.pipe([d.text for d in gold], batch_size=128, ids=[d.id for d in gold])]
    scores = conll_token_scores(gold, preds)
    if args.json:
        print(json.dumps(scores, indent=1))
    else:
        for mode in ("default", "strict"):
            m = scores[mode]
            print(f"ANERcorp {args.split} seqeval {mode:<8} P {100 * m['precision']:.1f}  R {100 * m['recall']:.1f}  F1 {100 * m['f1']:.1f}")


if __name__ == "__main__":
    main()
