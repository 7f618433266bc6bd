"""Research datasets through mirdata: GTZAN (genre), MTG-Jamendo (mood/theme), beat datasets.

The book trains on generated data by default (:mod:`mirlib.synth.styles`); these
loaders are the switch to real data on a machine that has the datasets, e.g.
the course's GPU hub. They go through mirdata :cite:p:`bittner2019mirdata`, which
knows each dataset's folder layout and file checksums, and return plain tables.

mirdata keeps each dataset's *index* (the list of files with checksums) outside
the audio folder; ``dataset.download(["index"])`` fetches the official one.
Offline, or for a subset, pass ``index_path`` to an index file of the same
format (the tests do this with small fixture folders in each dataset's real
layout).

Examples
--------
On the hub (after ``mirdata.initialize("gtzan_genre", data_home).download()``)::

    tracks = gtzan("/data/gtzan")
    tracks.groupby("genre").size()
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["initialize", "gtzan", "mtg_jamendo_moodtheme", "GTZAN_GENRES", "BeatTrack", "beat_tracks",
           "parse_dataset", "BEAT_DATASETS"]

#: mirdata datasets with beat annotations (and bar positions) that
#: :func:`beat_tracks` has been tested on in their real layout; any other mirdata
#: dataset whose tracks have ``beats`` works too.
BEAT_DATASETS = ("ballroom", "beatles")

#: The ten GTZAN genres :cite:p:`tzanetakis2002musical`.
GTZAN_GENRES = ("blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock")


def initialize(name, data_home, index_path=None):
    """A mirdata dataset on a local folder, optionally with another index file.

    Parameters
    ----------
    name : str
        mirdata dataset name, e.g. ``"gtzan_genre"``.
    data_home : str or Path
        Folder that holds the dataset in its original layout.
    index_path : str or Path or None
        Index file to use instead of mirdata's official one.

    Returns
    -------
    mirdata.core.Dataset

    Raises
    ------
    FileNotFoundError
        If ``data_home`` or ``index_path`` does not exist, or no index is
        available (the message says how to download it).
    """
    import mirdata

    data_home = Path(data_home)
    if not data_home.is_dir():
        raise FileNotFoundError(f"dataset folder not found: {data_home}")
    dataset = mirdata.initialize(name, data_home=str(data_home))
    if index_path is not None:
        index_path = Path(index_path)
        if not index_path.is_file():
            raise FileNotFoundError(f"index file not found: {index_path}")
        dataset.index_path = str(index_path)
    elif not Path(dataset.index_path).is_file():
        raise FileNotFoundError(f"mirdata's index of {name} is not on this machine ({dataset.index_path}); "
                                f"run mirdata.initialize({name!r}, data_home).download(['index']) or pass index_path")
    return dataset


def _check_files(dataset, paths):
    missing = [p for p in paths if not Path(p).is_file()]
    if missing:
        raise FileNotFoundError(f"{len(missing)} file(s) of {dataset.name} listed in its index are missing "
                                f"under {dataset.data_home}, e.g. {missing[0]}")


def gtzan(data_home, index_path=None):
    """The GTZAN genre collection as a table of tracks.

    Parameters
    ----------
    data_home : str or Path
        Folder with ``gtzan_genre/genres/<genre>/<genre>.<nnnnn>.wav``.
    index_path : str or Path or None
        Index file instead of mirdata's official one.

    Returns
    -------
    pandas.DataFrame
        Index ``track_id``; columns ``genre`` and ``audio_path``, sorted by track.

    Raises
    ------
    FileNotFoundError
        For a missing folder, index or audio file.
    ValueError
        For a track whose genre is not one of :data:`GTZAN_GENRES`.
    """
    import pandas as pd

    dataset = initialize("gtzan_genre", data_home, index_path)
    tracks = dataset.load_tracks()
    rows = {tid: {"genre": t.genre, "audio_path": t.audio_path} for tid, t in sorted(tracks.items())}
    for tid, row in rows.items():
        if row["genre"] not in GTZAN_GENRES:
            raise ValueError(f"GTZAN track {tid!r} has unknown genre {row['genre']!r}")
    _check_files(dataset, [r["audio_path"] for r in rows.values()])
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("track_id")


def mtg_jamendo_moodtheme(data_home, index_path=None, split=0):
    """The MTG-Jamendo mood/theme subset as a table of tracks with tags and splits.

    Parameters
    ----------
    data_home : str or Path
        Folder with ``data/autotagging_moodtheme.tsv``, ``data/splits/split-N/``
        and the audio under ``audios/``.
    index_path : str or Path or None
        Index file instead of mirdata's official one.
    split : int
        Which of the five official splits (0-4) fills the ``split`` column.

    Returns
    -------
    pandas.DataFrame
        Index ``track_id``; columns ``tags`` (list of mood/theme tags),
        ``split`` (``"train"``, ``"validation"``, ``"test"`` or None),
        ``duration`` (seconds) and ``audio_path``.

    Raises
    ------
    FileNotFoundError
        For a missing folder, index, metadata or audio file.
    ValueError
        For a split number outside 0-4.
    """
    import pandas as pd

    dataset = initialize("mtg_jamendo_autotagging_moodtheme", data_home, index_path)
    try:
        splits = dataset.get_track_splits(split)
    except FileNotFoundError as err:
        raise FileNotFoundError(f"MTG-Jamendo metadata missing under {data_home}: {err}") from err
    which = {tid: name for name, ids in splits.items() for tid in ids}
    tracks = dataset.load_tracks()
    rows = {tid: {"tags": t.tags, "split": which.get(tid), "duration": t.duration, "audio_path": t.audio_path}
            for tid, t in sorted(tracks.items())}
    _check_files(dataset, [r["audio_path"] for r in rows.values()])
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("track_id")


@dataclass(frozen=True)
class BeatTrack:
    """A recording with annotated beats.

    Attributes
    ----------
    track_id : str
    audio_path : str
    beats : np.ndarray, shape ``(n_beats,)``
        Beat times in seconds.
    positions : np.ndarray of int, shape ``(n_beats,)``
        Position of each beat in its bar (1 = downbeat; 0 where unknown).
    """

    track_id: str
    audio_path: str
    beats: np.ndarray
    positions: np.ndarray

    @property
    def downbeats(self):
        """Times of the beats at bar position 1, shape ``(n_downbeats,)``."""
        return self.beats[self.positions == 1]


def beat_tracks(name, data_home, index_path=None):
    """The beat-annotated recordings of a mirdata dataset, e.g. Ballroom or the Beatles.

    Parameters
    ----------
    name : str
        mirdata dataset name (:data:`BEAT_DATASETS`, or any mirdata dataset whose
        tracks have ``beats``).
    data_home : str or Path
        Folder of the dataset in its original layout (e.g. for Ballroom
        ``B_1.0/audio/<Style>/<name>.wav`` and ``B_1.0/annotations/beats/<name>.beats``).
    index_path : str or Path or None
        Index file instead of mirdata's official one.

    Returns
    -------
    list of BeatTrack
        Sorted by track id.

    Raises
    ------
    FileNotFoundError
        For a missing folder, index, audio or beat file.
    ValueError
        For a dataset without beat annotations, or a track whose beat file
        holds no beats or times that do not increase.
    """
    dataset = initialize(name, data_home, index_path)
    tracks = dataset.load_tracks()
    out = []
    for tid, track in sorted(tracks.items()):
        if not hasattr(type(track), "beats") or not hasattr(track, "audio_path"):   # (the class: not reading it)
            raise ValueError(f"mirdata dataset {name} has no beat annotations; use one of {BEAT_DATASETS}")
        path = getattr(track, "beats_path", None)
        if path is None:
            raise ValueError(f"{name} track {tid!r} has no beat annotation file in the index")
        _check_files(dataset, [track.audio_path, path])
        beats = track.beats
        if beats is None or len(beats.times) == 0:
            raise ValueError(f"{path}: no beats in file")
        times = np.asarray(beats.times, dtype=float)
        if np.any(np.diff(times) <= 0):
            raise ValueError(f"{path}: beat times do not increase")
        positions = (np.asarray(beats.positions, dtype=int) if beats.positions is not None
                     and beats.position_unit in ("bar_index", "global_index") else np.zeros(len(times), int))
        out.append(BeatTrack(tid, track.audio_path, times, positions))
    if not out:
        raise FileNotFoundError(f"the index of {name} under {data_home} lists no tracks")
    return out


def parse_dataset(spec):
    """Split a dataset argument ``NAME:PATH`` (as ``mirlib train --dataset`` takes it).

    Parameters
    ----------
    spec : str
        ``"ballroom:/data/ballroom"``; ``NAME:PATH:INDEX`` names an index file too.

    Returns
    -------
    tuple
        ``(name, data_home, index_path or None)``.

    Raises
    ------
    ValueError
        If ``spec`` has no ``:`` or an empty name or path.
    """
    name, sep, rest = str(spec).partition(":")
    if not sep or not name or not rest:
        raise ValueError(f"dataset must be NAME:PATH (e.g. ballroom:/data/ballroom), got {spec!r}")
    home, sep, index = rest.partition(":")
    return name, home, (index or None)
