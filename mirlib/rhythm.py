"""Onset detection, beat tracking and tempo estimation with neural networks.

A processing chain in the manner of madmom :cite:p:`boeck2016madmom`, with an
explicit frame rate at every step::

    audio (44.1 kHz) -> multi-resolution log-mel spectrogram (100 fps)
      -> network -> activation function (100 fps) -> peak picking or DBN -> times (s)

* onsets: the CNN of Schlüter & Böck :cite:p:`schlueter2014improved`
  (:func:`mirlib.models.onset_cnn`) or a BLSTM (:func:`mirlib.models.onset_rnn`);
* beats: the BLSTM of Böck & Schedl :cite:p:`boeck2011enhanced`
  (:func:`mirlib.models.beat_blstm`), then peak picking or madmom's dynamic
  Bayesian network :cite:p:`krebs2015efficient`;
* tempo: comb filters on the beat activation :cite:p:`boeck2015accurate`.

The networks are trained on loops rendered by :mod:`mirlib.synth` with exact
annotations (:func:`random_rendering`); :func:`train` reproduces the weights that
ship with mirlib, and ``mirlib train onsets`` / ``mirlib train beats`` call it.
madmom's pretrained models and librosa's classic methods are wrapped as
references (:func:`madmom_onsets`, :func:`librosa_beats`, ...).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from . import features, synth
from ._compat import import_madmom
from .audio import check_signal
from .onsets import check_activation, pick_peaks

__all__ = [
    "SR", "HOP_SIZE", "FPS", "FRAME_SIZES", "N_BANDS", "TASKS",
    "spectrogram_stack", "rnn_features", "event_targets", "random_rendering", "reference_onsets", "Example", "make_examples",
    "train", "load_model", "save_weights", "activation",
    "detect_onsets", "track_beats", "estimate_tempo", "beats_from_activation", "tempo_from_activation",
    "madmom_onsets", "madmom_beat_activation", "madmom_beats", "madmom_tempo",
    "librosa_onsets", "librosa_beats", "librosa_tempo",
    "Piece", "held_out_pieces", "compare",
]

#: Sample rate in Hz of every signal the networks see (as in madmom).
SR = 44100
#: Hop size in samples: 441 samples at 44.1 kHz give 100 frames per second.
HOP_SIZE = 441
#: Frame rate of features and activation functions, frames per second.
FPS = SR / HOP_SIZE
#: Frame sizes in samples of the stacked spectrograms (23, 46 and 93 ms).
FRAME_SIZES = (1024, 2048, 4096)
#: Mel bands per spectrogram.
N_BANDS = 80

#: The trainable models: task name -> (builder, input kind, annotation, defaults).
TASKS = {
    "onsets": dict(model="onset_cnn", inputs="stack", events="onsets",
                   n_train=120, epochs=20, seed=0, length=6.0),
    "onsets_rnn": dict(model="onset_rnn", inputs="flat", events="onsets",
                       n_train=120, epochs=20, seed=0, length=6.0),
    "beats": dict(model="beat_blstm", inputs="flat", events="beats",
                  n_train=120, epochs=20, seed=0, length=10.0),
}

# Post-processing defaults, tuned once on generated validation loops (seeds
# 20000+) and kept fixed for every evaluation in the book.
ONSET_PEAKS = dict(threshold=0.4, pre_max=0.01, post_max=0.01, combine=0.03)
BEAT_PEAKS = dict(threshold=0.3, pre_max=0.15, post_max=0.15, combine=0.2)
BPM_RANGE = (55.0, 215.0)


# ---------------------------------------------------------------------------
# Features and targets
# ---------------------------------------------------------------------------

def _resampled(y, sr):
    """Check a mono signal and resample it to :data:`SR` if needed."""
    import librosa

    y = check_signal(y, sr, mono=True)
    if sr != SR:
        y = librosa.resample(y, orig_sr=sr, target_sr=SR)
    return y


def spectrogram_stack(y, sr, frame_sizes=FRAME_SIZES, n_bands=N_BANDS):
    """Log-mel spectrograms of several frame sizes, stacked as channels.

    Short frames resolve the time of an onset, long frames the frequencies of
    the notes; the networks get all three, as in :cite:p:`schlueter2014improved`
    and :cite:p:`boeck2011enhanced`. The signal is resampled to 44.1 kHz; hop
    size 441 samples, i.e. 100 frames per second, frame ``n`` centred at
    ``n / 100`` s; 80 mel bands from 27.5 Hz to 16 kHz; ``log10(1 + x)``.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz.
    frame_sizes : tuple of int
        Frame sizes in samples at 44.1 kHz.
    n_bands : int
        Mel bands.

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames, n_bands, len(frame_sizes))``

    Raises
    ------
    ValueError
        For an empty, silent-safe but NaN, or multi-channel signal, or a bad
        sample rate.

    Examples
    --------
    >>> spectrogram_stack(np.zeros(44100), 44100).shape
    (101, 80, 3)
    """
    y = _resampled(y, sr)
    specs = [features.log_mel_spectrogram(y, SR, frame_size=n, hop_size=HOP_SIZE, n_mels=n_bands,
                                          fmin=27.5, fmax=16000.0) for n in frame_sizes]
    return np.stack(specs, axis=-1)


def rnn_features(stack):
    """Flatten a spectrogram stack and append its positive first-order difference.

    The input of Böck's recurrent onset and beat networks
    :cite:p:`boeck2012online,boeck2011enhanced`.

    Parameters
    ----------
    stack : np.ndarray, shape ``(n_frames, n_bands, n_channels)``
        From :func:`spectrogram_stack`.

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames, 2 * n_bands * n_channels)``

    Raises
    ------
    ValueError
        If ``stack`` is not three-dimensional.

    Examples
    --------
    >>> rnn_features(np.zeros((10, 80, 3))).shape
    (10, 480)
    """
    stack = np.asarray(stack, dtype=np.float32)
    if stack.ndim != 3:
        raise ValueError(f"spectrogram stack must have shape (n_frames, n_bands, n_channels), got {stack.shape}")
    flat = stack.reshape(len(stack), -1)
    diff = np.maximum(np.diff(flat, axis=0, prepend=flat[:1]), 0.0)
    return np.concatenate([flat, diff], axis=1)


def event_targets(times, n_frames, fps=FPS, neighbour=0.5):
    """Frame-wise training targets for events (onsets or beats).

    The frame nearest each event gets 1; its two neighbours get ``neighbour``
    (a widened target makes training less sensitive to annotation offsets of
    half a frame, as in :cite:p:`schlueter2014improved`).

    Parameters
    ----------
    times : array_like, shape ``(n_events,)``
        Event times in seconds.
    n_frames : int
        Length of the target.
    fps : float
        Frame rate in frames per second.
    neighbour : float
        Target value of the adjacent frames (0: a single frame per event).

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames,)``

    Examples
    --------
    >>> event_targets([0.05, 0.1], 15, fps=100)
    array([0. , 0. , 0. , 0. , 0.5, 1. , 0.5, 0. , 0. , 0.5, 1. , 0.5, 0. ,
           0. , 0. ], dtype=float32)
    """
    target = np.zeros(n_frames, dtype=np.float32)
    frames = np.round(np.asarray(times, dtype=float) * fps).astype(int)
    frames = frames[(frames >= 0) & (frames < n_frames)]
    for offset in (-1, 1):
        near = np.clip(frames + offset, 0, n_frames - 1)
        target[near] = np.maximum(target[near], neighbour)
    target[frames] = 1.0
    return target


# ---------------------------------------------------------------------------
# Generated data
# ---------------------------------------------------------------------------

def random_rendering(seed, length=8.0, sr=SR):
    """A generated loop with random tempo, metre, swing, voices and loudness.

    The parameters are drawn from the seed: tempo log-uniform 60 to 190 bpm,
    in a quarter of the loops changing by up to ±15 %; 3/4 metre in 30 %; swing
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
    mirlib.synth.Rendering
    """
    rng = np.random.default_rng(seed)
    tempo = float(np.exp(rng.uniform(np.log(60), np.log(190))))
    end_tempo = tempo * rng.uniform(0.85, 1.15) if rng.random() < 0.25 else None
    metre = 3 if rng.random() < 0.3 else 4
    swing = float(rng.uniform(0.2, 1.0)) if rng.random() < 0.3 else 0.0
    voices = rng.random(3) < 0.8
    if not voices.any():
        voices[rng.integers(3)] = True
    lead_in = float(rng.uniform(0.05, 1.0))
    n_bars = max(1, int(round((length - lead_in) * tempo / 60.0 / metre)))
    return synth.render_loop(rng, tempo=tempo, end_tempo=end_tempo, metre=metre, n_bars=n_bars, swing=swing,
                             sr=sr, drums=bool(voices[0]), bass=bool(voices[1]), chords=bool(voices[2]),
                             humanise=float(rng.uniform(0, 0.01)), lead_in=lead_in,
                             peak=float(rng.uniform(0.1, 0.9)))


def reference_onsets(rendering, combine=0.03):
    """Annotated onsets of a rendering as an onset detector should report them.

    Notes played together (a kick drum and a bass note on the same beat) are
    separate onsets in :class:`mirlib.synth.Rendering`, a few milliseconds
    apart when the timing is humanised. As in the onset datasets of Böck et
    al. :cite:p:`boeck2012evaluating`, onsets closer than ``combine`` seconds
    count as one, at the time of the first.

    Parameters
    ----------
    rendering : mirlib.synth.Rendering
    combine : float
        Onsets closer than this many seconds are merged.

    Returns
    -------
    np.ndarray, shape ``(n_onsets,)``
        Onset times in seconds.
    """
    madmom = import_madmom()
    onsets = np.asarray(rendering.onsets, dtype=float)
    if len(onsets) < 2:
        return onsets
    return np.asarray(madmom.utils.combine_events(onsets, combine, combine="left"), dtype=float)


@dataclass
class Example:
    """One generated loop with features and targets at :data:`FPS`.

    Attributes
    ----------
    rendering : mirlib.synth.Rendering
    stack : np.ndarray, shape ``(n_frames, N_BANDS, 3)``
    onset_target, beat_target : np.ndarray, shape ``(n_frames,)``
    """

    rendering: synth.Rendering
    stack: np.ndarray
    onset_target: np.ndarray = field(repr=False)
    beat_target: np.ndarray = field(repr=False)

    def inputs(self, kind):
        return self.stack if kind == "stack" else rnn_features(self.stack)

    def target(self, events):
        return self.onset_target if events == "onsets" else self.beat_target


def make_examples(seeds, length=8.0):
    """Render loops and compute their features and targets.

    Parameters
    ----------
    seeds : iterable of int
        One loop per seed (see :func:`random_rendering`). The book trains on
        seeds from 0, tunes post-processing on seeds from 20000 and tests on
        seeds from 10000.
    length : float
        Approximate length of each loop in seconds.

    Returns
    -------
    list of Example
    """
    out = []
    for seed in seeds:
        r = random_rendering(int(seed), length=length)
        stack = spectrogram_stack(r.audio, r.sr)
        n = len(stack)
        out.append(Example(r, stack, event_targets(reference_onsets(r), n), event_targets(r.beats, n)))
    return out


def _batch(examples, xs, events):
    """Pad the examples' inputs ``xs`` to equal length: inputs, targets and sample weights (0 on padding)."""
    n = max(len(x) for x in xs)
    X = np.zeros((len(xs), n) + xs[0].shape[1:], dtype=np.float32)
    Y = np.zeros((len(xs), n, 1), dtype=np.float32)
    W = np.zeros((len(xs), n), dtype=np.float32)
    for i, (x, e) in enumerate(zip(xs, examples)):
        X[i, :len(x)] = x
        Y[i, :len(x), 0] = e.target(events)
        W[i, :len(x)] = 1.0
    return X, Y, W


# ---------------------------------------------------------------------------
# Models: build, train, load
# ---------------------------------------------------------------------------

def _build(task, normalization=None):
    from . import models

    spec = TASKS[task]
    if spec["model"] == "onset_cnn":
        return models.onset_cnn(N_BANDS, len(FRAME_SIZES), normalization=normalization)
    n_features = 2 * N_BANDS * len(FRAME_SIZES)
    if spec["model"] == "onset_rnn":
        return models.onset_rnn(n_features, normalization=normalization)
    return models.beat_blstm(n_features, normalization=normalization)


def _normalization(task, examples=None, inputs=None):
    """An input Normalization layer, adapted on the frames of ``inputs`` (or of the examples) if given."""
    from ._compat import import_keras

    keras = import_keras()
    kind = TASKS[task]["inputs"]
    axis = (-2, -1) if kind == "stack" else -1
    layer = keras.layers.Normalization(axis=axis, name="normalization")
    if inputs is None and examples is not None:
        inputs = [e.inputs(kind) for e in examples]
    if inputs is not None:
        layer.adapt(np.concatenate(inputs)[None])
    return layer


def train(task, n_train=None, epochs=None, seed=None, length=None, examples=None, verbose=0):
    """Train a rhythm network on generated loops.

    With the defaults of :data:`TASKS` this reproduces the weights that ship
    with mirlib (``mirlib train onsets`` / ``mirlib train beats``). Training
    minimises binary cross-entropy with Adam on whole loops, padding masked.

    Parameters
    ----------
    task : {"onsets", "onsets_rnn", "beats"}
        Which network: the onset CNN, the onset BLSTM or the beat BLSTM.
    n_train : int or None
        Number of generated training loops (seeds ``0 .. n_train - 1``).
    epochs : int or None
        Passes over the training loops.
    seed : int or None
        Seed of weight initialisation and batch order.
    length : float or None
        Approximate loop length in seconds.
    examples : list of Example or None
        Training examples to use instead of rendering ``n_train`` loops.
    verbose : int
        Keras verbosity.

    Returns
    -------
    model : keras.Model
        The trained network, with its input normalisation.
    history : dict
        ``"loss"`` per epoch and ``"seconds"`` of training.

    Raises
    ------
    ValueError
        For an unknown task.
    """
    from ._compat import import_keras

    keras = import_keras()
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; choose one of {sorted(TASKS)}")
    spec = TASKS[task]
    n_train = spec["n_train"] if n_train is None else n_train
    epochs = spec["epochs"] if epochs is None else epochs
    seed = spec["seed"] if seed is None else seed
    length = spec["length"] if length is None else length
    if examples is None:
        examples = make_examples(range(n_train), length=length)
    xs = [e.inputs(spec["inputs"]) for e in examples]   # computed once, for normalisation and batches
    keras.utils.set_random_seed(seed)
    model = _build(task, _normalization(task, inputs=xs))
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    X, Y, W = _batch(examples, xs, spec["events"])
    start = time.perf_counter()
    hist = model.fit(X, Y, sample_weight=W, batch_size=8, epochs=epochs, shuffle=True, verbose=verbose)
    return model, {"loss": hist.history["loss"], "seconds": time.perf_counter() - start}


def load_model(task, path=None):
    """The trained reference network of a task, with weights shipped in mirlib.

    Parameters
    ----------
    task : {"onsets", "onsets_rnn", "beats"}
    path : str or pathlib.Path or None
        Weights file (``.weights.h5``) to load instead of the shipped one.

    Returns
    -------
    keras.Model

    Raises
    ------
    ValueError
        For an unknown task.
    FileNotFoundError
        If the weights file does not exist.
    """
    from . import models

    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; choose one of {sorted(TASKS)}")
    path = models.weights_path(TASKS[task]["model"]) if path is None else path
    norm = _normalization(task)
    model = _build(task, norm)
    model.load_weights(path)
    norm.finalize_state()
    return model


def save_weights(model, path):
    """Save a rhythm network's weights without the optimiser's state (:func:`mirlib.models.save_weights`).

    Parameters
    ----------
    model : keras.Model
        A network from :func:`train` or :func:`load_model`.
    path : str or pathlib.Path
        File to write; must end in ``.weights.h5``.

    Raises
    ------
    ValueError
        If ``path`` does not end in ``.weights.h5``.
    """
    from . import models

    models.save_weights(model, path)


_MODELS = {}


def _model(task, model):
    if model is not None:
        return model
    if task not in _MODELS:
        _MODELS[task] = load_model(task)
    return _MODELS[task]


def activation(y, sr, task="onsets", model=None):
    """Frame-wise activation function of a rhythm network.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Sample rate in Hz (resampled to 44.1 kHz).
    task : {"onsets", "onsets_rnn", "beats"}
        Which shipped network to use (ignored if ``model`` is given, except to
        choose its input features).
    model : keras.Model or None
        A network trained by :func:`train`.

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames,)``
        Probabilities at :data:`FPS` frames per second.

    Raises
    ------
    ValueError
        For an empty, NaN or multi-channel signal or a bad sample rate.
    FileNotFoundError
        If no model is given and the shipped weights are missing.
    """
    stack = spectrogram_stack(y, sr)
    x = stack if TASKS[task]["inputs"] == "stack" else rnn_features(stack)
    # Pad with silence (zero features) to a multiple of 256 frames, so that
    # JAX compiles the network for a few input lengths instead of every one.
    n = len(x)
    padded = np.zeros((-(-n // 256) * 256,) + x.shape[1:], dtype=np.float32)
    padded[:n] = x
    out = _model(task, model).predict(padded[None], verbose=0)
    return np.asarray(out[0, :n, 0], dtype=np.float32)


def detect_onsets(y, sr, model=None, task="onsets", **peaks):
    """Onset times in seconds from the onset network and peak picking.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
    sr : int
    model : keras.Model or None
        Network; default the shipped CNN (``task="onsets"``) or BLSTM
        (``task="onsets_rnn"``).
    **peaks
        Peak-picking parameters overriding ``ONSET_PEAKS`` (see
        :func:`mirlib.onsets.pick_peaks`).

    Returns
    -------
    np.ndarray, shape ``(n_onsets,)``
        Onset times in seconds.

    Raises
    ------
    ValueError
        For a bad signal (see :func:`activation`) or bad peak-picking values.
    """
    act = activation(y, sr, task, model)
    return pick_peaks(act, FPS, **{**ONSET_PEAKS, **peaks})


def beats_from_activation(act, fps=FPS, method="dbn", bpm_range=BPM_RANGE):
    """Beat times from a beat activation function.

    Parameters
    ----------
    act : array_like, shape ``(n_frames,)``
    fps : float
        Frame rate in frames per second.
    method : {"dbn", "peaks"}
        madmom's dynamic Bayesian network :cite:p:`krebs2015efficient` (jointly
        infers tempo and beat phase, so beats stay regular) or plain peak
        picking (``BEAT_PEAKS``).
    bpm_range : tuple of float
        Tempo range of the DBN in bpm.

    Returns
    -------
    np.ndarray, shape ``(n_beats,)``
        Beat times in seconds.

    Raises
    ------
    ValueError
        For a bad activation (see :func:`mirlib.onsets.check_activation`) or an
        unknown method.
    """
    act = check_activation(act, fps)
    if method == "peaks":
        return pick_peaks(act, fps, **BEAT_PEAKS)
    if method != "dbn":
        raise ValueError(f"method must be 'dbn' or 'peaks', got {method!r}")
    madmom = import_madmom()
    dbn = madmom.features.beats.DBNBeatTrackingProcessor(min_bpm=bpm_range[0], max_bpm=bpm_range[1], fps=fps)
    return np.asarray(dbn(act.astype(np.float32)), dtype=float)


def tempo_from_activation(act, fps=FPS, bpm_range=(40.0, 250.0)):
    """Dominant tempo in bpm from a beat activation with resonating comb filters.

    madmom's :class:`~madmom.features.tempo.TempoEstimationProcessor`
    :cite:p:`boeck2015accurate`: the smoothed activation is fed through a bank
    of comb filters, one per beat period; the period whose filter resonates
    most, summed over time, gives the tempo.

    Parameters
    ----------
    act : array_like, shape ``(n_frames,)``
        Beat activation function.
    fps : float
        Its frame rate in frames per second.
    bpm_range : tuple of float
        Lowest and highest tempo considered, in bpm.

    Returns
    -------
    float
        Tempo in beats per minute.

    Raises
    ------
    ValueError
        For a bad activation or one without periodicity.
    """
    act = check_activation(act, fps)
    madmom = import_madmom()
    proc = madmom.features.tempo.TempoEstimationProcessor(method="comb", min_bpm=bpm_range[0],
                                                          max_bpm=bpm_range[1], fps=fps)
    tempi = proc(act.astype(np.float32))
    if len(tempi) == 0:
        raise ValueError("no tempo found: the beat activation has no periodicity")
    return float(tempi[0][0])


def track_beats(y, sr, model=None, method="dbn"):
    """Beat times in seconds from the BLSTM beat network.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
    sr : int
    model : keras.Model or None
        Network; default the shipped :func:`~mirlib.models.beat_blstm`.
    method : {"dbn", "peaks"}
        Post-processing (see :func:`beats_from_activation`).

    Returns
    -------
    np.ndarray, shape ``(n_beats,)``
        Beat times in seconds.

    Raises
    ------
    ValueError
        For a bad signal (see :func:`activation`) or an unknown method.
    """
    return beats_from_activation(activation(y, sr, "beats", model), FPS, method)


def estimate_tempo(y, sr, model=None):
    """Tempo in bpm from the BLSTM beat activation and comb filters.

    :func:`activation` of the beat network :cite:p:`boeck2011enhanced`, then
    :func:`tempo_from_activation` :cite:p:`boeck2015accurate`.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Sample rate in Hz (resampled to 44.1 kHz).
    model : keras.Model or None
        Beat network; default the shipped :func:`~mirlib.models.beat_blstm`.

    Returns
    -------
    float
        Tempo in beats per minute.

    Raises
    ------
    ValueError
        For an empty, NaN or multi-channel signal, or an activation without
        periodicity.
    """
    return tempo_from_activation(activation(y, sr, "beats", model), FPS)


# ---------------------------------------------------------------------------
# References: madmom's pretrained networks and librosa
# ---------------------------------------------------------------------------

def _madmom_signal(y, sr):
    madmom = import_madmom()
    return madmom.audio.signal.Signal(_resampled(y, sr), sample_rate=SR, num_channels=1)


def madmom_onsets(y, sr, model="cnn"):
    """Onsets from madmom's pretrained CNN (Schlüter & Böck) or BLSTM (Eyben et al.).

    Uses madmom's own peak-picking settings for each model
    :cite:p:`schlueter2014improved,eyben2010universal,boeck2016madmom`:
    ``model="cnn"`` or ``"rnn"`` (otherwise ValueError).

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Sample rate in Hz.

    Returns
    -------
    np.ndarray, shape ``(n_onsets,)``
        Onset times in seconds.

    Raises
    ------
    ValueError
        For an empty, NaN or multi-channel signal or a bad sample rate.
    """
    madmom = import_madmom()
    sig = _madmom_signal(y, sr)
    if model == "cnn":
        act = madmom.features.onsets.CNNOnsetProcessor()(sig)
        peaks = dict(threshold=0.54, smooth=0.05)
    elif model == "rnn":
        act = madmom.features.onsets.RNNOnsetProcessor()(sig)
        peaks = dict(threshold=0.35, smooth=0.07)
    else:
        raise ValueError(f"model must be 'cnn' or 'rnn', got {model!r}")
    return pick_peaks(act, 100.0, combine=0.03, **peaks)


_MADMOM_ACTIVATIONS = {}


def madmom_beat_activation(y, sr):
    """Beat activation of madmom's pretrained ensemble of BLSTMs, shape ``(n_frames,)`` at 100 fps.

    The ensemble of eight networks is slow, so the activations of the last few
    signals are kept: :func:`madmom_beats` and :func:`madmom_tempo` on the same
    signal compute it once.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Sample rate in Hz.

    Raises
    ------
    ValueError
        For an empty, NaN or multi-channel signal or a bad sample rate.
    """
    import hashlib

    y = check_signal(y, sr, mono=True)
    key = (hashlib.sha1(np.ascontiguousarray(y).tobytes()).hexdigest(), sr)
    if key not in _MADMOM_ACTIVATIONS:
        madmom = import_madmom()
        act = madmom.features.beats.RNNBeatProcessor()(_madmom_signal(y, sr))
        if len(_MADMOM_ACTIVATIONS) >= 64:
            _MADMOM_ACTIVATIONS.pop(next(iter(_MADMOM_ACTIVATIONS)))
        _MADMOM_ACTIVATIONS[key] = np.asarray(act, dtype=np.float32)
    return _MADMOM_ACTIVATIONS[key]


def madmom_beats(y, sr):
    """Beats in seconds, shape ``(n_beats,)``, from madmom's pretrained RNNBeatProcessor and DBN.

    Ensemble of BLSTMs :cite:p:`boeck2014multi,boeck2016madmom` and the dynamic
    Bayesian network :cite:p:`krebs2015efficient` (:func:`beats_from_activation`).

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Sample rate in Hz.

    Raises
    ------
    ValueError
        For an empty, NaN or multi-channel signal or a bad sample rate.
    """
    return beats_from_activation(madmom_beat_activation(y, sr), 100.0, "dbn")


def madmom_tempo(y, sr):
    """Tempo in bpm from madmom's pretrained beat activation and comb filters :cite:p:`boeck2015accurate`.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Sample rate in Hz.

    Raises
    ------
    ValueError
        For an empty, NaN or multi-channel signal or a bad sample rate.
    """
    return tempo_from_activation(madmom_beat_activation(y, sr), 100.0)


def librosa_onsets(y, sr):
    """Onset times in seconds, shape ``(n_onsets,)``, from :func:`librosa.onset.onset_detect`.

    librosa's defaults: spectral flux on a log-mel spectrogram at ``sr / 512``
    frames per second and its own peak picking :cite:p:`mcfee2015librosa`.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Sample rate in Hz.

    Raises
    ------
    ValueError
        For an empty, NaN or multi-channel signal or a bad sample rate.
    """
    import librosa

    y = check_signal(y, sr, mono=True)
    return librosa.onset.onset_detect(y=y, sr=sr, units="time")


def librosa_beats(y, sr):
    """Beat times in seconds, shape ``(n_beats,)``, from :func:`librosa.beat.beat_track`.

    Ellis's dynamic programming :cite:p:`ellis2007beat`: one global tempo with
    a prior centred on 120 bpm, then beats at that tempo that fit the onset
    strength.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Sample rate in Hz.

    Raises
    ------
    ValueError
        For an empty, NaN or multi-channel signal or a bad sample rate.
    """
    import librosa

    y = check_signal(y, sr, mono=True)
    _, beats = librosa.beat.beat_track(y=y, sr=sr, units="time")
    return np.asarray(beats, dtype=float)


def librosa_tempo(y, sr):
    """Tempo in bpm from :func:`librosa.feature.tempo`.

    Autocorrelation of the onset strength weighted by a prior centred on
    120 bpm :cite:p:`ellis2007beat`.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Sample rate in Hz.

    Raises
    ------
    ValueError
        For an empty, NaN or multi-channel signal or a bad sample rate.
    """
    import librosa

    y = check_signal(y, sr, mono=True)
    return float(librosa.feature.tempo(y=y, sr=sr)[0])


# ---------------------------------------------------------------------------
# Comparisons for the results tables
# ---------------------------------------------------------------------------

@dataclass
class Piece:
    """An annotated recording for evaluation: audio and reference annotations in seconds."""

    name: str
    audio: np.ndarray = field(repr=False)
    sr: int
    onsets: np.ndarray = field(repr=False)
    beats: np.ndarray = field(repr=False)
    tempo: float


def held_out_pieces(n=20, length=8.0, first_seed=10000):
    """Generated test loops (seeds never used for training) as :class:`Piece` objects.

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


def compare(methods, pieces, task="onsets", windows=(0.05, 0.025)):
    """Mean scores of several methods over annotated pieces, as a table.

    Parameters
    ----------
    methods : dict
        Name -> ``f(y, sr)`` returning onset or beat times in seconds (or, for
        ``task="tempo"``, a tempo in bpm).
    pieces : list of Piece
    task : {"onsets", "beats", "tempo"}
        Onsets: F, P, R at the first window and F at the others (seconds).
        Beats: F (±70 ms), CMLt, AMLt. Tempo: Acc1, Acc2 (4 %).
    windows : tuple of float
        Onset tolerance windows in seconds.

    Returns
    -------
    pandas.DataFrame
        One row per method, one column per score (mean over pieces), and the
        seconds each method needed in total.

    Raises
    ------
    ValueError
        For an unknown task, or bad times returned by a method (see
        :mod:`mirlib.evaluation`).
    """
    import pandas as pd

    from . import evaluation

    rows = {}
    for name, method in methods.items():
        scores, start = [], time.perf_counter()
        for p in pieces:
            est = method(p.audio, p.sr)
            if task == "onsets":
                s = evaluation.onset_scores(p.onsets, est, window=windows[0])
                s = {f"F ±{windows[0] * 1000:.0f} ms": s["F"], "P": s["P"], "R": s["R"]}
                for w in windows[1:]:
                    s[f"F ±{w * 1000:.0f} ms"] = evaluation.onset_scores(p.onsets, est, window=w)["F"]
            elif task == "beats":
                s = evaluation.beat_scores(p.beats, est)
                s = {"F ±70 ms": s["F"], "CMLt": s["CMLt"], "AMLt": s["AMLt"]}
            elif task == "tempo":
                s = evaluation.tempo_scores(p.tempo, est)
            else:
                raise ValueError(f"task must be 'onsets', 'beats' or 'tempo', got {task!r}")
            scores.append(s)
        row = pd.DataFrame(scores).mean()
        row["seconds"] = time.perf_counter() - start
        rows[name] = row
    return pd.DataFrame(rows).T
