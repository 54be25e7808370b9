"""TextEncoder: strings in, codes out, its vocabulary in its config, and every bad text named."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_vidgan.layers import TextEncoder

CAPTIONS = ["the digit 2 moves up and down", "3 is moving left and right",
            "digit 7 bouncing diagonally"]


@pytest.fixture(scope="module")
def encoder():
    keras.utils.set_random_seed(0)
    return TextEncoder(TextEncoder.vocabulary_from(CAPTIONS), sequence_length=6, code_dim=8)


def codes(encoder, texts):
    return keras.ops.convert_to_numpy(encoder(tf.constant(texts)))


def test_vocabulary_holds_every_caption_word_and_no_reserved_entry():
    vocabulary = TextEncoder.vocabulary_from(CAPTIONS + ["The digit, 2!"])
    words = {word for caption in CAPTIONS for word in caption.split()}
    assert set(vocabulary) == words
    assert "" not in vocabulary and "[UNK]" not in vocabulary
    # Adapted like TextVectorization: the most frequent word comes first.
    assert vocabulary[0] == "digit"  # three times; "and" twice
    short = TextEncoder.vocabulary_from(CAPTIONS + ["The digit, 2!"], max_words=3)
    assert len(short) == 3 and short[0] == "digit" and set(short) <= set(vocabulary)


def test_codes_follow_the_words_and_ignore_case_punctuation_and_extra_words(encoder):
    first, other, shouted, longer = codes(encoder, [
        "the digit 2 moves up", "the digit 3 moves up", "The DIGIT 2, moves up!",
        "the digit 2 moves up and down and down",
    ])
    assert first.shape == (8,)
    assert not np.allclose(first, other)
    np.testing.assert_allclose(first, shouted, atol=1e-6)
    # The limit is 6 words: "the digit 2 moves up and" is what both encode.
    np.testing.assert_allclose(
        codes(encoder, ["the digit 2 moves up and"])[0], longer, atol=1e-6)


def test_config_round_trips_with_the_vocabulary(encoder):
    config = encoder.get_config()
    assert config["vocabulary"] == encoder.vocabulary
    clone = TextEncoder.from_config(config)
    clone.build()
    clone.set_weights(encoder.get_weights())
    texts = ["digit 7 bouncing diagonally", "3 moves left"]
    np.testing.assert_array_equal(codes(clone, texts), codes(encoder, texts))


def test_each_bad_text_is_named(encoder):
    problems = encoder.text_problems(
        ["", "   ", "a cat", "the " * 7, b"the digit \xff", "the digit 2", "\ufffd digit"])
    assert problems == [
        "the text is empty",
        "the text is empty",
        "it has no word of the vocabulary",
        "it has more than 6 words, the text encoder's limit",
        "it is not valid UTF-8",
        "",
        "",
    ]


@pytest.mark.parametrize("text, message", [
    ("", "must hold a word"),
    ("a cat", "must use words of the vocabulary"),
    ("the " * 7, "must have at most 6 words"),
    (b"the digit \xff", "must be UTF-8 text"),
])
def test_graph_checks_fail_with_the_problem(encoder, text, message):
    check = tf.function(encoder.assert_valid_text)
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        check(tf.constant(["the digit 2", text]))
    assert check(tf.constant(["the digit 2"])).numpy().tolist() == [b"the digit 2"]


@pytest.mark.parametrize("kwargs, message", [
    ({"vocabulary": []}, "at least one word"),
    ({"vocabulary": ["a"], "sequence_length": 0}, "sequence_length"),
    ({"vocabulary": ["a"], "code_dim": 2.5}, "code_dim"),
])
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TextEncoder(**kwargs)
