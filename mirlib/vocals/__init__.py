"""Instrumental or vocal: singing voice detection with a small CNN.

The processing chain, at 22.05 kHz and 43 frames per second::

    audio -> log-mel spectrogram (80 bands to 8 kHz, uncompressed log, 60 dB floor)
      -> excerpts of 80 frames (1.86 s) every 20 frames
      -> CNN (zero-mean first layer) -> P(voice) per excerpt
      -> share of excerpts with P >= 0.5 -> "vocal" or "instrumental"

Singing voice detection asks, for every moment of a song, whether a voice
sings :cite:p:`schlueter2015exploring,lehner2015low`; a recording is
*vocal* when enough of it is. No recording with annotated singing is free to
ship, so the networks learn from generated mixtures whose voices are real:

* **accompaniment**: band songs of sampled instruments
  (:func:`mirlib.synth.band.render_band_song`: bass, guitars, keys, strings,
  brass, lead lines, pads; drums on the Hydrogen kits), never with a voice part;
* **voices**: recorded human voices laid over the accompaniment from a random
  moment on, at -8 to +2 dB against it, through EQ, compression and a room
  as a mixing desk would treat a vocal: read speech (LibriSpeech), spoken
  digits of four FSDD speakers, and the sampled choir and voice sounds
  ("aahs", "oohs") of the SoundFont singing melodies;
* **real instrumental music**: 8-s windows of three of librosa's recordings
  (:data:`TRAIN_RECORDINGS`: string orchestra, ragtime piano, a waltz), so
  that "played by people" is no cue for the voice;
* **labels** from the voice itself: an excerpt is vocal when the voice sounds
  (within 20 dB of its loudest frame) in at least half of its frames,
  instrumental when it never does; those between are left out.

The held-out test (:func:`vocal_dataset` with ``split="test"``) draws other
songs, the Hydrogen test kits, the voices of FSDD's two other speakers and of
CMU Sphinx's recordings, and other SoundFont melodies. :func:`real_recordings`
are real songs and pieces whose vocal status is documented, with no
frame-level annotation: the MDB Drums mixes of MusicDelta Hendrix and Reggae
(a male singer, by MedleyDB's metadata), librosa's "Let's Go Fishin'" (sung),
and instrumental recordings (librosa's pieces not used in training and the
four MDB drum tracks).

Two networks share the recipe and differ in one thing: :data:`VOCAL_CNN`
keeps its first-layer filters at zero mean (level-invariant,
:cite:p:`schlueter2018zeromean`), :data:`VOCAL_CNN_PLAIN` does not.
"""

from __future__ import annotations

import numpy as np

from .. import audio as _audio
from .. import nn
from ..features.settings import VOCALS
from ..features.spectral import excerpts
from .mixtures import (EXCERPT_HOP, FLOOR_DB, N_FRAMES, N_TEST_SONGS, RECIPE, SR, TRAIN_RECORDINGS, Mixtures,
                       _resample, accompaniment, log_mel, mix_voice, vocal_dataset, voice_signals)

__all__ = ["SR", "N_FRAMES", "EXCERPT_HOP", "VOCAL_SHARE", "RECIPE", "N_TEST_SONGS", "TRAIN_RECORDINGS", "FLOOR_DB",
           "VOCAL_CNN", "VOCAL_CNN_PLAIN", "Mixtures", "voice_signals", "accompaniment", "log_mel", "mix_voice",
           "vocal_dataset", "train_on_mixtures", "held_out_scores", "held_out_table", "detect", "classify", "real_recordings",
           "real_recording_table", "gain_table"]

#: A recording is "vocal" when at least this share of its excerpts has P(voice) >= 0.5.
VOCAL_SHARE = 0.2


def train_on_mixtures(network, epochs, seed, verbose=0, log_dir=None, n_train=None, examples=None):
    """Train a singing voice detector by the recipe (the trainer of :data:`VOCAL_CNN` and :data:`VOCAL_CNN_PLAIN`).

    Parameters
    ----------
    network : mirlib.nn.ShippedModel
        :data:`VOCAL_CNN` or :data:`VOCAL_CNN_PLAIN`.
    epochs, seed, verbose, log_dir
        As in :func:`mirlib.nn.train`.
    n_train : int or None
        Accompaniment songs (``mirlib train --n-train``; default ``RECIPE["n_songs"]``).
    examples : Mixtures or None
        Training excerpts to use instead of generating them.

    Returns
    -------
    mirlib.nn.History
        With the trained network as ``.model`` and ``"n_excerpts"``.
    """
    data = vocal_dataset("train", n_songs=n_train) if examples is None else examples
    history = nn.train(lambda: network.untrained(data.X), data.X, data.y, epochs=epochs,
                       batch_size=RECIPE["batch_size"], learning_rate=RECIPE["learning_rate"],
                       class_weight=nn.balanced_class_weight(data.y), seed=seed, verbose=verbose, log_dir=log_dir)
    history["n_excerpts"] = len(data)
    return history


def held_out_scores(model=None, network="vocal_cnn", n=None, data=None):
    """Accuracy and ROC-AUC on held-out mixtures (unheard songs, kits and voices).

    Parameters
    ----------
    model : keras.Model or None
        Default: the shipped weights of ``network``.
    network : ShippedModel or str
    n : int or None
        Accompaniment songs of the test split.
    data : Mixtures or None
        Held-out excerpts to use instead of generating them.

    Returns
    -------
    dict
        ``"accuracy"``, ``"ROC-AUC"``, ``"n"`` (excerpts).
    """
    network = nn.resolve(network, VOCAL_CNN, VOCAL_CNN_PLAIN)
    model = network.cached() if model is None else model
    data = vocal_dataset("test", n_songs=n) if data is None else data
    return {**_scores(data.y, nn.predict(model, data.X)[:, 0]), "n": len(data)}


def _scores(truth, p):
    # accuracy at P = 0.5 and ROC-AUC of voice probabilities p against 0/1 labels
    from sklearn.metrics import roc_auc_score

    return {"accuracy": float(np.mean((p >= 0.5) == truth)), "ROC-AUC": float(roc_auc_score(truth, p))}


def held_out_table(data, networks=None):
    """Accuracy per kind of excerpt, and ROC-AUC, of each detector on held-out mixtures.

    Parameters
    ----------
    data : Mixtures
        Held-out excerpts (:func:`vocal_dataset` with ``split="test"``).
    networks : dict or None
        Column label -> network (ShippedModel or name); default both shipped
        detectors, labelled ``"zero-mean"`` and ``"plain"``.

    Returns
    -------
    pandas.DataFrame
        Rows ``"instrumental excerpts"``, ``"voiced: KIND"`` per kind of voice,
        ``"all excerpts"`` (accuracy at P = 0.5) and ``"ROC-AUC"``; one column
        ``"accuracy, LABEL"`` per network.
    """
    import pandas as pd

    networks = {"zero-mean": VOCAL_CNN, "plain": VOCAL_CNN_PLAIN} if networks is None else networks
    table = {}
    for label, network in networks.items():
        p = nn.predict(nn.resolve(network, VOCAL_CNN, VOCAL_CNN_PLAIN).cached(), data.X)[:, 0]
        right = (p >= 0.5) == data.y
        rows = {"instrumental excerpts": right[data.y == 0].mean()}
        rows |= {f"voiced: {kind}": right[(data.y == 1) & (data.source == kind)].mean()
                 for kind in sorted(set(data.source[data.y == 1]))}
        scores = _scores(data.y, p)
        rows |= {"all excerpts": scores["accuracy"], "ROC-AUC": scores["ROC-AUC"]}
        table[f"accuracy, {label}"] = rows
    return pd.DataFrame(table)


def detect(y, sr, network="vocal_cnn", model=None):
    """P(voice) along a recording, one value per excerpt.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Sample rate in Hz; must be 22050 (:func:`mirlib.audio.load` resamples).
    network : ShippedModel or str
        :data:`VOCAL_CNN` (default) or :data:`VOCAL_CNN_PLAIN`, or a name.
    model : keras.Model or None
        Other weights of the network.

    Returns
    -------
    times : np.ndarray, shape ``(n_excerpts,)``
        Centre of each excerpt in seconds.
    p : np.ndarray, shape ``(n_excerpts,)``
        Probability that a voice sounds there.

    Raises
    ------
    ValueError
        For an empty, silent or non-finite signal, another sample rate, or a
        recording shorter than one excerpt (1.86 s).
    """
    model = nn.resolve(network, VOCAL_CNN, VOCAL_CNN_PLAIN).runtime() if model is None else model
    p = nn.predict(model, _recording_excerpts(y, sr))[:, 0]
    times = (np.arange(len(p)) * EXCERPT_HOP + N_FRAMES / 2) / VOCALS.fps
    return times, p


def _recording_excerpts(y, sr):
    # the log-mel excerpts a detector classifies, after the checks detect documents
    _audio.check_signal(y, sr, name="signal", allow_silence=False)
    S = log_mel(y, sr)
    if len(S) < N_FRAMES:
        raise ValueError(f"the recording is {len(y) / sr:.2f} s long; singing voice detection needs at least one "
                         f"excerpt of {N_FRAMES / VOCALS.fps:.2f} s")
    return excerpts(S, N_FRAMES, EXCERPT_HOP)


def classify(y, sr, network="vocal_cnn", model=None):
    """Instrumental or vocal: is a voice found in at least :data:`VOCAL_SHARE` of the recording?

    Parameters
    ----------
    y, sr, network, model
        As in :func:`detect`.

    Returns
    -------
    label : str
        ``"vocal"`` or ``"instrumental"``.
    share : float
        Share of excerpts with P(voice) >= 0.5.

    Raises
    ------
    ValueError
        As :func:`detect`.
    """
    share = _voiced_share(detect(y, sr, network, model)[1])
    return _label(share), share


def _voiced_share(p):
    # share of excerpts with P(voice) >= 0.5: what classify and real_recording_table decide on
    return float(np.mean(p >= 0.5))


def _label(share):
    return "vocal" if share >= VOCAL_SHARE else "instrumental"


def real_recordings():
    """Real recordings whose vocal status is documented (no frame-level annotation).

    Returns
    -------
    list of (str, bool, str, np.ndarray)
        ``(name, vocal, source, signal at 22.05 kHz)``: the MDB Drums mixes of
        MusicDelta Hendrix and Reggae (vocal: a male singer, by MedleyDB's
        metadata), librosa's "Let's Go Fishin'" (vocal), librosa's seven
        instrumental pieces, and the four MDB Drums drum tracks (instrumental).

    Raises
    ------
    FileNotFoundError
        If a recording is neither here nor downloadable.
    """
    from ..data import mdb_drums
    from ..data.recordings import example

    out = [(t.name, True, "MDB Drums mix", _resample(t.audio, t.sr))
           for t in mdb_drums.load_tracks(("MusicDelta_Hendrix", "MusicDelta_Reggae"))]
    out.append(("fishin", True, "librosa", _audio.load(example("fishin"), sr=SR)[0]))
    out += [(n, False, "librosa", _audio.load(example(n), sr=SR)[0])
            for n in ("choice", "nutcracker", "trumpet", "vibeace")]
    out += [(f"{t.name} (drums)", False, "MDB Drums drum track", _resample(t.audio, t.sr))
            for t in mdb_drums.load_tracks(source="drums")]
    return out


def real_recording_table(networks=("vocal_cnn", "vocal_cnn_plain"), recordings=None):
    """Each real recording's share of voiced excerpts and its label, per network.

    Parameters
    ----------
    networks : sequence of ShippedModel or str
    recordings : list or None
        As returned by :func:`real_recordings` (default: those).

    Returns
    -------
    pandas.DataFrame
        One row per recording: ``recording``, ``source``, ``truth``, and per
        network ``share NAME`` and ``label NAME``.
    """
    import pandas as pd

    recordings = real_recordings() if recordings is None else recordings
    rows = []
    for name, vocal, source, y in recordings:
        row = {"recording": name, "source": source, "truth": "vocal" if vocal else "instrumental"}
        X = _recording_excerpts(y, SR)     # one log-mel for every network
        for network in networks:
            net = nn.resolve(network, VOCAL_CNN, VOCAL_CNN_PLAIN)
            share = _voiced_share(nn.predict(net.cached(), X)[:, 0])
            row[f"share {net.name}"] = round(share, 3)
            row[f"label {net.name}"] = _label(share)
        rows.append(row)
    return pd.DataFrame(rows)


def gain_table(data, gains_db=(-30, -20, -10, 0, 6), networks=("vocal_cnn", "vocal_cnn_plain")):
    """Accuracy on excerpts played louder or softer: the level (in)variance of each network.

    A gain of ``g`` dB adds ``g / 20`` to every value of :func:`log_mel`
    (its floor moves along), which is how the excerpts are changed here.

    Parameters
    ----------
    data : Mixtures
        Held-out excerpts.
    gains_db : sequence of float
        Gains in dB.
    networks : sequence of ShippedModel or str

    Returns
    -------
    pandas.DataFrame
        Index: gain in dB; columns: accuracy and mean P(voice) per network.
    """
    import pandas as pd

    rows = {}
    for g in gains_db:
        X = (data.X + np.float32(g / 20.0)).astype(np.float32)
        row = {}
        for network in networks:
            net = nn.resolve(network, VOCAL_CNN, VOCAL_CNN_PLAIN)
            p = nn.predict(net.cached(), X)[:, 0]
            row[f"accuracy {net.name}"] = float(np.mean((p >= 0.5) == data.y))
            row[f"mean P(voice) {net.name}"] = float(np.mean(p))
        rows[g] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "gain (dB)"
    return table


def _example():
    from ..data.recordings import example

    return _audio.load(example("fishin"), sr=SR, duration=60.0)


def _shipped(zero_mean):
    name = "vocal_cnn" if zero_mean else "vocal_cnn_plain"
    return nn.ShippedModel(
        name=name, task="singing voice", paper="schlueter2018zeromean" if zero_mean else "schlueter2015exploring",
        description=("singing voice CNN with zero-mean first-layer filters (level-invariant, Schlüter & Lehner "
                     "2018)" if zero_mean else "singing voice CNN with ordinary filters (the baseline of "
                     "vocal_cnn)") + ", 80-band log-mel excerpts of 80 frames, 43 fps",
        features=VOCALS, inputs="excerpts", outputs=("voice",),
        build=lambda norm: nn.vocal_cnn(N_FRAMES, VOCALS.n_bands, zero_mean=zero_mean, normalization=norm),
        normalization_axis=None, input_shape=(N_FRAMES, VOCALS.n_bands),
        trainer=train_on_mixtures, recipe=dict(epochs=RECIPE["epochs"], seed=RECIPE["seed"], n_train=None),
        aliases=("vocals",) if zero_mean else (),
        held_out=nn.HeldOut(lambda **kw: held_out_scores(**kw), "accuracy",
                            "excerpts of {n} unheard songs with unheard voices (FSDD's other speakers, CMU Sphinx, "
                            "other melodies) on the Hydrogen test kits", n=N_TEST_SONGS,
                            also=("ROC-AUC",)),
        example=_example)


#: The level-invariant singing voice detector (zero-mean first layer), what ``mirlib vocals`` runs.
VOCAL_CNN = _shipped(True)
#: The same network with ordinary first-layer filters, trained by the same recipe.
VOCAL_CNN_PLAIN = _shipped(False)
