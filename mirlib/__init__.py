"""mirlib: the shared code of *Deep Learning for Music Information Retrieval*.

Every chapter, demo, exercise and command of the book imports this package, so
that chapters read like prose with short code and the same code is tested once.

Modules
-------
audio
    Loading and checking audio signals.
features
    Framing, magnitude STFT, mel filterbank, log-mel spectrogram, normalisation.
data
    librosa's and madmom's real recordings, annotation readers.
display
    Plots and audio players with attribution, as the book uses them.
widgets
    Interactive demos: live in Jupyter, precomputed on the static website.
grading
    Array comparison with diagnostic messages for autograded exercises.
synth
    Generated drum loops with bass and chords and exact onset, drum and beat annotations.
onsets
    Onset detection functions (spectral flux, SuperFlux) and peak picking.
evaluation
    Onset, beat and tempo scores (mir_eval; Acc1/Acc2) with windows in seconds.
models
    Keras 3 builders of the book's networks (imports Keras on first use).
learn
    Training helpers: normalisation, class weights, fit, TensorBoard logs, curves, confusion matrix.
styles
    Generated dance-style pieces with style labels and multi-label tags.
augment
    Audio data augmentation (gain, noise, pitch shift, time stretch).
musicspeech
    The music/speech CNN (Lidy, MIREX 2015) on librosa's recordings, split by recording.
datasets
    GTZAN and MTG-Jamendo mood/theme through mirdata.
rhythm
    Onset detection, beat tracking and tempo with trained networks; madmom and librosa references.
cli
    The ``mirlib`` command line.
"""

__version__ = "0.1.0"
