"""Demo of the chapter "Instrumental or vocal?": play a recording softer or louder, see where each detector hears a voice."""

from __future__ import annotations

import functools

import numpy as np

from ..audio import check_signal
from .widgets import Demo

__all__ = ["gain_explorer"]


def gain_explorer(recordings, sr, detectors, gains_db=(-30, -20, -10, 0, 6), seconds=20.0,
                  title="Where is the voice? Louder or softer", attribution=""):
    """Demo: choose a recording and a gain; see P(voice) along it from each detector, and hear it.

    Every view is precomputed for the website (one per recording and gain).

    Parameters
    ----------
    recordings : dict
        Name -> mono signal, shape ``(n_samples,)``, at ``sr``.
    sr : int
        Sample rate in Hz.
    detectors : dict
        Name -> ``detect(y, sr) -> (times, p)``: excerpt centres in seconds and
        P(voice), e.g. ``functools.partial(mirlib.vocals.detect, network="vocal_cnn")``.
    gains_db : sequence of int
        Gains in dB the slider offers.
    seconds : float
        Length of each recording used (from its start).
    title, attribution : str

    Returns
    -------
    mirlib.viz.widgets.Demo

    Raises
    ------
    ValueError
        For an empty, silent or non-finite recording, no recording or no detector.
    """
    import matplotlib.pyplot as plt

    if not recordings or not detectors:
        raise ValueError("gain_explorer needs at least one recording and one detector")
    clips = {name: check_signal(y, sr, name=name, allow_silence=False)[: int(seconds * sr)]
             for name, y in recordings.items()}

    @functools.lru_cache(maxsize=None)
    def curves(recording, gain):
        y = clips[recording] * np.float32(10 ** (gain / 20))
        return {name: detect(y, sr) for name, detect in detectors.items()}

    def render(recording, gain):
        fig, ax = plt.subplots(figsize=(8.5, 2.8))
        for name, (times, p) in curves(recording, gain).items():
            ax.plot(times, p, label=f"{name}: voice in {np.mean(p >= 0.5):.0%} of the excerpts")
        ax.axhline(0.5, color="0.5", ls="--", lw=0.8)
        ax.set(ylim=(0, 1.02), xlabel="time (s)", ylabel="P(voice)", title=f"{recording}, {gain:+d} dB")
        ax.legend(loc="lower right", fontsize=8)
        fig.tight_layout()
        return fig

    def sound(recording, gain):
        return np.clip(clips[recording] * np.float32(10 ** (gain / 20)), -1, 1), sr

    return Demo(render, {"recording": ("recording", list(clips)), "gain": ("gain (dB)", [int(g) for g in gains_db])},
                initial={"gain": 0 if 0 in gains_db else int(gains_db[0])}, title=title, sound=sound,
                attribution=attribution)
