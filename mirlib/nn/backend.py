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
import sys

__all__ = ["keras", "backend", "DEFAULT_BACKEND"]

#: The backend the book, the exercises and the command line run on.
DEFAULT_BACKEND = "tensorflow"

os.environ.setdefault("KERAS_BACKEND", DEFAULT_BACKEND)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _import_keras():
    """Import Keras; on TensorFlow, without its C++ start-up notes on stderr.

    TensorFlow writes notes (oneDNN kernels in use, CPU instructions) straight
    to the process's standard error while it loads, before its logging can be
    configured, so ``TF_CPP_MIN_LOG_LEVEL`` set from Python does not silence
    them. They would end up in every ``mirlib`` command's error output, so the
    file descriptor is pointed at /dev/null for the import alone; Python
    exceptions still propagate.
    """
    if os.environ["KERAS_BACKEND"] != "tensorflow" or "tensorflow" in sys.modules:
        import keras
        return keras
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import keras
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    return keras


keras = _import_keras()


def backend():
    """Name of the Keras backend in use: ``"tensorflow"``, ``"jax"`` or ``"torch"``.

    Examples
    --------
    >>> backend() in ("tensorflow", "jax", "torch")
    True
    """
    return keras.backend.backend()
