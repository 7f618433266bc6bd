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
from .evaluation.events import drum_scores, score_transcriptions
from .features.activations import check_activation, frame_rate
from .features.postprocessing import downbeats_from_activation, pick_peaks
from .features.settings import TRANSCRIPTION, add_positive_difference
from .loopnets import bars_from_network
from .references.nmf import nmf_activation, nmf_templates
from .synth.drums import KIT_SPLITS, drum_loops, through_recording_chain

__all__ = ["DRUM_CRNN", "DRUM_CNN", "DRUM_RNN", "DRUM_JOINT", "NETWORKS", "DRUM_PEAKS", "DrumExample",
           "drum_examples", "train_on_drum_loops", "activation", "pick_drum_peaks", "transcribe",
           "downbeats_from_activation", "track_downbeats", "drum_scores", "score_transcriptions", "tune_thresholds",
           "leave_one_song_out", "threshold_table", "THRESHOLD_GRID",
           "held_out_scores", "nmf_templates", "nmf_activation"]

#: Peak picking of each instrument's activation: the sigmoid's midpoint 0.5 for every
#: instrument. Thresholds tuned on the one validation kit (:func:`tune_thresholds`)
#: were lower for the snare drum and did worse on the test kits (see the chapter).
#: :func:`transcribe` uses the shipped networks' own ``thresholds``, tuned on the
#: four MDB Drums validation songs (chapter "Rhythm and drums on real songs").
DRUM_PEAKS = dict(threshold={"KD": 0.5, "SD": 0.5, "HH": 0.5}, pre_max=0.02, post_max=0.02, combine=0.02)
#: Candidate thresholds of :func:`tune_thresholds`, finer near zero: on real songs
#: a network trained on drum loops gives some hi-hats only a faint activation peak.
THRESHOLD_GRID = (0.002, 0.003, 0.005, 0.007, 0.01, 0.015, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
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


def drum_examples(split, n, length=8.0, first_seed=0, band=False, sampled_hihat=0.0, recorded=0.0):
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
    recorded : float
        For loops: the share that goes through a random recording chain
        (:func:`mirlib.data.augment.recording_chain`: EQ, room, compression),
        drawn from one generator seeded with ``first_seed + 123``.

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
        rng = np.random.default_rng(first_seed + 123)
        renderings = [through_recording_chain(r, rng, recorded) for r in renderings]
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
                        examples=None, log_dir=None, verbose=0, n_band_songs=0, sampled_hihat=0.0, recorded=0.0):
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
    recorded : float
        Share of the loops played through a random recording chain (see :func:`drum_examples`).

    Returns
    -------
    mirlib.nn.History
        With the trained network as ``.model``.
    """
    if examples is None:
        examples = drum_examples("train", n_train, length=length, recorded=recorded)
        if n_band_songs:
            examples += drum_examples("train", n_band_songs, length=length, band=True, sampled_hihat=sampled_hihat)
    columns = [_JOINT_OUTPUTS.index(o) for o in network.outputs]
    return network.fit_sequences([e.x for e in examples], [e.targets[:, columns] for e in examples], epochs=epochs,
                               batch_size=batch_size, learning_rate=learning_rate, seed=seed, log_dir=log_dir,
                               verbose=verbose)


def _drum_network(*, build, outputs, recipe=None, **fields):
    """A drum network of Vogl et al. (2017): its shared input, recipe (``recipe`` changes the shared one's
    keywords of :func:`train_on_drum_loops`) and held-out report."""
    return nn.ShippedModel(
        task="drums", paper="vogl2017drum", features=TRANSCRIPTION, inputs="flat", outputs=tuple(outputs),
        build=build, normalization_axis=-1, input_shape=(None, 2 * TRANSCRIPTION.n_bands), trainer=train_on_drum_loops,
        recipe={**dict(n_train=240, epochs=25, seed=0, length=8.0, batch_size=8, learning_rate=2e-3, n_band_songs=0,
                       sampled_hihat=0.0, recorded=0.0), **(recipe or {})},
        held_out=nn.HeldOut(lambda **kw: held_out_scores(**kw), "F ±50 ms",
                            "{n} loops from kits never heard in training", n=20, also=("F ±20 ms",)),
        **fields)


_NB = TRANSCRIPTION.n_bands
#: The CRNN of Vogl et al. (ISMIR 2017) for KD, SD, HH, trained on real recorded kits.
DRUM_CRNN = _drum_network(
    name="drum_crnn", description="drum CRNN (Vogl et al. 2017): KD, SD, HH on log-filtered spectrogram, 100 fps",
    build=lambda norm: nn.drum_crnn(_NB, n_outputs=3, normalization=norm), outputs=DRUMS, aliases=("drums",),
    recipe=dict(recorded=0.7), thresholds={"KD": 0.4, "SD": 0.6, "HH": 0.015})
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
    aliases=("downbeats",), thresholds={"KD": 0.7, "SD": 0.8, "HH": 0.007})
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
        Peak-picking threshold(s) (see :func:`pick_drum_peaks`). None: the
        network's ``thresholds``, tuned for its shipped weights on the MDB
        Drums validation songs, or :data:`DRUM_PEAKS` for other weights.

    Returns
    -------
    dict
        ``"KD"``, ``"SD"``, ``"HH"`` -> onset times in seconds.

    Raises
    ------
    ValueError
        For a bad signal or network (see :func:`activation`).
    """
    network = nn.resolve(network, *NETWORKS.values())
    if threshold is None and model is None:
        threshold = network.thresholds
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
    return bars_from_network(nn.resolve(network, DRUM_JOINT), y, sr, model, beats_per_bar)


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
        Thresholds to try, ascending (:data:`THRESHOLD_GRID` reaches lower).
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
    candidates, best = np.asarray(candidates, dtype=float), {}
    settings = {k: v for k, v in DRUM_PEAKS.items() if k != "threshold"}
    rates = [frame_rate(a) for a in activations]
    for i, name in enumerate(DRUMS):
        columns = [(np.ascontiguousarray(check_activation(a, fps, channels=True)[:, i]), fps)
                   for a, fps in zip(activations, rates)]
        f = [score_transcriptions(references, [{name: pick_peaks(c, fps, threshold=float(t), **settings)}
                                               for c, fps in columns], window, instruments=(name,))[name]["F"]
             for t in candidates]
        good = np.flatnonzero(np.asarray(f) >= max(f) - plateau)
        best[name] = round(float(candidates[good[len(good) // 2]]), 3)
    return best


def leave_one_song_out(activations, references, songs, candidates=THRESHOLD_GRID, window=0.05):
    """Transcriptions of each song with thresholds tuned on the other songs only.

    Cross-validation of :func:`tune_thresholds`: for each song, the
    thresholds come from all recordings of the other songs, so each song's
    score is that of a song the thresholds never saw. Recordings of one song
    (e.g. its band mix and its drum track) are held out together.

    Parameters
    ----------
    activations : sequence of Activations, each ``(n_frames, >= 3)``
        Activations of the recordings.
    references : sequence of dict
        Their reference onsets per instrument.
    songs : sequence of str
        The song each recording belongs to; at least two songs.
    candidates, window
        As for :func:`tune_thresholds`.

    Returns
    -------
    estimates : list of dict
        Per recording, ``"KD"``, ``"SD"``, ``"HH"`` -> onset times in seconds.
    thresholds : dict
        Song -> the thresholds its recordings were transcribed with.

    Raises
    ------
    ValueError
        If the three sequences differ in length or hold fewer than two songs.
    """
    songs = list(songs)
    if not len(activations) == len(references) == len(songs) or len(set(songs)) < 2:
        raise ValueError(f"need one reference and one song name per activation, and two or more songs; got "
                         f"{len(activations)} activations, {len(references)} references, songs {sorted(set(songs))}")
    thresholds = {song: tune_thresholds([a for a, s in zip(activations, songs) if s != song],
                                        [r for r, s in zip(references, songs) if s != song], candidates, window)
                  for song in dict.fromkeys(songs)}
    return [pick_drum_peaks(a, threshold=thresholds[s]) for a, s in zip(activations, songs)], thresholds


def threshold_table(activations, references, songs, sources, thresholds=None, window=0.05):
    """F-measures of drum transcriptions by how their thresholds were chosen.

    Each source's recordings are transcribed at 0.5, with the given
    ``thresholds`` if any, and with thresholds tuned on the other songs
    (:func:`leave_one_song_out`, the fair figure for songs used in tuning).

    Parameters
    ----------
    activations, references, songs
        As for :func:`leave_one_song_out`.
    sources : sequence of str
        What each recording is, e.g. ``"band mix"`` or ``"drum track"``.
    thresholds : float or dict, optional
        Further thresholds to compare, e.g. a registry entry's ``thresholds``.
    window : float
        Tolerance window in seconds.

    Returns
    -------
    pandas.DataFrame
        One row per ``"{source}, {how}"``; columns ``"KD"``, ``"SD"``,
        ``"HH"`` and ``"overall"`` (F-measure, counts summed over the
        source's recordings). ``attrs["thresholds"]`` holds, per song, the
        thresholds tuned on the other songs.

    Raises
    ------
    ValueError
        If the sequences differ in length or hold fewer than two songs.

    References
    ----------
    Vogl, Dorfer, Widmer & Knees (2017). Drum transcription via joint beat and
    drum modeling using convolutional recurrent neural networks. ISMIR.
    """
    import pandas as pd

    if len(sources) != len(activations):
        raise ValueError(f"need one source per activation; got {len(sources)} sources, {len(activations)} activations")
    ways = {"threshold 0.5": [pick_drum_peaks(a, threshold=0.5) for a in activations]}
    if thresholds is not None:
        ways["shipped thresholds"] = [pick_drum_peaks(a, threshold=thresholds) for a in activations]
    ways["tuned on the other songs"], tuned = leave_one_song_out(activations, references, songs, window=window)
    rows = {}
    for source in dict.fromkeys(sources):
        mine = [i for i, s in enumerate(sources) if s == source]
        for how, estimates in ways.items():
            found = score_transcriptions([references[i] for i in mine], [estimates[i] for i in mine], window)
            rows[f"{source}, {how}"] = {k: found[k]["F"] for k in ("KD", "SD", "HH", "overall")}
    table = pd.DataFrame(rows).T
    table.attrs["thresholds"] = tuned
    return table


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
