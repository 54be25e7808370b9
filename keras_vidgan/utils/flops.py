"""Floating-point operations of a model or a training step, counted from the traced graph.

The count walks the operations TensorFlow traces for a function and adds, for
every matrix product and convolution (forward, transposed, and the two
gradients of a convolution), two FLOPs per multiply-add. Element-wise work
(activations, normalisation, bias, optimizer updates, resizing) is left out:
for the networks of this package it is a rounding error next to the
convolutions, and the machine runs it at memory speed anyway.

Because the count comes from the operations rather than from layer classes,
it covers any Keras model on the TensorFlow backend: `Conv1D/2D/3D` and their
transposed forms, `Dense`, nested models, shared layers, layers that call
other layers inside (a convolutional GRU unrolled over frames), whatever
names they have. A convolution is counted over its whole output grid,
padding included, as papers count it.
"""

import math

# For each op: the input that holds the grid of the convolution's output (None:
# the op's own output), and the input that holds the filter (None: the op's output).
_CONVOLUTIONS = {
    "Conv2D": (None, 1),
    "Conv3D": (None, 1),
    "DepthwiseConv2dNative": (None, 1),
    "Conv2DBackpropInput": (2, 1),
    "Conv3DBackpropInputV2": (2, 1),
    "Conv2DBackpropFilter": (2, None),
    "Conv3DBackpropFilterV2": (2, None),
    "DepthwiseConv2dNativeBackpropInput": (2, 1),
    "DepthwiseConv2dNativeBackpropFilter": (2, None),
}
_CONTROL_FLOW = ("If", "StatelessIf", "While", "StatelessWhile", "Case", "StatelessCase")


def graph_flops(graph):
    """FLOPs of the matrix products and convolutions in a traced `tf.Graph`.

    Only operations that the function's outputs or its side effects (variable
    updates) depend on are counted, as only those run: a gradient tape also
    traces, for example, the gradient of the input images, which nothing uses.
    Nested function calls (`PartitionedCall`) and both branches of a
    conditional are counted; a loop body once. Shapes must be fully known
    (trace with a fixed batch size).

    Args:
        graph: a `tf.Graph`, for example `tf.function(f).get_concrete_function(...).graph`.

    Returns:
        int. Two FLOPs per multiply-add.

    Example:

    ```python
    import tensorflow as tf
    from keras_vidgan.utils.flops import graph_flops

    product = tf.function(lambda a, b: tf.matmul(a, b)).get_concrete_function(
        tf.TensorSpec([3, 4]), tf.TensorSpec([4, 5])
    )
    print(graph_flops(product.graph))  # 120
    ```
    """
    total = 0
    for operation in _operations_that_run(graph):
        total += _operation_flops(operation)
        for function in _called_graphs(operation):
            total += graph_flops(function)
    return total


def forward_flops(model, batch_size=1, training=False):
    """FLOPs of one forward pass of `model` for a batch of `batch_size` examples.

    Inputs are zeros of the model's input shapes (integer inputs, such as
    labels, as zeros of their dtype).

    Args:
        model: a built `keras.Model` with known input shapes.
        batch_size: int. Examples in the traced batch.
        training: bool. Passed to the model (frame samplers pick fewer frames
            only in training, for example).

    Returns:
        int. FLOPs for the whole batch.

    Example:

    ```python
    import keras
    from keras_vidgan.utils.flops import forward_flops

    inputs = keras.Input((8, 8, 3))
    outputs = keras.layers.Conv2D(4, 3, padding="same")(inputs)
    print(forward_flops(keras.Model(inputs, outputs)))  # 13824 = 2 * 64 * 27 * 4
    ```
    """
    import tensorflow as tf

    specs = [
        tf.TensorSpec((batch_size,) + tuple(tensor.shape[1:]), tensor.dtype)
        for tensor in model.inputs
    ]
    single = len(specs) == 1

    def run(*inputs):
        return model(inputs[0] if single else list(inputs), training=training)

    return graph_flops(tf.function(run).get_concrete_function(*specs).graph)


def function_flops(function, *args):
    """FLOPs of a Python function traced with `tf.function` on `args`.

    Use it for a whole GAN training step: `function_flops(gan.train_step, clips)`
    counts generator and discriminator forward passes, the gradients of
    their inputs and of their weights, as the step runs them.

    Args:
        function: a callable taking tensors.
        *args: example arguments (tensors or `tf.TensorSpec`s of fixed shape).

    Returns:
        int.
    """
    import tensorflow as tf

    return graph_flops(tf.function(function).get_concrete_function(*args).graph)


def _operations_that_run(graph):
    """The ops the graph's outputs and control outputs depend on; all ops of a plain graph."""
    outputs = getattr(graph, "outputs", None)
    if not outputs and not getattr(graph, "control_outputs", None):
        return graph.get_operations()
    pending = [tensor.op for tensor in outputs] + list(graph.control_outputs)
    seen = set()
    while pending:
        operation = pending.pop()
        if operation in seen:
            continue
        seen.add(operation)
        pending.extend(tensor.op for tensor in operation.inputs)
        pending.extend(operation.control_inputs)
    return [operation for operation in graph.get_operations() if operation in seen]


def _operation_flops(operation):
    if operation.type in ("MatMul", "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3"):
        return _matmul_flops(operation)
    if operation.type not in _CONVOLUTIONS:
        return 0
    grid_index, filter_index = _CONVOLUTIONS[operation.type]
    grid = operation.outputs[0] if grid_index is None else operation.inputs[grid_index]
    # A filter gradient's output has the filter's shape.
    filter_tensor = operation.outputs[0] if filter_index is None else operation.inputs[filter_index]
    filter_shape = filter_tensor.shape.as_list()
    if "Depthwise" in operation.type:
        # [k, k, in, multiplier]: each output channel reads one input channel.
        per_output = math.prod(filter_shape[:2])
        return 2 * _known(grid.shape) * per_output
    # [k..., in, out]: each output value is a dot product over k... x in.
    return 2 * _known(grid.shape) * math.prod(filter_shape[:-1])


def _matmul_flops(operation):
    a, b = (tensor.shape.as_list() for tensor in operation.inputs[:2])
    output = operation.outputs[0].shape.as_list()
    transpose_a = operation.get_attr("transpose_a" if operation.type == "MatMul" else "adj_x")
    inner = a[-2] if transpose_a else a[-1]
    if None in output or inner is None:
        raise ValueError(f"Unknown shape in {operation.name}: trace with fixed shapes.")
    return 2 * math.prod(output) * inner


def _known(shape):
    dims = shape.as_list()
    if None in dims:
        raise ValueError(f"Unknown shape {dims}: trace with a fixed batch size.")
    return math.prod(dims)


def _called_graphs(operation):
    """The function graphs an op runs: a called function, a conditional's branches, a loop."""
    names = []
    if operation.type in ("PartitionedCall", "StatefulPartitionedCall"):
        names.append(operation.get_attr("f").name)
    elif operation.type in _CONTROL_FLOW:
        for attribute in ("then_branch", "else_branch", "body", "cond"):
            try:
                names.append(operation.get_attr(attribute).name)
            except ValueError:
                pass
        if "Case" in operation.type:
            names.extend(branch.name for branch in operation.get_attr("branches"))
    graphs = []
    for name in names:
        function = operation.graph._get_function(name)
        if function is not None and getattr(function, "graph", None) is not None:
            graphs.append(function.graph)
    return graphs
