"""The shipped networks give the same activations on TensorFlow (the default) and JAX.

Each backend runs in its own process, because Keras picks its backend once per
process. Both compute the outputs of every network in the registry
(:data:`mirlib.models.MODELS`) on the recording the network names as its example
(:meth:`mirlib.nn.ShippedModel.example_signal`): madmom's real recording
``sample.wav`` for the rhythm and drum networks, two of librosa's recordings for
the excerpt networks, a generated piece in sections for the boundary CNN, a
generated bass line for the bass networks. A network added to the registry is
checked here with no edit.
"""

import os
import subprocess
import sys

import numpy as np
import pytest

from mirlib import models

SCRIPT = r"""
import sys
import numpy as np
from mirlib import models, nn

assert nn.backend() == sys.argv[2], (nn.backend(), sys.argv[2])
# every network of the registry, less those named in the optional third argument (comma-separated)
skip = set(sys.argv[3].split(",")) if len(sys.argv) > 3 else set()
out = {name: shipped.network_output(*shipped.example_signal()) for name, shipped in models.MODELS.items()
       if name not in skip}
np.savez(sys.argv[1], **out)
"""


def activations(backend, tmp_path):
    path = tmp_path / f"{backend}.npz"
    env = {**os.environ, "KERAS_BACKEND": backend}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(path), backend], env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(np.load(path))


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("backends")
    return activations("tensorflow", tmp), activations("jax", tmp)


def test_default_backend_is_tensorflow():
    proc = subprocess.run([sys.executable, "-c", "import mirlib.nn, keras; print(keras.backend.backend())"],
                          env={k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"},
                          capture_output=True, text=True, timeout=300)
    assert proc.stdout.strip() == "tensorflow", proc.stderr[-2000:]


@pytest.mark.parametrize("name", list(models.MODELS))
def test_shipped_model_gives_the_same_activations_on_both_backends(both, name):
    tf, jax = both
    assert tf[name].shape == jax[name].shape and tf[name].size > 50
    # a real activation, not a constant: parity of a dead network would prove little
    assert tf[name].std() > 0.05
    np.testing.assert_allclose(tf[name], jax[name], atol=1e-4, rtol=0)


@pytest.mark.parametrize("name", list(models.MODELS))
def test_shipped_onnx_file_gives_the_jax_activations_too(both, name):
    """The ONNX file (exported from TensorFlow) against Keras on JAX; tests/test_onnx.py has TensorFlow."""
    from mirlib import nn

    shipped = models.MODELS[name]
    nn.set_inference("onnx")
    try:
        onnx_out = shipped.network_output(*shipped.example_signal())
    finally:
        nn.set_inference(None)
    np.testing.assert_allclose(onnx_out, both[1][name], atol=1e-4, rtol=0)


@pytest.mark.parametrize("command", ["onsets", "beats"])
def test_command_line_prints_the_same_events_on_both_backends(command):
    from mirlib import data

    sample = str(data.madmom_file("sample.wav"))
    exe = os.path.join(os.path.dirname(sys.executable), "mirlib")
    out = {}
    for backend in ("tensorflow", "jax"):
        # --backend keras: the networks run in Keras on each backend (by default they run in ONNX Runtime)
        proc = subprocess.run([exe, command, "--backend", "keras", sample],
                              env={**os.environ, "KERAS_BACKEND": backend},
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        out[backend] = proc.stdout
    assert len(out["tensorflow"].splitlines()) >= 4
    assert out["tensorflow"] == out["jax"]
