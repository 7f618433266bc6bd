"""Beat-wise pitch accuracy of a transcribed bass line (mir_eval.melody)."""

from __future__ import annotations

import numpy as np

__all__ = ["beat_pitch_scores"]


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
