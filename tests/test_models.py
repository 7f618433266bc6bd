"""The registry of shipped networks: every entry loads, and its recipe reproduces its weights."""

import dataclasses
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

from mirlib import features, models, nn


def weights(path):
    out = {}
    with h5py.File(path) as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


@pytest.mark.parametrize("name", sorted(models.MODELS))
def test_every_shipped_model_is_described_and_loads(name):
    shipped = models.get(name)
    assert shipped.name == name and shipped.paper and shipped.description
    assert isinstance(shipped.features, features.FeatureSettings) and shipped.fps == shipped.features.fps
    assert shipped.weights_path.is_file() and shipped.weights_path.stat().st_size < 3e6
    model = shipped.load()
    assert model.output_shape[-1] == len(shipped.outputs)
    # the normalisation statistics come with the weights: not the identity of an unadapted layer
    norm = model.get_layer("normalization")
    assert np.abs(np.asarray(norm.mean)).max() > 1e-3
    for alias in shipped.aliases:
        assert models.get(alias) is shipped


def test_unknown_names_are_refused():
    with pytest.raises(ValueError, match="shipped models"):
        models.get("chord_cnn")


def _recordings():
    """Real recordings the music/speech CNN never trained on: madmom's music, CMU Sphinx's speech, FSDD words of
    unheard speakers."""
    from mirlib import audio
    from mirlib.data import madmom_file, speech

    from mirlib.data import fsdd

    return ([audio.load(madmom_file(n), sr=None) for n in ("sample.wav", "sample2.wav")]
            + [(c.audio, c.sr) for c in speech.speech_clips()[:4]]
            + [(w.audio, w.sr) for w in fsdd.load_words(fsdd.TEST_SPEAKERS, digits=[0, 7], takes=[0])])


def test_recipe_reproduces_the_shipped_music_speech_weights(tmp_path):
    """`mirlib train music_speech_cnn` on the default backend ends near the shipped weights, on the CPU at hand.

    On a CPU like the one that made the file, the run is bit for bit the same (README, "What reproduces
    means"). On others, oneDNN's kernels sum in another order and 1,500 training steps drift, so the
    run must stay within models.DRIFT_TOLERANCE: a changed recipe lands as far off as another seed."""
    out = tmp_path / "music_speech_cnn.weights.h5"
    proc = subprocess.run([sys.executable, "-m", "mirlib.cli", "train", "music_speech_cnn", "--out", str(out)],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    ours, shipped = weights(out), weights(nn.weights_path("music_speech_cnn"))
    assert ours.keys() == shipped.keys()
    found = models.reproduction("music_speech_cnn", out, _recordings())
    bound = models.DRIFT_TOLERANCE
    assert found["weights"] <= bound["weights"], f"the recipe no longer gives the shipped weights: {found}"
    assert found["outputs"] <= bound["outputs"], f"the recipe no longer gives the shipped outputs: {found}"


def test_reproduction_tells_other_weights_apart(tmp_path):
    """A network whose weights moved by more than the tolerance is not a reproduction."""
    model = models.load("music_speech_cnn")
    moved = [w + np.float32(0.03) if w.size > 1 else w for w in model.get_weights()]
    model.set_weights(moved)
    path = tmp_path / "moved.weights.h5"
    model.save_weights(path)
    found = models.reproduction("music_speech_cnn", path, _recordings()[:1])
    assert not found["within"] and found["weights"] > models.REPRODUCTION_TOLERANCE["weights"]
    same = models.reproduction("music_speech_cnn", nn.weights_path("music_speech_cnn"), _recordings()[:1])
    assert same == {"weights": 0.0, "outputs": 0.0, "within": True}


TOY = '''
import os
from mirlib import loopnets, models, nn, onsets

#: a tiny onset network: one registry entry and nothing else
TOY_ONSETS = loopnets.loop_network(
    name="toy_onsets", task="onsets", paper="eyben2010universal", description="toy onset LSTM for the registry test",
    inputs="flat", build=lambda n, norm: nn.onset_rnn(n, units=2, n_layers=1, normalization=norm),
    outputs=("onsets",), length=2.0, aliases=("toy",), held_out=onsets.ONSET_CNN.held_out,
    weights_file=os.environ.get("TOY_WEIGHTS"))
models.register(TOY_ONSETS)
'''


def test_a_new_network_needs_one_registry_entry(tmp_path):
    """A toy network registered from outside mirlib appears in `mirlib train --help`, trains with `mirlib train`,
    reports its held-out figure, and goes through the backend-parity check: no other edit."""
    from test_backends import SCRIPT

    (tmp_path / "toy_registry.py").write_text(TOY)
    weights = tmp_path / "toy_onsets.weights.h5"
    env = {**os.environ, "MIRLIB_MODELS": "toy_registry", "TOY_WEIGHTS": str(weights),
           "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    exe = os.path.join(os.path.dirname(sys.executable), "mirlib")
    helped = subprocess.run([exe, "train", "--help"], env=env, capture_output=True, text=True, timeout=300)
    assert helped.returncode == 0 and "toy_onsets (onsets): toy onset LSTM" in " ".join(helped.stdout.split())
    trained = subprocess.run([exe, "train", "toy", "--n-train", "2", "--n-band-songs", "0", "--epochs", "1",
                              "--n-test", "2", "--out", str(weights)], env=env, capture_output=True, text=True,
                             timeout=600)
    assert trained.returncode == 0, trained.stderr[-2000:]
    assert "trained toy_onsets" in trained.stdout and "held-out F ±50 ms on 2 generated loops" in trained.stdout
    assert weights.is_file()
    outputs = {}
    # the parity script finds the toy in the registry; the shipped networks, which
    # tests/test_backends.py checks already, are skipped
    for backend in ("tensorflow", "jax"):
        path = tmp_path / f"{backend}.npz"
        proc = subprocess.run([sys.executable, "-c", SCRIPT, str(path), backend, ",".join(models.MODELS)],
                              env={**env, "KERAS_BACKEND": backend}, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        outputs[backend] = np.load(path)
    assert outputs["jax"].files == ["toy_onsets"] and outputs["jax"]["toy_onsets"].shape == (281, 1)
    np.testing.assert_allclose(outputs["tensorflow"]["toy_onsets"], outputs["jax"]["toy_onsets"], atol=1e-4)
    # in this process the registry is unchanged: the toy lives only where MIRLIB_MODELS names it
    assert "toy_onsets" not in models.MODELS


def test_register_refuses_a_name_taken():
    with pytest.raises(ValueError, match="registered already"):
        models.register(dataclasses.replace(models.get("onset_rnn"), name="onset_rnn2", aliases=("beats",)))


def test_the_readme_lists_every_network_of_the_registry():
    """The README's model list is the registry's table (`mirlib.models.table()`); a new entry shows in both."""
    from nbgrading import ROOT

    readme = (ROOT / "README.md").read_text()
    assert models.table() in readme, "run: python -c 'from mirlib import models; print(models.table())'"


def test_pad_sequences_masks_padding_and_stacks_several_outputs():
    from mirlib import nn

    X, Y, W = nn.pad_sequences([np.ones((3, 2)), np.ones((5, 2))], [np.ones((3, 3)), np.ones((5, 3))])
    assert X.shape == (2, 5, 2) and Y.shape == (2, 5, 3) and W.sum() == 8 and W[0, 3:].sum() == 0
    with pytest.raises(ValueError, match="as many frames"):
        nn.pad_sequences([np.ones((3, 2))], [np.ones(4)])


def test_sequence_builders_take_several_outputs_and_kernels():
    from mirlib import nn

    cnn = nn.onset_cnn(n_outputs=3, kernels=((5, 3), (3, 3)), context=5)
    assert cnn.output_shape == (None, None, 3) and cnn.get_layer("conv1").kernel_size == (5, 3)
    assert nn.beat_blstm(20, units=4, n_outputs=2).output_shape == (None, None, 2)
    with pytest.raises(ValueError, match="frames"):
        nn.onset_cnn(context=2)
