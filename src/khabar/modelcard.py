"""The model card written next to every trained model: data, licences, sizes, scores, cost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

LICENCES = {
    "ant": "ANT corpus (Chouigui et al. 2021), Apache-2.0; article copyright stays with the outlets",
    "anercorp": "ANERcorp (Benajiba et al. 2007), CAMeL Lab split, CC BY-SA 4.0",
    "wojood": "Wojood public sample (Jarrar et al. 2022), CC BY-SA 3.0",
    "arwiki": "Arabic Wikipedia 2017-01-20 (comparable corpus subset), CC BY-SA 4.0",
}


def write_model_card(directory: Path, cfg: Any, state: dict[str, Any]) -> None:
    """Write README.md (the card) into a model directory from its training config and history."""
    directory = Path(directory)
    size_mb = sum(p.stat().st_size for p in directory.iterdir() if p.is_file()) / 1e6
    params = None
    try:
        from safetensors import safe_open

        with safe_open(str(directory / "model.safetensors"), "pt") as f:
            params = sum(_numel(f.get_slice(k).get_shape()) for k in f.keys())
    except Exception:  # the card is informative; never fail training over it
        pass
    data_lines = [f"- `{Path(d.path).name}` ({'entities' + (' + events' if d.events else ' only')})" for d in cfg.train]
    used = {k for k in LICENCES for d in cfg.train + cfg.dev if k in d.path.lower() or (k == "ant" and "training/data" in d.path)}
    best = next((r for r in state["history"] if r["epoch"] == state.get("best_epoch")), {})
    lines = [
        "# khabar model card",
        "",
        f"- Encoder: `{cfg.encoder}`",
        f"- Parameters: {params:,}" if params else "- Parameters: n/a",
        f"- Size on disk: {size_mb:.1f} MB",
        f"- Best epoch: {state.get('best_epoch')} of {cfg.hyper.epochs}; selection: mean F1 of {', '.join(cfg.select)} on dev",
        f"- Training time: {sum(r.get('seconds', 0) for r in state['history']):.0f} s over {len(state['history'])} epoch(s)",
        "",
        "## Training data",
        *data_lines,
        "",
        "## Licences of the data",
        *[f"- {LICENCES[k]}" for k in sorted(used)],
        "",
        "## Dev scores at the selected epoch (F1)",
        "```",
        json.dumps({k: v for k, v in best.items() if k not in ('epoch', 'step', 'loss', 'seconds')}, indent=1),
        "```",
        "",
        "## Retrain the same recipe on AraBERT",
        "Set `encoder: aubmindlab/bert-base-arabertv02` in the training config and run `khabar train CONFIG.yaml`",
        "(needs network access to the Hugging Face Hub once; `accelerate launch -m khabar.cli train CONFIG.yaml` on GPUs).",
    ]
    (directory / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _numel(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n
