"""Classical baselines of bass transcription, beat by beat: harmonic-sum salience and YIN.

They find the bass without learning, and the bass networks of
:mod:`mirlib.bass` are measured against them. Both take the mix and the beat
times and return one MIDI pitch per beat, within :data:`PITCHES`.
"""

from __future__ import annotations

import numpy as np

from ..audio import check_signal
from ..features.settings import BASS
from ..synth.basslines import BASS_RANGE

__all__ = ["PITCHES", "N_PITCHES", "salience_pitches", "yin_pitches"]

#: MIDI pitches the network tells apart: the bass range of :mod:`mirlib.synth.basslines`, E1 to G3.
PITCHES = np.arange(BASS_RANGE[0], BASS_RANGE[1] + 1)
#: Number of bass pitches (network outputs).
N_PITCHES = len(PITCHES)
# MIDI pitch of the lowest CQT bin (C1 = 24), from the feature settings
_BIN0 = int(round(69 + 12 * np.log2(BASS.fmin / 440.0)))


def salience_pitches(y, sr, beats, n_harmonics=4, weight=0.8):
    """Classical baseline: the strongest pitch of a harmonic-summation salience, per beat.

    For every pitch of the bass range, the CQT magnitudes (linear, averaged
    over the beat) at its first ``n_harmonics`` harmonics are summed with
    weights ``weight ** (h - 1)``, as in the salience functions of classic
    bass and melody transcription (Ryynänen & Klapuri, Salamon & Gómez, the
    baselines of :cite:p:`abesser2017deep`); the most salient pitch is the
    bass note.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz.
    beats : array_like, shape ``(n_beats,)``
        Beat times in seconds.
    n_harmonics : int
        Harmonics summed.
    weight : float
        Weight decay per harmonic.

    Returns
    -------
    np.ndarray of int, shape ``(n_beats,)``
        MIDI pitch per beat, within :data:`PITCHES`.

    Raises
    ------
    ValueError
        For a bad or silent signal, or no or unordered beats.
    """
    beats = _check_beats(beats)
    check_signal(y, sr, allow_silence=False)
    C = 10.0 ** BASS(y, sr) - 1.0          # undo the log compression: linear magnitudes
    per_beat = np.array([C[frames].mean(axis=0) for frames in _beat_frames(len(C), beats, BASS.fps)])
    offsets = [int(round(12 * np.log2(h))) for h in range(1, n_harmonics + 1)]
    lowest = PITCHES - _BIN0
    salience = sum(weight ** h * per_beat[:, lowest + off] for h, off in enumerate(offsets))
    return PITCHES[np.argmax(salience, axis=1)]


def yin_pitches(y, sr, beats, cutoff=250.0):
    """Classical baseline: YIN on the low-passed mix, the median pitch per beat.

    The mix is low-passed (4th-order Butterworth at ``cutoff`` Hz) to keep
    mostly the bass, then YIN (:func:`librosa.yin`, de Cheveigné & Kawahara)
    estimates a fundamental frequency per frame in the bass range; the median
    over a beat's frames, rounded to the nearest semitone, is the bass note.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
    sr : int
    beats : array_like, shape ``(n_beats,)``
    cutoff : float
        Low-pass cutoff in Hz.

    Returns
    -------
    np.ndarray of int, shape ``(n_beats,)``
        MIDI pitch per beat, clipped to :data:`PITCHES`.

    Raises
    ------
    ValueError
        For a bad or silent signal, or no or unordered beats.
    """
    import librosa
    from scipy.signal import butter, sosfiltfilt

    beats = _check_beats(beats)
    y = BASS.prepare(check_signal(y, sr, allow_silence=False), sr)
    low = sosfiltfilt(butter(4, cutoff, fs=BASS.sr, output="sos"), y)
    f0 = librosa.yin(low, fmin=librosa.midi_to_hz(PITCHES[0] - 1), fmax=librosa.midi_to_hz(PITCHES[-1] + 1),
                     sr=BASS.sr, frame_length=4096, hop_length=BASS.hop_size)
    midi = librosa.hz_to_midi(f0)
    per_beat = np.array([np.median(midi[frames]) for frames in _beat_frames(len(midi), beats, BASS.fps)])
    return np.clip(np.round(per_beat), PITCHES[0], PITCHES[-1]).astype(int)


def _beat_frames(n_frames, beats, fps):
    """For each beat, the indices of the frames centred between it and the next beat (the last lasting a
    median beat); a beat shorter than a frame gets its nearest frame."""
    period = float(np.median(np.diff(beats))) if len(beats) > 1 else 0.5
    edges = np.append(beats, beats[-1] + period)
    times = np.arange(n_frames) / fps
    for start, end in zip(edges[:-1], edges[1:]):
        inside = np.flatnonzero((times >= start) & (times < end))
        yield inside if len(inside) else np.array([min(n_frames - 1, int(round(start * fps)))])


def _check_beats(beats):
    beats = np.asarray(beats, dtype=float)
    if beats.ndim != 1 or len(beats) == 0 or not np.all(np.isfinite(beats)):
        raise ValueError("need at least one finite beat time")
    if np.any(np.diff(beats) <= 0):
        raise ValueError("beat times must increase")
    return beats
