"""Select the real ANT news articles that khabar annotates for events.

Reads the ANT v2.1 multisource corpus (JSON lines: docno, url, src, cat, title,
time, text; never modified) and writes ``training/raw/articles.jsonl``: per article
id, date (ISO, from ``time`` in its own zone), source (url), cat, src, title, text
(byte-for-byte as in the corpus), words (whitespace count), split (train/dev).

Selection:
  * pool: middleEast and internationalNews articles of 120-320 words dated 2018,
    mostly Arabic script, not (almost) only boilerplate lines;
  * greedy order, so the first articles are the most useful: each step takes the
    candidate covering the most event types whose keyword quota (--target each)
    is still unmet (rarer types weigh more), with bonuses for shorter texts and
    under-represented sources and months, and a seeded random tie-break;
  * a candidate whose word 5-gram Jaccard or containment with any already
    selected article exceeds --max-sim is rejected (ANT repeats stories across
    outlets), so no story appears twice, hence never in both train and dev;
  * split = "dev" when sha1(story id) mod 100 < --dev-pct, else "train", where
    a story groups selected articles a few days apart with a large share of
    content words in common (reworded retellings), keyed by its smallest id.

Usage (standard library only; deterministic for a given corpus and seed):
  python scripts/select_articles.py --out training/raw/articles.jsonl
"""
import argparse
import gzip
import hashlib
import json
import os
import random
import re
from collections import Counter
from datetime import date
from email.utils import parsedate_to_datetime

CATS = ("middleEast", "internationalNews")
# Arabic proclitics (wa/fa + bi/li/ka/sa + al/ll) that may precede a keyword.
P = r"(?<!\w)(?:و|ف)?(?:ب|ل|ك|س)?(?:ال|ل)?"
VERB = r"(?:ت|وا|ا|ن|نا|ه|ها|هم)?(?!\w)"  # verb suffixes, for short stems
EVENT_KEYWORDS = {  # written with hamza; matched on a normalised copy of the text
    "Arrest": [r"اعتقال\w*", r"اعتقل\w*", r"احتجز\w*", r"احتجاز\w*", r"قبض(?:ت|وا)?(?!\w)"],
    "Protest": [r"مظاهر(?:ة|ات)\w*", r"احتجاج\w*", r"تظاهر\w*", r"اعتصام\w*", r"إضراب\w*"],
    "Injure": [r"أصيب\w*", r"إصاب(?:ة|ات)\w*", r"جرحى", r"جريح\w*"],
    "Displace": [r"نزوح\w*", r"نزح\w*", r"لاجئ\w*", r"تهجير\w*", r"إجلاء\w*",
                 r"(?<![سكلب])فر(?:وا|ت)?(?!\w)", r"فرار\w*"],
    "Agreement": [r"اتفاق\w*", r"هدن(?:ة|ات)\w*", r"وقف\s+إطلاق\s+النار", r"توقيع\w*"],
    "Die": [r"قتل\w*", r"مقتل\w*", r"قتلى"],
    "Attack": [r"غار(?:ة|ات|تين|تان)(?!\w)", r"قصف\w*", r"هجوم\w*", r"هجمات\w*", r"اشتباك\w*"],
    "TakeControl": [r"سيطر\w*", r"استعاد\w*", r"اقتحم\w*", r"اقتحام\w*"],
    "Meet": [r"التق(?:ى|ت|وا|يا)(?!\w)", r"اجتماع(?:ات|ا|ه|ها|هم|ين)?(?!\w)",
             r"قم(?:ة|م)(?!\w)", r"لقاء\w*"],
    "Communicate": [r"اتصالا?\s+هاتفي\w*", r"مكالم\w*"],
    "Transport": [r"وصل" + VERB, r"زار" + VERB, r"توجه" + VERB, r"انسحب\w*"],
}
ARABIC = re.compile(r"[\u0621-\u064A]")
LATIN = re.compile(r"[A-Za-z]")
DIACRITICS = re.compile(r"[\u064B-\u0652\u0640]")  # harakat, shadda, sukun, tatweel


def normalise(s):
    """Matching-only normalisation: drop diacritics, unify alef forms and ya."""
    s = DIACRITICS.sub("", s)
    return s.translate(str.maketrans("أإآى", "اااي"))


PATTERNS = {ev: re.compile("|".join(P + "(?:" + normalise(k) + ")" for k in kws))
            for ev, kws in EVENT_KEYWORDS.items()}


def event_types(text):
    t = normalise(text)
    return frozenset(ev for ev, pat in PATTERNS.items() if pat.search(t))


def shingles(text, n=5):
    toks = re.findall(r"\w+", normalise(text))
    return {" ".join(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1))}


def too_similar(a, b, limit):
    inter = len(a & b)
    return inter > 0 and (inter / len(a | b) > limit or inter / min(len(a), len(b)) > limit)


def assign_splits(chosen, dev_pct, days=3, overlap=0.3):
    """split = dev iff sha1(story id) % 100 < dev_pct. A story groups articles
    dated <= `days` apart sharing >= `overlap` of their content words (4+ letters;
    share of the smaller set), so reworded retellings that pass the 5-gram
    filter still land in one split; the story id is its smallest member id."""
    words = [{w for w in re.findall(r"\w+", normalise(d["text"])) if len(w) > 3}
             for d in chosen]
    dates = [date.fromisoformat(d["date"]) for d in chosen]
    parent = list(range(len(chosen)))

    def root(i):
        return i if parent[i] == i else root(parent[i])
    for i in range(len(chosen)):
        for j in range(i):
            if (abs((dates[i] - dates[j]).days) <= days and
                    len(words[i] & words[j]) >= overlap * min(len(words[i]), len(words[j]))):
                parent[root(i)] = root(j)
    story = {}
    for i, d in enumerate(chosen):
        story.setdefault(root(i), []).append(d["docno"])
    for i, d in enumerate(chosen):
        h = int(hashlib.sha1(min(story[root(i)]).encode("utf-8")).hexdigest(), 16)
        d["split"] = "dev" if h % 100 < dev_pct else "train"
    return sum(len(v) > 1 for v in story.values())


def load_pool(path, lo, hi):
    """Read the corpus, keep plausible candidates; return (pool, reject counts)."""
    docs, rejected = [], Counter()
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d["cat"] not in CATS:
                continue
            d["words"] = len(d["text"].split())
            if not lo <= d["words"] <= hi:
                continue
            dt = parsedate_to_datetime(d["time"])  # keeps the stamp's own zone
            if dt.year != 2018:
                rejected["not dated 2018"] += 1
                continue
            d["date"] = dt.date().isoformat()
            docs.append(d)
    # Boilerplate lines: no letters (separators) or repeated in >= 10 pool texts.
    line_df = Counter(ln for d in docs for ln in {l.strip() for l in d["text"].split("\n")})
    pool = []
    for d in docs:
        n_ar = len(ARABIC.findall(d["text"]))
        if n_ar < 0.8 * (n_ar + len(LATIN.findall(d["text"]))):
            rejected["mostly non-Arabic"] += 1
            continue
        content = sum(len(l.split()) for l in d["text"].split("\n")
                      if line_df[l.strip()] < 10 and ARABIC.search(l))
        if content < 100:
            rejected["boilerplate"] += 1
            continue
        d["events"] = event_types(d["text"])
        pool.append(d)
    return pool, rejected


def select(pool, n, target, max_sim, seed):
    rng = random.Random(seed)
    pool = sorted(pool, key=lambda d: d["docno"])
    rng.shuffle(pool)
    for i, d in enumerate(pool):
        d["tiebreak"] = i / len(pool)  # seeded, in [0, 1)
    srcs = sorted({d["src"] for d in pool})
    months = sorted({d["date"][:7] for d in pool})
    freq = Counter(e for d in pool for e in d["events"])
    rarity = {e: (max(freq.values()) / max(1, freq[e])) ** 0.5 for e in freq}
    ev_n, src_n, month_n = Counter(), Counter(), Counter()
    chosen, chosen_sh, n_dup = [], [], 0

    def score(d):
        k = len(chosen) + 1
        need = sum(rarity[e] * max(0, target - ev_n[e]) / target for e in d["events"])
        return (2.0 * need + 0.1 * len(d["events"])
                - 0.3 * (d["words"] - 120) / 200  # prefer shorter: less to annotate
                + 1.0 * max(0.0, 1 - src_n[d["src"]] * len(srcs) / k)
                + 0.5 * max(0.0, 1 - month_n[d["date"][:7]] * len(months) / k)
                + 0.2 * d["tiebreak"])

    alive = list(pool)
    while len(chosen) < n and alive:
        best = max(alive, key=score)
        alive.remove(best)
        sh = shingles(best["text"])
        if any(too_similar(sh, s, max_sim) for s in chosen_sh):
            n_dup += 1
            continue
        chosen.append(best)
        chosen_sh.append(sh)
        ev_n.update(best["events"])
        src_n[best["src"]] += 1
        month_n[best["date"][:7]] += 1
    return chosen, n_dup


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default="/work/shared/data/ant/ant_v2.1_multisource.jsonl.gz")
    ap.add_argument("--out", default="training/raw/articles.jsonl")
    ap.add_argument("--n", type=int, default=260, help="articles to select")
    ap.add_argument("--min-words", type=int, default=120)
    ap.add_argument("--max-words", type=int, default=320)
    ap.add_argument("--target", type=int, default=40, help="articles wanted per event type")
    ap.add_argument("--max-sim", type=float, default=0.2, help="5-gram Jaccard/containment cap")
    ap.add_argument("--dev-pct", type=int, default=15)
    ap.add_argument("--seed", type=int, default=13)
    a = ap.parse_args()

    pool, rejected = load_pool(a.corpus, a.min_words, a.max_words)
    print(f"pool: {len(pool)} candidates; rejected: {dict(rejected)}")
    chosen, n_dup = select(pool, a.n, a.target, a.max_sim, a.seed)
    print(f"selected {len(chosen)}; skipped {n_dup} near-duplicates (> {a.max_sim})")
    n_groups = assign_splits(chosen, a.dev_pct)
    print(f"{n_groups} multi-article stories (related retellings) kept within one split")
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out, "w", encoding="utf-8") as f:
        for d in chosen:
            rec = {"id": d["docno"], "date": d["date"], "source": d["url"], "cat": d["cat"],
                   "src": d["src"], "title": d["title"], "text": d["text"],
                   "words": d["words"], "split": d["split"]}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"wrote {a.out}: {sum(d['words'] for d in chosen)} words")
    for key in ("cat", "src", "split"):
        print(f"{key}: {dict(sorted(Counter(d[key] for d in chosen).items()))}")
    print(f"month: {dict(sorted(Counter(d['date'][:7] for d in chosen).items()))}")
    ev = Counter(e for d in chosen for e in d["events"])
    print("event-type keyword coverage (articles):",
          ", ".join(f"{e} {ev[e]}" for e in EVENT_KEYWORDS))


if __name__ == "__main__":
    main()
