"""The mirlib command line: onsets, beats and tempo of a click track of known tempo, and bad input."""

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mirlib import cli, evaluation

TEMPO = 100.0
BEATS = 0.5 + np.arange(16) * 60.0 / TEMPO


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    import librosa

    folder = tmp_path_factory.mktemp("cli")
    sr = 44100
    clicks = librosa.clicks(times=BEATS, sr=sr, click_freq=1000.0, length=int(11 * sr)) * 0.5
    sf.write(folder / "click.wav", clicks, sr)
    sf.write(folder / "click22.flac", librosa.resample(clicks, orig_sr=sr, target_sr=22050), 22050)
    sf.write(folder / "silence.wav", np.zeros(sr), sr)
    (folder / "notes.wav").write_text("this is not audio\n")
    return folder


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def times(text):
    return np.array([float(line.split("\t")[-1]) for line in text.splitlines()])


@pytest.mark.parametrize("madmom", [False, True], ids=["ours", "madmom"])
def test_onsets_of_a_click_track(files, madmom):
    status, out, err = run("onsets", *(["--madmom"] if madmom else []), str(files / "click.wav"))
    assert status == 0 and not err
    assert evaluation.onset_scores(BEATS, times(out), window=0.02)["F"] >= 0.95, out


@pytest.mark.parametrize("madmom", [False, True], ids=["ours", "madmom"])
def test_beats_of_a_click_track(files, madmom):
    status, out, err = run("beats", *(["--madmom"] if madmom else []), str(files / "click.wav"))
    assert status == 0 and not err
    assert evaluation.beat_scores(BEATS, times(out))["F"] >= 0.9, out


@pytest.mark.parametrize("madmom", [False, True], ids=["ours", "madmom"])
def test_tempo_of_a_click_track(files, madmom):
    status, out, err = run("tempo", *(["--madmom"] if madmom else []), str(files / "click.wav"))
    assert status == 0 and not err
    assert evaluation.tempo_scores(TEMPO, float(out))["Acc1"] == 1.0, out


def test_several_files_are_prefixed_with_their_path_and_resampled(files):
    a, b = str(files / "click.wav"), str(files / "click22.flac")
    status, out, _ = run("tempo", a, b)
    assert status == 0
    lines = [line.split("\t") for line in out.splitlines()]
    assert [path for path, _ in lines] == [a, b]
    assert all(abs(float(bpm) - TEMPO) <= 4 for _, bpm in lines)


def test_bad_files_give_one_line_each_and_do_not_stop_the_others(files):
    good = str(files / "click.wav")
    bad = [str(files / "missing.wav"), str(files / "notes.wav"), str(files / "silence.wav")]
    status, out, err = run("tempo", bad[0], good, *bad[1:])
    assert status == 1
    assert out.startswith(good + "\t") and len(out.splitlines()) == 1
    errors = err.splitlines()
    assert len(errors) == 3
    for path, line, reason in zip(bad, errors, ("not found", "cannot read", "silent")):
        assert line.startswith("mirlib tempo: error:") and path in line and reason in line, line


def test_console_script_is_installed(files):
    exe = Path(sys.executable).parent / "mirlib"
    assert exe.exists(), "the mirlib console script is not installed (pip install -e .)"
    proc = subprocess.run([str(exe), "beats", str(files / "click.wav"), str(files / "missing.wav")],
                          capture_output=True, text=True, timeout=300, env=dict(os.environ))
    assert proc.returncode == 1
    assert len(proc.stdout.splitlines()) >= 14
    assert proc.stderr.strip().count("\n") == 0 and "missing.wav" in proc.stderr


def test_train_writes_weights_that_load(tmp_path):
    from mirlib import models

    out_file = tmp_path / "tiny.weights.h5"
    status, out, _ = run("train", "onset_rnn", "--n-train", "4", "--epochs", "1", "--n-test", "2",
                         "--out", str(out_file))
    assert status == 0 and out_file.exists() and "held-out F ±50 ms on 2 generated loops" in out
    model = models.load("onset_rnn", path=out_file)
    assert model.output_shape == (None, None, 1)
    # and its ONNX file next to it, which runs like the weights
    from mirlib import nn

    x = np.random.default_rng(0).normal(size=(1, 200, 480)).astype(np.float32)
    assert str(tmp_path / "tiny.onnx") in out
    np.testing.assert_allclose(nn.OnnxNetwork(tmp_path / "tiny.onnx").predict(x), model.predict(x, verbose=0),
                               atol=1e-4)
    with pytest.raises(ValueError, match="not weights of beat_blstm"):
        models.load("beat_blstm", path=out_file)


def test_train_rejects_what_a_recipe_does_not_have(tmp_path):
    status, out, err = run("train", "music_speech_cnn", "--n-train", "4", "--out", str(tmp_path / "x.weights.h5"))
    assert status == 2 and out == "" and "--n-train does not apply to music_speech_cnn" in err
    assert "it applies to onset_cnn, onset_rnn, beat_blstm" in err
    with pytest.raises(SystemExit):
        run("train", "chords")


def test_train_refuses_a_file_name_keras_cannot_save_before_it_trains(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        run("train", "music_speech_cnn", "--out", str(tmp_path / "x.h5"))
    assert stop.value.code == 2 and "weights file must end in .weights.h5" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_music_speech_prints_path_class_and_probability():
    from mirlib import data

    music, speech = data.madmom_file("sample.wav"), data.example("libri1")   # sample.wav was never trained on
    status, out, err = run("music-speech", str(music), str(speech))
    assert status == 0 and err == ""
    rows = [line.split("\t") for line in out.splitlines()]
    assert [r[:2] for r in rows] == [[str(music), "music"], [str(speech), "speech"]]
    assert float(rows[0][2]) > 0.5 > float(rows[1][2])


def test_music_speech_bad_files_give_one_line_each(files):
    from mirlib import data

    good = str(data.madmom_file("sample.wav"))
    bad = [str(files / "missing.wav"), str(files / "notes.wav"), str(files / "silence.wav")]
    status, out, err = run("music-speech", bad[0], good, bad[1], bad[2])
    assert status == 1
    assert out.splitlines() == [out.splitlines()[0]] and out.startswith(good + "\tmusic\t")
    lines = err.splitlines()
    assert len(lines) == 3 and all(line.startswith("mirlib music-speech: error: ") for line in lines)
    assert all(b in line for b, line in zip(bad, lines))
    assert "silent" in lines[2] and "not found" in lines[0]
    status, _, err = run("music-speech", "--weights", str(files / "none.weights.h5"), good)
    assert status == 2 and "no weights file" in err


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_device_names_backend_and_devices(backend):
    """`mirlib device` on each backend: what a student runs on the hub to see whether there is a GPU."""
    env = dict(os.environ, KERAS_BACKEND=backend)
    proc = subprocess.run([sys.executable, "-m", "mirlib.cli", "device"], capture_output=True, text=True, env=env,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = [line.split("\t") for line in proc.stdout.splitlines()]
    assert lines[0] == ["keras backend", backend]
    devices = [value for key, value in lines if key == "device"]
    assert devices and all(":" in d for d in devices)
    has_gpu = any(d.startswith(("gpu", "cuda")) for d in devices)
    assert lines[-1][0] == "gpu" and lines[-1][1].startswith("yes" if has_gpu else "no")
    assert not has_gpu or devices[0].startswith(("gpu", "cuda")), "GPUs are listed first"


def test_train_dataset_option_names_what_it_cannot_do(tmp_path):
    home = Path(__file__).parent / "fixtures" / "mir_datasets" / "ballroom"
    # a beat dataset cannot teach onsets; a network that trains on a fixed corpus takes no dataset
    status, out, err = run("train", "onset_cnn", "--dataset", f"ballroom:{home}:{home / 'index.json'}",
                           "--out", str(tmp_path / "o.weights.h5"))
    assert status == 2 and "annotates beats and downbeats" in err
    status, out, err = run("train", "music_speech_cnn", "--dataset", f"ballroom:{home}")
    assert status == 2 and "--dataset does not apply to music_speech_cnn" in err
    status, out, err = run("train", "beat_blstm", "--dataset", "ballroom", "--out", str(tmp_path / "b.weights.h5"))
    assert status == 2 and "NAME:PATH" in err
    assert "--dataset NAME:PATH" in cli.build_parser()._subparsers._group_actions[0].choices["train"].format_help()
