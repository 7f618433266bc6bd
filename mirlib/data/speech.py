"""Real recorded speech from a source the book never trains on: CMU Sphinx's test recordings.

The music/speech chapter trains on librosa's three LibriSpeech clips. To show
how its classifier does on speech recorded elsewhere, it is tested on the
recordings that the CMU Sphinx speech recogniser ships for its own tests, as
packaged by Debian in ``pocketsphinx-testdata`` (version 0.8+5prealpha+1-15;
BSD-2-Clause, Carnegie Mellon University and Alpha Cephei Inc.): spoken card
names and digits (CMU's AN4 and TIDIGITS style recordings, 16 kHz) and five
sentences read for LibriVox. They come from:

1. ``$MIRLIB_SPEECH_DIR`` if set;
2. ``/usr/share/pocketsphinx/test/data`` (``apt-get install pocketsphinx-testdata``,
   what CI installs through ``tools/install.sh``);
3. the Debian package downloaded on first use (:data:`DEBIAN_PACKAGE`, 1.8 MB,
   sha256-checked by pooch) and unpacked into ``$MIRLIB_DATA_DIR``.

The recordings are never part of the repository.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .debian import DebianData, package_dir

__all__ = ["DEBIAN_PACKAGE", "SPEECH_CREDIT", "SpeechClip", "speech_dir", "speech_clips"]

#: Debian's pocketsphinx-testdata: address, sha256 and folder of the recordings.
DEBIAN_PACKAGE = DebianData(
    package="pocketsphinx-testdata",
    url="http://deb.debian.org/debian/pool/main/p/pocketsphinx/pocketsphinx-testdata_0.8+5prealpha+1-15_all.deb",
    sha256="eaeb7a01d54f20b799d1a81ef110ec544b2cb47ea006614078220737a33019f0",
    folder="usr/share/pocketsphinx/test/data", marker="cards/001.wav", env="MIRLIB_SPEECH_DIR",
)
#: Credit line of the recordings.
SPEECH_CREDIT = ("CMU Sphinx test recordings (Debian pocketsphinx-testdata), © Carnegie Mellon University, "
                 "BSD-2-Clause")
# file (relative to the folder) -> group; .raw files are headerless 16-bit 16 kHz mono
_FILES = {
    **{f"cards/{i:03d}.wav": "spoken card names" for i in range(1, 6)},
    "numbers.raw": "spoken digits", "tidigits/dhd.2934z.raw": "spoken digits",
    "goforward.raw": "spoken commands", "something.raw": "spoken commands",
    **{f"librivox/sense_and_sensibility_01_austen_64kb-{n}.wav": "read sentences (LibriVox)"
       for n in ("0870", "0880", "0890", "0920", "0930")},
}
_RAW_SR = 16000


@dataclass
class SpeechClip:
    """One speech recording.

    Attributes
    ----------
    name : str
        Path inside the package's test data folder.
    group : str
        What is spoken (e.g. ``"spoken digits"``).
    audio : np.ndarray, float32, shape ``(n_samples,)``
        Mono signal in [-1, 1].
    sr : int
        Sample rate in Hz (16000).
    """

    name: str
    group: str
    audio: np.ndarray = field(repr=False)
    sr: int


def speech_dir(download=True):
    """The folder of the recordings, downloading Debian's package if needed.

    Parameters
    ----------
    download : bool
        Download :data:`DEBIAN_PACKAGE` when no copy is found.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileNotFoundError
        If ``$MIRLIB_SPEECH_DIR`` is not a folder, or nothing is found and
        ``download`` is False.
    ValueError
        If the download fails its sha256 check.
    """
    return package_dir(DEBIAN_PACKAGE, download)


def speech_clips(folder=None):
    """The 14 speech recordings of CMU Sphinx's test data.

    Parameters
    ----------
    folder : str or Path or None
        The test data folder; default :func:`speech_dir`.

    Returns
    -------
    list of SpeechClip
        Spoken card names (5), digits (2), commands (2), read sentences (5);
        1.1 to 7.1 s each.

    Raises
    ------
    FileNotFoundError
        If a recording is missing.
    ValueError
        If a recording cannot be decoded or is empty.
    """
    import soundfile as sf

    folder = speech_dir() if folder is None else Path(folder)
    clips = []
    for name, group in _FILES.items():
        path = folder / name
        if not path.is_file():
            raise FileNotFoundError(f"speech recording {path} is missing")
        if path.suffix == ".raw":
            y, sr = np.fromfile(path, dtype="<i2").astype(np.float32) / 32768.0, _RAW_SR
        else:
            try:
                y, sr = sf.read(path, dtype="float32", always_2d=True)
            except RuntimeError as err:
                raise ValueError(f"cannot decode {path}: {err}") from err
            y = y.mean(axis=1)
        if len(y) == 0:
            raise ValueError(f"speech recording {path} is empty")
        clips.append(SpeechClip(name, group, y, int(sr)))
    return clips
