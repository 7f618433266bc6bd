"""Onset detection: hand-made detection functions and the book's onset networks.

An onset detector has two stages :cite:p:`bello2005tutorial,boeck2012evaluating`:

1. an *onset detection function* (ODF) or *activation function*, one value per
   frame that is high where a note starts: spectral flux and SuperFlux
   (hand-made), or the output of a trained network;
2. *peak picking* (:func:`pick_peaks`), which turns it into onset times in seconds.

The networks' processing chain, in the manner of madmom's processors
:cite:p:`boeck2016madmom`, with the frame rate carried at every step::

    signal (any sample rate, checked once, resampled to 44.1 kHz)
      -> RHYTHM features: multi-resolution log-mel spectrogram, 100 fps
      -> network (ONSET_CNN or ONSET_RNN) -> Activations at 100 fps
      -> peak picking (ONSET_PEAKS) -> onset times in seconds

* :data:`ONSET_CNN`: the CNN of Schlüter & Böck :cite:p:`schlueter2014improved`;
* :data:`ONSET_RNN`: a BLSTM after Eyben et al. and Böck et al.
  :cite:p:`eyben2010universal,boeck2012online`.

Both are trained on loops rendered by :mod:`mirlib.synth` with exact
annotations (:func:`train_on_loops`); the CNN's training mix also holds
:data:`KIT_LOOPS` drum loops played on recorded kits (the four test kits are
never heard), so it holds up on real drums. ``mirlib train onset_cnn``
reproduces the shipped weights. madmom's and librosa's detectors are in :mod:`mirlib.references`.
"""

from __future__ import annotations

import numpy as np

from . import nn
from .audio import check_signal
from .features.activations import Activations, check_activation
from .features.postprocessing import pick_peaks
from .features.settings import RHYTHM
from .data.drumkits import TRAIN_KITS
from .synth.rhythm import make_examples

__all__ = ["spectral_flux", "superflux", "pick_peaks", "check_activation", "ONSET_PEAKS", "ONSET_CNN", "ONSET_RNN",
           "activation", "detect_onsets", "train_on_loops", "dataset_examples", "teacher_examples",
           "TEACHER_RECORDINGS", "loop_network", "KIT_LOOPS"]

#: Drum loops on the recorded training kits in the training mix of the onset CNN
#: and the beat BLSTM, next to the 120 generated loops.
KIT_LOOPS = 120

#: Peak-picking settings of the onset networks, tuned once on generated
#: validation loops (seeds 20000+) and kept fixed for every evaluation.
ONSET_PEAKS = dict(threshold=0.4, pre_max=0.01, post_max=0.01, combine=0.03)


def spectral_flux(S, lag=1):
    """Spectral flux: the summed half-wave rectified increase of every band.

    ``SF[n] = sum_k max(0, S[n, k] - S[n - lag, k])``, with the first ``lag``
    frames set to 0 :cite:p:`dixon2006onset`. Computed on a
    log-magnitude (e.g. log-mel) spectrogram it is a strong hand-made onset
    detection function.

    Parameters
    ----------
    S : np.ndarray, shape ``(n_frames, n_bins)``
        (Log-)magnitude spectrogram, time first.
    lag : int
        Difference to the frame this many frames earlier.

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames,)``
        The activation function, at the frame rate of ``S``.

    Raises
    ------
    ValueError
        If ``S`` is not two-dimensional, has fewer than ``lag + 1`` frames, holds
        NaN, or ``lag < 1``.

    Examples
    --------
    >>> S = np.array([[0., 0.], [1., 2.], [0., 3.], [0., 3.]])
    >>> spectral_flux(S)
    array([0., 3., 1., 0.], dtype=float32)
    """
    S = np.asarray(S, dtype=float)
    if S.ndim != 2:
        raise ValueError(f"spectrogram must have shape (n_frames, n_bins), got {S.shape}")
    if int(lag) != lag or lag < 1:
        raise ValueError(f"lag must be a positive number of frames, got {lag!r}")
    if S.shape[0] <= lag:
        raise ValueError(f"spectrogram has {S.shape[0]} frames; spectral flux needs more than lag={lag}")
    if not np.all(np.isfinite(S)):
        raise ValueError("spectrogram contains NaN or infinite values")
    diff = np.maximum(S[lag:] - S[:-lag], 0.0).sum(axis=1)
    return np.concatenate([np.zeros(lag), diff]).astype(np.float32)


def superflux(y, sr, hop_size=441, frame_size=2048, n_mels=138, lag=2, max_size=3):
    """SuperFlux onset detection function of Böck & Widmer (DAFx 2013).

    Spectral flux on a log-mel spectrogram in which every bin of the earlier
    frame is first replaced by the maximum of its ``max_size`` neighbouring bins
    (a maximum filter along frequency), which suppresses the false onsets of
    vibrato :cite:p:`boeck2013maximum`. Computed by
    :func:`librosa.onset.onset_strength` with ``lag`` and ``max_size``.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Sample rate in Hz.
    hop_size, frame_size : int
        Hop size and frame size in samples; the frame rate is ``sr / hop_size``.
    n_mels : int
        Number of mel bands.
    lag : int
        Frames between the compared spectra.
    max_size : int
        Width in bins of the maximum filter (1: plain spectral flux).

    Returns
    -------
    Activations, shape ``(n_frames,)``
        At ``sr / hop_size`` frames per second.

    Raises
    ------
    ValueError
        For an empty, NaN or non-mono signal or a bad sample rate.
    """
    import librosa

    y = check_signal(y, sr, name="signal", mono=True)
    S = librosa.feature.melspectrogram(y=y, sr=sr, n_fft=frame_size, hop_length=hop_size, fmin=27.5,
                                       fmax=min(16000.0, sr / 2), n_mels=n_mels)
    S = librosa.power_to_db(S, ref=np.max)
    odf = librosa.onset.onset_strength(S=S, sr=sr, n_fft=frame_size, hop_length=hop_size, lag=lag,
                                       max_size=max_size)
    return Activations(odf, fps=sr / hop_size)


def train_on_loops(model, n_train=120, epochs=20, seed=0, length=6.0, batch_size=8, learning_rate=1e-3,
                   examples=None, log_dir=None, verbose=0, n_kit_loops=0, n_band_songs=0, dataset=None,
                   teacher=()):
    """Train a shipped rhythm network on generated loops (its recipe).

    Renders ``n_train`` loops (seeds ``0 .. n_train - 1``,
    :func:`mirlib.synth.make_examples`), ``n_kit_loops`` drum loops played
    on the recorded training kits (:data:`mirlib.data.drumkits.TRAIN_KITS`;
    the test kits stay unheard) and ``n_band_songs`` band songs with sampled
    instruments, drums on the training kits and effects
    (:func:`mirlib.synth.band.random_band_song`, needs FluidSynth), pads them to one batch with a mask
    (:func:`mirlib.nn.pad_sequences`), adapts the input normalisation to the
    training frames, and minimises binary cross-entropy with Adam on whole
    loops (:func:`mirlib.nn.train`).

    Parameters
    ----------
    model : mirlib.nn.ShippedModel
        The network to train, e.g. :data:`ONSET_CNN` or :data:`mirlib.beats.BEAT_BLSTM`;
        its ``outputs`` name the targets (``"onsets"``, ``"beats"``, ...).
    n_train : int
        Number of generated training loops.
    epochs, batch_size, learning_rate
        As in :func:`mirlib.nn.train`.
    seed : int
        Seed of weight initialisation and batch order.
    length : float
        Approximate loop length in seconds.
    examples : list of mirlib.synth.Example or None
        Training examples to use instead of rendering ``n_train`` loops.
    log_dir : str or None
        Write TensorBoard logs there.
    verbose : int
        Keras verbosity.
    n_kit_loops : int
        Number of drum loops on recorded kits added to the generated ones.
    n_band_songs : int
        Number of band songs added (seeds ``0 .. n_band_songs - 1``).
    dataset : str or None
        A beat dataset ``NAME:PATH`` read through mirdata
        (:func:`mirlib.data.datasets.beat_tracks`, e.g. ``"ballroom:/data/ballroom"``),
        whose recordings, cut into excerpts of ``length`` seconds, join the
        training mix (:func:`dataset_examples`); for networks whose outputs are
        beats and downbeats.
    teacher : sequence of str
        librosa example recordings that join the training mix with madmom's
        beats as targets (:func:`teacher_examples`); beat networks only.

    Returns
    -------
    mirlib.nn.History
        Loss per epoch, ``"seconds"``, and the trained network as ``.model``.
    """
    # a dataset is read first: a wrong argument fails before minutes of rendering
    extra = dataset_examples(dataset, model.outputs, length) if dataset is not None else []
    if teacher:
        extra += teacher_examples(tuple(teacher), model.outputs, length)
    if examples is None:
        examples = make_examples(range(n_train), length=length)
        if n_kit_loops:
            examples += make_examples(range(n_kit_loops), length=length, kits=TRAIN_KITS)
        if n_band_songs:
            examples += make_examples(range(n_band_songs), length=length, kits=TRAIN_KITS, band=True)
    examples = examples + extra
    # computed once, for the normalisation and the batch
    return model.fit_sequences([e.inputs(model.inputs) for e in examples], [e.target(model.outputs) for e in examples],
                               epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, seed=seed,
                               log_dir=log_dir, verbose=verbose)


def dataset_examples(dataset, outputs=("beats",), length=10.0):
    """Training examples from a beat dataset read through mirdata.

    Each recording is loaded at 44.1 kHz, its :data:`~mirlib.features.RHYTHM`
    features computed once and cut into excerpts of ``length`` seconds (a
    last piece shorter than 2 s is not used), with frame-wise targets of its
    beats and downbeats (bar position 1).

    Parameters
    ----------
    dataset : str
        ``NAME:PATH`` or ``NAME:PATH:INDEX`` (:func:`mirlib.data.datasets.parse_dataset`).
    outputs : tuple of str
        The targets the network needs: ``"beats"`` and/or ``"downbeats"``.
    length : float
        Excerpt length in seconds.

    Returns
    -------
    list of mirlib.synth.Example
        ``rendering`` is None; ``targets`` holds ``"beats"`` and ``"downbeats"``.

    Raises
    ------
    ValueError
        If ``outputs`` asks for other targets than beats and downbeats (the
        datasets annotate only those), for downbeats from a dataset without bar
        positions, or for a malformed dataset argument or annotation.
    FileNotFoundError
        For a missing dataset folder, index, audio or annotation file.
    """
    from .audio import load
    from .data.datasets import beat_tracks, parse_dataset

    _check_beat_outputs(outputs, "a beat dataset annotates")
    name, home, index = parse_dataset(dataset)
    tracks = beat_tracks(name, home, index)
    if "downbeats" in outputs and not any(len(t.downbeats) for t in tracks):
        raise ValueError(f"{name} has no bar positions: it cannot train downbeats")
    out = []
    for track in tracks:
        y, sr = load(track.audio_path, sr=RHYTHM.sr)
        out += _excerpts(RHYTHM(y, sr), {"beats": track.beats, "downbeats": track.downbeats}, length)
    return out


def _check_beat_outputs(outputs, source):
    other = sorted(set(outputs) - {"beats", "downbeats"})
    if other:
        raise ValueError(f"{source} beats and downbeats, not {other}; train a beat network on it")


def _excerpts(stack, events, length):
    # Examples of excerpts of `length` seconds of one recording's features, with frame-wise targets of
    # its events (seconds); a last piece shorter than 2 s is not used
    from .data.annotations import event_targets
    from .synth.rhythm import Example

    n = int(round(length * RHYTHM.fps))
    targets = {k: event_targets(t, len(stack), RHYTHM.fps) for k, t in events.items()}
    return [Example(None, stack[start:start + n], {k: v[start:start + n] for k, v in targets.items()})
            for start in range(0, len(stack), n) if len(stack) - start >= 2 * RHYTHM.fps]


#: librosa's example recordings of music that a beat network may hear in training
#: with madmom's beats as targets (:func:`teacher_examples`); none of them scores
#: a rhythm network anywhere in the book.
TEACHER_RECORDINGS = ("choice", "fishin", "vibeace", "pistachio", "sweetwaltz")


def teacher_examples(names=TEACHER_RECORDINGS, outputs=("beats",), length=10.0):
    """Training examples from unlabelled recordings, labelled by madmom's pretrained networks.

    Semi-supervised training with a teacher: madmom's beat tracker (an ensemble
    of BLSTMs and the DBN, :func:`mirlib.references.madmom_beats`) or, for
    downbeats, its downbeat tracker (:func:`mirlib.references.madmom_downbeats`)
    annotates each recording; the recording is cut into excerpts of ``length``
    seconds like :func:`dataset_examples`. The labels are the teacher's, with
    its mistakes: the chapters say so where they report a network trained this way.

    Parameters
    ----------
    names : sequence of str
        librosa example names (:data:`mirlib.data.EXAMPLES`).
    outputs : tuple of str
        ``"beats"`` and/or ``"downbeats"``.
    length : float
        Excerpt length in seconds.

    Returns
    -------
    list of mirlib.synth.Example
        ``rendering`` is None.

    Raises
    ------
    ValueError
        For an unknown example name, or outputs other than beats and downbeats.
    """
    from .audio import load
    from .data import example
    from .references import madmom_beats, madmom_downbeats

    _check_beat_outputs(outputs, "the teacher labels")
    out = []
    for name in names:
        y, sr = load(example(name), sr=RHYTHM.sr)
        if "downbeats" in outputs:
            found = madmom_downbeats(y, sr)
            beat_times, downbeats = found[:, 0], found[found[:, 1] == 1, 0]
        else:
            beat_times, downbeats = madmom_beats(y, sr), np.zeros(0)
        out += _excerpts(RHYTHM(y, sr), {"beats": beat_times, "downbeats": downbeats}, length)
    return out


def loop_network(name, task, paper, description, inputs, build, outputs, length, aliases=(), n_kit_loops=0,
                 n_band_songs=0, teacher=()):
    """Describe a rhythm network trained on generated loops (:func:`train_on_loops`).

    Its input is :data:`mirlib.features.RHYTHM` (100 fps), as a stack
    (``inputs="stack"``, normalised per band and channel) or flattened with its
    positive difference (``inputs="flat"``, normalised per feature); its recipe
    trains on 120 generated loops of about ``length`` seconds, and
    ``n_kit_loops`` drum loops on the recorded training kits and ``n_band_songs``
    band songs (:mod:`mirlib.synth.band`), for 20 epochs.

    Parameters
    ----------
    name, task, paper, description, outputs, aliases
        See :class:`mirlib.nn.ShippedModel`.
    inputs : {"stack", "flat"}
    build : callable
        ``build(n_features_or_None, normalization)`` -> keras.Model; the first
        argument is the number of features per frame for ``"flat"`` inputs.
    length : float
        Approximate length of the training loops in seconds.
    n_kit_loops : int
        Drum loops on recorded kits in the training mix (:func:`train_on_loops`).
    n_band_songs : int
        Band songs in the training mix (:func:`train_on_loops`).
    teacher : tuple of str
        Recordings labelled by madmom in the training mix (:func:`train_on_loops`).

    Returns
    -------
    mirlib.nn.ShippedModel
    """
    n_flat = 2 * RHYTHM.n_bands * RHYTHM.n_channels
    shape = (None, RHYTHM.n_bands, RHYTHM.n_channels) if inputs == "stack" else (None, n_flat)
    return nn.ShippedModel(
        name=name, task=task, paper=paper, description=description, features=RHYTHM, inputs=inputs,
        outputs=tuple(outputs), build=lambda norm: build(None if inputs == "stack" else n_flat, norm),
        normalization_axis=(-2, -1) if inputs == "stack" else -1, input_shape=shape, trainer=train_on_loops,
        recipe=dict(n_train=120, epochs=20, seed=0, length=length, batch_size=8, learning_rate=1e-3,
                    n_kit_loops=n_kit_loops, n_band_songs=n_band_songs, dataset=None, teacher=tuple(teacher)),
        aliases=tuple(aliases))


#: The CNN onset detector of Schlüter & Böck (ICASSP 2014), trained on generated loops.
ONSET_CNN = loop_network(
    "onset_cnn", "onsets", "schlueter2014improved",
    "onset CNN (Schlüter & Böck 2014) on a 3-resolution log-mel stack, 100 fps", "stack",
    lambda _, norm: nn.onset_cnn(RHYTHM.n_bands, RHYTHM.n_channels, normalization=norm), ("onsets",), 6.0,
    aliases=("onsets",), n_kit_loops=KIT_LOOPS)

#: The BLSTM onset detector after Eyben et al. (2010) and Böck et al. (2012).
ONSET_RNN = loop_network(
    "onset_rnn", "onsets", "eyben2010universal,boeck2012online",
    "onset BLSTM (Eyben et al. 2010) on log-mel stack + positive difference, 100 fps", "flat",
    lambda n, norm: nn.onset_rnn(n, normalization=norm), ("onsets",), 6.0, aliases=("onsets_rnn",))

_NETWORKS = {"onset_cnn": ONSET_CNN, "onset_rnn": ONSET_RNN}


def activation(y, sr, network="onset_cnn", model=None):
    """Onset activation function of an onset network.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz (resampled to 44.1 kHz).
    network : {"onset_cnn", "onset_rnn"}
        Which network: its features and, without ``model``, its shipped weights.
    model : keras.Model or None
        Other weights of the same network, e.g. trained by ``ONSET_CNN.train()``.

    Returns
    -------
    Activations, shape ``(n_frames,)``
        Onset probability per frame at 100 fps.

    Raises
    ------
    ValueError
        For an empty, NaN or multi-channel signal, a bad sample rate or an
        unknown network.
    FileNotFoundError
        If no model is given and the shipped weights are missing.
    """
    if network not in _NETWORKS:
        raise ValueError(f"unknown onset network {network!r}; choose one of {sorted(_NETWORKS)}")
    return _NETWORKS[network].activation(y, sr, model)[:, 0]


def detect_onsets(y, sr, network="onset_cnn", model=None, **peaks):
    """Onset times in seconds from an onset network and peak picking.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz.
    network : {"onset_cnn", "onset_rnn"}
        The shipped CNN or BLSTM (see :func:`activation`).
    model : keras.Model or None
        Other weights of the same network.
    **peaks
        Peak-picking parameters overriding :data:`ONSET_PEAKS` (see
        :func:`pick_peaks`).

    Returns
    -------
    np.ndarray, shape ``(n_onsets,)``
        Onset times in seconds.

    Raises
    ------
    ValueError
        For a bad signal (see :func:`activation`) or bad peak-picking values.
    """
    return pick_peaks(activation(y, sr, network, model), **{**ONSET_PEAKS, **peaks})
