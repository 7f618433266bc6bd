"""The shipped networks give the same activations on TensorFlow (the default) and JAX.

Each backend runs in its own process, because Keras picks its backend once per
process. Both compute the activations of every shipped model on the same inputs:
madmom's real recording ``sample.wav`` for the rhythm networks, excerpts of two
of librosa's recordings for the music/speech CNN and the style embedding, a
generated piece in sections for the boundary CNN, a generated bass line for the bass networks.
"""

import os
import subprocess
import sys

import numpy as np
import pytest

SCRIPT = r"""
import sys
import numpy as np
from mirlib import audio, bass, data, features, models, musicspeech, nn
from mirlib.synth.basslines import render_bass_line
from mirlib.synth.sections import render_sectioned_piece

assert nn.backend() == sys.argv[2], (nn.backend(), sys.argv[2])
y, sr = audio.load(data.madmom_file("sample.wav"), sr=44100)
out = {}
for name, shipped in models.MODELS.items():
    if shipped.inputs == "excerpts":
        n_frames = shipped.input_shape[0]
        X = np.concatenate([features.excerpts(features.CLASSIFICATION(*audio.load(data.example(ex), sr=22050)),
                                              n_frames, n_frames // 2) for ex in ("vibeace", "libri2")])
        out[name] = nn.predict(shipped.load(), X)
    elif name == "boundary_cnn":      # sections last seconds: a generated piece in sections
        piece = render_sectioned_piece(50003)
        out[name] = np.asarray(shipped.activation(piece.audio, piece.sr))
    elif shipped.task == "bass":      # frame-wise pitch probabilities of a generated bass line
        line = render_bass_line(50003)
        out[name] = np.asarray(bass.pitch_activation(line.audio, line.sr, shipped=shipped))
    else:
        out[name] = np.asarray(shipped.activation(y, sr))
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


@pytest.mark.parametrize("name", ["onset_cnn", "onset_rnn", "beat_blstm", "music_speech_cnn", "style_embedding",
                                  "drum_crnn", "drum_cnn", "drum_rnn", "drum_joint", "boundary_cnn",
                                  "bass_dnn", "bass_dnn_m1"])
def test_shipped_model_gives_the_same_activations_on_both_backends(both, name):
    tf, jax = both
    assert tf[name].shape == jax[name].shape and tf[name].size > 50
    # a real activation, not a constant: parity of a dead network would prove little
    assert tf[name].std() > 0.05
    np.testing.assert_allclose(tf[name], jax[name], atol=1e-4, rtol=0)


@pytest.mark.parametrize("command", ["onsets", "beats"])
def test_command_line_prints_the_same_events_on_both_backends(command):
    from mirlib import data

    sample = str(data.madmom_file("sample.wav"))
    exe = os.path.join(os.path.dirname(sys.executable), "mirlib")
    out = {}
    for backend in ("tensorflow", "jax"):
        proc = subprocess.run([exe, command, sample], env={**os.environ, "KERAS_BACKEND": backend},
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        out[backend] = proc.stdout
    assert len(out["tensorflow"].splitlines()) >= 4
    assert out["tensorflow"] == out["jax"]
