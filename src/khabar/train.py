"""Fine-tune an encoder with khabar's heads: ``khabar train CONFIG.yaml [--resume]``.

One readable loop in the spirit of nanoGPT. accelerate runs the same code on CPU, one GPU or several
(``accelerate launch -m khabar.cli train CONFIG``), with bf16 on GPU. The data order of every epoch
is a function of the seed and the epoch, and checkpoints hold model, optimiser, scheduler and RNG
states, so a run killed and resumed ends exactly where an uninterrupted one does. Datasets that
annotate only some label types (ANERcorp: entities only) are trained with a partial-label loss: a
word outside their spans may still carry any type the dataset does not annotate.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import time
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from khabar.config import DatasetConfig, TrainConfig, load_config, parse_config
from khabar.document import Document
from khabar.encoding import LabelSet, SentenceFeatures, collate, gold_features
from khabar.model import KhabarModel, build_encoder
from khabar.schema import Schema


def read_dataset(d: DatasetConfig, schema: Schema) -> list[Document]:
    from khabar.formats import detect_format, read

    fmt = d.format or detect_format(d.path)
    options = {"corpus": d.corpus, "span_edges": d.span_edges} if fmt == "conll" else {}
    docs = list(read(d.path, format=fmt, schema=schema, **options))
    return docs[d.start:d.stop]


def build_features(docs_by_set: list[tuple[DatasetConfig, list[Document]]], tokenizer, labels: LabelSet):
    feats: list[SentenceFeatures] = []
    problems: list[str] = []
    for d, docs in docs_by_set:
        for i, doc in enumerate(docs):
            f, p = gold_features(doc, i, tokenizer, labels, d.entity_types, d.events, d.type_sets, d.clitics)
            feats.extend(f)
            problems.extend(p)
    return feats, problems


def compute_loss(model: KhabarModel, feats: list[SentenceFeatures], tokenizer, cfg: TrainConfig, device) -> torch.Tensor:
    """Partial-label tagging loss + clitic loss + role loss for a batch of gold sentences."""
    b = collate(feats, tokenizer, cfg.max_length, cfg.stride)
    words = model.word_vectors(b.input_ids.to(device), b.attention_mask.to(device), b.gather.to(device))
    tag_logits, clitic_logits = model.tag_logits(words)
    n_labels = tag_logits.shape[-1]
    allowed = torch.zeros((words.shape[0], n_labels), dtype=torch.bool)
    strip = torch.full((words.shape[0],), -100, dtype=torch.long)
    trig, ent, tt, et, role = [], [], [], [], []
    type_index = model.labels.type_index
    for k, f in enumerate(feats):
        w0 = b.offsets[k]
        for i, ok in enumerate(f.allowed):
            allowed[w0 + i, list(ok)] = True
        for i, s in enumerate(f.strip):
            if s >= 0:
                strip[w0 + i] = s
        for t_idx, e_idx, r in f.roles:
            (tf, tl, ttype), (ef, el, etype) = f.spans[t_idx], f.spans[e_idx]
            trig.append((w0 + tf, w0 + tl))
            ent.append((w0 + ef, w0 + el))
            tt.append(type_index[ttype])
            et.append(type_index[etype])
            role.append(r)
    allowed = allowed.to(device)
    logits = tag_logits.float()
    tag_loss = (torch.logsumexp(logits, -1) - torch.logsumexp(logits.masked_fill(~allowed, -1e4), -1)).mean()
    loss = tag_loss
    strip = strip.to(device)
    if (strip >= 0).any():
        loss = loss + cfg.hyper.clitic_loss_weight * F.cross_entropy(clitic_logits.float(), strip, ignore_index=-100)
    if role:
        t = torch.tensor
        role_logits = model.role_logits(words, t(trig, device=device), t(ent, device=device),
                                        t(tt, device=device), t(et, device=device))
        loss = loss + cfg.hyper.role_loss_weight * F.cross_entropy(role_logits.float(), t(role, device=device))
    return loss


def evaluate_model(model: KhabarModel, tokenizer, cfg: TrainConfig, dev: list[tuple[DatasetConfig, list[Document]]]) -> dict[str, Any]:
    """Score the model on each dev set with the core scorer; ``score`` is the selection criterion."""
    from khabar.extractor import Extractor
    from khabar.scoring import evaluate

    was_training = model.training
    model.eval()
    extractor = Extractor(model, tokenizer, {"max_length": cfg.max_length, "stride": cfg.stride,
                                             "clitics": any(d.clitics for d in cfg.train)})
    results: dict[str, Any] = {}
    selected = []
    for d, docs in dev:
        preds = list(extractor.pipe([doc.text for doc in docs], ids=[doc.id for doc in docs],
                                    dates=[doc.date for doc in docs]))
        report = evaluate(docs, preds, schema=model.labels.schema)
        results[d.name] = {k: round(v.f1, 4) for k, v in report.metrics.items()}
        for name in cfg.select:
            m = report.metrics.get(name)
            if m is not None and m.gold > 0:
                selected.append(m.f1)
    model.train(was_training)
    results["score"] = sum(selected) / len(selected) if selected else 0.0
    return results


def _set_seed(seed: int) -> None:
    random.seed(seed)
    torch.manual_seed(seed)
    try:
        import numpy as np

        np.random.seed(seed)
    except ImportError:
        pass


def train(config: str | Path | dict, resume: bool = False, progress: bool = True) -> Path:
    """Train per ``config`` (a YAML path or a mapping); returns the best model's directory."""
    from accelerate import Accelerator
    from tqdm.auto import tqdm
    from transformers import get_linear_schedule_with_warmup

    cfg = config if isinstance(config, TrainConfig) else (
        load_config(config) if not isinstance(config, dict) else parse_config(config, Path.cwd()))
    out = Path(cfg.output_dir)
    ckpt_dir = out / "checkpoint"
    if resume and not (ckpt_dir / "trainer_state.json").exists():
        raise FileNotFoundError(f"{ckpt_dir}: nothing to resume (no checkpoint)")
    h = cfg.hyper
    mixed = h.mixed_precision if h.mixed_precision != "auto" else ("bf16" if torch.cuda.is_available() else "no")
    accelerator = Accelerator(mixed_precision=mixed, gradient_accumulation_steps=h.grad_accum, cpu=not torch.cuda.is_available())
    _set_seed(cfg.seed)

    schema = Schema.load(cfg.schema) if cfg.schema else Schema.default()
    labels = LabelSet.from_schema(schema)
    encoder, tokenizer = build_encoder(cfg.encoder)
    train_sets = [(d, read_dataset(d, schema)) for d in cfg.train]
    dev_sets = [(d, read_dataset(d, schema)) for d in cfg.dev]
    feats, problems = build_features(train_sets, tokenizer, labels)
    if problems and accelerator.is_main_process:
        print(f"note: {len(problems)} gold span(s) do not align with words and are not trained on; first: {problems[0]}")
    _set_seed(cfg.seed)
    model = KhabarModel(encoder, labels)
    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    decay = [p for n, p in model.encoder.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in model.encoder.named_parameters() if p.ndim <= 1]
    optimizer = torch.optim.AdamW([
        {"params": decay, "lr": h.lr, "weight_decay": h.weight_decay},
        {"params": no_decay, "lr": h.lr, "weight_decay": 0.0},
        {"params": head_params, "lr": h.head_lr, "weight_decay": 0.0},
    ])
    world, rank = accelerator.num_processes, accelerator.process_index
    steps_per_epoch = math.ceil(len(feats) / (h.batch_size * world) / h.grad_accum)
    total_steps = max(1, steps_per_epoch * h.epochs)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(h.warmup * total_steps), total_steps)
    model, optimizer, scheduler = accelerator.prepare(model, optimizer, scheduler)
    device = accelerator.device

    state = {"epoch": 0, "batch_in_epoch": 0, "global_step": 0, "best_score": -1.0, "history": []}
    if resume:
        accelerator.load_state(str(ckpt_dir))
        state = json.loads((ckpt_dir / "trainer_state.json").read_text())
        if accelerator.is_main_process:
            print(f"resuming from {ckpt_dir}: epoch {state['epoch']}, batch {state['batch_in_epoch']}")

    def save_checkpoint() -> None:
        accelerator.wait_for_everyone()
        tmp = out / "checkpoint.tmp"
        if accelerator.is_main_process and tmp.exists():
            shutil.rmtree(tmp)
        accelerator.save_state(str(tmp))
        if accelerator.is_main_process:
            (tmp / "trainer_state.json").write_text(json.dumps(state, indent=1))
            if ckpt_dir.exists():
                shutil.rmtree(ckpt_dir)
            tmp.rename(ckpt_dir)
        accelerator.wait_for_everyone()

    out.mkdir(parents=True, exist_ok=True)
    raw = accelerator.unwrap_model(model)
    model.train()
    for epoch in range(state["epoch"], h.epochs):
        order = torch.randperm(len(feats), generator=torch.Generator().manual_seed(cfg.seed * 1000 + epoch)).tolist()
        size = h.batch_size
        batches = [order[i:i + size] for i in range(0, len(order), size)]
        batches = batches[rank::world]
        bar = tqdm(total=len(batches), initial=state["batch_in_epoch"], desc=f"epoch {epoch + 1}/{h.epochs}",
                   disable=not (progress and accelerator.is_main_process), leave=False)
        t0 = time.time()
        for bi in range(state["batch_in_epoch"], len(batches)):
            with accelerator.accumulate(model):
                loss = compute_loss(raw, [feats[j] for j in batches[bi]], tokenizer, cfg, device)
                accelerator.backward(loss)
                if accelerator.sync_gradients:
                    accelerator.clip_grad_norm_(model.parameters(), h.max_grad_norm)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
            state["batch_in_epoch"] = bi + 1
            bar.update(1)
            bar.set_postfix(loss=f"{loss.item():.3f}")
            if accelerator.sync_gradients:
                state["global_step"] += 1
                if h.checkpoint_every and state["global_step"] % h.checkpoint_every == 0 and bi + 1 < len(batches):
                    save_checkpoint()
        bar.close()
        metrics = evaluate_model(raw, tokenizer, cfg, dev_sets) if dev_sets else {"score": -float(epoch)}
        record = {"epoch": epoch + 1, "step": state["global_step"], "loss": round(loss.item(), 4),
                  "seconds": round(time.time() - t0, 1), **metrics}
        state["history"].append(record)
        if accelerator.is_main_process:
            (out / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in state["history"]), encoding="utf-8")
            print(json.dumps(record))
            if metrics["score"] > state["best_score"]:
                state["best_score"] = metrics["score"]
                state["best_epoch"] = epoch + 1
                raw.save(out / "best", tokenizer, extra={"max_length": cfg.max_length, "stride": cfg.stride,
                                                         "clitics": any(d.clitics for d in cfg.train),
                                                         "train_config": cfg.to_dict(), "best": record})
        state["epoch"], state["batch_in_epoch"] = epoch + 1, 0
        save_checkpoint()
    if accelerator.is_main_process:
        (out / "best" / "metrics.json").write_text(json.dumps(
            {"best_epoch": state.get("best_epoch"), "history": state["history"]}, indent=1))
        from khabar.modelcard import write_model_card

        write_model_card(out / "best", cfg, state)
    return out / "best"
