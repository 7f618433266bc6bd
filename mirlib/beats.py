"""Beat tracking and tempo estimation with the book's beat network.

The processing chain, with the frame rate carried at every step::

    signal (any sample rate, checked once, resampled to 44.1 kHz)
      -> RHYTHM features flattened with their positive difference, 100 fps
      -> BEAT_BLSTM -> beat Activations at 100 fps
      -> madmom's DBN (or peak picking) -> beat times in seconds
      -> the DBN's beat period, an octave decision (comb filters x tempo prior)
      -> tempo in bpm

:data:`BEAT_BLSTM` is the BLSTM of Böck & Schedl :cite:p:`boeck2011enhanced`,
trained on loops rendered by :mod:`mirlib.synth`, on drum loops played by
recorded kits and on band songs (:mod:`mirlib.synth.band`;
:func:`mirlib.loopnets.train_on_loops`);
``mirlib train beat_blstm`` reproduces the shipped weights. The DBN is madmom's
:cite:p:`krebs2015efficient`, the comb filters :cite:p:`boeck2015accurate`.
madmom's pretrained ensemble and librosa's tracker are in :mod:`mirlib.references`.

:data:`BEAT_TCN` is the multi-task temporal convolutional network of Böck &
Davies :cite:p:`boeck2020deconstruct` (beats and downbeats; the tempo comes from
its beat activation), trained on the same examples; ``network="beat_tcn"``
selects it, and :func:`track_downbeats` reads its bars. On the four MDB Drums
validation songs its lead over the BLSTM rests on one song and on the
training seed, so the BLSTM stays the default (book chapter *Rhythm and drums
on real songs*).
"""

from __future__ import annotations

import numpy as np

from . import nn
from .features.postprocessing import (BEAT_PEAKS, BPM_RANGE, TEMPO_PRIOR, beats_from_activation, tempo_from_activation,
                                      tempo_octave, tempo_prior)
from .loopnets import KIT_LOOPS, bars_from_network, held_out_f_measure, loop_network

#: Band songs (:mod:`mirlib.synth.band`) in the beat network's training mix, next
#: to the generated loops and the drum loops on recorded kits: what teaches it
#: to follow the beat of a band rather than its guitars and keys.
BAND_SONGS = 240

__all__ = ["BEAT_BLSTM", "BEAT_TCN", "BAND_SONGS", "BEAT_PEAKS", "BPM_RANGE", "activation", "track_beats",
           "estimate_tempo", "track_downbeats", "held_out_scores", "beats_from_activation", "tempo_from_activation",
           "tempo_octave", "tempo_prior", "TEMPO_PRIOR"]


def held_out_scores(model=None, network="beat_blstm", n=20):
    """Beat F-measure (±70 ms) of the beat network on generated held-out loops (seeds 10000+).

    Parameters
    ----------
    model : keras.Model or None
        Weights of ``network`` to score; default the shipped ones.
    network : mirlib.nn.ShippedModel or str
        :data:`BEAT_BLSTM` (the default) or :data:`BEAT_TCN` (or a variant of either), or its name.
    n : int
        Number of 8-s loops.

    Returns
    -------
    dict
        ``"F ±70 ms"``: mean over loops; ``"pieces"``: how many.
    """
    return held_out_f_measure(lambda y, sr: track_beats(y, sr, network=network, model=model), "beats", n)


#: The BLSTM beat network of Böck & Schedl (DAFx 2011), trained on generated loops.
BEAT_BLSTM = loop_network(
    name="beat_blstm", task="beats", paper="boeck2011enhanced",
    description="beat BLSTM (Böck & Schedl 2011) on log-mel stack + positive difference, 100 fps", inputs="flat",
    build=lambda n, norm: nn.beat_blstm(n, normalization=norm), outputs=("beats",), length=10.0, aliases=("beats",),
    n_kit_loops=KIT_LOOPS, n_band_songs=BAND_SONGS, n_riff_songs=0,
    held_out=nn.HeldOut(held_out_scores, "F ±70 ms", "{n} generated loops (seeds 10000+)", n=20))


#: The multi-task TCN of Böck & Davies (ISMIR 2020): beats and downbeats from one
#: network, trained on the same mix as the BLSTM.
BEAT_TCN = loop_network(
    name="beat_tcn", task="beats", paper="boeck2020deconstruct",
    description="beat/downbeat TCN (Böck & Davies 2020) on a 3-resolution log-mel stack, 100 fps", inputs="stack",
    build=lambda n, norm: nn.beat_tcn(normalization=norm), outputs=("beats", "downbeats"), length=10.0,
    n_kit_loops=KIT_LOOPS, n_band_songs=BAND_SONGS, n_riff_songs=0,
    held_out=nn.HeldOut(held_out_scores, "F ±70 ms", "{n} generated loops (seeds 10000+)", n=20))


def activation(y, sr, network="beat_blstm", model=None):
    """Beat activation function of the beat network.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz (resampled to 44.1 kHz).
    network : mirlib.nn.ShippedModel or str
        :data:`BEAT_BLSTM` (the default) or :data:`BEAT_TCN` (or a variant of either), or its name.
    model : keras.Model or None
        Other weights of the network, e.g. from ``BEAT_BLSTM.train()``.

    Returns
    -------
    mirlib.features.Activations, shape ``(n_frames,)``
        Beat probability per frame at 100 fps.

    Raises
    ------
    ValueError
        For an empty, NaN or multi-channel signal or a bad sample rate.
    FileNotFoundError
        If no model is given and the shipped weights are missing.
    """
    return nn.resolve(network, BEAT_BLSTM, BEAT_TCN).activation(y, sr, model)[:, 0]


def track_beats(y, sr, network="beat_blstm", model=None, method="dbn"):
    """Beat times in seconds from the BLSTM beat network.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz.
    network : mirlib.nn.ShippedModel or str
        :data:`BEAT_BLSTM` (the default) or :data:`BEAT_TCN` (or a variant of either), or its name.
    model : keras.Model or None
        Other weights of the network.
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
    return beats_from_activation(activation(y, sr, network=network, model=model), method=method)


def estimate_tempo(y, sr, network="beat_blstm", model=None, method="dbn"):
    """Tempo in bpm from the BLSTM beat activation.

    ``method="dbn"`` (what ``mirlib tempo`` runs): the median interval of the
    DBN's beats (:func:`beats_from_activation`), then :func:`tempo_octave`
    picks half, the same or double that tempo by the comb-filter evidence
    :cite:p:`boeck2015accurate` weighted with the tempo prior
    :data:`TEMPO_PRIOR`. ``method="comb"``: the strongest comb filter alone
    (:func:`tempo_from_activation`), as madmom's tempo estimator does.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz (resampled to 44.1 kHz).
    network : mirlib.nn.ShippedModel or str
        :data:`BEAT_BLSTM` (the default) or :data:`BEAT_TCN` (or a variant of either), or its name.
    model : keras.Model or None
        Other weights of the network.
    method : {"dbn", "comb"}

    Returns
    -------
    float
        Tempo in beats per minute.

    Raises
    ------
    ValueError
        For an empty, NaN or multi-channel signal, an activation without
        periodicity, or an unknown method.
    """
    if method not in ("dbn", "comb"):
        raise ValueError(f"method must be 'dbn' or 'comb', got {method!r}")
    act = activation(y, sr, network=network, model=model)
    if method == "comb":
        return tempo_from_activation(act)
    beat_times = beats_from_activation(act)
    # fewer than two beats (a very short signal) have no period: start from the comb filters
    tempo = 60.0 / np.median(np.diff(beat_times)) if len(beat_times) >= 2 else tempo_from_activation(act)
    return tempo_octave(act, tempo)


def track_downbeats(y, sr, network="beat_tcn", model=None, beats_per_bar=(3, 4)):
    """Beats and their positions in the bar from the multi-task TCN.

    The network's beat and downbeat activations (Böck & Davies
    :cite:p:`boeck2020deconstruct`) go through madmom's bar-tracking DBN
    (Böck, Krebs & Widmer :cite:p:`boeck2016joint`;
    :func:`mirlib.features.postprocessing.downbeats_from_activation`).

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz (resampled to 44.1 kHz).
    network : mirlib.nn.ShippedModel or str
        :data:`BEAT_TCN` (or a variant of it), or its name: a beat network with
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
        For a bad signal (see :func:`activation`), or a network without a downbeat output.
    """
    return bars_from_network(nn.resolve(network, BEAT_BLSTM, BEAT_TCN), y, sr, model, beats_per_bar)
