"""Time-frequency features: framing, magnitude STFT, mel filterbank, log-mel.

Every feature array is time-major, shape ``(n_frames, n_bins)``, as in madmom.
A feature computed with hop size ``hop_size`` (samples) from a signal sampled at
``sr`` (Hz) has the frame rate ``fps = sr / hop_size`` (frames per second), and
frame ``i`` is centred on ``i / fps`` seconds when ``center=True``.

The numerical work is librosa's :cite:p:`mcfee2015librosa` (the STFT and the mel
filterbank repeat its arithmetic in NumPy, bit for bit, in :mod:`.fourier`, so
that inference starts without importing librosa); this module fixes the
conventions (time first, parameters in samples and Hz, log compression as
in madmom) that every chapter of the book uses. See :cite:t:`mueller2015fmp`,
chapter 2, for the theory.
"""

from __future__ import annotations

import numpy as np

from ..audio import check_sample_rate, check_signal
from . import fourier

__all__ = [
    "fps",
    "frame_times",
    "frame",
    "magnitude_spectrogram",
    "mel_filterbank",
    "log_compress",
    "log_mel_spectrogram",
    "log_filterbank",
    "log_filtered_spectrogram",
    "excerpts",
    "Standardizer",
]


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive whole number of samples, got {value!r}")
    return int(value)


def fps(sr, hop_size):
    """Frame rate of a feature computed with a given hop size.

    Parameters
    ----------
    sr : number
        Sample rate in Hz.
    hop_size : int
        Hop size in samples.

    Returns
    -------
    float
        Frames per second, ``sr / hop_size``.

    Raises
    ------
    ValueError
        If ``sr`` or ``hop_size`` is not positive.

    Examples
    --------
    >>> fps(22050, 512)
    43.06640625
    """
    check_sample_rate(sr, "fps")
    return float(sr) / _positive_int(hop_size, "hop_size")


def frame_times(n_frames, frame_rate):
    """Times in seconds of the frames of a feature, ``i / fps``.

    Parameters
    ----------
    n_frames : int
        Number of frames.
    frame_rate : float
        Frames per second (see :func:`fps`).

    Returns
    -------
    np.ndarray, shape ``(n_frames,)``
        Time of each frame in seconds.

    Examples
    --------
    >>> frame_times(3, 10.0)
    array([0. , 0.1, 0.2])
    """
    if frame_rate <= 0:
        raise ValueError(f"frame rate must be positive, got {frame_rate!r}")
    return np.arange(int(n_frames)) / float(frame_rate)


def frame(y, frame_size, hop_size):
    """Cut a signal into overlapping frames, without padding.

    Frame ``i`` holds samples ``y[i * hop_size : i * hop_size + frame_size]``;
    only complete frames are returned, so there are
    ``1 + (len(y) - frame_size) // hop_size`` of them.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    frame_size : int
        Frame size in samples.
    hop_size : int
        Hop size in samples (distance between frame starts).

    Returns
    -------
    np.ndarray, shape ``(n_frames, frame_size)``
        A read-only strided view on ``y``, time first.

    Raises
    ------
    ValueError
        If the signal is not mono, empty or non-finite, if ``frame_size`` or
        ``hop_size`` is not a positive whole number, or if the signal is shorter
        than one frame.

    Examples
    --------
    >>> frame(np.arange(10.0), frame_size=4, hop_size=3)
    array([[0., 1., 2., 3.],
           [3., 4., 5., 6.],
           [6., 7., 8., 9.]], dtype=float32)
    """
    import librosa

    y = check_signal(y, name="frame", mono=True)
    frame_size = _positive_int(frame_size, "frame_size")
    hop_size = _positive_int(hop_size, "hop_size")
    if len(y) < frame_size:
        raise ValueError(f"signal has {len(y)} samples, fewer than one frame of {frame_size}")
    return librosa.util.frame(y, frame_length=frame_size, hop_length=hop_size, axis=0)


#: Frames per block of the STFT (:func:`magnitude_spectrogram`).
_BLOCK_FRAMES = 2048


def magnitude_spectrogram(y, frame_size=2048, hop_size=512, window="hann", center=True):
    """Magnitude of the short-time Fourier transform (STFT).

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    frame_size : int
        Frame size (= FFT size) in samples. The frequency resolution is
        ``sr / frame_size`` Hz per bin.
    hop_size : int
        Hop size in samples; the frame rate is ``sr / hop_size``.
    window : str or np.ndarray
        Window applied to each frame, any name :func:`scipy.signal.get_window`
        knows (``"hann"``, ``"hamming"``, ``"boxcar"`` for none), or an array of
        ``frame_size`` samples. The result is ``np.abs(librosa.stft(...)).T``
        bit for bit; for ``"hann"`` librosa is not imported.
    center : bool
        Pad the signal by ``frame_size // 2`` on both sides so that frame ``i`` is
        centred on sample ``i * hop_size``.

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames, frame_size // 2 + 1)``
        Magnitudes (not power, not dB), time first.

    Raises
    ------
    ValueError
        For a non-mono, empty or non-finite signal, non-positive sizes, or a
        signal shorter than one frame when ``center=False``.

    Examples
    --------
    >>> S = magnitude_spectrogram(np.ones(4096), frame_size=1024, hop_size=256)
    >>> S.shape
    (17, 513)
    """
    y = check_signal(y, name="magnitude_spectrogram", mono=True)
    frame_size = _positive_int(frame_size, "frame_size")
    hop_size = _positive_int(hop_size, "hop_size")
    if not center and len(y) < frame_size:
        raise ValueError(f"signal has {len(y)} samples, fewer than one frame of {frame_size}")
    if isinstance(window, str) and window == "hann":
        window = fourier.hann_window(frame_size)
    else:  # any other window as librosa.stft gets it (through SciPy), or an array checked by librosa
        import librosa

        window = librosa.filters.get_window(window, frame_size, fftbins=True)
    # librosa.stft's frames and arithmetic (tested bit for bit), in NumPy alone so that inference
    # starts without importing librosa; a block of frames at a time, so that the complex STFT of a long
    # recording (4096-sample frames of a 5-min song at 100 fps: 0.5 GB) never exists at once
    if center:
        y = np.pad(y, frame_size // 2)
    frames = np.lib.stride_tricks.sliding_window_view(y, frame_size)[::hop_size]
    out = np.empty((len(frames), frame_size // 2 + 1), dtype=np.float32)
    for start in range(0, len(frames), _BLOCK_FRAMES):
        out[start:start + _BLOCK_FRAMES] = fourier.stft_magnitude(frames[start:start + _BLOCK_FRAMES], window)
    return out


def mel_filterbank(sr, frame_size, n_mels=80, fmin=0.0, fmax=None, htk=False, norm="slaney"):
    """Triangular mel filterbank that maps STFT bins to mel bands.

    Parameters
    ----------
    sr : number
        Sample rate in Hz.
    frame_size : int
        Frame size (FFT size) in samples of the STFT it applies to.
    n_mels : int
        Number of mel bands.
    fmin, fmax : float
        Lowest and highest frequency in Hz; ``fmax=None`` means ``sr / 2``.
    htk : bool
        Use the HTK mel formula ``2595 log10(1 + f / 700)`` instead of Slaney's
        (linear below 1 kHz, logarithmic above) :cite:p:`stevens1937scale`.
    norm : {"slaney", None}
        ``"slaney"`` scales each triangle to unit area, ``None`` to unit peak.

    Returns
    -------
    np.ndarray, float32, shape ``(frame_size // 2 + 1, n_mels)``
        Filterbank matrix ``F``; ``S @ F`` turns a magnitude spectrogram of shape
        ``(n_frames, n_bins)`` into a mel spectrogram ``(n_frames, n_mels)``.

    Raises
    ------
    ValueError
        If ``fmin >= fmax``, ``fmax`` exceeds the Nyquist frequency ``sr / 2``,
        or a size is not positive.

    Examples
    --------
    >>> mel_filterbank(22050, 2048, n_mels=40).shape
    (1025, 40)
    """
    frame_size = _positive_int(frame_size, "frame_size")
    n_mels = _positive_int(n_mels, "n_mels")
    check_sample_rate(sr, "mel_filterbank")
    nyquist = sr / 2.0
    fmax = nyquist if fmax is None else float(fmax)
    if fmax > nyquist:
        raise ValueError(f"fmax = {fmax} Hz is above the Nyquist frequency {nyquist} Hz (sr = {sr} Hz)")
    if not 0 <= fmin < fmax:
        raise ValueError(f"need 0 <= fmin < fmax, got fmin = {fmin} Hz, fmax = {fmax} Hz")
    # librosa.filters.mel's arithmetic in NumPy alone (tested bit for bit against it)
    return fourier.mel_weights(sr, frame_size, n_mels, fmin, fmax, htk=htk, norm=norm).T.copy()


def log_compress(x, mul=1.0, add=1.0):
    """Logarithmic compression ``log10(mul * x + add)`` of magnitudes, as in madmom.

    Parameters
    ----------
    x : np.ndarray, any shape
        Non-negative magnitudes.
    mul : float
        Gain applied before the logarithm; larger values compress more.
    add : float
        Offset that keeps the logarithm finite for ``x = 0`` (must be > 0).

    Returns
    -------
    np.ndarray, float32, same shape
        Compressed values; ``x = 0`` maps to ``log10(add)``.

    Raises
    ------
    ValueError
        If ``x`` holds negative or non-finite values, or ``mul``/``add`` are not positive.

    Examples
    --------
    >>> log_compress(np.array([0.0, 9.0, 999.0]))
    array([0., 1., 3.], dtype=float32)
    """
    x = np.asarray(x, dtype=np.float64)  # float64 inside, float32 out
    if mul <= 0 or add <= 0:
        raise ValueError(f"mul and add must be positive, got mul={mul!r}, add={add!r}")
    if not np.all(np.isfinite(x)):
        raise ValueError("log_compress: input contains NaN or infinite values")
    if np.any(x < 0):
        raise ValueError("log_compress: magnitudes must be non-negative (did you pass a signal or dB values?)")
    return np.log10(mul * x + add).astype(np.float32)


def log_mel_spectrogram(y, sr, frame_size=2048, hop_size=512, n_mels=80, fmin=27.5, fmax=None,
                        window="hann", mul=1.0, add=1.0):
    """Log-mel spectrogram: magnitude STFT, mel filterbank, ``log10(mul * x + add)``.

    This is the input representation of most networks in this book and in the
    ISMIR 2018 tutorial :cite:p:`schindler2018tutorial`.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : number
        Sample rate of ``y`` in Hz.
    frame_size, hop_size : int
        Frame size and hop size in samples (see :func:`magnitude_spectrogram`).
    n_mels : int
        Number of mel bands.
    fmin, fmax : float
        Frequency range in Hz of the filterbank (``fmax=None``: ``sr / 2``).
    window : str
        STFT window.
    mul, add : float
        Log compression parameters (see :func:`log_compress`).

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames, n_mels)``
        Time first; frame rate ``sr / hop_size`` frames per second.

    Raises
    ------
    ValueError
        For bad signals, sizes or frequency ranges (see the functions it calls).

    Examples
    --------
    >>> y = np.sin(2 * np.pi * 440 * np.arange(22050) / 22050)
    >>> log_mel_spectrogram(y, 22050, n_mels=40).shape
    (44, 40)
    """
    spec = magnitude_spectrogram(y, frame_size=frame_size, hop_size=hop_size, window=window)
    fb = mel_filterbank(sr, frame_size, n_mels=n_mels, fmin=fmin, fmax=fmax)
    return log_compress(spec @ fb, mul=mul, add=add)


def log_filterbank(sr, frame_size, bands_per_octave=12, fmin=20.0, fmax=20000.0):
    """Triangular filters spaced logarithmically, ``bands_per_octave`` per octave (madmom's).

    madmom's :class:`~madmom.audio.filters.LogarithmicFilterbank`
    :cite:p:`boeck2016madmom` with area-normalised filters and duplicate
    filters (below the STFT's resolution) removed, the filterbank of Böck's
    onset networks and of Vogl et al.'s drum transcription :cite:p:`vogl2017drum`.

    Parameters
    ----------
    sr : number
        Sample rate in Hz.
    frame_size : int
        STFT frame size in samples (``frame_size // 2 + 1`` bins).
    bands_per_octave : int
        Filters per octave (12: one per semitone).
    fmin, fmax : float
        Frequency range in Hz.

    Returns
    -------
    np.ndarray, float32, shape ``(frame_size // 2 + 1, n_bands)``
        Multiply a magnitude spectrogram ``(n_frames, n_bins)`` by it.

    Raises
    ------
    ValueError
        For a bad sample rate, frame size or frequency range.

    Examples
    --------
    >>> log_filterbank(44100, 2048).shape
    (1025, 84)
    """
    from ..compat import import_madmom

    check_sample_rate(sr)
    _positive_int(frame_size, "frame_size")
    _positive_int(bands_per_octave, "bands_per_octave")
    if not 0 < fmin < fmax <= sr / 2:
        raise ValueError(f"need 0 < fmin < fmax <= sr / 2 = {sr / 2} Hz, got fmin={fmin}, fmax={fmax}")
    madmom = import_madmom()
    bins = madmom.audio.stft.fft_frequencies(frame_size // 2 + 1, sr)
    fb = madmom.audio.filters.LogarithmicFilterbank(bins, num_bands=bands_per_octave, fmin=fmin, fmax=fmax,
                                                    norm_filters=True, unique_filters=True)
    return np.asarray(fb, dtype=np.float32)


def log_filtered_spectrogram(y, sr, frame_size=2048, hop_size=441, bands_per_octave=12, fmin=20.0,
                             fmax=20000.0, mul=1.0, add=1.0):
    """Log-filtered spectrogram: magnitude STFT, logarithmic filterbank, ``log10(mul * x + add)``.

    The input of Vogl et al.'s drum transcription networks
    :cite:p:`vogl2017drum` (frame size 2048, 100 fps, 12 bands per octave
    from 20 Hz to 20 kHz, as here by default).

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : number
        Sample rate in Hz.
    frame_size, hop_size : int
        In samples.
    bands_per_octave, fmin, fmax
        See :func:`log_filterbank`.
    mul, add : float
        See :func:`log_compress`.

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames, n_bands)``

    Raises
    ------
    ValueError
        For a bad signal, sizes or frequency range.

    Examples
    --------
    >>> log_filtered_spectrogram(np.random.default_rng(0).standard_normal(44100), 44100).shape
    (101, 84)
    """
    spec = magnitude_spectrogram(y, frame_size=frame_size, hop_size=hop_size)
    fb = log_filterbank(sr, frame_size, bands_per_octave, fmin, fmax)
    return log_compress(spec @ fb, mul=mul, add=add)


def excerpts(S, n_frames=80, hop=40):
    """Cut a spectrogram into overlapping excerpts, padding short input with silence.

    Parameters
    ----------
    S : np.ndarray, shape ``(n_frames_total, n_bands)``
        Log-mel spectrogram, time first.
    n_frames : int
        Frames per excerpt.
    hop : int
        Frames between excerpt starts.

    Returns
    -------
    np.ndarray, shape ``(n_excerpts, n_frames, n_bands)``
        At least one excerpt; a spectrogram shorter than ``n_frames`` is padded
        with zeros (log-mel of silence) at the end.

    Raises
    ------
    ValueError
        For an empty spectrogram or a non-positive size.

    Examples
    --------
    >>> excerpts(np.ones((200, 40))).shape
    (4, 80, 40)
    >>> excerpts(np.ones((30, 40))).shape
    (1, 80, 40)
    """
    S = np.asarray(S, dtype=np.float32)
    if S.ndim != 2 or len(S) == 0:
        raise ValueError(f"expected a spectrogram of shape (n_frames, n_bands), got {S.shape}")
    if n_frames < 1 or hop < 1:
        raise ValueError(f"n_frames and hop must be positive, got {n_frames} and {hop}")
    if len(S) < n_frames:
        S = np.pad(S, ((0, n_frames - len(S)), (0, 0)))
    starts = range(0, len(S) - n_frames + 1, hop)
    return np.stack([S[s:s + n_frames] for s in starts])


class Standardizer:
    """Per-band standardisation with statistics from training data.

    Each band (column) of a feature ``(n_frames, n_bins)`` is shifted by the mean
    and divided by the standard deviation that band had over all frames of the
    training data. Statistics must come from the training set only: computing
    them on test data leaks information into the evaluation.

    Parameters
    ----------
    mean, std : np.ndarray, shape ``(n_bins,)``
        Statistics per band, for instance from :meth:`fit`.

    Raises
    ------
    ValueError
        If ``mean`` and ``std`` differ in shape or ``std`` is not positive.

    Examples
    --------
    >>> train = [np.array([[0.0, 10.0], [2.0, 30.0]])]
    >>> norm = Standardizer.fit(train)
    >>> norm.mean, norm.std
    (array([ 1., 20.]), array([ 1., 10.]))
    >>> norm(np.array([[1.0, 40.0]]))
    array([[0., 2.]], dtype=float32)
    """

    def __init__(self, mean, std):
        self.mean = np.asarray(mean, dtype=np.float64)
        self.std = np.asarray(std, dtype=np.float64)
        if self.mean.ndim != 1 or self.mean.shape != self.std.shape:
            raise ValueError(f"mean and std must have the same shape (n_bins,), got {self.mean.shape} and {self.std.shape}")
        if not (np.all(np.isfinite(self.std)) and np.all(self.std > 0)):
            raise ValueError("std must be positive and finite in every band")

    @classmethod
    def fit(cls, features, min_std=1e-8):
        """Compute per-band mean and standard deviation over training features.

        Parameters
        ----------
        features : np.ndarray ``(n_frames, n_bins)`` or sequence of them
            Training features; all frames of all items are pooled.
        min_std : float
            Bands whose standard deviation is below this (constant bands) are
            divided by 1 instead, so they map to 0 rather than to infinity.

        Returns
        -------
        Standardizer

        Raises
        ------
        ValueError
            If there are no frames, the items differ in ``n_bins``, a value is
            NaN or infinite, or every band is constant (silent training data).
        """
        items = [features] if isinstance(features, np.ndarray) else list(features)
        if not items:
            raise ValueError("Standardizer.fit: no training features given")
        arrays = []
        for i, item in enumerate(items):
            item = np.asarray(item, dtype=np.float64)
            if item.ndim != 2:
                raise ValueError(f"Standardizer.fit: item {i} must have shape (n_frames, n_bins), got {item.shape}")
            if not np.all(np.isfinite(item)):
                raise ValueError(f"Standardizer.fit: item {i} contains NaN or infinite values")
            arrays.append(item)
        n_bins = {a.shape[1] for a in arrays}
        if len(n_bins) != 1:
            raise ValueError(f"Standardizer.fit: items differ in n_bins: {sorted(n_bins)}")
        data = np.concatenate(arrays, axis=0)
        if data.shape[0] == 0:
            raise ValueError("Standardizer.fit: training features have no frames")
        mean, std = data.mean(axis=0), data.std(axis=0)
        if np.all(std < min_std):
            raise ValueError("Standardizer.fit: every band is constant (silent or empty training data)")
        return cls(mean, np.where(std < min_std, 1.0, std))

    def __call__(self, x):
        """Standardise ``x`` of shape ``(n_frames, n_bins)``; returns float32 of the same shape.

        Raises
        ------
        ValueError
            If ``x`` does not have ``n_bins`` columns, or holds NaN or inf.
        """
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.mean.shape[0]:
            raise ValueError(f"expected features of shape (n_frames, {self.mean.shape[0]}), got {x.shape}")
        if not np.all(np.isfinite(x)):
            raise ValueError("features contain NaN or infinite values")
        return ((x - self.mean) / self.std).astype(np.float32)

    def save(self, path):
        """Save the statistics to a ``.npz`` file."""
        np.savez(path, mean=self.mean, std=self.std)

    @classmethod
    def load(cls, path):
        """Load statistics saved by :meth:`save`.

        Raises
        ------
        FileNotFoundError
            If ``path`` does not exist.
        ValueError
            If the file lacks ``mean`` or ``std``.
        """
        with np.load(path) as data:
            if "mean" not in data or "std" not in data:
                raise ValueError(f"{path}: not a Standardizer file (needs arrays 'mean' and 'std')")
            return cls(data["mean"], data["std"])

    def __repr__(self):
        return f"Standardizer(n_bins={self.mean.shape[0]})"
