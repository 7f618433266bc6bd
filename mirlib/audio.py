"""Loading and checking audio signals.

All signals in mirlib are one-dimensional ``float32`` NumPy arrays of shape
``(n_samples,)`` with values in [-1, 1] (multi-channel audio is
``(n_channels, n_samples)`` only where ``mono=False`` is asked for), together
with their sample rate ``sr`` in Hz.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

__all__ = ["load", "check_signal", "check_sample_rate", "AUDIO_EXTENSIONS", "audio_files"]

#: File extensions :func:`audio_files` (and ``mirlib similar``) looks for in folders.
AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".mp3", ".m4a", ".aif", ".aiff", ".au", ".opus")


def check_sample_rate(sr, name="signal"):
    """Check that a sample rate is a positive, finite number of Hz.

    Parameters
    ----------
    sr : number
        Sample rate in Hz.
    name : str
        What to name in the error message.

    Returns
    -------
    number
        ``sr`` unchanged.

    Raises
    ------
    ValueError
        If ``sr`` is not a positive finite number.

    Examples
    --------
    >>> check_sample_rate(0, "x.wav")
    Traceback (most recent call last):
    ...
    ValueError: x.wav: sample rate must be a positive number of Hz, got 0
    """
    if isinstance(sr, bool) or not np.isscalar(sr) or not np.isreal(sr) or not np.isfinite(sr) or sr <= 0:
        raise ValueError(f"{name}: sample rate must be a positive number of Hz, got {sr!r}")
    return sr


def check_signal(y, sr=None, *, name="signal", allow_silence=True, mono=False):
    """Check that an audio signal can be analysed and return it as float32.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)`` or ``(n_channels, n_samples)``
        Audio samples, nominally in [-1, 1].
    sr : number or None
        Sample rate in Hz; checked to be a positive finite number if given.
    name : str
        What to call the signal in error messages (for instance its file name).
    allow_silence : bool
        If False, a signal whose samples are all zero raises ``ValueError``.
    mono : bool
        If True, only shape ``(n_samples,)`` is accepted.

    Returns
    -------
    y : np.ndarray, float32, same shape
        The signal as a float32 array.

    Raises
    ------
    TypeError
        If ``y`` is not numeric.
    ValueError
        If ``y`` is empty, has more than two dimensions (more than one if
        ``mono``), contains NaN or
        infinite values, is all zeros while ``allow_silence`` is False, or if
        ``sr`` is not a positive finite number.

    Examples
    --------
    >>> import numpy as np
    >>> check_signal(np.zeros(4), 22050).dtype
    dtype('float32')
    >>> check_signal(np.array([0.0, np.nan]), 22050, name="x.wav")
    Traceback (most recent call last):
    ...
    ValueError: x.wav: audio contains 1 non-finite sample(s) (NaN or inf)
    """
    y = np.asarray(y)
    if not np.issubdtype(y.dtype, np.number):
        raise TypeError(f"{name}: audio must be numeric, got dtype {y.dtype}")
    if mono and y.ndim != 1:
        raise ValueError(f"{name}: needs a mono signal of shape (n_samples,), got {y.shape}")
    if y.ndim not in (1, 2):
        raise ValueError(f"{name}: audio must have shape (n_samples,) or (n_channels, n_samples), got {y.shape}")
    if y.size == 0 or y.shape[-1] == 0:
        raise ValueError(f"{name}: audio is empty (0 samples)")
    n_bad = int(np.size(y) - np.count_nonzero(np.isfinite(y)))
    if n_bad:
        raise ValueError(f"{name}: audio contains {n_bad} non-finite sample(s) (NaN or inf)")
    if not allow_silence and not np.any(y):
        raise ValueError(f"{name}: audio is silent (all samples are zero)")
    if sr is not None:
        check_sample_rate(sr, name)
    return y.astype(np.float32, copy=False)


def load(path, sr=22050, mono=True, *, offset=0.0, duration=None):
    """Load an audio file as a float32 signal.

    Any format that soundfile (WAV, FLAC, OGG, MP3, ...) or audioread (via
    ffmpeg) reads is accepted. soundfile decodes as :func:`librosa.load` does
    (librosa itself, with audioread, only for files soundfile cannot read, so
    that loading a WAV file does not import librosa); resampling is
    :func:`librosa.resample`'s (soxr, high quality).

    Parameters
    ----------
    path : str or os.PathLike
        The audio file.
    sr : number or None
        Target sample rate in Hz; ``None`` keeps the file's own rate.
    mono : bool
        Mix all channels down to one.
    offset : float
        Start reading this many seconds into the file.
    duration : float or None
        Read at most this many seconds.

    Returns
    -------
    y : np.ndarray, float32, shape ``(n_samples,)`` (or ``(n_channels, n_samples)`` if not mono)
        The samples, in [-1, 1].
    sr : int
        The sample rate of ``y`` in Hz.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If ``sr`` is not positive, or the file cannot be decoded, holds no
        samples, or holds NaN or infinite values; the message names the file.

    Examples
    --------
    >>> import mirlib.data
    >>> y, sr = load(mirlib.data.madmom_file("sample.wav"), sr=None)
    >>> sr, y.shape, y.dtype
    (44100, (123481,), dtype('float32'))
    """
    import soundfile

    path = Path(os.fspath(path))
    if not path.exists():
        raise FileNotFoundError(f"audio file not found: {path}")
    if path.is_dir():
        raise ValueError(f"{path}: is a folder, not an audio file")
    if sr is not None:
        check_sample_rate(sr, str(path))
    try:
        # decode all channels at the file's own rate and check them before
        # mixing and resampling: librosa would reject NaN with a message that
        # does not name the file
        try:
            y, native_sr = _soundfile_read(path, offset, duration)
        except soundfile.LibsndfileError:  # a format libsndfile cannot decode: audioread, through librosa
            import librosa

            y, native_sr = librosa.load(path, sr=None, mono=False, offset=offset, duration=duration)
    except (soundfile.LibsndfileError, RuntimeError, EOFError, OSError) as err:
        raise ValueError(f"{path}: cannot read audio ({type(err).__name__}: {err})") from err
    except Exception as err:  # audioread's NoBackendError and decoder errors
        if type(err).__module__.startswith(("audioread", "soundfile")):
            raise ValueError(f"{path}: cannot read audio ({type(err).__name__}: {err})") from err
        raise
    y = check_signal(y, native_sr, name=str(path))
    if mono and y.ndim == 2:
        y = np.mean(y, axis=0)  # librosa.to_mono
    if sr is not None and sr != native_sr:
        import librosa

        y = librosa.resample(y, orig_sr=native_sr, target_sr=sr).astype(np.float32)
        return y, int(sr)
    return y, int(native_sr)


def _soundfile_read(path, offset, duration):
    """Decode a file with soundfile exactly as :func:`librosa.load` does: float32, ``(n_channels, n_samples)``."""
    import soundfile

    with soundfile.SoundFile(path) as f:
        if offset:
            f.seek(int(offset * f.samplerate))
        frames = -1 if duration is None else int(duration * f.samplerate)
        return f.read(frames=frames, dtype="float32", always_2d=False).T, f.samplerate


def audio_files(paths):
    """Audio files of a collection: files as given, folders searched recursively.

    Parameters
    ----------
    paths : sequence of str or Path
        Files and folders.

    Returns
    -------
    list of str
        Files in the given order; within a folder sorted by path, only those
        with an extension of :data:`AUDIO_EXTENSIONS`. A path that does not
        exist is kept, so that it is reported when it is read.

    Raises
    ------
    ValueError
        If a folder holds no audio file.
    """
    out = []
    for path in paths:
        p = Path(os.fspath(path))
        if p.is_dir():
            found = sorted(str(f) for f in p.rglob("*") if f.is_file() and f.suffix.lower() in AUDIO_EXTENSIONS)
            if not found:
                raise ValueError(f"{p}: no audio files ({', '.join(AUDIO_EXTENSIONS)}) in this folder")
            out += found
        else:
            out.append(str(p))
    return out
