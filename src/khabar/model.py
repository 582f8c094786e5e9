"""The network: a Hugging Face encoder with three small heads, and its save/load format.

- tagger: per word (first sub-word vector), BIO over entity and trigger types;
- clitic head: per word, how many proclitic letters a span starting on it leaves out (0–3);
- role head: per (trigger, entity) pair of a sentence, the role the entity plays (or none).

Any BERT-family checkpoint works as encoder (AraBERT by default, by hub id or local directory); the
model directory stores the encoder's config, all weights in one safetensors file, the tokenizer, the
schema and the label sets, so ``KhabarModel.load`` needs no network.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import torch
from torch import nn

from khabar.encoding import LabelSet
from khabar.errors import ModelError
from khabar.schema import Schema
from khabar.text import MAX_PROCLITIC

FORMAT_VERSION = 1
N_DISTANCE_BUCKETS = 16


def distance_bucket(d: torch.Tensor) -> torch.Tensor:
    """Signed word distance → one of 16 log-spaced buckets (8 each side)."""
    sign = (d < 0).long() * 8
    mag = torch.clamp(torch.floor(torch.log2(d.abs().float() + 1)).long(), max=7)
    return sign + mag


class KhabarModel(nn.Module):
    def __init__(self, encoder: nn.Module, labels: LabelSet, role_hidden: int = 256, dropout: float = 0.1):
        super().__init__()
        self.encoder = encoder
        self.labels = labels
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.tagger = nn.Linear(hidden, len(labels.labels))
        self.clitic = nn.Linear(hidden, MAX_PROCLITIC + 1)
        n_span_types = len(labels.schema.span_labels)
        self.span_type = nn.Embedding(n_span_types, 32)
        self.distance = nn.Embedding(N_DISTANCE_BUCKETS, 32)
        self.role = nn.Sequential(
            nn.Linear(4 * hidden + 3 * 32, role_hidden), nn.GELU(), nn.Dropout(dropout),
            nn.Linear(role_hidden, len(labels.roles)),
        )
        self.role_hidden = role_hidden
        self.dropout_p = dropout

    # -- forward pieces ------------------------------------------------------------------------
    def word_vectors(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, gather: torch.Tensor) -> torch.Tensor:
        """Encode windows and pick one vector per word: ``gather`` indexes the flattened tokens."""
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        flat = out.reshape(-1, out.shape[-1])
        return self.dropout(flat.index_select(0, gather))

    def tag_logits(self, words: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.tagger(words), self.clitic(words)

    def role_logits(self, words: torch.Tensor, trig: torch.Tensor, ent: torch.Tensor,
                    trig_type: torch.Tensor, ent_type: torch.Tensor) -> torch.Tensor:
        """Role scores for pairs; ``trig``/``ent`` are ``[P, 2]`` first/last global word indices."""
        csum = torch.cat([words.new_zeros(1, words.shape[1]), words.cumsum(0)])

        def span_vec(s: torch.Tensor) -> torch.Tensor:
            n = (s[:, 1] - s[:, 0] + 1).unsqueeze(1).to(words.dtype)
            return (csum[s[:, 1] + 1] - csum[s[:, 0]]) / n

        t, e = span_vec(trig), span_vec(ent)
        dist = distance_bucket(ent[:, 0] - trig[:, 0])
        feats = torch.cat([t, e, t * e, (t - e).abs(), self.span_type(trig_type), self.span_type(ent_type),
                           self.distance(dist)], dim=-1)
        return self.role(feats)

    # -- persistence ----------------------------------------------------------------------------
    def config_dict(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "labels": list(self.labels.labels),
            "roles": list(self.labels.roles),
            "role_hidden": self.role_hidden,
            "dropout": self.dropout_p,
            "encoder_config": self.encoder.config.to_dict(),
        }

    def save(self, directory: str | Path, tokenizer, extra: dict[str, Any] | None = None, half: bool = False) -> None:
        """Write the model directory: config, weights, tokenizer and schema.

        ``half=True`` stores weights as float16 (half the size on disk, e.g. for shipping inside the
        package); they are loaded back as float32."""
        from safetensors.torch import save_file

        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        config = self.config_dict() | (extra or {})
        (d / "khabar_config.json").write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
        self.labels.schema.save(d / "schema.yaml")
        state = {k: v.detach().contiguous().cpu() for k, v in self.state_dict().items()}
        if half:
            state = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
        save_file(state, str(d / "model.safetensors"), metadata={"format": "pt"})
        tokenizer.save_pretrained(str(d))

    @classmethod
    def load(cls, directory: str | Path, device: str | torch.device = "cpu") -> tuple["KhabarModel", Any, dict]:
        """Load a model directory; a missing or corrupt file raises ModelError naming it."""
        from safetensors import SafetensorError
        from safetensors.torch import load_file
        from transformers import AutoConfig, AutoModel, AutoTokenizer

        d = Path(directory)
        if not d.is_dir():
            raise ModelError(f"{d}: model directory does not exist")
        for name in ("khabar_config.json", "schema.yaml", "model.safetensors", "tokenizer_config.json"):
            if not (d / name).is_file():
                raise ModelError(f"{d / name}: missing file in model directory")
        try:
            config = json.loads((d / "khabar_config.json").read_text(encoding="utf-8"))
            enc_cfg = dict(config["encoder_config"])
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise ModelError(f"{d / 'khabar_config.json'}: corrupt model config ({e})") from None
        schema = Schema.load(d / "schema.yaml")
        labels = LabelSet.from_schema(schema)
        if list(labels.labels) != config.get("labels") or list(labels.roles) != config.get("roles"):
            raise ModelError(f"{d / 'schema.yaml'}: does not match the label set in khabar_config.json")
        model_type = enc_cfg.pop("model_type", "bert")
        encoder = AutoModel.from_config(AutoConfig.for_model(model_type, **enc_cfg), add_pooling_layer=False) \
            if model_type == "bert" else AutoModel.from_config(AutoConfig.for_model(model_type, **enc_cfg))
        model = cls(encoder, labels, config.get("role_hidden", 256), config.get("dropout", 0.1))
        try:
            state = load_file(str(d / "model.safetensors"))
        except (SafetensorError, OSError, ValueError) as e:
            raise ModelError(f"{d / 'model.safetensors'}: corrupt weights file ({e})") from None
        missing, unexpected = model.load_state_dict(state, strict=False)
        if missing or unexpected:
            raise ModelError(f"{d / 'model.safetensors'}: weights do not fit the model "
                             f"(missing {missing[:3]}, unexpected {unexpected[:3]})")
        try:
            tokenizer = AutoTokenizer.from_pretrained(str(d))
        except Exception as e:  # tokenizers raises several exception types on corrupt files
            raise ModelError(f"{d}: cannot load the tokenizer ({type(e).__name__}: {e})") from None
        model.to(device).eval()
        return model, tokenizer, config


def build_encoder(name_or_path: str) -> tuple[nn.Module, Any]:
    """Load an encoder and its fast tokenizer by hub id or local directory (the AraBERT code path)."""
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    try:
        config = AutoConfig.from_pretrained(name_or_path)
        kwargs = {"add_pooling_layer": False} if config.model_type == "bert" else {}
        encoder = AutoModel.from_pretrained(name_or_path, **kwargs)
        tokenizer = AutoTokenizer.from_pretrained(name_or_path, use_fast=True)
    except (OSError, ValueError) as e:  # missing files / unreachable hub; unrecognised model directory
        raise ModelError(f"cannot load encoder {name_or_path!r}: not a model directory here, and the Hugging Face Hub "
                         f"could not provide it (offline? HF_HUB_OFFLINE is {os.environ.get('HF_HUB_OFFLINE', 'unset')}): "
                         f"{str(e).splitlines()[0]}") from None
    if not tokenizer.is_fast:
        raise ModelError(f"{name_or_path}: khabar needs a fast (Rust) tokenizer")
    return encoder, tokenizer
