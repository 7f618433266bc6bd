"""Pairs and triplets for metric learning, drawn from labels or from a similarity.

A Siamese network learns from *pairs* (similar or not) and a triplet network
from *triplets* (anchor, positive, negative) :cite:p:`hadsell2006dimensionality,hoffer2015deep`.
What counts as similar is a choice:

* same label (genre, style): :func:`sample_pairs`, :func:`sample_triplets`
  (tutorial Example 5);
* a graded similarity, e.g. of tags weighted by TF-IDF
  (:func:`tag_similarity`): positives from the most similar items, negatives
  from the least similar ones (:func:`triplets_from_similarity`, Example 6).

Random negatives are soon too easy (the loss is already zero for them);
**semi-hard** negatives -- further from the anchor than the positive, but
within the margin -- keep the loss informative :cite:p:`schroff2015facenet`
(:func:`semi_hard_negatives`).

All indices refer to *items* (pieces). Never draw an item of the test set:
pass only training items (and keep the excerpts of a piece together).
"""

from __future__ import annotations

import numpy as np

__all__ = ["sample_pairs", "sample_triplets", "semi_hard_negatives", "tag_similarity", "triplets_from_similarity"]


def _rng(rng):
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _check_labels(labels):
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) < 2:
        raise ValueError(f"labels must be 1-D with at least two items, got shape {labels.shape}")
    values, counts = np.unique(labels, return_counts=True)
    if len(values) < 2:
        raise ValueError("need at least two different labels to draw negatives")
    if counts.max() < 2:
        raise ValueError("no label has two items: no positive pair can be drawn")
    return labels


def sample_triplets(labels, n, rng=None):
    """Draw ``n`` triplets of item indices: the positive shares the anchor's label, the negative does not.

    Anchors are drawn uniformly among the items whose label has at least two
    items; the positive is never the anchor itself.

    Parameters
    ----------
    labels : np.ndarray, shape ``(n_items,)``
        Class of every item.
    n : int
        Number of triplets.
    rng : np.random.Generator or int or None

    Returns
    -------
    np.ndarray of int, shape ``(n, 3)``
        Columns anchor, positive, negative.

    Raises
    ------
    ValueError
        If fewer than two labels occur, or no label has two items.

    Examples
    --------
    >>> t = sample_triplets(np.array([0, 0, 1, 1]), 5, rng=0)
    >>> t.shape, bool(np.all(t[:, 0] != t[:, 1]))
    ((5, 3), True)
    """
    labels = _check_labels(labels)
    rng = _rng(rng)
    values, counts = np.unique(labels, return_counts=True)
    anchors_from = np.flatnonzero(np.isin(labels, values[counts >= 2]))
    out = np.empty((n, 3), dtype=int)
    for i, a in enumerate(rng.choice(anchors_from, size=n)):
        same = np.flatnonzero(labels == labels[a])
        out[i] = a, rng.choice(same[same != a]), rng.choice(np.flatnonzero(labels != labels[a]))
    return out


def sample_pairs(labels, n, rng=None):
    """Draw ``n`` pairs for the contrastive loss, half similar (same label), half dissimilar.

    Parameters
    ----------
    labels : np.ndarray, shape ``(n_items,)``
    n : int
    rng : np.random.Generator or int or None

    Returns
    -------
    pairs : np.ndarray of int, shape ``(n, 2)``
    same : np.ndarray of int, shape ``(n,)``
        1 for a pair with the same label, 0 otherwise (as :func:`mirlib.nn.contrastive_loss` expects).

    Raises
    ------
    ValueError
        As :func:`sample_triplets`.
    """
    triplets = sample_triplets(labels, n, rng)
    same = np.arange(n) % 2 == 0
    pairs = np.where(same[:, None], triplets[:, [0, 1]], triplets[:, [0, 2]])
    return pairs, same.astype(int)


def semi_hard_negatives(embeddings, anchors, positives, labels, margin, rng=None):
    """Choose a semi-hard negative for every (anchor, positive) pair (Schroff et al., CVPR 2015).

    A semi-hard negative has another label and lies further from the anchor
    than the positive, but by less than the margin:
    ``d(a, p) < d(a, n) < d(a, p) + margin``. Where there is none, the nearest
    negative beyond ``d(a, p)`` is taken, and where all negatives are nearer
    than the positive, a random one (the hardest would be mostly label noise
    or collapse the embedding early) :cite:p:`schroff2015facenet`.

    Parameters
    ----------
    embeddings : np.ndarray, shape ``(n_items, dim)``
        Current embeddings of all items.
    anchors, positives : np.ndarray of int, shape ``(n,)``
    labels : np.ndarray, shape ``(n_items,)``
    margin : float
    rng : np.random.Generator or int or None

    Returns
    -------
    np.ndarray of int, shape ``(n,)``
        Negative item indices.

    Raises
    ------
    ValueError
        For mismatched shapes or non-finite embeddings.
    """
    E = np.asarray(embeddings, dtype=float)
    labels = _check_labels(labels)
    anchors, positives = np.asarray(anchors), np.asarray(positives)
    if E.ndim != 2 or len(E) != len(labels) or anchors.shape != positives.shape:
        raise ValueError(f"need embeddings (n_items, dim) with one label per item and as many anchors as positives, "
                         f"got {E.shape}, {labels.shape}, {anchors.shape}, {positives.shape}")
    if not np.all(np.isfinite(E)):
        raise ValueError("embeddings contain NaN or infinite values")
    rng = _rng(rng)
    out = np.empty(len(anchors), dtype=int)
    for i, (a, p) in enumerate(zip(anchors, positives)):
        d = np.linalg.norm(E - E[a], axis=1)
        negative = labels != labels[a]
        semi = np.flatnonzero(negative & (d > d[p]) & (d < d[p] + margin))
        if len(semi):
            out[i] = rng.choice(semi)
            continue
        beyond = np.flatnonzero(negative & (d > d[p]))
        out[i] = beyond[np.argmin(d[beyond])] if len(beyond) else rng.choice(np.flatnonzero(negative))
    return out


def tag_similarity(tags):
    """Track-to-track similarity of multi-label tags: Jaccard with TF-IDF weights.

    Each tag is weighted by its inverse document frequency
    :math:`w_t = \\log(N / n_t)` (:math:`n_t` items of :math:`N` have it), so
    that a rare tag shared means more than a common one
    :cite:p:`manning2008introduction`; the similarity of two items is the
    weighted Jaccard index

    .. math:: s(i, j) = \\frac{\\sum_t w_t \\min(x_{it}, x_{jt})}{\\sum_t w_t \\max(x_{it}, x_{jt})}.

    Two items without any (weighted) tag are similar (1), an item with tags
    and one without are not (0). A tag that every item has weighs 0.

    Parameters
    ----------
    tags : np.ndarray, shape ``(n_items, n_tags)``
        0/1 (or non-negative) tag matrix.

    Returns
    -------
    np.ndarray, shape ``(n_items, n_items)``
        Symmetric, in [0, 1], ones on the diagonal.

    Raises
    ------
    ValueError
        For a matrix that is not 2-D, negative or not finite.

    Examples
    --------
    >>> tag_similarity(np.array([[1, 0], [1, 1], [0, 1]])).round(2)
    array([[1. , 0.5, 0. ],
           [0.5, 1. , 0.5],
           [0. , 0.5, 1. ]])
    """
    X = np.asarray(tags, dtype=float)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"tags must be a non-empty 2-D matrix (n_items, n_tags), got shape {X.shape}")
    if not np.all(np.isfinite(X)) or (X < 0).any():
        raise ValueError("tags must be finite and non-negative")
    df = (X > 0).sum(0)
    w = np.where(df > 0, np.log(len(X) / np.maximum(df, 1)), 0.0)
    Xw = X * w
    num = np.minimum(Xw[:, None, :], Xw[None, :, :]).sum(-1)
    den = np.maximum(Xw[:, None, :], Xw[None, :, :]).sum(-1)
    S = np.divide(num, den, out=np.ones_like(num), where=den > 0)
    return S


def triplets_from_similarity(similarity, n, rng=None, positives=0.1, negatives=0.5):
    """Draw triplets from a graded similarity (tutorial Example 6).

    For a random anchor, the positive is drawn among the ``positives``
    fraction of other items most similar to it and the negative among the
    ``negatives`` fraction least similar; the negative is always strictly less
    similar than the positive.

    Parameters
    ----------
    similarity : np.ndarray, shape ``(n_items, n_items)``
        E.g. :func:`tag_similarity`.
    n : int
        Number of triplets.
    rng : np.random.Generator or int or None
    positives, negatives : float
        Fractions (0, 1) of the other items to draw positives and negatives from.

    Returns
    -------
    np.ndarray of int, shape ``(n, 3)``

    Raises
    ------
    ValueError
        For a matrix that is not square, fractions outside (0, 1), or a
        similarity so flat that no anchor has a negative less similar than a
        positive. (Anchors without such a pair are not drawn.)
    """
    S = np.asarray(similarity, dtype=float)
    if S.ndim != 2 or S.shape[0] != S.shape[1] or len(S) < 3:
        raise ValueError(f"similarity must be a square matrix of at least 3 items, got shape {S.shape}")
    if not (0 < positives < 1 and 0 < negatives < 1):
        raise ValueError(f"positives and negatives must be fractions in (0, 1), got {positives}, {negatives}")
    rng = _rng(rng)
    m = len(S) - 1
    n_pos, n_neg = max(1, int(round(positives * m))), max(1, int(round(negatives * m)))
    choices = {}
    for a in range(len(S)):
        others = np.delete(np.arange(len(S)), a)
        order = others[np.argsort(-S[a, others], kind="stable")]
        top, bottom = order[:n_pos], order[-n_neg:]
        top = top[S[a, top] > S[a, bottom].min()]
        if len(top):
            choices[a] = top, bottom
    if not choices:
        raise ValueError("no item has a negative less similar than a positive: the similarity is constant")
    anchors = np.array(sorted(choices))
    out = np.empty((n, 3), dtype=int)
    for i, a in enumerate(rng.choice(anchors, size=n)):
        top, bottom = choices[a]
        p = rng.choice(top)
        out[i] = a, p, rng.choice(bottom[S[a, bottom] < S[a, p]])
    return out
