"""``khabar`` subcommands that involve scoring or a model: evaluate, train, extract."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Iterator

from khabar.document import Document


def _inputs(source: str) -> Iterator[tuple[str | None, str, str | None]]:
    """``(id, text, date)`` for a file, a directory of .txt/.jsonl files, or ``-`` (stdin)."""
    if source == "-":
        yield None, sys.stdin.read(), None
        return
    p = Path(source)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file or directory")
    files = sorted(x for x in p.iterdir() if x.suffix in (".txt", ".jsonl")) if p.is_dir() else [p]
    for f in files:
        if f.suffix == ".jsonl":
            from khabar.errors import DataError

            with open(f, encoding="utf-8") as fh:
                for lineno, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        rec = json.loads(line)
                    except json.JSONDecodeError as e:
                        raise DataError(f"{f}:{lineno}: invalid JSON: {e.msg}") from None
                    if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
                        raise DataError(f"{f}:{lineno}: expected an object with a 'text' string")
                    yield rec.get("id") or f"{f.stem}:{lineno}", rec["text"], rec.get("date")
        else:
            yield f.stem, f.read_text(encoding="utf-8"), None


def _print_doc(doc: Document, fmt: str) -> None:
    if fmt == "jsonl":
        print(doc.to_json())
    elif fmt == "json":
        print(json.dumps(doc.to_dict(), ensure_ascii=False, indent=1))
    else:  # text: one line per event, readable in a terminal
        print(f"# {doc.id or ''} {len(doc.events)} events, {len(doc.entities)} entities")
        for v in doc.events:
            args = "; ".join(f"{a.role}={a.entity.text} [{a.entity.start}:{a.entity.end}]" for a in v.arguments)
            print(f"{type(v).__name__}\t{v.trigger.text} [{v.trigger.start}:{v.trigger.end}]\t{args}")


def cmd_extract(args: argparse.Namespace) -> int:
    from khabar.extractor import Extractor

    extractor = Extractor.load(args.model)
    items = list(_inputs(args.source))
    docs = extractor.pipe((t for _, t, _ in items), ids=[i for i, _, _ in items],
                          dates=[args.date or d for _, _, d in items])
    if args.format == "brat":
        from khabar.formats import write

        if not args.output:
            raise SystemExit("khabar extract: --format brat needs --output DIR")
        n = write(docs, args.output, format="brat")
        print(f"wrote {n} document(s) to {args.output}", file=sys.stderr)
        return 0
    for doc in docs:
        _print_doc(doc, args.format)
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from khabar.formats import read
    from khabar.scoring import conll_token_scores, evaluate

    if args.model:
        from khabar.extractor import Extractor

        if not args.data:
            raise SystemExit("khabar evaluate: --model needs DATA")
        extractor = Extractor.load(args.model)
        gold = list(read(args.data, format=args.format, schema=extractor.labels.schema, **_conll_options(args)))
        pred = list(extractor.pipe([d.text for d in gold], ids=[d.id for d in gold], dates=[d.date for d in gold]))
        schema = extractor.labels.schema
    else:
        if not (args.gold and args.pred):
            raise SystemExit("khabar evaluate: give --gold G --pred P, or --model M DATA")
        gold = list(read(args.gold, format=args.format, **_conll_options(args, args.gold)))
        pred = list(read(args.pred, format=args.format, **_conll_options(args, args.pred)))
        schema = None
    report = evaluate(gold, pred, schema=schema)
    result = report.to_dict()
    tags = conll_token_scores(gold, pred)
    if tags is not None:
        result["tokens"] = tags
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(report.table())
        if tags is not None:
            for mode in ("default", "strict"):
                m = tags[mode]
                print(f"seqeval {mode:<8} P {100 * m['precision']:.1f}  R {100 * m['recall']:.1f}  F1 {100 * m['f1']:.1f}")
    return 0


def _conll_options(args: argparse.Namespace, path: str | None = None) -> dict:
    """Reader options for CoNLL data: the corpus label map and the span-edge rule."""
    from khabar.formats import detect_format

    if (args.format or detect_format(path or args.data)) != "conll":
        return {}
    return {"corpus": args.corpus, "span_edges": not args.lenient_edges}


def cmd_train(args: argparse.Namespace) -> int:
    from khabar.config import load_config
    from khabar.train import train

    cfg = load_config(args.config)
    if args.encoder:  # resolved like any path given on the command line: against the working directory
        cfg.encoder = str(Path(args.encoder).resolve()) if Path(args.encoder).exists() else args.encoder
    if args.output_dir:
        cfg.output_dir = str(Path(args.output_dir).resolve())
    best = train(cfg, resume=args.resume)
    print(f"best model: {best}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="find events in text files, a folder, a JSONL file or stdin (-)")
    p.add_argument("source", help="a .txt or .jsonl file, a folder of them, or - for stdin")
    p.add_argument("--model", help="model directory (default: the model shipped with khabar)")
    p.add_argument("--format", choices=["text", "json", "jsonl", "brat"], default="text")
    p.add_argument("--date", help="publication date YYYY-MM-DD, anchors relative times")
    p.add_argument("--output", help="output folder (brat)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("evaluate", help="score predictions against gold, or a model on gold data")
    p.add_argument("data", nargs="?", help="gold data to run --model on")
    p.add_argument("--model", help="model directory to run on DATA")
    p.add_argument("--gold")
    p.add_argument("--pred")
    p.add_argument("--format", choices=["jsonl", "brat", "conll"])
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--corpus", help="CoNLL label map from configs/corpora.yaml (e.g. anercorp)")
    p.add_argument("--lenient-edges", action="store_true",
                   help="CoNLL: accept spans that start or end on punctuation (ANERcorp has 11 such tokens)")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("train", help="fine-tune a model from a YAML config")
    p.add_argument("config")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run from its last checkpoint")
    p.add_argument("--encoder", help="override the config's encoder (hub id or local directory)")
    p.add_argument("--output-dir", help="override the config's output_dir")
    p.set_defaults(func=cmd_train)
