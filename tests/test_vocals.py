"""Singing voice detection: level-invariant filters, generated mixtures with real voices, the shipped detectors."""

import subprocess
import sys

import numpy as np
import pytest

from mirlib import data, features, nn, vocals


def test_zero_mean_filters_make_a_network_blind_to_gain():
    """With zero-mean first-layer filters (and one normalisation for all bands) a constant added to the log
    spectrogram changes no output; with ordinary filters it does."""
    rng = np.random.default_rng(0)
    X = rng.normal(-3.0, 1.0, (6, vocals.N_FRAMES, features.VOCALS.n_bands)).astype(np.float32)
    out = {}
    for zero_mean in (True, False):
        model = nn.vocal_cnn(zero_mean=zero_mean, normalization=nn.normalization(X, axis=None))
        conv = model.get_layer("conv1")
        kernel = np.asarray(conv.kernel)
        if zero_mean:   # what the constraint does after every update, done once here
            kernel = np.asarray(nn.ZeroMean()(kernel))
            assert np.abs(kernel.sum(axis=(0, 1, 2))).max() < 1e-5
        conv.kernel.assign(kernel)
        conv.bias.assign(rng.normal(0, 0.1, conv.bias.shape).astype(np.float32))
        out[zero_mean] = [nn.predict(model, X + np.float32(g / 20))[:, 0] for g in (0, -20, 10)]
    assert max(np.abs(o - out[True][0]).max() for o in out[True][1:]) < 1e-4
    assert max(np.abs(o - out[False][0]).max() for o in out[False][1:]) > 1e-3


def test_the_constraint_keeps_training_filters_at_zero_mean():
    """Keras applies the constraint after each step: after a little training every filter sums to zero."""
    rng = np.random.default_rng(1)
    X = rng.normal(-3.0, 1.0, (32, vocals.N_FRAMES, features.VOCALS.n_bands)).astype(np.float32)
    y = rng.integers(0, 2, 32)
    history = nn.train(lambda: vocals.VOCAL_CNN.untrained(X), X, y, epochs=1, batch_size=16, seed=0)
    kernel = np.asarray(history.model.get_layer("conv1").kernel)
    assert np.abs(kernel.sum(axis=(0, 1, 2))).max() < 1e-5 and np.abs(kernel).max() > 1e-3


def test_log_mel_moves_with_gain_and_keeps_a_floor():
    y, sr = _load("vibeace")
    S = vocals.log_mel(y, sr)
    assert S.shape[1] == 80 and S.min() >= S.max() - vocals.FLOOR_DB / 20 - 1e-5
    quieter = vocals.log_mel(y * 0.1, sr)
    np.testing.assert_allclose(quieter, S - 1.0, atol=2e-3)


def _load(name, duration=5.0):
    from mirlib import audio

    return audio.load(data.example(name), sr=vocals.SR, duration=duration)


def test_mixtures_label_the_voice_where_it_sounds():
    rng = np.random.default_rng(0)
    song = _load("choice", 8.0)[0]
    voice = _load("libri1", 6.0)[0]
    mix, active = vocals.mix_voice(song, voice, rng, level_db=0.0)
    assert mix.shape == song.shape and mix.dtype == np.float32 and 0.5 <= np.abs(mix).max() <= 0.95 + 1e-6
    assert 0.2 < active.mean() < 0.9 and not active[:3].all()
    # the voice enters once: no voice before the first active frame
    first = np.argmax(active)
    assert not active[:first].any() and first > 0
    alone, none = vocals.mix_voice(song, None, np.random.default_rng(0), level_db=0.0)
    assert not none.any()
    # the voice adds energy where it sounds, relative to the same accompaniment alone
    S_mix, S_alone = vocals.log_mel(mix, vocals.SR), vocals.log_mel(alone, vocals.SR)
    n = min(len(S_mix), len(active))
    gain = (S_mix - S_mix.max())[:n] - (S_alone - S_alone.max())[:n]
    assert gain[active[:n]].mean() > gain[~active[:n]].mean() + 0.05


def test_voice_splits_share_no_speaker():
    train = vocals.voice_signals("train", n_melodies=0)
    test = vocals.voice_signals("test", n_melodies=0)
    assert {k for k, _ in train} == {k for k, _ in test} == {"read speech", "spoken digits"}
    signatures = {round(float(np.abs(y[:4000]).sum()), 3) for _, y in train}
    assert not signatures & {round(float(np.abs(y[:4000]).sum()), 3) for _, y in test}
    with pytest.raises(ValueError, match="split"):
        vocals.voice_signals("validation")


def test_dataset_is_seeded_and_held_out_songs_differ():
    a = vocals.vocal_dataset("test", n_songs=2, mixes=2, n_melodies=2)
    b = vocals.vocal_dataset("test", n_songs=2, mixes=2, n_melodies=2)
    np.testing.assert_array_equal(a.X, b.X)
    assert set(a.y) == {0, 1} and a.X.shape[1:] == (vocals.N_FRAMES, 80)
    assert set(a.song) == {90000, 90001} and "none" in a.counts()
    # the accompaniment alone is never labelled vocal
    assert not a.y[a.source == "none"].any()
    with pytest.raises(ValueError, match="n_songs"):
        vocals.vocal_dataset("test", n_songs=0)


@pytest.fixture(scope="module")
def held_out():
    return vocals.vocal_dataset("test", n_songs=12, n_melodies=10)


def test_shipped_detector_finds_voices_an_untrained_one_does_not(held_out):
    """On unheard songs, kits and voices the shipped zero-mean detector is right on most excerpts; the same
    network untrained is at chance."""
    trained = vocals.held_out_scores(network="vocal_cnn", data=held_out)
    untrained = vocals.held_out_scores(vocals.VOCAL_CNN.untrained(held_out.X), "vocal_cnn", data=held_out)
    majority = max(held_out.y.mean(), 1 - held_out.y.mean())
    assert trained["accuracy"] > majority + 0.05 and trained["ROC-AUC"] >= 0.75, (trained, majority)
    assert untrained["ROC-AUC"] < 0.65 and trained["ROC-AUC"] > untrained["ROC-AUC"] + 0.15, untrained


def test_held_out_table_breaks_accuracy_down_by_kind_of_voice(held_out):
    table = vocals.held_out_table(held_out)
    assert list(table.columns) == ["accuracy, zero-mean", "accuracy, plain"]
    kinds = {f"voiced: {k}" for k in set(held_out.source[held_out.y == 1])}
    assert set(table.index) == {"instrumental excerpts", "all excerpts", "ROC-AUC"} | kinds
    scores = vocals.held_out_scores(network="vocal_cnn", data=held_out)
    assert table.loc["all excerpts", "accuracy, zero-mean"] == pytest.approx(scores["accuracy"])
    assert table.loc["ROC-AUC", "accuracy, zero-mean"] == pytest.approx(scores["ROC-AUC"])


def test_shipped_zero_mean_detector_ignores_gain_and_plain_does_not(held_out):
    table = vocals.gain_table(held_out, gains_db=(-30, 0, 6))
    zero, plain = table["mean P(voice) vocal_cnn"], table["mean P(voice) vocal_cnn_plain"]
    assert zero.max() - zero.min() < 1e-3
    assert plain.max() - plain.min() > 0.02
    kernel = np.asarray(vocals.VOCAL_CNN.cached().get_layer("conv1").kernel)
    assert np.abs(kernel.sum(axis=(0, 1, 2))).max() < 1e-4


def test_detect_refuses_bad_input():
    with pytest.raises(ValueError, match="silent"):
        vocals.detect(np.zeros(vocals.SR * 3, dtype=np.float32), vocals.SR)
    with pytest.raises(ValueError, match="at least one excerpt"):
        vocals.detect(np.random.default_rng(0).normal(size=vocals.SR).astype(np.float32), vocals.SR)
    with pytest.raises(ValueError, match="22050"):
        vocals.detect(np.random.default_rng(0).normal(size=44100 * 3).astype(np.float32), 44100)
    with pytest.raises(ValueError, match="NaN|finite"):
        vocals.detect(np.full(vocals.SR * 3, np.nan, dtype=np.float32), vocals.SR)


def test_real_recordings_keep_training_recordings_out():
    names = [name for name, *_ in vocals.real_recordings()]
    assert not set(names) & set(vocals.TRAIN_RECORDINGS)
    assert {"fishin", "MusicDelta_Hendrix", "MusicDelta_Reggae"} <= set(names)


def test_command_line_labels_files():
    exe = [sys.executable, "-m", "mirlib.cli", "vocals", data.example("fishin"), data.example("libri1")]
    proc = subprocess.run(exe, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [line.split("\t") for line in proc.stdout.splitlines()]
    assert [row[0] for row in lines] == [data.example("fishin"), data.example("libri1")]
    assert all(row[1] in ("vocal", "instrumental") and 0.0 <= float(row[2]) <= 1.0 for row in lines)
    assert lines[0][1] == "vocal"
