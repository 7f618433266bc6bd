"""Music/speech discrimination with a small CNN (tutorial Example 2).

The processing chain, at 22.05 kHz and 43 frames per second::

    audio -> log-mel spectrogram (40 bands) -> excerpts of 80 frames (1.9 s)
      -> CNN (Lidy, MIREX 2015) -> P(music) per excerpt -> mean over the file

The data are real recordings: librosa's musical examples (music) and its
LibriSpeech clips (speech); the shipped model also hears drum loops played on
recorded kits as music (:func:`kit_loop_corpus`), band songs of sampled
instruments, and short sounds of both classes alone in silence or faint noise,
among them the isolated words of four FSDD speakers
(:func:`isolated_corpus`). A recording shorter than one excerpt is padded
with silence, which these sounds taught the network to ignore.
:func:`cross_source_test` measures it on recordings from other sources
(:mod:`mirlib.musicspeech.sources`): CMU Sphinx's speech recordings
(:mod:`mirlib.data.speech`), words of FSDD's two unheard speakers, madmom's
music excerpts, clips of the MDB Drums band mixes and drum loops on kits it
never heard; :func:`held_out_scores` gives accuracy and calibration error. The features are :data:`mirlib.features.CLASSIFICATION`. Evaluation always splits **by recording**: the
excerpts of one recording are never in both the training and the test set, or
the network could recognise the recording instead of the class
(:func:`leave_one_recording_out`). The trained reference model ships with
mirlib (:data:`MUSIC_SPEECH_CNN`); its recipe reproduces it (``mirlib train
music_speech_cnn``) and :func:`classify_file` is what ``mirlib music-speech`` runs.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .. import audio as _audio
from .. import nn
from ..data import augment
from ..data.recordings import example, examples_joined
from ..features.settings import CLASSIFICATION
from ..features.spectral import excerpts

__all__ = ["RECORDINGS", "CLASSES", "N_FRAMES", "EXCERPT_HOP", "SR", "RECIPE", "excerpts", "Corpus", "load_corpora",
           "MUSIC_SPEECH_CNN", "train", "load_model", "leave_one_recording_out", "classify", "classify_file",
           "kit_loop_corpus", "cross_source_recordings", "cross_source_test", "held_out_scores",
           "train_on_recordings", "isolated_corpus", "band_song_signals", "EXCERPT_SECONDS"]

#: librosa example -> class (0 = speech, 1 = music).
RECORDINGS = {
    "brahms": 1, "choice": 1, "fishin": 1, "nutcracker": 1, "pistachio": 1, "sweetwaltz": 1, "trumpet": 1,
    "vibeace": 1, "libri1": 0, "libri2": 0, "libri3": 0,
}
#: Class names in index order.
CLASSES = ("speech", "music")
#: Sample rate in Hz (that of :data:`mirlib.features.CLASSIFICATION`).
SR = CLASSIFICATION.sr
#: Frames per excerpt (80 frames at 43 fps: 1.86 s), as in Lidy's model.
N_FRAMES = 80
#: Hop between excerpts in frames (50 % overlap).
EXCERPT_HOP = 40
#: Training recipe of the shipped model: music excerpts every 40 frames, speech
#: (the minority class) every 20 frames and also pitch-shifted by these
#: semitones (other "speakers"), 10 epochs of Adam with balanced class weights;
#: ``kit_loops`` drum loops on the recorded training kits and ``band_songs`` band
#: songs of sampled instruments join the music; ``snippets`` short stretches of
#: every recording and ``fsdd_takes`` takes of each digit by FSDD's training
#: speakers join both classes as isolated sounds (:func:`isolated_corpus`).
RECIPE = dict(epochs=10, batch_size=32, learning_rate=1e-3, seed=0, music_hop=40, speech_hop=20,
              pitch_shifts=(-4, -2, 2, 4), kit_loops=24, snippets=40, fsdd_takes=20, band_songs=48)
#: Length of one excerpt in seconds (80 frames of 512 samples at 22.05 kHz).
EXCERPT_SECONDS = N_FRAMES * CLASSIFICATION.hop_size / SR


@dataclass
class Corpus:
    """Excerpts of labelled recordings.

    Attributes
    ----------
    X : np.ndarray, float32, shape ``(n_excerpts, 80, 40)``
        Log-mel excerpts.
    y : np.ndarray of int, shape ``(n_excerpts,)``
        Class of each excerpt (0 speech, 1 music).
    recording : np.ndarray of str, shape ``(n_excerpts,)``
        The recording each excerpt comes from (the unit of every split).
    """

    X: np.ndarray
    y: np.ndarray
    recording: np.ndarray
    augmented: np.ndarray | None = None

    def __post_init__(self):
        if self.augmented is None:
            self.augmented = np.zeros(len(self.y), dtype=bool)

    def __len__(self):
        return len(self.y)

    def where(self, mask):
        """The excerpts where ``mask`` is true."""
        return Corpus(self.X[mask], self.y[mask], self.recording[mask], self.augmented[mask])

    def counts(self):
        """Excerpts per recording and class (and augmented copies), as a table."""
        import pandas as pd

        names = list(dict.fromkeys(self.recording))
        table = pd.DataFrame({"class": [CLASSES[self.y[self.recording == n][0]] for n in names],
                              "excerpts": [int(np.sum((self.recording == n) & ~self.augmented)) for n in names]},
                             index=pd.Index(names, name="recording"))
        if self.augmented.any():
            table["augmented copies"] = [int(np.sum((self.recording == n) & self.augmented)) for n in names]
        return table


def load_corpora(recordings=None):
    """Load librosa's example recordings once as the test and the training corpus.

    Each recording is decoded and turned into a log-mel spectrogram once;
    both corpora are cut from it.

    Parameters
    ----------
    recordings : dict or None
        Example name -> class index; default :data:`RECORDINGS`.

    Returns
    -------
    test : Corpus
        One excerpt every :data:`EXCERPT_HOP` frames, as the model is evaluated
        and used.
    training : Corpus
        The training set of :data:`RECIPE`: speech (the minority class) cut
        more densely and also pitch-shifted (:func:`mirlib.augment.pitch_shift`);
        the copies keep their recording's name, so splits stay by recording.

    Raises
    ------
    ValueError
        For an unknown example name or a class other than 0 or 1.
    """
    recordings = RECORDINGS if recordings is None else recordings
    test, training = [], []
    for name, label in recordings.items():
        if label not in (0, 1):
            raise ValueError(f"class of {name!r} must be 0 (speech) or 1 (music), got {label!r}")
        signal, _ = _audio.load(example(name), sr=SR)
        S = CLASSIFICATION(signal, SR)
        test.append((name, label, excerpts(S, N_FRAMES, EXCERPT_HOP), False))
        hop = RECIPE["speech_hop"] if label == 0 else RECIPE["music_hop"]
        training.append((name, label, excerpts(S, N_FRAMES, hop), False))
        if label == 0:
            training += [(name, label, excerpts(CLASSIFICATION(augment.pitch_shift(signal, SR, s), SR), N_FRAMES, hop), True)
                         for s in RECIPE["pitch_shifts"]]
    return _corpus(test), _corpus(training)


def _merge(a, b):
    return Corpus(np.concatenate([a.X, b.X]), np.concatenate([a.y, b.y]),
                  np.concatenate([a.recording, b.recording]), np.concatenate([a.augmented, b.augmented]))


def _corpus(parts):
    return Corpus(np.concatenate([E for _, _, E, _ in parts]),
                  np.concatenate([np.full(len(E), label) for _, label, E, _ in parts]),
                  np.concatenate([np.full(len(E), name) for name, _, E, _ in parts]),
                  np.concatenate([np.full(len(E), augmented) for _, _, E, augmented in parts]))


def train(corpus, epochs=None, seed=None, class_weight="balanced", verbose=0, log_dir=None):
    """Train the music/speech CNN on a corpus.

    With the defaults (:data:`RECIPE`) on the training corpus of
    :func:`load_corpora` this reproduces the shipped weights. The input
    normalisation is adapted to the (centred) training excerpts; class
    imbalance (librosa has much more music than speech) is handled by
    weighting each class's excerpts inversely to its count.

    Parameters
    ----------
    corpus : Corpus
        Training excerpts.
    epochs : int or None
        Passes over the data.
    seed : int or None
        Seed of initialisation, dropout and batch order.
    class_weight : "balanced" or dict or None
        Per-class loss weights.
    verbose : int
        Keras verbosity.
    log_dir : str or None
        Write TensorBoard logs there.

    Returns
    -------
    mirlib.nn.History
        Loss and accuracy per epoch, with the trained network as ``.model``.

    Raises
    ------
    ValueError
        If the corpus lacks one of the two classes.
    """
    if len(np.unique(corpus.y)) != 2:
        raise ValueError("the training corpus must contain both music and speech excerpts")
    weights = nn.balanced_class_weight(corpus.y) if class_weight == "balanced" else class_weight
    return nn.train(lambda: MUSIC_SPEECH_CNN.untrained(nn.center_excerpts(corpus.X)), corpus.X, corpus.y,
                    epochs=RECIPE["epochs"] if epochs is None else epochs, batch_size=RECIPE["batch_size"],
                    learning_rate=RECIPE["learning_rate"], class_weight=weights,
                    seed=RECIPE["seed"] if seed is None else seed, verbose=verbose, log_dir=log_dir)


def kit_loop_corpus(n=None, split="train", first_seed=0, length=8.0):
    """Music excerpts of drum loops played on recorded kits.

    Loops of :func:`mirlib.synth.drums.drum_loops` (about half of them with
    bass and chords), cut every ``RECIPE["music_hop"]`` frames, each loop a recording
    of its own (named ``"kit loop SEED"``).

    Parameters
    ----------
    n : int or None
        Number of loops; default ``RECIPE["kit_loops"]``.
    split : {"train", "validation", "test"}
        Which kits play (:data:`mirlib.synth.drums.KIT_SPLITS`).
    first_seed : int
    length : float
        Approximate loop length in seconds.

    Returns
    -------
    Corpus
        Class 1 (music) throughout.

    Raises
    ------
    ValueError
        For an unknown split or ``n < 1``.
    """
    import librosa

    from ..synth.drums import drum_loops

    n = RECIPE["kit_loops"] if n is None else n
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    parts = []
    for r in drum_loops(split, n, length=length, first_seed=first_seed):
        signal = librosa.resample(r.audio, orig_sr=r.sr, target_sr=SR)
        parts.append((f"kit loop {r.params['seed']}", 1,
                      excerpts(CLASSIFICATION(signal, SR), N_FRAMES, RECIPE["music_hop"]), False))
    return _corpus(parts)


def isolated_corpus(snippets=None, fsdd_takes=None, seed=0, recordings=None, band_songs=None, music=()):
    """Short sounds of both classes, each alone in one excerpt of silence or faint noise.

    A spoken word, a short answer or a few notes reach the classifier as one
    excerpt that is mostly silence. Trained on long recordings only, the
    network has never heard that and calls isolated words music. Here both
    classes get the same treatment (:func:`mirlib.data.augment.isolate`), so
    that silence around a sound is a cue for neither:

    * speech: every word of the FSDD training speakers
      (:data:`mirlib.data.fsdd.TRAIN_SPEAKERS`, takes ``0 .. fsdd_takes - 1``),
      alone and in sequences of two to four words with pauses, and
      ``snippets`` stretches of 0.25 to 1.5 s from each LibriSpeech clip;
    * music: ``snippets`` stretches of 0.25 to 1.5 s from each music
      recording and each of ``band_songs`` band songs of sampled instruments
      (:func:`mirlib.synth.band.random_band_song`, seeds 60000 and up), a
      third of them band-limited to 4 kHz like FSDD's 8-kHz speech, so that a
      missing top octave is no cue either.

    Parameters
    ----------
    snippets : int or None
        Stretches per librosa recording; default ``RECIPE["snippets"]``.
    fsdd_takes : int or None
        FSDD takes per digit and training speaker; default ``RECIPE["fsdd_takes"]``.
    seed : int
        Seed of positions, lengths and backgrounds.
    recordings : dict or None
        librosa example name -> class; default :data:`RECORDINGS`.
    band_songs : int or None
        Band songs to render (:func:`band_song_signals`) and cut music
        stretches from; default ``RECIPE["band_songs"]``.
    music : sequence of (str, np.ndarray)
        Further music recordings ``(name, signal at 22.05 kHz)`` to cut
        stretches from, after the band songs (e.g. songs already rendered).

    Returns
    -------
    Corpus
        One excerpt per sound; recordings named after the librosa example or
        the FSDD speaker (``"FSDD george"``), so splits stay by recording and speaker.

    Raises
    ------
    FileNotFoundError
        If a recording can neither be found nor downloaded.
    mirlib.synth.band.FluidSynthMissing
        For ``band_songs > 0`` without FluidSynth.
    """
    import librosa

    from ..data import fsdd

    rng = np.random.default_rng(seed)
    snippets, fsdd_takes, band_songs = (RECIPE[k] if v is None else v for k, v in
                                        (("snippets", snippets), ("fsdd_takes", fsdd_takes), ("band_songs", band_songs)))
    sounds = []   # (recording, class, signal at SR)
    sources = [(name, label, lambda name=name: _audio.load(example(name), sr=SR)[0])
               for name, label in (RECORDINGS if recordings is None else recordings).items()]
    sources += [(name, 1, lambda y=y: y) for name, y in [*band_song_signals(band_songs), *music]]
    for name, label, load in sources:
        signal = load()
        for _ in range(snippets):
            n = int(rng.uniform(0.25, 1.5) * SR)
            start = int(rng.integers(0, max(1, len(signal) - n)))
            piece = signal[start:start + n]
            if not np.any(piece):
                continue
            if label == 1 and rng.random() < 1 / 3:
                piece = augment.band_limit(piece, SR, 8000)
            sounds.append((name, label, piece))
    words = fsdd.load_words(fsdd.TRAIN_SPEAKERS, takes=range(fsdd_takes)) if fsdd_takes else []
    for w in words:
        sounds.append((f"FSDD {w.speaker}", 0, librosa.resample(w.audio, orig_sr=w.sr, target_sr=SR)))
    for speaker in dict.fromkeys(w.speaker for w in words):
        said = [y for name, _, y in sounds if name == f"FSDD {speaker}"]
        for _ in range(len(said) // 3):
            chosen = rng.choice(len(said), size=int(rng.integers(2, 5)), replace=False)
            gaps = [np.zeros(int(rng.uniform(0.05, 0.5) * SR), dtype=np.float32) for _ in chosen]
            sounds.append((f"FSDD {speaker}", 0, np.concatenate([x for i, g in zip(chosen, gaps) for x in (said[i], g)])))
    parts = [(name, label, excerpts(CLASSIFICATION(augment.isolate(y, SR, EXCERPT_SECONDS, rng), SR),
                                    N_FRAMES, N_FRAMES)[:1], True) for name, label, y in sounds]
    return _corpus(parts)


def band_song_signals(n, first_seed=60000):
    """Band songs of sampled instruments as music recordings for the music/speech CNN.

    :func:`mirlib.synth.band.random_band_song` (about 8 s, drums on the
    Hydrogen training kits), resampled to 22.05 kHz mono.

    Parameters
    ----------
    n : int
        Number of songs (0: none).
    first_seed : int
        Seed of the first song; the others follow.

    Returns
    -------
    list of (str, np.ndarray)
        ``("band song SEED", signal)``, each signal of shape ``(n_samples,)``.

    Raises
    ------
    mirlib.synth.band.FluidSynthMissing
        For ``n > 0`` without FluidSynth.
    """
    import librosa

    from ..synth.band import random_band_song

    return [(f"band song {s}", librosa.resample((r := random_band_song(s, length=8.0)).audio, orig_sr=r.sr,
                                                 target_sr=SR)) for s in range(first_seed, first_seed + n)]


def train_on_recordings(network, epochs, seed, verbose=0, log_dir=None, kit_loops=None, snippets=None,
                        fsdd_takes=None, band_songs=None, **recipe):
    """Train the music/speech CNN by its recipe (the trainer of :data:`MUSIC_SPEECH_CNN`).

    :func:`train` on the training corpus of :func:`load_corpora`, the drum
    loops of :func:`kit_loop_corpus` and the isolated sounds of :func:`isolated_corpus`.

    Parameters
    ----------
    network : mirlib.nn.ShippedModel
        :data:`MUSIC_SPEECH_CNN` (its builder is :func:`mirlib.nn.music_speech_cnn`).
    epochs, seed, verbose, log_dir
        As in :func:`train`.
    kit_loops : int or None
        Drum loops on recorded kits added to the corpus; default ``RECIPE["kit_loops"]``.
    snippets, fsdd_takes : int or None
        As in :func:`isolated_corpus` (both 0: no isolated sounds).
    band_songs : int or None
        Band songs of sampled instruments that join the music, whole and as
        isolated stretches; default ``RECIPE["band_songs"]`` (needs FluidSynth).

    Returns
    -------
    mirlib.nn.History
        With the trained network as ``.model``, ``"n_excerpts"`` and ``"n_recordings"``.
    """
    _, corpus = load_corpora()
    kit_loops = RECIPE["kit_loops"] if kit_loops is None else kit_loops
    if kit_loops:
        corpus = _merge(corpus, kit_loop_corpus(kit_loops))
    songs = band_song_signals(RECIPE["band_songs"] if band_songs is None else band_songs)   # rendered once
    if songs:
        corpus = _merge(corpus, _corpus([(name, 1, excerpts(CLASSIFICATION(y, SR), N_FRAMES, RECIPE["music_hop"]), False)
                                         for name, y in songs]))
    if snippets != 0 or fsdd_takes != 0:
        corpus = _merge(corpus, isolated_corpus(snippets, fsdd_takes, seed=seed, band_songs=0, music=songs))
    history = train(corpus, epochs=epochs, seed=seed, verbose=verbose, log_dir=log_dir)
    history["n_excerpts"], history["n_recordings"] = len(corpus), len(set(corpus.recording))
    return history


#: The music/speech CNN after Lidy (MIREX 2015), trained on librosa's recordings.
MUSIC_SPEECH_CNN = nn.ShippedModel(
    name="music_speech_cnn", task="music/speech", paper="lidy2015mirex",
    description="music/speech CNN (Lidy, MIREX 2015) on 40-band log-mel excerpts of 80 frames, 43 fps",
    features=CLASSIFICATION, inputs="excerpts", outputs=("music",),
    build=lambda norm: nn.music_speech_cnn(N_FRAMES, CLASSIFICATION.n_bands, normalization=norm),
    normalization_axis=-1, input_shape=(N_FRAMES, CLASSIFICATION.n_bands),
    trainer=train_on_recordings, recipe=dict(epochs=RECIPE["epochs"], seed=RECIPE["seed"],
                                          kit_loops=RECIPE["kit_loops"], snippets=RECIPE["snippets"],
                                          fsdd_takes=RECIPE["fsdd_takes"], band_songs=RECIPE["band_songs"]),
    aliases=("music-speech",),
    held_out=nn.HeldOut(lambda **kw: held_out_scores(**kw), "accuracy",
                        "recordings of other sources and speakers (174 spoken: CMU Sphinx, FSDD's unheard speakers; music: 2 of madmom, "
                        "24 MDB Drums clips, {n} drum loops on unheard kits)", n=12, also=("ECE",)),
    # excerpts of a music and a speech recording
    example=functools.partial(examples_joined, ("vibeace", "libri2"), SR))


def load_model(path=None):
    """The trained reference music/speech CNN (:meth:`MUSIC_SPEECH_CNN.load <mirlib.nn.ShippedModel.load>`).

    Parameters
    ----------
    path : str or None
        Other weights to load (e.g. written by ``mirlib train music_speech_cnn``).

    Returns
    -------
    keras.Model

    Raises
    ------
    FileNotFoundError
        If the weights file does not exist.
    """
    return MUSIC_SPEECH_CNN.load(path)


def leave_one_recording_out(corpus, test_corpus=None, epochs=None, seed=None, class_weight="balanced",
                            recordings=None):
    """Evaluate by recording: train on all recordings but one, test on that one, for each.

    Parameters
    ----------
    corpus : Corpus
        Training excerpts of all recordings (e.g. the training corpus of :func:`load_corpora`).
    test_corpus : Corpus or None
        Excerpts to test on (default: ``corpus`` without augmented copies).
    epochs, seed, class_weight
        As in :func:`train`.
    recordings : sequence of str or None
        Hold out only these recordings (default: each in turn).

    Returns
    -------
    pandas.DataFrame
        One row per excerpt: ``recording``, ``true`` and ``predicted`` class
        index and ``p_music``, each predicted by the model that never saw
        that recording.
    """
    import pandas as pd

    test_corpus = corpus.where(~corpus.augmented) if test_corpus is None else test_corpus
    rows = []
    for name in (dict.fromkeys(corpus.recording) if recordings is None else recordings):
        if name not in set(corpus.recording):
            raise ValueError(f"no recording {name!r} in the corpus")
        model = train(corpus.where(corpus.recording != name), epochs=epochs, seed=seed,
                      class_weight=class_weight).model
        test = test_corpus.recording == name
        p = nn.predict(model, test_corpus.X[test])[:, 0]
        rows.append(pd.DataFrame({"recording": name, "true": test_corpus.y[test],
                                  "predicted": (p >= 0.5).astype(int), "p_music": p}))
    return pd.concat(rows, ignore_index=True)


def classify(y, sr, network="music_speech_cnn", model=None):
    """Classify a signal as music or speech.

    The log-mel spectrogram is cut into excerpts of :data:`N_FRAMES` frames
    (1.86 s) every :data:`EXCERPT_HOP` frames; a recording shorter than one
    excerpt (an isolated word, a short clip) is padded with silence to one
    excerpt, as the shipped network heard such sounds in training
    (:func:`isolated_corpus`). The file's probability of music is the mean
    over its excerpts.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Sample rate in Hz; must be 22050 (:func:`mirlib.audio.load` resamples).
    network : mirlib.nn.ShippedModel or str
        :data:`MUSIC_SPEECH_CNN` (or a variant of it), or its name.
    model : keras.Model or None
        Other weights of the network (e.g. from :func:`train`); default the shipped ones.

    Returns
    -------
    label : str
        ``"music"`` or ``"speech"``.
    p_music : float
        Mean probability of music over the excerpts.

    Raises
    ------
    ValueError
        For an empty, silent or non-finite signal or another sample rate.
    """
    _audio.check_signal(y, sr, name="signal", allow_silence=False)
    model = nn.resolve(network, MUSIC_SPEECH_CNN).runtime() if model is None else model
    p = float(np.mean(nn.predict(model, excerpts(CLASSIFICATION(y, sr), N_FRAMES, EXCERPT_HOP))[:, 0]))
    return CLASSES[int(p >= 0.5)], p


def classify_file(path, network="music_speech_cnn", model=None):
    """Classify an audio file as music or speech (what ``mirlib music-speech`` prints).

    Parameters
    ----------
    path : str or Path
        Any audio file that librosa can read; it is resampled to 22.05 kHz mono.
    network : mirlib.nn.ShippedModel or str
        :data:`MUSIC_SPEECH_CNN` (or a variant of it), or its name.
    model : keras.Model or None
        Other weights; default the shipped ones.

    Returns
    -------
    label : str
    p_music : float

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If it cannot be decoded as audio, or is empty or silent.
    """
    signal, sr = _audio.load(path, sr=SR)
    return classify(signal, sr, network=network, model=model)


# the tests on other sources use classify() above
from .sources import cross_source_recordings, cross_source_test, held_out_scores  # noqa: E402
