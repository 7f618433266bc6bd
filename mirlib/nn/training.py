"""One training path for every network of the book.

:func:`train` compiles and fits any of the book's networks, classifiers and
sequence models alike: an explicit or inferred loss, sample weights (masks of
padded sequences), class weights against imbalance, validation data, a seed
set *before* the network is built (pass a builder) so that initial weights,
dropout and batch order are reproducible, TensorBoard logs
(``keras.callbacks.TensorBoard``) and Keras' progress bar. Sequences of
different lengths are padded by :func:`pad_sequences`; :func:`predict` and
:func:`predict_sequence` run a trained network without Keras' progress bar.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

__all__ = ["train", "History", "loss_for", "balanced_class_weight", "pad_sequences", "predict", "SEQUENCE_MULTIPLE",
           "predict_sequence", "check_inputs", "count_params", "tensorboard_callback", "read_tensorboard"]


def check_inputs(X, name="X"):
    """Network inputs as float32, checked: at least one example, no NaN.

    Parameters
    ----------
    X : array_like, shape ``(n_examples, ...)``
    name : str
        What to call the array in error messages.

    Returns
    -------
    np.ndarray, float32

    Raises
    ------
    ValueError
        For an empty array, one of fewer than two dimensions, or NaN or
        infinite values.
    """
    X = np.asarray(X, dtype=np.float32)
    if X.ndim < 2 or len(X) == 0:
        raise ValueError(f"{name} must hold at least one example, shape (n_examples, ...); got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return X


class History(dict):
    """Per-epoch metrics of a training run, a dict, with the trained model.

    Keys ``"loss"``, ``"accuracy"`` (and ``"val_..."``) hold one float per
    epoch, ``"seconds"`` the training time; :attr:`model` is the trained
    network (the one built from the builder, if :func:`train` was given one).
    """

    model = None


def loss_for(model, multi_label=False):
    """The loss that matches a model's output layer.

    One sigmoid unit, or several independent sigmoid units
    (``multi_label=True``, or a sequence model with an output per frame):
    binary cross-entropy; softmax: sparse categorical cross-entropy on integer
    labels.

    Parameters
    ----------
    model : keras.Model
    multi_label : bool

    Returns
    -------
    str
        A Keras loss name.
    """
    n_out = model.output_shape[-1]
    if n_out == 1 or multi_label or len(model.output_shape) > 2:
        return "binary_crossentropy"
    return "sparse_categorical_crossentropy"


def balanced_class_weight(y):
    """Class weights ``n / (n_classes * n_c)`` that make every class count equally.

    Parameters
    ----------
    y : array of int, shape ``(n_examples,)``
        Class indices.

    Returns
    -------
    dict
        Class index -> weight, for :func:`train` (``class_weight=...``).

    Raises
    ------
    ValueError
        If ``y`` is empty.

    Examples
    --------
    >>> balanced_class_weight([0, 0, 0, 1])
    {0: 0.6666666666666666, 1: 2.0}
    """
    from sklearn.utils.class_weight import compute_class_weight

    y = np.asarray(y).astype(int).ravel()
    if len(y) == 0:
        raise ValueError("no labels given")
    classes = np.unique(y)
    weights = compute_class_weight("balanced", classes=classes, y=y)
    return {int(c): float(w) for c, w in zip(classes, weights)}


def train(model, X, y, *, loss=None, sample_weight=None, class_weight=None, epochs=10, batch_size=32,
          learning_rate=1e-3, optimizer="adam", validation_data=None, multi_label=False, metrics="auto", seed=0,
          callbacks=(), log_dir=None, verbose=0):
    """Compile and train a network reproducibly; return its history.

    Parameters
    ----------
    model : keras.Model or callable
        The network, or a function without arguments that builds it. A
        builder is called after seeding, so that the initial weights depend
        on ``seed`` alone; an existing model keeps the weights it was built with.
    X : np.ndarray, shape ``(n_examples, ...)``
        Inputs, e.g. ``(n_examples, n_frames, n_bands)``.
    y : np.ndarray, shape ``(n_examples,)``, ``(n_examples, n_outputs)`` or ``(n_examples, n_frames, n_outputs)``
        Integer class labels, or 0/1 targets of sigmoid outputs (per frame for
        sequence models).
    loss : str or None
        Keras loss; None chooses it from the output layer (:func:`loss_for`).
    sample_weight : np.ndarray or None
        Weight of every example, or of every frame, shape ``(n_examples, n_frames)``:
        0 masks the padding of :func:`pad_sequences`.
    class_weight : dict or None
        Per-class loss weights (see :func:`balanced_class_weight`).
    epochs, batch_size : int
        Passes over the data and examples per gradient step.
    learning_rate : float
        Step size of the optimiser.
    optimizer : {"adam", "sgd"}
        Adam :cite:p:`kingma2015adam` or plain stochastic gradient descent.
    validation_data : tuple or None
        ``(X_val, y_val)`` evaluated after every epoch.
    multi_label : bool
        Several independent sigmoid outputs (tagging).
    metrics : "auto" or list
        ``"auto"``: accuracy for classifiers, none for sequence models.
    seed : int
        Seed of weight initialisation (with a builder), dropout and batch order.
    callbacks : sequence
        Extra Keras callbacks.
    log_dir : str or Path or None
        Write TensorBoard logs there (see :func:`tensorboard_callback`).
    verbose : int
        Keras verbosity: 0 silent, 1 progress bar, 2 one line per epoch.

    Returns
    -------
    History
        Per-epoch ``"loss"``, ``"accuracy"`` (and ``"val_..."``) lists,
        ``"seconds"`` of training, and the trained network as ``.model``.

    Raises
    ------
    ValueError
        For empty inputs, NaN, mismatched lengths or an unknown optimiser.

    Examples
    --------
    >>> from mirlib.nn import mlp
    >>> X = np.random.default_rng(0).standard_normal((64, 2)); y = (X[:, 0] > 0).astype(int)
    >>> history = train(lambda: mlp(2, 2, hidden=(8,)), X, y, epochs=30, learning_rate=0.05)
    >>> history["accuracy"][-1] > 0.9, history.model.output_shape
    (True, (None, 1))
    """
    from .backend import keras

    X = check_inputs(X)
    y = np.asarray(y)
    if len(y) != len(X):
        raise ValueError(f"{len(X)} inputs but {len(y)} labels")
    if sample_weight is not None and len(sample_weight) != len(X):
        raise ValueError(f"{len(X)} inputs but {len(sample_weight)} sample weights")
    optimizers = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD}
    if optimizer not in optimizers:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {sorted(optimizers)}")
    keras.utils.set_random_seed(seed)
    if not isinstance(model, keras.Model):
        model = model()
    loss = loss_for(model, multi_label) if loss is None else loss
    if metrics == "auto":
        sequence = len(model.output_shape) > 2
        metrics = [] if sequence else ["binary_accuracy" if multi_label else "accuracy"]
    model.compile(optimizer=optimizers[optimizer](learning_rate), loss=loss, metrics=list(metrics))
    callbacks = list(callbacks)
    if log_dir is not None:
        callbacks.append(tensorboard_callback(log_dir))
    if validation_data is not None:
        validation_data = (check_inputs(validation_data[0], "validation inputs"), np.asarray(validation_data[1]))
    start = time.perf_counter()
    hist = model.fit(X, y, sample_weight=sample_weight, epochs=epochs, batch_size=batch_size,
                     class_weight=class_weight, validation_data=validation_data, shuffle=True, callbacks=callbacks,
                     verbose=verbose)
    history = History({k.replace("binary_accuracy", "accuracy"): [float(v) for v in vals]
                       for k, vals in hist.history.items()})
    history["seconds"] = time.perf_counter() - start
    history.model = model
    return history


def pad_sequences(xs, ys=None):
    """Pad sequences of different lengths to one batch, with a mask.

    Parameters
    ----------
    xs : list of np.ndarray, each ``(n_frames_i, ...)``
        Inputs, time first.
    ys : list of np.ndarray, each ``(n_frames_i,)`` or ``(n_frames_i, n_outputs)``, or None
        Frame-wise targets.

    Returns
    -------
    X : np.ndarray, float32, shape ``(n_sequences, n_frames, ...)``
        Zero-padded at the end.
    Y : np.ndarray, float32, shape ``(n_sequences, n_frames, n_outputs)``
        Zero-padded targets (only if ``ys`` is given).
    W : np.ndarray, float32, shape ``(n_sequences, n_frames)``
        1 on real frames, 0 on padding: the ``sample_weight`` of :func:`train`.

    Raises
    ------
    ValueError
        For no sequences, or inputs and targets of different lengths.

    Examples
    --------
    >>> X, Y, W = pad_sequences([np.ones((2, 3)), np.ones((4, 3))], [np.ones(2), np.ones(4)])
    >>> X.shape, Y.shape, W.tolist()
    ((2, 4, 3), (2, 4, 1), [[1.0, 1.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
    """
    if len(xs) == 0:
        raise ValueError("no sequences given")
    n = max(len(x) for x in xs)
    X = np.zeros((len(xs), n) + np.shape(xs[0])[1:], dtype=np.float32)
    W = np.zeros((len(xs), n), dtype=np.float32)
    for i, x in enumerate(xs):
        X[i, :len(x)] = x
        W[i, :len(x)] = 1.0
    if ys is None:
        return X, W
    if len(ys) != len(xs) or any(len(t) != len(x) for x, t in zip(xs, ys)):
        raise ValueError("every target must have as many frames as its input")
    n_out = 1 if np.ndim(ys[0]) == 1 else np.shape(ys[0])[1]
    Y = np.zeros((len(xs), n, n_out), dtype=np.float32)
    for i, t in enumerate(ys):
        Y[i, :len(t)] = np.reshape(t, (len(t), n_out))
    return X, Y, W


#: Frames a sequence is padded to a multiple of, with silence, before a network sees it
#: (:func:`predict_sequence`): the backend compiles the network for a few lengths only.
SEQUENCE_MULTIPLE = 256


def predict(model, X, batch_size=256):
    """Model outputs without Keras' progress bar.

    Parameters
    ----------
    model : keras.Model
    X : np.ndarray, shape ``(n_examples, ...)``
    batch_size : int

    Returns
    -------
    np.ndarray, shape ``(n_examples, n_outputs)``

    Raises
    ------
    ValueError
        For empty input or NaN.
    """
    return np.asarray(model.predict(check_inputs(X), batch_size=batch_size, verbose=0))


def predict_sequence(model, x, multiple=SEQUENCE_MULTIPLE):
    """Frame-wise outputs of a sequence model for one sequence.

    The input is padded with zero features (silence) to a multiple of
    ``multiple`` frames, so that the backend compiles the network for a few
    input lengths instead of every one, and the padding is cut off again.

    Parameters
    ----------
    model : keras.Model
        A sequence model, output ``(batch, n_frames, n_outputs)``.
    x : np.ndarray, shape ``(n_frames, ...)``
        Features of one sequence, time first.
    multiple : int
        Pad to a multiple of this many frames.

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames, n_outputs)``

    Raises
    ------
    ValueError
        For empty features or NaN.
    """
    x = check_inputs(x, "features")
    n = len(x)
    padded = np.zeros((-(-n // multiple) * multiple,) + x.shape[1:], dtype=np.float32)
    padded[:n] = x
    out = model.predict(padded[None], verbose=0)
    return np.asarray(out[0, :n], dtype=np.float32)


def count_params(model):
    """Number of trainable parameters of a Keras model.

    Unlike :meth:`keras.Model.count_params`, the statistics of a
    Normalization layer (not trained) are not counted.

    Examples
    --------
    >>> from mirlib.nn import onset_rnn
    >>> count_params(onset_rnn(10, units=4, n_layers=1))
    489
    """
    return int(sum(int(np.prod(w.shape)) for w in model.trainable_weights))


def tensorboard_callback(log_dir):
    """Keras' TensorBoard callback, writing per-epoch metrics into ``log_dir``.

    ``keras.callbacks.TensorBoard`` writes the loss, the metrics and the
    learning rate of every epoch into ``log_dir/train`` and
    ``log_dir/validation``; watch a run live with ``tensorboard --logdir
    LOG_DIR`` (on the hub: the TensorBoard launcher) or read it back with
    :func:`read_tensorboard`. It needs TensorFlow installed (the book's
    environment has it), whichever Keras backend runs.

    Parameters
    ----------
    log_dir : str or Path
        Folder of the run's event files (created).

    Returns
    -------
    keras.callbacks.TensorBoard
    """
    from .backend import keras

    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    return keras.callbacks.TensorBoard(log_dir=str(log_dir), histogram_freq=0, write_graph=False,
                                       update_freq="epoch")


def read_tensorboard(log_dir):
    """Read the scalars of TensorBoard event files back into a table.

    Parameters
    ----------
    log_dir : str or Path
        A folder with event files (searched recursively).

    Returns
    -------
    pandas.DataFrame
        Columns ``run`` (sub-folder, e.g. ``train`` or ``validation``),
        ``tag`` (e.g. ``epoch_loss``), ``step`` (epoch, from 0), ``value``.

    Raises
    ------
    FileNotFoundError
        If the folder holds no event files.
    """
    import pandas as pd
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util.tensor_util import make_ndarray

    log_dir = Path(log_dir)
    files = sorted(log_dir.rglob("events.out.tfevents.*"))
    if not files:
        raise FileNotFoundError(f"no TensorBoard event files under {log_dir}")
    rows = []
    for run in sorted({f.parent for f in files}):
        acc = EventAccumulator(str(run), size_guidance={"tensors": 0, "scalars": 0})
        acc.Reload()
        name = str(run.relative_to(log_dir))
        for tag in acc.Tags()["scalars"]:
            rows += [(name, tag, e.step, float(e.value)) for e in acc.Scalars(tag)]
        for tag in acc.Tags()["tensors"]:   # TensorFlow 2 writes scalars as tensors
            rows += [(name, tag, e.step, float(make_ndarray(e.tensor_proto))) for e in acc.Tensors(tag)]
    return pd.DataFrame(rows, columns=["run", "tag", "step", "value"])
