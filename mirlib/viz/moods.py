"""Demo of the chapter "Tags, moods and transfer learning": play with the cues, see the moods."""

from __future__ import annotations

import numpy as np

from .widgets import Demo

__all__ = ["mood_explorer"]


def mood_explorer(predict, tempos=(70, 110, 160), seed=11, title="Mood from musical cues"):
    """Demo: set tempo, mode, loudness, articulation and timbre; hear the piece and see the predicted moods.

    Each setting renders one generated piece with those cues
    (:func:`mirlib.synth.moods.render_mood_piece`, middle register, drums
    under the band) and shows the network's probability of each mood next to
    the moods its cues define (:func:`mirlib.synth.moods.moods_of`). Every
    view is precomputed for the website.

    Parameters
    ----------
    predict : callable
        ``predict(X) -> P``: log-mel excerpts ``(n, 128, 40)`` to mood
        probabilities ``(n, 5)`` in the order of :data:`mirlib.synth.moods.MOODS`
        (e.g. ``lambda X: mirlib.nn.predict(model, X)``).
    tempos : sequence of float
        Tempi in bpm the slider offers.
    seed : int
        Seed of everything but the cues (sounds, key, fills).
    title : str

    Returns
    -------
    mirlib.viz.widgets.Demo

    Raises
    ------
    ValueError
        If ``predict`` returns another shape than ``(1, 5)``.
    """
    import functools

    import matplotlib.pyplot as plt

    from ..synth import moods
    from ..synth.styles import HOP_SIZE, N_FRAMES, SR

    @functools.lru_cache(maxsize=None)
    def piece(tempo, mode, loudness, articulation, timbre):
        cues = moods.MoodCues(float(tempo), mode == "minor", 0, articulation, loudness == "loud",
                              0.8 if timbre == "distorted" else 0.0, "soft")
        p = moods.render_mood_piece(seed, duration=((N_FRAMES - 1) * HOP_SIZE + 1) / SR + 0.5, cues=cues)
        excerpt, X = moods.excerpt(p)
        probabilities = np.asarray(predict(X[None]))
        if probabilities.shape != (1, len(moods.MOODS)):
            raise ValueError(f"predict must return shape (1, {len(moods.MOODS)}), got {probabilities.shape}")
        return p, excerpt, probabilities[0]

    def render(**params):
        p, _, probabilities = piece(**params)
        fig, (bars, plane) = plt.subplots(1, 2, figsize=(8.5, 2.9), gridspec_kw={"width_ratios": [3, 2]})
        colours = ["#c44e52" if on else "#8c8c8c" for on in p.moods]
        bars.bar(moods.MOODS, probabilities, color=colours)
        bars.axhline(0.5, color="0.4", ls="--", lw=1)
        bars.set(ylim=(0, 1), ylabel="P(mood)", title="the network's moods (red: the cues' moods)")
        bars.tick_params(axis="x", labelsize=8)
        plane.axhline(0, color="0.7", lw=1)
        plane.axvline(0, color="0.7", lw=1)
        for x, y, name in ((1.6, 1.9, "happy"), (-1.6, 1.9, "aggressive"), (-1.6, -1.9, "sad"),
                           (1.6, -1.9, "tender")):
            plane.text(x, y, name, ha="center", va="center", fontsize=8, color="0.4")
        plane.plot(p.valence, p.arousal, "o", color="#c44e52")
        plane.set(xlim=(-2.6, 2.6), ylim=(-2.6, 2.6), xlabel="valence", ylabel="arousal", title="the cues' position")
        fig.tight_layout()
        return fig

    def sound(**params):
        return piece(**params)[1], SR

    return Demo(render, {"tempo": ("tempo (bpm)", list(tempos)), "mode": ("mode", ["major", "minor"]),
                         "loudness": ("loudness", ["soft", "loud"]),
                         "articulation": ("articulation", ["staccato", "legato"]),
                         "timbre": ("timbre", ["clean", "distorted"])},
                initial={"tempo": tempos[-1], "loudness": "loud", "articulation": "staccato"}, title=title,
                sound=sound)
