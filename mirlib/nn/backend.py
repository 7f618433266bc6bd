"""Keras 3 with the book's default backend, TensorFlow (CPU build).

Keras picks its backend once, when it is first imported, from the
environment variable ``KERAS_BACKEND``. Importing :mod:`mirlib.nn` sets it to
``"tensorflow"`` unless the user chose another one before (``jax`` is the
tested alternative, e.g. on the course's GPU hub: ``KERAS_BACKEND=jax``);
Keras itself is imported when first asked for (``from mirlib.nn import
keras``, a builder, training), so that the command line, which runs the
shipped networks through ONNX Runtime, starts without it. The shipped weights give the same activations on both backends
(``tests/test_backends.py``).
"""

from __future__ import annotations

import os
import sys

__all__ = ["keras", "backend", "devices", "DEFAULT_BACKEND"]

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


def __getattr__(name):
    # ``keras``, imported once, on first use
    if name == "keras":
        module = _import_keras()
        globals()["keras"] = module
        _quiet_retracing()
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _keras():
    return globals().get("keras") or __getattr__("keras")


def _quiet_retracing():
    """Drop TensorFlow's "triggered tf.function retracing" warning, and only that one.

    The sequence networks run on recordings of any length (padded to a
    multiple of 256 frames, :func:`mirlib.nn.predict_sequence`), so each new
    length traces the predict function again, as intended; TensorFlow warns
    after five, in the middle of chapter outputs and command-line errors.
    """
    import logging

    if os.environ["KERAS_BACKEND"] == "tensorflow":
        logging.getLogger("tensorflow").addFilter(lambda record: "tf.function retracing" not in record.getMessage())


def backend():
    """Name of the Keras backend in use: ``"tensorflow"``, ``"jax"`` or ``"torch"``.

    Examples
    --------
    >>> backend() in ("tensorflow", "jax", "torch")
    True
    """
    return _keras().backend.backend()


def devices():
    """The devices the Keras backend computes on, GPUs first.

    What a student on the course hub runs to see whether the kernel has a GPU
    (``mirlib device`` prints it). On JAX these are ``jax.devices()``
    (``"cuda:0"`` with the ``gpu`` extra and an NVIDIA driver); on TensorFlow
    its visible physical devices (the pinned ``tensorflow-cpu`` build sees
    the CPU only); on PyTorch the CUDA devices and the CPU.

    Returns
    -------
    list of str
        Device names such as ``"cuda:0"``, ``"gpu:0"`` or ``"cpu:0"``; at
        least one.

    Examples
    --------
    >>> any(d.startswith("cpu") for d in devices()) or any(d.startswith(("gpu", "cuda")) for d in devices())
    True
    """
    name = backend()
    if name == "jax":
        import jax

        found = [f"{d.platform}:{d.id}" for d in jax.devices()]
        if not any(d.startswith("cpu") for d in found):
            found += [f"cpu:{d.id}" for d in jax.devices("cpu")]
    elif name == "tensorflow":
        import tensorflow as tf

        found = [f"{d.device_type.lower()}:{i}" for kind in ("GPU", "CPU")
                 for i, d in enumerate(tf.config.list_physical_devices(kind))]
    else:
        import torch

        found = [f"cuda:{i}" for i in range(torch.cuda.device_count())] + ["cpu:0"]
    gpus = [d for d in found if d.startswith(("gpu", "cuda"))]
    return gpus + [d for d in found if d not in gpus]
