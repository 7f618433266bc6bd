"""The STFT and the mel filterbank in NumPy and SciPy's FFT alone, equal to librosa's bit for bit.

:func:`mirlib.features.magnitude_spectrogram` and
:func:`mirlib.features.mel_filterbank` run on these functions, so that
inference through ONNX Runtime (``mirlib onsets FILE``) starts without
importing librosa: its first STFT imports SciPy's signal module and Numba,
about 1.2 s on 2 cores, most of a short file's whole run. They repeat the
arithmetic of librosa 0.11 :cite:p:`mcfee2015librosa` (ISC licence) and SciPy's
periodic Hann window operation for operation, so every result is identical to
``librosa.stft`` and ``librosa.filters.mel``; ``tests/test_features.py``
checks this bit for bit over frame sizes, hop sizes, sample rates and
frequency ranges, against librosa itself.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.fft

__all__ = ["hann_window", "stft_magnitude", "mel_frequencies", "mel_weights"]

#: Bytes of frames that librosa's STFT transforms per FFT call (``librosa.util.MAX_MEM_BLOCK``).
_MAX_MEM_BLOCK = 2 ** 18


def hann_window(n):
    """Periodic Hann window, as ``scipy.signal.get_window("hann", n, fftbins=True)``.

    Parameters
    ----------
    n : int
        Window length in samples (the frame size).

    Returns
    -------
    np.ndarray, float64, shape ``(n,)``
        ``0.5 - 0.5 cos(2 pi i / n)``, computed as SciPy computes it.

    Examples
    --------
    >>> hann_window(4)
    array([0. , 0.5, 1. , 0.5])
    """
    fac = np.linspace(-np.pi, np.pi, n + 1)
    w = np.zeros(n + 1)
    for k, a in enumerate((0.5, 0.5)):
        w += a * np.cos(k * fac)
    return w[:-1]


def stft_magnitude(frames, window):
    """Magnitude spectra of frames, as ``np.abs(librosa.stft(...))`` computes them.

    Parameters
    ----------
    frames : np.ndarray, float32, shape ``(n_frames, frame_size)``
        Frames of a signal (a strided view is fine).
    window : np.ndarray, float64, shape ``(frame_size,)``
        Analysis window.

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames, frame_size // 2 + 1)``
        ``|rfft(window * frame)|`` with :func:`scipy.fft.rfft`, the spectrum
        rounded to complex64 first as librosa's STFT of a float32 signal is.
    """
    # librosa's FFT (SciPy's), layout (frequency first) and batches (256 KiB of frames per call):
    # the FFT may round a value differently (by 1 ulp) in another layout or batch
    frames = frames.T
    batch = max(1, _MAX_MEM_BLOCK // (frames.shape[0] * frames.itemsize))
    out = np.empty((frames.shape[0] // 2 + 1, frames.shape[1]), dtype=np.complex64, order="F")
    for start in range(0, frames.shape[1], batch):
        out[:, start:start + batch] = scipy.fft.rfft(window[:, np.newaxis] * frames[:, start:start + batch], axis=0)
    return np.abs(out).T


def _hz_to_mel(f, htk):
    if htk:
        return 2595.0 * np.log10(1.0 + f / 700.0)
    f_sp = 200.0 / 3
    mels = f / f_sp
    min_log_mel = 1000.0 / f_sp
    logstep = np.log(6.4) / 27.0
    if f >= 1000.0:
        mels = min_log_mel + np.log(f / 1000.0) / logstep
    return mels


def _mel_to_hz(mels, htk):
    if htk:
        return 700.0 * (10.0 ** (mels / 2595.0) - 1.0)
    f_sp = 200.0 / 3
    freqs = f_sp * mels
    min_log_mel = 1000.0 / f_sp
    logstep = np.log(6.4) / 27.0
    log_t = mels >= min_log_mel
    freqs[log_t] = 1000.0 * np.exp(logstep * (mels[log_t] - min_log_mel))
    return freqs


def mel_frequencies(n_mels, fmin, fmax, htk=False):
    """Frequencies in Hz of ``n_mels`` points equally spaced in mel, as ``librosa.mel_frequencies``.

    Parameters
    ----------
    n_mels : int
        Number of frequencies.
    fmin, fmax : float
        Lowest and highest frequency in Hz.
    htk : bool
        HTK's mel formula instead of Slaney's.

    Returns
    -------
    np.ndarray, float64, shape ``(n_mels,)``
        Frequencies in Hz.
    """
    mels = np.linspace(_hz_to_mel(float(fmin), htk), _hz_to_mel(float(fmax), htk), n_mels)
    return _mel_to_hz(mels, htk)


def mel_weights(sr, frame_size, n_mels, fmin, fmax, htk=False, norm="slaney"):
    """Triangular mel filters, as ``librosa.filters.mel`` (float32 weights).

    Slaney's mel scale (Auditory Toolbox) or HTK's; the mel scale itself is
    Stevens, Volkmann & Newman's :cite:p:`stevens1937scale`.

    Parameters
    ----------
    sr : number
        Sample rate in Hz.
    frame_size : int
        FFT size in samples.
    n_mels : int
        Number of mel bands.
    fmin, fmax : float
        Frequency range in Hz.
    htk : bool
        HTK's mel formula instead of Slaney's.
    norm : {"slaney", None}
        Unit area or unit peak.

    Returns
    -------
    np.ndarray, float32, shape ``(n_mels, frame_size // 2 + 1)``
        One filter per row (librosa's orientation).

    Raises
    ------
    ValueError
        For another ``norm``.

    Warns
    -----
    UserWarning
        If a band has no FFT bin (too many bands for the frame size), as librosa warns.
    """
    if norm not in ("slaney", None):
        raise ValueError(f"norm must be 'slaney' or None, got {norm!r}")
    weights = np.zeros((n_mels, 1 + frame_size // 2), dtype=np.float32)
    fftfreqs = np.fft.rfftfreq(n=frame_size, d=1.0 / sr)
    mel_f = mel_frequencies(n_mels + 2, fmin, fmax, htk)
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    if norm == "slaney":
        enorm = 2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels])
        weights *= enorm[:, np.newaxis]
    if not np.all((mel_f[:-2] == 0) | (weights.max(axis=1) > 0)):
        warnings.warn(f"empty mel filters: some of the {n_mels} bands cover no FFT bin of a {frame_size}-sample "
                      f"frame at {sr} Hz; use fewer bands or a larger frame size", stacklevel=3)
    return weights
