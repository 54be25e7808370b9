"""
Title: Serving a video GAN with TensorFlow Serving
Author: keras_vidgan contributors
Description: Export a trained generator as a SavedModel, build TF Serving REST and gRPC
requests for it, and turn the responses back into videos.
Accelerator: None

This example needs no server: it loads the export the way TF Serving does
(`tf.saved_model.load`, signatures only) and plays the server's part, so every
step between "I have a trained model" and "I have a GIF from the server" runs
here. With a real server, replace the simulated calls by the `curl` or gRPC
calls printed on the way.

    python examples/export_and_serve.py                      # trains a tiny GAN first
    python examples/export_and_serve.py --model runs/moving_mnist_vgan --out serving_demo
"""

import argparse
import json
import os

# keras_vidgan before TensorFlow: its import turns on TensorFlow's oneDNN CPU kernels, which
# TensorFlow reads only when it loads (README, "The same run from Python").
import keras_vidgan
from keras_vidgan.export import export_saved_model, noise_from_seeds, read_export_metadata

# isort: split
import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--model", help="run directory or .keras file (default: train a tiny GAN)")
parser.add_argument("--out", default="serving_demo", help="where everything is written")
parser.add_argument("--steps", type=int, default=3, help="training steps of the tiny GAN")
args = parser.parse_args()
os.makedirs(args.out, exist_ok=True)

"""
## A model to serve

Any run directory written by `keras-vidgan train` works. Without one, train a
small GAN on Moving MNIST for a few steps: the videos will be noise, but the
serving path is the same.
"""

run_config = {}
if args.model:
    # The newest checkpoint's generator, and the run's settings (its frame rate among them).
    model, run_config = keras_vidgan.training.load_generator(args.model)
else:
    generator = keras_vidgan.models.VGANGenerator(
        latent_dim=16, frames=8, size=32, channels=1, width=8
    )
    discriminator = keras_vidgan.models.VideoDiscriminator(
        frames=8, size=32, channels=1, width=8
    )
    model = keras_vidgan.GAN(generator, discriminator, seed=0)
    model.compile()
    clips = keras_vidgan.datasets.moving_mnist(num_clips=8 * args.steps, frames=8, size=32,
                                               digits=1)
    model.fit(clips.batch(8, drop_remainder=True), epochs=1, verbose=0, shuffle=False)

"""
## Export

`export_saved_model` writes `EXPORT_BASE/<version>/` in TF Serving's layout,
building it in a hidden temporary folder and renaming it into place, so a
server that watches `EXPORT_BASE` never loads half a model. It takes a model
in memory; `keras_vidgan.training.export_run(path, export_base)` loads and
exports a run directory in one call, and the command-line equivalent is
`keras-vidgan export MODEL EXPORT_BASE`.
"""

export_base = os.path.join(args.out, "vgan")
export_dir = export_saved_model(model, export_base, overwrite=True, version=1,
                                run_config=run_config)
info = read_export_metadata(export_dir)
latent_dim = info["latent_dim"]
print(f"Exported to {export_dir}: {info['frames']} frames of {info['height']}x{info['width']}"
      f"x{info['channels']}, {info['fps']} fps, latent_dim {latent_dim}.")
print("Start a server on it with:\n"
      f"  docker run -p 8501:8501 -p 8500:8500 -v $PWD/{export_base}:/models/vgan "
      "-e MODEL_NAME=vgan tensorflow/serving")

"""
## REST requests

TF Serving's REST API takes `POST /v1/models/vgan:predict`. The row format
(`"instances"`) lists one input per video; the columnar format (`"inputs"`)
gives each named input as a whole batch. Noise comes from the client, or
the server derives it from one integer seed per video with
`generate_from_seed`, whose mapping `noise_from_seeds` reproduces in Python.
"""

noise = noise_from_seeds([0, 1], latent_dim).numpy()
noise_request = {"signature_name": "serving_default", "instances": noise.tolist()}
seed_request = {"signature_name": "generate_from_seed", "inputs": {"seed": [0, 1]}}
for name, body in [("request_noise.json", noise_request), ("request_seed.json", seed_request)]:
    with open(os.path.join(args.out, name), "w") as handle:
        json.dump(body, handle)
print("Send them with:\n"
      f"  curl -d @{os.path.join(args.out, 'request_seed.json')} "
      "http://localhost:8501/v1/models/vgan:predict")

"""
## Playing the server

The server runs the signature and writes its single output, `video`, as
nested lists of integers: `{"predictions": [...]}` for row requests,
`{"outputs": [...]}` for columnar ones. Here the export is loaded with
TensorFlow alone, as the server would.
"""

loaded = tf.saved_model.load(export_dir)


def serve_rest(body):
    """What TF Serving answers to a REST request body, for this model's signatures."""
    signature = loaded.signatures[body.get("signature_name", "serving_default")]
    if "instances" in body:
        video = signature(noise=tf.constant(body["instances"], tf.float32))["video"]
        return {"predictions": video.numpy().tolist()}
    inputs = {"seed": tf.constant(body["inputs"]["seed"], tf.int64)}
    return {"outputs": signature(**inputs)["video"].numpy().tolist()}


noise_response = json.loads(json.dumps(serve_rest(noise_request)))
seed_response = json.loads(json.dumps(serve_rest(seed_request)))

"""
## From the response back to a video

The response holds uint8 values `[B, T, H, W, C]`: one `np.asarray` away from
frames. Any GIF or MP4 writer takes it from there; PIL needs RGB frames.
"""

from PIL import Image  # noqa: E402

videos = np.asarray(noise_response["predictions"], dtype=np.uint8)
assert np.array_equal(videos, np.asarray(seed_response["outputs"], dtype=np.uint8))
print(f"Decoded {videos.shape} {videos.dtype}; seeds and noise give the same videos.")
for index, clip in enumerate(videos):
    frames = [Image.fromarray(np.repeat(frame, 3, axis=-1) if frame.shape[-1] == 1 else frame)
              for frame in clip]
    path = os.path.join(args.out, f"served_{index}.gif")
    frames[0].save(path, save_all=True, append_images=frames[1:], loop=0,
                   duration=round(1000 / info["fps"]))
    print(f"Wrote {path}")

"""
## gRPC

gRPC (port 8500) carries the uint8 output as raw bytes instead of JSON text,
about 4x smaller and much faster to parse for video. The request is built with
the `tensorflow-serving-api` package.
"""

try:
    from tensorflow_serving.apis import predict_pb2
except ImportError:
    print("Install tensorflow-serving-api to build the gRPC request.")
else:
    request = predict_pb2.PredictRequest()
    request.model_spec.name = "vgan"
    request.model_spec.signature_name = "generate_from_seed"
    request.inputs["seed"].CopyFrom(tf.make_tensor_proto(np.array([0, 1], np.int64)))
    # With a server:
    #   import grpc
    #   from tensorflow_serving.apis import prediction_service_pb2_grpc
    #   stub = prediction_service_pb2_grpc.PredictionServiceStub(
    #       grpc.insecure_channel("localhost:8500"))
    #   response = stub.Predict(request, timeout=30.0)
    #   videos = tf.make_ndarray(response.outputs["video"])  # uint8 [B, T, H, W, C]
    print(f"gRPC request for seeds [0, 1]: {request.ByteSize()} bytes.")
