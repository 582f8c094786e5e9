"""Copy a trained model into the package as the default model, weights stored as float16.

    python scripts/ship_model.py runs/default/best

Writes src/khabar/models/default/ (loaded by khabar.extract / khabar.load() with no argument) with
the model card (training/MODEL_CARD.md + the run's summary) and the pretraining inputs with their
hashes (.cache/pretrain/inputs.json), and checks that it loads and stays under the 25 MB budget.
"""

import shutil
import sys
from pathlib import Path

from khabar.model import KhabarModel

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "khabar" / "models" / "default"
BUDGET_MB = 25

if __name__ == "__main__":
    source = Path(sys.argv[1])
    model, tokenizer, config = KhabarModel.load(source)
    if TARGET.exists():
        shutil.rmtree(TARGET)
    model.save(TARGET, tokenizer, extra={k: v for k, v in config.items() if k not in model.config_dict()}, half=True)
    if (source / "metrics.json").exists():
        shutil.copyfile(source / "metrics.json", TARGET / "metrics.json")
    # the model card: the project's card (data, licences, scores, cost) + the run's own summary
    card = (ROOT / "training" / "MODEL_CARD.md").read_text(encoding="utf-8")
    run = (source / "README.md").read_text(encoding="utf-8") if (source / "README.md").exists() else ""
    (TARGET / "README.md").write_text(card + "\n## Training run summary (written by khabar train)\n\n"
                                      + run.replace("# khabar model card\n", ""), encoding="utf-8")
    shutil.copyfile(ROOT / ".cache" / "pretrain" / "inputs.json", TARGET / "pretraining_inputs.json")
    KhabarModel.load(TARGET)
    size = sum(p.stat().st_size for p in TARGET.iterdir()) / 1e6
    print(f"shipped {source} -> {TARGET} ({size:.1f} MB)")
    if size > BUDGET_MB:
        sys.exit(f"model is {size:.1f} MB, over the {BUDGET_MB} MB budget")
