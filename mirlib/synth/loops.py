"""Generated music with exact annotations: drum loops with bass and chords.

Real annotated datasets are large and most cannot be redistributed, so the
book's default training data is rendered here: every kick drum (KD), snare drum
(SD) and hi-hat (HH) hit, every bass and chord note, and every beat and downbeat
is placed by the renderer, so its annotation is exact to the sample. Renderings
are reproducible from a seed.

Each rendering can vary in the ways that make rhythm analysis hard: tempo from
slow to fast, a gradual tempo change, swing, 3/4 or 4/4 metre, loudness, and
tonal accompaniment whose note onsets are not drum hits. The sounds are simple
synthetic models (a pitch-swept sine for the kick drum, filtered noise for snare
and hi-hat, decaying harmonic tones for bass and chords); the book says so
wherever it trains on them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from ..data.annotations import DRUMS

__all__ = ["Rendering", "render_loop", "beat_times", "DRUMS", "SOUNDS"]

# Drum patterns per metre: for each instrument the 8th-note slots (0 = first
# beat, 1 = the "and" after it, ...) where it plays in every bar.
_PATTERNS = {
    4: {"KD": [0, 4], "SD": [2, 6], "HH": list(range(8))},
    3: {"KD": [0], "SD": [2, 4], "HH": list(range(6))},
}
# Slots where an extra, optional hit may appear (chosen at random per bar).
_FILLS = {4: {"KD": [5, 7], "SD": [7]}, 3: {"KD": [3], "SD": [5]}}


@dataclass
class Rendering:
    """A rendered piece and its annotations; all times in seconds.

    Attributes
    ----------
    audio : np.ndarray, float32, shape ``(n_samples,)``
        The mix, peak-normalised to ``peak``.
    sr : int
        Sample rate in Hz.
    onsets : np.ndarray, shape ``(n_onsets,)``
        Every distinct note onset (drums, bass, chords), sorted; onsets closer
        than 1 ms are merged.
    drums : dict
        ``"KD"``, ``"SD"``, ``"HH"`` -> onset times of that instrument.
    beats : np.ndarray, shape ``(n_beats,)``
        Beat times.
    beat_positions : np.ndarray of int, shape ``(n_beats,)``
        Position of each beat in its bar, 1 = downbeat.
    tempo : float
        Tempo at the start in bpm.
    end_tempo : float
        Tempo at the end in bpm (differs from ``tempo`` if it changes).
    metre : int
        Beats per bar (3 or 4).
    swing : float
        Swing amount in [0, 1]: 0 straight 8th notes, 1 triplet feel.
    params : dict
        Everything else the renderer chose (seed, key, loudness, ...).
    """

    audio: np.ndarray
    sr: int
    onsets: np.ndarray
    drums: dict
    beats: np.ndarray
    beat_positions: np.ndarray
    tempo: float
    end_tempo: float
    metre: int
    swing: float
    params: dict = field(default_factory=dict)

    @property
    def downbeats(self):
        """Times of the first beat of every bar, shape ``(n_bars,)``."""
        return self.beats[self.beat_positions == 1]

    @property
    def duration(self):
        """Length in seconds."""
        return len(self.audio) / self.sr


def beat_times(n_beats, tempo, end_tempo=None, start=0.0):
    """Times of ``n_beats`` beats under a tempo that changes linearly per beat.

    Parameters
    ----------
    n_beats : int
        Number of beats.
    tempo : float
        Tempo of the first inter-beat interval in bpm.
    end_tempo : float or None
        Tempo of the last interval in bpm (None: constant tempo).
    start : float
        Time of the first beat in seconds.

    Returns
    -------
    np.ndarray, shape ``(n_beats,)``
        Beat times in seconds.

    Raises
    ------
    ValueError
        If a tempo is not positive or ``n_beats < 1``.

    Examples
    --------
    >>> beat_times(4, 120.0)
    array([0. , 0.5, 1. , 1.5])
    """
    end_tempo = tempo if end_tempo is None else end_tempo
    if tempo <= 0 or end_tempo <= 0:
        raise ValueError(f"tempo must be positive bpm, got {tempo} and {end_tempo}")
    if n_beats < 1:
        raise ValueError(f"need at least one beat, got {n_beats}")
    tempi = np.linspace(tempo, end_tempo, max(n_beats - 1, 1))
    intervals = 60.0 / tempi[: n_beats - 1]
    return start + np.concatenate([[0.0], np.cumsum(intervals)])


# ---------------------------------------------------------------------------
# Sounds
# ---------------------------------------------------------------------------

def _envelope(n, sr, decay, attack=0.002):
    t = np.arange(n) / sr
    env = np.exp(-t / decay)
    n_attack = max(1, int(attack * sr))
    env[:n_attack] *= np.linspace(0.0, 1.0, n_attack, endpoint=False) + 1.0 / n_attack
    return env


def _kick(sr, rng):
    n = int(0.35 * sr)
    t = np.arange(n) / sr
    f_start, f_end = rng.uniform(100, 160), rng.uniform(40, 60)
    freq = f_end + (f_start - f_end) * np.exp(-t / 0.04)
    phase = 2 * np.pi * np.cumsum(freq) / sr
    return np.sin(phase) * _envelope(n, sr, rng.uniform(0.12, 0.2))


def _snare(sr, rng):
    from scipy.signal import butter, sosfilt

    n = int(0.25 * sr)
    sos = butter(2, [1000, min(8000, 0.45 * sr)], btype="bandpass", fs=sr, output="sos")
    noise = sosfilt(sos, rng.standard_normal(n)) * _envelope(n, sr, rng.uniform(0.05, 0.09))
    tone = np.sin(2 * np.pi * rng.uniform(170, 230) * np.arange(n) / sr) * _envelope(n, sr, 0.05)
    mix = 0.8 * noise / (np.max(np.abs(noise)) + 1e-9) + 0.5 * tone
    return mix


def _hihat(sr, rng):
    from scipy.signal import butter, sosfilt

    n = int(0.12 * sr)
    sos = butter(4, min(7000, 0.4 * sr), btype="highpass", fs=sr, output="sos")
    noise = sosfilt(sos, rng.standard_normal(n)) * _envelope(n, sr, rng.uniform(0.015, 0.035), attack=0.001)
    return 0.5 * noise / (np.max(np.abs(noise)) + 1e-9)


def _kick_808(sr, rng):
    # a long, low sine boom with a noise click, as a drum machine's bass drum
    n = int(0.5 * sr)
    t = np.arange(n) / sr
    f_start, f_end = rng.uniform(60, 90), rng.uniform(32, 45)
    freq = f_end + (f_start - f_end) * np.exp(-t / 0.015)
    boom = np.sin(2 * np.pi * np.cumsum(freq) / sr) * _envelope(n, sr, rng.uniform(0.25, 0.4))
    click = rng.standard_normal(n) * _envelope(n, sr, 0.003, attack=0.0005)
    return boom + 0.3 * click


def _snare_rim(sr, rng):
    # a low, dark snare: two drum-head modes and low-passed noise
    from scipy.signal import butter, sosfilt

    n = int(0.3 * sr)
    t = np.arange(n) / sr
    f0 = rng.uniform(150, 190)
    heads = (np.sin(2 * np.pi * f0 * t) + 0.6 * np.sin(2 * np.pi * 1.59 * f0 * t)) * _envelope(n, sr, 0.08)
    sos = butter(2, [300, 3000], btype="bandpass", fs=sr, output="sos")
    noise = sosfilt(sos, rng.standard_normal(n)) * _envelope(n, sr, rng.uniform(0.1, 0.15))
    return 0.6 * heads + 0.7 * noise / (np.max(np.abs(noise)) + 1e-9)


def _hihat_metal(sr, rng):
    # six square waves at inharmonic ratios, band-passed: the metallic hi-hat of drum machines
    from scipy.signal import butter, sosfilt

    n = int(0.08 * sr)
    t = np.arange(n) / sr
    base = rng.uniform(300, 360)
    squares = sum(np.sign(np.sin(2 * np.pi * base * r * t)) for r in (1.0, 1.47, 1.65, 1.94, 2.5, 2.79))
    sos = butter(4, [min(5000, 0.2 * sr), min(11000, 0.45 * sr)], btype="bandpass", fs=sr, output="sos")
    metal = sosfilt(sos, squares) * _envelope(n, sr, rng.uniform(0.01, 0.02), attack=0.0005)
    return 0.5 * metal / (np.max(np.abs(metal)) + 1e-9)


#: Sound sets of :func:`render_loop`: drum sounds and the harmonic profile of bass and chords.
SOUNDS = {
    # synthetic acoustic-like drums; bass and chords with all harmonics, decaying
    "standard": dict(drums=(_kick, _snare, _hihat), odd_harmonics=False, brightness=1.0),
    # drum-machine drums; bass and chords with odd harmonics only (hollow, like a clarinet or square wave)
    "alternative": dict(drums=(_kick_808, _snare_rim, _hihat_metal), odd_harmonics=True, brightness=1.4),
}


@functools.lru_cache(maxsize=1024)
def _tone(freq, duration, sr, decay, n_harmonics=4, brightness=0.5, odd_only=False):
    # pure and called for every note: cached (callers must not modify the result)
    n = int(duration * sr)
    t = np.arange(n) / sr
    out = np.zeros(n)
    harmonics = range(1, 2 * n_harmonics, 2) if odd_only else range(1, n_harmonics + 1)
    for h in harmonics:
        if h * freq < 0.45 * sr:
            out += min(brightness ** (h - 1), 1.0) / (h if odd_only else 1) * np.sin(2 * np.pi * h * freq * t)
    return out * _envelope(n, sr, decay, attack=0.005)


def _midi_hz(note):
    return 440.0 * 2.0 ** ((note - 69) / 12.0)


def _add(mix, sound, time, sr, gain):
    start = int(round(time * sr))
    if start >= len(mix):
        return
    end = min(len(mix), start + len(sound))
    mix[start:end] += gain * sound[: end - start]


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------

def render_loop(seed=0, *, tempo=120.0, end_tempo=None, metre=4, n_bars=4, swing=0.0, sr=22050,
                drums=True, bass=True, chords=True, fills=0.3, humanise=0.0, level_db=0.0,
                lead_in=0.1, peak=0.9, pattern=None, fill_slots=None, bass_slots=None, chord_slots=None,
                minor=None, distortion=0.0, tonal_gain=1.0, sounds="standard", transpose=0, note_length=1.0):
    """Render a drum loop with optional bass and chords, with exact annotations.

    Parameters
    ----------
    seed : int or np.random.Generator
        Seed of everything random (sound variation, fills, key, loudness).
    tempo : float
        Tempo at the start in bpm (sensible range 50 to 220).
    end_tempo : float or None
        Tempo at the end in bpm; the tempo changes linearly from beat to beat.
    metre : {3, 4}
        Beats per bar: 3/4 (waltz pattern) or 4/4 (backbeat pattern).
    n_bars : int
        Number of bars.
    swing : float
        0 for straight 8th notes, up to 1 for a triplet feel: the off-beat 8th
        note moves from half to two thirds of the beat.
    sr : int
        Sample rate in Hz.
    drums, bass, chords : bool
        Which voices play. Without drums, beats are carried by bass and chords.
    fills : float
        Probability per bar and optional slot of an extra kick or snare hit.
    humanise : float
        Standard deviation in seconds of random timing deviations of every note
        (note annotations follow the played times; beats stay on the grid).
    level_db : float
        Overall gain in dB. Peak normalisation undoes it, so use it with
        ``peak=None`` to vary loudness.
    lead_in : float
        Seconds of silence before the first beat.
    peak : float or None
        Peak-normalise the mix to this amplitude; None keeps the raw level
        (scaled by ``level_db``) and clips at +-1.
    pattern : dict or None
        Drum pattern: ``"KD"``, ``"SD"``, ``"HH"`` -> 8th-note slots of a bar
        where the instrument plays (0 = first beat, 1 = the "and" after it,
        ...). None: a backbeat pattern for 4/4, a waltz pattern for 3/4.
    fill_slots : dict or None
        Instrument -> slots of optional extra hits (probability ``fills``).
        None: the default pattern's fills (no fills if ``pattern`` is given).
    bass_slots, chord_slots : list of int or None
        8th-note slots of bass notes and chords in a bar (None: the defaults
        of the metre).
    minor : bool or None
        Minor (True) or major (False) key; None draws it at random.
    distortion : float
        Amount in [0, 1] of tanh waveshaping of bass and chords (0 = clean),
        which adds harmonics as an overdriven amplifier would.
    tonal_gain : float
        Gain of bass and chords relative to the drums.
    sounds : {"standard", "alternative"}
        Sound set (:data:`SOUNDS`): ``"standard"`` drums are modelled on an
        acoustic kit and bass and chords have all harmonics; ``"alternative"``
        drums are drum-machine sounds (long low kick drum, dark snare drum,
        metallic hi-hat) and bass and chords have odd harmonics only. Use the
        alternative set to test whether a model learned style or only sound.
    transpose : int
        Semitones added to the randomly drawn key (register: ``12`` an
        octave higher).
    note_length : float
        Factor on the length and decay of bass and chord notes (articulation:
        below 1 staccato, above 1 legato).

    Returns
    -------
    Rendering
        Audio and annotations.

    Raises
    ------
    ValueError
        If ``metre`` is not 3 or 4, ``n_bars < 1``, a tempo is not positive,
        ``swing`` lies outside [0, 1], no voice plays, ``sr`` is below 8000 Hz,
        ``sounds`` is unknown or ``note_length`` is not positive.

    Examples
    --------
    >>> r = render_loop(seed=1, tempo=120, metre=4, n_bars=2)
    >>> r.beats[:3] - r.beats[0], r.beat_positions[:5]
    (array([0. , 0.5, 1. ]), array([1, 2, 3, 4, 1]))
    >>> len(r.drums["HH"])
    16
    """
    if metre not in _PATTERNS:
        raise ValueError(f"metre must be 3 or 4 beats per bar, got {metre!r}")
    if n_bars < 1:
        raise ValueError(f"n_bars must be at least 1, got {n_bars}")
    if not 0 <= swing <= 1:
        raise ValueError(f"swing must lie in [0, 1], got {swing}")
    if not (drums or bass or chords):
        raise ValueError("at least one of drums, bass and chords must play")
    if sr < 8000:
        raise ValueError(f"sample rate {sr} Hz is too low; use at least 8000 Hz")
    if not 0 <= distortion <= 1:
        raise ValueError(f"distortion must lie in [0, 1], got {distortion}")
    if not note_length > 0:
        raise ValueError(f"note_length must be positive, got {note_length}")
    if sounds not in SOUNDS:
        raise ValueError(f"unknown sound set {sounds!r}; choose one of {sorted(SOUNDS)}")
    sound_set = SOUNDS[sounds]
    n_slots = 2 * metre
    for what, slots in [("pattern", pattern), ("fill_slots", fill_slots)]:
        for name, values in (slots or {}).items():
            if name not in DRUMS:
                raise ValueError(f"{what}: unknown drum {name!r}; use {DRUMS}")
            if any(not 0 <= s < n_slots for s in values):
                raise ValueError(f"{what}[{name!r}]: slots must lie in 0..{n_slots - 1} for {metre}/4, got {values}")
    for what, slots in [("bass_slots", bass_slots), ("chord_slots", chord_slots)]:
        if slots is not None and any(not 0 <= s < n_slots for s in slots):
            raise ValueError(f"{what}: slots must lie in 0..{n_slots - 1} for {metre}/4, got {slots}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    end_tempo = tempo if end_tempo is None else end_tempo

    n_beats = metre * n_bars
    # one extra beat so that the last bar's 8th notes have an end
    grid = beat_times(n_beats + 1, tempo, end_tempo, start=lead_in)
    beats, last = grid[:-1], grid[-1]
    positions = np.tile(np.arange(1, metre + 1), n_bars)

    def slot_time(bar, slot):
        beat = bar * metre + slot // 2
        start, length = grid[beat], grid[beat + 1] - grid[beat]
        offset = 0.0 if slot % 2 == 0 else (0.5 + swing / 6.0) * length
        jitter = rng.normal(0.0, humanise) if humanise > 0 else 0.0
        return max(0.0, start + offset + jitter)

    duration = last + 0.6
    mix = np.zeros(int(np.ceil(duration * sr)))
    drum_times = {name: [] for name in DRUMS}
    tonal_times = []
    if drums:
        sounds_of = {name: make(sr, rng) for name, make in zip(DRUMS, sound_set["drums"])}
        gains = {"KD": 1.0, "SD": 0.7, "HH": 0.35}
        for bar in range(n_bars):
            for name in DRUMS:
                slots = list((pattern if pattern is not None else _PATTERNS[metre]).get(name, []))
                fill = fill_slots if fill_slots is not None else (_FILLS[metre] if pattern is None else {})
                slots += [s for s in fill.get(name, []) if rng.random() < fills]
                for slot in sorted(set(slots)):
                    t = slot_time(bar, slot)
                    accent = 1.0 if slot % 2 == 0 else 0.7
                    _add(mix, sounds_of[name], t, sr, gains[name] * accent * rng.uniform(0.8, 1.0))
                    drum_times[name].append(t)

    key = int(rng.integers(40, 52)) + int(transpose)  # MIDI root of the bass, E2 to D#3 (untransposed)
    drawn_minor = bool(rng.random() < 0.5)   # drawn even if given, so that later draws do not change
    minor = drawn_minor if minor is None else bool(minor)
    tonal = mix if distortion == 0 and tonal_gain == 1 else np.zeros_like(mix)
    progression = [0, 5, 7, 0] if not minor else [0, 8, 5, 7]
    third = 3 if minor else 4
    if bass:
        for bar in range(n_bars):
            root = key + progression[bar % len(progression)]
            for slot in (bass_slots if bass_slots is not None else ([0, 4] if metre == 4 else [0])):
                t = slot_time(bar, slot)
                _add(tonal, _tone(_midi_hz(root), 0.5 * note_length, sr, 0.25 * note_length, n_harmonics=5,
                                        brightness=0.6 * sound_set["brightness"], odd_only=sound_set["odd_harmonics"]), t, sr, 0.5)
                tonal_times.append(t)
    if chords:
        for bar in range(n_bars):
            root = key + 12 + progression[bar % len(progression)]
            slots = chord_slots if chord_slots is not None else ([2, 6] if metre == 4 else [2, 4])
            for slot in slots:
                t = slot_time(bar, slot)
                chord = sum(_tone(_midi_hz(root + iv), 0.6 * note_length, sr, 0.3 * note_length, n_harmonics=3, brightness=0.4 * sound_set["brightness"],
                                  odd_only=sound_set["odd_harmonics"])
                            for iv in (0, third, 7))
                _add(tonal, chord, t, sr, 0.15)
                tonal_times.append(t)
    if tonal is not mix:
        if distortion > 0:
            drive = 1.0 + 30.0 * distortion
            tonal = np.tanh(drive * tonal) / np.tanh(drive) * 0.6
        mix += tonal_gain * tonal

    mix *= 10.0 ** (level_db / 20.0)
    if peak is not None:
        mix *= peak / (np.max(np.abs(mix)) + 1e-12)
    mix = np.clip(mix, -1.0, 1.0).astype(np.float32)

    all_onsets = np.sort(np.concatenate([np.asarray(v, dtype=float) for v in drum_times.values()] +
                                        [np.asarray(tonal_times, dtype=float)]))
    merged = all_onsets[np.concatenate([[True], np.diff(all_onsets) > 0.001])] if len(all_onsets) else all_onsets
    return Rendering(
        audio=mix, sr=sr, onsets=merged,
        drums={name: np.sort(np.asarray(v, dtype=float)) for name, v in drum_times.items()},
        beats=beats, beat_positions=positions, tempo=float(tempo), end_tempo=float(end_tempo),
        metre=metre, swing=float(swing),
        params={"seed": None if isinstance(seed, np.random.Generator) else seed, "key": key, "minor": minor, "level_db": level_db, "humanise": humanise, "fills": fills,
                "drums": drums, "bass": bass, "chords": chords, "distortion": distortion,
                "tonal_gain": tonal_gain, "sounds": sounds, "transpose": transpose, "note_length": note_length},
    )
