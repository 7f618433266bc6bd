"""Visualisation: plots, audio players and interactive demos, as the book uses them.

Submodules
----------
display
    Spectrogram plots, event markers, audio players with attribution, figure
    encoding.
widgets
    Demos that are live in Jupyter and still respond on the static website.
training
    Training curves.
moods
    The mood demo: musical cues in, moods out.
vocals
    The singing voice demo: a recording softer or louder, where each detector
    hears a voice.
"""

from . import display, moods, vocals, widgets
from .training import plot_history

__all__ = ["display", "widgets", "moods", "vocals", "plot_history"]
