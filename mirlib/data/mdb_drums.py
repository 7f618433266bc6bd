"""MDB Drums: real songs with drum onsets by instrument and beats with their position in the bar.

MDB Drums :cite:p:`southall2017mdb` annotates 23 tracks of MedleyDB
:cite:p:`bittner2014medleydb` (the "MusicDelta" pieces: rock, pop, jazz,
reggae, punk, metal, ...; 7 to 51 s each) with every drum onset in six classes
(KD kick drum, SD snare drum, HH hi-hat, TT toms, CY cymbals, OT other) and 21
subclasses by playing technique; Richard Vogl added the beats with their
position in the bar. For each track there is the full mix (44.1 kHz stereo)
and the drum track alone (mono). Licence: CC BY-NC-SA 4.0; show
:data:`ATTRIBUTION` wherever a track is played or plotted.

The files are read from ``$MIRLIB_DATA_DIR/mdb-drums/MDB Drums/`` (the
upstream repository's own layout) and, where missing, downloaded from the
upstream repository at a pinned commit through pooch, each checked against
the registry shipped with mirlib (``mdb_drums.tsv``: size, git blob id and,
where known, sha256). The book uses :data:`VALIDATION_TRACKS` only, for
validation and the chapters' real-song figures: no shipped network trains on
them.

Examples
--------
>>> track = load_track("MusicDelta_Rock")
>>> track.sr, round(len(track.audio) / track.sr, 1)
(44100, 13.1)
>>> {name: len(times) for name, times in track.drums.items()}
{'KD': 12, 'SD': 12, 'HH': 48}
>>> track.positions[:4]
array([1, 2, 3, 4])
"""

from __future__ import annotations

import csv
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .annotations import DRUMS, ONSET_WINDOW, Piece, _check_times, combine_onsets, load_beats
from .recordings import data_dir

__all__ = ["TRACKS", "VALIDATION_TRACKS", "CLASSES", "ONSET_WINDOW", "ATTRIBUTION", "COMMIT", "URL", "REGISTRY", "Track", "track_file",
           "load_class_annotation", "load_track", "load_tracks"]

#: The upstream repository's commit the registry pins.
COMMIT = "b29e2d63c3a023506f4bf353c5b2e8a558eed135"
#: Address of an upstream file, from the commit and the path in the repository (spaces as %20).
URL = "https://raw.githubusercontent.com/CarlSouthall/MDBDrums/{commit}/{path}"
_ROOT = "MDB Drums"
#: Drum classes of the class annotation: the three of drum transcription (:data:`mirlib.data.DRUMS`),
#: then toms, cymbals and other.
CLASSES = (*DRUMS, "TT", "CY", "OT")
#: The four tracks the book uses to validate and to show real songs (never to train).
VALIDATION_TRACKS = ("MusicDelta_Hendrix", "MusicDelta_Reggae", "MusicDelta_Rock", "MusicDelta_Zeppelin")
#: Attribution to show wherever an MDB Drums track is played or plotted.
ATTRIBUTION = ("MDB Drums (Southall, Wu, Lerch & Hockman, ISMIR 2017; beats by R. Vogl), audio from MedleyDB "
               "(Bittner et al., ISMIR 2014), https://github.com/CarlSouthall/MDBDrums, CC BY-NC-SA 4.0")

_KINDS = {
    "mix": "audio/full_mix/{track}_MIX.wav",
    "drums": "audio/drum_only/{track}_Drum.wav",
    "class": "annotations/class/{track}_class.txt",
    "subclass": "annotations/subclass/{track}_subclass.txt",
    "beats": "annotations/beats/{track}_MIX.beats",
}


def _registry():
    rows = {}
    with open(Path(__file__).with_name("mdb_drums.tsv"), newline="", encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    for row in csv.DictReader(lines, delimiter="\t"):
        rows[row["path"]] = row
    return rows


#: The registry: path in the repository -> row with ``size``, ``git_blob_sha1`` and ``sha256`` (``-`` where unknown).
REGISTRY = _registry()
#: The 23 tracks of MDB Drums.
TRACKS = tuple(sorted(p.rsplit("/", 1)[1][:-len("_class.txt")] for p in REGISTRY
                      if p.startswith(f"{_ROOT}/annotations/class/")))


def _check_track(track):
    if track not in TRACKS:
        raise ValueError(f"unknown MDB Drums track {track!r}; the 23 tracks: {', '.join(TRACKS)}")


def _blob_id(path):
    h = hashlib.sha1(f"blob {os.path.getsize(path)}\0".encode())
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _verify(path, entry):
    """Raise ValueError unless the file at ``path`` is the registry's ``entry``."""
    if entry["sha256"] != "-":
        import pooch

        digest = pooch.file_hash(str(path), alg="sha256")
        if digest != entry["sha256"]:
            raise ValueError(f"{path}: sha256 {digest} is not MDB Drums' {entry['sha256']}: a damaged or other file")
    elif (blob := _blob_id(path)) != entry["git_blob_sha1"]:
        raise ValueError(f"{path}: git blob id {blob} is not MDB Drums' {entry['git_blob_sha1']}: "
                         f"a damaged or other file")


def track_file(track, kind):
    """Path of one file of an MDB Drums track, downloading it if needed.

    Parameters
    ----------
    track : str
        One of :data:`TRACKS`, e.g. ``"MusicDelta_Rock"``.
    kind : {"mix", "drums", "class", "subclass", "beats"}
        The full mix, the drum track alone, the class or subclass drum
        annotation, or the beat annotation.

    Returns
    -------
    pathlib.Path
        ``$MIRLIB_DATA_DIR/mdb-drums/MDB Drums/...``, checked against the
        registry's sha256 (or git blob id) when downloaded; a local copy is
        checked by its size.

    Raises
    ------
    ValueError
        For an unknown track or kind, or a file that is not the registry's.
    FileNotFoundError
        If the file is neither here nor downloadable (no network).
    """
    _check_track(track)
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {sorted(_KINDS)}, got {kind!r}")
    rel = f"{_ROOT}/{_KINDS[kind].format(track=track)}"
    entry = REGISTRY[rel]
    path = data_dir() / "mdb-drums" / rel
    if path.exists():
        if entry["size"] != "-" and path.stat().st_size != int(entry["size"]):
            raise ValueError(f"{path}: {path.stat().st_size} bytes, but MDB Drums' file has {entry['size']}: "
                             f"a damaged or other file")
        return path
    import pooch

    url = URL.format(commit=COMMIT, path=rel.replace(" ", "%20"))
    try:
        # the registry's sha256 where known; else the git blob id is checked after the download
        got = pooch.retrieve(url, known_hash=None if entry["sha256"] == "-" else f"sha256:{entry['sha256']}",
                             fname=path.name, path=path.parent, progressbar=False)
    except Exception as err:   # pooch raises requests' errors for a machine without network
        raise FileNotFoundError(f"MDB Drums file {rel!r} is not in {path.parent} and could not be downloaded "
                                f"from {url} ({type(err).__name__}); set MIRLIB_DATA_DIR to a copy") from err
    try:
        _verify(got, entry)
    except ValueError:
        os.remove(got)
        raise
    return Path(got)


def load_class_annotation(path):
    """Read an MDB Drums class annotation: ``time<TAB>class`` per drum onset.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    dict
        Each of :data:`CLASSES` (``"KD"``, ``"SD"``, ``"HH"``, ``"TT"``,
        ``"CY"``, ``"OT"``) -> onset times in seconds, shape ``(n_onsets,)``,
        sorted; empty for a class that never plays.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        For a line without two fields, a class not in :data:`CLASSES`, a
        time that is not a number, negative or NaN, or times out of order;
        the message gives file and line.
    """
    path = Path(os.fspath(path))
    if not path.exists():
        raise FileNotFoundError(f"drum annotation file not found: {path}")
    out = {name: [] for name in CLASSES}
    times, numbers = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 2:
            raise ValueError(f"{path}, line {number}: expected 'time class', got {line!r}")
        try:
            t = float(fields[0])
        except ValueError:
            raise ValueError(f"{path}, line {number}: not a time in seconds: {fields[0]!r}") from None
        if not np.isfinite(t):
            raise ValueError(f"{path}, line {number}: NaN or infinite time")
        if fields[1] not in out:
            raise ValueError(f"{path}, line {number}: unknown drum class {fields[1]!r} (expected {', '.join(CLASSES)})")
        out[fields[1]].append(t)
        times.append(t)
        numbers.append(number)
    if not times:
        raise ValueError(f"{path}: no drum onset in file")
    _check_times(path, times, numbers)
    return {name: np.asarray(t, dtype=float) for name, t in out.items()}


@dataclass
class Track(Piece):
    """An MDB Drums track: audio and its drum and beat annotations, times in seconds.

    Attributes
    ----------
    name, audio, sr, onsets, beats, tempo
        As :class:`mirlib.data.Piece`: ``onsets`` are all drum onsets (every
        class; hits within :data:`mirlib.data.ONSET_WINDOW`, 30 ms, of each
        other count as one, :func:`mirlib.data.combine_onsets`), ``tempo`` the median inter-beat
        interval in bpm.
    source : str
        ``"mix"`` (the band) or ``"drums"`` (the drum track alone).
    drums : dict
        ``"KD"``, ``"SD"``, ``"HH"`` -> onset times: the shape of
        :func:`mirlib.data.load_drums` and of the drum transcription.
    other_drums : dict
        ``"TT"``, ``"CY"``, ``"OT"`` -> onset times (toms, cymbals, other).
    positions : np.ndarray of int, shape ``(n_beats,)``
        Each beat's position in the bar (1 = downbeat).
    """

    source: str = "mix"
    drums: dict = field(default_factory=dict, repr=False)
    other_drums: dict = field(default_factory=dict, repr=False)
    positions: np.ndarray = field(default=None, repr=False)

    @property
    def downbeats(self):
        """Downbeat times in seconds, shape ``(n_bars,)``."""
        return self.beats[self.positions == 1]


def load_track(track, source="mix", mono=True):
    """An MDB Drums track with its annotations.

    Parameters
    ----------
    track : str
        One of :data:`TRACKS`.
    source : {"mix", "drums"}
        The full mix or the drum track alone.
    mono : bool
        Mix the channels down (as every mirlib chain expects).

    Returns
    -------
    Track
        At the file's sample rate (44.1 kHz).

    Raises
    ------
    ValueError
        For an unknown track or source, or a malformed annotation file.
    FileNotFoundError
        If a file is missing and cannot be downloaded.
    """
    from .. import audio

    if source not in ("mix", "drums"):
        raise ValueError(f"source must be 'mix' or 'drums', got {source!r}")
    classes = load_class_annotation(track_file(track, "class"))
    beats, positions = load_beats(track_file(track, "beats"))
    if positions is None:
        raise ValueError(f"{track_file(track, 'beats')}: no positions in the bar")
    y, sr = audio.load(track_file(track, source), sr=None, mono=mono)
    # hits struck together are one onset, as an onset detector reports them
    onsets = combine_onsets(np.concatenate(list(classes.values())))
    tempo = float(60.0 / np.median(np.diff(beats))) if len(beats) > 1 else 0.0
    return Track(name=track, audio=y, sr=sr, onsets=onsets, beats=beats, tempo=tempo, source=source,
                 drums={k: classes[k] for k in DRUMS}, other_drums={k: classes[k] for k in CLASSES[3:]},
                 positions=positions)


def load_tracks(tracks=VALIDATION_TRACKS, source="mix"):
    """Several tracks (default: the four validation tracks), as :func:`load_track`.

    Returns
    -------
    list of Track
    """
    return [load_track(t, source) for t in tracks]
