"""The Free Spoken Digit Dataset: real isolated spoken words from six speakers.

FSDD :cite:p:`jackson2018fsdd` holds 3,000 recordings of the English digits
0 to 9, 50 takes of each digit by each of six speakers, at 8 kHz, trimmed to
near-minimal silence (0.15 to 1.2 s each). It is short, isolated and
band-limited speech, unlike read sentences. Licence: CC BY-SA 4.0; show
:data:`ATTRIBUTION` wherever a recording is played or plotted.

The book uses the first 20 takes of each digit by each speaker (1,200
recordings; the registry ``fsdd.tsv`` shipped with mirlib lists them with
their sha256) and splits them **by speaker**: :data:`TRAIN_SPEAKERS` for
training, :data:`TEST_SPEAKERS` never heard by a shipped network. Files are
read from ``$MIRLIB_DATA_DIR/fsdd/recordings/`` and, where missing,
downloaded from the upstream repository at a pinned commit through pooch.

Examples
--------
>>> words = load_words(["theo"], digits=[7], takes=range(2))
>>> [(w.name, w.speaker, w.digit, w.sr) for w in words]
[('7_theo_0', 'theo', 7, 8000), ('7_theo_1', 'theo', 7, 8000)]
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .recordings import data_dir

__all__ = ["COMMIT", "URL", "ATTRIBUTION", "SPEAKERS", "TRAIN_SPEAKERS", "TEST_SPEAKERS", "TAKES", "REGISTRY",
           "Word", "word_file", "load_words"]

#: The upstream repository's commit the registry pins.
COMMIT = "26eb9aaf76e81b692f806f9140c2d2777410d7a1"
#: Address of a recording, from the commit and its file name.
URL = "https://raw.githubusercontent.com/Jakobovski/free-spoken-digit-dataset/{commit}/recordings/{file}"
#: Credit to show wherever a recording is played or plotted.
ATTRIBUTION = ("Free Spoken Digit Dataset (Z. Jackson et al.), "
               "https://github.com/Jakobovski/free-spoken-digit-dataset, CC BY-SA 4.0")
#: The six speakers.
SPEAKERS = ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")
#: Speakers whose words a shipped network may train on.
TRAIN_SPEAKERS = ("george", "jackson", "nicolas", "theo")
#: Speakers no shipped network hears: the test of isolated words from unheard speakers.
TEST_SPEAKERS = ("lucas", "yweweler")
#: Takes per digit and speaker in the registry (take numbers ``0 .. TAKES - 1``).
TAKES = 20


def _registry():
    with open(Path(__file__).with_name("fsdd.tsv"), newline="", encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    return {row["file"]: row["sha256"] for row in csv.DictReader(lines, delimiter="\t")}


#: The registry: file name -> sha256.
REGISTRY = _registry()


@dataclass
class Word:
    """One recording of FSDD: a spoken digit.

    Attributes
    ----------
    name : str
        ``"{digit}_{speaker}_{take}"``.
    speaker : str
    digit : int
    audio : np.ndarray, float32, shape ``(n_samples,)``
        Mono signal in [-1, 1].
    sr : int
        Sample rate in Hz (8000).
    """

    name: str
    speaker: str
    digit: int
    audio: np.ndarray = field(repr=False)
    sr: int


def word_file(file):
    """Path of one FSDD recording, downloading it if needed.

    Parameters
    ----------
    file : str
        File name as upstream, e.g. ``"7_theo_0.wav"`` (one of :data:`REGISTRY`).

    Returns
    -------
    pathlib.Path
        ``$MIRLIB_DATA_DIR/fsdd/recordings/FILE``; a download is checked
        against the registry's sha256.

    Raises
    ------
    ValueError
        For a file not in the registry, or a download that fails its sha256 check.
    FileNotFoundError
        If the file is neither here nor downloadable (no network).
    """
    if file not in REGISTRY:
        raise ValueError(f"{file!r} is not in mirlib's FSDD registry (the first {TAKES} takes of each digit "
                         f"by each of {', '.join(SPEAKERS)})")
    path = data_dir() / "fsdd" / "recordings" / file
    if path.exists():
        return path
    import pooch

    url = URL.format(commit=COMMIT, file=file)
    try:
        got = pooch.retrieve(url, known_hash=f"sha256:{REGISTRY[file]}", fname=file, path=path.parent,
                             progressbar=False)
    except ValueError:   # pooch's sha256 check failed: a damaged or other file
        raise
    except Exception as err:   # pooch raises requests' errors for a machine without network
        raise FileNotFoundError(f"FSDD recording {file!r} is not in {path.parent} and could not be downloaded "
                                f"from {url} ({type(err).__name__}); set MIRLIB_DATA_DIR to a copy") from err
    return Path(got)


def load_words(speakers=TRAIN_SPEAKERS, digits=range(10), takes=range(TAKES)):
    """Load FSDD recordings of some speakers, digits and takes.

    Parameters
    ----------
    speakers : sequence of str
        Among :data:`SPEAKERS`; default :data:`TRAIN_SPEAKERS`.
    digits : iterable of int
        Digits 0 to 9.
    takes : iterable of int
        Take numbers ``0 .. TAKES - 1``.

    Returns
    -------
    list of Word
        Ordered by speaker, digit and take; 8 kHz mono.

    Raises
    ------
    ValueError
        For an unknown speaker, a digit or take out of range, or a recording
        that cannot be decoded or is empty or silent.
    FileNotFoundError
        If a recording is neither here nor downloadable.
    """
    import soundfile as sf

    unknown = [s for s in speakers if s not in SPEAKERS]
    if unknown:
        raise ValueError(f"unknown FSDD speaker(s) {unknown}; the six: {', '.join(SPEAKERS)}")
    digits, takes = list(digits), list(takes)
    if any(not 0 <= d <= 9 for d in digits):
        raise ValueError(f"digits must be 0 to 9, got {digits}")
    if any(not 0 <= t < TAKES for t in takes):
        raise ValueError(f"takes must be 0 to {TAKES - 1} (the registry's), got {takes}")
    words = []
    for speaker in speakers:
        for digit in digits:
            for take in takes:
                path = word_file(f"{digit}_{speaker}_{take}.wav")
                try:
                    y, sr = sf.read(path, dtype="float32", always_2d=True)
                except RuntimeError as err:
                    raise ValueError(f"cannot decode FSDD recording {path}: {err}") from err
                y = y.mean(axis=1)
                if not len(y) or not np.any(y):
                    raise ValueError(f"FSDD recording {path} is empty or silent")
                words.append(Word(path.stem, speaker, digit, y, int(sr)))
    return words
