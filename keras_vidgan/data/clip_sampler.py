"""Which frames of a video make a clip: by frame stride or by a target frame rate.

Every reader describes a video by its frame timestamps in integer
microseconds from the first frame, and asks a `ClipSampler` for the indices
of a clip's frames. The NumPy methods serve the readers that decode in
Python; the `tf_` methods compute the same indices inside the TensorFlow
graph for TFRecord shards, so both paths pick identical frames.
"""

import numpy as np
import tensorflow as tf

# A frame shown within this many microseconds after a target time counts as
# shown at it: it absorbs the rounding of timestamps to container time bases.
TOLERANCE_US = 100

SHORT_POLICIES = ("skip", "loop", "pad")


class ClipSampler:
    """Chooses the frames of clips of `frames` frames.

    With `fps=None`, a clip takes every `stride`-th frame. With a target
    `fps`, frame `k` of a clip is the frame on screen at time
    `start + k / fps`, read from the timestamps, so variable-frame-rate files
    come out at the right speed; clips start on a frame.

    A video is too short when it cannot hold one clip. `short_policy`
    decides what happens then: "skip" drops it, "loop" starts it again from
    its first frame, "pad" repeats its last frame.

    Start frames: with a `random_value` (training), uniform over every start
    that fits; without (evaluation), clip `k` of `clips` starts at the k-th of
    `clips` evenly spaced starts, the first clip at the first frame.

    Args:
        frames: frames per clip.
        stride: take every `stride`-th frame (ignored when `fps` is given).
        fps: target frame rate in frames per second, or None.
        short_policy: "skip", "loop" or "pad".

    Example:

    ```python
    import numpy as np
    from keras_vidgan.data.clip_sampler import ClipSampler

    timestamps = np.arange(30) * 33_333  # 30 frames at 30 fps
    sampler = ClipSampler(frames=4, fps=10)
    print(sampler.frame_indices(timestamps, start=2))  # [ 2  5  8 11]
    ```
    """

    def __init__(self, frames, stride=1, fps=None, short_policy="skip"):
        if int(frames) < 1:
            raise ValueError(f"`frames` must be a positive integer, got {frames!r}.")
        if fps is None and int(stride) < 1:
            raise ValueError(f"`stride` must be a positive integer, got {stride!r}.")
        if fps is not None and not float(fps) > 0:
            raise ValueError(f"`fps` must be a positive number, got {fps!r}.")
        if short_policy not in SHORT_POLICIES:
            raise ValueError(
                f"`short_policy` must be one of {SHORT_POLICIES}, got {short_policy!r}."
            )
        self.frames = int(frames)
        self.stride = int(stride)
        self.fps = None if fps is None else float(fps)
        self.short_policy = short_policy
        if self.fps is None:
            self.offsets = np.arange(self.frames, dtype=np.int64) * self.stride
        else:
            # Microseconds from the clip's first frame to each of its frames.
            self.offsets = np.round(np.arange(self.frames) * 1e6 / self.fps).astype(np.int64)

    def describe(self):
        """What one clip needs, in words."""
        if self.fps is None:
            span = int(self.offsets[-1]) + 1
            if self.stride == 1:
                return f"{self.frames} frames"
            return f"{self.frames} frames at stride {self.stride} ({span} source frames)"
        return f"{self.frames} frames at {self.fps:g} fps ({self.offsets[-1] / 1e6:.2f} s)"

    def too_short(self, count, span_us):
        """Why `count` frames spanning `span_us` microseconds hold no clip, and what to do.

        Example:

        ```python
        from keras_vidgan.data import ClipSampler

        reason = ClipSampler(frames=16).too_short(1, 0)
        print(reason.split(":")[0])  # 1 frame (0.00 s); one clip needs 16 frames
        ```
        """
        fix = "lower --frames"
        if self.fps is not None:
            fix += " or raise --fps"
        elif self.stride > 1:
            fix += " or the stride"
        return (
            f"{count} frame{'' if count == 1 else 's'} ({span_us / 1e6:.2f} s); one clip needs "
            f"{self.describe()}: {fix}, or loop or pad short videos (--short-policy)"
        )

    def config(self):
        return {
            "frames": self.frames,
            "stride": self.stride,
            "fps": self.fps,
            "short_policy": self.short_policy,
        }

    # --- NumPy -------------------------------------------------------------

    def is_long_enough(self, timestamps):
        """Whether a video with these frame timestamps (microseconds) holds one clip."""
        if len(timestamps) == 0:
            return False
        return self.holds_clip(len(timestamps), int(timestamps[-1]) - int(timestamps[0]))

    def holds_clip(self, count, span_us):
        """Whether `count` frames spanning `span_us` microseconds (first to last) hold one clip."""
        if count == 0:
            return False
        if self.fps is None:
            return count > int(self.offsets[-1])
        return span_us + TOLERANCE_US >= int(self.offsets[-1])

    def max_start(self, timestamps):
        """The last frame a clip may start at (0 when the video is too short)."""
        timestamps = np.asarray(timestamps, np.int64)
        if not self.is_long_enough(timestamps):
            return 0
        if self.fps is None:
            return len(timestamps) - 1 - int(self.offsets[-1])
        latest = timestamps[-1] - self.offsets[-1] + TOLERANCE_US
        return int(np.searchsorted(timestamps, latest, side="right")) - 1

    def start(self, timestamps, clip_index=0, clips=1, random_value=None):
        """The first frame of clip `clip_index` of `clips`, random when `random_value` is given."""
        last = self.max_start(timestamps)
        if random_value is not None:
            return int(np.mod(np.int64(random_value), np.int64(last + 1)))
        spacing = max(int(clips) - 1, 1)
        # Integer rounding, so that the graph version computes the same start.
        return (2 * int(clip_index) * last + spacing) // (2 * spacing)

    def frame_indices(self, timestamps, start=0):
        """Indices of the clip's frames when it starts at frame `start`."""
        timestamps = np.asarray(timestamps, np.int64)
        count = len(timestamps)
        if self.is_long_enough(timestamps):
            if self.fps is None:
                return start + self.offsets
            targets = timestamps[start] + self.offsets + TOLERANCE_US
            return np.searchsorted(timestamps, targets, side="right").astype(np.int64) - 1
        if self.short_policy == "skip":
            raise ValueError("The video is too short for one clip.")
        if self.fps is None:
            if self.short_policy == "loop":
                return self.offsets % count
            return np.minimum(self.offsets, count - 1)
        times = self.offsets
        if self.short_policy == "loop":
            times = times % self._loop_period(timestamps)
        targets = timestamps[0] + times + TOLERANCE_US
        return np.searchsorted(timestamps, targets, side="right").astype(np.int64) - 1

    def clip_indices(self, timestamps, clip_index=0, clips=1, random_value=None):
        """`frame_indices` of the clip that `start` chooses."""
        start = self.start(timestamps, clip_index, clips, random_value)
        return self.frame_indices(timestamps, start)

    def _loop_period(self, timestamps):
        # A looped video plays its last frame for one mean frame interval.
        count = len(timestamps)
        span = int(timestamps[-1]) - int(timestamps[0])
        interval = span // (count - 1) if count > 1 else round(1e6 / self.fps)
        return max(span + interval, 1)

    # --- TensorFlow graph ----------------------------------------------------

    def tf_is_long_enough(self, timestamps):
        """Graph version of `is_long_enough` for an int64 vector."""
        count = tf.shape(timestamps, out_type=tf.int64)[0]
        if self.fps is None:
            return count > int(self.offsets[-1])
        span = timestamps[-1] - timestamps[0]
        return tf.logical_and(count > 0, span + TOLERANCE_US >= int(self.offsets[-1]))

    def tf_clip_indices(self, timestamps, clip_index=0, clips=1, random_value=None):
        """Graph version of `clip_indices`; the too-short policy must not be "skip" for
        videos that are too short (filter them first with `tf_is_long_enough`)."""
        timestamps = tf.cast(timestamps, tf.int64)
        offsets = tf.constant(self.offsets, tf.int64)
        count = tf.shape(timestamps, out_type=tf.int64)[0]
        long_enough = self.tf_is_long_enough(timestamps)
        clip_index = tf.cast(clip_index, tf.int64)

        def last_start():
            if self.fps is None:
                return count - 1 - offsets[-1]
            latest = timestamps[-1] - offsets[-1] + TOLERANCE_US
            return tf.searchsorted(timestamps, latest[None], side="right", out_type=tf.int64)[0] - 1

        last = tf.where(long_enough, last_start(), tf.constant(0, tf.int64))
        if random_value is not None:
            start = tf.math.floormod(tf.cast(random_value, tf.int64), last + 1)
        else:
            spacing = max(int(clips) - 1, 1)
            start = (2 * clip_index * last + spacing) // (2 * spacing)

        def searched(targets):
            return tf.searchsorted(timestamps, targets, side="right", out_type=tf.int64) - 1

        if self.fps is None:
            regular = start + offsets
        else:
            regular = searched(tf.gather(timestamps, start) + offsets + TOLERANCE_US)
        if self.short_policy == "skip":
            return regular
        if self.fps is None:
            if self.short_policy == "loop":
                short = offsets % count
            else:
                short = tf.minimum(offsets, count - 1)
        else:
            times = offsets
            if self.short_policy == "loop":
                span = timestamps[-1] - timestamps[0]
                default_interval = tf.constant(round(1e6 / self.fps), tf.int64)
                interval = tf.where(count > 1, span // tf.maximum(count - 1, 1), default_interval)
                times = times % tf.maximum(span + interval, 1)
            short = searched(timestamps[0] + times + TOLERANCE_US)
        return tf.where(long_enough, regular, short)
