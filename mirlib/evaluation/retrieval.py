"""Retrieval metrics: how well a ranking by distance puts the relevant items first.

For a query, the items of a collection are ranked by their distance to it;
``relevant`` marks the items that should come first (e.g. pieces of the
query's style). The measures are those of text and music retrieval
:cite:p:`manning2008introduction`:

* **precision@k**: the fraction of the first k items that are relevant;
* **recall@k**: the fraction of all relevant items among the first k;
* **average precision** (AP): the mean of the precision at the rank of every
  relevant item -- normalised by the number of relevant items, not by k;
  its mean over queries is the **mean average precision** (MAP).

**Ties** (items at exactly the same distance) are not broken by their order
in the collection, which would be arbitrary: precision@k and recall@k give
the expected value over all orders of the tied items, and average precision
treats a tied group as one threshold, as ``sklearn.metrics.average_precision_score``
does.
"""

from __future__ import annotations

import numpy as np

__all__ = ["relevance_map", "distance_matrix", "precision_at_k", "recall_at_k", "average_precision", "retrieval_scores"]


def _check_query(distances, relevant):
    d = np.asarray(distances, dtype=float)
    r = np.asarray(relevant)
    if d.ndim != 1 or r.shape != d.shape:
        raise ValueError(f"distances and relevant must be 1-D of the same length, got shapes {d.shape} and {r.shape}")
    if len(d) == 0:
        raise ValueError("the collection is empty")
    if not np.all(np.isfinite(d)):
        raise ValueError("distances contain NaN or infinite values")
    if r.dtype != bool and not np.isin(r, (0, 1)).all():
        raise ValueError("relevant must be boolean (or 0/1)")
    r = r.astype(bool)
    if not r.any():
        raise ValueError("the query has no relevant item in the collection: precision and recall are undefined")
    return d, r


def _hits_at_k(d, r, k):
    """Expected number of relevant items among the first k, ties in random order."""
    if not 1 <= k <= len(d):
        raise ValueError(f"k must lie in 1..{len(d)} (the collection size), got {k}")
    kth = np.sort(d)[k - 1]
    before = d < kth
    tied = d == kth
    n_free = k - int(before.sum())              # places of the first k that tied items fill
    return r[before].sum() + n_free * r[tied].sum() / tied.sum()


def precision_at_k(distances, relevant, k):
    """Precision of the ``k`` nearest items.

    Parameters
    ----------
    distances : np.ndarray, shape ``(n_items,)``
        Distance of every collection item to the query (the query itself
        excluded).
    relevant : np.ndarray of bool, shape ``(n_items,)``
        Which items are relevant to the query.
    k : int
        Cut-off, 1 to ``n_items``.

    Returns
    -------
    float
        In [0, 1]; items tied at the k-th distance count by their expected share.

    Raises
    ------
    ValueError
        For mismatched shapes, non-finite distances, ``k`` out of range, or a
        query without any relevant item.

    Examples
    --------
    >>> precision_at_k(np.array([0.1, 0.2, 0.3, 0.4]), np.array([True, False, True, False]), k=2)
    0.5
    >>> precision_at_k(np.array([0.1, 0.2, 0.2]), np.array([False, True, False]), k=2)  # a tie at rank 2
    0.25
    """
    d, r = _check_query(distances, relevant)
    return float(_hits_at_k(d, r, k) / k)


def recall_at_k(distances, relevant, k):
    """Fraction of the relevant items among the ``k`` nearest.

    Parameters and exceptions as :func:`precision_at_k`.

    Examples
    --------
    >>> recall_at_k(np.array([0.1, 0.2, 0.3, 0.4]), np.array([True, False, True, False]), k=2)
    0.5
    """
    d, r = _check_query(distances, relevant)
    return float(_hits_at_k(d, r, k) / r.sum())


def average_precision(distances, relevant):
    """Average precision of a ranking by distance (nearest first).

    .. math:: AP = \\sum_n (R_n - R_{n-1}) P_n

    over the distinct distances (thresholds) in increasing order, where
    :math:`P_n` and :math:`R_n` are precision and recall of all items up to
    that distance. Without ties this is the mean, over the relevant items, of
    the precision at each one's rank: it is normalised by the number of
    relevant items :cite:p:`manning2008introduction`. It equals
    ``sklearn.metrics.average_precision_score(relevant, -distances)``.

    Parameters
    ----------
    distances : np.ndarray, shape ``(n_items,)``
    relevant : np.ndarray of bool, shape ``(n_items,)``

    Returns
    -------
    float
        In (0, 1].

    Raises
    ------
    ValueError
        As :func:`precision_at_k`.

    Examples
    --------
    >>> average_precision(np.array([0.1, 0.2, 0.3, 0.4]), np.array([True, False, True, False]))
    0.8333333333333333
    """
    d, r = _check_query(distances, relevant)
    order = np.argsort(d, kind="stable")
    d, r = d[order], r[order]
    last = np.r_[np.flatnonzero(np.diff(d)), len(d) - 1]     # last index of every group of equal distances
    hits = np.cumsum(r)[last]
    precision = hits / (last + 1)
    recall_gain = np.diff(np.r_[0, hits]) / r.sum()
    return float(np.sum(recall_gain * precision))


def distance_matrix(embeddings, others=None):
    """Euclidean distances between the rows of two embedding matrices.

    Parameters
    ----------
    embeddings : np.ndarray, shape ``(n_queries, dim)``
    others : np.ndarray, shape ``(n_items, dim)``, or None
        Default: ``embeddings`` (all pairs).

    Returns
    -------
    np.ndarray, shape ``(n_queries, n_items)``

    Raises
    ------
    ValueError
        For non-finite values or mismatched dimensions.
    """
    a = np.asarray(embeddings, dtype=float)
    b = a if others is None else np.asarray(others, dtype=float)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(f"embeddings must be 2-D with the same dimension, got {a.shape} and {b.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("embeddings contain NaN or infinite values")
    d2 = (a ** 2).sum(1)[:, None] + (b ** 2).sum(1)[None, :] - 2 * a @ b.T
    return np.sqrt(np.maximum(d2, 0.0))


def retrieval_scores(embeddings, labels, k=(1, 5, 10), queries=None, collection=None):
    """Query with every item and rank the others: precision@k, recall@k and MAP.

    Each query is ranked against the collection without itself; relevant items
    share its label.

    Parameters
    ----------
    embeddings : np.ndarray, shape ``(n_items, dim)``
        One embedding (or feature vector) per item.
    labels : np.ndarray, shape ``(n_items,)``
        Class of every item (e.g. style); same label = relevant.
    k : tuple of int
        Cut-offs for precision and recall.
    queries, collection : np.ndarray of int or None
        Indices of the queries and of the items they are ranked against
        (default: all items for both). A query that is also in the collection
        is left out of its own ranking.

    Returns
    -------
    dict
        ``"MAP"``, ``"P@k"`` and ``"R@k"`` for each k (means over the queries),
        and ``"queries"``, their number.

    Raises
    ------
    ValueError
        If a query has no relevant item in the collection, or for bad shapes
        or values.

    Examples
    --------
    >>> X = np.array([[0.0], [0.1], [1.0], [1.1]])
    >>> retrieval_scores(X, np.array([0, 0, 1, 1]), k=(1,))["MAP"]
    1.0
    """
    X = np.asarray(embeddings, dtype=float)
    labels = np.asarray(labels)
    if X.ndim != 2 or len(labels) != len(X):
        raise ValueError(f"need embeddings (n_items, dim) and one label per item, got {X.shape} and {labels.shape}")
    queries = np.arange(len(X)) if queries is None else np.asarray(queries)
    collection = np.arange(len(X)) if collection is None else np.asarray(collection)
    D = distance_matrix(X[queries], X[collection])
    rows = []
    for qi, q in enumerate(queries):
        keep = collection != q
        d, rel = D[qi, keep], labels[collection[keep]] == labels[q]
        if not rel.any():
            raise ValueError(f"query {q} (label {labels[q]!r}) has no relevant item in the collection")
        row = {"MAP": average_precision(d, rel)}
        for kk in k:
            row[f"P@{kk}"] = precision_at_k(d, rel, kk)
            row[f"R@{kk}"] = recall_at_k(d, rel, kk)
        rows.append(row)
    scores = {key: float(np.mean([r[key] for r in rows])) for key in rows[0]}
    scores["queries"] = len(rows)
    return scores


def relevance_map(embeddings, relevant):
    """MAP when relevance is given per pair (e.g. shared tags) rather than by a label.

    Every item queries the others (itself left out); a query with no relevant
    item is skipped, since average precision is undefined for it.

    Parameters
    ----------
    embeddings : np.ndarray, shape ``(n_items, dim)``
    relevant : np.ndarray of bool, shape ``(n_items, n_items)``
        ``relevant[q, i]``: item ``i`` is relevant to query ``q``, e.g.
        ``mirlib.data.pairs.tag_similarity(tags) >= 0.5``.

    Returns
    -------
    dict
        ``"MAP"``: mean average precision over the queries with a relevant
        item; ``"queries"``: how many there were.

    Raises
    ------
    ValueError
        For shapes that do not match, or if no query has a relevant item.

    Examples
    --------
    >>> X = np.array([[0.0], [0.1], [1.0]])
    >>> relevance_map(X, np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=bool))
    {'MAP': 1.0, 'queries': 2}
    """
    X = np.asarray(embeddings, dtype=float)
    rel = np.asarray(relevant, dtype=bool)
    if X.ndim != 2 or rel.shape != (len(X), len(X)):
        raise ValueError(f"need embeddings (n_items, dim) and relevance (n_items, n_items), got {X.shape} "
                         f"and {rel.shape}")
    D = distance_matrix(X)
    aps = [average_precision(np.delete(D[q], q), np.delete(rel[q], q)) for q in range(len(X))
           if np.delete(rel[q], q).any()]
    if not aps:
        raise ValueError("no query has a relevant item")
    return {"MAP": float(np.mean(aps)), "queries": len(aps)}
