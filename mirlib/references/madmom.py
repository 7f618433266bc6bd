"""madmom's pretrained networks, as references for the book's own.

madmom :cite:p:`boeck2016madmom` ships the networks of the papers the book
re-implements, trained on large annotated datasets. Each function takes a mono
signal of any sample rate (resampled to 44.1 kHz) and returns times in seconds
or a tempo in bpm, like the book's own methods, so that results tables can
put them side by side.
"""

from __future__ import annotations

from ..compat import import_madmom
from ..features.activations import Activations, remembered
from ..features.postprocessing import beats_from_activation, downbeats_from_activation, pick_peaks, tempo_from_activation
from ..features.settings import RHYTHM

__all__ = ["MADMOM_FPS", "madmom_onsets", "madmom_beat_activation", "madmom_beats", "madmom_tempo", "madmom_downbeats"]

#: Frame rate of madmom's activation functions, frames per second.
MADMOM_FPS = 100.0


def _madmom_signal(y):
    """Wrap a signal already at 44.1 kHz (:meth:`RHYTHM.prepare <mirlib.features.FeatureSettings.prepare>`) for madmom."""
    madmom = import_madmom()
    return madmom.audio.signal.Signal(y, sample_rate=RHYTHM.sr, num_channels=1)


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
    if model not in ("cnn", "rnn"):
        raise ValueError(f"model must be 'cnn' or 'rnn', got {model!r}")
    madmom = import_madmom()
    sig = _madmom_signal(RHYTHM.prepare(y, sr))
    if model == "cnn":
        act = madmom.features.onsets.CNNOnsetProcessor()(sig)
        peaks = dict(threshold=0.54, smooth=0.05)
    else:
        act = madmom.features.onsets.RNNOnsetProcessor()(sig)
        peaks = dict(threshold=0.35, smooth=0.07)
    return pick_peaks(act, MADMOM_FPS, combine=0.03, **peaks)


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
    y = RHYTHM.prepare(y, sr)
    # imported even when the activation is remembered (on disk, say), so that madmom is
    # loaded, with its shim, after this call whether or not it computed anything
    madmom = import_madmom()

    def compute():
        return Activations(madmom.features.beats.RNNBeatProcessor()(_madmom_signal(y)), MADMOM_FPS)

    return remembered(("madmom RNNBeatProcessor", sr), y, compute)


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
    return beats_from_activation(madmom_beat_activation(y, sr), MADMOM_FPS, "dbn")


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
    return tempo_from_activation(madmom_beat_activation(y, sr), MADMOM_FPS)


def madmom_downbeats(y, sr, beats_per_bar=(3, 4)):
    """Beats and bar positions from madmom's pretrained downbeat networks and DBN.

    :class:`~madmom.features.downbeats.RNNDownBeatProcessor` (an ensemble of
    BLSTMs on three spectrograms) and
    :class:`~madmom.features.downbeats.DBNDownBeatTrackingProcessor`
    :cite:p:`boeck2016joint`, trained on large annotated datasets of real music.

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal.
    sr : int
        Sample rate in Hz.
    beats_per_bar : tuple of int
        Bar lengths the DBN may choose from.

    Returns
    -------
    np.ndarray, shape ``(n_beats, 2)``
        Beat times in seconds and positions in the bar (1 = downbeat).

    Raises
    ------
    ValueError
        For an empty, NaN or multi-channel signal or a bad sample rate.
    """
    madmom = import_madmom()
    # columns: beat that is not a downbeat, downbeat
    act = madmom.features.downbeats.RNNDownBeatProcessor()(_madmom_signal(RHYTHM.prepare(y, sr)))
    return downbeats_from_activation(act[:, 0] + act[:, 1], act[:, 1], MADMOM_FPS, beats_per_bar)
