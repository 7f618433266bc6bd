"""Bass transcription, beat by beat: a feed-forward network on a constant-Q transform, and classical baselines.

Data-driven feature learning as in Balke et al. :cite:p:`balke2017data` and
Abeßer et al. :cite:p:`abesser2017deep`: instead of designing how to find the
bass in a polyphonic spectrum, a feed-forward network (:data:`BASS_DNN`)
learns it from examples. It maps a few frames of a semitone-spaced
constant-Q transform of the mix (:data:`mirlib.features.BASS`) to a
probability for each bass pitch (:data:`PITCHES`); the beat-wise bass pitch is
the pitch most probable over the frames of a beat (:func:`beat_pitches`).

The chain, with the frame rate carried at every step::

    signal (resampled to 22.05 kHz)
      -> BASS features: CQT, 84 semitones from C1, 21.5 fps
      -> ±3 frames of context -> BASS_DNN -> pitch probabilities at 21.5 fps
      -> log-probabilities summed over each beat -> one MIDI pitch per beat

Like Abeßer et al. the network is trained twice on the same few annotated
pieces: without data augmentation (:data:`BASS_DNN_M1`, their M1) and with
every piece also transposed by up to three semitones either way
(:data:`BASS_DNN`, their M1+; :func:`transpose`). The classical baselines
find the bass without learning: the strongest pitch of a harmonic-summation
salience in the bass range (:func:`salience_pitches`), and YIN on the
low-passed mix (:func:`yin_pitches`), in :mod:`.baselines`. Everything is
scored by beat-wise pitch accuracy (:func:`mirlib.evaluation.beat_pitch_scores`)
on generated pieces with exact bass lines (:mod:`mirlib.synth.basslines`).
The networks train on pieces with synthesised sounds and on pieces played
through the MuseScore SoundFont; pieces through the TimGM6mb SoundFont and
with the alternative synthesised sounds measure them on basses they never
heard.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .. import nn
from ..audio import check_signal
from ..features.settings import BASS
from ..synth.basslines import BASS_RANGE, bass_lines, render_bass_line
from .baselines import N_PITCHES, PITCHES, _beat_frames, _check_beats, salience_pitches, yin_pitches

__all__ = ["BASS", "BASS_RANGE", "PITCHES", "N_PITCHES", "CONTEXT", "N_INPUTS", "TRAIN_FIRST_SEED",
           "TEST_FIRST_SEED", "SAMPLED_FIRST_SEED", "bass_input", "frame_targets", "transpose", "beat_pitches", "salience_pitches",
           "yin_pitches", "train_on_lines", "BASS_DNN", "BASS_DNN_M1", "pitch_activation", "transcribe", "compare",
           "held_out_scores", "METHODS", "chain_scores"]

#: Frames of context on each side of the frame the network classifies (±140 ms at 21.5 fps).
CONTEXT = 3
#: Values per network input: ``2 * CONTEXT + 1`` CQT frames.
N_INPUTS = (2 * CONTEXT + 1) * BASS.n_bands
#: Training pieces have seeds from here; held-out test pieces from :data:`TEST_FIRST_SEED`.
TRAIN_FIRST_SEED = 0
TEST_FIRST_SEED = 50000
#: Training pieces played through the training SoundFont (``sounds="musescore"``) have seeds from here.
SAMPLED_FIRST_SEED = 1000


def bass_input(features, context=CONTEXT):
    """The bass network's input: each CQT frame with ``context`` frames on either side, flattened.

    Parameters
    ----------
    features : np.ndarray, shape ``(n_frames, n_bins)``
        :data:`BASS` features.
    context : int
        Frames on each side; the ends of the piece are padded by repeating
        the first and last frame.

    Returns
    -------
    np.ndarray, float32, shape ``(n_frames, (2 * context + 1) * n_bins)``
        Row ``i`` holds frames ``i - context .. i + context``, oldest first.

    Raises
    ------
    ValueError
        If ``features`` is not two-dimensional or empty.

    Examples
    --------
    >>> bass_input(np.arange(3.0)[:, None], context=1).tolist()
    [[0.0, 0.0, 1.0], [0.0, 1.0, 2.0], [1.0, 2.0, 2.0]]
    """
    X = np.asarray(features, dtype=np.float32)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"features must have shape (n_frames, n_bins), got {X.shape}")
    padded = np.pad(X, ((context, context), (0, 0)), mode="edge")
    return np.concatenate([padded[i:i + len(X)] for i in range(2 * context + 1)], axis=1)


def frame_targets(line, n_frames, fps=BASS.fps):
    """Frame-wise training targets of a bass line: the index in :data:`PITCHES` of the sounding note.

    A frame between two beats belongs to the earlier beat's note (the
    beat-wise view of :cite:p:`abesser2017deep`); frames before the first
    beat and more than a beat after the last are -1 (no target).

    Parameters
    ----------
    line : mirlib.synth.basslines.BassLine
        Rendered bass line (its ``beats`` and ``pitches``).
    n_frames : int
        Number of frames.
    fps : float
        Frame rate, frames per second.

    Returns
    -------
    np.ndarray of int, shape ``(n_frames,)``

    Raises
    ------
    ValueError
        If the line has no beats or its beats do not increase.
    """
    _check_beats(line.beats)
    target = np.full(n_frames, -1)
    for pitch, frames in zip(line.pitches, _beat_frames(n_frames, line.beats, fps)):
        target[frames] = pitch - PITCHES[0]
    return target


def transpose(features, targets, shift):
    """Pitch-shift data augmentation: move a CQT and its pitch targets by ``shift`` semitones.

    On a constant-Q transform with one bin per semitone, shifting the bins
    is pitch shifting the whole mix (Abeßer et al. pitch-shift the audio
    :cite:p:`abesser2017deep`); bins moved in at the edge are silent, and
    targets moved out of :data:`PITCHES` become -1 (no target).

    Parameters
    ----------
    features : np.ndarray, shape ``(n_frames, n_bins)``
        :data:`BASS` features (log-compressed, 0 is silence).
    targets : np.ndarray of int, shape ``(n_frames,)``
        Indices into :data:`PITCHES`, -1 for none.
    shift : int
        Semitones, up if positive.

    Returns
    -------
    (np.ndarray, np.ndarray)
        The shifted features and targets, same shapes.

    Examples
    --------
    >>> F, t = transpose(np.eye(4)[None, :, 1].repeat(2, 0), np.array([0, 27]), 1)
    >>> F.tolist(), t.tolist()
    ([[0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 1.0, 0.0]], [1, -1])
    """
    F = np.asarray(features, dtype=np.float32)
    shifted = np.zeros_like(F)
    if shift >= 0:
        shifted[:, shift:] = F[:, :F.shape[1] - shift]
    else:
        shifted[:, :shift] = F[:, -shift:]
    t = np.where(targets >= 0, targets + shift, -1)
    t[(t < 0) | (t >= N_PITCHES)] = -1
    return shifted, t


def beat_pitches(activation, beats, fps=None):
    """One pitch per beat from frame-wise pitch probabilities: the most probable over the beat.

    The log-probabilities of the frames whose centres fall between a beat
    and the next are summed and the best pitch taken, as Abeßer et al.
    aggregate frame-wise estimates beat by beat :cite:p:`abesser2017deep`.

    Parameters
    ----------
    activation : Activations or np.ndarray, shape ``(n_frames, N_PITCHES)``
        Probability of each pitch of :data:`PITCHES` per frame.
    beats : array_like, shape ``(n_beats,)``
        Beat times in seconds, increasing.
    fps : float or None
        Frame rate (None: from :class:`Activations`).

    Returns
    -------
    np.ndarray of int, shape ``(n_beats,)``
        MIDI pitch per beat (the last beat lasts as long as the median beat).

    Raises
    ------
    ValueError
        For no beats, beats that do not increase, or an activation of the
        wrong shape.

    Examples
    --------
    >>> act = np.full((20, N_PITCHES), 0.01); act[:10, 12] = 0.9; act[10:, 0] = 0.9
    >>> beat_pitches(act, [0.0, 0.5], fps=20).tolist()
    [40, 28]
    """
    from ..features.activations import frame_rate

    fps = frame_rate(activation, fps)
    A = np.asarray(activation, dtype=np.float64)
    beats = _check_beats(beats)
    if A.ndim != 2 or A.shape[1] != N_PITCHES:
        raise ValueError(f"activation must have shape (n_frames, {N_PITCHES}), got {A.shape}")
    logp = np.log(np.maximum(A, 1e-7))
    return np.array([PITCHES[int(np.argmax(logp[frames].sum(axis=0)))]
                     for frames in _beat_frames(len(A), beats, fps)], dtype=int)


def _lines_xy(lines, shifts):
    xs, ys = [], []
    for line in lines:
        F = BASS(line.audio, line.sr)
        t = frame_targets(line, len(F))
        for k in shifts:
            Fk, tk = transpose(F, t, k) if k else (F, t)
            keep = tk >= 0
            xs.append(bass_input(Fk)[keep])
            ys.append(tk[keep])
    return np.concatenate(xs), np.concatenate(ys)


def train_on_lines(network, n_train=40, n_sampled=0, epochs=30, augment=True, max_shift=3, seed=0, batch_size=256,
                   learning_rate=1e-3, examples=None, log_dir=None, verbose=0):
    """Train the bass network on generated bass lines (its recipe).

    Renders ``n_train`` pieces with synthesised sounds (seeds from
    :data:`TRAIN_FIRST_SEED`) and ``n_sampled`` through the training SoundFont
    (``"musescore"``, seeds from :data:`SAMPLED_FIRST_SEED`), computes CQT
    frames with context (:func:`bass_input`) and frame-wise pitch targets
    (:func:`frame_targets`), and with ``augment`` adds every piece transposed
    by ``±1 .. ±max_shift`` semitones (:func:`transpose`). The cross-entropy
    of the softmax over pitches is minimised on shuffled frames. The
    ``"timgm6mb"`` and ``"alternative"`` sounds are never used.

    Parameters
    ----------
    network : mirlib.nn.ShippedModel
        :data:`BASS_DNN` or :data:`BASS_DNN_M1`.
    n_train : int
        Number of pieces with synthesised sounds (40 pieces of about 14 s:
        about as many bass lines as the 41 of Abeßer et al.'s training set).
    n_sampled : int
        Number of pieces through the training SoundFont (needs FluidSynth).
    epochs, batch_size, learning_rate, seed
        As in :func:`mirlib.nn.train`.
    augment : bool
        Add transposed copies (M1+) or not (M1).
    max_shift : int
        Largest transposition in semitones.
    examples : tuple or None
        ``(X, y)`` to train on instead.
    log_dir : str or None
        TensorBoard logs.
    verbose : int
        Keras verbosity.

    Returns
    -------
    mirlib.nn.History
        With the trained network as ``.model``.
    """
    if examples is None:
        shifts = [0] + ([s for k in range(1, max_shift + 1) for s in (k, -k)] if augment else [])
        lines = bass_lines(n_train, TRAIN_FIRST_SEED)
        if n_sampled:
            lines += bass_lines(n_sampled, SAMPLED_FIRST_SEED, sounds="musescore")
        examples = _lines_xy(lines, shifts)
    X, y = examples
    return nn.train(lambda: network.untrained(X), X, y, epochs=epochs, batch_size=batch_size,
                    learning_rate=learning_rate, seed=seed, log_dir=log_dir, verbose=verbose)


def _example_line():
    """A held-out bass line (seed 50003): the recording the backend tests compare the bass networks on."""
    line = render_bass_line(TEST_FIRST_SEED + 3)
    return line.audio, line.sr


def _build(norm):
    return nn.mlp(N_INPUTS, N_PITCHES, hidden=(256, 256, 256), dropout=0.2, normalization=norm)


_DESCRIPTION = ("feed-forward bass network (Abeßer et al. 2017; Balke et al. 2017) on ±3 frames of a "
                "semitone CQT at 21.5 fps; pitch probabilities E1-G3")
#: The bass network with data augmentation (Abeßer et al.'s M1+): three hidden
#: layers of 256 ReLU units and dropout, a softmax over :data:`PITCHES`.
BASS_DNN = nn.ShippedModel(
    name="bass_dnn", task="bass", paper="abesser2017deep,balke2017data",
    description=_DESCRIPTION + ", trained with transposed copies (M1+)",
    features=BASS, inputs=bass_input, outputs=tuple(str(p) for p in PITCHES), build=_build,
    normalization_axis=-1, input_shape=(N_INPUTS,), trainer=train_on_lines,
    recipe=dict(n_train=40, n_sampled=80, epochs=30, augment=True, max_shift=3, seed=0, batch_size=256,
                learning_rate=1e-3),
    aliases=("bass",),
    held_out=nn.HeldOut(lambda **kw: {**held_out_scores(**kw), "accuracy, unheard SoundFont": held_out_scores(
        **kw, sounds="timgm6mb")["accuracy"]}, "accuracy",
                        f"{{n}} generated pieces (seeds {TEST_FIRST_SEED}+), beat-wise bass pitch", n=24,
                        also=("chroma accuracy", "accuracy, unheard SoundFont")),
    # frame-wise pitch probabilities of a generated bass line
    example=_example_line)
#: The same network trained on the same pieces without augmentation (M1).
BASS_DNN_M1 = dataclasses.replace(
    BASS_DNN, name="bass_dnn_m1", description=_DESCRIPTION + ", trained without augmentation (M1)",
    recipe={**BASS_DNN.recipe, "augment": False}, aliases=())

_NETWORKS = (BASS_DNN, BASS_DNN_M1)


def pitch_activation(y, sr, network="bass_dnn", model=None):
    """Frame-wise bass pitch probabilities of the bass network.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz (resampled to 22.05 kHz).
    network : mirlib.nn.ShippedModel or str
        :data:`BASS_DNN` (M1+, default) or :data:`BASS_DNN_M1`, or its name.
    model : keras.Model or None
        Other weights; default the shipped ones of ``network``.

    Returns
    -------
    Activations, shape ``(n_frames, N_PITCHES)``
        At 21.5 fps; column ``j`` is the probability of MIDI pitch ``PITCHES[j]``.

    Raises
    ------
    ValueError
        For an empty, NaN or multi-channel signal or a bad sample rate.
    FileNotFoundError
        If no model is given and the shipped weights are missing.
    """
    return nn.resolve(network, *_NETWORKS).activation(y, sr, model)


def transcribe(y, sr, beats, network="bass_dnn", model=None):
    """Beat-wise bass transcription: one MIDI pitch per beat, by the bass network.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz.
    beats : array_like, shape ``(n_beats,)``
        Beat times in seconds (annotated, or from :func:`mirlib.beats.track_beats`).
    network : mirlib.nn.ShippedModel or str
        :data:`BASS_DNN` (M1+, default) or :data:`BASS_DNN_M1`, or its name.
    model : keras.Model or None
        Other weights of the network.

    Returns
    -------
    np.ndarray of int, shape ``(n_beats,)``
        MIDI pitch per beat, within :data:`PITCHES`.

    Raises
    ------
    ValueError
        For a bad or silent signal, or no or unordered beats.
    """
    beats = _check_beats(beats)
    check_signal(y, sr, allow_silence=False)
    return beat_pitches(pitch_activation(y, sr, network=network, model=model), beats)


# the row of each bass network in compare's table
_ROWS = {"bass_dnn": "bass network, augmented (M1+)", "bass_dnn_m1": "bass network (M1)"}
#: The rows of :func:`compare`: name -> ``f(y, sr, beats)``.
METHODS = {
    **{_ROWS[m.name]: (lambda y, sr, beats, m=m: transcribe(y, sr, beats, network=m)) for m in _NETWORKS},
    "harmonic-sum salience": salience_pitches,
    "YIN, low-passed": yin_pitches,
}


def compare(lines, network="bass_dnn", model=None, methods=None):
    """Beat-wise pitch accuracy of the bass networks and the baselines on bass lines, as a table.

    Parameters
    ----------
    lines : list of mirlib.synth.basslines.BassLine
        Annotated pieces (held out from training).
    network : mirlib.nn.ShippedModel or str
        :data:`BASS_DNN` (M1+, default) or :data:`BASS_DNN_M1`, or its name.
    model : keras.Model or None
        Other weights of ``network``: its row of :data:`METHODS` uses them.
    methods : dict or None
        Name -> ``f(y, sr, beats)`` returning a MIDI pitch per beat; default
        :data:`METHODS`.

    Returns
    -------
    pandas.DataFrame
        One row per method; columns ``accuracy`` and ``chroma accuracy``
        (means over pieces) and ``seconds``.

    Raises
    ------
    ValueError
        If ``lines`` is empty.
    """
    from ..evaluation import compare as compare_methods

    if not lines:
        raise ValueError("compare needs at least one bass line")
    if methods is None:
        methods = dict(METHODS)
        if model is not None:
            network = nn.resolve(network, *_NETWORKS)
            methods[_ROWS.get(network.name, network.name)] = lambda y, sr, beats: transcribe(
                y, sr, beats, network=network, model=model)
    return compare_methods(methods, lines, task="bass")


def held_out_scores(model=None, network="bass_dnn", n=24, sounds="standard"):
    """Beat-wise accuracy of a bass network on ``n`` held-out generated pieces (seeds :data:`TEST_FIRST_SEED`+).

    The figure ``mirlib train bass_dnn`` prints (Abeßer et al.'s measure
    :cite:p:`abesser2017deep`, :func:`mirlib.evaluation.beat_pitch_scores`).

    Parameters
    ----------
    model : keras.Model or None
        Weights to measure; default the shipped ones of ``network``.
    network : mirlib.nn.ShippedModel or str
        :data:`BASS_DNN` (M1+, default) or :data:`BASS_DNN_M1`, or its name.
    n : int
        Number of pieces (at least 1).
    sounds : {"standard", "alternative", "musescore", "timgm6mb"}
        Instrument sounds (:data:`mirlib.synth.basslines.SOUND_SETS`): the
        synthesised ``"standard"`` sounds and the ``"musescore"`` SoundFont are
        heard in training; ``"alternative"`` and ``"timgm6mb"`` measure on
        sounds the network never heard.

    Returns
    -------
    dict
        ``{"accuracy": float, "chroma accuracy": float}``, means over pieces in [0, 1].

    Raises
    ------
    ValueError
        If ``n`` is below 1 or ``sounds`` is unknown.
    """
    table = compare(bass_lines(n, TEST_FIRST_SEED, sounds=sounds),
                    methods={"dnn": lambda y, sr, beats: transcribe(y, sr, beats, network=network, model=model)})
    return {k: float(table.loc["dnn", k]) for k in ("accuracy", "chroma accuracy")}


def chain_scores(lines, network="bass_dnn", model=None):
    """The whole chain on audio alone: beats from :func:`mirlib.beats.track_beats`, then a pitch per beat.

    Each piece is transcribed twice by the bass network, on its annotated
    beats and on the beats the book's beat tracker finds in the mix; the
    second transcription is carried over to the annotated beats
    (:func:`mirlib.evaluation.pitches_at_beats`) and scored there.

    Parameters
    ----------
    lines : list of mirlib.synth.basslines.BassLine
        Annotated pieces (held out from training).
    network : mirlib.nn.ShippedModel or str
        :data:`BASS_DNN` (default) or :data:`BASS_DNN_M1`, or its name.
    model : keras.Model or None
        Other weights of ``network``.

    Returns
    -------
    pandas.DataFrame
        Rows ``"annotated beats"`` and ``"tracked beats"``; columns
        ``accuracy`` and ``chroma accuracy`` (means over pieces) and ``beat F``
        (the tracker's F-measure at ±70 ms; 1 for the annotation).

    Raises
    ------
    ValueError
        If ``lines`` is empty.
    """
    import pandas as pd

    from ..beats import track_beats
    from ..evaluation import beat_pitch_scores, beat_scores, pitches_at_beats

    if not lines:
        raise ValueError("chain_scores needs at least one bass line")
    rows = {"annotated beats": [], "tracked beats": []}
    for line in lines:
        activation = pitch_activation(line.audio, line.sr, network=network, model=model)
        annotated = beat_pitch_scores(line.pitches, beat_pitches(activation, line.beats))
        rows["annotated beats"].append({**annotated, "beat F": 1.0})
        tracked = track_beats(line.audio, line.sr)
        found = pitches_at_beats(line.beats, tracked, beat_pitches(activation, tracked)) if len(tracked) else \
            np.full(len(line.beats), -1)
        rows["tracked beats"].append({**beat_pitch_scores(line.pitches, found),
                                      "beat F": beat_scores(line.beats, tracked)["F"]})
    return pd.DataFrame({name: pd.DataFrame(r).mean() for name, r in rows.items()}).T
