"""Results tables: several methods scored on the same annotated pieces."""

from __future__ import annotations

import time

from .events import beat_scores, boundary_scores, onset_scores, tempo_scores
from .pitch import beat_pitch_scores

__all__ = ["compare", "score_piece"]


def score_piece(piece, estimate, task="onsets", windows=(0.05, 0.025)):
    """Scores of one estimate against one piece's annotations.

    Parameters
    ----------
    piece : mirlib.data.Piece, mirlib.synth.sections.SectionedPiece or mirlib.synth.basslines.BassLine
        Reference annotations.
    estimate : array_like or float
        Onset, beat or boundary times in seconds, (``task="tempo"``) a tempo
        in bpm, or (``task="bass"``) a MIDI pitch per beat of the piece.
    task : {"onsets", "beats", "tempo", "boundaries", "bass"}
        Onsets: F, P, R at the first window and F at the others (seconds).
        Beats: F (±70 ms), CMLt, AMLt. Tempo: Acc1, Acc2 (4 %). Boundaries:
        F, P, R at every window, e.g. ``"F ±3 s"`` (the piece's inner
        boundaries, :func:`boundary_scores`). Bass: beat-wise accuracy and
        chroma accuracy (:func:`beat_pitch_scores`).
    windows : tuple of float
        Onset or boundary tolerance windows in seconds.

    Returns
    -------
    dict
        Score name -> value, e.g. ``{"F ±50 ms": ..., "P": ..., "R": ..., "F ±25 ms": ...}``.

    Raises
    ------
    ValueError
        For an unknown task or bad times (see :mod:`mirlib.evaluation.events`).
    """
    if task == "onsets":
        s = onset_scores(piece.onsets, estimate, window=windows[0])
        out = {f"F ±{windows[0] * 1000:.0f} ms": s["F"], "P": s["P"], "R": s["R"]}
        for w in windows[1:]:
            out[f"F ±{w * 1000:.0f} ms"] = onset_scores(piece.onsets, estimate, window=w)["F"]
        return out
    if task == "beats":
        s = beat_scores(piece.beats, estimate)
        return {"F ±70 ms": s["F"], "CMLt": s["CMLt"], "AMLt": s["AMLt"]}
    if task == "tempo":
        return tempo_scores(piece.tempo, estimate)
    if task == "boundaries":
        out = {}
        for w in windows:
            s = boundary_scores(piece.boundaries[1:-1], estimate, piece.duration, window=w)
            out.update({f"{k} ±{w:g} s": v for k, v in s.items()})
        return out
    if task == "bass":
        return beat_pitch_scores(piece.pitches, estimate)
    raise ValueError(f"task must be 'onsets', 'beats', 'tempo', 'boundaries' or 'bass', got {task!r}")


def compare(methods, pieces, task="onsets", windows=(0.05, 0.025)):
    """Mean scores of several methods over annotated pieces, as a table.

    Parameters
    ----------
    methods : dict
        Name -> ``f(y, sr)`` returning onset or beat times in seconds (or, for
        ``task="tempo"``, a tempo in bpm). For ``task="bass"``, ``f(y, sr,
        beats)`` is given the piece's beat times and returns a MIDI pitch per
        beat, as beat-wise bass transcription is given the beats
        :cite:p:`abesser2017deep`.
        Instead of a function, a list of estimates already computed, one per
        piece (its ``seconds`` are NaN): so that one run of a slow method
        can fill several tables.
    pieces : list of mirlib.data.Piece
    task : {"onsets", "beats", "tempo", "boundaries", "bass"}
        See :func:`score_piece`.
    windows : tuple of float
        Onset tolerance windows in seconds.

    Returns
    -------
    pandas.DataFrame
        One row per method, one column per score (mean over pieces), and the
        seconds each method needed in total to process the pieces (scoring
        not included).

    Raises
    ------
    ValueError
        For an unknown task, bad times returned by a method, or a list of
        estimates of another length than ``pieces``.
    """
    import pandas as pd

    if task not in ("onsets", "beats", "tempo", "boundaries", "bass"):
        raise ValueError(f"task must be 'onsets', 'beats', 'tempo', 'boundaries' or 'bass', got {task!r}")
    rows = {}
    for name, method in methods.items():
        scores, seconds = [], 0.0
        if not callable(method):
            if len(method) != len(pieces):
                raise ValueError(f"{name}: {len(method)} estimates for {len(pieces)} pieces")
            seconds = float("nan")
        for i, p in enumerate(pieces):
            if not callable(method):
                est = method[i]
            else:
                start = time.perf_counter()
                est = method(p.audio, p.sr, p.beats) if task == "bass" else method(p.audio, p.sr)
                seconds += time.perf_counter() - start
            scores.append(score_piece(p, est, task, windows))
        row = pd.DataFrame(scores).mean()
        row["seconds"] = seconds
        rows[name] = row
    return pd.DataFrame(rows).T
