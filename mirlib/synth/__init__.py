"""Generated music with exact annotations: the book's default training data.

Submodules
----------
loops
    The renderer: drum loops (KD, SD, HH) with bass and chords, every onset,
    beat and downbeat placed to the sample (:func:`render_loop`).
rhythm
    Random loops for the onset and beat networks, their training examples
    with frame-wise targets, and held-out test pieces.
styles
    Six generated dance styles with multi-label tags (classification chapters).
moods
    Generated pieces whose moods (happy, sad, tender, aggressive, energetic)
    follow from musical cues as music psychology describes them.
drums
    Drum loops of six styles played on real recorded kits (Hydrogen's), split
    by kit, with exact KD/SD/HH onsets, beats and downbeats (drum transcription).

Everything is seeded: the same seed gives the same audio and annotations, and
:attr:`Rendering.params` records the seed with everything else drawn.
"""

from . import drums, moods, rhythm, styles
from .loops import DRUMS, SOUNDS, Rendering, beat_times, render_loop
from .rhythm import Example, held_out_kit_pieces, held_out_pieces, make_examples, random_rendering, reference_onsets

__all__ = ["DRUMS", "SOUNDS", "Rendering", "render_loop", "beat_times", "random_rendering", "reference_onsets", "Example",
           "make_examples", "held_out_pieces", "held_out_kit_pieces", "rhythm", "styles", "moods", "drums"]
