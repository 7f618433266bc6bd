"""Music/speech discrimination with a small CNN (tutorial Example 2).

The processing chain, at 22.05 kHz and 43 frames per second::

    audio -> log-mel spectrogram (40 bands) -> excerpts of 80 frames (1.9 s)
      -> CNN (Lidy, MIREX 2015) -> P(music) per excerpt -> mean over the file

The data are real recordings: librosa's musical examples (music) and its
LibriSpeech clips (speech). Evaluation always splits **by recording**: the
excerpts of one recording are never in both the training and the test set, or
the network could recognise the recording instead of the class
(:func:`leave_one_recording_out`). The trained reference model ships with
mirlib; :func:`train` reproduces it (``mirlib train music-speech``) and
:func:`classify_file` is what ``mirlib music-speech`` runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import audio as _audio
from . import data, styles

__all__ = ["RECORDINGS", "CLASSES", "N_FRAMES", "EXCERPT_HOP", "SR", "excerpts", "Corpus", "load_corpora",
           "build", "train", "save_weights", "load_model", "leave_one_recording_out", "classify", "classify_file"]

#: librosa example -> class (0 = speech, 1 = music).
RECORDINGS = {
    "brahms": 1, "choice": 1, "fishin": 1, "nutcracker": 1, "pistachio": 1, "sweetwaltz": 1, "trumpet": 1,
    "vibeace": 1, "libri1": 0, "libri2": 0, "libri3": 0,
}
#: Class names in index order.
CLASSES = ("speech", "music")
#: Sample rate in Hz.
SR = styles.SR
#: Frames per excerpt (80 frames at 43 fps: 1.86 s), as in Lidy's model.
N_FRAMES = 80
#: Hop between excerpts in frames (50 % overlap).
EXCERPT_HOP = 40
#: Training recipe of the shipped model: music excerpts every 40 frames, speech
#: (the minority class) every 20 frames and also pitch-shifted by these
#: semitones (other "speakers"), 10 epochs of Adam with balanced class weights.
RECIPE = dict(epochs=10, batch_size=32, learning_rate=1e-3, seed=0, music_hop=40, speech_hop=20,
              pitch_shifts=(-4, -2, 2, 4))


def excerpts(S, n_frames=N_FRAMES, hop=EXCERPT_HOP):
    """Cut a spectrogram into overlapping excerpts, padding short input with silence.

    Parameters
    ----------
    S : np.ndarray, shape ``(n_frames_total, n_bands)``
        Log-mel spectrogram, time first.
    n_frames : int
        Frames per excerpt.
    hop : int
        Frames between excerpt starts.

    Returns
    -------
    np.ndarray, shape ``(n_excerpts, n_frames, n_bands)``
        At least one excerpt; a spectrogram shorter than ``n_frames`` is padded
        with zeros (log-mel of silence) at the end.

    Raises
    ------
    ValueError
        For an empty spectrogram or a non-positive size.

    Examples
    --------
    >>> excerpts(np.ones((200, 40))).shape
    (4, 80, 40)
    >>> excerpts(np.ones((30, 40))).shape
    (1, 80, 40)
    """
    S = np.asarray(S, dtype=np.float32)
    if S.ndim != 2 or len(S) == 0:
        raise ValueError(f"expected a spectrogram of shape (n_frames, n_bands), got {S.shape}")
    if n_frames < 1 or hop < 1:
        raise ValueError(f"n_frames and hop must be positive, got {n_frames} and {hop}")
    if len(S) < n_frames:
        S = np.pad(S, ((0, n_frames - len(S)), (0, 0)))
    starts = range(0, len(S) - n_frames + 1, hop)
    return np.stack([S[s:s + n_frames] for s in starts])


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
    from . import augment

    recordings = RECORDINGS if recordings is None else recordings
    test, training = [], []
    for name, label in recordings.items():
        if label not in (0, 1):
            raise ValueError(f"class of {name!r} must be 0 (speech) or 1 (music), got {label!r}")
        signal, _ = _audio.load(data.example(name), sr=SR)
        S = styles.log_mel(signal, SR)
        test.append((name, label, excerpts(S), False))
        hop = RECIPE["speech_hop"] if label == 0 else RECIPE["music_hop"]
        training.append((name, label, excerpts(S, hop=hop), False))
        if label == 0:
            training += [(name, label, excerpts(styles.log_mel(augment.pitch_shift(signal, SR, s), SR), hop=hop), True)
                         for s in RECIPE["pitch_shifts"]]
    return _corpus(test), _corpus(training)


def _corpus(parts):
    return Corpus(np.concatenate([E for _, _, E, _ in parts]),
                  np.concatenate([np.full(len(E), label) for _, label, E, _ in parts]),
                  np.concatenate([np.full(len(E), name) for name, _, E, _ in parts]),
                  np.concatenate([np.full(len(E), augmented) for _, _, E, augmented in parts]))


def build(X_train=None):
    """The music/speech CNN (:func:`mirlib.models.music_speech_cnn`), normalised with ``X_train``'s statistics.

    Parameters
    ----------
    X_train : np.ndarray, shape ``(n_excerpts, 80, 40)``, or None
        Training excerpts for the per-band normalisation; None builds the
        layer unadapted (weights are loaded afterwards).

    Returns
    -------
    keras.Model
    """
    from . import learn, models
    from ._compat import import_keras

    if X_train is None:
        norm = import_keras().layers.Normalization(axis=-1, name="normalization")
        norm.build((None, N_FRAMES, styles.N_BANDS))
    else:
        norm = learn.normalization(models.center_excerpts(X_train))
    return models.music_speech_cnn(N_FRAMES, styles.N_BANDS, normalization=norm)


def train(corpus, epochs=None, seed=None, class_weight="balanced", verbose=0, log_dir=None):
    """Train the music/speech CNN on a corpus.

    With the defaults (``RECIPE``) on the training corpus of :func:`load_corpora` this reproduces the
    shipped weights. Class imbalance (librosa has much more music than speech)
    is handled by weighting each class's excerpts inversely to its count.

    Parameters
    ----------
    corpus : Corpus
        Training excerpts.
    epochs : int or None
        Passes over the data.
    seed : int or None
        Seed of initialisation and batch order.
    class_weight : "balanced" or dict or None
        Per-class loss weights.
    verbose : int
        Keras verbosity.
    log_dir : str or None
        Write TensorBoard logs there.

    Returns
    -------
    model : keras.Model
    history : dict
        As returned by :func:`mirlib.learn.fit`.

    Raises
    ------
    ValueError
        If the corpus lacks one of the two classes.
    """
    from . import learn
    from ._compat import import_keras

    if len(np.unique(corpus.y)) != 2:
        raise ValueError("the training corpus must contain both music and speech excerpts")
    weights = learn.balanced_class_weight(corpus.y) if class_weight == "balanced" else class_weight
    seed = RECIPE["seed"] if seed is None else seed
    import_keras().utils.set_random_seed(seed)   # before building: initial weights depend on it
    model = build(corpus.X)
    history = learn.fit(model, corpus.X, corpus.y, epochs=RECIPE["epochs"] if epochs is None else epochs,
                        batch_size=RECIPE["batch_size"], learning_rate=RECIPE["learning_rate"],
                        class_weight=weights, seed=seed, verbose=verbose,
                        log_dir=log_dir)
    return model, history


def save_weights(model, path):
    """Save a model's weights with its normalisation statistics, without optimiser state.

    Parameters
    ----------
    model : keras.Model
        A trained music/speech CNN (compiled or not).
    path : str or Path
        File to write; must end in ``.weights.h5``.

    Raises
    ------
    ValueError
        If ``path`` does not end in ``.weights.h5`` (see :func:`mirlib.models.save_weights`).
    """
    from . import models

    models.save_weights(model, path)


def load_model(path=None):
    """The trained reference music/speech CNN, from the weights shipped with mirlib.

    Parameters
    ----------
    path : str or None
        Other weights to load (e.g. written by ``mirlib train music-speech``).

    Returns
    -------
    keras.Model

    Raises
    ------
    FileNotFoundError
        If the weights file does not exist.
    """
    from pathlib import Path

    from . import models

    path = models.weights_path("music_speech_cnn") if path is None else Path(path)
    if not Path(path).is_file():
        raise FileNotFoundError(f"no weights file {path}")
    model = build()
    model.load_weights(str(path))
    return model


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

    from . import learn

    test_corpus = corpus.where(~corpus.augmented) if test_corpus is None else test_corpus
    rows = []
    for name in (dict.fromkeys(corpus.recording) if recordings is None else recordings):
        if name not in set(corpus.recording):
            raise ValueError(f"no recording {name!r} in the corpus")
        model, _ = train(corpus.where(corpus.recording != name), epochs=epochs, seed=seed,
                         class_weight=class_weight)
        test = test_corpus.recording == name
        p = learn.predict(model, test_corpus.X[test])[:, 0]
        rows.append(pd.DataFrame({"recording": name, "true": test_corpus.y[test],
                                  "predicted": (p >= 0.5).astype(int), "p_music": p}))
    return pd.concat(rows, ignore_index=True)


def classify(model, y, sr):
    """Classify a signal as music or speech.

    Parameters
    ----------
    model : keras.Model
        A music/speech CNN (e.g. :func:`load_model`).
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Sample rate in Hz; must be 22050 (:func:`mirlib.audio.load` resamples).

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
    from . import learn

    _audio.check_signal(y, sr, name="signal", allow_silence=False)
    p = float(np.mean(learn.predict(model, excerpts(styles.log_mel(y, sr)))[:, 0]))
    return CLASSES[int(p >= 0.5)], p


def classify_file(path, model=None):
    """Classify an audio file as music or speech (what ``mirlib music-speech`` prints).

    Parameters
    ----------
    path : str or Path
        Any audio file that librosa can read; it is resampled to 22.05 kHz mono.
    model : keras.Model or None
        Default: the shipped reference model.

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
    model = load_model() if model is None else model
    signal, sr = _audio.load(path, sr=SR)
    return classify(model, signal, sr)
