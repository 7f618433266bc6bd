"""Annotation files and annotated pieces: onsets, beats, tempo, drums.

The readers return times in seconds, time first, and raise ``ValueError``
naming the file and line of anything malformed. Drum annotations have one
shape everywhere in mirlib, from files and from the renderer alike: a dict
instrument -> onset times, keyed by :data:`DRUMS`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["DRUMS", "DRUM_CODES", "ONSET_WINDOW", "load_onsets", "combine_onsets", "load_beats", "load_tempo", "load_drums",
           "event_targets", "Piece"]

#: Drum instruments, in the order of multi-instrument targets: kick drum,
#: snare drum, hi-hat (the field's abbreviations).
DRUMS = ("KD", "SD", "HH")
#: Instrument codes of madmom's ``.drums`` files -> instrument.
DRUM_CODES = {0: "KD", 1: "SD", 2: "HH"}


# ---------------------------------------------------------------------------

def _read_rows(path, n_columns, what):
    """Rows of a whitespace-separated annotation file as lists of floats.

    ``n_columns`` is the set of allowed column counts. Lines starting with ``#``
    and blank lines are skipped.
    """
    path = Path(os.fspath(path))
    if not path.exists():
        raise FileNotFoundError(f"{what} file not found: {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: not a text {what} file ({err})") from err
    rows, numbers = [], []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = stripped.split()
        if len(fields) not in n_columns:
            allowed = " or ".join(str(n) for n in sorted(n_columns))
            raise ValueError(f"{path}, line {number}: expected {allowed} column(s), got {len(fields)}: {line!r}")
        try:
            values = [float(f) for f in fields]
        except ValueError:
            raise ValueError(f"{path}, line {number}: not a number in {line!r}") from None
        if not all(np.isfinite(values)):
            raise ValueError(f"{path}, line {number}: NaN or infinite value in {line!r}")
        rows.append(values)
        numbers.append(number)
    if not rows:
        raise ValueError(f"{path}: no {what} in file")
    return rows, numbers


def _check_times(path, times, numbers):
    for t, number in zip(times, numbers):
        if t < 0:
            raise ValueError(f"{path}, line {number}: negative time {t} s")
    for i in range(1, len(times)):
        if times[i] < times[i - 1]:
            raise ValueError(f"{path}, line {numbers[i]}: time {times[i]} s is earlier than the line before")


def load_onsets(path):
    """Read an onset annotation file (one time in seconds per line).

    Parameters
    ----------
    path : str or os.PathLike
        File with one onset time per line; ``#`` starts a comment line.

    Returns
    -------
    np.ndarray, shape ``(n_onsets,)``
        Onset times in seconds, non-decreasing.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If a line has more than one column, a non-number, NaN or a negative
        time, if times decrease, or if the file holds no onset; the message
        gives file and line.

    Examples
    --------
    >>> from mirlib.data import madmom_file
    >>> load_onsets(madmom_file("sample.onsets")).shape
    (15,)
    """
    rows, numbers = _read_rows(path, {1}, "onset")
    times = [r[0] for r in rows]
    _check_times(path, times, numbers)
    return np.array(times)


#: Onsets closer than this many seconds count as one (:func:`combine_onsets`):
#: the annotation of the generated loops and of MDB Drums' tracks.
ONSET_WINDOW = 0.03


def combine_onsets(times, window=ONSET_WINDOW):
    """Onsets closer than ``window`` seconds counted as one, at the time of the first.

    The convention of the onset datasets of Böck et al.
    :cite:p:`boeck2012evaluating`, and of madmom's peak picking
    (``madmom.utils.combine_events`` with ``combine="left"``): an onset
    detector reports notes struck together, a kick drum and a hi-hat a few
    milliseconds apart say, as one onset, so a reference that counted them
    apart would score a detector for what no detector can resolve. Each onset
    is compared with the last one kept (madmom's function, on the sorted times).

    Parameters
    ----------
    times : array_like, shape ``(n_onsets,)``
        Onset times in seconds, in any order.
    window : float
        Onsets at most this many seconds after the last kept one are dropped.

    Returns
    -------
    np.ndarray, shape ``(n_combined,)``
        Sorted onset times in seconds.

    Raises
    ------
    ValueError
        For a negative window or NaN times.

    Examples
    --------
    >>> combine_onsets([0.0, 0.02, 0.04, 0.5]).tolist()
    [0.0, 0.04, 0.5]
    """
    from ..compat import import_madmom

    times = np.sort(np.asarray(times, dtype=float).ravel())
    if not window >= 0:
        raise ValueError(f"window must be 0 s or more, got {window}")
    if np.isnan(times).any():
        raise ValueError("onset times contain NaN")
    # madmom's combine_events chains through the list as given: sorted first
    return np.asarray(import_madmom().utils.combine_events(times, window, combine="left"), dtype=float)


def load_beats(path):
    """Read a beat annotation file: time in seconds and, optionally, position in the bar.

    Parameters
    ----------
    path : str or os.PathLike
        One beat per line: ``time`` or ``time position``, where position 1
        marks a downbeat (as in madmom's ``.beats`` files).

    Returns
    -------
    times : np.ndarray, shape ``(n_beats,)``
        Beat times in seconds.
    positions : np.ndarray of int, shape ``(n_beats,)``, or None
        Beat position in the bar (1 = downbeat), None if the file has one column.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If lines mix one and two columns, a position is not a whole number
        >= 1, a time is negative or decreasing, or the file holds no beat;
        the message gives file and line.

    Examples
    --------
    >>> from mirlib.data import madmom_file
    >>> times, positions = load_beats(madmom_file("sample.beats"))
    >>> positions
    array([1, 2, 3, 4])
    """
    rows, numbers = _read_rows(path, {1, 2}, "beat")
    widths = {len(r) for r in rows}
    if len(widths) > 1:
        first = next(n for r, n in zip(rows, numbers) if len(r) != len(rows[0]))
        raise ValueError(f"{path}, line {first}: mixes lines with and without beat positions")
    times = [r[0] for r in rows]
    _check_times(path, times, numbers)
    if widths == {1}:
        return np.array(times), None
    positions = []
    for r, number in zip(rows, numbers):
        if r[1] < 1 or r[1] != int(r[1]):
            raise ValueError(f"{path}, line {number}: beat position must be a whole number >= 1, got {r[1]}")
        positions.append(int(r[1]))
    return np.array(times), np.array(positions)


def load_tempo(path):
    """Read a tempo annotation file in the MIREX format: ``T1 [T2 [S1]]``.

    ``T1`` and ``T2`` are two tempi in bpm (a slower and a faster one) and
    ``S1`` the relative salience of ``T1`` (``1 - S1`` is that of ``T2``).

    Parameters
    ----------
    path : str or os.PathLike
        Annotation file, for instance madmom's ``sample.tempo``.

    Returns
    -------
    np.ndarray, shape ``(n_tempi, 2)``
        Rows of ``(tempo in bpm, salience)``, most salient first as written.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If the file has more than one tempo line, a tempo that is not positive,
        or a salience outside [0, 1]; the message gives file and line.

    Examples
    --------
    >>> from mirlib.data import madmom_file
    >>> load_tempo(madmom_file("sample.tempo"))
    array([[ 87.5,   0.7],
           [175. ,   0.3]])
    """
    rows, numbers = _read_rows(path, {1, 2, 3}, "tempo")
    if len(rows) > 1:
        raise ValueError(f"{path}, line {numbers[1]}: expected one tempo line, found another")
    values, number = rows[0], numbers[0]
    tempi = values[:2]
    if any(t <= 0 for t in tempi):
        raise ValueError(f"{path}, line {number}: tempo must be positive bpm, got {tempi}")
    if len(tempi) == 1:
        return np.array([[tempi[0], 1.0]])
    salience = values[2] if len(values) == 3 else 0.5
    if not 0 <= salience <= 1:
        raise ValueError(f"{path}, line {number}: salience must lie in [0, 1], got {salience}")
    return np.array([[tempi[0], salience], [tempi[1], 1 - salience]])


def load_drums(path):
    """Read a drum annotation file: ``time instrument`` per line.

    Instruments are coded as in madmom: 0 kick drum (KD), 1 snare drum (SD),
    2 hi-hat (HH) (:data:`DRUM_CODES`).

    Parameters
    ----------
    path : str or os.PathLike
        Annotation file, for instance madmom's ``sample.drums``.

    Returns
    -------
    dict
        ``"KD"``, ``"SD"``, ``"HH"`` -> onset times in seconds, shape
        ``(n_onsets,)``, sorted: the same shape as
        :attr:`mirlib.synth.Rendering.drums`. An instrument that never plays
        has an empty array.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If a line does not have two columns, an instrument code is not 0, 1
        or 2, or times are negative or decreasing; the message gives file and line.

    Examples
    --------
    >>> from mirlib.data import madmom_file
    >>> drums = load_drums(madmom_file("sample.drums"))
    >>> {name: len(times) for name, times in drums.items()}
    {'KD': 7, 'SD': 3, 'HH': 10}
    """
    rows, numbers = _read_rows(path, {2}, "drum")
    times = [r[0] for r in rows]
    _check_times(path, times, numbers)
    drums = {name: [] for name in DRUMS}
    for r, number in zip(rows, numbers):
        if r[1] not in DRUM_CODES:
            raise ValueError(f"{path}, line {number}: unknown drum instrument {r[1]:g} (expected 0 KD, 1 SD, 2 HH)")
        drums[DRUM_CODES[int(r[1])]].append(r[0])
    return {name: np.asarray(t, dtype=float) for name, t in drums.items()}


def event_targets(times, n_frames, fps, neighbour=0.5):
    """Frame-wise training targets for events (onsets, beats, drum hits).

    The frame nearest each event gets 1; its two neighbours get ``neighbour``
    (a widened target makes training less sensitive to annotation offsets of
    half a frame, as in :cite:p:`schlueter2014improved`). Events outside the
    ``n_frames`` frames are left out.

    Parameters
    ----------
    times : array_like, shape ``(n_events,)``
        Event times in seconds.
    n_frames : int
        Length of the target in frames.
    fps : float
        Frame rate in frames per second.
    neighbour : float
        Target value of the adjacent frames (0: a single frame per event).

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames,)``

    Raises
    ------
    ValueError
        For NaN or negative times or a non-positive frame rate.

    Examples
    --------
    >>> event_targets([0.05, 0.1], 15, fps=100)
    array([0. , 0. , 0. , 0. , 0.5, 1. , 0.5, 0. , 0. , 0.5, 1. , 0.5, 0. ,
           0. , 0. ], dtype=float32)
    """
    times = np.asarray(times, dtype=float)
    if not (np.isfinite(fps) and fps > 0):
        raise ValueError(f"frame rate must be a positive number of frames per second, got {fps!r}")
    if not np.all(np.isfinite(times)) or np.any(times < 0):
        raise ValueError("event times must be finite, non-negative seconds")
    target = np.zeros(n_frames, dtype=np.float32)
    frames = np.round(times * fps).astype(int)
    frames = frames[(frames >= 0) & (frames < n_frames)]
    for offset in (-1, 1):
        near = np.clip(frames + offset, 0, n_frames - 1)
        target[near] = np.maximum(target[near], neighbour)
    target[frames] = 1.0
    return target


@dataclass
class Piece:
    """An annotated recording for evaluation: audio and reference annotations in seconds.

    Attributes
    ----------
    name : str
    audio : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz.
    onsets, beats : np.ndarray, shape ``(n_onsets,)`` and ``(n_beats,)``
        Reference times in seconds.
    tempo : float
        Reference tempo in bpm (0 if unknown).
    """

    name: str
    audio: np.ndarray = field(repr=False)
    sr: int
    onsets: np.ndarray = field(repr=False)
    beats: np.ndarray = field(repr=False)
    tempo: float
