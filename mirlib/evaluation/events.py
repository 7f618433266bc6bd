"""Evaluation of events (onsets, beats, drum hits) and tempo the way the field reports them.

Onset and beat scores come from mir_eval :cite:p:`raffel2014mireval`; every
function states its tolerance window in seconds. Tempo accuracies Acc1 and Acc2
follow Gouyon et al. :cite:p:`gouyon2006experimental`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["onset_scores", "drum_scores", "scores_from_counts", "score_transcriptions", "recall_by_instrument",
           "beat_scores", "tempo_scores", "boundary_scores", "check_times", "match_events"]


def match_events(reference, estimated, window):
    """Which estimates are correct and which references are found, within a tolerance window.

    The one-to-one matching of mir_eval's F-measures
    (:func:`mir_eval.util.match_events`): each reference matches at most one
    estimate, so the counts give the same F-measure as :func:`onset_scores`
    (and, at ±3 s, as :func:`boundary_scores`).

    Parameters
    ----------
    reference, estimated : array_like, shape ``(n_events,)``
        Event times in seconds.
    window : float
        Tolerance window in seconds (half width), e.g. 0.05 for onsets, 3.0
        for section boundaries.

    Returns
    -------
    correct : np.ndarray of bool, shape ``(n_estimated,)``
        True where an estimate matched a reference.
    found : np.ndarray of bool, shape ``(n_reference,)``
        True where a reference was matched.

    Raises
    ------
    ValueError
        For bad times (see :func:`check_times`) or a window that is not positive.

    Examples
    --------
    >>> correct, found = match_events([0.1, 0.5, 1.0], [0.12, 0.13, 0.9], window=0.05)
    >>> correct.tolist(), found.tolist()
    ([True, False, False], [True, False, False])
    """
    import mir_eval

    if not (np.isfinite(window) and window > 0):
        raise ValueError(f"tolerance window must be a positive number of seconds, got {window!r}")
    ref, est = check_times(reference, "reference events"), check_times(estimated, "estimated events")
    correct, found = np.zeros(len(est), dtype=bool), np.zeros(len(ref), dtype=bool)
    if len(ref) and len(est):
        pairs = mir_eval.util.match_events(ref, est, window)
        found[[i for i, _ in pairs]] = True
        correct[[j for _, j in pairs]] = True
    return correct, found


def check_times(times, name="times"):
    """Check event times in seconds: 1-D, finite, non-negative, sorted.

    Returns
    -------
    np.ndarray, float64, shape ``(n_events,)``

    Raises
    ------
    ValueError
        If the array is not one-dimensional, holds NaN, negative or unsorted times.
    """
    t = np.asarray(times, dtype=float)
    if t.ndim != 1:
        raise ValueError(f"{name} must be a one-dimensional array of seconds, got shape {t.shape}")
    if not np.all(np.isfinite(t)):
        raise ValueError(f"{name} contain NaN or infinite values")
    if np.any(t < 0):
        raise ValueError(f"{name} contain negative times")
    if np.any(np.diff(t) < 0):
        raise ValueError(f"{name} are not sorted")
    return t


def onset_scores(reference, estimated, window=0.05):
    """Onset F-measure, precision and recall with a tolerance window.

    An estimated onset is correct if it lies within ``window`` seconds of a
    reference onset; each reference matches at most one estimate
    (:func:`mir_eval.onset.f_measure`). ±50 ms is the common window; Schlüter &
    Böck :cite:p:`schlueter2014improved` also report ±25 ms.

    Parameters
    ----------
    reference, estimated : array_like, shape ``(n_onsets,)``
        Onset times in seconds.
    window : float
        Tolerance window in seconds (half width).

    Returns
    -------
    dict
        ``{"F": float, "P": float, "R": float}``.

    Raises
    ------
    ValueError
        For bad times (see :func:`check_times`) or a window that is not a
        positive number of seconds; a window of a second or more is almost
        certainly a number of frames given by mistake.

    Examples
    --------
    >>> onset_scores([0.1, 0.5, 1.0], [0.12, 0.9])
    {'F': 0.4, 'P': 0.5, 'R': 0.3333333333333333}
    """
    import mir_eval

    _check_window(window)
    ref, est = check_times(reference, "reference onsets"), check_times(estimated, "estimated onsets")
    if len(ref) == 0 and len(est) == 0:
        return {"F": 1.0, "P": 1.0, "R": 1.0}
    if len(ref) == 0 or len(est) == 0:
        # nothing can match; mir_eval would return the same zeros with a warning
        return {"F": 0.0, "P": 0.0, "R": 0.0}
    f, p, r = mir_eval.onset.f_measure(ref, est, window=window)
    return {"F": float(f), "P": float(p), "R": float(r)}


def drum_scores(reference, estimated, window=0.05, instruments=("KD", "SD", "HH")):
    """Drum transcription scores per instrument and overall, with a tolerance window.

    Each instrument is matched on its own (:func:`mir_eval.onset.f_measure`).
    The overall F-measure sums the counts of true positives, false positives
    and false negatives over instruments before computing precision and
    recall (micro average), as Vogl et al. :cite:p:`vogl2017drum` report it:
    a rare instrument counts by its number of hits, not as a third of the
    score. The paper uses ±20 ms; ±50 ms is common for onsets.

    Parameters
    ----------
    reference, estimated : dict
        Instrument name -> onset times in seconds, shape ``(n_onsets,)``.
    window : float
        Tolerance window in seconds (half width).
    instruments : tuple of str
        Instruments to score; each must be a key of ``reference``; one
        missing from ``estimated`` counts as no onsets.

    Returns
    -------
    dict
        Instrument name and ``"overall"`` -> ``{"F", "P", "R", "TP", "FP", "FN"}``.

    Raises
    ------
    ValueError
        For a reference without one of the instruments, an estimate with an
        instrument not scored, bad times or a bad window.

    Examples
    --------
    >>> ref = {"KD": [0.0, 1.0], "SD": [0.5], "HH": [0.0, 0.25, 0.5, 0.75]}
    >>> est = {"KD": [0.01, 1.0], "SD": [], "HH": [0.0, 0.25, 0.5, 0.75]}
    >>> s = drum_scores(ref, est)
    >>> round(s["overall"]["F"], 3), s["SD"]["F"], s["overall"]["FN"]
    (0.923, 0.0, 1)
    """
    import mir_eval

    _check_window(window)
    missing = [name for name in instruments if name not in reference]
    if missing:
        raise ValueError(f"reference has no onsets for {missing}; it has {sorted(reference)}")
    extra = sorted(set(estimated) - set(instruments))
    if extra:
        raise ValueError(f"estimated instruments {extra} are not scored ({list(instruments)})")
    out, totals = {}, np.zeros(3, dtype=int)
    for name in instruments:
        ref = check_times(reference[name], f"reference {name} onsets")
        est = check_times(estimated.get(name, []), f"estimated {name} onsets")
        tp = len(mir_eval.util.match_events(ref, est, window)) if len(ref) and len(est) else 0
        counts = np.array([tp, len(est) - tp, len(ref) - tp])
        totals += counts
        out[name] = scores_from_counts(*counts)
    out["overall"] = scores_from_counts(*totals)
    return out


def recall_by_instrument(references, estimates, window=0.05, instruments=("KD", "SD", "HH")):
    """Which instruments' hits an onset detector finds: recall per instrument, summed over pieces.

    An onset detector reports onsets of any kind; a drum annotation says which
    instrument struck. Each instrument's hits are matched on their own against
    all detected onsets (:func:`match_events`), so one detected onset may find
    a kick drum and a hi-hat struck together. Counts are summed over pieces
    before dividing (micro average), as in :func:`drum_scores`
    :cite:p:`vogl2017drum`.

    Parameters
    ----------
    references : list of dict
        One per piece: instrument name -> annotated onset times in seconds,
        shape ``(n_hits,)`` (e.g. ``track.drums`` of :mod:`mirlib.data.mdb_drums`).
    estimates : list of array_like
        One per piece: detected onset times in seconds, shape ``(n_onsets,)``.
    window : float
        Tolerance window in seconds (half width).
    instruments : tuple of str
        Instruments to report; each must be a key of every reference.

    Returns
    -------
    dict
        Instrument name -> share of its annotated hits found, in [0, 1].

    Raises
    ------
    ValueError
        For lists of different lengths, a reference without one of the
        instruments, an instrument with no hit in any piece, bad times or a
        bad window.

    Examples
    --------
    >>> recall_by_instrument([{"KD": [0.0, 1.0], "HH": [0.0, 0.5]}], [[0.01, 0.5]], instruments=("KD", "HH"))
    {'KD': 0.5, 'HH': 1.0}
    """
    if len(references) != len(estimates):
        raise ValueError(f"{len(references)} references but {len(estimates)} estimates")
    found, total = dict.fromkeys(instruments, 0), dict.fromkeys(instruments, 0)
    for reference, estimated in zip(references, estimates):
        missing = [name for name in instruments if name not in reference]
        if missing:
            raise ValueError(f"reference has no onsets for {missing}; it has {sorted(reference)}")
        for name in instruments:
            hits = match_events(reference[name], estimated, window)[1]
            found[name] += int(hits.sum())
            total[name] += len(hits)
    empty = [name for name in instruments if total[name] == 0]
    if empty:
        raise ValueError(f"no annotated hit of {empty} in any piece: their recall is undefined")
    return {name: found[name] / total[name] for name in instruments}


def score_transcriptions(references, estimates, window=0.05, instruments=("KD", "SD", "HH")):
    """Scores of many transcriptions, counts summed over pieces and instruments.

    Parameters
    ----------
    references, estimates : sequence of dict
        Per piece, ``"KD"``, ``"SD"``, ``"HH"`` -> onset times in seconds.
    window : float
        Tolerance window in seconds.
    instruments : tuple of str
        Instruments to score (see :func:`drum_scores`).

    Returns
    -------
    dict
        Instrument and ``"overall"`` -> ``{"F", "P", "R", "TP", "FP", "FN"}``
        over all pieces (micro average, as :func:`drum_scores` per piece).

    Raises
    ------
    ValueError
        If the two sequences differ in length or are empty.
    """
    if len(references) != len(estimates) or not references:
        raise ValueError(f"need as many estimates as references (at least one), got {len(references)} "
                         f"and {len(estimates)}")
    totals = {name: np.zeros(3, dtype=int) for name in instruments + ("overall",)}
    for ref, est in zip(references, estimates):
        scores = drum_scores(ref, est, window=window, instruments=instruments)
        for name in totals:
            totals[name] += [scores[name]["TP"], scores[name]["FP"], scores[name]["FN"]]
    return {name: scores_from_counts(*counts) for name, counts in totals.items()}


def scores_from_counts(tp, fp, fn):
    """F-measure, precision and recall from counts of true and false positives and false negatives.

    Parameters
    ----------
    tp, fp, fn : int
        Counts (e.g. summed over instruments or pieces for a micro average).

    Returns
    -------
    dict
        ``{"F", "P", "R", "TP", "FP", "FN"}``; with nothing to find and nothing
        found, P = R = F = 1.

    Examples
    --------
    >>> scores_from_counts(8, 0, 1)["F"]
    0.9411764705882353
    """
    p = tp / (tp + fp) if tp + fp else 1.0 if fn == 0 else 0.0
    r = tp / (tp + fn) if tp + fn else 1.0 if fp == 0 else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"F": float(f), "P": float(p), "R": float(r), "TP": int(tp), "FP": int(fp), "FN": int(fn)}


def beat_scores(reference, estimated, window=0.07):
    """Beat F-measure (±70 ms) and the continuity scores CMLt and AMLt.

    CMLt (correct metrical level, total) is the fraction of beats in correctly
    tracked continuous segments; AMLt also accepts double or half tempo and
    off-beat tracking :cite:p:`davies2009evaluation`. Unlike
    :func:`mir_eval.beat.evaluate`, the first 5 seconds are *not* discarded,
    because the book's excerpts are short.

    Parameters
    ----------
    reference, estimated : array_like, shape ``(n_beats,)``
        Beat times in seconds.
    window : float
        Tolerance window of the F-measure in seconds.

    Returns
    -------
    dict
        ``{"F": float, "CMLt": float, "AMLt": float}``.

    Raises
    ------
    ValueError
        For bad times or window, or fewer than two reference beats (continuity
        needs a beat interval).

    Examples
    --------
    >>> ref = np.arange(1, 17) * 0.5
    >>> off_beat = beat_scores(ref, ref + 0.25)  # tapping between the beats
    >>> off_beat["F"], off_beat["CMLt"], off_beat["AMLt"] > 0.9
    (0.0, 0.0, True)
    """
    import mir_eval

    _check_window(window)
    ref, est = check_times(reference, "reference beats"), check_times(estimated, "estimated beats")
    if len(ref) < 2:
        raise ValueError("beat evaluation needs at least two reference beats")
    f = mir_eval.beat.f_measure(ref, est, f_measure_threshold=window) if len(est) else 0.0
    if len(est) >= 2:
        _, cmlt, _, amlt = mir_eval.beat.continuity(ref, est)
    else:
        cmlt = amlt = 0.0
    return {"F": float(f), "CMLt": float(cmlt), "AMLt": float(amlt)}


def tempo_scores(reference, estimated, tolerance=0.04):
    """Tempo accuracies Acc1 and Acc2 of Gouyon et al. (2006).

    Acc1: the estimate lies within ``tolerance`` (4 %) of the reference tempo.
    Acc2: the same, also accepting 2, 3, 1/2 or 1/3 times the reference
    (octave errors) :cite:p:`gouyon2006experimental`.

    Parameters
    ----------
    reference, estimated : float
        Tempi in beats per minute.
    tolerance : float
        Relative tolerance.

    Returns
    -------
    dict
        ``{"Acc1": 0.0 or 1.0, "Acc2": 0.0 or 1.0}``.

    Raises
    ------
    ValueError
        If a tempo is not a positive finite number of bpm.

    Examples
    --------
    >>> tempo_scores(120, 61)
    {'Acc1': 0.0, 'Acc2': 1.0}
    """
    for name, value in (("reference", reference), ("estimated", estimated)):
        if not (np.isfinite(value) and value > 0):
            raise ValueError(f"{name} tempo must be a positive number of bpm, got {value!r}")
    def close(factor):
        return abs(estimated - factor * reference) <= tolerance * factor * reference
    acc1 = close(1.0)
    acc2 = any(close(f) for f in (1.0, 2.0, 3.0, 1 / 2, 1 / 3))
    return {"Acc1": float(acc1), "Acc2": float(acc2)}


def boundary_scores(reference, estimated, duration, window=3.0):
    """Section boundary F-measure, precision and recall with a tolerance window.

    The measure of MIREX's structural segmentation task
    (:func:`mir_eval.segment.detection` with ``trim=True``): an estimated
    boundary is correct within ``window`` seconds of a reference boundary,
    each matched at most once; the start and end of the piece do not count.
    ±0.5 s and ±3 s are the usual windows (SALAMI results of Ullrich et al.
    :cite:p:`ullrich2014boundary` and Grill & Schlüter :cite:p:`grill2015music`).

    Parameters
    ----------
    reference, estimated : array_like, shape ``(n_boundaries,)``
        Times in seconds where sections start, without the start and end of
        the piece (those are added, and trimmed again, here).
    duration : float
        Length of the piece in seconds.
    window : float
        Tolerance window in seconds (half width), e.g. 0.5 or 3.0.

    Returns
    -------
    dict
        ``{"F": float, "P": float, "R": float}``.

    Raises
    ------
    ValueError
        For bad times, a boundary outside ``(0, duration)``, a duration that is
        not positive, or a window that is not positive or above 10 s.

    Examples
    --------
    >>> boundary_scores([10.0, 20.0, 30.0], [10.3, 24.0], duration=40.0, window=0.5)
    {'F': 0.4, 'P': 0.5, 'R': 0.3333333333333333}
    >>> boundary_scores([10.0, 20.0, 30.0], [10.3, 24.0], duration=40.0, window=3.0)["F"]
    0.4
    """
    import mir_eval

    if not (np.isfinite(window) and 0 < window <= 10):
        raise ValueError(f"tolerance window must be a positive number of seconds up to 10, got {window!r}")
    if not (np.isfinite(duration) and duration > 0):
        raise ValueError(f"duration must be positive seconds, got {duration!r}")
    ref, est = check_times(reference, "reference boundaries"), check_times(estimated, "estimated boundaries")
    for name, times in (("reference", ref), ("estimated", est)):
        if len(times) and (times[0] <= 0 or times[-1] >= duration):
            raise ValueError(f"{name} boundaries must lie inside (0, {duration}) s, got {times.tolist()}")
    if len(ref) == 0 and len(est) == 0:
        return {"F": 1.0, "P": 1.0, "R": 1.0}
    if len(ref) == 0 or len(est) == 0:
        return {"F": 0.0, "P": 0.0, "R": 0.0}

    def intervals(times):
        edges = np.concatenate([[0.0], times, [duration]])
        return np.stack([edges[:-1], edges[1:]], axis=1)

    p, r, f = mir_eval.segment.detection(intervals(ref), intervals(est), window=window, trim=True)
    return {"F": float(f), "P": float(p), "R": float(r)}


def _check_window(window):
    if not (np.isfinite(window) and window > 0):
        raise ValueError(f"tolerance window must be a positive number of seconds, got {window!r}")
    if window >= 1.0:
        raise ValueError(f"tolerance window of {window} s is implausibly long: give it in seconds, not frames")
