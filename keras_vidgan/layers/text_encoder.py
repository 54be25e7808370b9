import keras
import tensorflow as tf
from keras import layers

# Ids that `TextVectorization` reserves: padding and out-of-vocabulary words.
PAD_ID = 0
UNKNOWN_ID = 1


@keras.saving.register_keras_serializable(package="keras_vidgan")
class TextEncoder(layers.Layer):
    """Encodes raw strings `[B]` into text codes `[B, code_dim]`, vocabulary included.

    The strings are lower-cased, stripped of punctuation and split on
    whitespace by a `keras.layers.TextVectorization` holding a fixed
    vocabulary; the word ids go through a learned embedding and a GRU
    (padding masked), whose last state is the code. Text is read inside the
    model, so a saved or exported model takes plain strings: the vocabulary
    is part of the layer's config.

    Words beyond `sequence_length` are dropped and unknown words share one
    id. `text_problems` tells an application which prompts are empty, too
    long, unknown or not UTF-8, so that it can refuse them instead.

    Args:
        vocabulary: list of words (lower case, no punctuation), for example
            from `TextEncoder.vocabulary_from(captions)`.
        sequence_length: int. Words read per text, the encoder's limit.
        embedding_dim: int. Size of each word embedding.
        code_dim: int. Size of the text code (the GRU's state).
        **kwargs: passed to `keras.layers.Layer`.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.layers import TextEncoder

    vocabulary = TextEncoder.vocabulary_from(["the digit 2 moves up and down"])
    encoder = TextEncoder(vocabulary, sequence_length=8, code_dim=16)
    print(encoder(np.array(["digit 2 moves up", "the digit 2"])).shape)  # (2, 16)
    print(encoder.text_problems(["", "a cat"]))
    # ['the text is empty', 'it has no word of the vocabulary']
    ```
    """

    def __init__(self, vocabulary, sequence_length=24, embedding_dim=32, code_dim=64, **kwargs):
        super().__init__(**kwargs)
        vocabulary = [str(word) for word in vocabulary]
        if not vocabulary:
            raise ValueError("`vocabulary` must hold at least one word.")
        for name, value in (("sequence_length", sequence_length),
                            ("embedding_dim", embedding_dim), ("code_dim", code_dim)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"`{name}` must be a positive integer, got {value!r}.")
        self.vocabulary = vocabulary
        self.sequence_length = sequence_length
        self.embedding_dim = embedding_dim
        self.code_dim = code_dim
        # No output length: the full word count is needed to tell a text that is too
        # long; `call` pads or truncates to `sequence_length` itself.
        self.vectorizer = layers.TextVectorization(
            vocabulary=vocabulary,
            standardize="lower_and_strip_punctuation",
            split="whitespace",
            name="vectorizer",
        )
        self.embedding = layers.Embedding(
            len(vocabulary) + 2, embedding_dim, mask_zero=True, name="word_embedding"
        )
        self.gru = layers.GRU(code_dim, name="text_gru")

    @staticmethod
    def vocabulary_from(captions, max_words=None):
        """The vocabulary of `captions` (adapted like `TextVectorization`), most frequent first.

        Args:
            captions: iterable of strings.
            max_words: keep at most this many words; None keeps all.
        """
        vectorizer = layers.TextVectorization(
            max_tokens=None if max_words is None else max_words + 2,
            standardize="lower_and_strip_punctuation",
            split="whitespace",
        )
        vectorizer.adapt(tf.constant(list(captions), tf.string))
        # Drop the reserved padding ("") and out-of-vocabulary ("[UNK]") entries.
        return [str(word) for word in vectorizer.get_vocabulary()[2:]]

    @staticmethod
    def count_words(texts):
        """How many words the encoder reads in each text, before its `sequence_length` limit.

        Args:
            texts: iterable of strings.

        Returns:
            A list of ints.

        Example:

        ```python
        from keras_vidgan.layers import TextEncoder

        print(TextEncoder.count_words(["a dog, running!", "  snow "]))  # [3, 1]
        ```
        """
        # Any vocabulary will do: every word gets an id above padding, known or not.
        vectorizer = layers.TextVectorization(
            vocabulary=["_"], standardize="lower_and_strip_punctuation", split="whitespace"
        )
        ids = vectorizer(tf.constant(list(texts), tf.string))
        return [int(count) for count in tf.math.count_nonzero(ids, axis=1).numpy()]

    def build(self, input_shape=None):
        # A layer that `ExportArchive` tracks must be built; a loaded model builds from here.
        self.vectorizer.build((None,))
        self.embedding.build((None, self.sequence_length))
        self.gru.build((None, self.sequence_length, self.embedding_dim))
        self.built = True

    def word_ids(self, text):
        """int64 ids `[B, sequence_length]` of the first words of each text, 0-padded."""
        ids = self._all_word_ids(text)[:, : self.sequence_length]
        ids = tf.pad(ids, [[0, 0], [0, self.sequence_length - tf.shape(ids)[1]]])
        return tf.ensure_shape(ids, [None, self.sequence_length])

    def call(self, text):
        ids = self.word_ids(text)
        return self.gru(self.embedding(ids), mask=tf.not_equal(ids, PAD_ID))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.code_dim)

    def _all_word_ids(self, text):
        text = tf.reshape(tf.convert_to_tensor(text, tf.string), [-1])
        return tf.cast(self.vectorizer(text), tf.int64)

    def text_checks(self, text):
        """Per-text booleans `[B]`: `(utf8, not_empty, fits, known)`, as graph ops.

        `utf8`: the bytes are valid UTF-8. `not_empty`: at least one word.
        `fits`: at most `sequence_length` words. `known`: at least one word
        of the vocabulary.
        """
        text = tf.reshape(tf.convert_to_tensor(text, tf.string), [-1])
        # Invalid bytes are what "ignore" drops: valid text comes back unchanged.
        utf8 = tf.equal(
            tf.strings.unicode_transcode(text, "UTF-8", "UTF-8", errors="ignore"), text
        )
        # Standardizing malformed UTF-8 fails inside the vectorizer; count the words of
        # the cleaned text instead (the UTF-8 check reports such texts).
        cleaned = tf.strings.unicode_transcode(text, "UTF-8", "UTF-8", errors="ignore")
        ids = self._all_word_ids(cleaned)
        words = tf.math.count_nonzero(tf.not_equal(ids, PAD_ID), axis=1)
        known = tf.math.count_nonzero(ids > UNKNOWN_ID, axis=1)
        return utf8, words > 0, words <= self.sequence_length, known > 0

    def assert_valid_text(self, text, name="text"):
        """`text` unchanged, after graph asserts that fail with a message a client can act on."""
        utf8, not_empty, fits, known = self.text_checks(text)
        prefix = f"keras_vidgan: every `{name}`"
        rules = (
            (utf8, "must be UTF-8 text; one is not valid UTF-8"),
            (not_empty, "must hold a word; one is empty"),
            (fits, f"must have at most {self.sequence_length} words (the limit of the text "
                   "encoder); one is longer"),
            (known, "must use words of the vocabulary of the model; one has none"),
        )
        checks = [
            tf.debugging.assert_equal(tf.reduce_all(passed), True, message=f"{prefix} {rule}")
            for passed, rule in rules
        ]
        with tf.control_dependencies(checks):
            return tf.identity(text)

    def text_problems(self, texts):
        """What is wrong with each text, as a list of strings ("" for a usable text).

        Args:
            texts: a list of strings (or bytes, which may be invalid UTF-8).
        """
        utf8, not_empty, fits, known = (check.numpy() for check in self.text_checks(texts))
        problems = []
        for index in range(len(utf8)):
            if not utf8[index]:
                problems.append("it is not valid UTF-8")
            elif not not_empty[index]:
                problems.append("the text is empty")
            elif not fits[index]:
                problems.append(f"it has more than {self.sequence_length} words, the text "
                                "encoder's limit")
            elif not known[index]:
                problems.append("it has no word of the vocabulary")
            else:
                problems.append("")
        return problems

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary": list(self.vocabulary),
            "sequence_length": self.sequence_length,
            "embedding_dim": self.embedding_dim,
            "code_dim": self.code_dim,
        }
