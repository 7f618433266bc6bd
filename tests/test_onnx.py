"""The shipped networks as ONNX files: the same activations as Keras, and the same command-line output.

Every network of the registry (:data:`mirlib.models.MODELS`) ships an ONNX file
next to its weights. A weights file retrained without rewriting its ONNX file
(``mirlib export NAME``) fails here, on the network's example recording and on
generated input. The JAX side of the comparison is in ``tests/test_backends.py``.
"""

import io

import numpy as np
import pytest

from mirlib import cli, data, models, nn
from mirlib.nn import onnx as mirlib_onnx


@pytest.fixture
def onnx_inference():
    nn.set_inference("onnx")
    yield
    nn.set_inference(None)


def outputs(shipped, inference):
    nn.set_inference(inference)
    try:
        return shipped.network_output(*shipped.example_signal())
    finally:
        nn.set_inference(None)


@pytest.mark.parametrize("name", list(models.MODELS))
def test_onnx_file_gives_the_keras_activations(name):
    shipped = models.MODELS[name]
    assert shipped.onnx_path.is_file(), f"run `mirlib export {name}`"
    keras_out, onnx_out = outputs(shipped, "keras"), outputs(shipped, "onnx")
    assert keras_out.shape == onnx_out.shape and keras_out.std() > 0.05     # a real activation, not a constant
    np.testing.assert_allclose(onnx_out, keras_out, atol=1e-4)
    # generated input, of a length no recording had: a whole batch through both
    shape = [173 if d is None else d for d in shipped.input_shape]
    x = np.random.default_rng(0).normal(size=[3] + shape).astype(np.float32)
    np.testing.assert_allclose(nn.OnnxNetwork(shipped.onnx_path).predict(x), shipped.cached().predict(x, verbose=0),
                               atol=1e-4)


def test_onnx_inference_is_remembered_apart_from_keras(onnx_inference):
    from mirlib import onsets

    y, sr = onsets.ONSET_CNN.example_signal()
    runtime = onsets.ONSET_CNN.runtime()
    assert isinstance(runtime, nn.OnnxNetwork) and runtime is onsets.ONSET_CNN.runtime()     # one session
    ours = onsets.ONSET_CNN.activation(y, sr)
    nn.set_inference("keras")
    theirs = onsets.ONSET_CNN.activation(y, sr)
    assert ours is not theirs and np.max(np.abs(np.asarray(ours) - np.asarray(theirs))) < 1e-4


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    try:
        status = cli.main(list(argv), out=out, err=err)
    finally:
        nn.set_inference(None)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def recordings(tmp_path_factory):
    """A real recording, a real song excerpt, and the boundary CNN's generated piece in sections."""
    import soundfile as sf

    path = tmp_path_factory.mktemp("onnx") / "sections.wav"
    y, sr = models.MODELS["boundary_cnn"].example_signal()
    sf.write(path, y, sr)
    return [str(data.madmom_file("sample.wav")), data.example("choice"), str(path)]


@pytest.mark.parametrize("command", ["onsets", "beats", "tempo", "drums", "downbeats", "boundaries", "music-speech",
                                     "vocals"])
def test_command_prints_the_same_through_onnx_runtime_and_keras(recordings, command):
    files = recordings
    through_onnx, through_keras = run(command, *files), run(command, "--backend", "keras", *files)
    assert through_onnx[0] == 0 and through_onnx[2] == "", through_onnx[2]
    assert len(through_onnx[1].splitlines()) >= 2
    assert through_onnx == through_keras


def test_similar_prints_the_same_through_onnx_runtime_and_keras(tmp_path):
    import soundfile as sf

    from mirlib.audio import load

    for name in ("choice", "fishin", "vibeace"):
        y, sr = load(data.example(name), sr=22050, duration=8.0)
        sf.write(tmp_path / f"{name}.wav", y, sr)
    query = str(tmp_path / "choice.wav")
    through_onnx = run("similar", query, str(tmp_path))
    assert through_onnx[0] == 0 and len(through_onnx[1].splitlines()) == 2
    assert through_onnx == run("similar", "--backend", "keras", query, str(tmp_path))


def test_export_writes_a_file_that_runs_like_the_weights(tmp_path):
    path = tmp_path / "onset_cnn.onnx"
    status, out, err = run("export", "onset_cnn", "--out", str(path))
    assert status == 0 and path.is_file() and str(path) in out, err
    x = np.random.default_rng(1).normal(size=(1, 300, 80, 3)).astype(np.float32)
    np.testing.assert_allclose(nn.OnnxNetwork(path).predict(x), nn.OnnxNetwork(models.MODELS["onset_cnn"].onnx_path)
                               .predict(x), atol=1e-6)
    status, _, err = run("export", "onset_cnn", "--weights", str(tmp_path / "missing.weights.h5"))
    assert status == 2 and "no weights file" in err


def test_missing_onnx_file_and_bad_setting_say_what_to_do(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match="mirlib export"):
        nn.OnnxNetwork(tmp_path / "beat_blstm.onnx")
    with pytest.raises(ValueError, match="inference must be one of"):
        nn.set_inference("torch")
    monkeypatch.setenv("MIRLIB_INFERENCE", "tflite")
    with pytest.raises(ValueError, match="MIRLIB_INFERENCE"):
        mirlib_onnx.inference()
    monkeypatch.setenv("MIRLIB_INFERENCE", "onnx")
    assert mirlib_onnx.inference() == "onnx"
    assert nn.onnx_path_of("runs/beat_blstm.weights.h5").name == "beat_blstm.onnx"


def test_onsets_through_onnx_runtime_imports_no_heavy_library():
    """Start-up: a short file's onsets need neither TensorFlow nor librosa's SciPy-signal/Numba stack.

    Importing those took about 1.2 s (librosa's first STFT) and 4 s (Keras) of
    the whole run; ``benchmarks/cli.py`` times the command. madmom stays: its
    peak picking is the method.
    """
    import subprocess
    import sys

    code = ("import sys; from mirlib import cli; status = cli.main(['onsets', sys.argv[1]]); "
            "print(sorted(m for m in ('tensorflow', 'keras', 'jax', 'numba', 'scipy.signal', 'librosa.core') "
            "if m in sys.modules)); sys.exit(status)")
    done = subprocess.run([sys.executable, "-c", code, str(data.madmom_file("sample.wav"))], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    *onsets, imported = done.stdout.splitlines()
    assert imported == "[]" and onsets == run("onsets", str(data.madmom_file("sample.wav")))[1].splitlines()


SEQUENCE_NETWORKS = [name for name, m in models.MODELS.items() if m.input_shape[0] is None and not callable(m.inputs)]


@pytest.mark.parametrize("name", SEQUENCE_NETWORKS)
def test_signal_to_activation_graph_computes_mirlibs_features_and_activations(name):
    """The features inside the ONNX graph (STFT, filterbank, log, stack, positive difference, silence padding),
    for the browser: on real recordings, the activations of mirlib's own chain to 1e-4, and the same events."""
    import onnxruntime

    from mirlib import audio, onsets
    from mirlib.nn.onnx_features import ACTIVATION, SIGNAL, signal_to_activation

    shipped = models.MODELS[name]
    session = onnxruntime.InferenceSession(signal_to_activation(shipped).SerializeToString(),
                                           providers=["CPUExecutionProvider"])
    sr = shipped.features.sr
    for y in (audio.load(data.madmom_file("sample.wav"), sr=sr)[0], audio.load(data.example("choice"), sr=sr,
                                                                                 duration=12.0)[0]):
        ours = session.run([ACTIVATION], {SIGNAL: y})[0]
        nn.set_inference("onnx")
        try:
            theirs = np.asarray(shipped.activation(y, sr))
        finally:
            nn.set_inference(None)
        assert ours.shape == theirs.shape and theirs.std() > 0.05
        np.testing.assert_allclose(ours, theirs, atol=1e-4)
        for k in range(ours.shape[1]):
            np.testing.assert_array_equal(onsets.pick_peaks(ours[:, k], fps=shipped.fps, **onsets.ONSET_PEAKS),
                                          onsets.pick_peaks(theirs[:, k], fps=shipped.fps, **onsets.ONSET_PEAKS))


def test_signal_to_activation_graph_refuses_what_it_cannot_compute():
    from mirlib.nn.onnx_features import signal_to_activation

    for name in ("bass_dnn", "music_speech_cnn", "boundary_cnn"):
        with pytest.raises(ValueError, match="sequence networks"):
            signal_to_activation(models.MODELS[name])


def test_try_page_files_describe_the_command_lines_networks(tmp_path):
    """mirlib.web writes the models of the networks the commands run by default, with mirlib's settings;
    without ONNX Runtime Web it says so (the page then tells the reader) rather than failing the build."""
    import json

    from mirlib import drums, web

    config = web.write_try_assets(tmp_path, runtime=tmp_path / "no-such-folder")
    assert config["runtime"] is None and json.loads((tmp_path / "config.json").read_text()) == config
    assert {t: c["network"] for t, c in config["tasks"].items()} == {
        "onsets": "onset_cnn", "drums": "drum_crnn", "beats": "beat_blstm"}
    assert all((tmp_path / c["model"]).stat().st_size == c["bytes"] > 100_000 for c in config["tasks"].values())
    assert {d: p["threshold"] for d, p in config["tasks"]["drums"]["peaks"].items()} == drums.DRUM_CRNN.thresholds
    assert config["tasks"]["beats"]["dbn"]["min_bpm"] == 55.0 and config["sr"] == 44100
