from khabar.text import allowed_proclitic_lengths, normalise, proclitic_length, split_sentences, split_words


def test_normalise_maps_back_to_original_offsets():
    text = "حيّدت ٣ دبابـــات"
    norm, starts = normalise(text)
    assert norm == "حيدت 3 دبابات"
    assert [text[i] for i in starts] == [c for c in "حيدت ٣ دبابات"]


def test_sentences_split_by_the_guidelines_rule():
    text = "نزح أكثر من 1.7 مليون سوري. قال: نعم! هل؟ لا؛ ثم\nسطر"
    assert [s.text for s in split_sentences(text)] == ["نزح أكثر من 1.7 مليون سوري.", "قال: نعم!", "هل؟", "لا؛", "ثم", "سطر"]
    for s in split_sentences(text):
        assert text[s.start:s.end] == s.text


def test_words_split_punctuation_and_keep_trailing_tanween():
    text = 'وفداً تركياً، "أبل" #لافروف'
    words = split_words(text)
    assert [w.norm for w in words] == ["وفدا", "تركيا", "،", '"', "ابل".replace("ا", "أ", 1), '"', "#", "لافروف"]
    assert text[words[0].start:words[0].end] == "وفداً"
    assert text[words[1].start:words[1].end] == "تركياً"


def test_proclitics():
    (w,) = split_words("وميزناز")
    assert proclitic_length(w, 1) == 1 and proclitic_length(w, 0) == 0
    (w,) = split_words("تركيا")
    assert proclitic_length(w, 1) is None  # ت is no proclitic
    (w,) = split_words("وبحلب")
    assert allowed_proclitic_lengths(w) == [0, 1, 2]
