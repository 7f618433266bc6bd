"""librosa's classic onset, beat and tempo methods, as references :cite:p:`mcfee2015librosa`."""

from __future__ import annotations

import numpy as np

from ..audio import check_signal

__all__ = ["librosa_onsets", "librosa_beats", "librosa_tempo"]


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
