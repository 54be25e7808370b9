"""Input throughput of keras_vidgan.data against what a training step consumes.

Makes a dataset of 320x240 H.264 videos (moving shapes on a textured,
panning background), the same as JPEG frame folders, and TFRecord shards
(JPEG and PNG, prepared at the training size), then measures, each in its
own process:

- clips/s of 16x64x64x3 training clips (random offsets and crops) from
  video files (PyAV), frame folders, TFRecord-JPEG and TFRecord-PNG;
- clips/s that `GAN.train_step` consumes at the default `keras-vidgan
  train` configuration (`keras_vidgan.training.TrainConfig()`);
- each reader's peak resident memory with the dataset as given and 10 times
  larger (the extra videos are links to the same files, read as distinct
  items), over the same number of clips.

Run:

    python benchmarks/input_throughput.py            # about 5 minutes on 2 cores
    python benchmarks/input_throughput.py --videos 8 --clips 160   # quicker

Goals (issue 3): TFRecord at least 10x the training consumption, video
files at least 2x, peak memory flat as the dataset grows.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

WIDTH, HEIGHT, FPS = 320, 240, 25
CLIP = dict(frames=16, size=64, channels=3)


def scene(index, video, rng_texture):
    """One 320x240 frame: a panning texture and three shapes moving at known speeds."""
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
    shift = 2 * index
    base = np.stack([
        128 + 60 * np.sin((x + shift) / 23.0 + video),
        128 + 60 * np.cos((y + shift) / 31.0),
        128 + 40 * np.sin((x + y) / 17.0),
    ], axis=-1)
    frame = base + rng_texture[:, (np.arange(WIDTH) + shift) % WIDTH]
    for k, colour in enumerate([(255, 40, 40), (40, 255, 40), (40, 40, 255)]):
        cx = (40 + 70 * k + (3 + k) * index + 11 * video) % WIDTH
        cy = (60 + 50 * k + (2 - k) * index) % HEIGHT
        mask = (x - cx) ** 2 + (y - cy) ** 2 < (18 + 4 * k) ** 2
        frame[mask] = colour
    return np.clip(frame, 0, 255).astype(np.uint8)


def make_videos(root, count, length):
    import av
    from PIL import Image

    rng = np.random.default_rng(0)
    texture = rng.normal(0, 12, (HEIGHT, WIDTH, 3))
    videos, frames = os.path.join(root, "videos"), os.path.join(root, "frames")
    for v in range(count):
        label = f"class{v % 3}"
        os.makedirs(os.path.join(videos, label), exist_ok=True)
        folder = os.path.join(frames, label, f"video{v:03d}")
        os.makedirs(folder, exist_ok=True)
        with av.open(os.path.join(videos, label, f"video{v:03d}.mp4"), "w") as container:
            stream = container.add_stream("libx264", rate=FPS)
            stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
            stream.options = {"crf": "23", "preset": "veryfast"}
            for i in range(length):
                image = scene(i, v, texture)
                Image.fromarray(image).save(os.path.join(folder, f"{i + 1}.jpg"), quality=90)
                for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
    return videos, frames


def prepare(videos, out, image_format):
    from keras_vidgan.data import prepare_shards

    return prepare_shards(videos, out, shards=4, frames=CLIP["frames"], size=CLIP["size"],
                          image_format=image_format, progress=False)


def scaled_copies(root, videos, frames, shards, scale):
    """A dataset `scale` times larger made of links: new names, the same bytes."""
    big = {}
    big["videos"] = os.path.join(root, f"videos_x{scale}")
    big["frames"] = os.path.join(root, f"frames_x{scale}")
    for source, target in ((videos, big["videos"]), (frames, big["frames"])):
        for label in sorted(os.listdir(source)):
            os.makedirs(os.path.join(target, label), exist_ok=True)
            for name in sorted(os.listdir(os.path.join(source, label))):
                stem, extension = os.path.splitext(name)
                for copy in range(scale):
                    os.symlink(os.path.join(source, label, name),
                               os.path.join(target, label, f"{stem}_{copy}{extension}"))
    for image_format, folder in shards.items():
        target = os.path.join(root, f"shards_{image_format}_x{scale}")
        os.makedirs(target)
        with open(os.path.join(folder, "manifest.json")) as handle:
            manifest = json.load(handle)
        entries, videos_list = [], []
        for copy in range(scale):
            for shard in manifest["shards"]:
                name = shard["file"].replace(".tfrecord", f"_{copy}.tfrecord")
                os.symlink(os.path.join(folder, shard["file"]), os.path.join(target, name))
                entries.append({**shard, "file": name})
            videos_list += manifest["videos"]
        manifest.update(shards=entries, videos=videos_list)
        manifest["counts"]["written"] *= scale
        with open(os.path.join(target, "manifest.json"), "w") as handle:
            json.dump(manifest, handle)
        big[f"tfrecord_{image_format}"] = target
    return big


def measure_reader(path, clips):
    """In a child process: clips/s of a training pipeline and the process' peak memory."""
    import tensorflow as tf

    import keras_vidgan.data as data

    dataset = data.from_path(path, training=True, seed=0, **CLIP).repeat().batch(16)
    iterator = iter(dataset)
    next(iterator)  # tracing, thread pools and the first files
    start, seen = time.perf_counter(), 0
    while seen < clips:
        batch = next(iterator)
        seen += int(batch.shape[0])
    elapsed = time.perf_counter() - start
    assert batch.dtype == tf.float32 and tuple(batch.shape[1:]) == (16, 64, 64, 3)
    return {"clips_per_s": seen / elapsed, "peak_rss_mb": peak_rss_mb()}


def measure_training(steps):
    """In a child process: clips/s of GAN.train_step at the default `keras-vidgan train` setup."""
    import keras
    import tensorflow as tf

    from keras_vidgan.training import TrainConfig
    from keras_vidgan.training.train_lib import build_gan

    config = TrainConfig()
    gan = build_gan(config)
    shape = (config.batch_size, config.frames, config.size, config.size, config.channels)
    batch = tf.random.uniform(shape, -1.0, 1.0)
    times = []

    class Timer(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            times.append(time.perf_counter())

    warmup = 2
    gan.fit(tf.data.Dataset.from_tensors(batch).repeat(), steps_per_epoch=steps + warmup,
            epochs=1, verbose=0, callbacks=[Timer()])
    step = float(np.median(np.diff(times[warmup - 1 :])))
    return {
        "clips_per_s": config.batch_size / step,
        "step_s": step,
        "config": {k: getattr(config, k) for k in ("frames", "size", "channels", "width",
                                                 "batch_size", "latent_dim", "upsampling")},
    }


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def child(*arguments):
    command = [sys.executable, os.path.abspath(__file__), *arguments]
    environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run(command, capture_output=True, text=True, env=environment)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=24, help="videos in the base dataset")
    parser.add_argument("--length", type=int, default=64, help="frames per video")
    parser.add_argument("--clips", type=int, default=480, help="clips timed per reader")
    parser.add_argument("--scales", type=int, nargs="+", default=[10, 30],
                        help="growths of the dataset for the memory check (default: 10 30)")
    parser.add_argument("--steps", type=int, default=6, help="training steps timed")
    parser.add_argument("--workdir", default=None, help="keep the data here (default: temporary)")
    parser.add_argument("--measure", nargs=2, metavar=("PATH", "CLIPS"), help=argparse.SUPPRESS)
    parser.add_argument("--measure-training", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure_reader(args.measure[0], int(args.measure[1]))))
        return
    if args.measure_training:
        print(json.dumps(measure_training(args.measure_training)))
        return

    root = args.workdir or tempfile.mkdtemp(prefix="vidgan_bench_")
    try:
        started = time.time()
        videos, frames = make_videos(root, args.videos, args.length)
        shards = {f: os.path.join(root, f"shards_{f}") for f in ("jpeg", "png")}
        for image_format, folder in shards.items():
            prepare(videos, folder, image_format)
        print(f"made {args.videos} videos of {args.length} frames at {WIDTH}x{HEIGHT} and their "
              f"frame folders and shards in {time.time() - started:.0f} s")
        bigger = {
            scale: scaled_copies(root, videos, frames, shards, scale) for scale in args.scales
        }
        # The machine may be shared: time the training step before and after the readers
        # and compare with the mean.
        training = child("--measure-training", str(args.steps))
        print(f"training step, default `keras-vidgan train` config {training['config']}: "
              f"{training['step_s']:.2f} s/step = {training['clips_per_s']:.1f} clips/s")
        readers = [
            ("video files (PyAV)", videos, "videos"),
            ("frame folders (JPEG)", frames, "frames"),
            ("TFRecord-JPEG", shards["jpeg"], "tfrecord_jpeg"),
            ("TFRecord-PNG", shards["png"], "tfrecord_png"),
        ]
        results = []
        for name, path, key in readers:
            small = child("--measure", path, str(args.clips))
            large = [child("--measure", bigger[scale][key], str(args.clips))["peak_rss_mb"]
                     for scale in args.scales]
            results.append((name, small, large))
        again = child("--measure-training", str(args.steps))
        consumption = (training["clips_per_s"] + again["clips_per_s"]) / 2
        print(f"training step again: {again['step_s']:.2f} s/step; mean consumption "
              f"{consumption:.1f} clips/s")
        header = "".join(f"{f'MB x{scale}':>10}" for scale in args.scales)
        print(f"\n{'reader':<22}{'clips/s':>9}{'x training':>12}{'peak MB':>10}{header}")
        for name, small, large in results:
            ratio = small["clips_per_s"] / consumption
            columns = "".join(f"{mb:>10.0f}" for mb in large)
            print(f"{name:<22}{small['clips_per_s']:>9.1f}{ratio:>11.1f}x"
                  f"{small['peak_rss_mb']:>10.0f}{columns}")
        print(f"\n16x64x64x3 training clips from {WIDTH}x{HEIGHT} sources, {args.videos} videos "
              f"of {args.length} frames, {os.cpu_count()} CPU cores, load average "
              f"{os.getloadavg()[0]:.1f} at the end. Peak memory is the whole process "
              "(TensorFlow included); TFRecord readers hold up to 64 videos in their shuffle "
              "buffer, so their memory grows until the dataset exceeds 64 videos, then stays.")
    finally:
        if not args.workdir:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
