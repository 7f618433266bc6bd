"""Generated music whose moods follow the cues of music psychology, for mood prediction.

Listeners agree on the emotion a piece expresses largely through a few
structural cues :cite:p:`gabrielsson2001influence`: **mode** (major happy,
minor sad), **tempo** (fast happy, angry or active; slow sad or tender),
**loudness** (loud angry or active; soft tender or sad), **articulation**
(staccato lively or angry; legato tender or sad), **timbre** (sharp, harsh
sounds angry; soft sounds tender) and **register** (high happy; low sad).
Two dimensions summarise them, valence (pleasant to unpleasant) and arousal
(calm to active); discrete moods sit in their quadrants, as in Russell's
circumplex :cite:p:`russell1980circumplex` and in Laurier's classifiers for
happy, sad, aggressive and relaxed music
:cite:p:`eerola2011comparison,laurier2008multimodal`.

Every piece draws its cues independently (:class:`MoodCues`); valence and
arousal are weighted sums of them (:func:`valence_arousal`), and the five
moods of :data:`MOODS` follow from the quadrant, with a margin around the
centre so that ambiguous pieces get no quadrant mood: **happy** (positive
valence, high arousal), **aggressive** (negative valence, high arousal),
**sad** (negative valence, low arousal), **tender** (positive valence, low
arousal) and **energetic** (very high arousal, whatever the valence). A piece
has none, one or two moods. The weights are this book's choice: they follow
the direction of each cue in the literature, not measured effect sizes.

The pieces are played by :func:`mirlib.synth.render_loop`'s synthesised
drums, bass and chords; ``sounds="alternative"`` plays the same cues on other
instrument sounds (drum-machine drums, hollow odd-harmonic tones), the test of
whether a network learned the cues or the sounds.

Examples
--------
>>> piece = render_mood_piece(4)
>>> piece.cues.minor, round(piece.cues.tempo), piece.mood_names
(True, 77, [])
>>> cues = MoodCues(160.0, False, 12, "staccato", True, 0.0, "driving")
>>> render_mood_piece(4, cues=cues).mood_names
['happy', 'energetic']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .loops import Rendering, render_loop
from .styles import HOP_SIZE, N_FRAMES, SR, log_mel

__all__ = ["MOODS", "MARGIN", "MoodCues", "MoodPiece", "MoodData", "draw_cues", "valence_arousal", "moods_of",
           "render_mood_piece", "excerpt", "mood_dataset"]

#: The moods, in the column order of :attr:`MoodData.moods`.
MOODS = ("happy", "sad", "tender", "aggressive", "energetic")
#: Half-width of the band around the centre of valence and arousal where no quadrant mood is given.
MARGIN = 0.35
#: Arousal above which a piece is also energetic.
ENERGETIC = 1.2
#: Articulations: name -> factor on note length (:func:`mirlib.synth.render_loop`'s ``note_length``).
ARTICULATIONS = {"staccato": 0.35, "normal": 1.0, "legato": 2.2}


@dataclass(frozen=True)
class MoodCues:
    """The musical cues of one piece.

    Attributes
    ----------
    tempo : float
        Tempo in bpm (60 to 180).
    minor : bool
        Minor (True) or major key.
    register : int
        Transposition in semitones: -12 low, 0 middle, 12 high.
    articulation : str
        A key of :data:`ARTICULATIONS`.
    loud : bool
        Loud (peak 0.6 to 0.95) or soft (peak 0.06 to 0.2).
    distortion : float
        Overdrive of bass and chords in [0, 1] (a harsh timbre above 0).
    drums : str
        ``"none"``, ``"soft"`` (drums under the band) or ``"driving"`` (drums over it).
    """

    tempo: float
    minor: bool
    register: int
    articulation: str
    loud: bool
    distortion: float
    drums: str


@dataclass
class MoodPiece:
    """A rendered piece with its cues, valence, arousal and moods."""

    cues: MoodCues
    valence: float
    arousal: float
    moods: np.ndarray
    rendering: Rendering

    @property
    def mood_names(self):
        """The names of the moods that apply."""
        return [m for m, on in zip(MOODS, self.moods) if on]

    @property
    def audio(self):
        """The signal at :data:`mirlib.synth.styles.SR`, shape ``(n_samples,)``."""
        return self.rendering.audio


def draw_cues(rng):
    """Draw the cues of one piece, each independently.

    Parameters
    ----------
    rng : np.random.Generator

    Returns
    -------
    MoodCues
    """
    return MoodCues(tempo=float(np.exp(rng.uniform(np.log(60.0), np.log(180.0)))),
                    minor=bool(rng.random() < 0.5), register=int(rng.choice([-12, 0, 12])),
                    articulation=str(rng.choice(list(ARTICULATIONS))), loud=bool(rng.random() < 0.5),
                    distortion=float(rng.uniform(0.5, 1.0)) if rng.random() < 0.3 else 0.0,
                    drums=str(rng.choice(["none", "soft", "driving"], p=[0.2, 0.4, 0.4])))


def valence_arousal(cues):
    """Valence and arousal of a piece from its cues, each cue pulling in its direction in the literature.

    Parameters
    ----------
    cues : MoodCues

    Returns
    -------
    valence, arousal : float
        Roughly in [-2.5, 2.5]; 0 is neutral.

    Examples
    --------
    >>> v, a = valence_arousal(MoodCues(170.0, False, 12, "staccato", True, 0.0, "driving"))
    >>> v > MARGIN and a > ENERGETIC
    True
    """
    speed = float(np.clip(np.log(cues.tempo / 104.0) / np.log(180.0 / 104.0), -1.0, 1.0))   # -1 slow .. 1 fast
    articulation = {"staccato": 1.0, "normal": 0.0, "legato": -1.0}[cues.articulation]
    harsh = 1.0 if cues.distortion > 0 else 0.0
    valence = (-1.0 if cues.minor else 1.0) + 0.5 * cues.register / 12 + 0.3 * speed - 1.0 * harsh
    arousal = (1.0 * speed + 0.6 * (1.0 if cues.loud else -1.0) + 0.4 * articulation + 0.5 * harsh
               + {"none": -0.3, "soft": 0.0, "driving": 0.3}[cues.drums])
    return float(valence), float(arousal)


def moods_of(valence, arousal):
    """The moods of a point in the valence-arousal plane.

    Parameters
    ----------
    valence, arousal : float

    Returns
    -------
    np.ndarray of int, shape ``(5,)``
        1 where a mood of :data:`MOODS` applies.

    Examples
    --------
    >>> moods_of(1.0, 1.5).tolist()   # happy and energetic
    [1, 0, 0, 0, 1]
    >>> moods_of(0.1, -1.0).tolist()  # valence too close to neutral: no quadrant mood
    [0, 0, 0, 0, 0]
    """
    pos, neg = valence > MARGIN, valence < -MARGIN
    high, low = arousal > MARGIN, arousal < -MARGIN
    return np.array([pos and high, neg and low, pos and low, neg and high, arousal > ENERGETIC], dtype=int)


def render_mood_piece(seed=0, duration=4.0, sounds="standard", cues=None):
    """Render one piece with drawn (or given) cues, and its moods.

    Parameters
    ----------
    seed : int
        Seed of the cues and of everything the renderer draws.
    duration : float
        Minimum length in seconds (whole bars).
    sounds : {"standard", "alternative"}
        Instrument sounds (:data:`mirlib.synth.SOUNDS`); the cues and moods of
        a seed do not depend on them.
    cues : MoodCues or None
        Play these cues instead of drawing them (the seed still draws the rest).

    Returns
    -------
    MoodPiece

    Raises
    ------
    ValueError
        For an unknown sound set or a duration not above zero.
    """
    if not duration > 0:
        raise ValueError(f"duration must be positive seconds, got {duration}")
    rng = np.random.default_rng([seed, 7919])
    drawn = draw_cues(rng)
    cues = drawn if cues is None else cues
    lead_in = float(rng.uniform(0.0, 0.3))
    n_bars = int(np.ceil((duration - lead_in) / (4 * 60.0 / cues.tempo)))
    peak = float(rng.uniform(0.6, 0.95) if cues.loud else rng.uniform(0.06, 0.2))
    tonal_gain = {"none": 1.0, "soft": float(rng.uniform(1.0, 1.6)), "driving": float(rng.uniform(0.3, 0.6))}[cues.drums]
    rendering = render_loop(rng, tempo=cues.tempo, metre=4, n_bars=n_bars, sr=SR, drums=cues.drums != "none",
                            fills=0.3, minor=cues.minor, distortion=cues.distortion, tonal_gain=tonal_gain,
                            humanise=0.005, lead_in=lead_in, peak=peak, sounds=sounds, transpose=cues.register,
                            note_length=ARTICULATIONS[cues.articulation],
                            chord_slots=[0, 1, 2, 3, 4, 5, 6, 7] if cues.articulation == "staccato" else None)
    rendering.params["seed"] = seed
    valence, arousal = valence_arousal(cues)
    return MoodPiece(cues, valence, arousal, moods_of(valence, arousal), rendering)


def excerpt(piece, n_frames=N_FRAMES):
    """The excerpt of a piece that a mood network hears: ``n_frames`` frames from the first beat.

    Parameters
    ----------
    piece : MoodPiece
    n_frames : int
        Frames of :func:`mirlib.synth.styles.log_mel` (43 fps; 128 frames: about 3 s).

    Returns
    -------
    audio : np.ndarray, float32, shape ``((n_frames - 1) * 512 + 1,)``
        The excerpt at 22.05 kHz, padded with silence past the piece's end.
    X : np.ndarray, float32, shape ``(n_frames, 40)``
        Its log-mel spectrogram, time first.
    """
    n_samples = (n_frames - 1) * HOP_SIZE + 1
    start = int(round(piece.rendering.beats[0] * SR))
    audio = piece.audio[start:start + n_samples]
    audio = np.pad(audio, (0, n_samples - len(audio)))
    return audio, log_mel(audio)[:n_frames]


@dataclass
class MoodData:
    """Log-mel excerpts of generated pieces with their moods.

    Attributes
    ----------
    X : np.ndarray, float32, shape ``(n_pieces, n_frames, 40)``
        One log-mel excerpt per piece (:func:`mirlib.synth.styles.log_mel`), time first.
    moods : np.ndarray of int, shape ``(n_pieces, 5)``
        Multi-label targets, columns as in :data:`MOODS`.
    cues : list of MoodCues
    valence, arousal : np.ndarray, shape ``(n_pieces,)``
    seeds : np.ndarray of int, shape ``(n_pieces,)``
    """

    X: np.ndarray
    moods: np.ndarray
    cues: list
    valence: np.ndarray
    arousal: np.ndarray
    seeds: np.ndarray

    def __len__(self):
        return len(self.seeds)

    def cue_table(self):
        """The cues, valence, arousal and moods of every piece, as a table (pandas.DataFrame)."""
        import pandas as pd

        table = pd.DataFrame([c.__dict__ for c in self.cues])
        table["valence"], table["arousal"] = self.valence, self.arousal
        for j, mood in enumerate(MOODS):
            table[mood] = self.moods[:, j]
        return table


def mood_dataset(n, seed=0, sounds="standard", n_frames=N_FRAMES):
    """Render ``n`` mood pieces and cut one excerpt of each.

    Piece ``i`` has seed ``seed * 100000 + i``: datasets with different
    ``seed`` share no piece, and the same seeds with another sound set share
    their cues and moods.

    Parameters
    ----------
    n : int
        Number of pieces.
    seed : int
        Dataset seed, 0 to 9999.
    sounds : {"standard", "alternative"}
    n_frames : int
        Frames per excerpt (from the first beat).

    Returns
    -------
    MoodData

    Raises
    ------
    ValueError
        If ``n < 1`` or ``seed`` is out of range.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if not 0 <= seed < 10000:
        raise ValueError(f"seed must lie in 0..9999, got {seed}")
    X, pieces = [], []
    for i in range(n):
        duration = ((n_frames - 1) * HOP_SIZE + 1) / SR + 0.5
        piece = render_mood_piece(seed * 100000 + i, duration=duration, sounds=sounds)
        X.append(excerpt(piece, n_frames)[1])
        pieces.append(piece)
    return MoodData(np.stack(X).astype(np.float32), np.stack([p.moods for p in pieces]), [p.cues for p in pieces],
                    np.array([p.valence for p in pieces]), np.array([p.arousal for p in pieces]),
                    np.array([seed * 100000 + i for i in range(n)]))
