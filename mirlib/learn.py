"""Training helpers shared by the classification chapters and exercises.

Small wrappers around Keras 3 that make the chapters short and the training
runs reproducible: input normalisation with training-set statistics
(:func:`normalization`), class weights against imbalance
(:func:`balanced_class_weight`), one call that compiles and trains with a seed
(:func:`fit`), TensorBoard logs written without TensorFlow
(:func:`tensorboard_callback`, read back by :func:`read_tensorboard`), training
curves (:func:`plot_history`) and a confusion matrix (:func:`confusion_matrix`).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from ._compat import import_keras

__all__ = ["normalization", "balanced_class_weight", "loss_for", "fit", "predict", "tensorboard_callback",
           "read_tensorboard", "plot_history", "confusion_matrix", "accuracy"]


def _check_inputs(X, name="X"):
    X = np.asarray(X, dtype=np.float32)
    if X.ndim < 2 or len(X) == 0:
        raise ValueError(f"{name} must hold at least one example, shape (n_examples, ...); got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return X


def normalization(X, axis=-1):
    """A Keras ``Normalization`` layer adapted to training data.

    Standardise every feature (by default every mel band, the last axis) with
    the mean and variance of the *training* examples only; the statistics are
    stored in the model, so test data and the command line use the same ones.

    Parameters
    ----------
    X : np.ndarray, shape ``(n_examples, ...)``
        Training inputs, e.g. ``(n_examples, n_frames, n_bands)``.
    axis : int
        Axis whose entries get their own statistics.

    Returns
    -------
    keras.layers.Normalization

    Raises
    ------
    ValueError
        For empty input or NaN.
    """
    keras = import_keras()
    X = _check_inputs(X)
    layer = keras.layers.Normalization(axis=axis, name="normalization")
    layer.adapt(X)
    return layer


def balanced_class_weight(y):
    """Class weights ``n / (n_classes * n_c)`` that make every class count equally.

    Parameters
    ----------
    y : array of int, shape ``(n_examples,)``
        Class indices.

    Returns
    -------
    dict
        Class index -> weight, for ``keras.Model.fit(class_weight=...)``.

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


def loss_for(model, multi_label=False):
    """The loss that matches a model's output layer.

    One sigmoid unit: binary cross-entropy; several sigmoid units
    (``multi_label=True``): binary cross-entropy per output; softmax: sparse
    categorical cross-entropy on integer labels.

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
    if n_out == 1 or multi_label:
        return "binary_crossentropy"
    return "sparse_categorical_crossentropy"


def fit(model, X, y, *, epochs=10, batch_size=32, learning_rate=1e-3, optimizer="adam", class_weight=None,
        validation_data=None, multi_label=False, seed=0, callbacks=(), log_dir=None, verbose=0):
    """Compile and train a classifier reproducibly; return its history.

    Parameters
    ----------
    model : keras.Model
        An uncompiled (or compiled) model; it is (re)compiled here.
    X : np.ndarray, shape ``(n_examples, ...)``
        Inputs.
    y : np.ndarray, shape ``(n_examples,)`` or ``(n_examples, n_outputs)``
        Integer class labels, or 0/1 targets for sigmoid outputs.
    epochs, batch_size : int
        Passes over the data and examples per gradient step.
    learning_rate : float
        Step size of the optimiser.
    optimizer : {"adam", "sgd"}
        Adam :cite:p:`kingma2015adam` or plain stochastic gradient descent.
    class_weight : dict or None
        Per-class loss weights (see :func:`balanced_class_weight`).
    validation_data : tuple or None
        ``(X_val, y_val)`` evaluated after every epoch.
    multi_label : bool
        Several independent sigmoid outputs (tagging).
    seed : int
        Seed of weight initialisation, dropout and batch order.
    callbacks : sequence
        Extra Keras callbacks.
    log_dir : str or Path or None
        Write TensorBoard logs there (see :func:`tensorboard_callback`).
    verbose : int
        Keras verbosity.

    Returns
    -------
    dict
        Per-epoch ``"loss"``, ``"accuracy"`` (and ``"val_..."``) lists, and
        ``"seconds"`` of training.

    Raises
    ------
    ValueError
        For empty inputs, NaN, mismatched lengths or an unknown optimiser.
    """
    keras = import_keras()
    X = _check_inputs(X)
    y = np.asarray(y)
    if len(y) != len(X):
        raise ValueError(f"{len(X)} inputs but {len(y)} labels")
    optimizers = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD}
    if optimizer not in optimizers:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {sorted(optimizers)}")
    keras.utils.set_random_seed(seed)
    loss = loss_for(model, multi_label)
    metrics = ["binary_accuracy" if multi_label else "accuracy"]
    model.compile(optimizer=optimizers[optimizer](learning_rate), loss=loss, metrics=metrics)
    callbacks = list(callbacks)
    if log_dir is not None:
        callbacks.append(tensorboard_callback(log_dir))
    if validation_data is not None:
        validation_data = (_check_inputs(validation_data[0], "validation inputs"), np.asarray(validation_data[1]))
    start = time.perf_counter()
    hist = model.fit(X, y, epochs=epochs, batch_size=batch_size, class_weight=class_weight,
                     validation_data=validation_data, shuffle=True, callbacks=callbacks, verbose=verbose)
    history = {k.replace("binary_accuracy", "accuracy"): [float(v) for v in vals] for k, vals in hist.history.items()}
    history["seconds"] = time.perf_counter() - start
    return history


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
    return np.asarray(model.predict(_check_inputs(X), batch_size=batch_size, verbose=0))


def tensorboard_callback(log_dir):
    """Keras callback writing per-epoch metrics as TensorBoard event files.

    Keras' own ``TensorBoard`` callback needs TensorFlow, which the book does
    not install; this one writes the same scalars (loss, accuracy, validation
    metrics, learning rate) with tensorboardX. Watch training live with
    ``tensorboard --logdir LOG_DIR`` (on the hub: the TensorBoard launcher).

    Parameters
    ----------
    log_dir : str or Path
        Folder of the run's event files (created).

    Returns
    -------
    keras.callbacks.Callback
    """
    keras = import_keras()
    from tensorboardX import SummaryWriter

    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)

    class TensorBoardLogger(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.writer = SummaryWriter(str(log_dir))

        def on_epoch_end(self, epoch, logs=None):
            for key, value in (logs or {}).items():
                group = "validation" if key.startswith("val_") else "train"
                self.writer.add_scalar(f"{key.removeprefix('val_')}/{group}", float(value), epoch + 1)
            self.writer.add_scalar("learning_rate", float(np.asarray(self.model.optimizer.learning_rate)), epoch + 1)
            self.writer.flush()

        def on_train_end(self, logs=None):
            self.writer.close()

    return TensorBoardLogger()


def read_tensorboard(log_dir):
    """Read the scalars of TensorBoard event files back into a table.

    Parameters
    ----------
    log_dir : str or Path
        A folder with event files (searched recursively).

    Returns
    -------
    pandas.DataFrame
        Columns ``run`` (sub-folder), ``tag``, ``step``, ``value``.

    Raises
    ------
    FileNotFoundError
        If the folder holds no event files.
    """
    import pandas as pd
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    log_dir = Path(log_dir)
    files = sorted(log_dir.rglob("events.out.tfevents.*"))
    if not files:
        raise FileNotFoundError(f"no TensorBoard event files under {log_dir}")
    rows = []
    for run in sorted({f.parent for f in files}):
        acc = EventAccumulator(str(run))
        acc.Reload()
        for tag in acc.Tags()["scalars"]:
            for event in acc.Scalars(tag):
                rows.append((str(run.relative_to(log_dir)), tag, event.step, event.value))
    return pd.DataFrame(rows, columns=["run", "tag", "step", "value"])


def plot_history(histories, metrics=("loss", "accuracy"), title=None):
    """Training curves of one or several runs, training solid and validation dashed.

    Parameters
    ----------
    histories : dict
        Run name -> history as returned by :func:`fit`.
    metrics : sequence of str
        One panel per metric.
    title : str or None
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(metrics), figsize=(4.5 * len(metrics), 3.2), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        for i, (name, hist) in enumerate(histories.items()):
            color = f"C{i}"
            if metric in hist:
                ax.plot(np.arange(1, len(hist[metric]) + 1), hist[metric], color=color, label=f"{name} (training)")
            if f"val_{metric}" in hist:
                ax.plot(np.arange(1, len(hist[f"val_{metric}"]) + 1), hist[f"val_{metric}"], "--", color=color,
                        label=f"{name} (validation)")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
    axes[0][-1].legend(fontsize="small")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def accuracy(y_true, y_pred):
    """Fraction of correct labels.

    Parameters
    ----------
    y_true, y_pred : array of int or bool, shape ``(n_examples,)``
        True and predicted class indices.

    Returns
    -------
    float
        Accuracy between 0 and 1.

    Raises
    ------
    ValueError
        For empty or mismatched inputs.

    Examples
    --------
    >>> accuracy([0, 1, 1, 0], [0, 1, 0, 0])
    0.75
    """
    from sklearn.metrics import accuracy_score

    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    if len(y_true) == 0 or len(y_true) != len(y_pred):
        raise ValueError(f"need equally many true and predicted labels, got {len(y_true)} and {len(y_pred)}")
    return float(accuracy_score(y_true.astype(int), y_pred.astype(int)))


def confusion_matrix(y_true, y_pred, labels):
    """Confusion matrix as a table: rows true class, columns predicted class.

    Parameters
    ----------
    y_true, y_pred : array of int, shape ``(n_examples,)``
        Class indices.
    labels : sequence of str
        Class names in index order.

    Returns
    -------
    pandas.DataFrame
        Counts, shape ``(n_classes, n_classes)``.
    """
    import pandas as pd
    from sklearn.metrics import confusion_matrix as sk_confusion

    cm = sk_confusion(np.asarray(y_true).ravel(), np.asarray(y_pred).ravel(), labels=list(range(len(labels))))
    return pd.DataFrame(cm, index=pd.Index(labels, name="true"), columns=pd.Index(labels, name="predicted"))
