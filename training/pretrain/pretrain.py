"""Build khabar's compact Arabic encoder from the raw text in ../shared/data, on CPU or GPU.

    python training/pretrain/pretrain.py --out .cache/pretrain [--vocab 16000] [--hidden 256] [--layers 4]
                                          [--mlm-minutes 0]

Steps (each cached in --out and skipped when its output exists, so an interrupted run resumes):
1. corpus.txt — ANT v2.1 + v1.1 articles and Arabic Wikipedia paragraphs, normalised exactly as the
   encoder sees text (khabar.text: no tashkeel/tatweel, Western digits, punctuation split off).
   Articles annotated for khabar's dev split are left out, so dev scores stay honest.
2. tokenizer/ — a WordPiece vocabulary learnt on corpus.txt (Hugging Face tokenizers).
3. vectors.npy — skip-gram vectors of the WordPiece tokens (gensim word2vec), minutes on 2 cores:
   naive MLM pretraining does not pay on CPU in this budget (see the model card), static vectors do.
4. encoder/ — a BERT whose token embeddings start from those vectors (a normal HF model directory).
5. optional masked-LM training for --mlm-minutes (loss on masked positions only), checkpointed
   every few minutes and resumed with the same command.
inputs.json lists every input file with its sha256, for the model card.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
INPUTS = [SHARED / "ant" / "ant_v2.1_multisource.jsonl.gz", SHARED / "ant" / "ant_v1.1_jawharafm.jsonl.gz",
          SHARED / "arwiki" / "arwiki_comparable.txt.gz"]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def dev_ids() -> set[str]:
    arts = ROOT / "training" / "raw" / "articles.jsonl"
    if not arts.exists():
        return set()
    with open(arts, encoding="utf-8") as f:
        return {a["id"] for a in map(json.loads, f) if a.get("split") != "train"}


def raw_texts():
    """Yield (source, text) for every article and Wikipedia paragraph."""
    skip = dev_ids()
    for path in INPUTS[:2]:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                a = json.loads(line)
                if a["docno"] not in skip:
                    yield path.name, a["text"]
    with gzip.open(INPUTS[2], "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield INPUTS[2].name, line


def step_corpus(out: Path) -> Path:
    from khabar.encoders import pretokenized_lines

    path = out / "corpus.txt"
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp")
    n_words = 0
    with open(tmp, "w", encoding="utf-8") as f:
        for text in pretokenized_lines(t for _, t in raw_texts()):
            for line in text.split(" \n "):
                if line.strip():
                    f.write(line + "\n")
                    n_words += line.count(" ") + 1
    tmp.rename(path)
    (out / "inputs.json").write_text(json.dumps({
        "files": {str(p.relative_to(SHARED.parent)): sha256(p) for p in INPUTS},
        "excluded_dev_articles": len(dev_ids()), "words": n_words}, indent=1))
    print(f"corpus: {n_words:,} words")
    return path


def step_tokenizer(out: Path, corpus: Path, vocab: int):
    from transformers import PreTrainedTokenizerFast

    from khabar.encoders import train_wordpiece

    d = out / "tokenizer"
    if (d / "tokenizer.json").exists():
        return PreTrainedTokenizerFast.from_pretrained(str(d))
    with open(corpus, encoding="utf-8") as f:
        fast = train_wordpiece(f, vocab, min_frequency=3, pretokenized=True)
    fast.save_pretrained(str(d))
    print(f"tokenizer: {len(fast)} pieces")
    return fast


def step_vectors(out: Path, corpus: Path, tokenizer, dim: int, epochs: int):
    import numpy as np

    path = out / "vectors.npy"
    if path.exists():
        return np.load(path)
    from gensim.models import Word2Vec

    class Sentences:  # re-iterable stream of WordPiece token lists
        def __iter__(self):
            with open(corpus, encoding="utf-8") as f:
                batch = []
                for line in f:
                    batch.append(line.rstrip("\n"))
                    if len(batch) == 2000:
                        yield from (tokenizer.convert_ids_to_tokens(ids) for ids in
                                    tokenizer(batch, add_special_tokens=False)["input_ids"])
                        batch = []
                if batch:
                    yield from (tokenizer.convert_ids_to_tokens(ids) for ids in
                                tokenizer(batch, add_special_tokens=False)["input_ids"])

    t = time.time()
    w2v = Word2Vec(Sentences(), vector_size=dim, window=5, min_count=1, sg=1, negative=5, workers=2,
                   epochs=epochs, seed=1)
    vocab = tokenizer.get_vocab()
    rng = np.random.default_rng(0)
    emb = rng.normal(0, 0.02, (len(tokenizer), dim)).astype("float32")
    found = 0
    for piece, i in vocab.items():
        if piece in w2v.wv:
            v = w2v.wv[piece]
            emb[i] = v / (np.linalg.norm(v) + 1e-8) * 0.02 * np.sqrt(dim)  # same scale as BERT's init
            found += 1
    np.save(path, emb)
    print(f"vectors: {found}/{len(vocab)} pieces in {time.time() - t:.0f}s")
    return emb


def step_encoder(out: Path, tokenizer, emb, hidden: int, layers: int, heads: int) -> Path:
    import torch
    from transformers import BertConfig, BertModel

    d = out / "encoder"
    if (d / "config.json").exists():
        return d
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=hidden, num_hidden_layers=layers,
                        num_attention_heads=heads, intermediate_size=4 * hidden, max_position_embeddings=512)
    torch.manual_seed(0)
    model = BertModel(config, add_pooling_layer=False)
    with torch.no_grad():
        model.embeddings.word_embeddings.weight.copy_(torch.from_numpy(emb))
    model.save_pretrained(str(d))
    tokenizer.save_pretrained(str(d))
    return d


def step_mlm(out: Path, corpus: Path, encoder_dir: Path, minutes: float, seq_len: int = 128, batch: int = 32) -> Path:
    """Masked-LM training for a time budget; checkpoints every 5 minutes and resumes."""
    import torch
    from transformers import BertForMaskedLM, PreTrainedTokenizerFast

    d = out / "encoder_mlm"
    state_path = d / "state.pt"
    tok = PreTrainedTokenizerFast.from_pretrained(str(encoder_dir))
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = BertForMaskedLM.from_pretrained(str(d if state_path.exists() else encoder_dir)).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)
    done = {"seconds": 0.0, "line": 0, "steps": 0}
    if state_path.exists():
        ck = torch.load(state_path, weights_only=False)
        opt.load_state_dict(ck["opt"])
        done = ck["done"]
    if done["seconds"] >= minutes * 60:
        return d
    g = torch.Generator().manual_seed(done["steps"])
    lines = corpus.read_text(encoding="utf-8").splitlines()
    model.train()
    t0, last_save = time.time() - done["seconds"], time.time()
    while time.time() - t0 < minutes * 60:
        chunk = lines[done["line"]: done["line"] + batch]
        done["line"] = (done["line"] + batch) % len(lines)
        enc = tok(chunk, truncation=True, max_length=seq_len, padding=True, return_tensors="pt")
        ids = enc["input_ids"]
        special = (ids == tok.cls_token_id) | (ids == tok.sep_token_id) | (ids == tok.pad_token_id)
        mask = (torch.rand(ids.shape, generator=g) < 0.15) & ~special
        inputs = ids.masked_fill(mask & (torch.rand(ids.shape, generator=g) < 0.8), tok.mask_token_id)
        # the vocabulary projection only at masked positions: ~15% of the full-sequence cost
        hidden = model.bert(input_ids=inputs.to(device), attention_mask=enc["attention_mask"].to(device)).last_hidden_state
        logits = model.cls(hidden[mask.to(device)])
        loss = torch.nn.functional.cross_entropy(logits.float(), ids[mask].to(device))
        for group in opt.param_groups:  # linear warm-up over the first 300 steps
            group["lr"] = 5e-4 * min(1.0, (done["steps"] + 1) / 300)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad()
        done["steps"] += 1
        if done["steps"] % 50 == 0:
            print(f"mlm step {done['steps']} loss {loss.item():.3f} ({time.time() - t0:.0f}s)", flush=True)
        if time.time() - last_save > 300:
            done["seconds"] = time.time() - t0
            model.save_pretrained(str(d))
            torch.save({"opt": opt.state_dict(), "done": done}, state_path)
            last_save = time.time()
    done["seconds"] = time.time() - t0
    model.save_pretrained(str(d))
    tok.save_pretrained(str(d))
    torch.save({"opt": opt.state_dict(), "done": done}, state_path)
    return d


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(ROOT / ".cache" / "pretrain"))
    p.add_argument("--vocab", type=int, default=16000)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--w2v-epochs", type=int, default=3)
    p.add_argument("--mlm-minutes", type=float, default=0.0)
    p.add_argument("--random-twin", action="store_true",
                   help="also write encoder_random/: same size and vocabulary, random weights (the ablation baseline)")
    args = p.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    corpus = step_corpus(out)
    tok = step_tokenizer(out, corpus, args.vocab)
    emb = step_vectors(out, corpus, tok, args.hidden, args.w2v_epochs)
    enc = step_encoder(out, tok, emb, args.hidden, args.layers, args.heads)
    if args.random_twin and not (out / "encoder_random" / "config.json").exists():
        import torch
        from transformers import BertConfig, BertModel

        torch.manual_seed(0)
        BertModel(BertConfig.from_pretrained(str(enc)), add_pooling_layer=False).save_pretrained(str(out / "encoder_random"))
        tok.save_pretrained(str(out / "encoder_random"))
    if args.mlm_minutes > 0:
        enc = step_mlm(out, corpus, enc, args.mlm_minutes)
    print(f"encoder: {enc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
