"""FluidSynth and the General MIDI SoundFont: the sampled instruments of the band songs.

:func:`synthesizer` makes a FluidSynth synthesizer with MuseScore General Lite
(Debian package ``musescore-general-soundfont-small``, MIT licence) loaded
through pyfluidsynth, the binding pretty_midi uses; :func:`soundfont_path`
finds or downloads the SoundFont. Rendering is deterministic: the same notes
give the same samples in every process.
"""

from __future__ import annotations

import numpy as np

from ..data.debian import DebianData, package_dir

__all__ = ["SOUNDFONT", "SOUNDFONT_CREDIT", "SEED_DITHER", "FluidSynthMissing", "soundfont_path", "synthesizer"]

#: MuseScore General Lite (General MIDI SoundFont, MIT licence), as Debian packages it.
SOUNDFONT = DebianData(
    package="musescore-general-soundfont-small",
    url="https://deb.debian.org/debian/pool/main/m/musescore-general-soundfont-small/"
        "musescore-general-soundfont-small_0.2.1-1_all.deb",
    sha256="65f9c1cb658c49e8713d2c95238d5d26868f520341f74a4fe26248a8f763c739",
    folder="usr/share/sounds/sf3", marker="MuseScore_General_Lite.sf3", env="MIRLIB_SOUNDFONT_DIR")

#: Credit line of the SoundFont, for players and figures of band songs.
SOUNDFONT_CREDIT = ("MuseScore General Lite SoundFont by S. Christian Collins, after Frank Wen's Fluid R3 "
                    "(MIT; parts public domain or CC0), as packaged by Debian")

_INSTALL = ("rendering band songs needs the FluidSynth library: on Debian/Ubuntu `sudo apt-get install "
            "libfluidsynth3` (tools/install.sh does it as root), on macOS `brew install fluid-synth`; "
            "then `pip install pyfluidsynth`. Reading the book and running the shipped models do not need it.")


class FluidSynthMissing(RuntimeError):
    """FluidSynth (the library or its Python binding) is not installed."""


def soundfont_path(download=True):
    """Path of the General MIDI SoundFont, downloading Debian's package if needed.

    Parameters
    ----------
    download : bool
        Download and unpack :data:`SOUNDFONT` (34 MB) when no copy is found
        (:func:`mirlib.data.debian.package_dir`).

    Returns
    -------
    pathlib.Path
        ``MuseScore_General_Lite.sf3``.

    Raises
    ------
    FileNotFoundError
        If ``$MIRLIB_SOUNDFONT_DIR`` is set but not a folder, or nothing is
        found and ``download`` is False.
    ValueError
        If the download does not match its sha256 checksum.
    """
    return package_dir(SOUNDFONT, download) / SOUNDFONT.marker


def synthesizer(sr=44100):
    """A new FluidSynth synthesizer with the SoundFont loaded.

    FluidSynth's own reverb and chorus are off: the mix adds effects
    (:func:`render_band_song`), so that they are drawn from the seed. Before
    the process's first synthesizer the C library's ``rand()`` is seeded as in
    a fresh process (``srand(1)``): FluidSynth draws its dither table from it
    then, and a process that used ``rand()`` before (a Jupyter kernel) would
    otherwise render every song slightly differently. A
    synthesizer keeps traces of what it played (its voices are reused), so
    :func:`render_band_song` starts every song on a new one: the same seed
    gives the same samples whatever was rendered before. Call
    ``synth.delete()`` when done.

    Parameters
    ----------
    sr : int
        Sample rate in Hz.

    Returns
    -------
    synth : fluidsynth.Synth
    sfid : int
        FluidSynth's id of the loaded SoundFont.

    Raises
    ------
    FluidSynthMissing
        If the FluidSynth library or pyfluidsynth is missing; the message says
        what to install.
    RuntimeError
        If FluidSynth cannot load the SoundFont.
    """
    import contextlib
    import io

    try:
        with contextlib.redirect_stdout(io.StringIO()):   # pyfluidsynth prints where it found the library if CI is set
            import fluidsynth
    except (ImportError, OSError) as err:
        raise FluidSynthMissing(f"{_INSTALL} ({err})") from err
    path = soundfont_path()
    _seed_dither()
    # samples are loaded (and the SoundFont's Vorbis decoded) only for the presets a song selects
    synth = fluidsynth.Synth(gain=0.5, samplerate=float(sr), **{"synth.reverb.active": 0, "synth.chorus.active": 0,
                                                                "synth.dynamic-sample-loading": 1})
    sfid = synth.sfload(str(path))
    if sfid < 0:
        raise RuntimeError(f"FluidSynth could not load the SoundFont {path}")
    return synth, sfid


#: Seed the C library's ``rand()`` as a fresh process has it (``srand(1)``) before the process's
#: first synthesizer (see :func:`synthesizer`). Set it to False before the first render to keep
#: the process's own ``rand()`` state (renders then depend on what the process did before).
SEED_DITHER = True
_DITHER_SEEDED = []


def _seed_dither():
    # FluidSynth fills its dither table from the C library's rand() when the process makes its first
    # synthesizer. A process that called rand() before (a Jupyter kernel does) would dither differently,
    # and every rendered song would differ in its last bits from the same seed's render elsewhere, enough
    # to move a network's held-out figure. Seeding rand() as a fresh process has it (srand(1)), once
    # and before the first synthesizer, makes renders the same in a kernel, a script and `mirlib train`.
    if _DITHER_SEEDED or not SEED_DITHER:
        return
    import ctypes
    import ctypes.util

    try:
        ctypes.CDLL(ctypes.util.find_library("c")).srand(1)
    except (OSError, AttributeError, TypeError):    # no C library to seed: FluidSynth's own default applies
        pass
    _DITHER_SEEDED.append(True)


_BLOCK = 48000   # FluidSynth renders blocks of 64 samples; its dither table repeats every 48000


def _play(synth, program, notes, duration, sr, is_drum=False):
    # render notes (pitch, start, end, velocity in [0, 1]) with one General MIDI program. As
    # pretty_midi's Instrument.fluidsynth, but the synthesizer always starts on a block boundary
    # from silence, so that the same notes give the same samples whatever was played before.
    synth, sfid = synth
    channel, bank = (9, 128) if is_drum else (0, 0)
    synth.system_reset()
    if synth.program_select(channel, sfid, bank, int(program)) == -1:
        synth.program_select(channel, sfid, bank, 0)
    events = []
    for pitch, start, end, velocity in notes:
        if end > start >= 0:
            v = int(np.clip(round(velocity * 127), 1, 127))
            events += [(int(round(start * sr)), 1, int(pitch), v), (int(round(end * sr)), 0, int(pitch), 0)]
    n = int(round(duration * sr))
    out = np.zeros(n + _BLOCK, dtype=np.float32)
    now = 0
    for sample, on, pitch, velocity in sorted(events) + [(n, -1, 0, 0)]:
        sample = min(sample, n)
        if sample > now:
            out[now:sample] = synth.get_samples(sample - now)[::2]
            now = sample
        if on == 1:
            synth.noteon(channel, pitch, velocity)
        elif on == 0:
            synth.noteoff(channel, pitch)
    synth.system_reset()
    # finish the block, so that the next part starts on a block boundary
    if now % _BLOCK:
        synth.get_samples(_BLOCK - now % _BLOCK)
    return out[:n]
