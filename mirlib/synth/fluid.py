"""FluidSynth and the General MIDI SoundFonts: the sampled instruments of the band songs.

:func:`synthesizer` makes a FluidSynth synthesizer with MuseScore General Lite
(Debian package ``musescore-general-soundfont-small``, MIT licence) loaded
through pyfluidsynth, the binding pretty_midi uses; :func:`soundfont_path`
finds or downloads the SoundFont. Rendering is deterministic: the same notes
give the same samples in every process.

A second General MIDI SoundFont, TimGM6mb (:data:`HELD_OUT_SOUNDFONT`, Debian
``timgm6mb-soundfont``, GPL-2), has other recordings of the same kinds of
instruments. No network trains on it: it is the book's test of sounds a
network never heard. :data:`SOUNDFONTS` names both; :func:`render_parts`
plays several parts, each with its General MIDI program, through either.
"""

from __future__ import annotations

import numpy as np

from ..data.debian import DebianData, package_dir

__all__ = ["SOUNDFONT", "SOUNDFONT_CREDIT", "HELD_OUT_SOUNDFONT", "HELD_OUT_SOUNDFONT_CREDIT", "SOUNDFONTS",
           "SEED_DITHER", "FluidSynthMissing", "soundfont_path", "synthesizer", "silent_soundfont",
           "render_parts"]

#: MuseScore General Lite (General MIDI SoundFont, MIT licence), as Debian packages it.
SOUNDFONT = DebianData(
    package="musescore-general-soundfont-small",
    url="https://deb.debian.org/debian/pool/main/m/musescore-general-soundfont-small/"
        "musescore-general-soundfont-small_0.2.1-1_all.deb",
    sha256="65f9c1cb658c49e8713d2c95238d5d26868f520341f74a4fe26248a8f763c739",
    folder="usr/share/sounds/sf3", marker="MuseScore_General_Lite.sf3", env="MIRLIB_SOUNDFONT_DIR")

#: TimGM6mb (General MIDI SoundFont by Tim Brechbill, GPL-2), as Debian packages it: held out from all training.
HELD_OUT_SOUNDFONT = DebianData(
    package="timgm6mb-soundfont",
    url="https://deb.debian.org/debian/pool/main/t/timgm6mb-soundfont/timgm6mb-soundfont_1.3-5_all.deb",
    sha256="034abdfb296d9353433513dad5dbdcab46425ee6008fc02fe7039b46e75edc54",
    folder="usr/share/sounds/sf2", marker="TimGM6mb.sf2", env="MIRLIB_HELD_OUT_SOUNDFONT_DIR")

#: The SoundFonts by name: ``"musescore"`` trains, ``"timgm6mb"`` is held out.
SOUNDFONTS = {"musescore": SOUNDFONT, "timgm6mb": HELD_OUT_SOUNDFONT}

#: Credit line of the SoundFont, for players and figures of band songs.
SOUNDFONT_CREDIT = ("MuseScore General Lite SoundFont by S. Christian Collins, after Frank Wen's Fluid R3 "
                    "(MIT; parts public domain or CC0), as packaged by Debian")
#: Credit line of the held-out SoundFont.
HELD_OUT_SOUNDFONT_CREDIT = "TimGM6mb SoundFont by Tim Brechbill and David Bolton (GPL-2), as packaged by Debian"

_INSTALL = ("rendering band songs needs the FluidSynth library: on Debian/Ubuntu `sudo apt-get install "
            "libfluidsynth3` (tools/install.sh does it as root), on macOS `brew install fluid-synth`; "
            "then `pip install pyfluidsynth`. Reading the book and running the shipped models do not need it.")


class FluidSynthMissing(RuntimeError):
    """FluidSynth (the library or its Python binding) is not installed."""


def soundfont_path(download=True, soundfont=SOUNDFONT):
    """Path of a General MIDI SoundFont, downloading Debian's package if needed.

    Parameters
    ----------
    download : bool
        Download and unpack the package (34 MB for :data:`SOUNDFONT`, 5 MB for
        :data:`HELD_OUT_SOUNDFONT`) when no copy is found
        (:func:`mirlib.data.debian.package_dir`).
    soundfont : mirlib.data.debian.DebianData
        :data:`SOUNDFONT` (default) or :data:`HELD_OUT_SOUNDFONT`.

    Returns
    -------
    pathlib.Path
        ``MuseScore_General_Lite.sf3`` or ``TimGM6mb.sf2``.

    Raises
    ------
    FileNotFoundError
        If ``$MIRLIB_SOUNDFONT_DIR`` is set but not a folder, or nothing is
        found and ``download`` is False.
    ValueError
        If the download does not match its sha256 checksum.
    """
    return package_dir(soundfont, download) / soundfont.marker


def synthesizer(sr=44100, soundfont=SOUNDFONT, silent_defaults=True):
    """A new FluidSynth synthesizer with a SoundFont loaded.

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

    A system reset gives every MIDI channel the default preset (bank 0
    program 0, and the standard drum kit on channel 10) of the SoundFont
    loaded last, and FluidSynth's dynamic sample loading decodes the samples
    of each preset a channel selects: for MuseScore General Lite the piano
    and the drum kit took 1.6 s on every new synthesizer, more than half of
    rendering a song. So a silent SoundFont (:func:`silent_soundfont`) is
    loaded last and takes the defaults; every part selects its preset from
    ``sfid`` by number, and renders are the same, bit for bit, as without it.

    Parameters
    ----------
    sr : int
        Sample rate in Hz.
    soundfont : mirlib.data.debian.DebianData
        :data:`SOUNDFONT` (default) or :data:`HELD_OUT_SOUNDFONT`.
    silent_defaults : bool
        Load the silent SoundFont last (id ``sfid + 1``), for the defaults.

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
    path = soundfont_path(soundfont=soundfont)
    _seed_dither()
    # samples are loaded (and the SoundFont's Vorbis decoded) only for the presets a song selects
    synth = fluidsynth.Synth(gain=0.5, samplerate=float(sr), **{"synth.reverb.active": 0, "synth.chorus.active": 0,
                                                                "synth.dynamic-sample-loading": 1})
    sfid = synth.sfload(str(path))
    if sfid < 0:
        raise RuntimeError(f"FluidSynth could not load the SoundFont {path}")
    silent = silent_soundfont() if silent_defaults else None
    if silent is not None and synth.sfload(str(silent)) < 0:
        raise RuntimeError(f"FluidSynth could not load the silent SoundFont {silent}")
    return synth, sfid


def _chunk(tag, data):
    return tag + len(data).to_bytes(4, "little") + data + b"\0" * (len(data) % 2)


def _silent_sf2():
    # a SoundFont 2.01 file (RIFF "sfbk"): presets "silent" (bank 0 program 0) and "silent kit" (bank 128
    # program 0) play one instrument whose one sample is 64 zeros (and the 46 the format pads it with)
    import struct

    def name(text):
        return text.encode().ljust(20, b"\0")

    def riff_list(tag, *chunks):
        return _chunk(b"LIST", tag + b"".join(chunks))

    n = 64
    info = riff_list(b"INFO", _chunk(b"ifil", struct.pack("<HH", 2, 1)), _chunk(b"isng", b"EMU8000\0"),
                     _chunk(b"INAM", b"silent\0\0"))
    sdta = riff_list(b"sdta", _chunk(b"smpl", bytes(2 * (n + 46))))
    phdr = b"".join(struct.pack("<20sHHHIII", name(label), 0, bank, bag, 0, 0, 0)
                    for label, bank, bag in (("silent", 0, 0), ("silent kit", 128, 1), ("EOP", 0, 2)))
    pdta = riff_list(
        b"pdta", _chunk(b"phdr", phdr),
        _chunk(b"pbag", struct.pack("<6H", 0, 0, 1, 0, 2, 0)), _chunk(b"pmod", bytes(10)),
        _chunk(b"pgen", struct.pack("<6H", 41, 0, 41, 0, 0, 0)),             # generator 41: instrument 0
        _chunk(b"inst", struct.pack("<20sH20sH", name("silent"), 0, name("EOI"), 1)),
        _chunk(b"ibag", struct.pack("<4H", 0, 0, 1, 0)), _chunk(b"imod", bytes(10)),
        _chunk(b"igen", struct.pack("<4H", 53, 0, 0, 0)),                    # generator 53: sample 0
        _chunk(b"shdr", struct.pack("<20sIIIIIBbHH", name("silent"), 0, n, 8, n - 8, 22050, 60, 0, 0, 1)
               + struct.pack("<20sIIIIIBbHH", name("EOS"), 0, 0, 0, 0, 0, 0, 0, 0, 0)))
    body = b"sfbk" + info + sdta + pdta
    return b"RIFF" + len(body).to_bytes(4, "little") + body


def silent_soundfont():
    """Path of a silent SoundFont, written to the temporary folder on first use.

    Two presets, bank 0 program 0 and bank 128 program 0 (where a drum
    channel looks), play one sample of zeros. :func:`synthesizer` loads it
    after the General MIDI SoundFont, so that a system reset gives the
    channels these presets and decodes none of the real SoundFont's samples.

    Returns
    -------
    pathlib.Path
        ``mirlib-silent-<user id>-<digest>.sf2`` (702 bytes) in :func:`tempfile.gettempdir`.
    """
    import hashlib
    import os
    import tempfile
    from pathlib import Path

    data = _silent_sf2()
    user = getattr(os, "getuid", lambda: "")()      # each user their own: /tmp keeps others' files
    path = Path(tempfile.gettempdir()) / f"mirlib-silent-{user}-{hashlib.sha256(data).hexdigest()[:12]}.sf2"
    if not path.is_file() or path.read_bytes() != data:
        fd, tmp = tempfile.mkstemp(suffix=".sf2", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)           # whole or not at all, for processes writing it at once
    return path


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


def _play(synth, program, notes, duration, sr, is_drum=False, tuning=0.0):
    # render notes (pitch, start, end, velocity in [0, 1]) with one General MIDI program, detuned by
    # `tuning` semitones (pitch bend, within ±2). As pretty_midi's Instrument.fluidsynth, but the
    # synthesizer always starts on a block boundary from silence, so that the same notes give the
    # same samples whatever was played before.
    synth, sfid = synth
    channel, bank = (9, 128) if is_drum else (0, 0)
    synth.system_reset()
    if synth.program_select(channel, sfid, bank, int(program)) == -1:
        synth.program_select(channel, sfid, bank, 0)
    if tuning:
        synth.pitch_bend(channel, int(np.clip(round(tuning / 2.0 * 8192), -8192, 8191)))
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


def render_parts(parts, duration, sr=22050, soundfont="musescore", tuning=0.0):
    """Play several parts, each with its General MIDI program, through a SoundFont.

    Parameters
    ----------
    parts : dict
        Part name -> ``(program, notes)``; ``notes`` are ``(MIDI pitch, start,
        end, velocity)`` with times in seconds and velocity in [0, 1]. Program
        ``"drums"`` plays the General MIDI drum kit (channel 10; pitches are
        drum keys, e.g. 36 kick drum, 38 snare drum, 51 ride cymbal).
    duration : float
        Length of every stem in seconds.
    sr : int
        Sample rate in Hz.
    soundfont : str
        A name of :data:`SOUNDFONTS`: ``"musescore"`` (training) or
        ``"timgm6mb"`` (held out).
    tuning : float
        Detuning of every pitched part in semitones (within ±2), as a band
        tuned away from A = 440 Hz.

    Returns
    -------
    dict
        Part name -> ``np.ndarray`` float32 of shape ``(n_samples,)``, dry
        (no reverb or chorus).

    Raises
    ------
    ValueError
        For an unknown SoundFont name, a tuning beyond ±2 semitones or a
        duration that is not positive.
    FluidSynthMissing
        Without FluidSynth; the message says what to install.
    """
    if soundfont not in SOUNDFONTS:
        raise ValueError(f"unknown SoundFont {soundfont!r}; choose one of {sorted(SOUNDFONTS)}")
    if not abs(tuning) <= 2.0:
        raise ValueError(f"tuning must be within ±2 semitones, got {tuning}")
    if not duration > 0:
        raise ValueError(f"duration must be positive, got {duration}")
    synth = synthesizer(sr, SOUNDFONTS[soundfont])
    try:
        return {name: _play(synth, 0 if program == "drums" else program, notes, duration, sr,
                            is_drum=program == "drums", tuning=0.0 if program == "drums" else tuning)
                for name, (program, notes) in parts.items()}
    finally:
        synth[0].delete()
