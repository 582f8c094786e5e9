"""Training configuration: one YAML file names the encoder, schema, data and hyper-parameters.

Relative paths in a config are resolved against the config file's own folder, so a recipe works
from any working directory. Unknown keys and missing data files fail here, before any training.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from khabar.errors import ConfigError
from khabar.schema import load_yaml


@dataclass
class DatasetConfig:
    """One annotated data source. ``entity_types``/``events`` say what it annotates (partial labels)."""

    path: str
    format: str | None = None
    corpus: str | None = None  # CoNLL label map name in configs/corpora.yaml
    entity_types: list[str] | None = None  # None: all schema entity types
    events: bool = True
    type_sets: dict[str, list[str]] = field(default_factory=dict)  # corpus type -> schema types it may be
    start: int | None = None  # use documents[start:stop] (Python slice; negative counts from the end),
    stop: int | None = None  # e.g. a dev set cut from the end of a train file
    clitics: bool = True  # train the clitic head on this data (False where spans keep proclitics, e.g. ANERcorp)
    span_edges: bool = True  # enforce "spans start and end on letters" (False for CoNLL corpora whose tokens keep punctuation)
    name: str | None = None


@dataclass
class HyperParams:
    epochs: int = 10
    batch_size: int = 16  # sentences per optimisation step (per process)
    lr: float = 5e-5  # encoder learning rate
    head_lr: float = 1e-3  # heads' learning rate
    weight_decay: float = 0.01
    warmup: float = 0.1  # fraction of steps
    grad_accum: int = 1
    max_grad_norm: float = 1.0
    mixed_precision: str = "auto"  # auto: bf16 on GPU, none on CPU
    checkpoint_every: int = 200  # optimiser steps between resumable checkpoints (and every epoch end)
    role_loss_weight: float = 1.0
    clitic_loss_weight: float = 0.5


@dataclass
class TrainConfig:
    encoder: str
    output_dir: str
    train: list[DatasetConfig]
    dev: list[DatasetConfig] = field(default_factory=list)
    schema: str | None = None  # None: schema v1
    seed: int = 13
    max_length: int = 256
    stride: int = 64
    select: list[str] = field(default_factory=lambda: ["entity", "trigger_classification", "argument_classification"])
    hyper: HyperParams = field(default_factory=HyperParams)
    source: str = "<dict>"

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        d = asdict(self)
        d.pop("source")
        return d


def _build(cls, data: Any, where: str):
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(data).__name__}")
    known = {f.name for f in fields(cls)} - {"source"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    try:
        return cls(**data)
    except TypeError as e:
        raise ConfigError(f"{where}: {e}") from None


def _resolve(base: Path, p: str) -> str:
    path = Path(p).expanduser()
    return str(path if path.is_absolute() else (base / path).resolve())


def parse_config(data: dict[str, Any], base: Path, source: str = "<dict>") -> TrainConfig:
    """Build and check a TrainConfig from a mapping; paths are resolved against ``base``."""
    data = dict(data or {})
    datasets = {}
    for split in ("train", "dev"):
        items = data.pop(split, []) or []
        if not isinstance(items, list):
            raise ConfigError(f"{source}: {split} must be a list of datasets")
        datasets[split] = [_build(DatasetConfig, d, f"{source}: {split}[{i}]") for i, d in enumerate(items)]
    hyper = _build(HyperParams, data.pop("hyper", {}) or {}, f"{source}: hyper")
    for key in ("encoder", "output_dir"):
        if key not in data:
            raise ConfigError(f"{source}: missing required key {key!r}")
    cfg = _build(TrainConfig, {**data, **datasets, "hyper": hyper}, source)
    cfg.source = source
    if not cfg.train:
        raise ConfigError(f"{source}: no training data (train: [...])")
    for split, items in datasets.items():
        for i, d in enumerate(items):
            d.path = _resolve(base, d.path)
            if not Path(d.path).exists():
                raise ConfigError(f"{source}: {split}[{i}].path {d.path} does not exist")
            d.name = d.name or Path(d.path).stem
    cfg.output_dir = _resolve(base, cfg.output_dir)
    if cfg.schema:
        cfg.schema = _resolve(base, cfg.schema)
        if not Path(cfg.schema).exists():
            raise ConfigError(f"{source}: schema {cfg.schema} does not exist")
    local = Path(_resolve(base, cfg.encoder))
    if local.exists():  # a local encoder directory; otherwise a hub id
        cfg.encoder = str(local)
    return cfg


def load_config(path: str | Path) -> TrainConfig:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file does not exist")
    return parse_config(load_yaml(path), path.parent.resolve(), str(path))
