"""ONNX export of an exported generator's `serving_default` signature, through tf2onnx.

Optional: needs `tf2onnx` and `onnx` (and `onnxruntime` to run the result),
which keras_vidgan does not install.

What carries over and what does not (tf2onnx 1.17 with TensorFlow 2.21):

- `serving_default` (noise -> uint8 video) converts, and onnxruntime
  reproduces the SavedModel's bytes.
- `generate_from_seed` does not: tf2onnx has no conversion for TensorFlow's
  stateless random ops (`StatelessRandomGetKeyCounter`,
  `StatelessRandomNormalV2`), and ONNX's own random ops cannot reproduce
  Philox streams. Draw the noise with `keras_vidgan.export.noise_from_seeds`
  and feed it to the ONNX model instead.
- ONNX has no assert op, so the in-graph input checks are dropped. The noise
  input is therefore given a fixed last dimension: onnxruntime then refuses a
  wrong latent size itself ("Got invalid dimensions for input: noise").
"""

import os
import tempfile

DEFAULT_OPSET = 17


def export_onnx(export_dir, onnx_path, opset=DEFAULT_OPSET):
    """Converts the `serving_default` signature of a keras_vidgan SavedModel to ONNX.

    Args:
        export_dir: a version directory written by `export_saved_model` (or
            its export base: the newest version is used).
        onnx_path: the `.onnx` file to write (replaced atomically).
        opset: ONNX opset.

    Returns:
        `onnx_path`. The model has input `noise` float32 `[B, latent_dim]`
        (and `labels` int32 `[B]` for a conditional generator, `[B, L]` with
        L labels per clip) and output
        `video` uint8 `[B, T, H, W, C]`.

    Raises:
        ImportError: tf2onnx or onnx is not installed.

    Example:

    ```python
    import numpy as np
    import onnxruntime
    from keras_vidgan.export import noise_from_seeds
    from keras_vidgan.export.onnx_export import export_onnx

    export_onnx("exports/vgan/1", "vgan.onnx")
    session = onnxruntime.InferenceSession("vgan.onnx")
    noise = noise_from_seeds([0, 1], latent_dim=100).numpy()
    video = session.run(["video"], {"noise": noise})[0]  # uint8 [2, T, H, W, C]
    ```
    """
    import onnx
    import tensorflow as tf
    import tf2onnx

    from keras_vidgan.export.saved_model_export import _current_umask, resolve_export_dir
    from keras_vidgan.export.video_source import SavedModelVideoSource

    resolved = resolve_export_dir(export_dir)
    if resolved is None:
        raise FileNotFoundError(f"{export_dir} holds no SavedModel (no saved_model.pb).")
    source = SavedModelVideoSource(resolved)
    serving = source.loaded.signatures["serving_default"]
    input_signature = [tf.TensorSpec([None, source.latent_dim], tf.float32, name="noise")]
    if source.num_classes is None:

        def generate(noise):
            return {"video": serving(noise=noise)["video"]}
    else:
        per_clip = [source.labels_per_clip] if source.labels_per_clip > 1 else []
        input_signature.append(tf.TensorSpec([None, *per_clip], tf.int32, name="labels"))

        def generate(noise, labels):
            return {"video": serving(noise=noise, labels=labels)["video"]}

    function = tf.function(generate, input_signature=input_signature, autograph=False)
    model_proto, _ = tf2onnx.convert.from_function(
        function, input_signature=input_signature, opset=opset
    )
    folder = os.path.dirname(os.path.abspath(onnx_path))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(suffix=".onnx.partial", dir=folder)
    os.close(handle)
    try:
        onnx.save(model_proto, temporary)
        # mkstemp files are private (0600); give the file ordinary permissions.
        os.chmod(temporary, 0o666 & ~_current_umask())
        os.replace(temporary, onnx_path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    return onnx_path
