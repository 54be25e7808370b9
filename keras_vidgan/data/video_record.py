"""The TFRecord format of one video: a `tf.train.SequenceExample` of encoded frames.

Context features: `label` (int64, -1 without classes), `class_name`,
`source` (path relative to the prepared folder's source), `fps` (float),
`frame_count`, `height`, `width` (int64), `format` ("jpeg" or "png") and,
for videos prepared with captions, `caption` (UTF-8; "" in records without
one, which parse all the same).
Feature lists: `frames` (one encoded image per frame) and `timestamps`
(int64 microseconds from the first frame), so a reader can sample by stride
or by frame rate without decoding anything it does not use.
"""

import tensorflow as tf

IMAGE_FORMATS = ("jpeg", "png")


def video_record_bytes(encoded_frames, timestamps, *, label, class_name, source, fps, height,
                       width, image_format, caption=None):
    """Serialises one video as a `SequenceExample`.

    Args:
        encoded_frames: list of JPEG or PNG bytes, one per frame.
        timestamps: int microseconds of each frame from the first.
        label: class index, or -1.
        class_name, source: strings.
        fps: the frame rate (informational).
        height, width: size of the stored frames.
        image_format: "jpeg" or "png".
        caption: the video's caption, or None to store none.

    Example:

    ```python
    import tensorflow as tf
    from keras_vidgan.data.video_record import parse_video_record, video_record_bytes

    png = tf.io.encode_png(tf.zeros([8, 8, 3], tf.uint8)).numpy()
    record = video_record_bytes([png, png], [0, 40000], label=-1, class_name="",
                                source="a.mp4", fps=25.0, height=8, width=8,
                                image_format="png")
    print(parse_video_record(record)["frame_count"].numpy())  # 2
    ```
    """

    def int64(values):
        return tf.train.Feature(int64_list=tf.train.Int64List(value=[int(v) for v in values]))

    def text(value):
        return tf.train.Feature(bytes_list=tf.train.BytesList(value=[value.encode("utf-8")]))

    context = tf.train.Features(
        feature={
            "label": int64([label]),
            "class_name": text(class_name),
            "source": text(source),
            "fps": tf.train.Feature(float_list=tf.train.FloatList(value=[float(fps)])),
            "frame_count": int64([len(encoded_frames)]),
            "height": int64([height]),
            "width": int64([width]),
            "format": text(image_format),
            **({} if caption is None else {"caption": text(caption)}),
        }
    )
    feature_lists = tf.train.FeatureLists(
        feature_list={
            "frames": tf.train.FeatureList(
                feature=[
                    tf.train.Feature(bytes_list=tf.train.BytesList(value=[frame]))
                    for frame in encoded_frames
                ]
            ),
            "timestamps": tf.train.FeatureList(feature=[int64([t]) for t in timestamps]),
        }
    )
    example = tf.train.SequenceExample(context=context, feature_lists=feature_lists)
    return example.SerializeToString()


_CONTEXT = {
    "label": tf.io.FixedLenFeature([], tf.int64, default_value=-1),
    "class_name": tf.io.FixedLenFeature([], tf.string, default_value=""),
    "source": tf.io.FixedLenFeature([], tf.string, default_value=""),
    "fps": tf.io.FixedLenFeature([], tf.float32, default_value=0.0),
    "frame_count": tf.io.FixedLenFeature([], tf.int64),
    "height": tf.io.FixedLenFeature([], tf.int64),
    "width": tf.io.FixedLenFeature([], tf.int64),
    "format": tf.io.FixedLenFeature([], tf.string, default_value=""),
    "caption": tf.io.FixedLenFeature([], tf.string, default_value=""),
}
_SEQUENCE = {
    "frames": tf.io.FixedLenSequenceFeature([], tf.string),
    "timestamps": tf.io.FixedLenSequenceFeature([], tf.int64),
}


def parse_video_record(serialized):
    """Parses one serialised record in the graph into a dict of tensors.

    Keys: the context features, `frames` (string vector of encoded images)
    and `timestamps` (int64 vector).
    """
    context, sequences = tf.io.parse_single_sequence_example(
        serialized, context_features=_CONTEXT, sequence_features=_SEQUENCE
    )
    return {**context, **sequences}
