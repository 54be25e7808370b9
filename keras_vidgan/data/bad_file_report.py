"""Skipping bad input files loudly: one warning per file, counts, and a summary.

Readers raise `BadFile` for a file they cannot use, and hand it to a
`BadFileReport`, which warns once per file (through the `keras_vidgan.data`
logger), counts the reasons, and prints a summary at the end of the scan and
after any pass over the data that met new bad files. In strict mode the first
bad file raises `DataError` instead.
"""

import collections
import logging
import threading

from keras_vidgan.data.data_error import DataError

logger = logging.getLogger("keras_vidgan.data")

UNREADABLE = "unreadable"
EMPTY = "empty file"
NOT_A_VIDEO = "not a video"
UNSUPPORTED_CODEC = "unsupported codec"
TRUNCATED = "truncated or corrupt"
TOO_SHORT = "too short"

REASONS = (UNREADABLE, EMPTY, NOT_A_VIDEO, UNSUPPORTED_CODEC, TRUNCATED, TOO_SHORT)


class BadFile(Exception):
    """A file that cannot give a clip, with one of `REASONS` and a detail.

    Args:
        reason: one of `REASONS`.
        detail: what exactly was seen, for the user (a decoder message, a
            frame count).
        path: the offending file when it is not the item itself (a single
            frame inside a frame folder).
    """

    def __init__(self, reason, detail="", path=None):
        if reason not in REASONS:
            raise ValueError(f"Unknown bad-file reason {reason!r}; use one of {REASONS}.")
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.path = path


class BadFileReport:
    """Collects the files a reader skipped, and says so once per file.

    Thread-safe: `tf.data` calls readers from several threads.

    Args:
        kind: what the items are, in the plural, for messages ("videos",
            "frame folders", "records").
        strict: raise `DataError` on the first bad file instead of skipping.
        source: the path the user gave, for the summary.

    Example:

    ```python
    from keras_vidgan.data.bad_file_report import BadFile, BadFileReport

    report = BadFileReport("videos", source="clips/")
    report.skip("clips/a.mp4", BadFile("empty file", "0 bytes"))
    print(report.summary(total=10))
    # skipped 1 of 10 videos in clips/: 1 empty file
    ```
    """

    def __init__(self, kind="videos", strict=False, source=""):
        self.kind = kind
        self.strict = bool(strict)
        self.source = str(source)
        self.skipped = []  # (path, reason, detail), in the order met
        self.adjusted = collections.Counter()  # "looped" / "padded" short items
        self._seen = set()
        self._reported_at_pass_end = 0
        self._lock = threading.Lock()

    def skip(self, path, bad):
        """Records that `path` was skipped for `bad` (a `BadFile`); warns the first time.

        Raises:
            DataError: in strict mode.
        """
        path = str(path)
        where = f"{path} ({bad.path})" if bad.path and str(bad.path) != path else path
        if self.strict:
            raise DataError(
                f"Bad input file {where}: {bad}. Repair or remove it, or run without "
                "strict mode (--strict) to skip bad files with a warning."
            )
        with self._lock:
            if path in self._seen:
                return
            self._seen.add(path)
            self.skipped.append((path, bad.reason, bad.detail))
        logger.warning("Skipping %s: %s", where, bad)

    def note_adjusted(self, path, how):
        """Counts an item that was too short and was `how` ("looped" or "padded")."""
        with self._lock:
            key = (str(path), how)
            if key in self._seen:
                return
            self._seen.add(key)
            self.adjusted[how] += 1

    def counts(self):
        """`{reason: number of files skipped for it}`."""
        with self._lock:
            return dict(collections.Counter(reason for _, reason, _ in self.skipped))

    def summary(self, total=None):
        """One line: how many items were skipped, and why."""
        counts = self.counts()
        skipped = sum(counts.values())
        reasons = ", ".join(f"{number} {reason}" for reason, number in sorted(counts.items()))
        of = f" of {total}" if total is not None else ""
        where = f" in {self.source}" if self.source else ""
        line = f"skipped {skipped}{of} {self.kind}{where}"
        line += f": {reasons}" if reasons else ""
        if self.adjusted:
            line += "; too short but kept: " + ", ".join(
                f"{number} {how}" for how, number in sorted(self.adjusted.items())
            )
        return line

    def log_summary(self, total=None):
        """Logs `summary()` as a warning when anything was skipped, else at info level."""
        level = logging.WARNING if self.skipped else logging.INFO
        logger.log(level, "Input data: %s", self.summary(total))
        with self._lock:
            self._reported_at_pass_end = len(self.skipped)

    def end_of_pass(self):
        """Called when a pass over the data ends: summarises files newly skipped during it."""
        with self._lock:
            new = len(self.skipped) - self._reported_at_pass_end
            self._reported_at_pass_end = len(self.skipped)
        if new:
            logger.warning(
                "Input data: %d more %s failed while reading this pass; in all %s",
                new,
                self.kind,
                self.summary(),
            )
        return False
