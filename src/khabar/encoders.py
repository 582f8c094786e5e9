"""Build a randomly initialised BERT encoder with a WordPiece vocabulary trained on your own text.

Used for the project's own compact encoder (before pretraining) and by the tests, which cannot
download AraBERT: the result is a normal Hugging Face model directory, loaded by the same
``AutoModel.from_pretrained`` code path a user's AraBERT run takes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from khabar.text import normalise, split_words


def pretokenized_lines(texts: Iterable[str]) -> Iterable[str]:
    """Texts as the encoder sees them: normalised words joined by spaces."""
    for text in texts:
        norm, _ = normalise(text)
        yield " ".join(w.norm for w in split_words(norm))


def train_wordpiece(texts: Iterable[str], vocab_size: int = 16000, min_frequency: int = 2, pretokenized: bool = False):
    """A BERT-style fast tokenizer with a WordPiece vocabulary learnt from ``texts``.

    ``pretokenized=True``: the texts are already normalised words joined by spaces (a corpus file)."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=special)
    tok.train_from_iterator(texts if pretokenized else pretokenized_lines(texts), trainer=trainer)
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]", special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)])
    tok.decoder = decoders.WordPiece()
    return PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                                   sep_token="[SEP]", mask_token="[MASK]")


def build_random_encoder(out_dir: str | Path, texts: Iterable[str], vocab_size: int = 16000, hidden: int = 256,
                         layers: int = 4, heads: int = 4, intermediate: int | None = None,
                         max_position: int = 512, seed: int = 0) -> Path:
    """Write a randomly initialised BERT + trained WordPiece tokenizer to ``out_dir``."""
    import torch
    from transformers import BertConfig, BertModel

    tokenizer = train_wordpiece(texts, vocab_size)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=hidden, num_hidden_layers=layers,
                        num_attention_heads=heads, intermediate_size=intermediate or 4 * hidden,
                        max_position_embeddings=max_position)
    torch.manual_seed(seed)
    model = BertModel(config, add_pooling_layer=False)
    out = Path(out_dir)
    model.save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    return out
