"""Summary features of a whole piece: statistics of its frames ("bag of frames").

Classic music similarity compares pieces by statistics of their frame-wise
features, ignoring the order of the frames: the mean and spread of every
log-mel band, or of MFCCs. They are the baselines of the similarity chapter.
"""

from __future__ import annotations

import numpy as np

__all__ = ["band_statistics", "mfcc_statistics", "standardize"]


def band_statistics(S):
    """Plain features: mean and standard deviation of every log-mel band.

    Parameters
    ----------
    S : np.ndarray, shape ``(n_frames, n_bands)``

    Returns
    -------
    np.ndarray, shape ``(2 * n_bands,)``
        Means, then standard deviations.
    """
    S = np.asarray(S, dtype=float)
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
    """
    import librosa

    M = librosa.feature.mfcc(S=np.asarray(S, dtype=float).T, n_mfcc=n_mfcc)
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
        ``train`` and each of ``others``, standardised with ``train``'s statistics.
    """
    mean, std = train.mean(0), train.std(0)
    std = np.where(std > 1e-12, std, 1.0)
    return [(x - mean) / std for x in (train, *others)]
