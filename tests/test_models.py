"""The registry of shipped networks: every entry loads, and its recipe reproduces its weights."""

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


def test_recipe_reproduces_the_shipped_music_speech_weights(tmp_path):
    """`mirlib train music_speech_cnn` on the default backend writes the shipped file, value for value."""
    out = tmp_path / "music_speech_cnn.weights.h5"
    proc = subprocess.run([sys.executable, "-m", "mirlib.cli", "train", "music_speech_cnn", "--out", str(out)],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    ours, shipped = weights(out), weights(nn.weights_path("music_speech_cnn"))
    assert ours.keys() == shipped.keys()
    for key in ours:
        np.testing.assert_array_equal(ours[key], shipped[key], err_msg=key)
