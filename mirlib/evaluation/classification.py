"""Evaluation of classifiers and taggers: accuracy, confusion matrix, per-tag scores.

The metrics are scikit-learn's; these functions
check their input and return tables labelled as the chapters show them.
"""

from __future__ import annotations

import numpy as np

__all__ = ["accuracy", "confusion_matrix", "tag_scores", "calibration"]


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


def tag_scores(y_true, y_score, tags, threshold=0.5):
    """Per-tag scores of multi-label predictions (scikit-learn).

    ROC-AUC is the probability that a random positive example scores higher
    than a random negative one (0.5 = chance, whatever the tag's frequency);
    PR-AUC (average precision) summarises precision over all recall levels and
    does depend on how rare a tag is -- its chance level is the tag's frequency
    :cite:p:`davis2006relationship`. Both judge the ranking of scores; F, P and R
    judge the decisions at ``threshold``.

    Parameters
    ----------
    y_true : array of {0, 1}, shape ``(n_examples, n_tags)``
        Ground truth.
    y_score : array of float, shape ``(n_examples, n_tags)``
        Predicted probabilities (sigmoid outputs).
    tags : sequence of str
        Tag names, one per column.
    threshold : float or sequence of float
        Decision threshold, one for all tags or one per tag.

    Returns
    -------
    pandas.DataFrame
        One row per tag and a last row ``"mean"``: columns ``frequency``,
        ``ROC-AUC``, ``PR-AUC``, ``P``, ``R``, ``F``.

    Raises
    ------
    ValueError
        For mismatched shapes, NaN scores, labels other than 0/1, or a tag
        without both positive and negative examples (its AUCs are undefined).

    Examples
    --------
    >>> t = tag_scores([[1, 0], [0, 1], [1, 1], [0, 0]], [[0.9, 0.2], [0.1, 0.7], [0.8, 0.4], [0.3, 0.1]], ["a", "b"])
    >>> float(t.loc["a", "ROC-AUC"]), round(float(t.loc["b", "F"]), 3)
    (1.0, 0.667)
    """
    import pandas as pd
    from sklearn.metrics import average_precision_score, precision_recall_fscore_support, roc_auc_score

    y_true = np.asarray(y_true)
    y_score = np.asarray(y_score, dtype=float)
    if y_true.ndim != 2 or y_true.shape != y_score.shape or y_true.shape[1] != len(tags):
        raise ValueError(f"need (n_examples, {len(tags)}) labels and scores, got {y_true.shape} and {y_score.shape}")
    if not np.all(np.isfinite(y_score)):
        raise ValueError("scores contain NaN or infinite values")
    if not np.all(np.isin(y_true, (0, 1))):
        raise ValueError("labels must be 0 or 1")
    thresholds = np.broadcast_to(np.asarray(threshold, dtype=float), (len(tags),))
    rows = {}
    for j, tag in enumerate(tags):
        if y_true[:, j].min() == y_true[:, j].max():
            raise ValueError(f"tag {tag!r} has only {'positive' if y_true[0, j] else 'negative'} examples; "
                             "its AUCs are undefined")
        p, r, f, _ = precision_recall_fscore_support(y_true[:, j], y_score[:, j] >= thresholds[j], average="binary",
                                                     zero_division=0)
        rows[tag] = {"frequency": y_true[:, j].mean(), "ROC-AUC": roc_auc_score(y_true[:, j], y_score[:, j]),
                     "PR-AUC": average_precision_score(y_true[:, j], y_score[:, j]), "P": p, "R": r, "F": f}
    table = pd.DataFrame(rows).T
    table.loc["mean"] = table.mean()
    table.index.name = "tag"
    return table


def calibration(y_true, p, n_bins=10):
    """Reliability table and expected calibration error (ECE) of binary probabilities.

    The probabilities are grouped into ``n_bins`` equal-width bins; in each,
    the mean probability (the confidence the model states) is set against
    the share of positives (what happened). ECE is the mean absolute gap,
    each bin weighted by its share of the examples :cite:p:`guo2017calibration`;
    a calibrated model has ECE near 0. The curve itself comes from
    scikit-learn's :func:`sklearn.calibration.calibration_curve`.

    Parameters
    ----------
    y_true : array of {0, 1}, shape ``(n_examples,)``
        True class (1 = the class whose probability ``p`` is).
    p : array of float, shape ``(n_examples,)``
        Predicted probabilities of class 1, in [0, 1].
    n_bins : int
        Number of equal-width bins over [0, 1].

    Returns
    -------
    table : pandas.DataFrame
        One row per non-empty bin, indexed by its interval (``"0.9-1.0"``):
        ``examples``, ``mean probability`` and ``share positive``.
    ece : float
        Expected calibration error in [0, 1].

    Raises
    ------
    ValueError
        For mismatched lengths, no examples, labels other than 0/1, or
        probabilities outside [0, 1] or NaN.

    Examples
    --------
    >>> table, ece = calibration([0, 0, 1, 1], [0.1, 0.3, 0.7, 0.9], n_bins=2)
    >>> table["share positive"].tolist(), round(ece, 3)
    ([0.0, 1.0], 0.2)
    """
    import pandas as pd
    from sklearn.calibration import calibration_curve

    y_true, p = np.asarray(y_true).ravel(), np.asarray(p, dtype=float).ravel()
    if len(y_true) != len(p) or not len(p):
        raise ValueError(f"need as many labels as probabilities (at least one), got {len(y_true)} and {len(p)}")
    if not np.all(np.isin(y_true, (0, 1))):
        raise ValueError("labels must be 0 or 1")
    if not np.all(np.isfinite(p)) or p.min() < 0 or p.max() > 1:
        raise ValueError("probabilities must be finite and in [0, 1]")
    if n_bins < 1:
        raise ValueError(f"n_bins must be positive, got {n_bins}")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.searchsorted(edges[1:-1], p)   # as scikit-learn bins them
    counts = np.bincount(which, minlength=n_bins)
    share, mean_p = calibration_curve(y_true, p, n_bins=n_bins, strategy="uniform")
    used = np.flatnonzero(counts)
    table = pd.DataFrame({"examples": counts[used], "mean probability": mean_p, "share positive": share},
                         index=pd.Index([f"{edges[b]:.1f}-{edges[b + 1]:.1f}" for b in used], name="bin"))
    ece = float(np.sum(counts[used] / len(p) * np.abs(share - mean_p)))
    return table, ece
