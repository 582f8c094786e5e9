"""The ``khabar`` command: validate, evaluate, train and extract.

Every command reports bad input as one ``file:line: what`` line per problem and exits with status 1,
never with a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from khabar.errors import KhabarError


def cmd_validate(args: argparse.Namespace) -> int:
    from khabar import validate_files
    from khabar.schema import Schema

    schema = Schema.load(args.schema) if args.schema else Schema.default()
    options = {"corpus": args.corpus, "span_edges": not args.lenient_edges} if (args.corpus or args.lenient_edges) else {}
    problems = validate_files(args.files, schema=schema, format=args.format, **options)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s) in {len(args.files)} file(s)", file=sys.stderr)
        return 1
    print(f"ok: {len(args.files)} file(s) valid", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="khabar", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check annotated files against the guidelines and schema")
    p.add_argument("files", nargs="+")
    p.add_argument("--schema", help="schema YAML (default: schema v1)")
    p.add_argument("--format", choices=["jsonl", "brat", "conll"])
    p.add_argument("--corpus", help="CoNLL label map from configs/corpora.yaml (e.g. anercorp, wojood)")
    p.add_argument("--lenient-edges", action="store_true", help="CoNLL: accept spans that start or end on punctuation")
    p.set_defaults(func=cmd_validate)

    from khabar import cli_model

    cli_model.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (KhabarError, FileNotFoundError, IsADirectoryError, PermissionError) as e:
        print(f"khabar {args.command}: error: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into head & co.
        return 0
    except KeyboardInterrupt:
        print(f"khabar {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
