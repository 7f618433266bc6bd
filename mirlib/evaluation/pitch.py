"""Beat-wise pitch accuracy of a transcribed bass line (mir_eval.melody)."""

from __future__ import annotations

import numpy as np

__all__ = ["beat_pitch_scores", "pitches_at_beats"]


def beat_pitch_scores(reference, estimated):
    """Accuracy of beat-wise pitches: exact, and forgiving octave errors.

    Abeßer et al. :cite:p:`abesser2017deep` score a walking-bass
    transcription by the share of beats whose pitch is right. Here the two
    measures of :mod:`mir_eval.melody` on one pitch per beat, every beat
    voiced: raw pitch accuracy (within half a semitone, i.e. the right MIDI
    pitch) and raw chroma accuracy (the right pitch class, octave errors
    forgiven).

    Parameters
    ----------
    reference : array_like of int, shape ``(n_beats,)``
        True MIDI pitch per beat.
    estimated : array_like of int, shape ``(n_beats,)``
        Estimated MIDI pitch per beat; a negative value means no pitch was
        found (counts as wrong).

    Returns
    -------
    dict
        ``{"accuracy": float, "chroma accuracy": float}``, each in [0, 1].

    Raises
    ------
    ValueError
        If the two differ in length, are empty, hold NaN, or the reference
        holds a pitch outside 0..127.

    Examples
    --------
    >>> beat_pitch_scores([40, 43, 45, 47], [40, 55, 45, -1])
    {'accuracy': 0.5, 'chroma accuracy': 0.75}
    """
    import mir_eval

    ref = np.asarray(reference, dtype=float)
    est = np.asarray(estimated, dtype=float)
    if ref.ndim != 1 or ref.shape != est.shape or len(ref) == 0:
        raise ValueError(f"need one estimated pitch per reference beat, got shapes {est.shape} and {ref.shape}")
    if not (np.all(np.isfinite(ref)) and np.all(np.isfinite(est))):
        raise ValueError("beat-wise pitches hold NaN or infinite values")
    if np.any((ref < 0) | (ref > 127)):
        raise ValueError("reference pitches must be MIDI numbers 0..127")
    cents = lambda p: 1200.0 * np.log2(440.0 * 2.0 ** ((p - 69) / 12.0) / 10.0)  # noqa: E731 (mir_eval's cents)
    voiced = est >= 0
    ref_c, est_c = cents(ref), np.where(voiced, cents(np.maximum(est, 0)), 0.0)
    ones = np.ones(len(ref))
    return {"accuracy": float(mir_eval.melody.raw_pitch_accuracy(ones, ref_c, voiced.astype(float), est_c)),
            "chroma accuracy": float(mir_eval.melody.raw_chroma_accuracy(ones, ref_c, voiced.astype(float), est_c))}


def pitches_at_beats(reference_beats, beats, pitches, window=0.07):
    """Carry a beat-wise transcription on other beats (e.g. tracked ones) over to the annotated beats.

    Each annotated beat takes the pitch of the nearest estimated beat within
    ``window`` seconds; an annotated beat with none that near takes the pitch
    of the estimated beat before it (whose note is sounding), and one before
    the first estimated beat gets none (-1, counted as wrong). So a tracker at
    half the tempo gives every second annotated beat the pitch of the beat
    before it, as a listener would hear it.

    Parameters
    ----------
    reference_beats : array_like, shape ``(n_reference,)``
        Annotated beat times in seconds.
    beats : array_like, shape ``(n_beats,)``
        Increasing beat times in seconds of the transcription.
    pitches : array_like of int, shape ``(n_beats,)``
        MIDI pitch per beat of ``beats``.
    window : float
        Tolerance in seconds (the beat F-measure's ±70 ms).

    Returns
    -------
    np.ndarray of int, shape ``(n_reference,)``

    Raises
    ------
    ValueError
        If ``beats`` and ``pitches`` differ in length or ``beats`` is not increasing.

    Examples
    --------
    >>> pitches_at_beats([1.0, 1.5, 2.0, 2.5], [1.02, 2.0], [40, 43]).tolist()
    [40, 40, 43, 43]
    >>> pitches_at_beats([0.5, 1.0], [0.9], [40]).tolist()
    [-1, 40]
    """
    reference_beats = np.asarray(reference_beats, dtype=float)
    beats, pitches = np.asarray(beats, dtype=float), np.asarray(pitches, dtype=int)
    if beats.shape != pitches.shape or beats.ndim != 1:
        raise ValueError(f"need one pitch per beat, got {len(pitches)} pitches for {len(beats)} beats")
    if len(beats) == 0:
        return np.full(len(reference_beats), -1, dtype=int)
    if np.any(np.diff(beats) <= 0):
        raise ValueError("beat times must be increasing")
    nearest = np.clip(np.searchsorted(beats, reference_beats), 1, len(beats) - 1) if len(beats) > 1 else \
        np.zeros(len(reference_beats), dtype=int)
    if len(beats) > 1:
        nearest = np.where(np.abs(beats[nearest - 1] - reference_beats) <= np.abs(beats[nearest] - reference_beats),
                           nearest - 1, nearest)
    before = np.searchsorted(beats, reference_beats, side="right") - 1
    index = np.where(np.abs(beats[nearest] - reference_beats) <= window, nearest, before)
    return np.where(index >= 0, pitches[np.maximum(index, 0)], -1)

