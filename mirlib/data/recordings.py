"""Real recordings: librosa's examples and madmom's annotated test files.

Two sources of real audio are used throughout the book:

* librosa's example recordings (:func:`example`), fetched by :func:`librosa.ex`
  into ``LIBROSA_DATA_DIR`` (default: the user's cache folder);
* madmom's annotated test recordings (:func:`madmom_file`), fetched through a
  pooch registry with sha256 checksums into ``$MIRLIB_DATA_DIR/madmom``
  (default: the user's cache folder). Licence: CC BY-NC-SA 4.0
  :cite:p:`boeck2016madmom`.

Both download on first use and are cached; offline machines (CI) point the
two environment variables at local copies."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path


__all__ = [
    "example",
    "examples_joined",
    "example_attribution",
    "EXAMPLES",
    "data_dir",
    "madmom_file",
    "MADMOM_FILES",
    "MADMOM_ATTRIBUTION",
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


def examples_joined(names, sr):
    """librosa example recordings one after another, as one mono signal.

    What the excerpt networks' tests compare across backends and weights files
    (a music and a speech recording: excerpts of both kinds in one signal).

    Parameters
    ----------
    names : sequence of str
        Keys of :data:`EXAMPLES`.
    sr : int
        Sample rate in Hz to load them at.

    Returns
    -------
    (np.ndarray, int)
        The signal, shape ``(n_samples,)``, and ``sr``.

    Raises
    ------
    ValueError
        For an unknown name.
    FileNotFoundError
        If a recording is neither available locally nor downloadable.
    """
    import numpy as np

    from ..audio import load

    return np.concatenate([load(example(name), sr=sr)[0] for name in names]), sr


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
    >>> from mirlib.data import load_onsets
    >>> load_onsets(madmom_file("sample.onsets"))[:3]
    array([0.0943, 0.2844, 0.4528])
    """
    if name not in MADMOM_FILES:
        raise ValueError(f"unknown madmom file {name!r}; known: {', '.join(sorted(MADMOM_FILES))}")
    return _madmom_pooch().fetch(name)
