"""A generated dance-style dataset with multi-label tags, for classification chapters.

Real genre and mood datasets (GTZAN, MTG-Jamendo; see :mod:`mirlib.data.datasets`)
are large and cannot be redistributed, so the book's default classification
data is rendered by :func:`mirlib.synth.render_loop`. Six styles, in the manner of ballroom
dances :cite:p:`gouyon2006experimental`, differ as real styles do:

* in tempo range and metre (waltzes in 3/4; the others in 4/4),
* in rhythm pattern (which 8th notes kick drum, snare drum and hi-hat play),
  swing, and where bass notes and chords fall,
* in timbre: how often the accompaniment is distorted, how loud it is
  against the drums.

Every piece also carries tags that follow from how it was rendered, not from
its style alone: ``fast`` (at least 140 bpm), ``slow`` (below 100 bpm),
``ternary`` (3/4 metre or a triplet swing feel), ``minor`` (minor key),
``distorted`` (overdriven accompaniment) and ``percussive`` (drums much
louder than the accompaniment). Some tags are nearly implied by the style
(``ternary``), some only made likely (``distorted``), and ``minor`` not at all.

Everything is seeded: the same arguments give the same audio and labels.

Examples
--------
>>> piece = render_piece("waltz", seed=3)
>>> piece.style, piece.rendering.metre, "ternary" in piece.tag_names
('waltz', 3, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..features.settings import CLASSIFICATION
from .loops import Rendering, render_loop

__all__ = ["STYLES", "STYLE_NAMES", "TAGS", "SR", "FRAME_SIZE", "HOP_SIZE", "N_BANDS", "N_FRAMES", "LOG_MUL",
           "Style", "StylePiece", "render_piece", "log_mel", "StyleData", "style_dataset"]

#: Sample rate in Hz of the rendered pieces (that of :data:`mirlib.features.CLASSIFICATION`).
SR = CLASSIFICATION.sr
#: Frame size and hop size in samples of the log-mel spectrogram (46 ms, 43 frames per second).
FRAME_SIZE, HOP_SIZE = CLASSIFICATION.frame_sizes[0], CLASSIFICATION.hop_size
#: Mel bands.
N_BANDS = CLASSIFICATION.n_bands
#: Log compression ``log10(1 + LOG_MUL * x)`` of the mel magnitudes.
LOG_MUL = CLASSIFICATION.log_mul
#: Frames per excerpt (about 3 s).
N_FRAMES = 128

#: Tag vocabulary, in the column order of :attr:`StyleData.tags`.
TAGS = ("fast", "slow", "ternary", "minor", "distorted", "percussive")


@dataclass(frozen=True)
class Style:
    """How one style is rendered.

    Attributes
    ----------
    metre : int
        Beats per bar.
    tempo : tuple of float
        Range of tempi in bpm, drawn uniformly.
    pattern : dict
        Drum -> 8th-note slots per bar (see :func:`mirlib.synth.render_loop`).
    fills : dict
        Drum -> optional slots.
    bass, chords : tuple of int
        8th-note slots of bass notes and chords.
    swing : tuple of float
        Range of swing amounts.
    p_distorted : float
        Probability that the accompaniment is distorted.
    p_percussive : float
        Probability that the accompaniment is quiet against the drums.
    """

    metre: int
    tempo: tuple
    pattern: dict
    fills: dict = field(default_factory=dict)
    bass: tuple = (0,)
    chords: tuple = (2,)
    swing: tuple = (0.0, 0.0)
    p_distorted: float = 0.1
    p_percussive: float = 0.2


#: The six styles of the generated dataset.
STYLES = {
    "waltz": Style(metre=3, tempo=(80, 100), pattern={"KD": [0], "SD": [2, 4], "HH": [0, 2, 4]},
                   fills={"HH": [1, 3, 5]}, bass=(0,), chords=(2, 4), p_distorted=0.05, p_percussive=0.1),
    "viennese": Style(metre=3, tempo=(160, 190), pattern={"KD": [0], "SD": [2, 4]},
                      fills={"KD": [4]}, bass=(0,), chords=(2, 4), p_distorted=0.05, p_percussive=0.2),
    "tango": Style(metre=4, tempo=(112, 134), pattern={"KD": [0, 2, 4, 6], "SD": [6, 7]},
                   fills={"SD": [3]}, bass=(0, 2, 4, 6), chords=(0, 2, 4), p_distorted=0.15, p_percussive=0.5),
    "jive": Style(metre=4, tempo=(148, 180), pattern={"KD": [0, 4], "SD": [2, 6], "HH": [0, 1, 2, 3, 4, 5, 6, 7]},
                  fills={"KD": [7]}, bass=(0, 2, 4, 6), chords=(1, 3, 5, 7), swing=(0.7, 1.0),
                  p_distorted=0.3, p_percussive=0.2),
    "rumba": Style(metre=4, tempo=(92, 110), pattern={"KD": [0, 3, 4], "SD": [6], "HH": [0, 2, 4, 6]},
                   fills={"SD": [5]}, bass=(0, 3, 4), chords=(3, 6), p_distorted=0.05, p_percussive=0.5),
    "rock": Style(metre=4, tempo=(104, 146), pattern={"KD": [0, 3, 4], "SD": [2, 6], "HH": [0, 1, 2, 3, 4, 5, 6, 7]},
                  fills={"KD": [5, 7]}, bass=(0, 1, 2, 3, 4, 5, 6, 7), chords=(0, 4), p_distorted=0.85,
                  p_percussive=0.2),
}
#: Style names in the order of the class indices of :attr:`StyleData.y`.
STYLE_NAMES = tuple(STYLES)


@dataclass
class StylePiece:
    """A rendered piece of one style, with its tags.

    Attributes
    ----------
    style : str
        Style name (a key of :data:`STYLES`).
    tags : np.ndarray of int, shape ``(n_tags,)``
        1 where a tag of :data:`TAGS` applies.
    rendering : mirlib.synth.Rendering
        Audio at :data:`SR` and its exact annotations (onsets, drums, beats).
    """

    style: str
    tags: np.ndarray
    rendering: Rendering

    @property
    def tag_names(self):
        """The names of the tags that apply."""
        return [t for t, on in zip(TAGS, self.tags) if on]

    @property
    def audio(self):
        """The signal, shape ``(n_samples,)``."""
        return self.rendering.audio


def render_piece(style, seed=0, duration=4.0, sr=SR, sounds="standard"):
    """Render one piece of a style with random tempo, key and timbre.

    Parameters
    ----------
    style : str
        A key of :data:`STYLES`.
    seed : int
        Seed of all random choices (tempo, swing, key, distortion, loudness, sounds).
    duration : float
        Minimum length in seconds (whole bars are rendered).
    sr : int
        Sample rate in Hz.
    sounds : {"standard", "alternative"}
        Sound set of drums, bass and chords (:data:`mirlib.synth.SOUNDS`); the
        same style, seed and tempo with other instrument sounds.

    Returns
    -------
    StylePiece

    Raises
    ------
    ValueError
        For an unknown style or sound set, or a duration not above zero.
    """
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; choose one of {list(STYLES)}")
    if not duration > 0:
        raise ValueError(f"duration must be positive seconds, got {duration}")
    spec = STYLES[style]
    # one stream per (style, seed), so that adding styles does not change the others
    rng = np.random.default_rng([seed, STYLE_NAMES.index(style)])
    tempo = float(rng.uniform(*spec.tempo))
    swing = float(rng.uniform(*spec.swing))
    distorted = bool(rng.random() < spec.p_distorted)
    percussive = bool(rng.random() < spec.p_percussive)
    minor = bool(rng.random() < 0.5)
    lead_in = float(rng.uniform(0.0, 0.3))
    bar = spec.metre * 60.0 / tempo
    n_bars = int(np.ceil((duration - lead_in) / bar))
    rendering = render_loop(
        rng, tempo=tempo, metre=spec.metre, n_bars=n_bars, swing=swing, sr=sr,
        pattern=spec.pattern, fill_slots=spec.fills, fills=0.3,
        bass_slots=list(spec.bass), chord_slots=list(spec.chords), minor=minor,
        distortion=float(rng.uniform(0.5, 1.0)) if distorted else 0.0,
        tonal_gain=0.15 if percussive else float(rng.uniform(0.8, 1.6)),
        humanise=0.005, lead_in=lead_in, peak=float(rng.uniform(0.3, 0.9)), sounds=sounds,
    )
    rendering.params["seed"] = seed
    tags = np.array([tempo >= 140, tempo < 100, spec.metre == 3 or swing >= 0.5, minor, distorted, percussive],
                    dtype=int)
    return StylePiece(style=style, tags=tags, rendering=rendering)


def log_mel(y, sr=SR):
    """The classification chapters' input: log-mel spectrogram of 40 bands at 43 fps (:data:`mirlib.features.CLASSIFICATION`).

    Frame size 1024 and hop size 512 samples at 22.05 kHz, 40 mel bands from
    27.5 Hz to 11.025 kHz, ``log10(1 + 1000 x)`` compression (see
    :func:`mirlib.features.log_mel_spectrogram`).

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal at ``sr``.
    sr : int
        Sample rate in Hz; must be :data:`SR`.

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames, 40)``

    Raises
    ------
    ValueError
        If ``sr`` is not 22050 Hz (resample first) or the signal is bad.
    """
    return CLASSIFICATION(y, sr)


@dataclass
class StyleData:
    """Log-mel excerpts of generated pieces with style labels and tags.

    Attributes
    ----------
    X : np.ndarray, float32, shape ``(n_pieces, n_frames, n_bands)``
        One log-mel excerpt per piece, time first.
    y : np.ndarray of int, shape ``(n_pieces,)``
        Style index into :data:`STYLE_NAMES`.
    tags : np.ndarray of int, shape ``(n_pieces, n_tags)``
        Multi-label targets, columns as in :data:`TAGS`.
    seeds : np.ndarray of int, shape ``(n_pieces,)``
        The seed of each piece (``render_piece(STYLE_NAMES[y[i]], seeds[i])``).
    audio : list of np.ndarray or None
        The excerpts' audio at :data:`SR` if kept.
    """

    X: np.ndarray
    y: np.ndarray
    tags: np.ndarray
    seeds: np.ndarray
    audio: list | None = None

    def __len__(self):
        return len(self.y)

    def subset(self, index):
        """The examples at ``index`` (integer array or boolean mask)."""
        index = np.asarray(index)
        audio = None if self.audio is None else [self.audio[i] for i in np.arange(len(self))[index]]
        return StyleData(self.X[index], self.y[index], self.tags[index], self.seeds[index], audio)


def style_dataset(n_per_style, seed=0, n_frames=N_FRAMES, keep_audio=False):
    """Render a balanced dataset: ``n_per_style`` pieces of every style.

    Piece ``i`` of a style has seed ``seed * 100000 + i``, so datasets with
    different ``seed`` share no piece (use one seed for training, another for
    testing) and a larger ``n_per_style`` extends a smaller one.

    Parameters
    ----------
    n_per_style : int
        Pieces per style.
    seed : int
        Dataset seed, 0 to 9999.
    n_frames : int
        Frames per excerpt; the excerpt starts at the first beat.
    keep_audio : bool
        Keep each excerpt's audio (for augmentation and listening).

    Returns
    -------
    StyleData

    Raises
    ------
    ValueError
        If ``n_per_style < 1`` or ``seed`` is out of range.

    Examples
    --------
    >>> data = style_dataset(2, seed=1)
    >>> data.X.shape, data.y.tolist()
    ((12, 128, 40), [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    """
    if n_per_style < 1:
        raise ValueError(f"n_per_style must be at least 1, got {n_per_style}")
    if not 0 <= seed < 10000:
        raise ValueError(f"seed must lie in 0..9999, got {seed}")
    n_samples = (n_frames - 1) * HOP_SIZE + 1
    X, y, tags, seeds, audio = [], [], [], [], []
    for label, style in enumerate(STYLE_NAMES):
        for i in range(n_per_style):
            s = seed * 100000 + i
            piece = render_piece(style, s, duration=n_samples / SR + 0.5)
            start = int(round(piece.rendering.beats[0] * SR))
            excerpt = piece.audio[start:start + n_samples]
            excerpt = np.pad(excerpt, (0, n_samples - len(excerpt)))
            X.append(log_mel(excerpt)[:n_frames])
            y.append(label)
            tags.append(piece.tags)
            seeds.append(s)
            if keep_audio:
                audio.append(excerpt)
    return StyleData(np.stack(X).astype(np.float32), np.array(y), np.stack(tags), np.array(seeds),
                     audio if keep_audio else None)
