"""Counts of the event corpus, as Markdown tables for training/data/README.md.

    python scripts/corpus_stats.py              # tables for the README
    python scripts/corpus_stats.py --articles   # the article list (training/data/ARTICLES.md)
"""

import collections
import json
from pathlib import Path

import khabar

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "training" / "data"


def main() -> None:
    schema = khabar.Schema.default()
    rows, events, roles, ents = [], collections.Counter(), collections.Counter(), collections.Counter()
    for split in ("train", "dev"):
        docs = list(khabar.read(DATA / f"{split}.jsonl"))
        words = sum(len(d.text.split()) for d in docs)
        n_ev = sum(len(d.events) for d in docs)
        n_ent = sum(len(d.entities) for d in docs)
        rows.append((split, len(docs), words, n_ent, n_ev))
        for d in docs:
            ents.update(e.type for e in d.entities)
            for v in d.events:
                events[v.type] += 1
                roles.update((v.type, a.role) for a in v.arguments)
    print("| split | articles | words | entities | event mentions |\n|---|---:|---:|---:|---:|")
    for r in rows:
        print("| " + " | ".join(str(x) if isinstance(x, str) else f"{x:,}" for x in r) + " |")
    tot = [sum(r[i] for r in rows) for i in range(1, 5)]
    print("| **total** | " + " | ".join(f"**{x:,}**" for x in tot) + " |\n")
    print("| entity type | mentions |\n|---|---:|")
    for t in schema.entity_types:
        print(f"| {t} | {ents[t]:,} |")
    print("\n| event type | mentions | role fillers |\n|---|---:|---|")
    for ev, rs in schema.event_types.items():
        print(f"| {ev} | {events[ev]:,} | " + ", ".join(f"{r} {roles[(ev, r)]}" for r in rs) + " |")


def articles() -> None:
    print("# Articles of the event corpus\n\nANT v2.1 (Chouigui et al. 2021, Apache-2.0; article copyright stays with the outlets).\n")
    print("| split | id | date | outlet | title |\n|---|---|---|---|---|")
    for split in ("train", "dev"):
        for d in khabar.read(DATA / f"{split}.jsonl"):
            src = d.meta.get("source", "")
            outlet = src.split("/")[2] if src.count("/") >= 2 else ""
            print(f"| {split} | {d.id} | {d.date} | {outlet} | {d.meta.get('title', '')} |")


if __name__ == "__main__":
    import sys

    articles() if "--articles" in sys.argv else main()
