"""Metric learning: Siamese and triplet networks, their losses, an embedding CNN.

A Siamese network applies *one* branch, with shared weights, to two inputs and
compares the outputs by a distance; it is trained so that similar items end up
close and dissimilar ones far apart :cite:p:`hadsell2006dimensionality`. A
triplet network applies the branch to an anchor, a positive (similar to the
anchor) and a negative (dissimilar) and asks the anchor to be closer to the
positive than to the negative by a margin :cite:p:`hoffer2015deep`.

All losses are written in ``keras.ops``, so they run on every Keras backend.
"""

from __future__ import annotations

from .backend import keras
from .classifiers import time_frequency_branches

layers = keras.layers
ops = keras.ops

__all__ = ["euclidean_distance", "contrastive_loss", "triplet_loss", "TripletLoss", "active_fraction", "embedding_cnn",
           "train_triplets", "triplet_network"]

_EPS = 1e-12


def euclidean_distance(a, b, squared=False):
    """Row-wise Euclidean distance of two batches of embeddings.

    Parameters
    ----------
    a, b : tensor, shape ``(batch, dim)``
    squared : bool
        Return the squared distance (no square root).

    Returns
    -------
    tensor, shape ``(batch,)``

    Examples
    --------
    >>> import numpy as np
    >>> np.asarray(euclidean_distance(np.array([[0., 0.]]), np.array([[3., 4.]]))).round(6).tolist()
    [5.0]
    """
    d2 = ops.sum(ops.square(ops.subtract(a, b)), axis=-1)
    # the gradient of sqrt at 0 is infinite: keep it finite for identical pairs
    return d2 if squared else ops.sqrt(ops.maximum(d2, _EPS))


def contrastive_loss(same, distance, margin=1.0):
    """Contrastive loss of Hadsell, Chopra & LeCun (CVPR 2006), per pair.

    .. math:: L = s\\,\\tfrac12 d^2 + (1 - s)\\,\\tfrac12 \\max(0, m - d)^2

    Similar pairs (``same = 1``) are pulled together; dissimilar pairs are
    pushed apart until they are at least ``margin`` away, and no further
    :cite:p:`hadsell2006dimensionality`.

    Parameters
    ----------
    same : tensor, shape ``(batch,)``
        1 for a similar pair, 0 for a dissimilar one.
    distance : tensor, shape ``(batch,)``
        Euclidean (not squared) distance of each pair's embeddings.
    margin : float
        Distance beyond which dissimilar pairs cost nothing (> 0).

    Returns
    -------
    tensor, shape ``(batch,)``
        Loss of each pair.

    Raises
    ------
    ValueError
        If ``margin`` is not positive.

    Examples
    --------
    >>> import numpy as np
    >>> np.asarray(contrastive_loss(np.array([1., 0., 0.]), np.array([0.5, 0.5, 2.0]), margin=1.0)).tolist()
    [0.125, 0.125, 0.0]
    """
    if not margin > 0:
        raise ValueError(f"margin must be positive, got {margin}")
    same = ops.cast(same, "float32")
    distance = ops.cast(distance, "float32")
    return 0.5 * (same * ops.square(distance) + (1.0 - same) * ops.square(ops.relu(margin - distance)))


def triplet_loss(anchor, positive, negative, margin=0.2, squared=False):
    """Triplet loss with a margin, per triplet (Hoffer & Ailon 2015; Schroff et al. 2015).

    .. math:: L = \\max\\big(0,\\; d(a, p) - d(a, n) + m\\big)

    Zero once the negative is at least ``margin`` further from the anchor than
    the positive :cite:p:`hoffer2015deep,schroff2015facenet`.

    Parameters
    ----------
    anchor, positive, negative : tensor, shape ``(batch, dim)``
        Embeddings.
    margin : float
        Required gap between the two distances (> 0).
    squared : bool
        Use squared Euclidean distances for both (FaceNet) instead of plain
        ones; never mix the two.

    Returns
    -------
    tensor, shape ``(batch,)``

    Raises
    ------
    ValueError
        If ``margin`` is not positive.

    Examples
    --------
    >>> import numpy as np
    >>> a, p, n = np.array([[0., 0.]]), np.array([[0., 1.]]), np.array([[0., 1.1]])
    >>> np.asarray(triplet_loss(a, p, n, margin=0.2)).round(6).tolist()
    [0.1]
    """
    if not margin > 0:
        raise ValueError(f"margin must be positive, got {margin}")
    d_pos = euclidean_distance(anchor, positive, squared)
    d_neg = euclidean_distance(anchor, negative, squared)
    return ops.relu(d_pos - d_neg + margin)


class TripletLoss(keras.losses.Loss):
    """:func:`triplet_loss` as a Keras loss for :func:`triplet_network`'s output.

    ``y_pred`` has shape ``(batch, 3, dim)``: anchor, positive and negative
    embeddings; ``y_true`` is ignored (pass zeros).

    Parameters
    ----------
    margin : float
    squared : bool
    """

    def __init__(self, margin=0.2, squared=False, name="triplet_loss", **kwargs):
        super().__init__(name=name, **kwargs)
        if not margin > 0:
            raise ValueError(f"margin must be positive, got {margin}")
        self.margin, self.squared = float(margin), bool(squared)

    def call(self, y_true, y_pred):
        return triplet_loss(y_pred[:, 0], y_pred[:, 1], y_pred[:, 2], self.margin, self.squared)

    def get_config(self):
        return {**super().get_config(), "margin": self.margin, "squared": self.squared}


def active_fraction(margin=0.2, squared=False):
    """A Keras metric: the fraction of triplets whose :func:`triplet_loss` is above zero.

    Such an *active* triplet still violates the margin and so carries a
    gradient; the others teach nothing :cite:p:`schroff2015facenet`. Passed to
    ``compile(metrics=...)`` of a :func:`triplet_network`, it is measured on the
    forward pass of each training step, before that step's update, and
    averaged over the epoch, so it costs no extra pass over the triplets.

    Parameters
    ----------
    margin : float
    squared : bool
        As in :func:`triplet_loss`.

    Returns
    -------
    keras.metrics.Metric
        Named ``"active"``; ``y_pred`` of shape ``(batch, 3, dim)``, ``y_true`` ignored.
    """

    def active(y_true, y_pred):
        loss = triplet_loss(y_pred[:, 0], y_pred[:, 1], y_pred[:, 2], margin, squared)
        return ops.cast(loss > 0, "float32")

    return keras.metrics.MeanMetricWrapper(active, name="active")


def embedding_cnn(n_frames, n_bands, dim=16, filters=16, time_kernel=(24, 3), freq_kernel=(3, 24), dense_units=64,
                  normalization=None):
    """The branch of a Siamese network: a parallel time/frequency CNN to a unit-norm embedding.

    The convolutional part is that of :func:`mirlib.nn.parallel_cnn`
    (Pons et al.; Lidy & Schindler, MIREX 2016): a temporal branch with
    horizontal filters pooled across frequency, a spectral branch with
    vertical filters pooled across time. A dense layer and a linear projection
    to ``dim`` values follow, and the embedding is divided by its length, so
    that every excerpt lies on the unit sphere and distances lie in [0, 2]
    :cite:p:`pons2016experimenting,lidy2016parallel,schroff2015facenet`.

    Parameters
    ----------
    n_frames, n_bands : int
        Input size, time first.
    dim : int
        Embedding dimension.
    filters : int
        Filters per branch.
    time_kernel, freq_kernel : tuple of int
        Filter sizes ``(frames, bands)``.
    dense_units : int
        Units of the hidden dense layer.
    normalization : keras.layers.Normalization or None
        Adapted per-band input normalisation to put first.

    Returns
    -------
    keras.Model
        Input ``(batch, n_frames, n_bands)``, output ``(batch, dim)`` with
        unit Euclidean norm; the last layer is named ``"embedding"``.

    Raises
    ------
    ValueError
        If a kernel does not fit the input or ``dim < 1``.

    Examples
    --------
    >>> model = embedding_cnn(128, 40, dim=8)
    >>> model.output_shape
    (None, 8)
    """
    if dim < 1:
        raise ValueError(f"dim must be at least 1, got {dim}")
    inp, x = time_frequency_branches(n_frames, n_bands, filters, time_kernel, freq_kernel, normalization)
    x = layers.Dense(dense_units, activation="relu", name="hidden")(x)
    x = layers.Dense(dim, name="projection")(x)
    out = layers.UnitNormalization(name="embedding")(x)
    return keras.Model(inp, out, name="embedding_cnn")


def triplet_network(branch):
    """Three copies of one branch with shared weights: the triplet network.

    Parameters
    ----------
    branch : keras.Model
        Input ``(batch, *shape)``, output ``(batch, dim)`` (e.g. :func:`embedding_cnn`).

    Returns
    -------
    keras.Model
        Inputs ``[anchor, positive, negative]``, each ``(batch, *shape)``;
        output ``(batch, 3, dim)``, the three embeddings, for :class:`TripletLoss`.
        Training it trains ``branch`` (the same layer objects).

    Examples
    --------
    >>> net = triplet_network(embedding_cnn(128, 40, dim=8))
    >>> net.output_shape
    (None, 3, 8)
    """
    shape = tuple(branch.input_shape[1:])
    inputs = [keras.Input(shape, name=n) for n in ("anchor", "positive", "negative")]
    embeddings = [layers.Reshape((1, branch.output_shape[-1]))(branch(x)) for x in inputs]
    out = layers.Concatenate(axis=1, name="triplet")(embeddings)
    return keras.Model(inputs, out, name="triplet_network")


def train_triplets(branch, sample, *, epochs=10, batch_size=32, learning_rate=1e-3, margin=0.2, squared=False,
                   seed=0, verbose=0):
    """Train a branch as a triplet network, drawing new triplets before every epoch.

    Parameters
    ----------
    branch : keras.Model or callable
        The embedding network (input ``(batch, *shape)``, output
        ``(batch, dim)``), or a function without arguments that builds it
        (called after seeding, so that the initial weights depend on ``seed``).
    sample : callable
        ``sample(epoch, branch)`` -> ``(anchors, positives, negatives)``, three
        arrays of shape ``(n_triplets, *shape)``. It gets the current branch, so
        that it can choose negatives by their current distance (semi-hard
        negatives, :cite:p:`schroff2015facenet`).
    epochs, batch_size : int
    learning_rate : float
        Step size of Adam.
    margin : float
        Margin of :func:`triplet_loss`.
    squared : bool
        Squared distances in the loss.
    seed : int
        Seed of initialisation and batch order.
    verbose : int
        0 silent, 2 one line per epoch.

    Returns
    -------
    mirlib.nn.History
        ``"loss"`` per epoch, ``"active"`` (fraction of each epoch's triplets
        that violated the margin when the network trained on them, i.e. that
        carried a gradient: :func:`active_fraction`), ``"seconds"``; the
        trained branch as ``.model``.

    Raises
    ------
    ValueError
        If ``sample`` returns arrays of different lengths, no triplet, or NaN.
    """
    import time

    import numpy as np

    from .layers import check_inputs
    from .training import History

    keras.utils.set_random_seed(seed)
    if not isinstance(branch, keras.Model):
        branch = branch()
    net = triplet_network(branch)
    net.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=TripletLoss(margin, squared),
                metrics=[active_fraction(margin, squared)])
    history = History(loss=[], active=[])
    start = time.perf_counter()
    for epoch in range(epochs):
        triplet = [check_inputs(x, name) for x, name in zip(sample(epoch, branch), ("anchors", "positives", "negatives"))]
        if not len({len(x) for x in triplet}) == 1:
            raise ValueError(f"sample returned {[len(x) for x in triplet]} anchors, positives and negatives")
        fit = net.fit(triplet, np.zeros(len(triplet[0]), dtype="float32"), batch_size=batch_size, epochs=1,
                      shuffle=True, verbose=0)
        history["loss"].append(float(fit.history["loss"][-1]))
        history["active"].append(float(fit.history["active"][-1]))
        if verbose:
            print(f"epoch {epoch + 1}/{epochs}: loss {history['loss'][-1]:.4f}, "
                  f"active triplets {history['active'][-1]:.2f}")
    history["seconds"] = time.perf_counter() - start
    history.model = branch
    return history
