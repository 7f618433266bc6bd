"""Neural networks: Keras with the book's backend, builders, training, shipped models.

``from mirlib.nn import keras`` gives Keras 3 on TensorFlow (CPU) unless
``KERAS_BACKEND`` chose another backend before (JAX is the tested
alternative on the GPU hub).

Submodules
----------
backend
    The Keras import with the default backend.
layers
    :func:`normalization`, the one input normaliser; :class:`CenterExcerpts`;
    :class:`ZeroMean`, the constraint of level-invariant filters.
classifiers
    MLP, music/speech CNN, singing voice CNN, genre CNNs with filter shapes,
    parallel CNN, transfer.
event_detectors
    Sequence models with an activation per frame: onset CNN, onset (B)LSTM,
    beat BLSTM, drum CRNN, CNN and RNN.
metric_learning
    Siamese and triplet networks: contrastive and triplet losses, the
    unit-norm embedding CNN.
training
    :func:`train`, the one training function; padding, prediction, TensorBoard.
shipped
    :class:`ShippedModel`: name, paper, features, builder, recipe and weights
    of a network shipped with mirlib; :class:`HeldOut`, its held-out report;
    :func:`resolve`, a network given by object or name; :func:`save_weights`.
onnx
    The shipped networks as ONNX files: :func:`export` (tf2onnx),
    :class:`OnnxNetwork` (ONNX Runtime), :func:`set_inference` to run
    inference through ONNX Runtime instead of Keras.
"""

from .backend import DEFAULT_BACKEND, backend, devices
from .onnx import OnnxNetwork, inference, set_inference
from .shipped import (TRAINING_OPTIONS, WEIGHTS_DIR, HeldOut, ShippedModel, check_weights_file, onnx_path_of, resolve,
                      save_weights, weights_path)
from .training import (History, balanced_class_weight, check_inputs, count_params, loss_for, pad_sequences, predict,
                       predict_sequence, read_tensorboard, tensorboard_callback, train)

# What needs Keras is imported on first use (PEP 562), so that inference through ONNX Runtime
# (the command line) starts without TensorFlow: name -> submodule
_WITH_KERAS = {
    "backend": ("keras",),
    "classifiers": ("FILTER_SHAPES", "genre_cnn", "mlp", "music_speech_cnn", "parallel_cnn", "transfer", "vocal_cnn"),
    "event_detectors": ("beat_blstm", "beat_tcn", "boundary_cnn", "drum_cnn", "drum_crnn", "drum_rnn", "onset_cnn",
                        "onset_rnn"),
    "metric_learning": ("TripletLoss", "active_fraction", "contrastive_loss", "embedding_cnn", "euclidean_distance", "train_triplets",
                        "triplet_loss", "triplet_network"),
    "layers": ("CenterExcerpts", "ZeroMean", "center_excerpts", "normalization"),
}
_LAZY = {name: module for module, names in _WITH_KERAS.items() for name in names}


def __getattr__(name):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


__all__ = ["keras", "backend", "devices", "DEFAULT_BACKEND", "normalization", "CenterExcerpts", "center_excerpts",
           "check_inputs", "ZeroMean", "mlp", "music_speech_cnn", "vocal_cnn", "FILTER_SHAPES", "genre_cnn", "parallel_cnn", "transfer",
           "onset_cnn", "onset_rnn", "beat_blstm", "beat_tcn", "boundary_cnn", "drum_crnn", "drum_cnn", "drum_rnn", "train", "History", "loss_for", "balanced_class_weight",
           "pad_sequences", "predict", "predict_sequence", "count_params", "tensorboard_callback",
           "read_tensorboard", "euclidean_distance", "contrastive_loss", "triplet_loss", "TripletLoss", "active_fraction",
           "embedding_cnn", "triplet_network", "train_triplets", "ShippedModel", "HeldOut", "resolve", "TRAINING_OPTIONS", "WEIGHTS_DIR",
           "weights_path", "save_weights", "check_weights_file", "onnx_path_of", "OnnxNetwork", "inference", "set_inference"]
