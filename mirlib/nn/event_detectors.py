"""Keras 3 builders of networks that output an activation per frame.

Sequence models take a whole excerpt at once, time first:
``(batch, n_frames, ...)`` in and ``(batch, n_frames, n_outputs)`` out, one
activation per frame and output, at the frame rate of their input features
(100 fps for :data:`mirlib.features.RHYTHM`).
"""

from __future__ import annotations

from .backend import keras

layers = keras.layers

__all__ = ["onset_cnn", "onset_rnn", "beat_blstm", "beat_tcn", "drum_crnn", "drum_cnn", "drum_rnn", "boundary_cnn"]


def onset_cnn(n_bands=80, n_channels=3, context=7, filters=(10, 20), kernels=((7, 3), (3, 3)), pools=(3, 3),
              dense_units=256, n_outputs=1, normalization=None):
    """CNN onset detector of Schlüter & Böck (ICASSP 2014).

    The paper classifies every frame from a 15-frame window (±7 frames) of
    log-mel spectrograms computed with three frame sizes, stacked as channels:
    convolution 10 × (7 × 3) + tanh, max-pooling 1 × 3 over frequency,
    convolution 20 × (3 × 3) + tanh, max-pooling 1 × 3, a dense layer of 256
    sigmoid units and one sigmoid output :cite:p:`schlueter2014improved`.
    Here the window slides over the whole excerpt: the dense layer is a
    convolution spanning the remaining context, so one call gives the
    activation of every frame (the same function, computed without copying
    windows). The input is padded with ``context`` frames of silence at both ends.

    Parameters
    ----------
    n_bands : int
        Mel bands per spectrogram.
    n_channels : int
        Number of spectrograms (frame sizes) stacked as channels.
    context : int
        Frames of context on each side (7 gives the paper's 15-frame window).
    filters : tuple of two int
        Filters of the two convolutional layers.
    kernels : tuple of two (frames, bands)
        Kernel sizes of the two convolutional layers.
    pools : tuple of two int
        Max-pooling sizes over frequency (bands) after each convolution.
    dense_units : int
        Units of the dense (fully connected) layer.
    n_outputs : int
        Sigmoid outputs per frame (1 for onsets; 3 for KD, SD, HH).
    normalization : keras.layers.Normalization or None
        Adapted input normalisation (per band and channel) to put first.

    Returns
    -------
    keras.Model
        Input ``(batch, n_frames, n_bands, n_channels)``, output
        ``(batch, n_frames, n_outputs)``: probability per frame.

    Raises
    ------
    ValueError
        If the kernels need more frames than the ``2 * context + 1`` of the window.

    Examples
    --------
    >>> model = onset_cnn()
    >>> model.output_shape
    (None, None, 1)
    >>> onset_cnn(context=4, kernels=((5, 3), (3, 3))).get_layer("dense").kernel_size
    (3, 8)
    """
    inp = keras.Input((None, n_bands, n_channels), name="log_mel")
    # pad with silence (log-mel 0) before normalising, so that the ends of an
    # excerpt look like silence, not like an average frame after silence
    x = layers.ZeroPadding2D(((context, context), (0, 0)))(inp)
    x = normalization(x) if normalization is not None else x
    # each "valid" convolution uses up kernel - 1 frames of the window; the
    # dense layer spans the frames that remain
    remaining = 2 * context + 1 - sum(k[0] - 1 for k in kernels)
    if remaining < 1:
        raise ValueError(f"kernels {kernels} need more than the {2 * context + 1} frames of a context of {context}")
    for i, (n, kernel, pool) in enumerate(zip(filters, kernels, pools), 1):
        x = layers.Conv2D(n, tuple(kernel), activation="tanh", name=f"conv{i}")(x)
        x = layers.MaxPooling2D((1, pool), name=f"pool{i}")(x)
    x = layers.Conv2D(dense_units, (remaining, x.shape[2]), activation="sigmoid", name="dense")(x)
    x = layers.Dropout(0.5)(x)
    x = layers.Conv2D(n_outputs, (1, 1), activation="sigmoid", name="output")(x)
    out = layers.Reshape((-1, n_outputs))(x)
    return keras.Model(inp, out, name="onset_cnn")


def onset_rnn(n_features, units=25, n_layers=2, bidirectional=True, n_outputs=1, normalization=None):
    """(B)LSTM onset detector after Eyben et al. (2010) and Böck et al. (2012).

    Stacked (bidirectional) LSTM layers :cite:p:`hochreiter1997long` read
    log-magnitude spectrograms of several frame sizes and their positive
    first-order differences and output an onset probability per frame
    :cite:p:`eyben2010universal,boeck2012online`. The offline (bidirectional)
    variant sees the future as well as the past of each frame.

    Parameters
    ----------
    n_features : int
        Features per frame.
    units : int
        LSTM units per layer and direction.
    n_layers : int
        Number of recurrent layers.
    bidirectional : bool
        Offline BLSTM (True) or online, causal LSTM (False).
    n_outputs : int
        Sigmoid outputs per frame.
    normalization : keras.layers.Normalization or None
        Adapted input normalisation to put first.

    Returns
    -------
    keras.Model
        Input ``(batch, n_frames, n_features)``, output ``(batch, n_frames, n_outputs)``.

    Examples
    --------
    >>> onset_rnn(240, units=8, n_layers=1).count_params()
    15953
    """
    return _recurrent(n_features, units, n_layers, bidirectional, n_outputs, normalization, "onset_rnn")


def beat_blstm(n_features, units=25, n_layers=3, n_outputs=1, normalization=None):
    """BLSTM beat activation network of Böck & Schedl (DAFx 2011).

    Three bidirectional LSTM layers of 25 units per direction read
    log-magnitude spectrograms of three frame sizes with their positive
    first-order differences, at 100 frames per second, and output a beat
    probability per frame :cite:p:`boeck2011enhanced`. The bidirectional context
    of several seconds lets the network learn the regularity of beats, not only
    where notes start; a beat tracker (peak picking or madmom's dynamic Bayesian
    network :cite:p:`krebs2015efficient`) turns the activation into beat times.

    Parameters
    ----------
    n_features : int
        Features per frame.
    units : int
        LSTM units per layer and direction.
    n_layers : int
        Number of BLSTM layers.
    n_outputs : int
        Sigmoid outputs per frame (2 for beats and downbeats).
    normalization : keras.layers.Normalization or None
        Adapted input normalisation to put first.

    Returns
    -------
    keras.Model
        Input ``(batch, n_frames, n_features)``, output ``(batch, n_frames, n_outputs)``.

    Examples
    --------
    >>> beat_blstm(240).output_shape
    (None, None, 1)
    """
    return _recurrent(n_features, units, n_layers, True, n_outputs, normalization, "beat_blstm")


def beat_tcn(n_bands=80, n_channels=3, filters=20, kernel_size=5, dilations=tuple(2 ** i for i in range(9)),
             dropout=0.15, n_outputs=2, normalization=None):
    """Multi-task temporal convolutional network for beats and downbeats (Böck & Davies, ISMIR 2020).

    A convolutional front end reads log-mel spectrograms (time first) and
    leaves ``filters`` features per frame: convolution 3 × 3, ELU, max-pooling
    1 × 3 over frequency, dropout; convolution 1 × 10, pooling and dropout;
    convolution 3 × 3 and pooling until one band is left
    :cite:p:`davies2019temporal,boeck2020deconstruct`. A stack of residual
    blocks then widens the temporal context: each block runs two dilated
    convolutions over time (dilations ``d`` and ``2 d``), joins them, applies
    ELU and spatial dropout and a 1 × 1 convolution, and adds the result to
    its input; with dilations 1 to 256 the network sees about 20 s on either
    side of a frame. One sigmoid output per frame and task (beat, downbeat)
    reads the last block. Unlike an LSTM it computes every frame at once, which
    makes it quick to train on CPUs. The paper's third output, a tempo
    classifier, is left out: the tempo comes from the beat activation as for
    the BLSTM.

    Parameters
    ----------
    n_bands : int
        Mel bands per spectrogram (80 for :data:`mirlib.features.RHYTHM`).
    n_channels : int
        Spectrograms (frame sizes) stacked as channels.
    filters : int
        Feature maps of every convolution.
    kernel_size : int
        Frames per dilated convolution kernel.
    dilations : tuple of int
        Dilation ``d`` of each residual block (its second convolution uses ``2 d``).
    dropout : float
        Dropout rate after each front-end block and in each residual block.
    n_outputs : int
        Sigmoid outputs per frame (2: beats, downbeats).
    normalization : keras.layers.Normalization or None
        Adapted input normalisation (per band and channel) to put first.

    Returns
    -------
    keras.Model
        Input ``(batch, n_frames, n_bands, n_channels)``, output ``(batch, n_frames, n_outputs)``.

    Raises
    ------
    ValueError
        If ``n_bands`` is too few for the front end (fewer than 56).

    Examples
    --------
    >>> beat_tcn().output_shape
    (None, None, 2)
    """
    inp = keras.Input((None, n_bands, n_channels), name="log_mel")
    x = normalization(inp) if normalization is not None else inp
    bands = n_bands
    for i, kernel in enumerate(((3, 3), (1, 10), (3, 3)), 1):
        bands = (bands - kernel[1] + 1) // 3 if i < 3 else bands - kernel[1] + 1
        if bands < 1:
            raise ValueError(f"{n_bands} bands are too few for the front end of beat_tcn (56 or more)")
        # pad time so that every frame keeps its output; frequency is valid
        x = layers.ZeroPadding2D(((kernel[0] // 2, kernel[0] // 2), (0, 0)))(x)
        x = layers.Conv2D(filters, kernel, activation="elu", name=f"conv{i}")(x)
        x = layers.MaxPooling2D((1, 3 if i < 3 else bands), name=f"pool{i}")(x)
        x = layers.Dropout(dropout)(x)
    x = layers.Reshape((-1, filters), name="frames")(x)
    for d in dilations:
        a = layers.Conv1D(filters, kernel_size, dilation_rate=d, padding="same", name=f"tcn{d}a")(x)
        b = layers.Conv1D(filters, kernel_size, dilation_rate=2 * d, padding="same", name=f"tcn{d}b")(x)
        h = layers.Activation("elu")(layers.Concatenate()([a, b]))
        h = layers.SpatialDropout1D(dropout)(h)
        x = layers.Add()([x, layers.Conv1D(filters, 1, name=f"tcn{d}")(h)])
    x = layers.Dropout(dropout)(layers.Activation("elu")(x))
    out = layers.Dense(n_outputs, activation="sigmoid", name="output")(x)
    return keras.Model(inp, out, name="beat_tcn")


def _recurrent(n_features, units, n_layers, bidirectional, n_outputs, normalization, name, cell="lstm"):
    inp = keras.Input((None, n_features), name="features")
    x = normalization(inp) if normalization is not None else inp
    x = _recurrent_layers(x, units, n_layers, bidirectional, cell)
    out = layers.Dense(n_outputs, activation="sigmoid", name="output")(x)
    return keras.Model(inp, out, name=name)


def _recurrent_layers(x, units, n_layers, bidirectional, cell):
    # stacked (bidirectional) LSTM or GRU layers returning whole sequences; the layer
    # names (lstm1/blstm1, gru1/bigru1, ...) are those of the shipped weights
    rnn, short, both = {"lstm": (layers.LSTM, "lstm", "blstm"), "gru": (layers.GRU, "gru", "bigru")}[cell]
    for i in range(n_layers):
        r = rnn(units, return_sequences=True, name=f"{short}{i + 1}")
        x = layers.Bidirectional(r, name=f"{both}{i + 1}")(x) if bidirectional else r(x)
    return x


def _drum_input(n_bands, normalization):
    # (n_frames, 2 * n_bands) = spectrogram and its positive difference, as two channels (n_frames, n_bands, 2)
    inp = keras.Input((None, 2 * n_bands), name="features")
    x = normalization(inp) if normalization is not None else inp
    x = layers.Reshape((-1, 2, n_bands), name="channels")(x)
    return inp, layers.Permute((1, 3, 2), name="time_band_channel")(x)


def _conv_blocks(x, filters, dropout):
    # Vogl et al. 2017: per block two 3 x 3 convolutions with batch normalisation and ReLU, then
    # max-pooling 1 x 3 over frequency only (the frame rate stays) and dropout
    for b, n in enumerate(filters):
        for c in range(2):
            x = layers.Conv2D(n, (3, 3), padding="same", name=f"conv{b + 1}_{c + 1}")(x)
            x = layers.BatchNormalization(name=f"bn{b + 1}_{c + 1}")(x)
            x = layers.Activation("relu", name=f"relu{b + 1}_{c + 1}")(x)
        x = layers.MaxPooling2D((1, 3), name=f"pool{b + 1}")(x)
        x = layers.Dropout(dropout, name=f"dropout{b + 1}")(x)
    n_bands, n_filters = x.shape[2], x.shape[3]
    return layers.Reshape((-1, n_bands * n_filters), name="flatten_bands")(x)


def drum_crnn(n_bands=84, filters=(16, 32), units=32, n_layers=2, n_outputs=3, dropout=0.3, bidirectional=True,
              normalization=None):
    """Convolutional recurrent network for drum transcription (Vogl et al., ISMIR 2017).

    Two convolutional blocks (each two 3 × 3 convolutions with batch
    normalisation and ReLU, max-pooling 1 × 3 over frequency, dropout) learn
    local time-frequency patterns; bidirectional GRU layers model the rhythmic
    context over the whole excerpt; one sigmoid output per frame and
    instrument (and, for the joint model, for beats and downbeats)
    :cite:p:`vogl2017drum`. The paper uses 32 and 64 filters and GRUs of 60
    units; the defaults here are smaller so that it trains on a CPU.

    Parameters
    ----------
    n_bands : int
        Bands of the log-filtered spectrogram; the input holds the spectrogram
        and its positive difference, ``2 * n_bands`` features per frame
        (:func:`mirlib.features.add_positive_difference`).
    filters : tuple of int
        Filters of the convolutions of each block.
    units, n_layers : int
        GRU units per direction and number of recurrent layers.
    n_outputs : int
        Sigmoid outputs per frame: 3 for KD, SD, HH; 5 with beats and downbeats.
    dropout : float
        Dropout rate after each convolutional block.
    bidirectional : bool
        Bidirectional GRUs (the paper's offline model) or forward only.
    normalization : keras.layers.Normalization or None
        Adapted input normalisation (per feature).

    Returns
    -------
    keras.Model
        Input ``(batch, n_frames, 2 * n_bands)``, output ``(batch, n_frames, n_outputs)``.

    Examples
    --------
    >>> drum_crnn().output_shape
    (None, None, 3)
    """
    inp, x = _drum_input(n_bands, normalization)
    x = _recurrent_layers(_conv_blocks(x, filters, dropout), units, n_layers, bidirectional, "gru")
    out = layers.Dense(n_outputs, activation="sigmoid", name="output")(x)
    return keras.Model(inp, out, name="drum_crnn")


def drum_cnn(n_bands=84, filters=(16, 32), context=9, dense_units=64, n_outputs=3, dropout=0.3, normalization=None):
    """Convolutional network for drum transcription, the CNN of Vogl et al.'s comparison.

    The convolutional blocks of :func:`drum_crnn`, then a convolution over
    ``context`` frames and a dense layer per frame instead of recurrent
    layers: it sees about ± ``(context // 2 + 4)`` frames, not the whole
    excerpt :cite:p:`vogl2017drum`.

    Parameters
    ----------
    n_bands, filters, n_outputs, dropout, normalization
        As in :func:`drum_crnn`.
    context : int
        Frames of the temporal convolution after the blocks.
    dense_units : int
        Units of that convolution and the dense layer.

    Returns
    -------
    keras.Model
        Input ``(batch, n_frames, 2 * n_bands)``, output ``(batch, n_frames, n_outputs)``.

    Examples
    --------
    >>> drum_cnn().output_shape
    (None, None, 3)
    """
    inp, x = _drum_input(n_bands, normalization)
    x = _conv_blocks(x, filters, dropout)
    x = layers.Conv1D(dense_units, context, padding="same", activation="relu", name="context")(x)
    x = layers.Dense(dense_units, activation="relu", name="dense")(x)
    out = layers.Dense(n_outputs, activation="sigmoid", name="output")(x)
    return keras.Model(inp, out, name="drum_cnn")


def drum_rnn(n_features=168, units=32, n_layers=2, n_outputs=3, normalization=None):
    """Recurrent network for drum transcription, the RNN of Vogl et al.'s comparison.

    Bidirectional GRU layers directly on the spectrogram and its positive
    difference, without convolutions :cite:p:`vogl2017drum`.

    Parameters
    ----------
    n_features : int
        Features per frame (``2 * n_bands``).
    units, n_layers, n_outputs, normalization
        As in :func:`drum_crnn`.

    Returns
    -------
    keras.Model
        Input ``(batch, n_frames, n_features)``, output ``(batch, n_frames, n_outputs)``.

    Examples
    --------
    >>> drum_rnn().output_shape
    (None, None, 3)
    """
    return _recurrent(n_features, units, n_layers, True, n_outputs, normalization, "drum_rnn", cell="gru")


def boundary_cnn(n_bands=40, context=40, filters=(16, 16), kernels=((8, 6), (6, 3)), pools=(3, 3), dense_units=32,
                 normalization=None):
    """CNN boundary detector after Ullrich, Schlüter & Grill (ISMIR 2014).

    The paper classifies the centre of a long window of log-mel frames (16 s
    at a reduced frame rate) as a section boundary or not: two convolutional
    layers with max-pooling, a dense layer and one sigmoid output, trained
    on targets smeared in time around the annotated boundaries; peak picking
    on the output gives the boundaries :cite:p:`ullrich2014boundary`. As in
    :func:`onset_cnn`, the window slides over the whole piece: the dense
    layer is a convolution spanning the remaining context, so one call gives
    the boundary activation of every frame. The input is padded with
    ``context`` frames of silence at both ends.

    Parameters
    ----------
    n_bands : int
        Mel bands per frame.
    context : int
        Frames of context on each side (40 at 5 fps: a 16-s window).
    filters : tuple of two int
        Filters of the two convolutional layers.
    kernels : tuple of two (frames, bands)
        Kernel sizes of the two convolutional layers.
    pools : tuple of two int
        Max-pooling sizes over frequency after each convolution.
    dense_units : int
        Units of the dense layer.
    normalization : keras.layers.Normalization or None
        Adapted input normalisation (per band) to put first.

    Returns
    -------
    keras.Model
        Input ``(batch, n_frames, n_bands)``, output ``(batch, n_frames, 1)``:
        boundary probability per frame.

    Raises
    ------
    ValueError
        If the kernels need more frames than the ``2 * context + 1`` of the window.

    Examples
    --------
    >>> model = boundary_cnn()
    >>> model.output_shape
    (None, None, 1)
    >>> model.get_layer("dense").kernel_size
    (69, 3)
    """
    remaining = 2 * context + 1 - sum(k[0] - 1 for k in kernels)
    if remaining < 1:
        raise ValueError(f"kernels {kernels} need more than the {2 * context + 1} frames of a context of {context}")
    inp = keras.Input((None, n_bands), name="log_mel")
    # silence (log-mel 0) at both ends before normalising, as in onset_cnn
    x = layers.ZeroPadding1D((context, context))(inp)
    x = normalization(x) if normalization is not None else x
    x = layers.Reshape((-1, n_bands, 1))(x)
    for i, (n, kernel, pool) in enumerate(zip(filters, kernels, pools), 1):
        x = layers.Conv2D(n, tuple(kernel), activation="relu", name=f"conv{i}")(x)
        x = layers.MaxPooling2D((1, pool), name=f"pool{i}")(x)
    x = layers.Conv2D(dense_units, (remaining, x.shape[2]), activation="relu", name="dense")(x)
    x = layers.Dropout(0.5)(x)
    x = layers.Conv2D(1, (1, 1), activation="sigmoid", name="output")(x)
    out = layers.Reshape((-1, 1))(x)
    return keras.Model(inp, out, name="boundary_cnn")
