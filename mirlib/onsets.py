"""Onset detection functions and peak picking.

An onset detector has two stages :cite:p:`bello2005tutorial,boeck2012evaluating`:

1. an *onset detection function* (ODF) or *activation function*, one value per
   frame that is high where a note starts: here spectral flux and SuperFlux
   (hand-made) or the output of a trained network (:mod:`mirlib.rhythm`);
2. *peak picking*, which turns the activation function into onset times in
   seconds.

All activation functions are one-dimensional arrays of shape ``(n_frames,)``
with an explicit frame rate ``fps`` in frames per second.
"""

from __future__ import annotations

import numpy as np

from ._compat import import_madmom
from .audio import check_signal

__all__ = ["spectral_flux", "superflux", "pick_peaks", "check_activation"]


def check_activation(activation, fps=None, name="activation"):
    """Check an activation function and return it as a float array.

    Parameters
    ----------
    activation : array_like, shape ``(n_frames,)``
        One value per frame.
    fps : float or None
        Frame rate in frames per second, checked to be positive if given.
    name : str
        What to call the array in error messages.

    Returns
    -------
    np.ndarray, float64, shape ``(n_frames,)``

    Raises
    ------
    ValueError
        If it is not one-dimensional, is empty, holds NaN or infinite values, or
        ``fps`` is not a positive number.
    """
    a = np.asarray(activation, dtype=float)
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim != 1:
        raise ValueError(f"{name} must have shape (n_frames,), got {a.shape}")
    if a.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if fps is not None and not (np.isfinite(fps) and fps > 0):
        raise ValueError(f"frame rate must be a positive number of frames per second, got {fps!r}")
    return a


def spectral_flux(S, lag=1):
    """Spectral flux: the summed half-wave rectified increase of every band.

    ``SF[n] = sum_k max(0, S[n, k] - S[n - lag, k])``, with the first ``lag``
    frames set to 0 :cite:p:`dixon2006onset`. Computed on a
    log-magnitude (e.g. log-mel) spectrogram it is a strong hand-made onset
    detection function.

    Parameters
    ----------
    S : np.ndarray, shape ``(n_frames, n_bins)``
        (Log-)magnitude spectrogram, time first.
    lag : int
        Difference to the frame this many frames earlier.

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames,)``
        The activation function, at the frame rate of ``S``.

    Raises
    ------
    ValueError
        If ``S`` is not two-dimensional, has fewer than ``lag + 1`` frames, holds
        NaN, or ``lag < 1``.

    Examples
    --------
    >>> S = np.array([[0., 0.], [1., 2.], [0., 3.], [0., 3.]])
    >>> spectral_flux(S)
    array([0., 3., 1., 0.], dtype=float32)
    """
    S = np.asarray(S, dtype=float)
    if S.ndim != 2:
        raise ValueError(f"spectrogram must have shape (n_frames, n_bins), got {S.shape}")
    if int(lag) != lag or lag < 1:
        raise ValueError(f"lag must be a positive number of frames, got {lag!r}")
    if S.shape[0] <= lag:
        raise ValueError(f"spectrogram has {S.shape[0]} frames; spectral flux needs more than lag={lag}")
    if not np.all(np.isfinite(S)):
        raise ValueError("spectrogram contains NaN or infinite values")
    diff = np.maximum(S[lag:] - S[:-lag], 0.0).sum(axis=1)
    return np.concatenate([np.zeros(lag), diff]).astype(np.float32)


def superflux(y, sr, hop_size=441, frame_size=2048, n_mels=138, lag=2, max_size=3):
    """SuperFlux onset detection function of Böck & Widmer (DAFx 2013).

    Spectral flux on a log-mel spectrogram in which every bin of the earlier
    frame is first replaced by the maximum of its ``max_size`` neighbouring bins
    (a maximum filter along frequency), which suppresses the false onsets of
    vibrato :cite:p:`boeck2013maximum`. Computed by
    :func:`librosa.onset.onset_strength` with ``lag`` and ``max_size``.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Sample rate in Hz.
    hop_size, frame_size : int
        Hop size and frame size in samples; the frame rate is ``sr / hop_size``.
    n_mels : int
        Number of mel bands.
    lag : int
        Frames between the compared spectra.
    max_size : int
        Width in bins of the maximum filter (1: plain spectral flux).

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames,)``

    Raises
    ------
    ValueError
        For an empty, NaN or non-mono signal or a bad sample rate.
    """
    import librosa

    y = check_signal(y, sr, name="signal", mono=True)
    S = librosa.feature.melspectrogram(y=y, sr=sr, n_fft=frame_size, hop_length=hop_size, fmin=27.5,
                                       fmax=min(16000.0, sr / 2), n_mels=n_mels)
    S = librosa.power_to_db(S, ref=np.max)
    odf = librosa.onset.onset_strength(S=S, sr=sr, hop_length=hop_size, lag=lag, max_size=max_size)
    return odf.astype(np.float32)


def pick_peaks(activation, fps, threshold=0.5, smooth=0.0, pre_avg=0.0, post_avg=0.0, pre_max=0.0,
               post_max=0.0, combine=0.03):
    """Onset times from an activation function by peak picking.

    A frame is an onset if it is the maximum within ``[-pre_max, +post_max]``
    seconds, exceeds the moving average over ``[-pre_avg, +post_avg]`` seconds
    by more than ``threshold``, and lies more than ``combine`` seconds after the
    previous onset (minimum distance). This is madmom's
    :class:`~madmom.features.onsets.OnsetPeakPickingProcessor`
    :cite:p:`boeck2012evaluating,boeck2016madmom`, with every window given in
    seconds so that the same values work at any frame rate.

    Parameters
    ----------
    activation : array_like, shape ``(n_frames,)``
        Onset activation function.
    fps : float
        Its frame rate in frames per second.
    threshold : float
        Minimum height above the moving average (absolute height if both
        averaging windows are 0).
    smooth : float
        Length in seconds of a Hamming window that smooths the activation first
        (0: no smoothing).
    pre_avg, post_avg : float
        Moving-average window before and after each frame, in seconds.
    pre_max, post_max : float
        Moving-maximum window before and after each frame, in seconds.
    combine : float
        Minimum distance between two onsets, in seconds; a later peak closer
        than this to the last onset is dropped.

    Returns
    -------
    np.ndarray, float64, shape ``(n_onsets,)``
        Onset times in seconds.

    Raises
    ------
    ValueError
        For a bad activation (see :func:`check_activation`), a bad ``fps`` or a
        negative window.

    Examples
    --------
    >>> act = np.zeros(100); act[[10, 12, 50]] = [1.0, 0.8, 0.9]
    >>> pick_peaks(act, fps=100, threshold=0.5, combine=0.03)
    array([0.1, 0.5])
    """
    act = check_activation(activation, fps)
    for name, value in dict(smooth=smooth, pre_avg=pre_avg, post_avg=post_avg, pre_max=pre_max,
                            post_max=post_max, combine=combine).items():
        if not value >= 0:
            raise ValueError(f"{name} must be a non-negative number of seconds, got {value!r}")
    madmom = import_madmom()
    proc = madmom.features.onsets.OnsetPeakPickingProcessor(
        threshold=threshold, smooth=smooth, pre_avg=pre_avg, post_avg=post_avg, pre_max=pre_max,
        post_max=post_max, combine=combine, delay=0.0, online=False, fps=fps)
    return np.asarray(proc(act.astype(np.float32)), dtype=float)
