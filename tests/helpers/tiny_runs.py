"""Settings of training runs small enough for tests: a few seconds each on two cores."""

# TrainConfig fields: 8 frames of 32x32, networks of width 4, two steps of two clips per epoch.
# The VGAN design without R1: tests of what a run does around its networks (resume, faults,
# files written) hold for every design, and this one builds and traces in about half the
# time of the default (StyleGAN-V, whose R1 penalty needs second-order gradients).
TINY_RUN = dict(
    model="vgan",
    r1=0.0,
    frames=8,
    size=32,
    width=4,
    latent_dim=8,
    batch_size=2,
    steps_per_epoch=2,
    num_samples=2,
    verbose=0,
)
# The default design and its penalty, for tests about the default run itself.
DEFAULT_DESIGN = dict(model="styleganv", r1=0.1)
