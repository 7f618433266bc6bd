"""Generated pieces in sections, with exact boundaries: the structure chapter's data.

Music structure analysis needs pieces whose parts are known to the sample.
:func:`render_sectioned_piece` renders a song form (intro, verse, chorus,
bridge, outro, in one of the orders of :data:`FORMS`) at one tempo. Each
section kind gets a part of its own, drawn from the piece's seed, as parts
of a song differ:

* **rhythm**: the drum pattern and the slots of bass notes and chords of one
  of the 4/4 dance styles of :mod:`mirlib.synth.styles`;
* **harmony**: a key and mode of its own;
* **instrumentation**: which of drums, bass and chords play (an intro may
  have no drums), how loud the accompaniment is against the drums, and
  whether it is distorted;
* **loudness**: the section's level (choruses tend to be loud).

A section kind sounds the same each time it returns (the same seed), so a
chorus is a repetition, as in a song. Every
section lasts 4 or 8 bars and starts on a downbeat; the boundaries are the
section starts and the end of the last section. As in songs, not every
change is a boundary: the second half of many 8-bar sections varies (a
breakdown without drums, the chords dropping out, another groove) in the
same key, and these times are recorded as ``params["variations"]``.

``sounds="musescore"`` and ``sounds="timgm6mb"`` play the same sections on
sampled instruments through a General MIDI SoundFont (:mod:`mirlib.synth.fluid`):
each section kind draws its own bass (acoustic, fingered, picked, fretless,
slap, synth) and chord instrument (pianos, organs, guitars, strings, brass,
pads; an overdriven guitar where the part is distorted) from
:data:`SAMPLED_PROGRAMS`, the drums are the SoundFont's kit, a section's
loudness is played as velocity, and every instrument goes through its own EQ,
compression and room. TimGM6mb is held out: no network trains on it.

Everything is seeded: the same seed gives the same audio and boundaries.

Examples
--------
>>> piece = render_sectioned_piece(seed=0)
>>> piece.labels[:3], len(piece.boundaries) == len(piece.labels) + 1
(('intro', 'verse', 'chorus'), True)
>>> round(piece.duration - piece.boundaries[-1], 1)    # the last notes' decay
0.5
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .fluid import SOUNDFONTS
from .loops import render_loop
from .styles import STYLES

__all__ = ["SECTION_KINDS", "FORMS", "SOUND_SETS", "SAMPLED_PROGRAMS", "SectionedPiece", "render_sectioned_piece",
           "sectioned_pieces"]

#: Section kinds, in the order of the section labels' integer codes.
SECTION_KINDS = ("intro", "verse", "chorus", "bridge", "outro")
#: Song forms a piece is drawn from.
FORMS = (
    ("intro", "verse", "chorus", "verse", "chorus", "bridge", "chorus", "outro"),
    ("intro", "verse", "chorus", "verse", "chorus", "outro"),
    ("verse", "chorus", "verse", "chorus", "bridge", "chorus"),
    ("intro", "chorus", "verse", "chorus", "bridge", "chorus", "outro"),
    ("intro", "verse", "bridge", "chorus", "verse", "bridge", "chorus", "outro"),
)
_RHYTHMS = tuple(name for name, style in STYLES.items() if style.metre == 4)
_SEED_SALT = 424242
#: Sound sets of :func:`render_sectioned_piece`: the synthesised families of :data:`mirlib.synth.SOUNDS`
#: and the General MIDI SoundFonts of :data:`mirlib.synth.fluid.SOUNDFONTS` (``"timgm6mb"`` is held out).
SOUND_SETS = ("standard", "alternative", "musescore", "timgm6mb")
#: General MIDI programs a section kind draws its instruments from in a SoundFont piece: basses (acoustic,
#: fingered, picked, fretless, slap, synth); chords on pianos, electric pianos, organs, guitars, strings, brass
#: and pads; overdriven and distortion guitars when the part is distorted.
SAMPLED_PROGRAMS = {"bass": (32, 33, 34, 35, 36, 38, 39), "chords": (0, 1, 2, 4, 5, 16, 17, 18, 19, 24, 25, 26, 27,
                                                                    48, 49, 50, 61, 62, 88, 89, 90, 95),
                    "distorted": (29, 30)}
# General MIDI drum keys of the loop's drums: kick drum, snare drum, closed hi-hat
_DRUM_KEYS = {"KD": 36, "SD": 38, "HH": 42}


@dataclass
class SectionedPiece:
    """A rendered piece in sections and its annotations; times in seconds.

    Attributes
    ----------
    audio : np.ndarray, float32, shape ``(n_samples,)``
        The mix.
    sr : int
        Sample rate in Hz.
    boundaries : np.ndarray, shape ``(n_sections + 1,)``
        Section starts, then the end of the last section.
    labels : tuple of str
        Kind of each section (:data:`SECTION_KINDS`).
    tempo : float
        Tempo in bpm.
    beats : np.ndarray, shape ``(n_beats,)``
        Beat times.
    params : dict
        The seed and every section kind's part (rhythm, key, voices, level).
    """

    audio: np.ndarray
    sr: int
    boundaries: np.ndarray
    labels: tuple
    tempo: float
    beats: np.ndarray
    params: dict = field(default_factory=dict)

    @property
    def duration(self):
        """Length in seconds."""
        return len(self.audio) / self.sr

    @property
    def intervals(self):
        """Sections as ``(start, end)`` in seconds, shape ``(n_sections, 2)`` (``mir_eval.segment``'s format)."""
        return np.stack([self.boundaries[:-1], self.boundaries[1:]], axis=1)


def _part(kind, rng, sounds):
    """A section kind's part: what render_loop plays in it."""
    rhythm = _RHYTHMS[int(rng.integers(len(_RHYTHMS)))]
    style = STYLES[rhythm]
    voices = {"drums": True, "bass": True, "chords": True}
    if kind == "intro":
        voices = [{"drums": False, "bass": False, "chords": True}, {"drums": False, "bass": True, "chords": True},
                  {"drums": True, "bass": False, "chords": False}][int(rng.integers(3))]
    elif kind == "outro":
        voices = [{"drums": True, "bass": True, "chords": False}, {"drums": False, "bass": True, "chords": True},
                  voices][int(rng.integers(3))]
    elif kind == "bridge" and rng.random() < 0.5:
        voices = {"drums": True, "bass": True, "chords": False}
    level = {"intro": (0.25, 0.5), "verse": (0.4, 0.7), "chorus": (0.7, 0.95), "bridge": (0.3, 0.7),
             "outro": (0.25, 0.6)}[kind]
    n_bars = int(rng.choice([4, 8]))
    variation = None
    if n_bars == 8 and rng.random() < 0.6:
        other = STYLES[_RHYTHMS[int(rng.integers(len(_RHYTHMS)))]]
        variation = [{"drums": False, "bass": True, "chords": True},            # breakdown
                     {"drums": True, "bass": True, "chords": False},            # the chords drop out
                     {"pattern": other.pattern, "fill_slots": other.fills}][int(rng.integers(3))]   # another groove
        if not any({**voices, **{k: v for k, v in variation.items() if k in voices}}.values()):
            variation = None     # nothing would play
    return dict(rhythm=rhythm, n_bars=n_bars, variation=variation, pattern=style.pattern, fill_slots=style.fills, bass_slots=list(style.bass),
                chord_slots=list(style.chords), swing=float(rng.uniform(*style.swing)),
                minor=bool(rng.random() < 0.5),
                distortion=float(rng.uniform(0.5, 1.0)) if rng.random() < (0.6 if kind == "chorus" else 0.2) else 0.0,
                tonal_gain=float(rng.uniform(0.4, 1.6)), peak=float(rng.uniform(*level)),
                seed=int(rng.integers(2 ** 31)), sounds=sounds, **voices)


def render_sectioned_piece(seed=0, sr=22050, tempo_range=(90.0, 150.0), sounds="standard"):
    """Render a piece in sections with exact boundaries.

    Parameters
    ----------
    seed : int
        Seed of all random choices (form, tempo, each section kind's part).
    sr : int
        Sample rate in Hz.
    tempo_range : tuple of float
        Range of tempi in bpm, drawn uniformly.
    sounds : {"standard", "alternative", "musescore", "timgm6mb"}
        Instrument sounds (:data:`SOUND_SETS`): the synthesised families of
        :data:`mirlib.synth.SOUNDS`, or sampled instruments through a General
        MIDI SoundFont (needs FluidSynth). The same seed gives the same form,
        tempo, rhythms, keys and levels in every sound set.

    Returns
    -------
    SectionedPiece

    Raises
    ------
    ValueError
        For a tempo range that is not positive and increasing, an unknown
        sound set, or a bad sample rate (from :func:`mirlib.synth.render_loop`).
    mirlib.synth.fluid.FluidSynthMissing
        For a SoundFont sound set without FluidSynth.
    """
    lo, hi = (float(t) for t in tempo_range)
    if not 0 < lo <= hi:
        raise ValueError(f"tempo_range must be increasing positive bpm, got {tempo_range}")
    if sounds not in SOUND_SETS:
        raise ValueError(f"unknown sound set {sounds!r}; choose one of {list(SOUND_SETS)}")
    sampled = sounds in SOUNDFONTS
    rng = np.random.default_rng([seed, _SEED_SALT])
    form = FORMS[int(rng.integers(len(FORMS)))]
    tempo = float(rng.uniform(lo, hi))
    parts = {kind: _part(kind, rng, "standard" if sampled else sounds) for kind in SECTION_KINDS}
    bar = 4 * 60.0 / tempo
    starts = np.concatenate([[0.0], np.cumsum([parts[k]["n_bars"] * bar for k in form])])
    end = starts[-1]
    mix = np.zeros(int(np.ceil((end + 1.0) * sr)), dtype=np.float32)
    beats, variations = [], []
    notes = {}          # sampled: (part, program) -> notes (pitch, start, end, velocity)
    for i, (kind, start) in enumerate(zip(form, starts[:-1])):
        part = parts[kind]
        args = {k: v for k, v in part.items() if k not in ("rhythm", "seed", "peak", "variation")}
        halves = [(0, part["n_bars"], args)]
        if part["variation"] is not None:
            # the second half of an 8-bar section varies (a breakdown, another groove): a change, not a boundary
            half = part["n_bars"] // 2
            halves = [(0, half, args), (half, half, {**args, **part["variation"]})]
            variations.append(start + half * bar)
        for offset, n_bars, voice_args in halves:
            if sampled:
                beats.append(_sampled_section(notes, part, voice_args, start + offset * bar, n_bars, tempo,
                                              np.random.default_rng([part["seed"], i, offset])))
                continue
            # the same seed each time a kind returns and for both halves: the same key, sounds and fills
            r = render_loop(np.random.default_rng(part["seed"]), tempo=tempo, metre=4, sr=sr,
                            lead_in=0.0, humanise=0.005, fills=0.25, peak=part["peak"],
                            **{**voice_args, "n_bars": n_bars})
            audio = r.audio[:int(round((n_bars * bar + 0.5) * sr))]
            at = int(round((start + offset * bar) * sr))
            n = min(len(audio), len(mix) - at)
            mix[at:at + n] += audio[:n]
            beats.append(start + offset * bar + r.beats)
    programs = {}
    if sampled:
        mix, programs = _sampled_mix(notes, sounds, len(mix) / sr, sr, seed)
    mix = mix[:int(np.ceil((end + 0.5) * sr))]
    mix *= 0.95 / max(1.0, float(np.max(np.abs(mix))))
    return SectionedPiece(audio=mix.astype(np.float32), sr=sr, boundaries=starts, labels=tuple(form), tempo=tempo,
                          beats=np.concatenate(beats),
                          params={"seed": seed, "sounds": sounds, "variations": np.asarray(variations),
                                  "programs": programs,
                                  "parts": {k: {n: v for n, v in p.items()
                                                if n not in ("pattern", "fill_slots", "bass_slots", "chord_slots",
                                                             "variation")}
                                            for k, p in parts.items()}})


def _sampled_section(notes, part, args, start, n_bars, tempo, rng):
    # a section's notes for the SoundFont: the loop's drum pattern, bass and chord slots and key, on the
    # section kind's own instruments (drawn from its seed, so a returning kind sounds the same)
    kind_rng = np.random.default_rng([part["seed"], 7])
    key = int(kind_rng.integers(40, 52))
    bass_program = int(kind_rng.choice(SAMPLED_PROGRAMS["bass"]))
    chord_program = int(kind_rng.choice(SAMPLED_PROGRAMS["distorted" if part["distortion"] > 0 else "chords"]))
    beat = 60.0 / tempo
    level = part["peak"]                  # the section's loudness, played as velocity
    tonal = min(1.0, 0.5 + 0.3 * part["tonal_gain"]) * level

    def at(bar, slot):
        offset = 0.0 if slot % 2 == 0 else 0.5 + part["swing"] / 6.0
        return max(0.0, start + beat * (4 * bar + slot // 2 + offset) + rng.normal(0.0, 0.005))

    progression = [0, 8, 5, 7] if part["minor"] else [0, 5, 7, 0]
    third = 3 if part["minor"] else 4
    for b in range(n_bars):
        root = key + progression[b % 4]
        if args["drums"]:
            for name, key_ in _DRUM_KEYS.items():
                slots = list(args["pattern"].get(name, []))
                slots += [s for s in args["fill_slots"].get(name, []) if rng.random() < 0.25]
                for slot in sorted(set(slots)):
                    v = (1.0 if slot % 2 == 0 else 0.7) * float(rng.uniform(0.7, 1.0)) * (0.4 + 0.6 * level)
                    t = at(b, slot)
                    notes.setdefault(("drums", "drums"), []).append((key_, t, t + 0.2, v))
        if args["bass"]:
            for slot in args["bass_slots"]:
                t = at(b, slot)
                notes.setdefault(("bass", bass_program), []).append((root, t, t + 0.9 * beat, tonal))
        if args["chords"]:
            for slot in args["chord_slots"]:
                t = at(b, slot)
                notes.setdefault(("chords", chord_program), []).extend(
                    (root + 12 + iv, t, t + 1.2 * beat, 0.8 * tonal) for iv in (0, third, 7))
    return start + beat * np.arange(4 * n_bars)


def _sampled_mix(notes, soundfont, duration, sr, seed):
    # play every (part, program) through the SoundFont, with its own EQ, compression and room
    from .band import _effects, _rms
    from .fluid import render_parts

    rng = np.random.default_rng([seed, _SEED_SALT, 1])
    stems = render_parts({f"{part} {program}": (program, n) for (part, program), n in sorted(
        notes.items(), key=lambda kv: str(kv[0]))}, duration, sr, soundfont)
    mix = np.zeros(int(np.ceil(duration * sr)))
    for name, stem in stems.items():
        if not np.any(stem):
            continue
        part = name.split()[0]
        y = _effects({"chords": "piano"}.get(part, part), rng, sr)((stem / 32768.0)[None].astype(np.float32), sr)[0]
        mix[:len(y)] += y[:len(mix)]
    programs = sorted({f"{part} {program}" for part, program in notes})
    return mix / (_rms(mix) * 8.0), programs


def sectioned_pieces(n, first_seed=0, sounds="standard", sr=22050):
    """``n`` pieces of consecutive seeds (:func:`render_sectioned_piece`).

    Parameters
    ----------
    n : int
        Number of pieces (at least 1).
    first_seed : int
        Seed of the first; the book trains on seeds from 0 and tests on
        seeds from 50000.
    sounds : {"standard", "alternative", "musescore", "timgm6mb"}
        As in :func:`render_sectioned_piece`.
    sr : int

    Returns
    -------
    list of SectionedPiece

    Raises
    ------
    ValueError
        If ``n`` is below 1.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    return [render_sectioned_piece(first_seed + i, sr=sr, sounds=sounds) for i in range(n)]
