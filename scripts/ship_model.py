"""Copy a trained model into the package as the default model, weights stored as float16.

    python scripts/ship_model.py runs/default/best

Writes src/khabar/models/default/ (loaded by khabar.extract / khabar.load() with no argument) and
checks that it loads and stays under the 25 MB budget.
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
    for extra in ("README.md", "metrics.json"):
        if (source / extra).exists():
            shutil.copyfile(source / extra, TARGET / extra)
    KhabarModel.load(TARGET)
    size = sum(p.stat().st_size for p in TARGET.iterdir()) / 1e6
    print(f"shipped {source} -> {TARGET} ({size:.1f} MB)")
    if size > BUDGET_MB:
        sys.exit(f"model is {size:.1f} MB, over the {BUDGET_MB} MB budget")
