"""Features: spectrograms, named feature settings, activation functions.

Every feature array is time first, shape ``(n_frames, n_bins)``, as in madmom,
and has a frame rate ``fps = sr / hop_size`` in frames per second.

Submodules
----------
spectral
    Framing, magnitude STFT, mel and logarithmic filterbanks, log compression,
    log-mel and log-filtered spectrograms, excerpts, and per-band standardisation in NumPy.
constantq
    Log-compressed constant-Q transform, a bin per semitone (bass transcription).
settings
    :class:`FeatureSettings`: named settings (sample rate, frame sizes, hop,
    bands, frequency range, log scaling) that carry their ``fps``, and the
    positive difference of recurrent networks' inputs.
activations
    :class:`Activations` (values with their ``fps``, one or several outputs)
    and their checks.
summary
    Statistics of a whole piece's frames (band and MFCC mean and standard
    deviation), the "bag of frames" baselines of similarity.
postprocessing
    From activations to events and tempo: peak picking, madmom's DBN beat
    and downbeat trackers, comb-filter tempo.
"""

from .activations import Activations, ActivationCache, check_activation, frame_rate, remembered
from .postprocessing import (BEAT_PEAKS, BPM_RANGE, TEMPO_PRIOR, beats_from_activation, downbeats_from_activation,
                             pick_peaks, tempo_from_activation, tempo_octave, tempo_prior)
from .constantq import log_cqt
from .settings import (BASS, CLASSIFICATION, RHYTHM, STRUCTURE, TRANSCRIPTION, VOCALS, FeatureSettings,
                       add_positive_difference)
from .summary import band_statistics, mfcc_statistics, standardize
from .spectral import (Standardizer, excerpts, fps, frame, frame_times, log_compress, log_filtered_spectrogram,
                       log_filterbank, log_mel_spectrogram, magnitude_spectrogram, mel_filterbank)

__all__ = ["fps", "frame_times", "frame", "magnitude_spectrogram", "mel_filterbank", "log_compress",
           "log_mel_spectrogram", "log_filterbank", "log_filtered_spectrogram", "log_cqt", "excerpts", "Standardizer",
           "FeatureSettings", "RHYTHM", "CLASSIFICATION", "VOCALS", "TRANSCRIPTION", "STRUCTURE", "BASS", "add_positive_difference", "Activations",
           "check_activation", "frame_rate", "remembered", "ActivationCache", "pick_peaks", "beats_from_activation",
           "downbeats_from_activation", "tempo_from_activation", "tempo_octave", "tempo_prior", "TEMPO_PRIOR", "BEAT_PEAKS",
           "BPM_RANGE", "band_statistics", "mfcc_statistics", "standardize"]
