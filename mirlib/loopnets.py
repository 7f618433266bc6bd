"""Rhythm networks trained on generated loops: what the onset and beat networks share.

The onset networks (:mod:`mirlib.onsets`) and the beat network
(:mod:`mirlib.beats`) take the same input, :data:`mirlib.features.RHYTHM` at
100 fps, and learn from the same data: loops rendered by :mod:`mirlib.synth`
with exact annotations, drum loops on recorded kits and band songs
(:mod:`mirlib.synth.band`), optionally real annotated datasets through mirdata
and recordings labelled by madmom. This module describes such a network
(:func:`loop_network`), trains it (:func:`train_on_loops`) and scores it on
generated held-out loops (:func:`held_out_f_measure`), so that onsets and beats
sit side by side above it.
"""

from __future__ import annotations

import numpy as np

from . import nn
from .data.drumkits import TRAIN_KITS
from .features.postprocessing import downbeats_from_activation
from .features.settings import RHYTHM
from .synth.rhythm import make_examples

__all__ = ["KIT_LOOPS", "loop_network", "train_on_loops", "dataset_examples", "teacher_examples",
           "TEACHER_RECORDINGS", "held_out_f_measure", "bars_from_network"]

#: Drum loops on the recorded training kits in the training mix of the onset CNN
#: and the beat BLSTM, next to the 120 generated loops.
KIT_LOOPS = 120


def train_on_loops(network, n_train=120, epochs=20, seed=0, length=6.0, batch_size=8, learning_rate=1e-3,
                   examples=None, log_dir=None, verbose=0, n_kit_loops=0, n_band_songs=0, n_riff_songs=0,
                   dataset=None, teacher=(), recorded=0.0):
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
    network : mirlib.nn.ShippedModel
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
    n_riff_songs : int
        Number of riff songs added (band songs with a riff in unison with a
        syncopated kick drum, :func:`mirlib.synth.band.random_band_song` with
        ``riffs=1``; seeds ``0 .. n_riff_songs - 1``).
    dataset : str or None
        A beat dataset ``NAME:PATH`` read through mirdata
        (:func:`mirlib.data.datasets.beat_tracks`, e.g. ``"ballroom:/data/ballroom"``),
        whose recordings, cut into excerpts of ``length`` seconds, join the
        training mix (:func:`dataset_examples`); for networks whose outputs are
        beats and downbeats.
    teacher : sequence of str
        librosa example recordings that join the training mix with madmom's
        beats as targets (:func:`teacher_examples`); beat networks only.
    recorded : float
        Share of the drum loops on recorded kits that go through a random
        recording and mixing chain (EQ, room, compression;
        :func:`mirlib.synth.make_examples`).

    Returns
    -------
    mirlib.nn.History
        Loss per epoch, ``"seconds"``, and the trained network as ``.model``.
    """
    # a dataset is read first: a wrong argument fails before minutes of rendering
    extra = dataset_examples(dataset, network.outputs, length) if dataset is not None else []
    if teacher:
        extra += teacher_examples(tuple(teacher), network.outputs, length)
    if examples is None:
        examples = make_examples(range(n_train), length=length)
        if n_kit_loops:
            examples += make_examples(range(n_kit_loops), length=length, kits=TRAIN_KITS, recorded=recorded)
        if n_band_songs:
            examples += make_examples(range(n_band_songs), length=length, kits=TRAIN_KITS, band=True)
        if n_riff_songs:
            examples += make_examples(range(n_riff_songs), length=length, kits=TRAIN_KITS, band=True, riffs=1.0)
    examples = examples + extra
    # computed once, for the normalisation and the batch
    return network.fit_sequences([e.inputs(network.inputs) for e in examples], [e.target(network.outputs) for e in examples],
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


def loop_network(*, inputs, build, length, n_kit_loops=0, n_band_songs=0, n_riff_songs=None, teacher=(),
                 recorded=None, **fields):
    """Describe a rhythm network trained on generated loops (:func:`train_on_loops`).

    Its input is :data:`mirlib.features.RHYTHM` (100 fps), as a stack
    (``inputs="stack"``, normalised per band and channel) or flattened with its
    positive difference (``inputs="flat"``, normalised per feature); its recipe
    trains on 120 generated loops of about ``length`` seconds, and
    ``n_kit_loops`` drum loops on the recorded training kits and ``n_band_songs``
    band songs (:mod:`mirlib.synth.band`), for 20 epochs.

    Parameters
    ----------
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
    n_riff_songs : int or None
        Riff songs in the training mix (:func:`train_on_loops`); None leaves
        the entry out of the recipe, so ``mirlib train`` does not offer it.
    teacher : tuple of str
        Recordings labelled by madmom in the training mix (:func:`train_on_loops`).
    recorded : float or None
        Share of the kit loops through a recording chain (:func:`train_on_loops`);
        None leaves the entry out of the recipe.
    **fields
        ``name``, ``task``, ``paper``, ``description``, ``outputs``,
        ``aliases``, ``held_out``, ``example`` of :class:`mirlib.nn.ShippedModel`.

    Returns
    -------
    mirlib.nn.ShippedModel
    """
    n_flat = 2 * RHYTHM.n_bands * RHYTHM.n_channels
    shape = (None, RHYTHM.n_bands, RHYTHM.n_channels) if inputs == "stack" else (None, n_flat)
    fields["outputs"] = tuple(fields.get("outputs", ("activation",)))
    fields["aliases"] = tuple(fields.get("aliases", ()))
    return nn.ShippedModel(
        features=RHYTHM, inputs=inputs, build=lambda norm: build(None if inputs == "stack" else n_flat, norm),
        normalization_axis=(-2, -1) if inputs == "stack" else -1, input_shape=shape, trainer=train_on_loops,
        recipe=dict(n_train=120, epochs=20, seed=0, length=length, batch_size=8, learning_rate=1e-3,
                    n_kit_loops=n_kit_loops, n_band_songs=n_band_songs, dataset=None, teacher=tuple(teacher),
                    **({} if n_riff_songs is None else {"n_riff_songs": n_riff_songs}),
                    **({} if recorded is None else {"recorded": recorded})),
        **fields)


def held_out_f_measure(estimate, task, n=20):
    """Mean F-measure of an event detector on generated held-out loops (seeds 10000+).

    Parameters
    ----------
    estimate : callable
        ``estimate(y, sr)`` -> event times in seconds.
    task : {"onsets", "beats"}
        Which annotation it is scored against: onsets at ±50 ms, beats at ±70 ms.
    n : int
        Number of loops (:func:`mirlib.synth.rhythm.held_out_pieces`, 8 s each).

    Returns
    -------
    dict
        ``"F ±50 ms"`` (onsets) or ``"F ±70 ms"`` (beats): the mean over
        loops; ``"pieces"``: how many.

    Raises
    ------
    ValueError
        For another task.
    """
    from .evaluation.tables import score_piece
    from .synth.rhythm import held_out_pieces

    columns = {"onsets": "F ±50 ms", "beats": "F ±70 ms"}
    if task not in columns:
        raise ValueError(f"held-out loops score onsets or beats, not {task!r}")
    pieces = held_out_pieces(n=n, length=8.0)
    scores = [score_piece(p, estimate(p.audio, p.sr), task)[columns[task]] for p in pieces]
    return {columns[task]: float(np.mean(scores)), "pieces": len(pieces)}


def bars_from_network(network, y, sr, model=None, beats_per_bar=(3, 4)):
    """Beats and their positions in the bar from a network with beat and downbeat outputs.

    The network's ``"beats"`` and ``"downbeats"`` activations go through
    madmom's bar-tracking DBN of Böck, Krebs & Widmer :cite:p:`boeck2016joint`
    (:func:`mirlib.features.postprocessing.downbeats_from_activation`): what
    :func:`mirlib.beats.track_downbeats` (the TCN) and
    :func:`mirlib.drums.track_downbeats` (the joint drum CRNN) share.

    Parameters
    ----------
    network : mirlib.nn.ShippedModel
        A network whose ``outputs`` include ``"beats"`` and ``"downbeats"``.
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz.
    model : keras.Model or None
        Other weights of the network.
    beats_per_bar : tuple of int
        Bar lengths to choose from.

    Returns
    -------
    np.ndarray, shape ``(n_beats, 2)``
        Beat times in seconds and positions in the bar (1 = downbeat).

    Raises
    ------
    ValueError
        For a network without these outputs, or a bad signal.
    """
    if not {"beats", "downbeats"} <= set(network.outputs):
        raise ValueError(f"{network.name} has no beat and downbeat outputs (it has {list(network.outputs)})")
    act = network.activation(y, sr, model)
    column = {name: i for i, name in enumerate(network.outputs)}
    return downbeats_from_activation(act[:, column["beats"]], act[:, column["downbeats"]],
                                     beats_per_bar=beats_per_bar)
