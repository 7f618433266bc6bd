"""Band songs: parts played by sampled instruments, drums on recorded kits, mixed with real effects.

The loops of :mod:`mirlib.synth.loops` have few, synthetic voices; a network
trained only on them hears a band's guitars, keys and voices as drums and
follows the band instead of the beat. This module renders training audio
that sounds like a band, with exact annotations:

* **parts** people hear in songs (bass, rhythm guitar clean or overdriven,
  piano, organ, strings, brass, lead lines, pads, voice-like parts) written as
  MIDI and played by the sampled instruments of a General MIDI SoundFont
  (MuseScore General Lite, Debian package ``musescore-general-soundfont-small``,
  MIT licence) through FluidSynth (pyfluidsynth, the binding pretty_midi uses);
* **drums** (KD, SD, HH) from the recorded Hydrogen training kits
  (:mod:`mirlib.data.drumkits`; the test kits stay held out), with
  **distractors** from the SoundFont's drum kit under their own labels: crash and
  ride cymbals (``"CY"``), toms in fills (``"TT"``), open hi-hats (``"OHH"``);
* a **song form** in a few bars: intros and breaks without drums, fills and
  crashes at section changes, tempo drift and expressive timing, 4/4, 3/4 and
  6/8 (two dotted-quarter beats per bar);
* **riff songs** (``riff=True``): a one-bar riff that the bass and guitars play
  in unison with a syncopated kick drum on 16th-note off-beats, and a snare
  drum backbeat that may move off the beat, as in riff-driven rock;
* **mixing** with Spotify's pedalboard: compression, EQ, distortion, delay and
  reverb per part, a master bus compressor and limiter, and the drums from
  -12 dB to +3 dB against the band.

Rendering needs the FluidSynth library (Debian ``libfluidsynth3``, Homebrew
``fluid-synth``; ``tools/install.sh`` installs it) and the SoundFont
(:func:`soundfont_path`: the installed package, else Debian's ``.deb``
downloaded and checked by sha256). Reading the book and running the shipped
networks never need either.

Examples
--------
>>> song = random_band_song(0, length=6.0)
>>> song.sr, sorted(song.params["other_drums"]), song.beat_positions[:4].tolist()
(44100, ['CY', 'OHH', 'TT'], [1, 2, 3, 4])
"""

from __future__ import annotations

import numpy as np

from ..data.annotations import DRUMS
from ..data.drumkits import TRAIN_KITS, load_kit
from .drums import DRUM_STYLES
from .fluid import SOUNDFONT, SOUNDFONT_CREDIT, FluidSynthMissing, _play, soundfont_path, synthesizer
from .loops import Rendering, _add

__all__ = ["SOUNDFONT", "SOUNDFONT_CREDIT", "soundfont_path", "synthesizer", "PARTS", "METRES", "render_band_song",
           "random_band_song", "riff_pattern", "FluidSynthMissing"]

#: Metres of the songs: beats per bar, steps (grid positions) per beat, and the
#: drum patterns that fit (keys of :data:`mirlib.synth.drums.DRUM_STYLES`, or
#: ``"six-eight"``).
METRES = {
    "4/4": (4, 4, ("rock", "funk", "shuffle", "half-time", "four-on-the-floor")),
    "3/4": (3, 4, ("waltz",)),
    "6/8": (2, 3, ("six-eight",)),
}
_SIX_EIGHT = {"KD": (0,), "SD": (3,), "HH": tuple(range(6))}

#: General MIDI programs of each part (0-based program numbers).
PARTS = {
    "bass": (33, 34, 32, 35, 38),
    "clean guitar": (27, 26, 25, 24),
    "overdriven guitar": (29, 30),
    "piano": (0, 1, 2, 4, 5),
    "organ": (16, 17, 18, 19),
    "strings": (48, 49, 50),
    "brass": (61, 62, 56, 57),
    "lead": (80, 81, 65, 66, 73, 71, 56, 26),
    "pad": (88, 89, 90, 91, 94, 95),
    "voice": (52, 53, 54, 85),
}
_PROGRESSIONS = ((0, 4, 5, 3), (0, 5, 3, 4), (0, 3, 4, 4), (5, 3, 0, 4), (0, 0, 3, 4), (0, 6, 3, 0), (1, 4, 0, 0))
_MAJOR, _MINOR = (0, 2, 4, 5, 7, 9, 11), (0, 2, 3, 5, 7, 8, 10)
# General MIDI drum notes of the distractors
_CRASH, _RIDE, _OPEN_HH, _TOMS, _CLOSED_HH, _PEDAL_HH = (49, 57), (51, 59), 46, (41, 43, 45, 47, 48, 50), 42, 44


def _grid(rng, n_bars, beats_per_bar, tempo, drift, jitter, lead_in):
    # beat times under a drifting tempo with expressive per-beat variation, and one beat after the last
    n = n_bars * beats_per_bar + 1
    tempi = np.linspace(tempo, tempo * (1.0 + drift), n - 1)
    walk = np.cumsum(rng.normal(0.0, jitter, n - 1))
    walk -= np.linspace(0.0, walk[-1], n - 1)          # expressive timing around the drifting tempo
    intervals = 60.0 / tempi * np.exp(np.clip(walk, -0.08, 0.08))
    return lead_in + np.concatenate([[0.0], np.cumsum(intervals)])


def _chord(degree, key, scale, octave_root):
    # a diatonic triad on a scale degree: MIDI notes of root, third, fifth above octave_root
    notes = [octave_root + key + scale[(degree + i) % 7] + 12 * ((degree + i) // 7) for i in (0, 2, 4)]
    return notes


def _sections(rng, n_bars):
    # a bar-wise song form: intro (may be without drums), verse, a break without drums, chorus
    kinds = ["verse"] * n_bars
    if n_bars >= 3 and rng.random() < 0.6:
        for b in range(int(rng.integers(1, min(3, n_bars - 1)))):
            kinds[b] = "intro"
    if n_bars >= 4:
        change = int(rng.integers(n_bars // 2, n_bars))
        for b in range(change, n_bars):
            kinds[b] = "chorus"
        if rng.random() < 0.35:
            kinds[change - 1] = "break"
    return kinds


_RIFF_INTERVALS = (0, 0, 0, 3, 5, 7, 10, 12, -2)


def riff_pattern(rng, steps_per_bar=16, steps_per_beat=4):
    """A one-bar riff and its drum pattern on the 16th-note grid, as riff songs play them.

    KD on the first beat and on 2 to 4 off-beat steps, SD on the backbeats
    (the last one moved off the beat in half the patterns, an extra one in a
    quarter), HH in eighths, quarters, sixteenths or off-beats; the riff plays
    on every KD step and on up to 3 more off-beats.

    Parameters
    ----------
    rng : np.random.Generator
    steps_per_bar, steps_per_beat : int
        The grid: 16 and 4 in 4/4, 12 and 4 in 3/4.

    Returns
    -------
    pattern : dict
        ``"KD"``, ``"SD"``, ``"HH"`` -> tuple of steps (0 = the downbeat).
    riff : list of (int, int)
        Steps of the riff's notes and their intervals in semitones above the
        chord's root; the first is ``(0, 0)``.
    """
    offbeats = [s for s in range(1, steps_per_bar) if s % steps_per_beat]
    kd = {0} | {int(s) for s in rng.choice(offbeats, size=int(rng.integers(2, 5)), replace=False)}
    sd = [b for b in range(steps_per_beat, steps_per_bar, 2 * steps_per_beat)] or [steps_per_bar // 2]
    if rng.random() < 0.5:
        sd[-1] = min(steps_per_bar - 1, sd[-1] + int(rng.choice([-1, 1, 2, 3])))
    if rng.random() < 0.25:
        sd.append(int(rng.choice([7, 10, 15])) % steps_per_bar)
    sd = sorted(set(sd))
    kd -= set(sd)
    hh = {"eighths": range(0, steps_per_bar, 2), "quarters": range(0, steps_per_bar, steps_per_beat),
          "sixteenths": range(steps_per_bar), "off-beats": range(2, steps_per_bar, steps_per_beat)}
    pattern = {"KD": tuple(sorted(kd)), "SD": tuple(sd), "HH": tuple(hh[str(rng.choice(list(hh), p=[0.5, 0.15, 0.2,
                                                                                                   0.15]))])}
    extra = {int(s) for s in rng.choice(offbeats, size=int(rng.integers(0, 4)), replace=False)}
    steps = sorted(kd | extra | {0})
    intervals = [0] + [int(rng.choice(_RIFF_INTERVALS)) for _ in steps[1:]]
    return pattern, list(zip(steps, intervals))


def _riff_notes(part, rng, riff, chords, step_time, n_bars, steps_per_bar):
    # the riff bar by bar on the chord's root: bass an octave down, guitars as power chords or single notes
    notes, staccato = [], rng.uniform(0.4, 0.95)
    power = part == "overdriven guitar" and rng.random() < 0.7
    for bar in range(n_bars):
        root = chords[bar][0] - (12 if part == "bass" else 0)
        for i, (s, interval) in enumerate(riff):
            end = riff[i + 1][0] if i + 1 < len(riff) else steps_per_bar
            t = step_time(bar, s)
            length = (step_time(bar, end, 0.0) - t) * staccato
            v = rng.uniform(0.75, 1.0) if s % 2 else rng.uniform(0.6, 0.9)   # accented off-beats
            for p in ([root + interval, root + interval + 7] if power else [root + interval]):
                notes.append((p, t, t + max(0.03, length), v))
    return notes


def _part_notes(part, rng, chords, step_time, n_bars, steps_per_bar, steps_per_beat, kick_steps, key, scale):
    # MIDI notes (pitch, start, end, velocity) of one part, bar by bar
    notes = []
    beat = steps_per_beat
    if part == "bass":
        style = rng.choice(["beats", "kick", "eighths", "roots"])
        for bar in range(n_bars):
            root = chords[bar][0] - 12 * (1 if chords[bar][0] >= 52 else 0)
            if style == "beats":
                steps = range(0, steps_per_bar, beat)
            elif style == "kick":
                steps = kick_steps[bar] or [0]
            elif style == "eighths":
                steps = range(0, steps_per_bar, max(1, beat // 2))
            else:
                steps = (0, steps_per_bar // 2) if steps_per_bar % 2 == 0 else (0,)
            steps = sorted(set(steps))
            for i, s in enumerate(steps):
                end = steps[i + 1] if i + 1 < len(steps) else steps_per_bar
                pitch = root + (7 if rng.random() < 0.15 else 12 if rng.random() < 0.1 else 0)
                notes.append((pitch, step_time(bar, s), step_time(bar, end) - 0.02, rng.uniform(0.6, 1.0)))
    elif part in ("clean guitar", "overdriven guitar", "piano", "brass"):
        style = rng.choice(["strum", "offbeat", "stabs", "half"] if part != "brass" else ["stabs", "offbeat"])
        power = part == "overdriven guitar" and rng.random() < 0.7
        for bar in range(n_bars):
            chord = chords[bar]
            voicing = [chord[0], chord[0] + 7, chord[0] + 12] if power else chord + [chord[0] + 12]
            if style == "strum":
                steps = range(0, steps_per_bar, max(1, beat // 2))
            elif style == "offbeat":
                steps = range(beat // 2 if beat % 2 == 0 else 1, steps_per_bar, beat)
            elif style == "stabs":
                steps = sorted(set(int(s) for s in rng.choice(steps_per_bar, size=int(rng.integers(2, 5)),
                                                                  replace=False)))
            else:
                steps = range(0, steps_per_bar, 2 * beat if steps_per_bar >= 2 * beat else beat)
            steps = list(steps)
            spread = rng.uniform(0.004, 0.015) if "guitar" in part else rng.uniform(0.0, 0.004)
            for i, s in enumerate(steps):
                end = steps[i + 1] if i + 1 < len(steps) else steps_per_bar
                length = (step_time(bar, end) - step_time(bar, s)) * (rng.uniform(0.3, 0.95))
                t, v = step_time(bar, s), rng.uniform(0.5, 0.95)
                for j, p in enumerate(voicing):
                    notes.append((p, t + j * spread, t + j * spread + length, v))
    elif part in ("organ", "strings", "pad"):
        for bar in range(n_bars):
            t0, t1 = step_time(bar, 0), step_time(bar + 1, 0) if bar + 1 < n_bars else step_time(bar, steps_per_bar)
            for p in chords[bar]:
                notes.append((p + (12 if part == "strings" else 0), t0, t1 - 0.01, rng.uniform(0.4, 0.75)))
    else:   # lead and voice: a random walk on the scale, with rests
        degree = int(rng.integers(0, 7))
        base = 60 + key if part == "lead" else 55 + key
        long_notes = part == "voice"
        for bar in range(n_bars):
            s = int(rng.integers(0, beat)) if rng.random() < 0.5 else 0
            while s < steps_per_bar:
                length = int(rng.choice([beat, 2 * beat, beat // 2 or 1] if long_notes else
                                        [1, max(1, beat // 2), beat, beat + beat // 2]))
                if rng.random() < 0.75:
                    degree = int(np.clip(degree + rng.integers(-2, 3), -3, 10))
                    pitch = base + scale[degree % 7] + 12 * (degree // 7)
                    end = min(s + length, steps_per_bar)
                    notes.append((pitch, step_time(bar, s), step_time(bar, end) - 0.01, rng.uniform(0.55, 0.95)))
                s += length
    return notes


def _effects(part, rng, sr):
    # a pedalboard chain for one part, drawn from the seed
    import pedalboard as pb

    chain = [pb.HighpassFilter(cutoff_frequency_hz=float(rng.uniform(30, 60) if part in ("bass", "drums")
                                                         else rng.uniform(80, 250)))]
    if part == "overdriven guitar" or (part in ("clean guitar", "bass", "organ") and rng.random() < 0.2):
        drive = rng.uniform(6, 25) if part == "overdriven guitar" else rng.uniform(3, 10)
        chain += [pb.Distortion(drive_db=float(drive)),
                  pb.LowpassFilter(cutoff_frequency_hz=float(rng.uniform(3500, 7000)))]
    chain.append(pb.PeakFilter(cutoff_frequency_hz=float(np.exp(rng.uniform(np.log(150), np.log(6000)))),
                               gain_db=float(rng.uniform(-6, 6)), q=float(rng.uniform(0.5, 2.0))))
    if part in ("bass", "drums", "clean guitar", "overdriven guitar", "voice") or rng.random() < 0.3:
        chain.append(pb.Compressor(threshold_db=float(rng.uniform(-30, -12)), ratio=float(rng.uniform(2, 8)),
                                   attack_ms=float(rng.uniform(1, 20)), release_ms=float(rng.uniform(50, 250))))
    if part in ("lead", "voice") and rng.random() < 0.5:
        chain.append(pb.Delay(delay_seconds=float(rng.uniform(0.15, 0.45)), feedback=float(rng.uniform(0.1, 0.4)),
                              mix=float(rng.uniform(0.1, 0.3))))
    if part != "bass":
        chain.append(pb.Reverb(room_size=float(rng.uniform(0.1, 0.8) if part != "drums" else rng.uniform(0.05, 0.4)),
                               wet_level=float(rng.uniform(0.05, 0.35)), dry_level=1.0,
                               damping=float(rng.uniform(0.2, 0.8)),
                               width=0.0))
    return pb.Pedalboard(chain)


def _rms(x):
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) + 1e-12


def render_band_song(seed=0, *, metre="4/4", tempo=110.0, n_bars=6, kit=TRAIN_KITS[0], parts=("bass", "piano"),
                     drift=0.0, jitter=0.01, humanise=0.008, swing=0.0, drum_gain_db=0.0, sr=44100, lead_in=0.3,
                     peak=0.9, sampled_hihat=0.0, riff=False):
    """Render a short band song with exact beats, downbeats, drum hits and onsets.

    Parameters
    ----------
    seed : int or np.random.Generator
        Seed of everything not given: key, chords, song form, patterns,
        velocities, timing, instruments, effects.
    metre : {"4/4", "3/4", "6/8"}
        A key of :data:`METRES`; 6/8 has two dotted-quarter beats per bar.
    tempo : float
        Tempo at the start in bpm (beats as in :data:`METRES`).
    n_bars : int
        Number of bars.
    kit : str
        Hydrogen kit of KD, SD and HH (:data:`mirlib.data.drumkits.KITS`).
    parts : sequence of str
        Keys of :data:`PARTS` that play.
    drift : float
        Relative tempo change from the first to the last beat (e.g. 0.05).
    jitter : float
        Standard deviation of the per-beat expressive tempo variation (relative).
    humanise : float
        Standard deviation of every note's and hit's timing in seconds.
    swing : float
        Swing of off-beat 8th notes in [0, 1] (simple metres only).
    drum_gain_db : float
        Loudness of the drums against the band in dB (RMS).
    sr : int
        Sample rate in Hz (44100, that of the kits).
    lead_in : float
        Seconds before the first beat.
    peak : float
        Peak amplitude of the mix.

    sampled_hihat : float
        Probability that the SoundFont's kit plays the hi-hat (closed, pedal;
        labelled HH) instead of the Hydrogen kit; 0 draws nothing.
    riff : bool
        Play a riff song (4/4 and 3/4; ignored in 6/8): the bass and the
        guitars play a one-bar riff in unison with a syncopated kick drum
        pattern drawn from the seed (style ``"riff"``); False draws nothing
        more than before.

    Returns
    -------
    mirlib.synth.Rendering
        ``drums``: KD, SD and HH times; ``onsets``: every note and hit (drums,
        distractors, parts); ``beats``, ``beat_positions``, ``downbeats``;
        ``params["other_drums"]``: ``"CY"`` (crash, ride), ``"TT"`` (toms),
        ``"OHH"`` (open hi-hat) times; ``params["sections"]``: the form, one
        entry per bar; ``params["programs"]``: the General MIDI program of each part.

    Raises
    ------
    ValueError
        For an unknown metre, part or kit, ``n_bars < 1``, a tempo that is not
        positive, or a sample rate other than the kit's.
    FluidSynthMissing
        If FluidSynth is not installed (the message says what to install).
    """
    if metre not in METRES:
        raise ValueError(f"unknown metre {metre!r}; choose one of {sorted(METRES)}")
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise ValueError(f"unknown part(s) {unknown}; choose from {sorted(PARTS)}")
    if n_bars < 1:
        raise ValueError(f"n_bars must be at least 1, got {n_bars}")
    if not tempo > 0:
        raise ValueError(f"tempo must be positive bpm, got {tempo}")
    drumkit = load_kit(kit)
    if sr != drumkit.sr:
        raise ValueError(f"kit {drumkit.name} is recorded at {drumkit.sr} Hz; render at that sample rate, not {sr} Hz")
    synth = synthesizer(sr)
    try:
        return _render(synth, seed, metre, tempo, n_bars, drumkit, parts, drift, jitter, humanise, swing,
                       drum_gain_db, sr, lead_in, peak, sampled_hihat, riff)
    finally:
        synth[0].delete()


def _render(synth, seed, metre, tempo, n_bars, drumkit, parts, drift, jitter, humanise, swing, drum_gain_db, sr,
            lead_in, peak, sampled_hihat=0.0, riff=False):
    import pedalboard as pb

    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    beats_per_bar, steps_per_beat, styles = METRES[metre]
    steps_per_bar = beats_per_bar * steps_per_beat
    grid = _grid(rng, n_bars, beats_per_bar, tempo, drift, jitter, lead_in)
    beats, positions = grid[:-1], np.tile(np.arange(1, beats_per_bar + 1), n_bars)
    swing = swing if steps_per_beat == 4 else 0.0

    def exact_time(bar, step):
        b = bar * beats_per_bar + step // steps_per_beat
        if b >= len(grid) - 1:
            return grid[-1]
        frac = (step % steps_per_beat) / steps_per_beat
        if steps_per_beat == 4:
            frac = {0: 0.0, 1: 0.25, 2: 0.5 + swing / 6.0, 3: 0.75 + swing / 12.0}[step % 4]
        return grid[b] + frac * (grid[b + 1] - grid[b])

    def step_time(bar, step, spread=humanise):
        return max(0.0, exact_time(bar, step) + (rng.normal(0.0, spread) if spread > 0 else 0.0))

    duration = grid[-1] + 1.5
    n = int(round(duration * sr))
    sections = _sections(rng, n_bars)
    style = str(rng.choice(styles))
    pattern = _SIX_EIGHT if style == "six-eight" else DRUM_STYLES[style].pattern
    ghosts = () if style == "six-eight" else DRUM_STYLES[style].ghosts
    riff_steps = None
    if riff and steps_per_beat == 4:
        (pattern, riff_steps), style, ghosts = riff_pattern(rng, steps_per_bar, steps_per_beat), "riff", ()

    # the drums: KD/SD/HH from the recorded kit, distractors from the SoundFont's kit
    drums = np.zeros(n, dtype=np.float64)
    times = {d: [] for d in DRUMS}
    other = {"CY": [], "TT": [], "OHH": []}
    gm_hits = []
    variants = {d: int(rng.integers(len(drumkit.instruments[d]))) for d in DRUMS}
    ride = rng.random() < 0.3
    gm_hihat = sampled_hihat > 0 and rng.random() < sampled_hihat
    kick_steps = []
    for bar in range(n_bars):
        kind = sections[bar]
        drums_play = kind not in ("break",) and not (kind == "intro" and rng.random() < 0.6)
        hits = {d: list(pattern.get(d, ())) for d in DRUMS} if drums_play else {d: [] for d in DRUMS}
        kick_steps.append(list(pattern.get("KD", ())))
        if drums_play:
            hits["SD"] += [s for s in ghosts if rng.random() < 0.5]
            if kind == "chorus" and ride:
                for s in hits["HH"]:
                    if s % steps_per_beat == 0 or rng.random() < 0.5:
                        gm_hits.append(("CY", _RIDE[0], step_time(bar, s), rng.uniform(0.5, 0.8)))
                hits["HH"] = []
            # an open hi-hat on some off-beats
            for s in list(hits["HH"]):
                if s % steps_per_beat and rng.random() < 0.12:
                    hits["HH"].remove(s)
                    gm_hits.append(("OHH", _OPEN_HH, step_time(bar, s), rng.uniform(0.5, 0.9)))
            # a crash with the kick drum where a section starts
            if bar > 0 and kind != sections[bar - 1] and rng.random() < 0.8:
                gm_hits.append(("CY", int(rng.choice(_CRASH)), step_time(bar, 0), rng.uniform(0.7, 1.0)))
                if 0 not in hits["KD"]:
                    hits["KD"].append(0)
            # a fill on toms and snare drum before a section change
            if bar + 1 < n_bars and sections[bar + 1] != kind and sections[bar + 1] != "break" and rng.random() < 0.7:
                half = steps_per_bar // 2
                hits = {d: [s for s in hits[d] if s < half] for d in DRUMS}
                step = 1 if steps_per_beat == 3 or rng.random() < 0.5 else 2
                toms = sorted(rng.choice(_TOMS, size=3, replace=False), reverse=True)
                for i, s in enumerate(range(half, steps_per_bar, step)):
                    if rng.random() < 0.5:
                        hits["SD"].append(s)
                    else:
                        gm_hits.append(("TT", int(toms[min(i * 3 // max(1, (steps_per_bar - half) // step), 2)]),
                                        step_time(bar, s), rng.uniform(0.6, 1.0)))
        for d in DRUMS:
            for s in sorted(set(hits[d])):
                velocity = (rng.uniform(0.15, 0.35) if d == "SD" and s in ghosts and s not in pattern.get("SD", ())
                            else (1.0 if s % steps_per_beat == 0 else 0.75) * rng.uniform(0.7, 1.0))
                t = step_time(bar, s)
                if d == "HH" and gm_hihat:
                    gm_hits.append(("HH", _PEDAL_HH if s % steps_per_beat == 0 and rng.random() < 0.2 else _CLOSED_HH,
                                    t, velocity))
                else:
                    _add(drums, drumkit.hit(d, velocity, variants[d]), t, sr, 1.0)
                times[d].append(t)
    if gm_hits:
        gm = _play(synth, 0, [(note, t, t + 0.3, v) for _, note, t, v in gm_hits], duration, sr, is_drum=True)
        gm_peak, kit_peak = np.max(np.abs(gm)), np.max(np.abs(drums))
        if gm_peak > 0 and kit_peak > 0:
            drums += gm * (rng.uniform(0.4, 0.8) * kit_peak / gm_peak)
        for label, _, t, _ in gm_hits:
            if label in other:          # the SoundFont's hi-hats are HH, counted above
                other[label].append(t)

    # the band: diatonic chords, one per bar, played by sampled instruments
    key, scale = int(rng.integers(0, 12)), _MAJOR if rng.random() < 0.6 else _MINOR
    progression = _PROGRESSIONS[int(rng.integers(len(_PROGRESSIONS)))]
    chords = [_chord(progression[b % len(progression)], key, scale, 48) for b in range(n_bars)]
    band = np.zeros(n, dtype=np.float64)
    programs, tonal_onsets = {}, []
    for part in parts:
        if riff_steps and part in ("bass", "clean guitar", "overdriven guitar"):
            notes = _riff_notes(part, rng, riff_steps, chords, step_time, n_bars, steps_per_bar)
        else:
            notes = _part_notes(part, rng, chords, step_time, n_bars, steps_per_bar, steps_per_beat, kick_steps, key,
                                scale)
        if part != "bass" and part not in ("organ", "strings", "pad"):
            # parts may rest during breaks but the band holds (and intros are sparse)
            notes = [nt for nt in notes if sections[min(n_bars - 1, int(np.searchsorted(grid, nt[1], "right") - 1)
                                                        // beats_per_bar)] != "break" or rng.random() < 0.3]
        programs[part] = int(rng.choice(PARTS[part]))
        stem = _play(synth, programs[part], notes, duration, sr)
        if not np.any(stem):
            continue
        stem = _effects(part, rng, sr)(stem[None].astype(np.float32), sr)[0]
        band += stem * (10 ** (rng.uniform(-6, 0) / 20) / _rms(stem))
        tonal_onsets += [nt[1] for nt in notes if nt[2] > nt[1] >= 0]

    if np.any(drums):
        drums = _effects("drums", rng, sr)(drums[None].astype(np.float32), sr)[0].astype(np.float64)
    if np.any(band) and np.any(drums):
        drums *= _rms(band) / _rms(drums) * 10 ** (drum_gain_db / 20)
    mix = band + drums
    master = pb.Pedalboard([pb.Compressor(threshold_db=float(rng.uniform(-24, -10)), ratio=float(rng.uniform(1.5, 4)),
                                          attack_ms=float(rng.uniform(5, 30)), release_ms=float(rng.uniform(50, 200))),
                            pb.PeakFilter(cutoff_frequency_hz=float(np.exp(rng.uniform(np.log(100), np.log(8000)))),
                                          gain_db=float(rng.uniform(-4, 4)), q=1.0),
                            pb.Limiter(threshold_db=-1.0)])
    mix = mix / (np.max(np.abs(mix)) + 1e-12) * 0.5
    mix = master(mix[None].astype(np.float32), sr)[0]
    mix = (peak * mix / (np.max(np.abs(mix)) + 1e-12)).astype(np.float32)
    drum_times = {d: np.sort(np.asarray(t, dtype=float)) for d, t in times.items()}
    other_times = {k: np.sort(np.asarray(v, dtype=float)) for k, v in other.items()}
    onsets = np.unique(np.round(np.concatenate(list(drum_times.values()) + list(other_times.values())
                                               + [np.asarray(tonal_onsets, dtype=float)]), 3))
    return Rendering(audio=mix, sr=sr, onsets=onsets, drums=drum_times, beats=beats, beat_positions=positions,
                     tempo=float(tempo), end_tempo=float(tempo * (1 + drift)), metre=beats_per_bar, swing=float(swing),
                     params={"seed": None if isinstance(seed, np.random.Generator) else seed, "kit": drumkit.name,
                             "style": style, "metre": metre, "parts": tuple(programs), "programs": programs,
                             "sections": tuple(sections), "drum_gain_db": float(drum_gain_db),
                             "other_drums": other_times, "humanise": humanise})


def random_band_song(seed, kits=TRAIN_KITS, length=10.0, sampled_hihat=0.0, riffs=0.0):
    """A band song with metre, tempo, parts, kit and mix drawn from a seed.

    4/4 in 80 % of the songs, 3/4 in 12 %, 6/8 in 8 %; tempo log-uniform from
    60 to 190 bpm (6/8: 56 to 100 dotted quarters per minute, inside the beat
    tracker's 55 to 215 bpm); a tempo drift of up to ±6 % in half of the songs;
    expressive timing (per-beat variation 0 to 1.5 %) and humanised notes (up
    to 12 ms); one to four parts besides the bass, which plays in 85 %; drums
    from -12 dB to +3 dB against the band; swing in 20 % of the 4/4 songs.

    Parameters
    ----------
    seed : int
    kits : sequence of str
        Hydrogen kits to draw from (the training kits by default).
    length : float
        Approximate length in seconds (whole bars).
    sampled_hihat : float
        As in :func:`render_band_song`.
    riffs : float
        Probability of a riff song (:func:`render_band_song` with ``riff=True``):
        4/4 (90 %) or 3/4, with the bass and a clean or overdriven guitar among
        the parts. 0 draws nothing, so the songs are those of before.

    Returns
    -------
    mirlib.synth.Rendering

    Raises
    ------
    FluidSynthMissing
        If FluidSynth is not installed.
    """
    rng = np.random.default_rng(seed)
    riff = bool(riffs > 0 and rng.random() < riffs)
    metre = str(rng.choice(["4/4", "3/4"], p=[0.9, 0.1]) if riff else rng.choice(["4/4", "3/4", "6/8"],
                                                                                 p=[0.8, 0.12, 0.08]))
    tempo = float(rng.uniform(56.0, 100.0) if metre == "6/8" else np.exp(rng.uniform(np.log(60.0), np.log(190.0))))
    beats_per_bar = METRES[metre][0]
    lead_in = float(rng.uniform(0.05, 1.0))
    n_bars = max(2, int(round((length - lead_in - 1.0) * tempo / 60.0 / beats_per_bar)))
    others = [p for p in PARTS if p != "bass"]
    parts = list(rng.choice(others, size=int(rng.integers(1, 5)), replace=False))
    if riff:
        guitar = str(rng.choice(["overdriven guitar", "clean guitar"], p=[0.7, 0.3]))
        parts = ["bass", guitar] + [p for p in parts if p not in ("bass", guitar)]
    elif rng.random() < 0.85:
        parts = ["bass"] + parts
    r = render_band_song(rng, metre=metre, tempo=tempo, n_bars=n_bars, kit=kits[int(rng.integers(len(kits)))],
                         parts=tuple(parts), drift=float(rng.uniform(-0.06, 0.06)) if rng.random() < 0.5 else 0.0,
                         jitter=float(rng.uniform(0.0, 0.015)), humanise=float(rng.uniform(0.0, 0.012)),
                         swing=float(rng.uniform(0.3, 1.0)) if metre == "4/4" and rng.random() < 0.2 else 0.0,
                         drum_gain_db=float(rng.uniform(-12.0, 3.0)), lead_in=lead_in,
                         peak=float(rng.uniform(0.3, 0.95)), sampled_hihat=sampled_hihat, riff=riff)
    r.params["seed"] = seed
    return r
