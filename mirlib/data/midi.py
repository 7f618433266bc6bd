"""Drum transcriptions as General MIDI drum tracks, through pretty_midi.

A transcription (KD, SD, HH onset times in seconds) opens in any notation
program or sequencer as a General MIDI drum track: channel 10, note 36 for
the kick drum, 38 for the snare drum and 42 for the closed hi-hat. Writing
and reading are done by pretty_midi :cite:p:`raffel2014intuitive`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .annotations import DRUMS

__all__ = ["GM_DRUM_NOTES", "write_drum_midi", "read_drum_midi"]

#: General MIDI percussion notes (channel 10) of the three instruments.
GM_DRUM_NOTES = {"KD": 36, "SD": 38, "HH": 42}
_NOTE_SECONDS = 0.05


def write_drum_midi(drums, path, tempo=120.0, velocity=100):
    """Write onsets per instrument as a General MIDI drum track.

    Parameters
    ----------
    drums : dict
        ``"KD"``, ``"SD"``, ``"HH"`` -> onset times in seconds (missing
        instruments have no notes).
    path : str or pathlib.Path
        MIDI file to write (``.mid``).
    tempo : float
        Tempo in bpm written into the file (notation programs use it for the
        bar lines; the note times in seconds do not depend on it).
    velocity : int
        MIDI velocity of every note, 1 to 127.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ValueError
        For an unknown instrument, NaN or negative times, or a bad tempo or velocity.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "beat.mid")
    >>> _ = write_drum_midi({"KD": [0.0, 1.0], "SD": [0.5], "HH": [0.0, 0.25]}, path)
    >>> {k: v.tolist() for k, v in read_drum_midi(path).items()}
    {'KD': [0.0, 1.0], 'SD': [0.5], 'HH': [0.0, 0.25]}
    """
    from ..compat import import_pretty_midi

    pretty_midi = import_pretty_midi()

    unknown = sorted(set(drums) - set(GM_DRUM_NOTES))
    if unknown:
        raise ValueError(f"unknown drum instrument(s) {unknown}; General MIDI notes are known for {DRUMS}")
    if not (np.isfinite(tempo) and tempo > 0):
        raise ValueError(f"tempo must be a positive number of bpm, got {tempo!r}")
    if not 1 <= int(velocity) <= 127:
        raise ValueError(f"MIDI velocity must lie in 1..127, got {velocity}")
    pm = pretty_midi.PrettyMIDI(initial_tempo=float(tempo))
    track = pretty_midi.Instrument(program=0, is_drum=True, name="drums")
    for name, times in drums.items():
        times = np.asarray(times, dtype=float)
        if not np.all(np.isfinite(times)) or np.any(times < 0):
            raise ValueError(f"{name} onsets must be finite, non-negative seconds")
        for t in np.sort(times):
            track.notes.append(pretty_midi.Note(velocity=int(velocity), pitch=GM_DRUM_NOTES[name], start=float(t),
                                                end=float(t) + _NOTE_SECONDS))
    pm.instruments.append(track)
    pm.write(str(path))
    return Path(path)


def read_drum_midi(path):
    """Read KD, SD and HH onsets from the drum track(s) of a MIDI file.

    Notes of drum tracks (channel 10) with pitch 36 or 35 (kick drums), 38 or
    40 (snare drums) and 42 or 44 (closed and pedal hi-hat) are read; other
    drums and melodic tracks are ignored.

    Parameters
    ----------
    path : str or pathlib.Path

    Returns
    -------
    dict
        ``"KD"``, ``"SD"``, ``"HH"`` -> sorted onset times in seconds.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If it is not a readable MIDI file.
    """
    from ..compat import import_pretty_midi

    pretty_midi = import_pretty_midi()

    if not Path(path).is_file():
        raise FileNotFoundError(f"no MIDI file {path}")
    try:
        pm = pretty_midi.PrettyMIDI(str(path))
    except Exception as err:  # pretty_midi/mido raise many types for a broken file
        raise ValueError(f"{path}: not a readable MIDI file ({err})") from err
    pitches = {35: "KD", 36: "KD", 38: "SD", 40: "SD", 42: "HH", 44: "HH"}
    out = {name: [] for name in DRUMS}
    for inst in pm.instruments:
        if inst.is_drum:
            for note in inst.notes:
                if note.pitch in pitches:
                    out[pitches[note.pitch]].append(round(note.start, 6))
    return {name: np.sort(np.asarray(t, dtype=float)) for name, t in out.items()}
