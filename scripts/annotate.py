"""Corpus tool: annotate ANT articles in the compact format and build the training JSONL.

    python scripts/annotate.py show ID            # numbered sentences of an article, to annotate
    python scripts/annotate.py check ID [ID...]   # parse + validate specs, print problems and a rendering
    python scripts/annotate.py build              # all specs -> training/data/{train,dev}.jsonl + seed.jsonl

Articles come from training/raw/articles.jsonl (made by scripts/select_articles.py) and
training/raw/supplement.jsonl (scripts/add_articles.py); one spec per
article lives in training/annotations/<ID>.spec (format: khabar.formats.compact). The JSONL files are
derived: edit the specs, never the JSONL.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from khabar.formats.compact import read_compact
from khabar.schema import Schema
from khabar.text import split_sentences

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "training" / "raw" / "articles.jsonl"
SPECS = ROOT / "training" / "annotations"
OUT = ROOT / "training" / "data"
SEED = ROOT / "seeds" / "000_bc5014cbca3bf3a9.gold.jsonl"


def load_articles() -> dict[str, dict]:
    """The selected articles plus any hand-picked supplement (scripts/add_articles.py)."""
    articles = {}
    for path in (ARTICLES, ARTICLES.with_name("supplement.jsonl")):
        if path.exists():
            with open(path, encoding="utf-8") as f:
                articles.update((a["id"], a) for a in map(json.loads, f))
    return articles


def cmd_show(args: argparse.Namespace) -> int:
    articles = load_articles()
    for doc_id in args.ids:
        a = articles[doc_id]
        print(f"# {doc_id}  date={a['date']}  title={a['title']}")
        for n, s in enumerate(split_sentences(a["text"]), 1):
            print(f"@S{n}\t{s.text}")
        print()
    return 0


def build_doc(article: dict, schema: Schema, specs: Path = SPECS):
    spec = specs / f"{article['id']}.spec"
    return read_compact(spec, article["text"], schema, doc_id=article["id"], date=article["date"],
                        meta={"source": article["source"], "title": article["title"]})


def cmd_check(args: argparse.Namespace) -> int:
    articles, schema = load_articles(), Schema.default()
    bad = 0
    for doc_id in args.ids:
        if doc_id not in articles:
            print(f"{doc_id}: no such article in {ARTICLES}")
            bad += 1
            continue
        if not (Path(args.specs) / f"{doc_id}.spec").exists():
            print(f"{Path(args.specs) / (doc_id + '.spec')}: no spec file yet")
            bad += 1
            continue
        doc, problems = build_doc(articles[doc_id], schema, Path(args.specs))
        for p in problems:
            print(p)
        bad += bool(problems)
        if args.render:
            for n, s in enumerate(split_sentences(doc.text), 1):
                marks = sorted([(e.start, e.end, e.type) for e in doc.entities if s.start <= e.start < s.end]
                               + [(v.trigger.start, v.trigger.end, "*" + v.type) for v in doc.events if s.start <= v.trigger.start < s.end])
                out, pos = [], s.start
                for a, b, t in marks:
                    out.append(doc.text[pos:a] + f"[{doc.text[a:b]}]{t}")
                    pos = b
                out.append(doc.text[pos:s.end])
                print(f"S{n}: {''.join(out)}")
        print(f"{doc_id}: {len(doc.entities)} entities, {len(doc.events)} events, {len(problems)} problem(s)")
    return 1 if bad else 0


def cmd_build(args: argparse.Namespace) -> int:
    articles, schema = load_articles(), Schema.default()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    splits: dict[str, list[str]] = {"train": [], "dev": []}
    problems = []
    for spec in sorted(SPECS.glob("*.spec")):
        doc_id = spec.stem
        if doc_id not in articles:
            problems.append(f"{spec}: no article {doc_id!r} in {ARTICLES}")
            continue
        doc, doc_problems = build_doc(articles[doc_id], schema)
        problems.extend(doc_problems)
        splits[articles[doc_id]["split"]].append(doc.to_json())
    if problems:
        print("\n".join(problems))
        print(f"{len(problems)} problem(s); nothing written", file=sys.stderr)
        return 1
    for name, lines in splits.items():
        (out / f"{name}.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        print(f"{out / (name + '.jsonl')}: {len(lines)} documents")
    shutil.copyfile(SEED, out / "seed.jsonl")
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("show")
    s.add_argument("ids", nargs="+")
    s.set_defaults(func=cmd_show)
    s = sub.add_parser("check")
    s.add_argument("ids", nargs="+")
    s.add_argument("--render", action="store_true", help="print each sentence with its annotations")
    s.add_argument("--specs", default=str(SPECS), help="folder of .spec files (default: training/annotations)")
    s.set_defaults(func=cmd_check)
    s = sub.add_parser("build")
    s.add_argument("--out", default=str(OUT), help="output folder (default: training/data)")
    s.set_defaults(func=cmd_build)
    args = p.parse_args()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
