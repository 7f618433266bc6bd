"""Keras 3 builders of the book's classifiers: MLP, CNNs, transfer learning.

Each builder returns an uncompiled :class:`keras.Model` whose docstring gives
the paper it follows and the input and output shapes, time first:
``(batch, n_frames, n_bands)`` in, ``(batch, n_classes)`` out.
"""

from __future__ import annotations

from .backend import keras
from .layers import CenterExcerpts, ZeroMean

layers = keras.layers

__all__ = ["mlp", "music_speech_cnn", "vocal_cnn", "FILTER_SHAPES", "genre_cnn", "parallel_cnn", "transfer"]


def mlp(n_features, n_classes, hidden=(64, 32), activation="relu", dropout=0.0, l2=0.0, normalization=None):
    """Fully connected network (multi-layer perceptron) for classification.

    The first example of the ISMIR 2018 tutorial :cite:p:`schindler2018tutorial`:
    dense layers with a non-linear activation function, optional dropout
    :cite:p:`srivastava2014dropout` and L2 weight decay against overfitting, and
    a softmax output over the classes (one sigmoid unit for two classes).

    Parameters
    ----------
    n_features : int
        Features per example.
    n_classes : int
        Number of classes; 2 gives one sigmoid output unit.
    hidden : tuple of int
        Units of each hidden layer.
    activation : str
        Activation function of the hidden layers (``"relu"``, ``"tanh"``, ``"sigmoid"``).
    dropout : float
        Dropout rate after every hidden layer (0 switches it off).
    l2 : float
        L2 penalty on the weights of every dense layer (0 switches it off).
    normalization : keras.layers.Normalization or None
        Adapted input normalisation (training-set mean and variance) to put first.

    Returns
    -------
    keras.Model
        Input ``(batch, n_features)``, output ``(batch, n_classes)`` class
        probabilities, or ``(batch, 1)`` for two classes.

    Examples
    --------
    >>> mlp(80, 6, hidden=(32,)).output_shape
    (None, 6)
    """
    reg = keras.regularizers.L2(l2) if l2 else None
    inp = keras.Input((n_features,), name="features")
    x = normalization(inp) if normalization is not None else inp
    for i, units in enumerate(hidden):
        x = layers.Dense(units, activation=activation, kernel_regularizer=reg, name=f"dense{i + 1}")(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"dropout{i + 1}")(x)
    out = _classifier_output(x, n_classes, reg)
    return keras.Model(inp, out, name="mlp")


def _classifier_output(x, n_classes, reg=None, name="output"):
    if n_classes == 2:
        return layers.Dense(1, activation="sigmoid", kernel_regularizer=reg, name=name)(x)
    return layers.Dense(n_classes, activation="softmax", kernel_regularizer=reg, name=name)(x)


def music_speech_cnn(n_frames=80, n_bands=40, filters=15, kernel_size=(8, 12), pool_size=(8, 4), dense_units=32,
                     dropout=0.5, center=True, normalization=None):
    """Music/speech CNN after Lidy's MIREX 2015 submission.

    One convolutional layer of 15 filters over log-mel excerpts of 40 bands ×
    80 frames, ReLU, max-pooling, one fully connected layer and a sigmoid
    output: the probability that the excerpt is music. This small network won
    the MIREX 2015 music/speech classification task with 99.73 % accuracy
    :cite:p:`lidy2015mirex`. The dense layer here has 32 units and the pooling
    is 8 × 4 (frames × bands), which is enough for the book's few recordings, overfits less and
    keeps the shipped weights small. Each excerpt's mean is removed first
    (:func:`mirlib.nn.center_excerpts`), so loudness does not decide the class.

    Parameters
    ----------
    n_frames : int
        Frames per excerpt (time first).
    n_bands : int
        Mel bands.
    filters : int
        Number of convolutional filters (feature maps).
    kernel_size : tuple of int
        Filter size ``(frames, bands)``.
    pool_size : tuple of int
        Max-pooling size ``(frames, bands)``.
    dense_units : int
        Units of the fully connected layer.
    dropout : float
        Dropout rate before the output.
    center : bool
        Remove each excerpt's mean first (level invariance).
    normalization : keras.layers.Normalization or None
        Per-band normalisation adapted to the (centred) training excerpts.

    Returns
    -------
    keras.Model
        Input ``(batch, n_frames, n_bands)`` log-mel excerpts, output
        ``(batch, 1)``: probability of music.

    Examples
    --------
    >>> model = music_speech_cnn()
    >>> model.input_shape, model.output_shape
    ((None, 80, 40), (None, 1))
    >>> tuple(model.get_layer("conv").kernel.shape)
    (8, 12, 1, 15)
    """
    inp = keras.Input((n_frames, n_bands), name="log_mel")
    x = inp
    if center:
        x = CenterExcerpts(name="center")(x)
    x = normalization(x) if normalization is not None else x
    x = layers.Reshape((n_frames, n_bands, 1))(x)
    x = layers.Conv2D(filters, kernel_size, activation="relu", name="conv")(x)
    x = layers.MaxPooling2D(pool_size, name="pool")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(dense_units, activation="relu", name="dense")(x)
    x = layers.Dropout(dropout)(x)
    out = layers.Dense(1, activation="sigmoid", name="output")(x)
    return keras.Model(inp, out, name="music_speech_cnn")


def vocal_cnn(n_frames=80, n_bands=80, zero_mean=True, filters=(16, 32), dense_units=64, dropout=0.5,
              normalization=None):
    """Singing voice detector: a small CNN on log-mel excerpts, optionally level-invariant.

    Two 3 × 3 convolutions with 3 × 3 max-pooling, a fully connected layer and
    a sigmoid output: the probability that a voice sounds in the excerpt, a
    small version of the detector of Schlüter & Grill :cite:p:`schlueter2015exploring`.
    With ``zero_mean`` the first layer's filters are kept at zero mean
    (:class:`ZeroMean`) and see only real input (no padding): on
    uncompressed log magnitudes (:data:`mirlib.features.VOCALS`) the output
    then does not depend on the recording's level :cite:p:`schlueter2018zeromean`.
    The input normalisation must then be one mean and one scale for all
    bands (``axis=None``), which keeps a constant offset constant.

    Parameters
    ----------
    n_frames, n_bands : int
        Excerpt size (time first).
    zero_mean : bool
        Zero-mean filters in the first layer.
    filters : tuple of int
        Filters of the two convolutional layers.
    dense_units : int
        Units of the fully connected layer.
    dropout : float
        Dropout rate before the output.
    normalization : keras.layers.Normalization or None
        Input normalisation adapted to the training excerpts.

    Returns
    -------
    keras.Model
        Input ``(batch, n_frames, n_bands)``, output ``(batch, 1)``: probability of voice.

    Examples
    --------
    >>> model = vocal_cnn()
    >>> model.input_shape, model.output_shape
    ((None, 80, 80), (None, 1))
    """
    inp = keras.Input((n_frames, n_bands), name="log_mel")
    x = normalization(inp) if normalization is not None else inp
    x = layers.Reshape((n_frames, n_bands, 1))(x)
    x = layers.Conv2D(filters[0], (3, 3), padding="valid", activation="relu", name="conv1",
                      kernel_constraint=ZeroMean() if zero_mean else None)(x)
    x = layers.MaxPooling2D((3, 3), name="pool1")(x)
    x = layers.Conv2D(filters[1], (3, 3), activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D((3, 3), name="pool2")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(dense_units, activation="relu", name="dense")(x)
    x = layers.Dropout(dropout)(x)
    out = layers.Dense(1, activation="sigmoid", name="output")(x)
    return keras.Model(inp, out, name="vocal_cnn_zero_mean" if zero_mean else "vocal_cnn_plain")


#: Filter shapes ``(frames, bands)`` compared in the genre chapter, with the
#: direction of pooling that follows each (pooling goes across the filter).
FILTER_SHAPES = {
    "square": (5, 5),
    "vertical": (1, 24),     # spans frequency: timbre, harmonics
    "horizontal": (24, 1),   # spans time: rhythm, note onsets
}


def genre_cnn(n_frames, n_bands, n_classes, filter_shape="square", filters=16, dense_units=32, dropout=0.3,
              normalization=None):
    """Single-layer CNN with one filter shape, for comparing shapes.

    Square filters, as in image recognition, see small time-frequency patches;
    vertical filters span many mel bands of one frame (timbre, the spectral
    envelope); horizontal filters span many frames of one band (rhythm, onset
    patterns) :cite:p:`pons2016experimenting`. The convolution is followed by
    ReLU, max-pooling over the whole remaining input (so the feature maps'
    positions do not matter), a dense layer and a softmax output.

    Parameters
    ----------
    n_frames, n_bands : int
        Input size, time first.
    n_classes : int
        Number of classes.
    filter_shape : str or tuple of int
        A key of :data:`FILTER_SHAPES` or a kernel size ``(frames, bands)``.
    filters : int
        Number of filters.
    dense_units : int
        Units of the dense layer.
    dropout : float
        Dropout rate before the output.
    normalization : keras.layers.Normalization or None
        Adapted per-band normalisation to put first.

    Returns
    -------
    keras.Model
        Input ``(batch, n_frames, n_bands)``, output ``(batch, n_classes)``.
        The convolution layer is named ``"conv"``, the dense layer ``"embedding"``.

    Raises
    ------
    ValueError
        For an unknown shape name or a filter larger than the input.

    Examples
    --------
    >>> tuple(genre_cnn(128, 40, 6, "vertical").get_layer("conv").kernel.shape)
    (1, 24, 1, 16)
    """
    kernel = _kernel(filter_shape, n_frames, n_bands)
    inp = keras.Input((n_frames, n_bands), name="log_mel")
    x = normalization(inp) if normalization is not None else inp
    x = layers.Reshape((n_frames, n_bands, 1))(x)
    x = layers.Conv2D(filters, kernel, activation="relu", name="conv")(x)
    x = layers.GlobalMaxPooling2D(name="pool")(x)
    x = layers.Dense(dense_units, activation="relu", name="embedding")(x)
    x = layers.Dropout(dropout)(x)
    out = layers.Dense(n_classes, activation="softmax", name="output")(x)
    return keras.Model(inp, out, name=f"genre_cnn_{filter_shape if isinstance(filter_shape, str) else 'custom'}")


def _kernel(shape, n_frames, n_bands):
    if isinstance(shape, str):
        if shape not in FILTER_SHAPES:
            raise ValueError(f"unknown filter shape {shape!r}; choose one of {sorted(FILTER_SHAPES)} or give (frames, bands)")
        shape = FILTER_SHAPES[shape]
    frames, bands = (int(v) for v in shape)
    if not (1 <= frames <= n_frames and 1 <= bands <= n_bands):
        raise ValueError(f"filter of {frames} frames x {bands} bands does not fit an input of "
                         f"{n_frames} frames x {n_bands} bands")
    return frames, bands


def parallel_cnn(n_frames, n_bands, n_classes, filters=16, time_kernel=(24, 3), freq_kernel=(3, 24), dense_units=32,
                 dropout=0.3, output="softmax", normalization=None):
    """Parallel time/frequency CNN of Pons et al. and Lidy & Schindler (MIREX 2016).

    Two branches read the same log-mel excerpt: one with horizontal filters
    spanning many frames (temporal, rhythm) and max-pooling across frequency,
    one with vertical filters spanning many bands (spectral, timbre) and
    max-pooling across time -- pooling goes in the direction opposite to the
    filter. Their flattened outputs are concatenated and classified by a dense
    layer :cite:p:`pons2016experimenting,lidy2016parallel`.

    Parameters
    ----------
    n_frames, n_bands : int
        Input size, time first.
    n_classes : int
        Number of outputs.
    filters : int
        Filters per branch.
    time_kernel, freq_kernel : tuple of int
        Filter sizes ``(frames, bands)`` of the temporal and the spectral branch.
    dense_units : int
        Units of the shared dense layer (named ``"embedding"``).
    dropout : float
        Dropout rate before the output.
    output : {"softmax", "sigmoid"}
        Single-label classification or multi-label tagging.
    normalization : keras.layers.Normalization or None
        Adapted per-band normalisation to put first.

    Returns
    -------
    keras.Model
        Input ``(batch, n_frames, n_bands)``, output ``(batch, n_classes)``.

    Raises
    ------
    ValueError
        If a kernel does not fit the input or ``output`` is unknown.

    Examples
    --------
    >>> model = parallel_cnn(128, 40, 6)
    >>> model.output_shape
    (None, 6)
    >>> [tuple(model.get_layer(n).kernel.shape[:2]) for n in ("conv_time", "conv_freq")]
    [(24, 3), (3, 24)]
    """
    if output not in ("softmax", "sigmoid"):
        raise ValueError(f"output must be 'softmax' or 'sigmoid', got {output!r}")
    inp, x = time_frequency_branches(n_frames, n_bands, filters, time_kernel, freq_kernel, normalization)
    x = layers.Dense(dense_units, activation="relu", name="embedding")(x)
    x = layers.Dropout(dropout)(x)
    out = layers.Dense(n_classes, activation=output, name="output")(x)
    return keras.Model(inp, out, name="parallel_cnn")


def time_frequency_branches(n_frames, n_bands, filters, time_kernel, freq_kernel, normalization=None):
    """Input and the two convolutional branches of :func:`parallel_cnn`, concatenated.

    Shared by :func:`parallel_cnn` and :func:`mirlib.nn.embedding_cnn`: a
    log-mel input (normalised if a layer is given), a temporal branch pooled
    across all bands (and coarsely in time) and a spectral branch pooled across
    all frames :cite:p:`pons2016experimenting,lidy2016parallel`.

    Parameters
    ----------
    n_frames, n_bands : int
        Input size, time first.
    filters : int
        Filters per branch.
    time_kernel, freq_kernel : str or tuple of int
        Filter sizes ``(frames, bands)``.
    normalization : keras.layers.Normalization or None

    Returns
    -------
    inp : keras.KerasTensor, shape ``(batch, n_frames, n_bands)``
        The model input, named ``"log_mel"``.
    x : keras.KerasTensor, shape ``(batch, n_features)``
        Both branches flattened and concatenated.

    Raises
    ------
    ValueError
        If a kernel does not fit the input.
    """
    time_kernel = _kernel(time_kernel, n_frames, n_bands)
    freq_kernel = _kernel(freq_kernel, n_frames, n_bands)
    inp = keras.Input((n_frames, n_bands), name="log_mel")
    x = normalization(inp) if normalization is not None else inp
    x = layers.Reshape((n_frames, n_bands, 1))(x)
    t = layers.Conv2D(filters, time_kernel, activation="relu", name="conv_time")(x)
    t = layers.MaxPooling2D((1, t.shape[2]), name="pool_freq")(t)        # across all bands
    t = layers.MaxPooling2D((4, 1), name="pool_time_coarse")(t)          # keep a coarse time axis
    f = layers.Conv2D(filters, freq_kernel, activation="relu", name="conv_freq")(x)
    f = layers.MaxPooling2D((f.shape[1], 1), name="pool_time")(f)        # across all frames
    return inp, layers.Concatenate(name="concat")([layers.Flatten()(t), layers.Flatten()(f)])


def transfer(model, n_outputs, output="sigmoid", freeze=True, layer="embedding"):
    """A new model that reuses a trained network up to one layer (transfer learning).

    The layers up to and including ``layer`` keep their trained weights (and
    are frozen if asked); a new output layer is put on top. Used to pre-train on
    genre classification and fine-tune on tagging with few examples
    :cite:p:`choi2017transfer`. The new model holds a copy of those layers, so
    training it, fine-tuning included, never changes ``model``: several models
    can be transferred from one pre-trained network in turn.

    Parameters
    ----------
    model : keras.Model
        The pre-trained network.
    n_outputs : int
        Outputs of the new head (e.g. number of tags).
    output : {"sigmoid", "softmax"}
        Multi-label (sigmoid) or single-label (softmax) head.
    freeze : bool
        Keep the reused layers fixed (only the head trains).
    layer : str
        Name of the last reused layer.

    Returns
    -------
    keras.Model
        Same input as ``model``, output ``(batch, n_outputs)``.

    Raises
    ------
    ValueError
        If ``model`` has no layer named ``layer``.
    """
    names = [lay.name for lay in model.layers]
    if layer not in names:
        raise ValueError(f"model {model.name!r} has no layer {layer!r}; its layers: {names}")
    # the head first, so that its initial weights come from the random state the caller seeded
    head = layers.Dense(n_outputs, activation=output, name="new_output")
    head.build(model.get_layer(layer).output.shape)
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    base = keras.Model(copy.input, copy.get_layer(layer).output, name=f"{model.name}_base")
    base.trainable = not freeze
    return keras.Model(base.input, head(base.output), name=f"{model.name}_transfer")
