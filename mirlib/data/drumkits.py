"""Real recorded drum kits: Hydrogen's drum kits, their one-shots by velocity layer.

The drum transcription chapter renders its training and test loops from
recordings of real drums: the free drum kits of the Hydrogen drum machine
(`hydrogen-music.org <http://www.hydrogen-music.org/>`_), as packaged by Debian
in ``hydrogen-drumkits`` (version 2017.09.19~dfsg-1; GPL-2, GPL-2+, CC BY 3.0 and
CC BY-SA 3.0 by kit, with authors in :data:`KIT_CREDITS`). Each kit is a folder with a
``drumkit.xml`` that names its instruments and, per instrument, one or more
recordings (layers) for ranges of velocity.

Where the kits come from, in this order:

1. ``$MIRLIB_DRUMKITS_DIR`` if set (a folder of kit folders);
2. ``/usr/share/hydrogen/data/drumkits`` (``apt-get install hydrogen-drumkits``,
   what CI and ``.ci/run`` use);
3. the same Debian package downloaded from Debian's archive on first use
   (:data:`DEBIAN_PACKAGE`, 143 MB, checked against its sha256 by pooch) and
   unpacked into ``$MIRLIB_DATA_DIR/hydrogen-drumkits``.

The recordings are never part of the repository.

Which instruments of a kit play kick drum (KD), snare drum (SD) and closed
hi-hat (HH) is written down per kit in :data:`KITS`; the split into training,
validation and test kits is :data:`TRAIN_KITS`, :data:`VALIDATION_KITS` and
:data:`TEST_KITS`: no test kit is ever heard in training.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .annotations import DRUMS
from .debian import DebianData, package_dir

__all__ = ["KITS", "KIT_CREDITS", "TRAIN_KITS", "VALIDATION_KITS", "TEST_KITS", "DEBIAN_PACKAGE",
           "Layer", "DrumKit", "drumkits_dir", "load_kit"]

#: Per kit (folder name): the instrument names that play KD, SD and HH
#: (several: one is chosen per loop), and whether the kit is acoustic or electronic.
KITS = {
    "Millo_MultiLayered2": dict(KD=("Kick",), SD=("Snare Rock", "Snare Jazz"), HH=("Closed HH",), kind="acoustic"),
    "ColomboAcousticDrumkit": dict(KD=("BassDrum",), SD=("Snare Rock", "Snare1"), HH=("Closed HH",),
                                   kind="acoustic"),
    "BJA_Pacific": dict(KD=("BassDrum",), SD=("Snare", "Snare Dry"), HH=("Hi Hat Closed",), kind="acoustic"),
    "ForzeeStereo": dict(KD=('Kick (Tama Superstar 22")',), SD=("Snare (Pearl Free Floating Maple 14x3.5)",),
                         HH=('Hi-Hat Closed (Paiste Alpha Metal edge 14")',), kind="acoustic"),
    "ElectricEmpireKit": dict(KD=("Kick Lite 1", "Kick Low 1", "Kick Power", "Kick Stomp"),
                              SD=("Snare 1", "Snare 2", "Snare 3"), HH=("Hat Closed Bs", "Hat Closed Dirty"),
                              kind="electronic"),
    "VariBreaks": dict(KD=("VariBreaks Kick 1", "VariBreaks Kick 2", "VariBreaks Kick 3"),
                       SD=("VariBreaks Snare 1", "VariBreaks Snare 2", "VariBreaks Snare 3"),
                       HH=("VariBreaks Hat 1 Cl", "VariBreaks Hat 2 Cl", "VariBreaks Hat 3 Cl"), kind="electronic"),
    "Millo-Drums_v.1": dict(KD=("Kick",), SD=("Snare Rock", "Snare Jazz"), HH=("Closed HH",), kind="acoustic"),
    "The Black Pearl 1.0": dict(KD=("Pearl Kick",), SD=("Pearl Snare",), HH=("Sabian Hat Closed",),
                                kind="acoustic"),
    "Millo_MultiLayered3": dict(KD=("Kick",), SD=("Snare Rock",), HH=("Closed HH",), kind="acoustic"),
    "HardElectro1": dict(KD=("Kick 1", "Kick 2", "Kick 3"), SD=("Snare",), HH=("Closed HH 1", "Closed HH 2"),
                         kind="electronic"),
    "rumpf_kit_z01_h2": dict(KD=("c3 - bass drum 1", "f3 - bass drum 2"), SD=("d3 - snare 1", "e3 - snare 2"),
                             HH=("f#3 - hi-hat closed",), kind="acoustic"),
}
#: Kits the networks are trained on.
TRAIN_KITS = ("Millo_MultiLayered2", "ColomboAcousticDrumkit", "BJA_Pacific", "ForzeeStereo", "ElectricEmpireKit",
              "VariBreaks")
#: Kit for tuning peak-picking thresholds (never trained on).
VALIDATION_KITS = ("Millo-Drums_v.1",)
#: Kits never heard in training or tuning: what a user's recording is.
TEST_KITS = ("The Black Pearl 1.0", "Millo_MultiLayered3", "HardElectro1", "rumpf_kit_z01_h2")

#: Authors and licences of the kits (from the Debian package's copyright file).
KIT_CREDITS = {
    "Millo_MultiLayered2": "Emiliano Grilli (Emillo), GPL-2",
    "Millo_MultiLayered3": "Emiliano Grilli (Emillo), GPL-2",
    "Millo-Drums_v.1": "Emiliano Grilli (Emillo), GPL-2",
    "ColomboAcousticDrumkit": "Marcos Guglielmetti, GPL-2+ with composition exception",
    "BJA_Pacific": "Luc Tunguay, CC BY-SA 3.0 US",
    "ForzeeStereo": "Vladimir Sadovnikov and Alexander Belokurov, GPL-2",
    "ElectricEmpireKit": "Artemiy Pavlov (Artemio), GPL-2+",
    "HardElectro1": "Artemiy Pavlov (Artemio), GPL-2+",
    "VariBreaks": "Artemiy Pavlov (Artemio), GPL-2+",
    "The Black Pearl 1.0": "Glen MacArthur, GPL-2",
    "rumpf_kit_z01_h2": "Emanuel Rumpf, CC BY 3.0",
}

#: The Debian package the kits are downloaded from when not installed: address,
#: sha256, and where it (and ``apt-get install hydrogen-drumkits``) keeps the kits.
DEBIAN_PACKAGE = DebianData(
    package="hydrogen-drumkits",
    url="http://deb.debian.org/debian/pool/main/h/hydrogen-drumkits/hydrogen-drumkits_2017.09.19~dfsg-1_all.deb",
    sha256="6ea3c6df9a67762e2362f946c695e619859126b19fbccf32a2e8f07dfd03b2f4",
    folder="usr/share/hydrogen/data/drumkits", marker=f"{TEST_KITS[0]}/drumkit.xml", env="MIRLIB_DRUMKITS_DIR",
)
_SR = 44100
_MAX_SECONDS = 1.5


@dataclass(frozen=True)
class Layer:
    """One recording of an instrument, played for a range of velocities.

    Attributes
    ----------
    audio : np.ndarray, float32, shape ``(n_samples,)``
        Mono one-shot at the kit's sample rate, starting at its onset.
    min_velocity, max_velocity : float
        Velocity range in [0, 1] this layer is played for.
    gain : float
        Linear gain of the layer (from ``drumkit.xml``, times the instrument's volume).
    """

    audio: np.ndarray
    min_velocity: float
    max_velocity: float
    gain: float


@dataclass(frozen=True)
class DrumKit:
    """A recorded drum kit: for KD, SD and HH, one or more instruments of velocity layers.

    Attributes
    ----------
    name : str
        Kit folder name (a key of :data:`KITS`).
    sr : int
        Sample rate of the one-shots in Hz (44100).
    instruments : dict
        ``"KD"``, ``"SD"``, ``"HH"`` -> tuple of instruments, each a tuple of
        :class:`Layer` sorted by velocity.
    kind : str
        ``"acoustic"`` or ``"electronic"``.
    """

    name: str
    sr: int
    instruments: dict
    kind: str

    def hit(self, drum, velocity, variant=0):
        """The one-shot of a drum played at a velocity.

        Parameters
        ----------
        drum : {"KD", "SD", "HH"}
        velocity : float
            In (0, 1]; picks the layer and scales it linearly.
        variant : int
            Which of the kit's instruments for this drum (modulo their number).

        Returns
        -------
        np.ndarray, float32, shape ``(n_samples,)``
            Starts at the hit's onset.

        Raises
        ------
        ValueError
            For an unknown drum or a velocity outside (0, 1].
        """
        if drum not in self.instruments:
            raise ValueError(f"unknown drum {drum!r}; use {DRUMS}")
        if not 0 < velocity <= 1:
            raise ValueError(f"velocity must lie in (0, 1], got {velocity}")
        layers = self.instruments[drum][variant % len(self.instruments[drum])]
        inside = [la for la in layers if la.min_velocity <= velocity <= la.max_velocity]
        layer = inside[-1] if inside else min(layers, key=lambda la: min(abs(la.min_velocity - velocity),
                                                                          abs(la.max_velocity - velocity)))
        return (layer.gain * velocity) * layer.audio


def drumkits_dir(download=True):
    """The folder of Hydrogen drum kits, downloading Debian's package if needed.

    Parameters
    ----------
    download : bool
        Download and unpack :data:`DEBIAN_PACKAGE` when no local copy is found
        (:func:`mirlib.data.debian.package_dir`).

    Returns
    -------
    pathlib.Path
        A folder holding one folder per kit.

    Raises
    ------
    FileNotFoundError
        If ``$MIRLIB_DRUMKITS_DIR`` is set but not a folder, or no kits are
        found and ``download`` is False.
    ValueError
        If the download does not match its sha256 checksum (raised by pooch).
    """
    return package_dir(DEBIAN_PACKAGE, download)


def _read_one_shot(path):
    import librosa
    import soundfile as sf

    try:
        y, sr = sf.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, sf.LibsndfileError) as err:
        raise ValueError(f"cannot read drum sample {path}: {err}") from err
    y = y.mean(axis=1)
    if sr != _SR:
        y = librosa.resample(y, orig_sr=sr, target_sr=_SR)
    peak = np.max(np.abs(y)) if len(y) else 0.0
    if peak == 0:
        raise ValueError(f"drum sample {path} is silent")
    # start at the onset: the first sample above a tenth of the peak, less 1 ms
    start = max(0, int(np.argmax(np.abs(y) > 0.1 * peak)) - _SR // 1000)
    y = y[start:start + int(_MAX_SECONDS * _SR)]
    fade = min(len(y), _SR // 50)
    y[len(y) - fade:] *= np.linspace(1.0, 0.0, fade)
    return y.astype(np.float32)


@functools.lru_cache(maxsize=32)
def load_kit(name, folder=None):
    """Load the KD, SD and HH one-shots of a kit (cached per process).

    Parameters
    ----------
    name : str
        A key of :data:`KITS`.
    folder : str or None
        Folder of kit folders; default :func:`drumkits_dir`.

    Returns
    -------
    DrumKit
        One-shots mixed to mono, resampled to 44.1 kHz, starting at the onset.

    Raises
    ------
    ValueError
        For an unknown kit, a ``drumkit.xml`` without one of the instruments
        named in :data:`KITS`, or an unreadable or silent sample.
    FileNotFoundError
        If the kit's folder or ``drumkit.xml`` is missing.
    """
    if name not in KITS:
        raise ValueError(f"unknown drum kit {name!r}; known: {sorted(KITS)}")
    root = Path(folder) if folder is not None else drumkits_dir()
    xml = root / name / "drumkit.xml"
    if not xml.is_file():
        raise FileNotFoundError(f"no drumkit.xml for kit {name!r} in {root}")
    try:
        tree = ET.parse(xml).getroot()
    except ET.ParseError as err:
        raise ValueError(f"{xml}: malformed drumkit.xml ({err})") from err
    match = re.match(r"\{.*\}", tree.tag)
    ns = match.group(0) if match else ""
    by_name = {inst.findtext(ns + "name"): inst for inst in tree.iter(ns + "instrument")}
    instruments = {}
    for drum in DRUMS:
        variants = []
        for inst_name in KITS[name][drum]:
            if inst_name not in by_name:
                raise ValueError(f"{xml}: no instrument {inst_name!r} for {drum}")
            inst = by_name[inst_name]
            volume = float(inst.findtext(ns + "volume") or 1.0)
            def sample(element):
                filename = element.findtext(ns + "filename")
                if not filename:
                    raise ValueError(f"{xml}: instrument {inst_name!r} names no sample file")
                return _read_one_shot(root / name / filename)

            layers = [Layer(sample(la), float(la.findtext(ns + "min") or 0.0), float(la.findtext(ns + "max") or 1.0),
                            volume * float(la.findtext(ns + "gain") or 1.0))
                      for la in inst.iter(ns + "layer")]
            if not layers:   # old format: one file per instrument
                layers = [Layer(sample(inst), 0.0, 1.0, volume)]
            variants.append(tuple(sorted(layers, key=lambda la: la.min_velocity)))
        instruments[drum] = tuple(variants)
    return DrumKit(name, _SR, instruments, KITS[name]["kind"])
