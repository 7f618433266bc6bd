"""Generated mixtures with real voices: the training and held-out data of the singing voice detectors.

Band songs of sampled instruments (:func:`accompaniment`) and windows of real
instrumental recordings (:data:`TRAIN_RECORDINGS`), alone and with recorded
human voices laid over them (:func:`voice_signals`, :func:`mix_voice`), cut
into labelled log-mel excerpts (:func:`log_mel`, :func:`vocal_dataset`).
"""

from __future__ import annotations

import itertools

import numpy as np

from .. import audio as _audio
from ..features.settings import VOCALS
from ..features.spectral import excerpts

__all__ = ["SR", "N_FRAMES", "EXCERPT_HOP", "RECIPE", "N_TEST_SONGS", "TRAIN_RECORDINGS", "FLOOR_DB", "Mixtures",
           "voice_signals", "accompaniment", "log_mel", "mix_voice", "vocal_dataset"]

#: Sample rate in Hz (that of :data:`mirlib.features.VOCALS`).
SR = VOCALS.sr
#: Frames per excerpt (80 frames at 43 fps: 1.86 s).
N_FRAMES = 80
#: Hop between excerpts in frames (0.46 s).
EXCERPT_HOP = 20
#: Training recipe of the shipped detectors: accompaniment songs, voiced
#: mixtures per song, SoundFont melodies, epochs, batch size, learning rate, seed.
RECIPE = dict(n_songs=120, mixes=2, n_melodies=40, epochs=20, batch_size=32, learning_rate=1e-3, seed=0)
#: Accompaniment songs of the held-out test.
N_TEST_SONGS = 24
# seeds: training songs and melodies, test songs and melodies (never overlapping)
_SEEDS = {"train": (80000, 81000), "test": (90000, 91000)}
#: Real instrumental recordings (librosa's examples) whose 8-s windows join the
#: training accompaniment, with and without voices; never in a test.
TRAIN_RECORDINGS = ("brahms", "pistachio", "sweetwaltz")
_PARTS = ("clean guitar", "overdriven guitar", "piano", "organ", "strings", "brass", "lead", "pad")
#: Dynamic range of the features in dB (:data:`mirlib.features.VOCALS`'s floor).
FLOOR_DB = 20.0 * VOCALS.floor
_ACTIVE_DB = -20.0      # a voice frame sounds when its RMS is within 20 dB of the voice's loudest frame
_MIN_ACTIVE = 0.5       # an excerpt is vocal when the voice sounds in at least this share of its frames


def _resample(y, sr):
    import librosa

    return y.astype(np.float32) if sr == SR else librosa.resample(y.astype(np.float32), orig_sr=sr, target_sr=SR)


def _phrases(signals, rng, n, gap=(0.02, 0.15), length=(2.5, 6.0)):
    # short recordings (spoken digits) strung into phrases with short pauses; the silence
    # around each word (up to half of an FSDD file) trimmed and every word brought to one level first
    import librosa

    signals = [librosa.effects.trim(y, top_db=30)[0] for y in signals]
    signals = [y / (np.sqrt(np.mean(y ** 2)) + 1e-9) for y in signals]   # every word equally loud
    out = []
    for _ in range(n):
        target, parts = rng.uniform(*length), []
        while sum(len(p) for p in parts) < target * SR:
            parts.append(signals[int(rng.integers(len(signals)))])
            parts.append(np.zeros(int(rng.uniform(*gap) * SR), dtype=np.float32))
        out.append(np.concatenate(parts))
    return out


def voice_signals(split="train", n_melodies=None):
    """Recorded voices of one split, at 22.05 kHz.

    Parameters
    ----------
    split : {"train", "test"}
        ``"train"``: librosa's three LibriSpeech readers, phrases of the four
        FSDD training speakers' digits, and SoundFont choir and voice melodies;
        ``"test"``: CMU Sphinx's 14 recordings, phrases of FSDD's two unheard
        speakers, and other SoundFont melodies.
    n_melodies : int or None
        SoundFont melodies (default ``RECIPE["n_melodies"]``, half of that for
        the test split; 0: none, and FluidSynth is not needed).

    Returns
    -------
    tuple of (str, np.ndarray)
        ``(source, signal)`` pairs; sources ``"read speech"``, ``"spoken
        digits"``, ``"sung melody"``.

    Raises
    ------
    ValueError
        For another split.
    mirlib.synth.band.FluidSynthMissing
        For melodies without FluidSynth.
    """
    if split not in _SEEDS:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    if n_melodies is None:
        n_melodies = RECIPE["n_melodies"] if split == "train" else RECIPE["n_melodies"] // 2
    from ..data import fsdd, speech
    from ..data.recordings import example

    rng = np.random.default_rng(_SEEDS[split][1] + 7)
    if split == "train":
        read = [_audio.load(example(n), sr=SR)[0] for n in ("libri1", "libri2", "libri3")]
        words = fsdd.load_words(fsdd.TRAIN_SPEAKERS, takes=range(4))
    else:
        read = [_resample(c.audio, c.sr) for c in speech.speech_clips()]
        words = fsdd.load_words(fsdd.TEST_SPEAKERS, takes=range(4))
    out = [("read speech", y) for y in read]
    out += [("spoken digits", y) for y in _phrases([_resample(w.audio, w.sr) for w in words], rng, 12)]
    out += [("sung melody", _melody(_SEEDS[split][1] + i)) for i in range(n_melodies)]
    return tuple(out)


def _melody(seed):
    # the SoundFont's choir and voice sounds singing a melody over silent drums
    from ..synth.band import render_band_song

    rng = np.random.default_rng(seed)
    r = render_band_song(rng, tempo=float(rng.uniform(70, 150)), n_bars=4, parts=("voice",), drum_gain_db=-200.0,
                         lead_in=0.0, humanise=0.01)
    return _resample(r.audio, r.sr)


def accompaniment(seed, kits=None, length=8.0):
    """A band song without voice: bass and one to four other parts, drums in most.

    Parameters
    ----------
    seed : int
        Seed of everything (parts, tempo, kit, mix).
    kits : sequence of str or None
        Hydrogen kits to draw from; default the training kits.
    length : float
        Approximate length in seconds.

    Returns
    -------
    np.ndarray, float32, shape ``(n_samples,)``
        At 22.05 kHz.

    Raises
    ------
    mirlib.synth.band.FluidSynthMissing
        Without FluidSynth.
    """
    from ..data.drumkits import TRAIN_KITS
    from ..synth.band import render_band_song

    kits = TRAIN_KITS if kits is None else kits
    rng = np.random.default_rng(seed)
    tempo = float(np.exp(rng.uniform(np.log(70.0), np.log(180.0))))
    parts = ["bass"] + list(rng.choice(_PARTS, size=int(rng.integers(1, 5)), replace=False))
    n_bars = max(2, int(round((length - 1.5) * tempo / 240.0)))
    r = render_band_song(rng, tempo=tempo, n_bars=n_bars, kit=kits[int(rng.integers(len(kits)))], parts=tuple(parts),
                         drum_gain_db=float(rng.uniform(-12.0, 3.0)) if rng.random() < 0.8 else -200.0,
                         lead_in=float(rng.uniform(0.0, 0.5)))
    return _resample(r.audio, r.sr)


def log_mel(y, sr):
    """The detectors' input: log-mel spectrogram with a floor :data:`FLOOR_DB` below its maximum (:data:`mirlib.features.VOCALS`).

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Sample rate in Hz (22050).

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames, 80)``
        ``log10`` magnitudes; a gain of ``g`` dB adds ``g / 20`` to every value.

    Raises
    ------
    ValueError
        For an empty or non-finite signal or another sample rate.
    """
    return VOCALS(y, sr)


def _frame_rms(y):
    n = 1 + len(y) // VOCALS.hop_size
    y = np.pad(y, (VOCALS.hop_size, VOCALS.hop_size + n * VOCALS.hop_size - len(y)))
    frames = y[: (n + 1) * VOCALS.hop_size].reshape(-1, VOCALS.hop_size)
    rms = np.sqrt(np.mean(frames[:-1] ** 2 + frames[1:] ** 2, axis=1) / 2)
    return rms[:n]


class Mixtures:
    """Excerpts of generated mixtures with their labels.

    Attributes
    ----------
    X : np.ndarray, float32, shape ``(n_excerpts, 80, 80)``
        Log-mel excerpts (:func:`log_mel`), frames first.
    y : np.ndarray, int, shape ``(n_excerpts,)``
        1 when a voice sounds (in at least half of the frames), else 0.
    song : np.ndarray, int, shape ``(n_excerpts,)``
        Seed of the accompaniment each excerpt comes from.
    source : np.ndarray of str, shape ``(n_excerpts,)``
        The kind of voice laid over the mixture the excerpt comes from, or
        ``"none"`` for the accompaniment alone.
    """

    def __init__(self, X, y, song, source):
        self.X, self.y, self.song, self.source = X, y, song, source

    def __len__(self):
        return len(self.y)

    def counts(self):
        """Excerpts per voice source: a dict ``{source: n}``."""
        names, n = np.unique(self.source, return_counts=True)
        return dict(zip(names.tolist(), n.tolist()))


def _vocal_chain(rng):
    # what a mixing desk does to a vocal: EQ, compression, a room (pedalboard)
    import pedalboard as pb

    return pb.Pedalboard([
        pb.PeakFilter(cutoff_frequency_hz=float(np.exp(rng.uniform(np.log(200), np.log(5000)))),
                      gain_db=float(rng.uniform(-6, 6)), q=float(rng.uniform(0.5, 2.0))),
        pb.Compressor(threshold_db=float(rng.uniform(-30, -12)), ratio=float(rng.uniform(2, 6)),
                      attack_ms=float(rng.uniform(1, 20)), release_ms=float(rng.uniform(50, 250))),
        pb.Reverb(room_size=float(rng.uniform(0.1, 0.7)), wet_level=float(rng.uniform(0.05, 0.3)), dry_level=1.0,
                  damping=float(rng.uniform(0.2, 0.8)), width=0.0)])


def mix_voice(song, voice, rng, level_db):
    """Lay a recorded voice over an accompaniment, as the training mixtures are made.

    The voice is played 20 % slower to 20 % faster (another, higher or lower
    voice), gated to where it sounds (within 20 dB of its loudest frame),
    treated by a random vocal chain (EQ, compression, a room; pedalboard) and
    enters at a random moment in the first 60 % of the song. Every mixture,
    with or without voice, gets a faint noise floor (-70 to -35 dB), in a third
    of the cases a missing top octave (recorded at 8 or 16 kHz), and a peak
    of 0.5 to 0.95.

    Parameters
    ----------
    song : np.ndarray, shape ``(n_samples,)``
        Accompaniment at 22.05 kHz.
    voice : np.ndarray or None
        A voice recording at 22.05 kHz (:func:`voice_signals`), or None.
    rng : np.random.Generator
    level_db : float
        Level of the voice (RMS of its sounding frames) against the accompaniment, in dB.

    Returns
    -------
    mix : np.ndarray, float32, shape ``(n_samples,)``
    active : np.ndarray, bool, shape ``(n_frames,)``
        Frames (at 43 fps, as :func:`log_mel`) where the voice sounds.
    """
    import librosa

    from ..data.augment import band_limit

    mix, active = np.array(song, dtype=np.float32), np.zeros(1 + len(song) // VOCALS.hop_size, dtype=bool)
    if voice is not None:
        voice = librosa.resample(voice, orig_sr=SR, target_sr=int(SR * np.exp(rng.uniform(np.log(0.8), np.log(1.25)))))
        start = int(rng.uniform(0.0, 0.6) * len(song))
        v = voice[: len(song) - start]
        rms = _frame_rms(v)
        on = rms > rms.max() * 10 ** (_ACTIVE_DB / 20)
        # gated: the recording's room noise between words would otherwise mark "voice" where none sounds
        gate = np.interp(np.arange(len(v)), np.arange(len(on)) * VOCALS.hop_size, on.astype(float))
        gain = np.sqrt(np.mean(song ** 2)) / (np.sqrt(np.mean(rms[on] ** 2)) + 1e-12) * 10 ** (level_db / 20)
        mix[start: start + len(v)] += gain * _vocal_chain(rng)((v * gate)[None].astype(np.float32), SR)[0]
        first = start // VOCALS.hop_size
        active[first: first + len(on)] = on[: len(active) - first]
    # what recordings share whatever the class: a noise floor, and in a third a missing top octave
    mix += rng.normal(0.0, 1.0, len(mix)) * np.sqrt(np.mean(mix ** 2)) * 10 ** (rng.uniform(-70.0, -35.0) / 20)
    if rng.random() < 1 / 3:
        mix = band_limit(mix.astype(np.float32), SR, int(rng.choice([8000, 16000])))
    mix *= rng.uniform(0.5, 0.95) / (np.max(np.abs(mix)) + 1e-12)   # mastered loud, as released songs are
    return mix, active


def _mixture_excerpts(song, voice, rng, level_db):
    mix, active = mix_voice(song, voice, rng, level_db)
    X = excerpts(log_mel(mix, SR), N_FRAMES, EXCERPT_HOP)
    share = excerpts(active[: len(X) * EXCERPT_HOP + N_FRAMES, None].astype(np.float32), N_FRAMES,
                     EXCERPT_HOP)[:, :, 0].mean(axis=1)
    share = share[: len(X)]
    keep = (share == 0) | (share >= _MIN_ACTIVE)
    return X[keep], (share[keep] >= _MIN_ACTIVE).astype(int)


def _real_windows(length=8.0):
    # 8-s windows of the real instrumental training recordings
    from ..data.recordings import example

    out = []
    for name in TRAIN_RECORDINGS:
        y = _audio.load(example(name), sr=SR)[0]
        n = int(length * SR)
        out += [y[i: i + n] for i in range(0, len(y) - n + 1, n)]
    return out


def vocal_dataset(split="train", n_songs=None, mixes=None, seed=None, n_melodies=None, real=True, voices=None):
    """Excerpts of generated mixtures: accompaniment alone and with recorded voices.

    Each accompaniment (:func:`accompaniment`) is used once without voice and
    ``mixes`` times with a voice of the split (:func:`voice_signals`), which
    enters at a random moment in the first 60 % of the song at -8 to +2 dB
    (RMS of the sounding frames) against the accompaniment; the mix is then
    normalised to a peak of 0.5 to 0.95.

    Parameters
    ----------
    split : {"train", "test"}
        Training songs (Hydrogen training kits, training voices) or held-out
        ones (test kits, unheard voices, other seeds).
    n_songs : int or None
        Accompaniment songs (default ``RECIPE["n_songs"]``, :data:`N_TEST_SONGS` for the test split).
    mixes : int or None
        Voiced mixtures per song (default ``RECIPE["mixes"]``).
    seed : int or None
        Seed of the voices' choice, entry and level (default: the split's).
    n_melodies : int or None
        As in :func:`voice_signals`.
    real : bool
        For the training split, also use 8-s windows of :data:`TRAIN_RECORDINGS`
        as accompaniment (their song number is negative).
    voices : tuple or None
        The split's voices, as :func:`voice_signals` returns them, when the
        caller has them already (default: rendered and loaded here).

    Returns
    -------
    Mixtures

    Raises
    ------
    ValueError
        For another split or ``n_songs < 1``.
    mirlib.synth.band.FluidSynthMissing
        Without FluidSynth.
    """
    from ..data.drumkits import TEST_KITS

    if split not in _SEEDS:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    n_songs = (RECIPE["n_songs"] if split == "train" else N_TEST_SONGS) if n_songs is None else n_songs
    if n_songs < 1:
        raise ValueError(f"n_songs must be at least 1, got {n_songs}")
    mixes = RECIPE["mixes"] if mixes is None else mixes
    voices = voice_signals(split, n_melodies) if voices is None else voices
    by_kind = {}
    for kind, signal in voices:
        by_kind.setdefault(kind, []).append(signal)
    kinds = sorted(by_kind)
    rng = np.random.default_rng(_SEEDS[split][0] if seed is None else seed)
    Xs, ys, songs, sources = [], [], [], []
    accompaniments = ((s, accompaniment(s, kits=TEST_KITS if split == "test" else None))
                      for s in range(_SEEDS[split][0], _SEEDS[split][0] + n_songs))
    if split == "train" and real:
        accompaniments = itertools.chain(accompaniments, enumerate(_real_windows(), start=-1000))
    for s, song in accompaniments:
        for k in range(mixes + 1):
            if k:   # a kind of voice, then one of its recordings: each kind as often
                kind = kinds[int(rng.integers(len(kinds)))]
                source, voice = kind, by_kind[kind][int(rng.integers(len(by_kind[kind])))]
            else:
                source, voice = "none", None
            X, y = _mixture_excerpts(song, voice, rng, float(rng.uniform(-8.0, 2.0)))
            Xs.append(X), ys.append(y), songs.append(np.full(len(y), s)), sources.append(np.full(len(y), source))
    return Mixtures(np.concatenate(Xs), np.concatenate(ys), np.concatenate(songs), np.concatenate(sources))
