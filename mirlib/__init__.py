"""mirlib: the shared code of *Deep Learning for Music Information Retrieval*.

Every chapter, demo, exercise and command of the book imports this package, so
that chapters read like prose with short code and the same code is tested once.
It is organised by concept, like librosa and madmom: task modules that a
chapter reads like prose, on subpackages of shared machinery. Nothing low
imports something high (each layer imports only the layers above it in this
list, read bottom-up).

Task modules
------------
onsets
    Onset detection: spectral flux, SuperFlux, the onset CNN and BLSTM, peak picking.
beats
    Beat tracking and tempo with the beat BLSTM, madmom's DBN and comb filters.
musicspeech
    The music/speech CNN (Lidy, MIREX 2015) on librosa's recordings, split by recording.
literature
    The survey of deep learning in MIR as data: the literature file, its charts and table.
models
    The registry of shipped networks by name (``mirlib train NAME`` reads it).

Shared machinery
----------------
nn
    Keras on the book's backend (TensorFlow by default, JAX tested), layers and
    the one normaliser, builders, the one training function, shipped models.
references
    madmom's pretrained networks and librosa's classic methods, for comparison.
evaluation
    Event scores with tolerance windows in seconds (mir_eval), tempo Acc1/Acc2,
    classification and tag scores, results tables.
viz
    Plots, audio players, and demos that still respond on the static website.
synth
    Generated music with exact annotations: drum loops, rhythm training sets,
    dance styles with tags.
features
    Spectrograms, named feature settings that carry their frame rate,
    activations with their frame rate, post-processing (peak picking, DBN, tempo).
data
    Real recordings (librosa, madmom), annotation files, mirdata datasets, augmentation.
audio
    Loading and checking audio signals.
compat
    The import shim that lets madmom 0.16.1 run on current Python and NumPy.
grading
    Array comparison with diagnostic messages for autograded exercises.
cli
    The ``mirlib`` command line.
"""

__version__ = "0.1.0"
