"""Shipped networks through ONNX Runtime: exported once from the Keras weights, run without Keras.

Every shipped network also ships as an ONNX file next to its weights
(``mirlib/weights/NAME.onnx``), converted from the TensorFlow graph of the
Keras model by tf2onnx (opset :data:`OPSET`); the input normalisation is part
of the graph. ``mirlib train NAME`` writes the ONNX file next to the weights
it trains, and ``mirlib export NAME`` rewrites it from a weights file.

Inference reads the network through :meth:`mirlib.nn.ShippedModel.runtime`:
the Keras model by default (the book's figures), or an :class:`OnnxNetwork`
(ONNX Runtime's CPU session) after ``set_inference("onnx")`` or with
``MIRLIB_INFERENCE=onnx`` in the environment; the ``mirlib`` command line
chooses ONNX Runtime unless given ``--backend keras``. Both give the same
activations to within 1e-4 (``tests/test_onnx.py``).

Examples
--------
>>> from mirlib import onsets
>>> net = OnnxNetwork(onsets.ONSET_CNN.onnx_path)
>>> net.predict(np.zeros((1, 256, 80, 3), dtype=np.float32)).shape
(1, 256, 1)
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

__all__ = ["OPSET", "INFERENCE_BACKENDS", "OnnxNetwork", "export", "inference", "set_inference"]

#: ONNX operator set of the exported graphs.
OPSET = 17
#: Where the shipped networks run: Keras (whichever backend KERAS_BACKEND names) or ONNX Runtime.
INFERENCE_BACKENDS = ("keras", "onnx")
_SETTING = {"inference": None}


def inference():
    """Where shipped networks run now: ``"keras"`` (default) or ``"onnx"``.

    :func:`set_inference` decides; before it is called, the environment
    variable ``MIRLIB_INFERENCE`` does.

    Raises
    ------
    ValueError
        For another value of ``MIRLIB_INFERENCE``.
    """
    name = _SETTING["inference"] or os.environ.get("MIRLIB_INFERENCE", "keras")
    if name not in INFERENCE_BACKENDS:
        raise ValueError(f"MIRLIB_INFERENCE must be one of {INFERENCE_BACKENDS}, got {name!r}")
    return name


def set_inference(name):
    """Run the shipped networks through Keras (``"keras"``) or ONNX Runtime (``"onnx"``) from now on.

    Parameters
    ----------
    name : {"keras", "onnx"} or None
        None goes back to what ``MIRLIB_INFERENCE`` says (default Keras).

    Raises
    ------
    ValueError
        For another name.
    """
    if name is not None and name not in INFERENCE_BACKENDS:
        raise ValueError(f"inference must be one of {INFERENCE_BACKENDS}, got {name!r}")
    _SETTING["inference"] = name


class OnnxNetwork:
    """An exported network in an ONNX Runtime session, with Keras' ``predict``.

    Parameters
    ----------
    path : str or pathlib.Path
        The ONNX file (see :func:`export`).

    Attributes
    ----------
    digest : str
        SHA1 of the file: activations are remembered per network file.

    Notes
    -----
    The session uses ``$OMP_NUM_THREADS`` threads where it is set, like NumPy,
    scikit-learn and TensorFlow (:mod:`mirlib.cores`), else one per core.

    Raises
    ------
    FileNotFoundError
        If the file does not exist (the message says how to write it).
    """

    def __init__(self, path):
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no ONNX file {path}; write it with `mirlib export NAME`")
        import onnxruntime

        self.path = path
        graph = path.read_bytes()          # read once: hashed, then given to the session
        self.digest = "onnx:" + hashlib.sha1(graph).hexdigest()
        options = onnxruntime.SessionOptions()
        # no memory arena: what a long recording needed is given back before the DBN's own peak
        options.enable_cpu_mem_arena = False
        # as many threads as the other numerical libraries are given (mirlib.cores), else one per core
        threads = os.environ.get("OMP_NUM_THREADS", "")
        options.intra_op_num_threads = int(threads) if threads.isdigit() else 0
        self.session = onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name

    def predict(self, X, batch_size=None, verbose=0):
        """The network's output for a batch of inputs, like :meth:`keras.Model.predict`.

        Parameters
        ----------
        X : np.ndarray, shape ``(n_examples, ...)``
            Inputs; computed ``batch_size`` at a time (all at once if None).
        batch_size : int or None
        verbose : int
            Ignored (Keras' argument).

        Returns
        -------
        np.ndarray, float32, shape ``(n_examples, ...)``
        """
        X = np.asarray(X, dtype=np.float32)
        step = len(X) if batch_size is None else batch_size
        return np.concatenate([self.session.run(None, {self.input_name: X[i:i + step]})[0]
                               for i in range(0, len(X), max(step, 1))])


def _all_layers(model):
    """Every layer of a model, nested models' layers included (public ``.layers`` only)."""
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layers"):
            yield from _all_layers(layer)


def export(network, weights=None, path=None):
    """Write a shipped network as an ONNX file (tf2onnx, TensorFlow backend).

    Parameters
    ----------
    network : mirlib.nn.ShippedModel
    weights : str or pathlib.Path or None
        Its weights file; default the shipped one.
    path : str or pathlib.Path or None
        The ONNX file to write; default the one next to the weights file
        (:func:`mirlib.nn.onnx_path_of`), for the shipped weights
        :attr:`mirlib.nn.ShippedModel.onnx_path`.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    RuntimeError
        If Keras runs on another backend than TensorFlow (tf2onnx converts
        TensorFlow graphs): run it with ``KERAS_BACKEND=tensorflow``.
    FileNotFoundError, ValueError
        For a missing weights file, or one that does not hold this network.
    """
    from .backend import keras

    if keras.backend.backend() != "tensorflow":
        raise RuntimeError(f"exporting to ONNX needs Keras on TensorFlow, not {keras.backend.backend()}: "
                           f"run `KERAS_BACKEND=tensorflow mirlib export {network.name}`")
    import tensorflow as tf
    import tf2onnx

    model = network.load(weights)
    # Keras keeps the adapted statistics of a Normalization layer as tensors, which tf2onnx would
    # leave as graph inputs; as arrays they become constants of the graph
    for layer in _all_layers(model):
        if isinstance(layer, keras.layers.Normalization):
            layer.mean, layer.variance = np.asarray(layer.mean), np.asarray(layer.variance)
    spec = [tf.TensorSpec((None,) + tuple(network.input_shape), tf.float32, name="features")]
    from .shipped import onnx_path_of

    path = onnx_path_of(network.weights_path if weights is None else weights) if path is None else Path(path)
    function = tf.function(lambda x: model(x, training=False), input_signature=spec, autograph=False)
    tf2onnx.convert.from_function(function, input_signature=spec, opset=OPSET, output_path=str(path))
    return path
