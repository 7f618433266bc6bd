"""Generated rhythm data: random loops, reference onsets, training examples, test pieces.

The onset and beat networks are trained on loops rendered by
:func:`mirlib.synth.render_loop` with exact annotations, drawn at random from a
seed (:func:`random_rendering`): the book trains on seeds from 0, tunes
post-processing on seeds from 20000 and tests on seeds from 10000
(:func:`held_out_pieces`), so no test loop is ever heard in training.
Drum loops played on real recorded kits (:mod:`mirlib.synth.drums`) join the
training mix (``make_examples(..., kits=TRAIN_KITS)``), and
:func:`held_out_kit_pieces` plays loops on the kits never heard in training:
the cross-source test of the rhythm chapters.
Features are :data:`mirlib.features.RHYTHM` (100 fps).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..data.annotations import ONSET_WINDOW, Piece, combine_onsets, event_targets
from ..data.drumkits import TEST_KITS, TRAIN_KITS
from ..features.settings import RHYTHM, add_positive_difference
from .drums import DRUM_STYLES, random_drum_loop, render_drum_loop, through_recording_chain
from .loops import Rendering, render_loop

__all__ = ["TEMPO_RANGE", "random_rendering", "reference_onsets", "Example", "make_examples", "held_out_pieces",
           "held_out_kit_pieces", "KIT_TEST_STYLES"]

#: Range of the drawn tempi in bpm: inside the 55-215 bpm of the beat tracker's
#: DBN (:data:`mirlib.beats.BPM_RANGE`), also where the tempo changes.
TEMPO_RANGE = (60.0, 190.0)


def random_rendering(seed, length=8.0, sr=RHYTHM.sr):
    """A generated loop with random tempo, metre, swing, voices and loudness.

    The parameters are drawn from the seed: tempo log-uniform 60 to 190 bpm,
    in a quarter of the loops changing by up to ±15 % (within 55 to 215 bpm); 3/4 metre in 30 %; swing
    in 30 %; humanised timing up to 10 ms; each of drums, bass and chords
    playing with probability 0.8 (at least one plays); peak level 0.1 to 0.9;
    silence of 0.05 to 1 s before the first beat.

    Parameters
    ----------
    seed : int
        Seed; the same seed gives the same loop.
    length : float
        Approximate length in seconds (whole bars).
    sr : int
        Sample rate in Hz.

    Returns
    -------
    Rendering
    """
    rng = np.random.default_rng(seed)
    tempo = float(np.exp(rng.uniform(np.log(TEMPO_RANGE[0]), np.log(TEMPO_RANGE[1]))))
    # a gradual change of up to 15 %, kept inside the DBN's 55-215 bpm
    end_tempo = float(np.clip(tempo * rng.uniform(0.85, 1.15), 55.0, 215.0)) if rng.random() < 0.25 else None
    metre = 3 if rng.random() < 0.3 else 4
    swing = float(rng.uniform(0.2, 1.0)) if rng.random() < 0.3 else 0.0
    voices = rng.random(3) < 0.8
    if not voices.any():
        voices[rng.integers(3)] = True
    lead_in = float(rng.uniform(0.05, 1.0))
    n_bars = max(1, int(round((length - lead_in) * tempo / 60.0 / metre)))
    rendering = render_loop(rng, tempo=tempo, end_tempo=end_tempo, metre=metre, n_bars=n_bars, swing=swing,
                            sr=sr, drums=bool(voices[0]), bass=bool(voices[1]), chords=bool(voices[2]),
                            humanise=float(rng.uniform(0, 0.01)), lead_in=lead_in,
                            peak=float(rng.uniform(0.1, 0.9)))
    rendering.params["seed"] = seed
    return rendering


def reference_onsets(rendering, combine=ONSET_WINDOW):
    """Annotated onsets of a rendering as an onset detector should report them.

    Notes played together (a kick drum and a bass note on the same beat) are
    separate onsets in :class:`Rendering`, a few milliseconds
    apart when the timing is humanised. As in the onset datasets of Böck et
    al. :cite:p:`boeck2012evaluating`, onsets closer than ``combine`` seconds
    count as one, at the time of the first.

    Parameters
    ----------
    rendering : Rendering
    combine : float
        Onsets closer than this many seconds are merged.

    Returns
    -------
    np.ndarray, shape ``(n_onsets,)``
        Onset times in seconds.
    """
    return combine_onsets(rendering.onsets, combine)


@dataclass
class Example:
    """One generated loop with features and frame-wise targets at 100 fps.

    Attributes
    ----------
    rendering : Rendering
    stack : np.ndarray, float32, shape ``(n_frames, 80, 3)``
        :data:`mirlib.features.RHYTHM` features.
    targets : dict
        ``"onsets"``, ``"beats"``, ``"downbeats"``, ``"KD"``, ``"SD"``, ``"HH"``
        -> target of shape ``(n_frames,)`` (:func:`mirlib.data.event_targets`).
    """

    rendering: Rendering
    stack: np.ndarray
    targets: dict = field(repr=False)

    def inputs(self, kind):
        """The network input: ``"stack"`` (the spectrogram stack) or ``"flat"``
        (flattened, with its positive difference, shape ``(n_frames, 480)``)."""
        if kind not in ("stack", "flat"):
            raise ValueError(f"input kind must be 'stack' or 'flat', got {kind!r}")
        return self.stack if kind == "stack" else add_positive_difference(self.stack)

    def target(self, events):
        """Frame-wise target of ``events`` (a key of :attr:`targets`), shape
        ``(n_frames,)``, or several stacked as columns, shape
        ``(n_frames, n_outputs)``, for a tuple of keys."""
        if isinstance(events, (tuple, list)):
            return np.stack([self.target(e) for e in events], axis=-1)
        if events not in self.targets:
            raise ValueError(f"no target {events!r}; available: {sorted(self.targets)}")
        return self.targets[events]


def make_examples(seeds, length=8.0, kits=None, band=False, riffs=0.0, recorded=0.0):
    """Render loops (or band songs) and compute their features and targets.

    Parameters
    ----------
    seeds : iterable of int
        One loop per seed (see :func:`random_rendering`). The book trains on
        seeds from 0, tunes post-processing on seeds from 20000 and tests on
        seeds from 10000.
    length : float
        Approximate length of each loop in seconds.
    kits : sequence of str or None
        None renders the generated loops of :func:`random_rendering`; kit names
        (e.g. :data:`mirlib.data.drumkits.TRAIN_KITS`) render drum loops on
        those recorded kits instead (:func:`mirlib.synth.drums.random_drum_loop`).
    band : bool
        Render band songs instead (:func:`mirlib.synth.band.random_band_song`:
        sampled instruments, drums on ``kits``, by default the training kits,
        mixed with effects); needs FluidSynth.
    riffs : float
        Probability of a riff song among the band songs (see
        :func:`mirlib.synth.band.random_band_song`).
    recorded : float
        Probability that a drum loop on recorded kits goes through a random
        recording and mixing chain (:func:`mirlib.data.augment.recording_chain`:
        EQ, room, compression), drawn from the loop's seed; 0 leaves every
        loop as :func:`~mirlib.synth.drums.random_drum_loop` renders it.

    Returns
    -------
    list of Example

    Raises
    ------
    ValueError
        For an unknown kit name, or ``recorded`` outside [0, 1] or given without kits.
    mirlib.synth.band.FluidSynthMissing
        For ``band=True`` without FluidSynth installed.
    """
    if not 0.0 <= recorded <= 1.0:
        raise ValueError(f"recorded is a probability in [0, 1], got {recorded}")
    if recorded and (kits is None or band):
        raise ValueError("recorded applies to drum loops on recorded kits (kits=..., band=False)")
    out = []
    for seed in seeds:
        if band:
            from .band import random_band_song

            r = random_band_song(int(seed), tuple(kits) if kits is not None else TRAIN_KITS, length=length,
                                 riffs=riffs)
        else:
            r = (random_rendering(int(seed), length=length) if kits is None
                 else random_drum_loop(int(seed), tuple(kits), length=length))
            if recorded:
                r = through_recording_chain(r, np.random.default_rng([int(seed), 123]), recorded)
        stack = RHYTHM(r.audio, r.sr)
        n, fps = len(stack), RHYTHM.fps
        events = {"onsets": reference_onsets(r), "beats": r.beats, "downbeats": r.downbeats, **r.drums}
        out.append(Example(r, stack, {k: event_targets(t, n, fps) for k, t in events.items()}))
    return out


def held_out_pieces(n=20, length=8.0, first_seed=10000):
    """Generated test loops (seeds never used for training) as :class:`mirlib.data.Piece` objects.

    Parameters
    ----------
    n : int
        Number of loops (seeds ``first_seed .. first_seed + n - 1``).
    length : float
        Approximate length of each loop in seconds.
    first_seed : int
        First seed; training uses seeds from 0, validation from 20000.

    Returns
    -------
    list of Piece
        Audio at 44.1 kHz, onsets (:func:`reference_onsets`) and beats in
        seconds, tempo in bpm (from the median beat interval).
    """
    pieces = []
    for seed in range(first_seed, first_seed + n):
        r = random_rendering(seed, length=length)
        tempo = float(60.0 / np.median(np.diff(r.beats)))
        pieces.append(Piece(f"loop {seed}", r.audio, r.sr, reference_onsets(r), r.beats, tempo))
    return pieces


#: Styles of :func:`held_out_kit_pieces`: the common 4/4 patterns.
KIT_TEST_STYLES = tuple(s for s, spec in DRUM_STYLES.items() if spec.metre == 4)


def held_out_kit_pieces(n=24, length=10.0, tempo_range=(75.0, 165.0), first_seed=30000, accompaniment=False,
                        kits=TEST_KITS):
    """Drum loops on the recorded kits never used in training, as test pieces.

    The cross-source test set of the onset and beat chapters: loop ``i`` plays
    the style ``KIT_TEST_STYLES[i % 5]`` on the kit ``kits[i % len(kits)]``
    (by default :data:`mirlib.data.drumkits.TEST_KITS`), at a tempo drawn uniformly from
    ``tempo_range``, drums only by default. The networks are trained on
    generated loops and on loops played by other kits
    (:data:`mirlib.data.drumkits.TRAIN_KITS`).

    Parameters
    ----------
    n : int
        Number of loops.
    length : float
        Approximate length in seconds (whole bars).
    tempo_range : tuple of float
        Lowest and highest tempo in bpm.
    first_seed : int
        Seed of loop 0 (loop ``i`` uses ``first_seed + i``).
    accompaniment : bool
        Add bass and chords (their onsets count as onsets).
    kits : sequence of str
        The kits that play, in turn; the test kits by default (the validation
        kit, :data:`mirlib.data.drumkits.VALIDATION_KITS`, for tuning).

    Returns
    -------
    list of Piece
        Audio at 44.1 kHz, onsets (:func:`reference_onsets`, drum hits
        closer than 30 ms count once) and beats in seconds, the tempo in bpm.

    Raises
    ------
    ValueError
        For ``n < 1`` or a tempo range that is not positive and increasing.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    lo, hi = tempo_range
    if not 0 < lo <= hi:
        raise ValueError(f"tempo_range must be positive and increasing, got {tempo_range}")
    pieces = []
    for i in range(n):
        rng = np.random.default_rng(first_seed + i)
        tempo = float(rng.uniform(lo, hi))
        style, kit = KIT_TEST_STYLES[i % len(KIT_TEST_STYLES)], kits[i % len(kits)]
        n_bars = max(1, int(round((length - 0.5) * tempo / 60.0 / 4)))
        r = render_drum_loop(kit, rng, style=style, tempo=tempo, n_bars=n_bars, accompaniment=accompaniment)
        pieces.append(Piece(f"{kit} {style} {tempo:.0f} bpm", r.audio, r.sr, reference_onsets(r), r.beats, tempo))
    return pieces
