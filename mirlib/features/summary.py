"""Summary features of a whole piece: statistics of its frames ("bag of frames").

Classic music similarity compares pieces by statistics of their frame-wise
features, ignoring the order of the frames: the mean and spread of every
log-mel band, or of MFCCs. They are the baselines of the similarity chapter.
"""

from __future__ import annotations

import numpy as np

__all__ = ["band_statistics", "mfcc_statistics", "standardize"]


def _check_frames(S):
    S = np.asarray(S, dtype=float)
    if S.ndim != 2 or len(S) == 0:
        raise ValueError(f"need a feature matrix (n_frames, n_bins) with at least one frame, got shape {S.shape}")
    if not np.all(np.isfinite(S)):
        raise ValueError("features contain NaN or infinite values")
    return S


def band_statistics(S):
    """Plain features: mean and standard deviation of every log-mel band.

    The "texture" statistics of Tzanetakis & Cook's genre features, here of
    the log-mel bands over the whole piece :cite:p:`tzanetakis2002musical`.

    Parameters
    ----------
    S : np.ndarray, shape ``(n_frames, n_bands)``

    Returns
    -------
    np.ndarray, shape ``(2 * n_bands,)``
        Means, then standard deviations.

    Raises
    ------
    ValueError
        For a matrix that is not 2-D, has no frame, or holds NaN or infinite values.

    Examples
    --------
    >>> band_statistics(np.array([[0.0, 1.0], [2.0, 1.0]])).tolist()
    [1.0, 1.0, 1.0, 0.0]
    """
    S = _check_frames(S)
    return np.concatenate([S.mean(0), S.std(0)])


def mfcc_statistics(S, n_mfcc=20):
    """Plain features: mean and standard deviation of MFCCs computed from the log-mel bands.

    The MFCCs are the discrete cosine transform of the log-mel spectrogram
    (``librosa.feature.mfcc(S=...)``) :cite:p:`mcfee2015librosa`.

    Parameters
    ----------
    S : np.ndarray, shape ``(n_frames, n_bands)``
    n_mfcc : int

    Returns
    -------
    np.ndarray, shape ``(2 * n_mfcc,)``

    Raises
    ------
    ValueError
        As :func:`band_statistics`.
    """
    import librosa

    M = librosa.feature.mfcc(S=_check_frames(S).T, n_mfcc=n_mfcc)
    return np.concatenate([M.mean(1), M.std(1)])


def standardize(train, *others):
    """Scale feature vectors per dimension by the training set's mean and standard deviation.

    Parameters
    ----------
    train : np.ndarray, shape ``(n_items, dim)``
    *others : np.ndarray, shape ``(n, dim)``

    Returns
    -------
    list of np.ndarray
        ``train`` and each of ``others``, standardised with ``train``'s
        statistics (a dimension constant in training is only centred).

    Raises
    ------
    ValueError
        If the matrices are not 2-D with the same dimension, or hold NaN or
        infinite values.
    """
    arrays = [_check_frames(x) for x in (train, *others)]
    if len({a.shape[1] for a in arrays}) != 1:
        raise ValueError(f"feature dimensions differ: {[a.shape[1] for a in arrays]}")
    train, others = arrays[0], arrays[1:]
    mean, std = train.mean(0), train.std(0)
    std = np.where(std > 1e-12, std, 1.0)
    return [(x - mean) / std for x in (train, *others)]
