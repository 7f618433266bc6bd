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
annotations (:func:`mirlib.loopnets.train_on_loops`); the CNN's training mix also holds
:data:`~mirlib.loopnets.KIT_LOOPS` drum loops played on recorded kits (the four test kits are
never heard), so it holds up on real drums. ``mirlib train onset_cnn``
reproduces the shipped weights. madmom's and librosa's detectors are in :mod:`mirlib.references`.
"""

from __future__ import annotations

import numpy as np

from . import nn
from .audio import check_signal
from .features.activations import Activations, check_activation, frame_rate
from .features.postprocessing import pick_peaks
from .features.settings import RHYTHM
from .loopnets import KIT_LOOPS, held_out_f_measure, loop_network

__all__ = ["spectral_flux", "superflux", "odf_onsets", "ODF_PEAKS", "pick_peaks", "check_activation", "ONSET_PEAKS", "ONSET_CNN", "ONSET_RNN",
           "NETWORKS", "activation", "detect_onsets", "held_out_scores"]

#: Peak-picking settings of the hand-made detection functions (spectral flux,
#: SuperFlux) scaled to a maximum of 1 (:func:`odf_onsets`), with the moving
#: average of Böck et al. :cite:p:`boeck2012evaluating`.
ODF_PEAKS = dict(threshold=0.1, pre_avg=0.1, post_avg=0.05, pre_max=0.03, post_max=0.03, combine=0.03)

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


def odf_onsets(odf, fps=None, **peaks):
    """Onset times from a hand-made onset detection function: scaled to a maximum of 1, then peak picking.

    Parameters
    ----------
    odf : mirlib.features.Activations or np.ndarray, shape ``(n_frames,)``
        E.g. :func:`spectral_flux` or :func:`superflux`.
    fps : float or None
        Its frame rate; default that of the :class:`~mirlib.features.Activations`.
    **peaks
        Peak picking overriding :data:`ODF_PEAKS` (see :func:`pick_peaks`).

    Returns
    -------
    np.ndarray, shape ``(n_onsets,)``
        Onset times in seconds.

    Raises
    ------
    ValueError
        Without a frame rate, or for NaN values.

    Examples
    --------
    >>> odf = np.zeros(100); odf[[20, 60]] = [4.0, 2.0]
    >>> odf_onsets(odf, fps=100).tolist()
    [0.2, 0.6]
    """
    fps = frame_rate(odf, fps)
    odf = np.asarray(check_activation(odf, name="onset detection function"), dtype=float)
    return pick_peaks(odf / max(float(odf.max()), 1e-9), fps, **{**ODF_PEAKS, **peaks})


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




def held_out_scores(model=None, network="onset_cnn", n=20):
    """Onset F-measure (±50 ms) of an onset network on generated held-out loops (seeds 10000+).

    Parameters
    ----------
    model : keras.Model or None
        Weights of ``network`` to score; default the shipped ones.
    network : mirlib.nn.ShippedModel or str
        :data:`ONSET_CNN` or :data:`ONSET_RNN`, or its name.
    n : int
        Number of 8-s loops.

    Returns
    -------
    dict
        ``"F ±50 ms"``: mean over loops; ``"pieces"``: how many.
    """
    return held_out_f_measure(lambda y, sr: detect_onsets(y, sr, network=network, model=model), "onsets", n)


_HELD_OUT = nn.HeldOut(held_out_scores, "F ±50 ms", "{n} generated loops (seeds 10000+)", n=20)

#: The CNN onset detector of Schlüter & Böck (ICASSP 2014), trained on generated loops.
ONSET_CNN = loop_network(
    name="onset_cnn", task="onsets", paper="schlueter2014improved",
    description="onset CNN (Schlüter & Böck 2014) on a 3-resolution log-mel stack, 100 fps", inputs="stack",
    build=lambda _, norm: nn.onset_cnn(RHYTHM.n_bands, RHYTHM.n_channels, normalization=norm), outputs=("onsets",),
    length=6.0, aliases=("onsets",), n_kit_loops=KIT_LOOPS, recorded=0.0, held_out=_HELD_OUT)

#: The BLSTM onset detector after Eyben et al. (2010) and Böck et al. (2012).
ONSET_RNN = loop_network(
    name="onset_rnn", task="onsets", paper="eyben2010universal,boeck2012online",
    description="onset BLSTM (Eyben et al. 2010) on log-mel stack + positive difference, 100 fps", inputs="flat",
    build=lambda n, norm: nn.onset_rnn(n, normalization=norm), outputs=("onsets",), length=6.0,
    aliases=("onsets_rnn",), held_out=_HELD_OUT)

#: The onset networks by name.
NETWORKS = {"onset_cnn": ONSET_CNN, "onset_rnn": ONSET_RNN}


def activation(y, sr, network="onset_cnn", model=None):
    """Onset activation function of an onset network.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz (resampled to 44.1 kHz).
    network : mirlib.nn.ShippedModel or {"onset_cnn", "onset_rnn"}
        Which network (:data:`ONSET_CNN` or :data:`ONSET_RNN`, or its name):
        its features and, without ``model``, its shipped weights.
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
    return nn.resolve(network, ONSET_CNN, ONSET_RNN).activation(y, sr, model)[:, 0]


def detect_onsets(y, sr, network="onset_cnn", model=None, **peaks):
    """Onset times in seconds from an onset network and peak picking.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Its sample rate in Hz.
    network : mirlib.nn.ShippedModel or {"onset_cnn", "onset_rnn"}
        The shipped CNN or BLSTM, or its name (see :func:`activation`).
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
    return pick_peaks(activation(y, sr, network=network, model=model), **{**ONSET_PEAKS, **peaks})
