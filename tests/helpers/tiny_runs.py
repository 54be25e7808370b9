"""Settings of training runs small enough for tests: a few seconds each on two cores."""

# TrainConfig fields: 8 frames of 32x32, networks of width 4, two steps of two clips per epoch.
TINY_RUN = dict(
    frames=8,
    size=32,
    width=4,
    latent_dim=8,
    batch_size=2,
    steps_per_epoch=2,
    num_samples=2,
    verbose=0,
)
