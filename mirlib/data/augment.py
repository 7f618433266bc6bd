"""Data augmentation for audio: transformations that keep the label.

Augmentation trains a network on altered copies of the training examples, so
that it learns to ignore what the alteration changes (loudness, key, a little
tempo, background noise) -- a regulariser that also enlarges a small training
set :cite:p:`schlueter2015exploring`. Every function takes and returns a mono
signal of shape ``(n_samples,)`` and leaves its input unchanged; the
transformations themselves are librosa's.
"""

from __future__ import annotations

import numpy as np

from ..audio import check_signal


def _finite(name, value, positive=False):
    value = float(value)
    if not np.isfinite(value) or (positive and value <= 0):
        raise ValueError(f"{name} must be a {'positive' if positive else 'finite'} number, got {value!r}")
    return value

__all__ = ["gain", "add_noise", "pitch_shift", "time_stretch", "random_augment", "augmented_copies",
           "timbre_augment", "isolate", "band_limit", "recording_chain"]


def gain(y, db):
    """Scale a signal by ``db`` decibels (clipped to ±1).

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
    db : float
        Gain in dB (negative: softer).

    Returns
    -------
    np.ndarray, float32, shape ``(n_samples,)``

    Raises
    ------
    ValueError
        For an empty or non-finite signal or a non-finite gain.

    Examples
    --------
    >>> float(gain(np.full(4, 0.1), 20.0)[0])
    1.0
    """
    y = check_signal(y, name="signal")
    db = _finite("gain in dB", db)
    return np.clip(y * 10.0 ** (db / 20.0), -1.0, 1.0).astype(np.float32)


def add_noise(y, snr_db, rng=None):
    """Add white noise at a signal-to-noise ratio of ``snr_db`` decibels.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
    snr_db : float
        Signal-to-noise ratio in dB (signal power over noise power).
    rng : int or np.random.Generator or None
        Seed of the noise.

    Returns
    -------
    np.ndarray, float32, shape ``(n_samples,)``, clipped to ±1

    Raises
    ------
    ValueError
        For an empty, non-finite or silent signal (its SNR is undefined) or a
        non-finite ``snr_db``.
    """
    y = check_signal(y, name="signal", allow_silence=False)
    snr_db = _finite("snr_db", snr_db)
    rng = np.random.default_rng(rng)
    power = np.mean(np.asarray(y, dtype=np.float64) ** 2)
    noise = rng.standard_normal(len(y)) * np.sqrt(power / 10.0 ** (snr_db / 10.0))
    return np.clip(y + noise, -1.0, 1.0).astype(np.float32)


def pitch_shift(y, sr, n_steps):
    """Shift the pitch by ``n_steps`` semitones at the same tempo and length.

    Time stretch by phase vocoder, then resampling, as librosa does it
    :cite:p:`mcfee2015librosa`.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
    sr : int
        Sample rate in Hz.
    n_steps : float
        Semitones (negative: down).

    Returns
    -------
    np.ndarray, float32, shape ``(n_samples,)``

    Raises
    ------
    ValueError
        For an empty or non-finite signal, a bad sample rate or a non-finite
        ``n_steps``.
    """
    import librosa

    y = check_signal(y, sr, name="signal")
    n_steps = _finite("n_steps", n_steps)
    return librosa.effects.pitch_shift(y, sr=sr, n_steps=n_steps).astype(np.float32)


def time_stretch(y, rate):
    """Play ``rate`` times faster at the same pitch, same length (cut or zero-padded).

    Phase vocoder of librosa :cite:p:`mcfee2015librosa`.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
    rate : float
        Speed factor (> 1: faster).

    Returns
    -------
    np.ndarray, float32, shape ``(n_samples,)``

    Raises
    ------
    ValueError
        For an empty or non-finite signal or a rate that is not a positive number.

    Keeping the length keeps the excerpt's frame count for the network. Note
    that a stretch changes the tempo: where tempo defines a class (a Viennese
    waltz is fast), use small rates.
    """
    import librosa

    y = check_signal(y, name="signal")
    rate = _finite("rate", rate, positive=True)
    out = librosa.effects.time_stretch(y, rate=rate)
    return librosa.util.fix_length(out, size=len(y)).astype(np.float32)


def random_augment(y, sr, rng=None, max_db=6.0, max_steps=2.0, max_stretch=0.06, snr_db=(20.0, 40.0)):
    """One random combination: gain, pitch shift, small time stretch and noise.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
    sr : int
        Sample rate in Hz.
    rng : int or np.random.Generator or None
        Seed.
    max_db : float
        Gain drawn from ±``max_db`` dB.
    max_steps : float
        Pitch shift drawn from ±``max_steps`` semitones.
    max_stretch : float
        Rate drawn from ``1 ± max_stretch``.
    snr_db : tuple of float
        Range of the signal-to-noise ratio of added noise, dB.

    Returns
    -------
    np.ndarray, float32, shape ``(n_samples,)``

    Raises
    ------
    ValueError
        For an empty or non-finite signal.
    """
    rng = np.random.default_rng(rng)
    out = time_stretch(y, 1.0 + rng.uniform(-max_stretch, max_stretch))
    out = pitch_shift(out, sr, rng.uniform(-max_steps, max_steps))
    if np.any(out):
        out = add_noise(out, rng.uniform(*snr_db), rng)
    return gain(out, rng.uniform(-max_db, max_db))


def augmented_copies(signals, sr, features, copies=4, rng=None, **augment):
    """Features of randomly altered copies of signals (:func:`random_augment`): a training set augmented.

    Parameters
    ----------
    signals : sequence of np.ndarray, each ``(n_samples,)``
        The training recordings.
    sr : int
        Their sample rate in Hz.
    features : callable
        ``features(y)`` -> the network's input of one signal, e.g. a log-mel spectrogram.
    copies : int
        Altered copies of every signal.
    rng : int or np.random.Generator or None
        Seed; the copies are drawn copy by copy, signal by signal.
    **augment
        Ranges of :func:`random_augment` (``max_db``, ``max_steps``, ...).

    Returns
    -------
    np.ndarray, shape ``(copies * n_signals, ...)``
        Copy 0 of every signal, then copy 1, ...; the labels are
        ``np.tile(labels, copies)``.

    Raises
    ------
    ValueError
        For an empty or non-finite signal, or fewer than one copy.
    """
    if copies < 1:
        raise ValueError(f"copies must be at least 1, got {copies}")
    rng = np.random.default_rng(rng)
    return np.stack([features(random_augment(y, sr, rng, **augment)) for _ in range(copies) for y in signals])


def timbre_augment(X, rng, tilt=0.3, shift=2):
    """Change the sound, not the rhythm, of log-mel excerpts: a random spectral envelope and band shift.

    Each excerpt gets a random smooth gain curve over the bands (a tilt and
    two slower cosine bumps, up to about ``tilt`` in log-mel units, as
    another microphone, mix or instrument would give) and is shifted by up to
    ``shift`` bands (about a few semitones in the lower bands). Used while
    training so that the embedding depends less on instrument sounds. This is
    the book's own augmentation, in the spirit of the equalisation and pitch
    augmentations of :cite:t:`schlueter2015exploring`; its effect is measured
    in the similarity chapter (other instrument sounds).

    Parameters
    ----------
    X : np.ndarray, shape ``(n, n_frames, n_bands)``
    rng : np.random.Generator
    tilt : float
        Largest gain change, in log-mel units.
    shift : int
        Largest shift in bands.

    Returns
    -------
    np.ndarray, float32, shape ``(n, n_frames, n_bands)``
        Never below 0 (log-mel magnitudes are not negative).

    Raises
    ------
    ValueError
        If ``X`` is not 3-D, or ``tilt`` or ``shift`` is negative.
    """
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 3:
        raise ValueError(f"X must have shape (n, n_frames, n_bands), got {X.shape}")
    if tilt < 0 or shift < 0:
        raise ValueError(f"tilt and shift must not be negative, got {tilt} and {shift}")
    n, _, n_bands = X.shape
    b = np.linspace(0.0, 1.0, n_bands)
    basis = np.stack([2 * b - 1, np.cos(np.pi * b), np.cos(2 * np.pi * b)])          # (3, n_bands)
    gains = rng.uniform(-tilt, tilt, (n, 3)) @ basis / 1.5                          # (n, n_bands)
    out = np.maximum(X + gains[:, None, :].astype(np.float32), 0.0)
    for i, s in enumerate(rng.integers(-shift, shift + 1, n)):
        if s > 0:
            out[i, :, s:] = out[i, :, :-s].copy()
        elif s < 0:
            out[i, :, :s] = out[i, :, -s:].copy()
    return out


def isolate(y, sr, length, rng=None, offset=None, noise_db=(-60.0, -30.0), p_silence=0.5):
    """Place a short sound at a random position in silence or faint noise.

    An isolated word, a single note or a short clip reaches a classifier
    surrounded by silence or room noise; training on such copies of *both*
    classes keeps "short and surrounded by silence" from becoming a cue for
    either class. The sound is faded in and out over 5 ms; a sound longer
    than ``length`` is cut to a random stretch of it.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
    sr : int
        Sample rate in Hz.
    length : float
        Length of the result in seconds.
    rng : np.random.Generator or int or None
    offset : float or None
        Start of the sound in seconds; default uniform over the room left.
    noise_db : tuple of float
        Range of the background's level in dB against the sound's RMS
        (white noise), drawn uniformly.
    p_silence : float
        Probability of a background of digital silence instead.

    Returns
    -------
    np.ndarray, float32, shape ``(round(length * sr),)``

    Raises
    ------
    ValueError
        For an empty, silent or non-finite signal, or a non-positive length.

    Examples
    --------
    >>> z = isolate(np.ones(100, dtype=np.float32), 1000, 1.0, rng=0, p_silence=1.0)
    >>> z.shape, float(np.abs(z).sum()) < 100
    ((1000,), True)
    """
    y = check_signal(y, sr, name="signal", allow_silence=False)
    n = int(round(_finite("length", length, positive=True) * sr))
    rng = np.random.default_rng(rng)
    if len(y) > n:
        start = int(rng.integers(0, len(y) - n + 1))
        y = y[start:start + n]
    y = y.astype(np.float32).copy()
    fade = min(len(y) // 2, int(0.005 * sr))
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        y[:fade] *= ramp
        y[len(y) - fade:] *= ramp[::-1]
    if rng.random() < p_silence:
        out = np.zeros(n, dtype=np.float32)
    else:
        level = np.sqrt(np.mean(np.square(y))) * 10.0 ** (rng.uniform(*noise_db) / 20.0)
        out = (rng.standard_normal(n) * level).astype(np.float32)
    start = int(rng.integers(0, n - len(y) + 1)) if offset is None else min(int(offset * sr), n - len(y))
    out[start:start + len(y)] += y
    return out


def band_limit(y, sr, cutoff_sr):
    """Remove everything above half of ``cutoff_sr``, as recording at that sample rate does.

    The signal is resampled to ``cutoff_sr`` and back with librosa, e.g.
    8000 for telephone-band speech (nothing above 4 kHz).

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
    sr : int
        Sample rate in Hz.
    cutoff_sr : int
        The lower sample rate in Hz (below ``sr``).

    Returns
    -------
    np.ndarray, float32, shape ``(n_samples,)``

    Raises
    ------
    ValueError
        For an empty or non-finite signal, or ``cutoff_sr`` not below ``sr``.
    """
    import librosa

    y = check_signal(y, sr, name="signal")
    if not 0 < cutoff_sr < sr:
        raise ValueError(f"cutoff_sr must be between 0 and the sample rate {sr}, got {cutoff_sr}")
    z = librosa.resample(librosa.resample(y, orig_sr=sr, target_sr=cutoff_sr), orig_sr=cutoff_sr, target_sr=sr)
    return librosa.util.fix_length(z, size=len(y)).astype(np.float32)


def recording_chain(y, sr, rng=None):
    """A random recording and mixing chain: shelving EQ, a room, compression (pedalboard).

    What a microphone, a room and a mixing desk do to a dry drum kit, drawn at
    random: a high shelf above 3 to 9 kHz from -18 to +3 dB (a hi-hat that
    sits far below the kick and snare, or bright), a low shelf below 80 to
    250 Hz of ±6 dB, a room (pedalboard's reverb, up to 35 % wet) and a
    compressor (threshold -30 to -8 dB, ratio 1.5 to 8). The result is
    peak-normalised to 0.9. Through Spotify's pedalboard.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
    sr : int
        Sample rate in Hz.
    rng : np.random.Generator or int or None
        Draws the chain's settings (11 draws, in the order above).

    Returns
    -------
    np.ndarray, float32, shape ``(n_samples,)``

    Raises
    ------
    ValueError
        For an empty, silent or non-finite signal.
    """
    import pedalboard as pb

    y = check_signal(y, sr, name="signal")
    if not np.any(y):
        raise ValueError("signal is silent: a recording chain of silence is silence")
    rng = np.random.default_rng(rng)
    board = pb.Pedalboard([
        pb.HighShelfFilter(cutoff_frequency_hz=float(rng.uniform(3000, 9000)), gain_db=float(rng.uniform(-18, 3))),
        pb.LowShelfFilter(cutoff_frequency_hz=float(rng.uniform(80, 250)), gain_db=float(rng.uniform(-6, 6))),
        pb.Reverb(room_size=float(rng.uniform(0.05, 0.6)), damping=float(rng.uniform(0.2, 0.9)),
                  wet_level=float(rng.uniform(0.0, 0.35)), dry_level=1.0, width=0.0),
        pb.Compressor(threshold_db=float(rng.uniform(-30, -8)), ratio=float(rng.uniform(1.5, 8)),
                      attack_ms=float(rng.uniform(1, 30)), release_ms=float(rng.uniform(50, 300))),
    ])
    z = board(np.asarray(y, dtype=np.float32)[None], sr)[0]
    return (0.9 * z / (np.abs(z).max() + 1e-9)).astype(np.float32)
