"""Generated jazz-style bass lines with exact beat-wise pitches: the feature-learning chapter's data.

Abeßer et al. :cite:p:`abesser2017deep` transcribe walking bass lines beat by
beat: in a walking bass the bass player plays one note per beat, mostly chord
tones, and approaches each new chord from a semitone or a fifth away. Their
annotations are one pitch per beat. :func:`render_bass_line` renders music
with the same kind of annotation, exact by construction:

* **harmony**: a chord progression drawn from jazz standards' building blocks
  (ii-V-I turnarounds, a 12-bar blues, I-vi-ii-V, minor ii-V-i), in a random
  key, one or two chords per bar;
* **the bass line**, in one of :data:`BASS_STYLES`: ``"walking"`` (a quarter
  note per beat: the chord's root on its first beat, chord tones and passing
  notes in between, a chromatic or fifth approach to the next root),
  ``"two-feel"`` (half notes: root and fifth) or ``"pedal"`` (repeated eighth
  notes on the root, as in rock and funk);
* **the band around it**: drums (a swung ride cymbal, the hi-hat on 2 and 4,
  and the kick drum "feathered" softly on every beat, right in the bass's
  register), piano chords (shell voicings around middle C, comped in one of
  a few rhythms) and, in half the pieces, a solo line of swung eighth notes
  an octave or two above.

The bass sound varies from piece to piece (how strong its fundamental is
against its overtones, how bright and how long its notes are), as basses and
their players do; so does the band's tuning (up to 40 cents off A = 440 Hz),
and in half the pieces the pianist's left hand doubles the chord roots in the
bass's register. ``sounds="alternative"`` plays everything with the other
instrument sounds of :data:`mirlib.synth.SOUNDS` (drum-machine drums, hollow
odd-harmonic tones), to measure a model on sounds it never heard.

``sounds="musescore"`` and ``sounds="timgm6mb"`` play the same notes on sampled
instruments through a General MIDI SoundFont (:mod:`mirlib.synth.fluid`): a
bass drawn from acoustic, fingered, picked, fretless, slap and synth basses, a
comping piano, electric piano, vibraphone, organ or guitar, a soloing
saxophone, trumpet, trombone, clarinet, flute or guitar, and the SoundFont's
drum kit (:data:`SAMPLED_PROGRAMS`), each part through its own EQ,
compression and room (the band songs' effects, :mod:`mirlib.synth.band`), at
levels drawn from the seed. The band's tuning is a pitch bend. TimGM6mb has
other recordings of the same kinds of instruments and no network trains on it.

The beat-wise pitch of a beat is the MIDI pitch of the bass note that
sounds at the beat (:attr:`BassLine.pitches`); all lie in :data:`BASS_RANGE`.
Everything is seeded: the same seed gives the same audio and annotations.

Examples
--------
>>> line = render_bass_line(seed=0, style="walking")
>>> line.pitches.shape == line.beats.shape, line.style
(True, 'walking')
>>> bool(BASS_RANGE[0] <= line.pitches.min() and line.pitches.max() <= BASS_RANGE[1])
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .fluid import SOUNDFONTS
from .loops import SOUNDS, _add, _envelope, _midi_hz, _tone

__all__ = ["BASS_RANGE", "BASS_STYLES", "PROGRESSIONS", "SOUND_SETS", "SAMPLED_PROGRAMS", "BassLine",
           "render_bass_line", "bass_lines", "synthesize_bass"]

#: Lowest and highest bass pitch (MIDI, inclusive): E1 (41.2 Hz), the lowest string of a
#: double bass, to G3 (196 Hz).
BASS_RANGE = (28, 55)
#: Bass-line styles and how often each is drawn.
BASS_STYLES = {"walking": 0.6, "two-feel": 0.2, "pedal": 0.2}

# chord qualities: intervals of third, fifth and seventh above the root
_QUALITIES = {"maj7": (4, 7, 11), "7": (4, 7, 10), "m7": (3, 7, 10), "m7b5": (3, 6, 10)}
#: Chord progressions: name -> chords per bar, each chord ``(root above the key in semitones, quality)``;
#: a bar of two chords changes chord on beat 3.
PROGRESSIONS = {
    "ii-V-I": [[(2, "m7")], [(7, "7")], [(0, "maj7")], [(9, "7")]],
    "blues": [[(0, "7")], [(5, "7")], [(0, "7")], [(0, "7")], [(5, "7")], [(5, "7")], [(0, "7")], [(9, "7")],
              [(2, "m7")], [(7, "7")], [(0, "7"), (9, "7")], [(2, "m7"), (7, "7")]],
    "I-vi-ii-V": [[(0, "maj7"), (9, "m7")], [(2, "m7"), (7, "7")]],
    "minor ii-V-i": [[(2, "m7b5")], [(7, "7")], [(0, "m7")], [(0, "m7")]],
}
_SEED_SALT = 31337
#: Sound sets of :func:`render_bass_line`: the two synthesised families of :data:`mirlib.synth.SOUNDS`
#: and the two General MIDI SoundFonts of :data:`mirlib.synth.fluid.SOUNDFONTS` (``"timgm6mb"`` is held out).
SOUND_SETS = ("standard", "alternative", "musescore", "timgm6mb")
#: General MIDI programs a SoundFont piece draws its instruments from: acoustic, fingered, picked, fretless,
#: slap and synth basses; pianos, electric pianos, vibraphone, organs and guitars to comp; saxophones,
#: trumpet, trombone, clarinet, flute, vibraphone, guitar and a synth lead to solo.
SAMPLED_PROGRAMS = {"bass": (32, 33, 34, 35, 36, 37, 38, 39), "piano": (0, 1, 2, 4, 5, 11, 16, 17, 24, 26, 27),
                    "solo": (64, 65, 66, 56, 57, 71, 73, 11, 26, 81)}


@dataclass
class BassLine:
    """A rendered piece with a bass line and its annotations; times in seconds.

    Attributes
    ----------
    audio : np.ndarray, float32, shape ``(n_samples,)``
        The mix (bass, drums, piano and perhaps a solo).
    bass : np.ndarray, float32, shape ``(n_samples,)``
        The bass alone, at its level in the mix.
    sr : int
        Sample rate in Hz.
    beats : np.ndarray, shape ``(n_beats,)``
        Beat times.
    pitches : np.ndarray of int, shape ``(n_beats,)``
        MIDI pitch of the bass note sounding at each beat (the beat-wise
        annotation of :cite:p:`abesser2017deep`).
    notes : np.ndarray, shape ``(n_notes, 3)``
        Every bass note: onset and offset in seconds, MIDI pitch.
    chords : list of tuple
        ``(time, chord name)`` of every chord change, e.g. ``(0.1, "Dm7")``.
    style : str
        Bass-line style (:data:`BASS_STYLES`).
    tempo : float
        Tempo in bpm.
    params : dict
        The seed and everything else drawn (key, progression, sounds, levels).
    """

    audio: np.ndarray
    bass: np.ndarray
    sr: int
    beats: np.ndarray
    pitches: np.ndarray
    notes: np.ndarray
    chords: list
    style: str
    tempo: float
    params: dict = field(default_factory=dict)

    @property
    def duration(self):
        """Length in seconds."""
        return len(self.audio) / self.sr


_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")


def _nearest(pitch_class, previous, lo=BASS_RANGE[0], hi=BASS_RANGE[1]):
    """The pitch of a pitch class nearest to ``previous`` within [lo, hi]."""
    candidates = [p for p in range(lo, hi + 1) if p % 12 == pitch_class % 12]
    return min(candidates, key=lambda p: (abs(p - previous), p))


def _walking_bar(chords, next_root, previous, rng):
    """Four quarter notes over a bar of one or two chords, approaching ``next_root``."""
    beats_per_chord = 4 // len(chords)
    notes = []
    for c, (root, quality) in enumerate(chords):
        third, fifth, seventh = _QUALITIES[quality]
        target = next_root if c == len(chords) - 1 else chords[c + 1][0]
        start = _nearest(root, previous)
        notes.append(start)
        tones = [root + third, root + fifth, root + seventh, root + 2]   # chord tones and the ninth
        for b in range(1, beats_per_chord):
            if b == beats_per_chord - 1:
                # the last note before a new chord approaches its root: a semitone below or above, or its fifth
                approach = target + [-1, 1, 7][int(rng.choice(3, p=[0.45, 0.3, 0.25]))]
                note = _nearest(approach, notes[-1])
            else:
                note = _nearest(tones[int(rng.integers(len(tones)))], notes[-1])
            if note == notes[-1]:
                note = note + 12 if note + 12 <= BASS_RANGE[1] else note - 12    # an octave leap, not a repeat
            notes.append(note)
        previous = notes[-1]
    return notes


def _bass_notes(style, bars, key, rng):
    """Bass notes ``(beat index, duration in beats, MIDI)`` and the beat-wise pitches."""
    n_beats = 4 * len(bars)
    previous = _nearest(key, int(rng.integers(33, 45)))
    notes, pitches = [], np.zeros(n_beats, dtype=int)
    for i, chords in enumerate(bars):
        roots = [key + r for r, _ in chords]
        next_root = key + bars[(i + 1) % len(bars)][0][0]
        if style == "walking":
            line = _walking_bar([(key + r, q) for r, q in chords], next_root, previous, rng)
            for b, p in enumerate(line):
                notes.append((4 * i + b, 1.0, p))
            previous = line[-1]
        elif style == "two-feel":
            halves = roots if len(roots) == 2 else [roots[0], roots[0] + _QUALITIES[chords[0][1]][1]]
            for h, pc in enumerate(halves):
                p = _nearest(pc, previous)
                notes.append((4 * i + 2 * h, 2.0, p))
                previous = p
        else:   # pedal: eighth notes on the root
            for b in range(4):
                p = _nearest(roots[min(b // (4 // len(roots)), len(roots) - 1)], previous)
                notes += [(4 * i + b, 0.5, p), (4 * i + b + 0.5, 0.5, p)]
                previous = p
    for beat, length, p in notes:
        if beat == int(beat):
            pitches[int(beat):int(beat + max(length, 1.0))] = p
    return notes, pitches


def _bass_tone(freq, duration, sr, fundamental, brightness, decay, odd_only):
    """A plucked bass note: harmonics falling off with ``brightness``, the fundamental at its own level."""
    n = int(duration * sr)
    t = np.arange(n) / sr
    out = np.zeros(n)
    harmonics = range(1, 12, 2) if odd_only else range(1, 7)
    for h in harmonics:
        if h * freq < 0.45 * sr:
            gain = fundamental if h == 1 else brightness ** (h - 1) / (h if odd_only else 1)
            out += gain * np.sin(2 * np.pi * h * freq * t)
    env = _envelope(n, sr, decay, attack=0.01)
    release = min(n, int(0.02 * sr))
    env[n - release:] *= np.linspace(1.0, 0.0, release)    # the player damps the string before the next note
    return out * env


def synthesize_bass(beats, pitches, sr=22050, duration=None, gain=0.5):
    """Re-synthesise a beat-wise bass line: one plain bass note per beat.

    For listening to a transcription next to the recording (the book plays
    the predicted and the true line this way).

    Parameters
    ----------
    beats : array_like, shape ``(n_beats,)``
        Beat times in seconds, increasing.
    pitches : array_like, shape ``(n_beats,)``
        MIDI pitch per beat; a negative value is a rest.
    sr : int
        Sample rate in Hz.
    duration : float or None
        Length of the result in seconds (None: one beat after the last beat).
    gain : float
        Peak amplitude of a note.

    Returns
    -------
    np.ndarray, float32, shape ``(n_samples,)``

    Raises
    ------
    ValueError
        If beats and pitches differ in length, the beats do not increase or
        there are none.

    Examples
    --------
    >>> y = synthesize_bass([0.0, 0.5, 1.0], [40, 43, 45], sr=8000)
    >>> y.shape, bool(np.abs(y).max() <= 0.5)
    ((12000,), True)
    """
    beats = np.asarray(beats, dtype=float)
    pitches = np.asarray(pitches)
    if beats.ndim != 1 or len(beats) == 0 or beats.shape != pitches.shape:
        raise ValueError(f"need as many pitches as beats, got {pitches.shape} and {beats.shape}")
    if np.any(np.diff(beats) <= 0):
        raise ValueError("beat times must increase")
    period = float(np.median(np.diff(beats))) if len(beats) > 1 else 0.5
    ends = np.append(beats[1:], beats[-1] + period)
    duration = ends[-1] if duration is None else float(duration)
    out = np.zeros(int(np.ceil(duration * sr)))
    for start, end, p in zip(beats, ends, pitches):
        if p >= 0:
            tone = _bass_tone(_midi_hz(p), end - start, sr, 1.0, 0.5, 0.6, False)
            _add(out, gain * tone / (np.max(np.abs(tone)) + 1e-12), start, sr, 1.0)
    return out.astype(np.float32)


def _chord_name(root, quality):
    return _NAMES[root % 12] + quality


def render_bass_line(seed=0, sr=22050, style=None, progression=None, n_bars=None, tempo_range=(100.0, 200.0),
                     sounds="standard", solo=None):
    """Render a piece with a bass line, drums, piano and perhaps a solo, with exact beat-wise bass pitches.

    Parameters
    ----------
    seed : int
        Seed of all random choices.
    sr : int
        Sample rate in Hz (at least 8000).
    style : str or None
        Bass-line style (:data:`BASS_STYLES`); None draws one.
    progression : str or None
        Chord progression (:data:`PROGRESSIONS`); None draws one.
    n_bars : int or None
        Number of bars, the progression repeated as needed; None: the
        progression's length, at least 8 bars.
    tempo_range : tuple of float
        Range of tempi in bpm, drawn uniformly.
    sounds : {"standard", "alternative", "musescore", "timgm6mb"}
        Instrument sounds (:data:`SOUND_SETS`): the synthesised families of
        :data:`mirlib.synth.SOUNDS`, or sampled instruments of a SoundFont
        (rendering needs FluidSynth).
    solo : bool or None
        Whether a solo line plays; None draws it (probability 0.5).

    Returns
    -------
    BassLine

    Raises
    ------
    ValueError
        For an unknown style, progression or sound set, a tempo range that is
        not positive and increasing, fewer than 1 bar, or a sample rate below
        8000 Hz.
    mirlib.synth.fluid.FluidSynthMissing
        For a SoundFont sound set without FluidSynth.
    """
    if style is not None and style not in BASS_STYLES:
        raise ValueError(f"unknown bass-line style {style!r}; choose one of {sorted(BASS_STYLES)}")
    if progression is not None and progression not in PROGRESSIONS:
        raise ValueError(f"unknown progression {progression!r}; choose one of {sorted(PROGRESSIONS)}")
    if sounds not in SOUND_SETS:
        raise ValueError(f"unknown sound set {sounds!r}; choose one of {list(SOUND_SETS)}")
    lo, hi = (float(t) for t in tempo_range)
    if not 0 < lo <= hi:
        raise ValueError(f"tempo_range must be increasing positive bpm, got {tempo_range}")
    if n_bars is not None and n_bars < 1:
        raise ValueError(f"n_bars must be at least 1, got {n_bars}")
    if sr < 8000:
        raise ValueError(f"sample rate {sr} Hz is too low; use at least 8000 Hz")
    rng = np.random.default_rng([seed, _SEED_SALT])
    names = list(BASS_STYLES)
    drawn_style = names[int(rng.choice(len(names), p=list(BASS_STYLES.values())))]
    style = drawn_style if style is None else style
    drawn_progression = sorted(PROGRESSIONS)[int(rng.integers(len(PROGRESSIONS)))]
    progression = drawn_progression if progression is None else progression
    key = int(rng.integers(12))
    tempo = float(rng.uniform(lo, hi))
    drawn_solo = bool(rng.random() < 0.5)
    solo = drawn_solo if solo is None else bool(solo)
    bars = PROGRESSIONS[progression]
    n_bars = max(8, len(bars)) if n_bars is None else int(n_bars)
    bars = [bars[i % len(bars)] for i in range(n_bars)]
    sampled = sounds in SOUNDFONTS        # played through a SoundFont: notes are collected, then rendered
    sound = SOUNDS["standard" if sampled else sounds]
    odd = sound["odd_harmonics"]
    events = {"bass": [], "drums": [], "piano": [], "solo": []}   # (pitch, start, end, velocity in [0, 1])

    beat = 60.0 / tempo
    lead_in = 0.1
    n_beats = 4 * n_bars
    beats = lead_in + beat * np.arange(n_beats)
    swing = float(rng.uniform(0.5, 1.0))      # jazz eighths: the off-beat late, towards the triplet

    def at(position):
        """Time of a position in beats (swung eighths), with a little timing noise."""
        whole = int(np.floor(position))
        frac = position - whole
        offset = frac if frac != 0.5 else 0.5 + swing / 6.0
        return lead_in + beat * (whole + offset) + rng.normal(0.0, 0.004)

    length = lead_in + beat * n_beats + 1.0
    bass = np.zeros(int(np.ceil(length * sr)))
    band = np.zeros_like(bass)

    # the band's tuning: recordings are rarely at exactly A = 440 Hz
    tuning = float(rng.uniform(-0.4, 0.4))

    def hz(pitch):
        return _midi_hz(pitch + tuning)

    # the bass: its sound drawn per piece (a weak or strong fundamental, bright or dull, legato or short)
    notes, pitches = _bass_notes(style, bars, key, rng)
    fundamental = float(np.exp(rng.uniform(np.log(0.08), 0.0)))
    brightness = float(rng.uniform(0.3, 0.85)) * sound["brightness"]
    decay = float(rng.uniform(0.2, 1.2))
    articulation = float(rng.uniform(0.5, 1.0))
    bass_gain = float(rng.uniform(0.2, 0.6))
    note_rows = []
    for position, beats_long, p in notes:
        start = at(position) if position else lead_in
        dur = beat * beats_long * articulation * float(rng.uniform(0.9, 1.0))
        level = float(rng.uniform(0.8, 1.0))
        if sampled:
            events["bass"].append((p, start, start + dur, 0.75 * level))
        else:
            tone = _bass_tone(hz(p), dur, sr, fundamental, brightness, decay, odd)
            _add(bass, tone / (np.max(np.abs(tone)) + 1e-12), start, sr, bass_gain * level)
        note_rows.append((start, start + dur, p))

    # drums: ride, hi-hat on 2 and 4, feathered kick drum on every beat, the odd snare comp
    if sampled:     # General MIDI drum keys: kick, snare, ride, pedal hi-hat
        kick, snare, ride, hat = 36, 38, 51, 44
    else:
        make_kick, make_snare, make_hat = sound["drums"]
        kick, snare, ride, hat = make_kick(sr, rng), make_snare(sr, rng), make_hat(sr, rng), make_hat(sr, rng)
        ride = ride * _envelope(len(ride), sr, 0.08)
    drum_gain = float(rng.uniform(0.4, 1.0))
    feather = float(rng.uniform(0.1, 0.45))

    def drum(sound_, t, gain):
        if sampled:
            events["drums"].append((sound_, t, t + 0.3, min(1.0, 0.25 + gain)))
        else:
            _add(band, sound_, t, sr, gain)

    for b in range(n_beats):
        drum(kick, at(b), drum_gain * feather)
        drum(ride, at(b), drum_gain * 0.35)
        if b % 2 == 1:
            drum(ride, at(b + 0.5), drum_gain * 0.25)
            drum(hat, at(b), drum_gain * 0.2)
        if rng.random() < 0.12:
            drum(snare, at(b + float(rng.choice([0.0, 0.5]))), drum_gain * 0.3)

    # piano: shell voicings (root, third, seventh or third, seventh, ninth) around middle C, in some pieces
    # with the root doubled in the left hand, down in the bass's register
    comp = [[0.0, 1.5], [1.0, 3.0], [0.0, 2.5], [1.5, 3.5]][int(rng.integers(4))]   # comping rhythms, in beats
    piano_gain = float(rng.uniform(0.25, 0.6))
    left_hand = bool(rng.random() < 0.5)
    chords = []
    for i, bar in enumerate(bars):
        for c, (r, quality) in enumerate(bar):
            third, _, seventh = _QUALITIES[quality]
            root = 48 + (key + r) % 12
            voicing = [root, root + third, root + seventh] if rng.random() < 0.5 else \
                [root + third, root + seventh, root + 14]
            if left_hand:
                voicing = voicing + [root - 12 + 12 * int(root < 43)]
            start_beat = 4 * i + 2 * c
            chords.append((float(beats[start_beat]), _chord_name(key + r, quality)))
            for hit in comp:
                if len(bar) == 2 and not 2 * c <= hit < 2 * c + 2:
                    continue
                t = at(4 * i + hit)
                level = float(rng.uniform(0.8, 1.0))
                if sampled:
                    events["piano"] += [(p, t, t + 0.6 * beat * 1.5, 0.6 * level) for p in voicing]
                    continue
                tone = sum(_tone(hz(p), 0.8, sr, 0.35, n_harmonics=4, brightness=0.45 * sound["brightness"],
                                 odd_only=odd) for p in voicing)
                _add(band, tone, t, sr, piano_gain / len(voicing) * level)

    # a solo: swung eighth notes from the chord's scale, two octaves above the bass
    if solo:
        solo_gain = float(rng.uniform(0.15, 0.35))
        pitch = 67 + key % 12
        for i, bar in enumerate(bars):
            for e in range(8):
                if rng.random() < 0.2:
                    continue            # a rest
                r, quality = bar[min(e // (8 // len(bar)), len(bar) - 1)]
                third, fifth, seventh = _QUALITIES[quality]
                tones = [(key + r + iv) % 12 for iv in (0, 2, third, fifth, seventh)]
                choices = [p for p in range(pitch - 4, pitch + 5) if p % 12 in tones and 62 <= p <= 84]
                pitch = int(rng.choice(choices)) if choices else pitch
                t = at(4 * i + e / 2)
                if sampled:
                    events["solo"].append((pitch, t, t + 0.45 * beat, 0.7))
                    continue
                tone = _tone(hz(pitch), 0.3, sr, 0.2, n_harmonics=5, brightness=0.6 * sound["brightness"],
                             odd_only=not odd)
                _add(band, tone, t, sr, solo_gain)

    programs = {}
    if sampled:
        bass, band, programs = _sampled_mix(events, sounds, tuning, len(bass) / sr, sr, seed)
    mix = bass + band
    scale = 0.9 / (np.max(np.abs(mix)) + 1e-12)
    return BassLine(audio=(mix * scale).astype(np.float32), bass=(bass * scale).astype(np.float32), sr=sr,
                    beats=beats, pitches=pitches, notes=np.asarray(note_rows, dtype=float), chords=chords,
                    style=style, tempo=tempo,
                    params={"seed": seed, "key": _NAMES[key], "progression": progression, "solo": solo,
                            "sounds": sounds, "tuning": tuning, "fundamental": fundamental,
                            "brightness": brightness, "articulation": articulation, "left_hand": left_hand,
                            "bass_gain": bass_gain, "drum_gain": drum_gain, "piano_gain": piano_gain,
                            "programs": programs})


def _sampled_mix(events, soundfont, tuning, duration, sr, seed):
    # play the collected notes through a SoundFont: instruments, levels and effects drawn from the seed
    from .band import _effects, _rms
    from .fluid import render_parts

    rng = np.random.default_rng([seed, _SEED_SALT, 1])
    programs = {part: int(rng.choice(choices)) for part, choices in SAMPLED_PROGRAMS.items()}
    stems = render_parts({part: ("drums" if part == "drums" else programs[part], notes)
                          for part, notes in events.items() if notes}, duration, sr, soundfont, tuning)
    # levels against the piano (dB), then each part's EQ, compression and room (the bass stays dry of reverb)
    levels = {"bass": rng.uniform(-6.0, 4.0), "drums": rng.uniform(-10.0, 0.0), "piano": 0.0,
              "solo": rng.uniform(-6.0, 2.0)}
    out = {}
    for part, stem in stems.items():
        effect = {"piano": "piano", "solo": "lead", "bass": "bass", "drums": "drums"}[part]
        y = _effects(effect, rng, sr)((0.5 * stem / (np.max(np.abs(stem)) + 1e-12))[None], sr)[0]
        out[part] = y.astype(np.float64) * 10 ** (levels[part] / 20) / _rms(y)
    bass = out.pop("bass")
    band = sum(out.values())
    programs["drums"] = "drums"
    return bass, band, programs


def bass_lines(n, first_seed=0, sounds="standard", sr=22050):
    """``n`` pieces of consecutive seeds (:func:`render_bass_line`).

    Parameters
    ----------
    n : int
        Number of pieces (at least 1).
    first_seed : int
        Seed of the first; the book trains on seeds from 0 and tests on
        seeds from 50000.
    sounds : {"standard", "alternative", "musescore", "timgm6mb"}
        As in :func:`render_bass_line`.
    sr : int

    Returns
    -------
    list of BassLine

    Raises
    ------
    ValueError
        If ``n`` is below 1.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    return [render_bass_line(first_seed + i, sr=sr, sounds=sounds) for i in range(n)]
