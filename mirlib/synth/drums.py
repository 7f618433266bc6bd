"""Drum loops played on real recorded kits, with exact KD/SD/HH onsets, beats and downbeats.

The training and test data of the drum transcription chapter, after the setup
of Vogl et al. :cite:p:`vogl2017drum`: drum patterns of several styles
(:data:`DRUM_STYLES`: rock, funk with ghost notes, shuffle, half-time,
four-on-the-floor, a waltz in 3/4), with velocity variation, humanised timing,
fills, tempo from 60 to 200 bpm, and an optional bass and chord accompaniment
(:func:`mirlib.synth.render_loop` without drums). Every hit is a recorded
one-shot of a Hydrogen drum kit (:mod:`mirlib.data.drumkits`), chosen by
velocity layer, so the annotation is exact to the sample.

Split by kit: :func:`drum_loops` renders from the training kits, the
validation kit or the test kits (:data:`mirlib.data.drumkits.TEST_KITS`),
which are never heard in training. Everything is seeded.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..data.annotations import DRUMS
from ..data.drumkits import TEST_KITS, TRAIN_KITS, VALIDATION_KITS, load_kit
from .loops import Rendering, _add, beat_times, render_loop

__all__ = ["DrumStyle", "DRUM_STYLES", "render_drum_loop", "random_drum_loop", "drum_loops", "render_hits", "KIT_SPLITS",
           "through_recording_chain"]

#: Kits of each split (see :mod:`mirlib.data.drumkits`).
KIT_SPLITS = {"train": TRAIN_KITS, "validation": VALIDATION_KITS, "test": TEST_KITS}


@dataclass(frozen=True)
class DrumStyle:
    """A drum pattern on a 16th-note grid.

    Attributes
    ----------
    metre : int
        Beats per bar.
    pattern : dict
        ``"KD"``, ``"SD"``, ``"HH"`` -> 16th-note steps of a bar where the drum
        plays (0 = first beat, 4 = second beat, ...).
    ghosts : tuple of int
        Steps of quiet snare notes (ghost notes, velocity 0.15 to 0.35), each
        played with probability 0.5.
    swing : tuple of float
        Range of the swing amount (0 straight, 1 triplet feel).
    """

    metre: int
    pattern: dict
    ghosts: tuple = ()
    swing: tuple = (0.0, 0.0)


_EIGHTHS = tuple(range(0, 16, 2))
#: Drum styles of the generated loops.
DRUM_STYLES = {
    "rock": DrumStyle(4, {"KD": (0, 8, 10), "SD": (4, 12), "HH": _EIGHTHS}),
    "funk": DrumStyle(4, {"KD": (0, 3, 6, 10), "SD": (4, 12), "HH": tuple(range(16))}, ghosts=(7, 9, 14, 15)),
    "shuffle": DrumStyle(4, {"KD": (0, 8), "SD": (4, 12), "HH": _EIGHTHS}, swing=(0.8, 1.0)),
    "half-time": DrumStyle(4, {"KD": (0, 6, 14), "SD": (8,), "HH": _EIGHTHS}, ghosts=(3, 11)),
    "four-on-the-floor": DrumStyle(4, {"KD": (0, 4, 8, 12), "SD": (4, 12), "HH": (2, 6, 10, 14)}),
    "waltz": DrumStyle(3, {"KD": (0,), "SD": (4, 8), "HH": tuple(range(0, 12, 2))}),
}
_ACCENTS = {0: 1.0, 2: 0.8}   # velocity factor by step % 4 (beats, 8th off-beats; 16ths 0.65)


def _fill(steps_per_bar, rng):
    # the second half of a bar as a fill: 16th or 8th notes on the snare drum, some on the kick drum
    half = steps_per_bar // 2
    step = 1 if rng.random() < 0.5 else 2
    hits = {"KD": [], "SD": [], "HH": []}
    for s in range(half, steps_per_bar, step):
        hits["KD" if rng.random() < 0.2 else "SD"].append(s)
    return hits


def render_drum_loop(kit, seed=0, *, style="rock", tempo=120.0, n_bars=4, swing=None, humanise=0.005,
                     fills=0.25, accompaniment=True, sr=44100, lead_in=0.2, peak=0.9):
    """Render a drum loop of a style on a recorded kit, with exact annotations.

    Parameters
    ----------
    kit : str or mirlib.data.drumkits.DrumKit
        A kit name (a key of :data:`mirlib.data.drumkits.KITS`) or a loaded kit.
    seed : int or np.random.Generator
        Seed of everything random (velocities, ghost notes, fills, timing,
        which of the kit's instruments plays, accompaniment).
    style : str
        A key of :data:`DRUM_STYLES`.
    tempo : float
        Tempo in bpm.
    n_bars : int
        Number of bars.
    swing : float or None
        Swing amount in [0, 1] (None: drawn from the style's range).
    humanise : float
        Standard deviation of timing deviations in seconds.
    fills : float
        Probability that a bar ends with a fill (the last bar of every two).
    accompaniment : bool
        Add bass and chords (their onsets are not drum hits).
    sr : int
        Sample rate in Hz (44100, that of the kits).
    lead_in : float
        Seconds before the first beat.
    peak : float
        Peak-normalise the mix to this amplitude.

    Returns
    -------
    mirlib.synth.Rendering
        ``drums`` holds the KD, SD and HH onset times in seconds; ``beats``,
        ``beat_positions`` and ``downbeats`` the metrical grid;
        ``params["kit"]`` and ``params["style"]`` what played.

    Raises
    ------
    ValueError
        For an unknown style or kit, ``n_bars < 1``, a tempo that is not
        positive, swing outside [0, 1] or a sample rate other than the kit's.

    Examples
    --------
    >>> r = render_drum_loop("Millo_MultiLayered2", seed=0, style="rock", tempo=120, n_bars=2)
    >>> len(r.drums["KD"]), len(r.drums["SD"]), len(r.beats), r.beat_positions[:4].tolist()
    (6, 4, 8, [1, 2, 3, 4])
    """
    if style not in DRUM_STYLES:
        raise ValueError(f"unknown drum style {style!r}; choose one of {sorted(DRUM_STYLES)}")
    if n_bars < 1:
        raise ValueError(f"n_bars must be at least 1, got {n_bars}")
    if not tempo > 0:
        raise ValueError(f"tempo must be positive bpm, got {tempo}")
    kit = load_kit(kit) if isinstance(kit, str) else kit
    if sr != kit.sr:
        raise ValueError(f"kit {kit.name} is recorded at {kit.sr} Hz; render at that sample rate, not {sr} Hz")
    spec = DRUM_STYLES[style]
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    swing = float(rng.uniform(*spec.swing)) if swing is None else float(swing)
    if not 0 <= swing <= 1:
        raise ValueError(f"swing must lie in [0, 1], got {swing}")
    metre, steps = spec.metre, 4 * spec.metre
    grid = beat_times(metre * n_bars + 1, tempo, start=lead_in)
    beats = grid[:-1]
    positions = np.tile(np.arange(1, metre + 1), n_bars)
    variants = {drum: int(rng.integers(len(kit.instruments[drum]))) for drum in DRUMS}

    def step_time(bar, step):
        beat = bar * metre + step // 4
        length = grid[beat + 1] - grid[beat]
        # swing delays the off-beat 8th note towards the triplet (2/3 of the beat)
        offset = {0: 0.0, 1: 0.25, 2: 0.5 + swing / 6.0, 3: 0.75 + swing / 12.0}[step % 4] * length
        return max(0.0, grid[beat] + offset + (rng.normal(0.0, humanise) if humanise > 0 else 0.0))

    mix = np.zeros(int(np.ceil((grid[-1] + 1.0) * sr)), dtype=np.float64)
    times = {drum: [] for drum in DRUMS}
    for bar in range(n_bars):
        hits = {drum: list(spec.pattern.get(drum, ())) for drum in DRUMS}
        hits["SD"] += [s for s in spec.ghosts if rng.random() < 0.5]
        if bar % 2 == 1 and rng.random() < fills:
            fill = _fill(steps, rng)
            half = steps // 2
            hits = {drum: [s for s in hits[drum] if s < half or drum == "HH" and s < steps - 2] + fill[drum]
                    for drum in DRUMS}
        for drum in DRUMS:
            for s in sorted(set(hits[drum])):
                ghost = drum == "SD" and s in spec.ghosts and s not in spec.pattern.get("SD", ())
                velocity = (rng.uniform(0.15, 0.35) if ghost
                            else _ACCENTS.get(s % 4, 0.65) * rng.uniform(0.75, 1.0))
                t = step_time(bar, s)
                _add(mix, kit.hit(drum, velocity, variants[drum]), t, sr, 1.0)
                times[drum].append(t)
    mix /= np.max(np.abs(mix)) + 1e-12
    tonal_onsets = np.zeros(0)
    if accompaniment:
        tonal = render_loop(rng, tempo=tempo, metre=metre, n_bars=n_bars, swing=swing, sr=sr, drums=False,
                            lead_in=lead_in, peak=1.0, humanise=humanise)
        n = min(len(mix), len(tonal.audio))
        mix[:n] += rng.uniform(0.2, 0.6) * tonal.audio[:n]
        tonal_onsets = tonal.onsets
    mix = (peak * mix / (np.max(np.abs(mix)) + 1e-12)).astype(np.float32)
    drums = {drum: np.sort(np.asarray(t, dtype=float)) for drum, t in times.items()}
    onsets = np.sort(np.concatenate(list(drums.values()) + [tonal_onsets]))
    return Rendering(audio=mix, sr=sr, onsets=onsets, drums=drums, beats=beats, beat_positions=positions,
                     tempo=float(tempo), end_tempo=float(tempo), metre=metre, swing=swing,
                     params={"seed": None if isinstance(seed, np.random.Generator) else seed, "kit": kit.name,
                             "style": style, "accompaniment": accompaniment, "humanise": humanise})


def random_drum_loop(seed, kits=TRAIN_KITS, length=8.0):
    """A drum loop with kit, style, tempo and accompaniment drawn from a seed.

    Tempo log-uniform from 60 to 200 bpm; style uniform over
    :data:`DRUM_STYLES`; accompaniment in half of the loops; humanised timing
    up to 10 ms; peak level 0.3 to 0.9.

    Parameters
    ----------
    seed : int
    kits : sequence of str
        Kits to draw from (one per loop).
    length : float
        Approximate length in seconds (whole bars, at least one).

    Returns
    -------
    mirlib.synth.Rendering
    """
    rng = np.random.default_rng(seed)
    kit = kits[int(rng.integers(len(kits)))]
    style = list(DRUM_STYLES)[int(rng.integers(len(DRUM_STYLES)))]
    tempo = float(np.exp(rng.uniform(np.log(60.0), np.log(200.0))))
    lead_in = float(rng.uniform(0.05, 0.5))
    n_bars = max(1, int(round((length - lead_in - 0.5) * tempo / 60.0 / DRUM_STYLES[style].metre)))
    r = render_drum_loop(kit, rng, style=style, tempo=tempo, n_bars=n_bars, accompaniment=bool(rng.random() < 0.5),
                         humanise=float(rng.uniform(0.0, 0.01)), lead_in=lead_in, peak=float(rng.uniform(0.3, 0.9)))
    r.params["seed"] = seed
    return r


def drum_loops(split, n, length=8.0, first_seed=0):
    """Loops rendered from the kits of one split.

    Parameters
    ----------
    split : {"train", "validation", "test"}
        Which kits play (:data:`KIT_SPLITS`). The book trains on seeds from 0
        and evaluates on seeds from 10000 as well, so no loop repeats.
    n : int
        Number of loops (seeds ``first_seed .. first_seed + n - 1``).
    length : float
        Approximate length of each loop in seconds.
    first_seed : int

    Returns
    -------
    list of mirlib.synth.Rendering

    Raises
    ------
    ValueError
        For an unknown split.
    """
    if split not in KIT_SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {sorted(KIT_SPLITS)}")
    return [random_drum_loop(s, KIT_SPLITS[split], length) for s in range(first_seed, first_seed + n)]


def render_hits(hits, kit, duration=None, sr=44100, velocity=0.8):
    """Play given KD, SD and HH onsets on a kit, e.g. to listen to a transcription.

    Parameters
    ----------
    hits : dict
        ``"KD"``, ``"SD"``, ``"HH"`` -> onset times in seconds.
    kit : str or mirlib.data.drumkits.DrumKit
        Kit name or loaded kit.
    duration : float or None
        Length in seconds (default: the last hit plus one second).
    sr : int
        Sample rate in Hz (the kit's, 44100).
    velocity : float
        Velocity of every hit in (0, 1].

    Returns
    -------
    np.ndarray, float32, shape ``(n_samples,)``
        Peak-normalised to 0.9 (silence if there are no hits).

    Raises
    ------
    ValueError
        For an unknown instrument, NaN or negative times, or a sample rate
        other than the kit's.

    Examples
    --------
    >>> y = render_hits({"KD": [0.0, 0.5], "SD": [0.25], "HH": []}, "Millo_MultiLayered2", duration=1.0)
    >>> y.shape
    (44100,)
    """
    kit = load_kit(kit) if isinstance(kit, str) else kit
    if sr != kit.sr:
        raise ValueError(f"kit {kit.name} is recorded at {kit.sr} Hz; render at that sample rate, not {sr} Hz")
    unknown = sorted(set(hits) - set(DRUMS))
    if unknown:
        raise ValueError(f"unknown drum instrument(s) {unknown}; use {DRUMS}")
    times = {d: np.asarray(hits.get(d, []), dtype=float) for d in DRUMS}
    for d, t in times.items():
        if not np.all(np.isfinite(t)) or np.any(t < 0):
            raise ValueError(f"{d} onsets must be finite, non-negative seconds")
    last = max([t.max() for t in times.values() if len(t)], default=0.0)
    duration = last + 1.0 if duration is None else float(duration)
    mix = np.zeros(int(round(duration * sr)), dtype=np.float64)
    for d, t in times.items():
        sound = kit.hit(d, velocity)
        for time in t:
            _add(mix, sound, time, sr, 1.0)
    peak = np.max(np.abs(mix)) if len(mix) else 0.0
    return (0.9 * mix / peak if peak > 0 else mix).astype(np.float32)


def through_recording_chain(rendering, rng, share=1.0):
    """A rendering played, with probability ``share``, through a random recording and mixing chain.

    One draw of ``rng`` decides; if it falls below ``share``, the audio goes
    through :func:`mirlib.data.augment.recording_chain` (shelving EQ, a room,
    compression), whose settings are drawn from ``rng`` too. The annotations
    stay: the chain changes the sound, not the timing. The drum networks' and
    the onset CNN's training mixes use it for their loops on recorded kits.

    Parameters
    ----------
    rendering : Rendering
        A loop, with its audio at ``rendering.sr`` Hz.
    rng : np.random.Generator
    share : float
        Probability in [0, 1] of the chain.

    Returns
    -------
    Rendering
        The same rendering, or a copy with the processed audio.

    Raises
    ------
    ValueError
        For a silent or non-finite signal (see :func:`~mirlib.data.augment.recording_chain`).
    """
    from ..data.augment import recording_chain

    if rng.random() < share:
        return dataclasses.replace(rendering, audio=recording_chain(rendering.audio, rendering.sr, rng))
    return rendering
