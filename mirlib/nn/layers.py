"""Layers and the one input normaliser of the book's networks.

:func:`normalization` is the normaliser of every network: a Keras
``Normalization`` layer with the training set's statistics, stored in the
model and its weights file, so that the chapters, the command line and a
reloaded model all normalise alike. (:class:`mirlib.features.Standardizer` is
the same idea in NumPy, for the chapter that derives it.)
"""

from __future__ import annotations

import numpy as np

from .backend import keras
from .training import check_inputs

layers = keras.layers

__all__ = ["normalization", "CenterExcerpts", "center_excerpts", "check_inputs", "ZeroMean"]


def normalization(X=None, axis=-1, shape=None, name="normalization"):
    """A Keras ``Normalization`` layer, adapted to training data or ready to load weights.

    Standardise every feature (by default every mel band, the last axis) with
    the mean and variance of the *training* examples only; the statistics are
    stored in the model, so test data and the command line use the same ones.

    Parameters
    ----------
    X : np.ndarray, shape ``(n_examples, ...)``, or None
        Training inputs to adapt to, e.g. ``(n_examples, n_frames, n_bands)``;
        None gives an unadapted layer whose statistics come with the weights
        loaded later.
    axis : int or tuple of int
        Axis (axes) whose entries get their own statistics, e.g. ``(-2, -1)``
        for every band of every channel of a spectrogram stack.
    shape : tuple of int or None
        Input shape without the batch axis, to build an unadapted layer
        before the model (needed when the model does not build it).
    name : str
        Layer name; weights files refer to it.

    Returns
    -------
    keras.layers.Normalization

    Raises
    ------
    ValueError
        For empty input or NaN.

    Examples
    --------
    >>> layer = normalization(np.array([[0.0, 10.0], [2.0, 30.0]]))
    >>> np.asarray(layer(np.array([[1.0, 40.0]]))).round(3).tolist()
    [[0.0, 2.0]]
    """
    layer = layers.Normalization(axis=axis, name=name)
    if X is not None:
        layer.adapt(check_inputs(X))
    elif shape is not None:
        layer.build((None,) + tuple(shape))
    return layer


@keras.saving.register_keras_serializable(package="mirlib")
class CenterExcerpts(layers.Layer):
    """Subtract each excerpt's mean log-mel value: level (gain) invariance.

    A gain change shifts every value of a log spectrogram by about the same
    amount, so removing the mean over frames and bands makes a classifier
    nearly blind to how loud a recording is. A layer without weights (not a
    ``Lambda``), so that models holding it can be cloned and saved safely.

    Input and output shape ``(batch, n_frames, n_bands)``.
    """

    def call(self, x):
        return x - keras.ops.mean(x, axis=(1, 2), keepdims=True)


def center_excerpts(X):
    """Subtract each excerpt's mean log-mel value (what :class:`CenterExcerpts` computes), in NumPy.

    Used to adapt a normalisation layer to centred training excerpts.

    Parameters
    ----------
    X : np.ndarray, shape ``(n_excerpts, n_frames, n_bands)``

    Returns
    -------
    np.ndarray, float32, same shape

    Examples
    --------
    >>> center_excerpts([[[1.0, 3.0]]]).tolist()
    [[[-1.0, 1.0]]]
    """
    X = np.asarray(X, dtype=np.float32)
    return X - X.mean(axis=(1, 2), keepdims=True)


@keras.saving.register_keras_serializable(package="mirlib")
class ZeroMean(keras.constraints.Constraint):
    """Keep every convolution filter at zero mean: level-invariant features.

    A gain change ``g`` adds ``log10(g)`` to every value of a log spectrogram
    (without compression, :data:`mirlib.features.VOCALS`). A filter whose
    weights sum to zero answers a constant with zero, so its response (and
    everything the network computes from it) does not change with the gain,
    and that holds locally: a slow fade changes it hardly at all. Schlüter &
    Lehner made a singing voice detector level-invariant this way
    :cite:p:`schlueter2018zeromean`. Keras applies a constraint after every
    update; the first convolution must use ``padding="valid"``, as zeros
    padded at the edges are no constant offset.

    Examples
    --------
    >>> w = ZeroMean()(keras.ops.convert_to_tensor(np.arange(8.0).reshape(2, 2, 1, 2)))
    >>> np.asarray(keras.ops.sum(w, axis=(0, 1, 2))).round(6).tolist()
    [0.0, 0.0]
    """

    def __call__(self, w):
        return w - keras.ops.mean(w, axis=tuple(range(len(w.shape) - 1)), keepdims=True)

    def get_config(self):
        return {}
