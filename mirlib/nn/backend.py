"""Keras 3 with the book's default backend, TensorFlow (CPU build).

Keras picks its backend once, when it is first imported, from the
environment variable ``KERAS_BACKEND``. Importing :mod:`mirlib.nn` sets it to
``"tensorflow"`` unless the user chose another one before (``jax`` is the
tested alternative, e.g. on the course's GPU hub: ``KERAS_BACKEND=jax``), and
then imports Keras, so that ``from mirlib.nn import keras`` always gives a
ready Keras. The shipped weights give the same activations on both backends
(``tests/test_backends.py``).
"""

from __future__ import annotations

import os

__all__ = ["keras", "backend", "DEFAULT_BACKEND"]

#: The backend the book, the exercises and the command line run on.
DEFAULT_BACKEND = "tensorflow"

os.environ.setdefault("KERAS_BACKEND", DEFAULT_BACKEND)
# TensorFlow's oneDNN kernels change the order of floating-point sums with the
# CPU's instruction set; without them, training and inference give the same
# numbers on every CPU (the shipped weights are reproduced bit for bit), and
# TensorFlow prints no start-up notice on stderr. Set it to 1 to trade that
# for speed.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
# TensorFlow's C++ start-up notes are not the reader's concern; warnings and
# errors still show.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402


def backend():
    """Name of the Keras backend in use: ``"tensorflow"``, ``"jax"`` or ``"torch"``.

    Examples
    --------
    >>> backend() in ("tensorflow", "jax", "torch")
    True
    """
    return keras.backend.backend()
