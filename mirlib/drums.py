"""Drum transcription and downbeat tracking with convolutional recurrent networks.

The processing chain, with the frame rate carried at every step::

    signal (any sample rate, checked once, resampled to 44.1 kHz)
      -> TRANSCRIPTION features: log-filtered spectrogram + positive difference, 100 fps
      -> DRUM_CRNN (or DRUM_CNN, DRUM_RNN) -> KD, SD, HH Activations at 100 fps
      -> peak picking per instrument (DRUM_PEAKS) -> onset times in seconds per instrument
      -> General MIDI drum track (mirlib.data.write_drum_midi)

    DRUM_JOINT -> KD, SD, HH, beat, downbeat Activations at 100 fps
      -> madmom's DBN for downbeats -> (time in seconds, position in the bar)

The networks follow Vogl, Dorfer, Widmer & Knees, "Drum transcription via joint
beat and drum modeling using convolutional recurrent neural networks" (ISMIR
2017) :cite:p:`vogl2017drum`: a CRNN compared with a CNN and an RNN, and the
same CRNN trained jointly on drums, beats and downbeats. They are trained on
loops rendered from real recorded drum kits (:mod:`mirlib.synth.drums`) and
tested on kits never heard in training. ``mirlib train drums`` (and
``drum_cnn``, ``drum_rnn``, ``drum_joint``) reproduces the shipped weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import nn
from .data.annotations import DRUMS, event_targets
from .evaluation.events import drum_scores, scores_from_counts
from .features.activations import check_activation, frame_rate
from .features.postprocessing import downbeats_from_activation, pick_peaks
from .features.settings import TRANSCRIPTION, add_positive_difference
from .synth.drums import KIT_SPLITS, drum_loops

__all__ = ["DRUM_CRNN", "DRUM_CNN", "DRUM_RNN", "DRUM_JOINT", "NETWORKS", "DRUM_PEAKS", "DrumExample",
           "drum_examples", "train_on_drum_loops", "activation", "pick_drum_peaks", "transcribe",
           "downbeats_from_activation", "track_downbeats", "drum_scores", "score_transcriptions", "tune_thresholds",
           "held_out_scores", "nmf_templates", "nmf_activation"]

#: Peak picking of each instrument's activation: the sigmoid's midpoint 0.5 for every
#: instrument. Thresholds tuned on the one validation kit (:func:`tune_thresholds`)
#: were lower for the snare drum and did worse on the test kits (see the chapter).
DRUM_PEAKS = dict(threshold={"KD": 0.5, "SD": 0.5, "HH": 0.5}, pre_max=0.02, post_max=0.02, combine=0.02)
_JOINT_OUTPUTS = DRUMS + ("beats", "downbeats")


@dataclass(eq=False)
class DrumExample:
    """A rendered loop with its network input and frame-wise targets at 100 fps.

    Attributes
    ----------
    rendering : mirlib.synth.Rendering
    x : np.ndarray, float32, shape ``(n_frames, 168)``
        Log-filtered spectrogram (:data:`mirlib.features.TRANSCRIPTION`) and its
        positive difference.
    targets : np.ndarray, float32, shape ``(n_frames, 5)``
        Widened targets (:func:`mirlib.data.event_targets`) of KD, SD, HH,
        beats and downbeats, in that order.
    """

    rendering: object = field(repr=False)
    x: np.ndarray = field(repr=False)
    targets: np.ndarray = field(repr=False)

    @property
    def spectrogram(self):
        """np.ndarray, shape ``(n_frames, n_bands)``: the log-filtered spectrogram of ``x`` (without its difference)."""
        return self.x[:, :TRANSCRIPTION.n_bands]

    @property
    def drums(self):
        """dict: ``"KD"``, ``"SD"``, ``"HH"`` -> the onset times (seconds) the targets mark.

        The rendering's drums, with a band song's open hi-hats counted as HH
        as in MDB Drums.
        """
        return {d: _hh_with_open(self.rendering, d) for d in DRUMS}


def drum_examples(split, n, length=8.0, first_seed=0, band=False, sampled_hihat=0.0):
    """Render loops (or band songs) of a kit split and compute their inputs and targets.

    Parameters
    ----------
    split : {"train", "validation", "test"}
        Kits (see :func:`mirlib.synth.drums.drum_loops`).
    n : int
        Number of loops.
    length : float
        Approximate loop length in seconds.
    first_seed : int
        Seed of the first loop (training uses seeds from 0, evaluation from 10000).
    band : bool
        Render band songs whose drums are played by the split's kits
        (:func:`mirlib.synth.band.random_band_song`: sampled instruments,
        distractor cymbals and toms, effects; needs FluidSynth).
    sampled_hihat : float
        For band songs: the share whose hi-hat the SoundFont's kit plays
        (:func:`mirlib.synth.band.render_band_song`).

    Returns
    -------
    list of DrumExample

    Raises
    ------
    ValueError
        For an unknown split.
    FileNotFoundError
        If the kits are not installed and cannot be downloaded.
    mirlib.synth.band.FluidSynthMissing
        For ``band=True`` without FluidSynth.
    """
    if band:
        if split not in KIT_SPLITS:
            raise ValueError(f"unknown split {split!r}; choose one of {sorted(KIT_SPLITS)}")
        from .synth.band import random_band_song

        renderings = [random_band_song(s, KIT_SPLITS[split], length, sampled_hihat)
                      for s in range(first_seed, first_seed + n)]
    else:
        renderings = drum_loops(split, n, length=length, first_seed=first_seed)
    out = []
    for r in renderings:
        x = add_positive_difference(TRANSCRIPTION(r.audio, r.sr))
        events = [_hh_with_open(r, d) for d in DRUMS] + [r.beats, r.downbeats]
        targets = np.stack([event_targets(t, len(x), TRANSCRIPTION.fps) for t in events], axis=-1)
        out.append(DrumExample(r, x, targets))
    return out


def _hh_with_open(rendering, drum):
    """Onsets of ``drum``; for HH with the band songs' open hi-hats, as MDB Drums counts them.

    MDB Drums' HH class holds closed, pedal and open hi-hats (Southall et al.
    2017), so a network that learns open hi-hats as distractors misses the
    hi-hat of real songs.
    """
    times = np.asarray(rendering.drums[drum], dtype=float)
    open_hh = rendering.params.get("other_drums", {}).get("OHH", ())
    if drum == "HH" and len(open_hh):
        times = np.sort(np.concatenate([times, np.asarray(open_hh, dtype=float)]))
    return times


def train_on_drum_loops(network, n_train=240, epochs=25, seed=0, length=8.0, batch_size=8, learning_rate=2e-3,
                        examples=None, log_dir=None, verbose=0, n_band_songs=0, sampled_hihat=0.0):
    """Train a drum network on loops from the training kits (its recipe).

    Renders ``n_train`` loops from :data:`mirlib.data.drumkits.TRAIN_KITS`
    (seeds ``0 .. n_train - 1``) and ``n_band_songs`` band songs whose drums
    the same kits play (:mod:`mirlib.synth.band`), pads them to one batch with a mask, adapts
    the input normalisation to the training frames, and minimises binary
    cross-entropy with Adam on whole loops.

    Parameters
    ----------
    network : mirlib.nn.ShippedModel
        :data:`DRUM_CRNN`, :data:`DRUM_CNN`, :data:`DRUM_RNN` or
        :data:`DRUM_JOINT`; its ``outputs`` choose the targets.
    n_train : int
        Number of training loops.
    epochs, batch_size, learning_rate, seed
        As in :func:`mirlib.nn.train`.
    length : float
        Loop length in seconds.
    examples : list of DrumExample or None
        Training examples to use instead of rendering ``n_train`` loops.
    log_dir : str or None
        TensorBoard logs.
    verbose : int
        Keras verbosity.
    n_band_songs : int
        Band songs in the training mix (seeds ``0 .. n_band_songs - 1``).
    sampled_hihat : float
        Share of the band songs whose hi-hat the SoundFont's kit plays.

    Returns
    -------
    mirlib.nn.History
        With the trained network as ``.model``.
    """
    if examples is None:
        examples = drum_examples("train", n_train, length=length)
        if n_band_songs:
            examples += drum_examples("train", n_band_songs, length=length, band=True, sampled_hihat=sampled_hihat)
    columns = [_JOINT_OUTPUTS.index(o) for o in network.outputs]
    return network.fit_sequences([e.x for e in examples], [e.targets[:, columns] for e in examples], epochs=epochs,
                               batch_size=batch_size, learning_rate=learning_rate, seed=seed, log_dir=log_dir,
                               verbose=verbose)


def _drum_network(*, build, outputs, n_band_songs=0, sampled_hihat=0.0, **fields):
    """A drum network of Vogl et al. (2017): its shared input, recipe and held-out report."""
    return nn.ShippedModel(
        task="drums", paper="vogl2017drum", features=TRANSCRIPTION, inputs="flat", outputs=tuple(outputs),
        build=build, normalization_axis=-1, input_shape=(None, 2 * TRANSCRIPTION.n_bands), trainer=train_on_drum_loops,
        recipe=dict(n_train=240, epochs=25, seed=0, length=8.0, batch_size=8, learning_rate=2e-3,
                    n_band_songs=n_band_songs, sampled_hihat=sampled_hihat),
        held_out=nn.HeldOut(lambda **kw: held_out_scores(**kw), "F ±50 ms",
                            "{n} loops from kits never heard in training", n=20, also=("F ±20 ms",)),
        **fields)


_NB = TRANSCRIPTION.n_bands
#: The CRNN of Vogl et al. (ISMIR 2017) for KD, SD, HH, trained on real recorded kits.
DRUM_CRNN = _drum_network(
    name="drum_crnn", description="drum CRNN (Vogl et al. 2017): KD, SD, HH on log-filtered spectrogram, 100 fps",
    build=lambda norm: nn.drum_crnn(_NB, n_outputs=3, normalization=norm), outputs=DRUMS, aliases=("drums",))
#: The CNN of Vogl et al.'s comparison (no recurrent layers).
DRUM_CNN = _drum_network(
    name="drum_cnn", description="drum CNN (Vogl et al. 2017 comparison): KD, SD, HH, 100 fps",
    build=lambda norm: nn.drum_cnn(_NB, n_outputs=3, normalization=norm), outputs=DRUMS)
#: The RNN of Vogl et al.'s comparison (no convolutions).
DRUM_RNN = _drum_network(
    name="drum_rnn", description="drum RNN (Vogl et al. 2017 comparison): KD, SD, HH, 100 fps",
    build=lambda norm: nn.drum_rnn(2 * _NB, n_outputs=3, normalization=norm), outputs=DRUMS)
#: The CRNN trained jointly on drums, beats and downbeats (Vogl et al. 2017).
DRUM_JOINT = _drum_network(
    name="drum_joint", description="joint drum/beat CRNN (Vogl et al. 2017): KD, SD, HH, beats, downbeats",
    build=lambda norm: nn.drum_crnn(_NB, n_outputs=5, normalization=norm), outputs=_JOINT_OUTPUTS,
    aliases=("downbeats",))
#: The drum networks by name.
NETWORKS = {m.name: m for m in (DRUM_CRNN, DRUM_CNN, DRUM_RNN, DRUM_JOINT)}


def activation(y, sr, network="drum_crnn", model=None):
    """Activation functions of a drum network.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz (resampled to 44.1 kHz).
    network : mirlib.nn.ShippedModel or {"drum_crnn", "drum_cnn", "drum_rnn", "drum_joint"}
        One of :data:`NETWORKS`, or its name.
    model : keras.Model or None
        Other weights of the same network; default the shipped ones.

    Returns
    -------
    mirlib.features.Activations, shape ``(n_frames, n_outputs)``
        Probability per frame at 100 fps; columns KD, SD, HH (and beats,
        downbeats for ``"drum_joint"``), named in ``.labels``.

    Raises
    ------
    ValueError
        For an empty, NaN or multi-channel signal, a bad sample rate or an
        unknown network.
    FileNotFoundError
        If no model is given and the shipped weights are missing.
    """
    return nn.resolve(network, *NETWORKS.values()).activation(y, sr, model)


def pick_drum_peaks(activations, fps=None, threshold=None, **peaks):
    """Onsets per instrument from multi-channel drum activations.

    Each instrument's column is peak-picked on its own
    (:func:`mirlib.features.pick_peaks`) with its own threshold.

    Parameters
    ----------
    activations : Activations or np.ndarray, shape ``(n_frames, n_outputs)``
        The first three columns are KD, SD and HH (further columns are ignored).
    fps : float or None
        Frame rate; None takes it from :class:`Activations`.
    threshold : float or dict or None
        One threshold for all, or ``{"KD": ..., "SD": ..., "HH": ...}``;
        None: :data:`DRUM_PEAKS`.
    **peaks
        Other peak-picking parameters overriding :data:`DRUM_PEAKS`.

    Returns
    -------
    dict
        ``"KD"``, ``"SD"``, ``"HH"`` -> onset times in seconds, shape ``(n_onsets,)``.

    Raises
    ------
    ValueError
        For activations that are not ``(n_frames, >= 3)``, NaN, a bad frame
        rate or bad peak-picking values.

    Examples
    --------
    >>> act = np.zeros((100, 3)); act[10, 0] = act[50, 1] = act[30, 2] = 0.9
    >>> {k: v.tolist() for k, v in pick_drum_peaks(act, fps=100).items()}
    {'KD': [0.1], 'SD': [0.5], 'HH': [0.3]}
    """
    fps = frame_rate(activations, fps)
    act = check_activation(activations, fps, channels=True)
    if act.ndim != 2 or act.shape[1] < len(DRUMS):
        raise ValueError(f"drum activations must have shape (n_frames, 3 or more): KD, SD, HH; got {act.shape}")
    threshold = DRUM_PEAKS["threshold"] if threshold is None else threshold
    if not isinstance(threshold, dict):
        threshold = {d: float(threshold) for d in DRUMS}
    settings = {k: v for k, v in DRUM_PEAKS.items() if k != "threshold"} | peaks
    return {d: pick_peaks(np.ascontiguousarray(act[:, i]), fps, threshold=threshold[d], **settings)
            for i, d in enumerate(DRUMS)}


def transcribe(y, sr, network="drum_crnn", model=None, threshold=None):
    """KD, SD and HH onset times of a recording.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz.
    network : mirlib.nn.ShippedModel or str
        A drum network or its name (see :func:`activation`).
    model : keras.Model or None
        Other weights of that network.
    threshold : float or dict or None
        Peak-picking threshold(s) (see :func:`pick_drum_peaks`).

    Returns
    -------
    dict
        ``"KD"``, ``"SD"``, ``"HH"`` -> onset times in seconds.

    Raises
    ------
    ValueError
        For a bad signal or network (see :func:`activation`).
    """
    return pick_drum_peaks(activation(y, sr, network=network, model=model), threshold=threshold)


def track_downbeats(y, sr, network="drum_joint", model=None, beats_per_bar=(3, 4)):
    """Beats and bar positions of a recording from the joint drum/beat network.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz.
    network : mirlib.nn.ShippedModel or str
        :data:`DRUM_JOINT` (or a variant of it), or its name: a network with
        ``"beats"`` and ``"downbeats"`` outputs.
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
        For a bad signal (see :func:`activation`).
    """
    network = nn.resolve(network, DRUM_JOINT)
    if not {"beats", "downbeats"} <= set(network.outputs):
        raise ValueError(f"{network.name} has no beat and downbeat outputs (it has {list(network.outputs)})")
    act = activation(y, sr, network=network, model=model)
    return downbeats_from_activation(act["beats"], act["downbeats"], beats_per_bar=beats_per_bar)


def score_transcriptions(references, estimates, window=0.05):
    """Scores of many transcriptions, counts summed over pieces and instruments.

    Parameters
    ----------
    references, estimates : sequence of dict
        Per piece, ``"KD"``, ``"SD"``, ``"HH"`` -> onset times in seconds.
    window : float
        Tolerance window in seconds.

    Returns
    -------
    dict
        Instrument and ``"overall"`` -> ``{"F", "P", "R", "TP", "FP", "FN"}``
        over all pieces (micro average, as :func:`drum_scores` per piece).

    Raises
    ------
    ValueError
        If the two sequences differ in length or are empty.
    """
    if len(references) != len(estimates) or not references:
        raise ValueError(f"need as many estimates as references (at least one), got {len(references)} "
                         f"and {len(estimates)}")
    totals = {name: np.zeros(3, dtype=int) for name in DRUMS + ("overall",)}
    for ref, est in zip(references, estimates):
        scores = drum_scores(ref, est, window=window)
        for name in totals:
            totals[name] += [scores[name]["TP"], scores[name]["FP"], scores[name]["FN"]]
    return {name: scores_from_counts(*counts) for name, counts in totals.items()}


def tune_thresholds(activations, references, candidates=np.arange(0.1, 0.95, 0.05), window=0.05, plateau=0.01):
    """Per-instrument peak-picking thresholds that maximise the F-measure on tuning data.

    The F-measure of a well-trained network is nearly flat over a wide range
    of thresholds; the maximum of a few tuning loops is a matter of chance
    within it. So the threshold chosen is the middle of the *plateau*: of the
    candidates whose F-measure lies within ``plateau`` of the best, the median.

    Parameters
    ----------
    activations : sequence of Activations, each ``(n_frames, >= 3)``
        Activations of the tuning pieces (KD, SD, HH first).
    references : sequence of dict
        Their reference onsets per instrument.
    candidates : array_like
        Thresholds to try, ascending.
    window : float
        Tolerance window in seconds.
    plateau : float
        Candidates within this much of the best F-measure count as equally good.

    Returns
    -------
    dict
        ``"KD"``, ``"SD"``, ``"HH"`` -> the best threshold.

    Raises
    ------
    ValueError
        For activations that are not ``(n_frames, >= 3)`` with a frame rate, or
        references without an instrument.
    """
    settings = {k: v for k, v in DRUM_PEAKS.items() if k != "threshold"}
    best = {}
    for i, name in enumerate(DRUMS):
        columns = [np.ascontiguousarray(check_activation(a, frame_rate(a), channels=True)[:, i]) for a in activations]
        f = []
        for c in candidates:
            counts = np.zeros(3, dtype=int)
            for a, column, ref in zip(activations, columns, references):
                s = drum_scores({name: ref[name]}, {name: pick_peaks(column, frame_rate(a), threshold=float(c),
                                                                      **settings)}, window, instruments=(name,))
                counts += [s[name]["TP"], s[name]["FP"], s[name]["FN"]]
            f.append(scores_from_counts(*counts)["F"])
        good = np.flatnonzero(np.asarray(f) >= max(f) - plateau)
        best[name] = round(float(candidates[good[len(good) // 2]]), 2)
    return best


def held_out_scores(model=None, network="drum_crnn", n=20, split="test", threshold=None, examples=None):
    """Overall F-measure of a drum network on loops from kits never heard in training.

    Parameters
    ----------
    model : keras.Model or None
        Weights of ``network`` (default: the shipped ones).
    network : mirlib.nn.ShippedModel or str
        One of :data:`NETWORKS`.
    n : int
        Number of test loops (seeds 10000 and up).
    split : str
        Kit split to test on.
    threshold : float, dict or None
        Peak-picking thresholds (default :data:`DRUM_PEAKS`).
    examples : list of DrumExample or None
        Test examples to use instead of rendering ``n`` loops.

    Returns
    -------
    dict
        ``"F ±50 ms"``, ``"F ±20 ms"`` (counts summed over loops and
        instruments) and ``"loops"``.

    Raises
    ------
    ValueError
        For an unknown split or bad thresholds.
    FileNotFoundError
        If no model is given and the shipped weights are missing.
    """
    network = nn.resolve(network, *NETWORKS.values())
    examples = drum_examples(split, n, first_seed=10000) if examples is None else examples
    model = network.cached() if model is None else model
    refs, ests = [], []
    for e in examples:
        act = nn.predict_sequence(model, e.x)
        ests.append(pick_drum_peaks(act, TRANSCRIPTION.fps, threshold=threshold))
        refs.append(e.drums)
    return {"F ±50 ms": score_transcriptions(refs, ests, 0.05)["overall"]["F"],
            "F ±20 ms": score_transcriptions(refs, ests, 0.02)["overall"]["F"], "loops": len(examples)}


def nmf_templates(kits=None, frames=10):
    """Spectral templates of KD, SD and HH for NMF, averaged over the one-shots of kits.

    Each one-shot's log-filtered magnitude spectrum (linear magnitudes, before
    the logarithm) is averaged over its first ``frames`` frames (100 ms), and
    the templates of a drum are averaged over the kits' layers; each template
    is scaled to unit sum.

    Parameters
    ----------
    kits : sequence of str or None
        Kits (default: the training kits).
    frames : int
        Frames of each one-shot to average.

    Returns
    -------
    np.ndarray, float32, shape ``(3, n_bands)``
        Templates of KD, SD and HH over the :data:`mirlib.features.TRANSCRIPTION` bands.

    Raises
    ------
    ValueError
        For an unknown kit.
    """
    from .data.drumkits import TRAIN_KITS, load_kit

    kits = TRAIN_KITS if kits is None else kits
    fb = _filterbank()
    out = np.zeros((len(DRUMS), fb.shape[1]))
    for i, drum in enumerate(DRUMS):
        spectra = []
        for name in kits:
            for variant in load_kit(name).instruments[drum]:
                for layer in variant:
                    S = _linear_filtered(layer.audio, fb)[:frames].mean(axis=0)
                    spectra.append(S / (S.sum() + 1e-12))
        out[i] = np.mean(spectra, axis=0)
    return out.astype(np.float32)


def _filterbank():
    from .features.spectral import log_filterbank

    return log_filterbank(TRANSCRIPTION.sr, TRANSCRIPTION.frame_sizes[0], TRANSCRIPTION.bands_per_octave,
                          TRANSCRIPTION.fmin, TRANSCRIPTION.fmax)


def _linear_filtered(y, fb):
    from .features.spectral import magnitude_spectrogram

    return magnitude_spectrogram(y, frame_size=TRANSCRIPTION.frame_sizes[0], hop_size=TRANSCRIPTION.hop_size) @ fb


def nmf_activation(y, sr, templates):
    """Drum activations by non-negative matrix factorisation with fixed templates (a baseline).

    The filtered magnitude spectrogram ``V`` (``(n_frames, n_bands)``) is
    factorised as ``V ≈ G T`` with the templates ``T`` fixed
    (:func:`sklearn.decomposition.non_negative_factorization`, Kullback-Leibler
    divergence); the gains ``G`` say how strongly each drum sounds in each
    frame. Their positive difference, scaled to a maximum of 1 per drum, is
    the activation: a drum starts where its gain rises. The classic approach
    before neural networks; see Wu et al.'s review :cite:p:`wu2018review`.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz (resampled to 44.1 kHz).
    templates : np.ndarray, shape ``(3, n_bands)``
        From :func:`nmf_templates`.

    Returns
    -------
    mirlib.features.Activations, shape ``(n_frames, 3)``
        KD, SD and HH at 100 fps.

    Raises
    ------
    ValueError
        For a bad signal or templates of the wrong shape.
    """
    from sklearn.decomposition import non_negative_factorization

    from .features.activations import Activations

    fb = _filterbank()
    templates = np.asarray(templates, dtype=np.float64)
    if templates.shape != (len(DRUMS), fb.shape[1]):
        raise ValueError(f"templates must have shape (3, {fb.shape[1]}), got {templates.shape}")
    V = _linear_filtered(TRANSCRIPTION.prepare(y, sr), fb).astype(np.float64) + 1e-9
    G, _, _ = non_negative_factorization(V, H=templates, n_components=len(DRUMS), init="custom", update_H=False,
                                         beta_loss="kullback-leibler", solver="mu", max_iter=200, tol=1e-4)
    rise = np.maximum(np.diff(G, axis=0, prepend=G[:1]), 0.0)
    rise /= rise.max(axis=0, keepdims=True) + 1e-12
    return Activations(rise.astype(np.float32), TRANSCRIPTION.fps, labels=DRUMS)
