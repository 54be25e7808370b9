"""The FLOP counter against hand-computed counts, TensorFlow's profiler, and the VGAN paper."""

import keras
import pytest
import tensorflow as tf

from keras_vidgan.layers import ConvGRU
from keras_vidgan.models import (
    MoCoGANGenerator,
    TGANGenerator,
    VGANGenerator,
    VideoDiscriminator,
)
from keras_vidgan.utils.flops import forward_flops, function_flops, graph_flops


def _model(inputs, layer_stack):
    x = inputs
    for layer in layer_stack:
        x = layer(x)
    return keras.Model(inputs, x)


@pytest.mark.parametrize(
    "shape,layer,expected",
    [
        # 2 x output positions x kernel volume x input channels x output channels.
        ((10, 3), keras.layers.Conv1D(5, 3, padding="same"), 2 * 10 * 3 * 3 * 5),
        ((8, 8, 3), keras.layers.Conv2D(4, 3, strides=2, padding="same"), 2 * 16 * 9 * 3 * 4),
        ((4, 8, 8, 2), keras.layers.Conv3D(6, 3, padding="valid"), 2 * (2 * 6 * 6) * 27 * 2 * 6),
        # Transposed: 2 x input positions x kernel volume x channels in x out.
        (
            (4, 4, 3),
            keras.layers.Conv2DTranspose(5, 4, strides=2, padding="same"),
            2 * 16 * 16 * 15,
        ),
        (
            (2, 4, 4, 3),
            keras.layers.Conv3DTranspose(5, (3, 4, 4), strides=(1, 2, 2), padding="same"),
            2 * 32 * 48 * 15,
        ),
        ((7,), keras.layers.Dense(9), 2 * 7 * 9),
        ((3, 7), keras.layers.Dense(9), 2 * 3 * 7 * 9),
        # Per frame: gates (2F) and candidate (F) over [input, state] channels.
        ((4, 8, 8, 3), ConvGRU(5), 4 * 2 * 64 * 9 * (3 + 5) * (2 * 5 + 5)),
    ],
)
def test_each_layer_kind_is_counted_from_its_shapes(shape, layer, expected):
    model = _model(keras.Input(shape), [layer])
    assert forward_flops(model) == expected
    assert forward_flops(model, batch_size=3) == 3 * expected


def test_nested_models_and_shared_layers_count_every_call():
    inner = _model(keras.Input((6,)), [keras.layers.Dense(4)])
    shared = keras.layers.Dense(4)
    inputs = keras.Input((6,))
    features = inner(inputs)
    outputs = keras.layers.Concatenate()([shared(features), shared(inner(inputs)), features])
    # inner twice (6x4), shared twice (4x4).
    assert forward_flops(keras.Model(inputs, outputs)) == 2 * (2 * 24 + 2 * 16)


def test_a_training_step_counts_forward_and_both_gradients():
    first = keras.layers.Conv2D(4, 3, padding="same", use_bias=False)
    second = keras.layers.Conv2D(4, 3, padding="same", use_bias=False)
    model = _model(keras.Input((8, 8, 4)), [first, second])
    one_conv = 2 * 64 * 9 * 4 * 4

    def step(images):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.square(model(images)))
        return tape.gradient(loss, model.trainable_variables)

    # Two forward convolutions, two kernel gradients and the gradient of the
    # first convolution's output; the images need none.
    assert function_flops(step, tf.TensorSpec((1, 8, 8, 4))) == 5 * one_conv

    def linear_step(images):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(model(images))
        return tape.gradient(loss, model.trainable_variables)

    # The gradient of a sum does not need the last convolution's output.
    assert function_flops(linear_step, tf.TensorSpec((1, 8, 8, 4))) == 4 * one_conv


def test_counts_agree_with_tensorflow_profiler():
    layers = [
        keras.layers.Conv2D(4, 3, padding="same", use_bias=False),
        keras.layers.Conv2D(6, 3, strides=2, padding="same", use_bias=False),
        keras.layers.Flatten(),
        keras.layers.Dense(5, use_bias=False),
    ]
    model = _model(keras.Input((8, 8, 3)), layers)
    graph = tf.function(model).get_concrete_function(tf.TensorSpec((2, 8, 8, 3))).graph
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    profile = tf.compat.v1.profiler.profile(graph=graph, options=options)
    per_image = 2 * 64 * 27 * 4 + 2 * 16 * 36 * 6 + 2 * 96 * 5
    assert graph_flops(graph) == profile.total_float_ops == 2 * per_image


def test_unknown_batch_size_is_refused():
    model = _model(keras.Input((3,)), [keras.layers.Dense(2)])
    graph = tf.function(model).get_concrete_function(tf.TensorSpec((None, 3))).graph
    with pytest.raises(ValueError, match="fixed"):
        graph_flops(graph)


def _paper_vgan_flops():
    """Vondrick et al. (2016), 32x64x64x3 clips, counted by hand from the paper's layers."""
    # Foreground: z (100) -> 2x4x4x512 -> 4x8x8x256 -> 8x16x16x128 -> 16x32x32x64,
    # then two 4x4x4 up-convolutions to the 32x64x64 foreground (3) and mask (1).
    # An up-convolution of stride 2 costs 2 x input positions x 4^3 x C_in x C_out.
    foreground = 2 * 100 * (2 * 4 * 4 * 512)
    grids_3d = [(2 * 4 * 4, 512, 256), (4 * 8 * 8, 256, 128), (8 * 16 * 16, 128, 64)]
    foreground += sum(2 * positions * 64 * cin * cout for positions, cin, cout in grids_3d)
    foreground += 2 * (16 * 32 * 32) * 64 * 64 * (3 + 1)
    # Background: z -> 4x4x512 -> 8x8x256 -> 16x16x128 -> 32x32x64 -> 64x64x3, 4x4 kernels.
    background = 2 * 100 * (4 * 4 * 512)
    grids_2d = [(4 * 4, 512, 256), (8 * 8, 256, 128), (16 * 16, 128, 64), (32 * 32, 64, 3)]
    background += sum(2 * positions * 16 * cin * cout for positions, cin, cout in grids_2d)
    return foreground + background


def _paper_discriminator_flops():
    """The paper's discriminator: 4x4x4 convolutions of stride 2, 3-64-128-256-512, then 1."""
    grids = [
        (16 * 32 * 32, 3, 64),
        (8 * 16 * 16, 64, 128),
        (4 * 8 * 8, 128, 256),
        (2 * 4 * 4, 256, 512),
    ]
    return (
        sum(2 * positions * 64 * cin * cout for positions, cin, cout in grids) + 2 * 2 * 4 * 4 * 512
    )


def test_vgan_costs_what_the_paper_costs():
    paper = dict(latent_dim=100, frames=32, size=64, channels=3, width=64)
    assert forward_flops(VGANGenerator(**paper)) == pytest.approx(_paper_vgan_flops(), rel=1e-3)
    assert forward_flops(VGANGenerator(upsampling="transpose", **paper)) == pytest.approx(
        _paper_vgan_flops(), rel=1e-3
    )
    # Resizing then convolving computes 27 instead of 8 products per output.
    resize = forward_flops(VGANGenerator(upsampling="resize", **paper))
    assert 3.0 < resize / _paper_vgan_flops() < 3.5
    discriminator = VideoDiscriminator(frames=32, size=64, channels=3, width=64)
    assert forward_flops(discriminator) == _paper_discriminator_flops()


def _paper_frame_generator_flops(frames=16):
    """The image generator of TGAN and MoCoGAN per clip: 4x4 up-convolutions of stride 2."""
    grids = [(4 * 4, 512, 256), (8 * 8, 256, 128), (16 * 16, 128, 64), (32 * 32, 64, 3)]
    return frames * sum(2 * positions * 16 * cin * cout for positions, cin, cout in grids)


@pytest.mark.parametrize("generator_class", [TGANGenerator, MoCoGANGenerator])
def test_frame_generators_cost_what_their_papers_cost(generator_class):
    generator = generator_class(frames=16, size=64, channels=3, width=64)
    # The temporal parts (TGAN's 1D up-convolutions, MoCoGAN's GRU) and the
    # projections of the codes add about 2%.
    ratio = forward_flops(generator) / _paper_frame_generator_flops()
    assert 1.0 < ratio < 1.03, ratio
