"""References for the book's networks: madmom's pretrained models, librosa's classic methods, NMF drums.

Every function takes a mono signal and its sample rate and returns onset or
beat times in seconds, or a tempo in bpm, like the book's own methods
(:mod:`mirlib.onsets`, :mod:`mirlib.beats`); :mod:`.nmf` returns drum
activations like :func:`mirlib.drums.activation`.
"""

from .librosa import librosa_beats, librosa_onsets, librosa_tempo
from .madmom import MADMOM_FPS, madmom_beat_activation, madmom_beats, madmom_downbeats, madmom_onsets, madmom_tempo
from .nmf import nmf_activation, nmf_templates

__all__ = ["madmom_onsets", "madmom_beat_activation", "madmom_beats", "madmom_tempo", "madmom_downbeats", "MADMOM_FPS",
           "librosa_onsets", "librosa_beats", "librosa_tempo", "nmf_templates", "nmf_activation"]
