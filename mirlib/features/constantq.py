"""Constant-Q transform: a semitone-spaced input for pitched voices such as the bass."""

from __future__ import annotations

import numpy as np

from ..audio import check_sample_rate, check_signal
from .spectral import _positive_int, log_compress

__all__ = ["log_cqt"]


def log_cqt(y, sr, hop_size=1024, fmin=32.703, n_bins=84, bins_per_octave=12, mul=1.0, add=1.0):
    """Log-compressed constant-Q transform (CQT), time first.

    Bins spaced logarithmically in frequency, ``bins_per_octave`` to the
    octave from ``fmin``, each analysed with a window of the same number of
    periods (constant Q), so low bins resolve semitones that a short STFT
    cannot. With 12 bins per octave each bin is a semitone: the
    log-frequency input of the solo and bass networks of Balke et al. and
    Abeßer et al. :cite:p:`balke2017data,abesser2017deep`. Computed by
    :func:`librosa.cqt`.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : number
        Sample rate in Hz.
    hop_size : int
        Hop size in samples (librosa's recursive downsampling is exact for
        hop sizes divisible by ``2 ** (n_octaves - 1)``, such as 1024).
    fmin : float
        Centre frequency of the lowest bin in Hz (32.703 Hz: C1).
    n_bins, bins_per_octave : int
        Number of bins and bins per octave; the highest bin must stay below
        the Nyquist frequency.
    mul, add : float
        See :func:`log_compress`.

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames, n_bins)``
        Frame ``i`` is centred on ``i * hop_size / sr`` seconds.

    Raises
    ------
    ValueError
        For a bad signal, sizes, or a highest bin above the Nyquist frequency.

    Examples
    --------
    >>> C = log_cqt(np.sin(2 * np.pi * 110.0 * np.arange(22050) / 22050), 22050)
    >>> C.shape, int(C.mean(axis=0).argmax())    # A2 = 110 Hz is 21 semitones above C1
    ((22, 84), 21)
    """
    import librosa

    y = check_signal(y, name="log_cqt", mono=True)
    check_sample_rate(sr)
    hop_size = _positive_int(hop_size, "hop_size")
    n_bins = _positive_int(n_bins, "n_bins")
    bins_per_octave = _positive_int(bins_per_octave, "bins_per_octave")
    if not fmin > 0:
        raise ValueError(f"fmin must be a positive frequency in Hz, got {fmin!r}")
    top = fmin * 2.0 ** ((n_bins - 1) / bins_per_octave)
    if top * 2.0 ** (1.0 / bins_per_octave) >= sr / 2:     # the top bin's band must fit below Nyquist too
        raise ValueError(f"the highest CQT bin ({top:.0f} Hz) and its band must lie below the Nyquist frequency "
                         f"({sr / 2:.0f} Hz); use fewer bins or a higher sample rate")
    try:
        C = librosa.cqt(y, sr=sr, hop_length=hop_size, fmin=fmin, n_bins=n_bins, bins_per_octave=bins_per_octave)
    except librosa.util.exceptions.ParameterError as err:      # e.g. a hop size the downsampling cannot take
        raise ValueError(f"log_cqt: {err}") from err
    C = np.abs(C)
    return log_compress(C.T, mul=mul, add=add)

