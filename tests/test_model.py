"""End-to-end model tests on the tiny config: train, save, reload, extract, resume, bad input."""

import copy
import json
import unicodedata
from pathlib import Path

import pytest

import khabar
from khabar import events
from khabar.config import load_config, parse_config
from khabar.errors import ConfigError, ModelError

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "configs" / "tiny.yaml"
SEED_TXT = ROOT / "seeds" / "000_bc5014cbca3bf3a9.txt"


def tiny_config(out: Path, **hyper):
    cfg = load_config(TINY)
    cfg.output_dir = str(out)
    for k, v in hyper.items():
        setattr(cfg.hyper, k, v)
    return cfg


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    from khabar.train import train

    return train(tiny_config(tmp_path_factory.mktemp("tiny")), progress=False)


@pytest.fixture(scope="session")
def extractor(tiny_model):
    return khabar.load(tiny_model)


def test_tiny_model_extracts_typed_events_with_exact_offsets(extractor):
    text = SEED_TXT.read_text(encoding="utf-8")
    evs = extractor.extract(text)
    attacks = [e for e in evs if isinstance(e, events.Attack)]
    assert attacks and any(a.attacker for a in attacks)
    for e in evs:
        assert text[e.trigger.start:e.trigger.end] == e.trigger.text
        for a in e.arguments:
            assert text[a.entity.start:a.entity.end] == a.entity.text
            assert 0.0 <= a.score <= 1.0
        assert e.score is not None
    assert {"Attack", "TakeControl", "Statement"} <= {e.type for e in evs}


def test_clitic_is_left_out_of_the_span(extractor):
    doc = extractor.analyze(SEED_TXT.read_text(encoding="utf-8"))
    assert "ميزناز" in [e.text for e in doc.entities]  # written وميزناز in the text


def test_diacritised_tatweel_copy_gives_same_events_with_its_own_offsets(extractor):
    text = SEED_TXT.read_text(encoding="utf-8")
    # add a fatha after every third letter and a tatweel inside every fifth word
    noisy, k = [], 0
    for ch in text:
        noisy.append(ch)
        if unicodedata.category(ch) == "Lo":
            k += 1
            if k % 3 == 0:
                noisy.append("\u064e")
            if k % 17 == 0:
                noisy.append("\u0640")
    noisy = "".join(noisy)
    clean = extractor.extract(text)
    dirty = extractor.extract(noisy)
    strip = lambda s: s.replace("\u064e", "").replace("\u0640", "")
    assert [(e.type, e.trigger.text) for e in clean] == [(e.type, strip(e.trigger.text)) for e in dirty]
    for e in dirty:
        assert noisy[e.trigger.start:e.trigger.end] == e.trigger.text
        for a in e.arguments:
            assert noisy[a.entity.start:a.entity.end] == a.entity.text
    assert [[(a.role, strip(a.entity.text)) for a in e.arguments] for e in dirty] == \
        [[(a.role, a.entity.text) for a in e.arguments] for e in clean]


def test_results_do_not_depend_on_neighbours_or_windows(extractor):
    text = SEED_TXT.read_text(encoding="utf-8")
    alone = extractor.analyze(text)
    prefix = "قال مسؤول إن الوضع هادئ.\n"
    shifted = extractor.analyze(prefix + text)
    n = len(prefix)
    key = lambda d, off: [(v.type, v.trigger.start - off, tuple((a.role, a.entity.start - off) for a in v.arguments))
                          for v in d.events if v.trigger.start >= off]
    assert key(alone, 0) == key(shifted, n)
    batch = list(extractor.pipe(["نص آخر قصير.", text, "سيطرت قوات النظام على حلب."], batch_size=3))
    assert batch[1].to_dict() == alone.to_dict()


def test_long_sentence_is_windowed_not_truncated(extractor):
    from khabar.extractor import Extractor

    small = Extractor(extractor.model, extractor.tokenizer, {"max_length": 24, "stride": 8})
    sentence = "، ".join(["قصفت قوات النظام بلدة عندان"] * 30)  # one sentence, ~150 words
    doc = small.analyze(sentence)
    assert doc.events and max(v.trigger.start for v in doc.events) > len(sentence) * 0.9


def test_empty_and_bad_input(extractor, monkeypatch):
    import khabar.extractor as ex

    monkeypatch.setattr(ex, "_DEFAULT", extractor)
    assert khabar.extract("") == [] and khabar.extract("  \n\t") == []
    with pytest.raises(TypeError, match="bytes"):
        khabar.extract(b"abc")
    with pytest.raises(TypeError, match="int"):
        list(extractor.pipe([1]))


def test_model_dir_missing_or_corrupt_file_is_named(tiny_model, tmp_path):
    import shutil

    for name in ("model.safetensors", "khabar_config.json", "schema.yaml", "tokenizer_config.json"):
        d = tmp_path / f"missing-{name}"
        shutil.copytree(tiny_model, d)
        (d / name).unlink()
        with pytest.raises(ModelError, match=name.replace(".", r"\.")):
            khabar.load(d)
    d = tmp_path / "corrupt"
    shutil.copytree(tiny_model, d)
    (d / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ModelError, match="model.safetensors"):
        khabar.load(d)
    d = tmp_path / "corrupt-config"
    shutil.copytree(tiny_model, d)
    (d / "khabar_config.json").write_text("{", encoding="utf-8")
    with pytest.raises(ModelError, match="khabar_config.json"):
        khabar.load(d)


def test_bad_config_fails_before_training(tmp_path):
    base = ROOT / "configs"
    good = {"encoder": "../tests/fixtures/tiny-encoder", "output_dir": str(tmp_path / "o"),
            "train": [{"path": "../training/synthetic/tiny.jsonl"}]}
    parse_config(copy.deepcopy(good), base)
    with pytest.raises(ConfigError, match="unknown key.*learning_rate"):
        parse_config({**good, "learning_rate": 1}, base)
    with pytest.raises(ConfigError, match="unknown key.*lr_typo"):
        parse_config({**good, "hyper": {"lr_typo": 1}}, base)
    with pytest.raises(ConfigError, match="does not exist"):
        parse_config({**good, "train": [{"path": "../nope.jsonl"}]}, base)
    from khabar.cli import main

    cfg = tmp_path / "bad.yaml"
    cfg.write_text("encoder: x\noutput_dir: o\ntrain:\n  - path: missing.jsonl\n", encoding="utf-8")
    assert main(["train", str(cfg)]) == 1


def _weights(d: Path) -> bytes:
    return (d / "model.safetensors").read_bytes()


def test_same_seed_gives_identical_weights(tmp_path):
    from khabar.train import train

    a = train(tiny_config(tmp_path / "a", epochs=3), progress=False)
    b = train(tiny_config(tmp_path / "b", epochs=3), progress=False)
    assert _weights(a) == _weights(b)


def test_interrupted_run_resumes_to_the_same_end(tmp_path, monkeypatch):
    import khabar.train as tr

    full = tr.train(tiny_config(tmp_path / "full", epochs=4, checkpoint_every=5), progress=False)
    real = tr.compute_loss
    calls = {"n": 0}

    def dying(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 12:  # after the checkpoint at step 10, mid-epoch 2
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    cfg = tiny_config(tmp_path / "cut", epochs=4, checkpoint_every=5)
    monkeypatch.setattr(tr, "compute_loss", dying)
    with pytest.raises(KeyboardInterrupt):
        tr.train(cfg, progress=False)
    monkeypatch.setattr(tr, "compute_loss", real)
    resumed = tr.train(cfg, resume=True, progress=False)
    assert _weights(resumed) == _weights(full)
    hist = lambda d: [{k: v for k, v in r.items() if k != "seconds"} for r in json.loads((d / "metrics.json").read_text())["history"]]
    assert hist(resumed) == hist(full)


def test_unloadable_encoder_is_a_clear_error(tmp_path):
    from khabar.model import build_encoder

    (tmp_path / "enc").mkdir()
    with pytest.raises(ModelError, match="cannot load encoder"):
        build_encoder(str(tmp_path / "enc"))
