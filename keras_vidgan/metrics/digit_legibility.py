"""Digit legibility of Moving MNIST clips: can a digit classifier read every frame?"""

import keras
import numpy as np
import tensorflow as tf

from keras_vidgan.metrics.clip_batches import clip_batches
from keras_vidgan.metrics.digit_classifier import (
    FRAME_SIZE,
    MAX_COUNT,
    WEIGHTS_VERSION,
    load_digit_classifier,
)
from keras_vidgan.metrics.legibility_result import LegibilityResult

DEFAULT_THRESHOLD = 0.9
# Two digits overlap for long stretches of a clip, where even real frames are often not
# legible; a clip of two digits is judged on half its frames, one digit on three quarters.
DEFAULT_MIN_LEGIBLE_SHARE = {1: 0.75, 2: 0.5}


class DigitLegibility:
    """Reads every frame of Moving MNIST clips with a digit classifier.

    A figure a user reads at a glance, beside FVD: how many generated frames
    show a digit that a classifier trained on real digits recognises, and how
    many clips keep their digit from frame to frame. Real test clips read the
    same way give the ceiling.

    Each frame is scaled to [0, 1] and resized (area averaging) to 32x32,
    where the `DigitClassifier` (trained on frames drawn from the training
    digits only) gives the probability of each digit class being present and
    of the frame showing 0, 1 or 2 digits. With `t = threshold`:

    - a frame is **legible** when P(count = `digits`) >= t, every class is
      decided (P >= t: present, P <= 1 - t: absent), and one to `digits`
      classes are present (two digits of one class read as that one class);
      its **reading** is the set of present classes;
    - a clip **keeps its identity** when at least `min_legible_share` of its
      frames are legible and all its legible frames have the same reading.
      Frames where two digits overlap are often not legible, even in real
      clips; they are left out of the identity judgement rather than counted
      against it, up to that share (so it is 0.5 for two digits, 0.75 for
      one, unless given).

    Args:
        digits: int. Digits per clip, 1 or 2.
        classifier: a `DigitClassifier`; the shipped one when omitted.
        threshold: float in (0.5, 1). The confidence every decision needs.
        min_legible_share: float in (0, 1]. The share of a clip's frames that
            must be legible for its identity to be judged kept; 0.75 for one
            digit and 0.5 for two when omitted.
        batch_size: int. Clips per classifier call.
        seed: int. Noise seed when reading a generator (clip `i` from noise
            seeded by `(seed, i)`, as FVD does with the same seed).
        classifier_name: str. Names the classifier in results.

    Example:

    ```python
    import keras_vidgan
    from keras_vidgan.metrics import DigitLegibility

    clips = keras_vidgan.datasets.moving_mnist(
        num_clips=8, frames=16, size=32, digits=1, split="test"
    )
    result = DigitLegibility(digits=1).evaluate(clips, num_clips=8)
    print(result.legible_frames > 0.8, result.identity_clips > 0.7)  # True True
    ```
    """

    def __init__(
        self,
        digits=1,
        classifier=None,
        threshold=DEFAULT_THRESHOLD,
        min_legible_share=None,
        batch_size=32,
        seed=0,
        classifier_name=None,
    ):
        if isinstance(digits, bool) or digits not in range(1, MAX_COUNT + 1):
            raise ValueError(
                f"Legibility reads clips of 1 or {MAX_COUNT} digits, got digits={digits!r}."
            )
        if min_legible_share is None:
            min_legible_share = DEFAULT_MIN_LEGIBLE_SHARE[digits]
        if not 0.5 < threshold < 1:
            raise ValueError(f"`threshold` must be in (0.5, 1), got {threshold!r}.")
        if not 0 < min_legible_share <= 1:
            raise ValueError(
                f"`min_legible_share` must be in (0, 1], got {min_legible_share!r}."
            )
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"`batch_size` must be a positive integer, got {batch_size!r}.")
        if classifier is None:
            classifier = load_digit_classifier()
            classifier_name = classifier_name or f"digit classifier v{WEIGHTS_VERSION}"
        self.digits = digits
        self.classifier = classifier
        self.classifier_name = classifier_name or "digit classifier (custom weights)"
        self.threshold = float(threshold)
        self.min_legible_share = float(min_legible_share)
        self.batch_size = batch_size
        self.seed = seed
        self._probabilities = tf.function(self._frame_probabilities, reduce_retracing=True)

    def read(self, clips):
        """Reads one batch of clips frame by frame.

        Args:
            clips: float `[B, T, H, W, C]` in [-1, 1]; 3 channels are averaged.

        Returns:
            `(legible, reading)`: bool `[B, T]`, and bool `[B, T, 10]`, the
            classes read present in each frame (meaningful where legible).
        """
        clips = tf.convert_to_tensor(clips, tf.float32)
        if clips.shape.rank != 5 or clips.shape[-1] not in (1, 3):
            raise ValueError(
                f"Clips must be [B, T, H, W, C] with 1 or 3 channels, got shape {clips.shape}."
            )
        low, high = float(tf.reduce_min(clips)), float(tf.reduce_max(clips))
        if low < -1.001 or high > 1.001:
            raise ValueError(
                f"The clips range over [{low:.3f}, {high:.3f}]; legibility expects values in "
                "[-1, 1]. Scale uint8 frames with x / 127.5 - 1."
            )
        presence, count = (tensor.numpy() for tensor in self._probabilities(clips))
        batch, frames = clips.shape[0], clips.shape[1]
        presence = presence.reshape(batch, frames, -1)
        count = count.reshape(batch, frames, -1)
        reading = presence >= self.threshold
        decided = np.all(reading | (presence <= 1 - self.threshold), axis=-1)
        classes = reading.sum(axis=-1)
        legible = (
            (count[..., self.digits] >= self.threshold)
            & decided
            & (classes >= 1)
            & (classes <= self.digits)
        )
        return legible, reading

    def keeps_identity(self, legible, reading):
        """bool `[B]`: which clips keep their identity, from `read`'s outputs."""
        frames = legible.shape[1]
        enough = legible.sum(axis=1) >= np.ceil(self.min_legible_share * frames - 1e-9)
        # The reading of each clip's first legible frame; every legible frame must match it.
        first = reading[np.arange(len(legible)), np.argmax(legible, axis=1)]
        same = np.all(~legible[..., None] | (reading == first[:, None]), axis=(1, 2))
        return enough & same

    def evaluate(self, source, num_clips=None, verbose=0, description="clips"):
        """Legibility of the clips of `source`.

        Args:
            source: clips `[N, T, H, W, C]` in [-1, 1] as a numpy array, a
                `tf.data.Dataset` of clips (or `(clip, labels)` pairs, or
                batches), a generator `keras.Model` or a `keras_vidgan.GAN`.
            num_clips: int. Clips to read; all of an array when omitted
                (required for datasets and generators).
            verbose: 0 or 1 (a progress bar).
            description: str. Names the clips in the progress bar and errors.

        Returns:
            A `LegibilityResult`.
        """
        if num_clips is None:
            if isinstance(source, np.ndarray):
                num_clips = len(source)
            else:
                raise ValueError("Pass `num_clips` for a dataset or a generator.")
        progress = keras.utils.Progbar(num_clips, unit_name="clip") if verbose else None
        if progress is not None:
            print(f"Digit legibility of {num_clips} {description}")
        legible_frames = identity_clips = done = 0
        frames = None
        for clips in clip_batches(source, num_clips, self.batch_size, self.seed):
            clips = clips[: num_clips - done]
            if len(clips) == 0:
                break
            legible, reading = self.read(clips)
            frames = legible.shape[1]
            legible_frames += int(legible.sum())
            identity_clips += int(self.keeps_identity(legible, reading).sum())
            done += len(clips)
            if progress is not None:
                progress.update(done)
            if done >= num_clips:
                break
        if done < num_clips:
            raise ValueError(f"The {description} have only {done} clips; {num_clips} were asked.")
        return LegibilityResult(
            legible_frames=legible_frames / (num_clips * frames),
            identity_clips=identity_clips / num_clips,
            num_clips=num_clips,
            frames=frames,
            digits=self.digits,
            threshold=self.threshold,
            min_legible_share=self.min_legible_share,
            classifier=self.classifier_name,
        )

    def reading_accuracy(self, clips, labels):
        """The share of legible frames that read exactly the clips' true digits.

        Args:
            clips: float `[N, T, H, W, C]` in [-1, 1] (numpy).
            labels: int `[N, digits]`, the classes of each clip's digits.

        Returns:
            float; NaN when no frame is legible.
        """
        right = legible_total = 0
        labels = np.asarray(labels)
        for start in range(0, len(clips), self.batch_size):
            legible, reading = self.read(clips[start : start + self.batch_size])
            truth = np.zeros((len(legible), reading.shape[-1]), bool)
            for column in labels[start : start + self.batch_size].T:
                truth[np.arange(len(legible)), column] = True
            matches = np.all(reading == truth[:, None], axis=-1)
            right += int((matches & legible).sum())
            legible_total += int(legible.sum())
        return right / legible_total if legible_total else float("nan")

    def _frame_probabilities(self, clips):
        shape = tf.shape(clips)
        frames = tf.reshape(clips, tf.concat([[-1], shape[2:]], axis=0))
        frames = tf.reduce_mean(frames, axis=-1, keepdims=True)
        frames = tf.clip_by_value((frames + 1.0) / 2.0, 0.0, 1.0)
        height, width = clips.shape[2], clips.shape[3]
        if (height, width) != (FRAME_SIZE, FRAME_SIZE):
            smaller = height is not None and height >= FRAME_SIZE
            frames = tf.image.resize(
                frames, (FRAME_SIZE, FRAME_SIZE), method="area" if smaller else "bilinear"
            )
        outputs = self.classifier(frames, training=False)
        return tf.sigmoid(outputs["digits"]), tf.nn.softmax(outputs["count"])


def digit_legibility(clips, digits=1, num_clips=None, **kwargs):
    """The `LegibilityResult` of Moving MNIST clips: a shortcut for `DigitLegibility`.

    Args:
        clips: clips `[N, T, H, W, C]` in [-1, 1] (numpy), a dataset, a
            generator or a GAN (see `DigitLegibility.evaluate`).
        digits: int. Digits per clip, 1 or 2.
        num_clips: int. Clips to read (required unless `clips` is an array).
        **kwargs: passed to `DigitLegibility`.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.metrics import digit_legibility

    noise = np.random.default_rng(0).uniform(-1, 1, (4, 16, 32, 32, 1)).astype("float32")
    print(digit_legibility(noise, digits=1).legible_frames)  # 0.0
    ```
    """
    return DigitLegibility(digits=digits, **kwargs).evaluate(clips, num_clips=num_clips)
