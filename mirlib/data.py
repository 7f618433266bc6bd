"""Real recordings and their annotations.

Two sources of real audio are used throughout the book:

* librosa's example recordings (:func:`example`), fetched by :func:`librosa.ex`
  into ``LIBROSA_DATA_DIR`` (default: the user's cache folder);
* madmom's annotated test recordings (:func:`madmom_file`), fetched through a
  pooch registry with sha256 checksums into ``$MIRLIB_DATA_DIR/madmom``
  (default: the user's cache folder). Licence: CC BY-NC-SA 4.0
  :cite:p:`boeck2016madmom`.

Both download on first use and are cached; offline machines (CI) point the
two environment variables at local copies.

The annotation readers return times in seconds and raise ``ValueError`` naming
the file and line of anything malformed.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import numpy as np

__all__ = [
    "example",
    "example_attribution",
    "EXAMPLES",
    "data_dir",
    "madmom_file",
    "MADMOM_FILES",
    "MADMOM_ATTRIBUTION",
    "load_onsets",
    "load_beats",
    "load_tempo",
    "load_drums",
    "DRUM_NAMES",
]

#: librosa example names used in the book, with a short description.
EXAMPLES = {
    "brahms": "Brahms, Hungarian Dance no. 5 (string orchestra)",
    "choice": "Admiral Bob, 'Choice' (drum and bass)",
    "fishin": "Karissa Hobbs, 'Let's Go Fishin'' (song with vocals)",
    "nutcracker": "Tchaikovsky, Dance of the Sugar Plum Fairy",
    "pistachio": "ragtime piano",
    "sweetwaltz": "waltz in 3/4",
    "trumpet": "solo trumpet loop, 90 bpm",
    "vibeace": "Kevin MacLeod, 'Vibe Ace' (jazz)",
    "libri1": "read English speech (LibriSpeech)",
    "libri2": "read English speech (LibriSpeech)",
    "libri3": "read English speech (LibriSpeech)",
    "humpback": "humpback whale song",
    "robin": "a robin call",
    "pibble": "a dog howling in her sleep",
}

_MADMOM_COMMIT = "27f032e8947204902c675e5e341a3faf5dc86dae"
_MADMOM_DRUMS_COMMIT = "20dd101a7c7b931e967cc4f8f7aed09fec056cea"
_MADMOM_URL = "https://raw.githubusercontent.com/CPJKU/madmom/{commit}/tests/data/{path}"

#: madmom's annotated test recordings: file name -> (path in the madmom repository, commit, sha256).
MADMOM_FILES = {
    "sample.wav": ("audio/sample.wav", _MADMOM_COMMIT,
                   "d06b3c39384c4a0cf59f0bd326eda2443edf668fbb90647e37c801e59602866c"),
    "sample.onsets": ("annotations/sample.onsets", _MADMOM_COMMIT,
                      "d847783458758b52c08246f25fd851b1eaf6fb3c0c71aa0b16c6be8b0e44c239"),
    "sample.beats": ("annotations/sample.beats", _MADMOM_COMMIT,
                     "7e68df80cb5c8a77f2a199022e0ffdee771af03c0cfde8794992f9ae0f829503"),
    "sample.tempo": ("annotations/sample.tempo", _MADMOM_COMMIT,
                     "d90c1edbcdbb18b621142fd560c071a4db6b04ffd66631ea5e1e80ad964753f8"),
    "sample.drums": ("annotations/sample.drums", _MADMOM_DRUMS_COMMIT,
                     "e5a11ea0ded72a5d006837ad663aad62a376d3a2c7159b4b1fdd87a5ec0a8994"),
    "sample2.wav": ("audio/sample2.wav", _MADMOM_COMMIT,
                    "b1f19c0a668a6db867d9e277e72dce279830eb93e73e78751645698d8eb9caf5"),
    "stereo_sample.wav": ("audio/stereo_sample.wav", _MADMOM_COMMIT,
                          "de80ae98735dbc62f1aa15abce3918557a1a5d9d1c33c073685fdfac41b964e3"),
    "stereo_sample.notes": ("annotations/stereo_sample.notes", _MADMOM_COMMIT,
                            "a8cb3caf3c49c850aec3492b995a5263a4b83aac4d257dac0e598b7bcff72d86"),
}

#: Attribution to show wherever a madmom test recording is played or plotted.
MADMOM_ATTRIBUTION = (
    "Test recordings and annotations of madmom (Böck et al., 2016), "
    "https://github.com/CPJKU/madmom, CC BY-NC-SA 4.0"
)

#: Drum instrument codes of madmom's ``.drums`` files, with the field's abbreviations.
DRUM_NAMES = {0: "KD", 1: "SD", 2: "HH"}


# ---------------------------------------------------------------------------
# Recordings
# ---------------------------------------------------------------------------

def _check_example(name):
    if name not in EXAMPLES:
        raise ValueError(f"unknown example {name!r}; known: {', '.join(sorted(EXAMPLES))}")


def example(name, hq=False):
    """Path of one of librosa's example recordings, downloading it if needed.

    Parameters
    ----------
    name : str
        A key of :data:`EXAMPLES`, for instance ``"brahms"`` or ``"libri1"``.
    hq : bool
        The 44.1 kHz stereo version instead of the 22.05 kHz mono one.

    Returns
    -------
    str
        Local path of the OGG file.

    Raises
    ------
    ValueError
        If ``name`` is unknown.

    Examples
    --------
    >>> example("trumpet").endswith(".ogg")
    True
    """
    import librosa

    _check_example(name)
    return librosa.ex(name, hq=hq)


def example_attribution(name):
    """Title, source and licence of a librosa example recording.

    The text comes from the recording's ``.txt`` file in librosa's data
    repository (through :func:`librosa.util.example_info`); show it wherever
    the recording is played or plotted.

    Parameters
    ----------
    name : str
        A key of :data:`EXAMPLES`.

    Returns
    -------
    str
        Several lines: description, source, licence.

    Raises
    ------
    ValueError
        If ``name`` is unknown.

    Examples
    --------
    >>> "Public Domain" in example_attribution("brahms")
    True
    """
    import librosa

    _check_example(name)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        librosa.util.example_info(name)
    lines = [line.strip() for line in out.getvalue().splitlines()]
    lines = [line for line in lines if line and not set(line) == {"-"}]
    lines[0] = " ".join(lines[0].split("\t", 1)[-1].split())
    return "\n".join(lines)


def data_dir():
    """Folder where mirlib keeps downloaded data.

    Returns
    -------
    pathlib.Path
        ``$MIRLIB_DATA_DIR`` if set, else the user's cache folder for mirlib.
    """
    import pooch

    env = os.environ.get("MIRLIB_DATA_DIR")
    return Path(env) if env else Path(pooch.os_cache("mirlib"))


def _madmom_pooch():
    import pooch

    return pooch.create(
        path=data_dir() / "madmom",
        base_url="",
        registry={name: f"sha256:{sha}" for name, (_, _, sha) in MADMOM_FILES.items()},
        urls={name: _MADMOM_URL.format(commit=commit, path=path)
              for name, (path, commit, _) in MADMOM_FILES.items()},
    )


def madmom_file(name):
    """Path of one of madmom's annotated test files, downloading it if needed.

    The file is checked against its sha256 checksum.

    Parameters
    ----------
    name : str
        A key of :data:`MADMOM_FILES`, for instance ``"sample.wav"`` (2.8 s,
        44.1 kHz, mono) or ``"sample.onsets"``.

    Returns
    -------
    str
        Local path.

    Raises
    ------
    ValueError
        If ``name`` is unknown, or the local copy does not match its checksum
        and cannot be downloaded again.

    Examples
    --------
    >>> load_onsets(madmom_file("sample.onsets"))[:3]
    array([0.0943, 0.2844, 0.4528])
    """
    if name not in MADMOM_FILES:
        raise ValueError(f"unknown madmom file {name!r}; known: {', '.join(sorted(MADMOM_FILES))}")
    return _madmom_pooch().fetch(name)


# ---------------------------------------------------------------------------
# Annotation files
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
    >>> load_onsets(madmom_file("sample.onsets")).shape
    (15,)
    """
    rows, numbers = _read_rows(path, {1}, "onset")
    times = [r[0] for r in rows]
    _check_times(path, times, numbers)
    return np.array(times)


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
    2 hi-hat (HH).

    Parameters
    ----------
    path : str or os.PathLike
        Annotation file, for instance madmom's ``sample.drums``.

    Returns
    -------
    times : np.ndarray, shape ``(n_events,)``
        Onset times in seconds, non-decreasing.
    instruments : np.ndarray of str, shape ``(n_events,)``
        ``"KD"``, ``"SD"`` or ``"HH"`` for each onset.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If a line does not have two columns, an instrument code is not 0, 1
        or 2, or times are negative or decreasing; the message gives file and line.

    Examples
    --------
    >>> times, instruments = load_drums(madmom_file("sample.drums"))
    >>> instruments[:3]
    array(['KD', 'HH', 'HH'], dtype='<U2')
    """
    rows, numbers = _read_rows(path, {2}, "drum")
    times = [r[0] for r in rows]
    _check_times(path, times, numbers)
    names = []
    for r, number in zip(rows, numbers):
        if r[1] not in DRUM_NAMES:
            raise ValueError(f"{path}, line {number}: unknown drum instrument {r[1]:g} (expected 0 KD, 1 SD, 2 HH)")
        names.append(DRUM_NAMES[int(r[1])])
    return np.array(times), np.array(names)
