"""Onset detection functions, peak picking, evaluation and the rhythm networks."""

import numpy as np
import pytest

from mirlib import beats, data, evaluation, features, loopnets, models, nn, onsets, synth


# -- spectral flux and peak picking ------------------------------------------------

def test_spectral_flux_counts_only_increases():
    S = np.array([[0.0, 5.0], [1.0, 0.0], [3.0, 0.0]])
    np.testing.assert_allclose(onsets.spectral_flux(S), [0.0, 1.0, 2.0])
    np.testing.assert_allclose(onsets.spectral_flux(S, lag=2), [0.0, 0.0, 3.0])


@pytest.mark.parametrize("S, match", [
    (np.zeros(10), "n_frames, n_bins"),
    (np.zeros((1, 4)), "more than lag"),
    (np.array([[0.0, np.nan], [1.0, 1.0]]), "NaN"),
])
def test_spectral_flux_rejects_bad_input(S, match):
    with pytest.raises(ValueError, match=match):
        onsets.spectral_flux(S)


def test_pick_peaks_threshold_and_minimum_distance_in_seconds():
    act = np.zeros(200)
    act[[20, 22, 100, 150]] = [0.9, 0.8, 0.6, 0.3]
    np.testing.assert_allclose(onsets.pick_peaks(act, fps=100, threshold=0.5, combine=0.0), [0.2, 0.22, 1.0])
    np.testing.assert_allclose(onsets.pick_peaks(act, fps=100, threshold=0.5, combine=0.03), [0.2, 1.0])
    # the same activation at 200 fps: times halve, the minimum distance stays in seconds
    np.testing.assert_allclose(onsets.pick_peaks(act, fps=200, threshold=0.5, combine=0.03), [0.1, 0.5])
    np.testing.assert_allclose(onsets.pick_peaks(act, fps=200, threshold=0.5, combine=0.005), [0.1, 0.11, 0.5])


@pytest.mark.parametrize("act, fps, match", [
    (np.zeros((5, 2)), 100, "one output"),
    (np.array([]), 100, "empty"),
    (np.array([0.1, np.nan]), 100, "NaN"),
    (np.zeros(5), 0, "frame rate"),
])
def test_pick_peaks_rejects_bad_input(act, fps, match):
    with pytest.raises(ValueError, match=match):
        onsets.pick_peaks(act, fps)


def test_superflux_peaks_at_a_click():
    sr = 22050
    y = np.zeros(sr, dtype=np.float32)
    y[sr // 2: sr // 2 + 200] = np.hanning(200)
    odf = onsets.superflux(y, sr, hop_size=220)
    assert abs(np.argmax(odf) / (sr / 220) - 0.5) < 0.03


# -- evaluation ---------------------------------------------------------------------

def test_onset_scores_window_in_seconds():
    ref, est = [1.0, 2.0, 3.0], [1.04, 2.06, 3.0]
    assert evaluation.onset_scores(ref, est, window=0.05)["F"] == pytest.approx(2 / 3)
    assert evaluation.onset_scores(ref, est, window=0.025)["F"] == pytest.approx(1 / 3)
    assert evaluation.onset_scores(ref, []) == {"F": 0.0, "P": 0.0, "R": 0.0}
    with pytest.raises(ValueError, match="not frames"):
        evaluation.onset_scores(ref, est, window=5)
    with pytest.raises(ValueError, match="not sorted"):
        evaluation.onset_scores([2.0, 1.0], est)


def test_recall_by_instrument_matches_each_instrument_on_its_own():
    refs = [{"KD": [0.0, 1.0], "SD": [0.5], "HH": [0.0, 0.25, 0.5]}, {"KD": [2.0], "SD": [], "HH": [2.0, 2.5]}]
    ests = [[0.01, 0.5], [2.02]]
    # one detected onset at 0.01 finds the kick drum and the hi-hat struck together; counts are summed over pieces
    got = evaluation.recall_by_instrument(refs, ests)
    assert got == pytest.approx({"KD": 2 / 3, "SD": 1.0, "HH": 3 / 5})
    assert evaluation.recall_by_instrument(refs, [[], []]) == {"KD": 0.0, "SD": 0.0, "HH": 0.0}
    with pytest.raises(ValueError, match="2 references but 1 estimates"):
        evaluation.recall_by_instrument(refs, ests[:1])
    with pytest.raises(ValueError, match="no onsets for"):
        evaluation.recall_by_instrument([{"KD": [0.0]}], [[0.0]])
    with pytest.raises(ValueError, match="undefined"):
        evaluation.recall_by_instrument([{"KD": [0.0], "SD": [], "HH": [0.1]}], [[0.0]])


def test_compare_takes_estimates_already_computed():
    from mirlib.data import Piece

    pieces = [Piece("a", np.zeros(100), 100, np.array([0.2, 0.5]), np.zeros(0), 0.0),
              Piece("b", np.zeros(100), 100, np.array([0.3]), np.zeros(0), 0.0)]
    run = evaluation.compare({"f": lambda y, sr: np.array([0.2, 0.3])}, pieces, windows=(0.05,))
    given = evaluation.compare({"f": [np.array([0.2, 0.3])] * 2}, pieces, windows=(0.05,))
    assert given.drop(columns="seconds").equals(run.drop(columns="seconds")) and np.isnan(given.loc["f", "seconds"])
    with pytest.raises(ValueError, match="1 estimates for 2 pieces"):
        evaluation.compare({"f": [np.array([0.2])]}, pieces)


def test_beat_scores_tell_double_tempo_from_correct():
    ref = np.arange(1, 21) * 0.5
    assert evaluation.beat_scores(ref, ref + 0.03) == {"F": 1.0, "CMLt": 1.0, "AMLt": 1.0}
    double = evaluation.beat_scores(ref, np.arange(2, 42) * 0.25)
    assert double["CMLt"] == 0.0 and double["AMLt"] > 0.9 and double["F"] < 0.7
    assert evaluation.beat_scores(ref, [])["F"] == 0.0
    with pytest.raises(ValueError, match="two reference beats"):
        evaluation.beat_scores([1.0], [1.0])


@pytest.mark.parametrize("ref, est, acc1, acc2", [
    (120, 124, 1.0, 1.0), (120, 126, 0.0, 0.0), (120, 60.5, 0.0, 1.0), (90, 270, 0.0, 1.0), (100, 150, 0.0, 0.0)])
def test_tempo_scores(ref, est, acc1, acc2):
    assert evaluation.tempo_scores(ref, est) == {"Acc1": acc1, "Acc2": acc2}


def test_tempo_scores_reject_nonsense():
    with pytest.raises(ValueError, match="bpm"):
        evaluation.tempo_scores(120, float("nan"))


# -- features, targets, generated data ------------------------------------------------

def test_spectrogram_stack_resamples_and_keeps_100_fps():
    y = np.random.default_rng(0).uniform(-0.5, 0.5, 22050).astype(np.float32)
    stack = features.RHYTHM(y, 22050)
    assert stack.shape == (101, features.RHYTHM.n_bands, 3) and features.RHYTHM.fps == 100.0
    assert features.add_positive_difference(stack).shape == (101, 6 * features.RHYTHM.n_bands)
    with pytest.raises(ValueError, match="NaN"):
        features.RHYTHM(np.full(1000, np.nan), 44100)


def test_event_targets_mark_the_nearest_frame():
    target = data.event_targets([0.104, 0.5, 9.0], 60, fps=100)
    assert target[10] == 1.0 and target[9] == target[11] == 0.5 and target[50] == 1.0
    assert target.sum() == pytest.approx(4.0)


def test_random_renderings_are_reproducible_and_varied():
    a, b = synth.random_rendering(3), synth.random_rendering(3)
    np.testing.assert_array_equal(a.audio, b.audio)
    assert a.params["seed"] == 3
    loops = [synth.random_rendering(s, length=2.0) for s in range(60)]
    tempi = [r.tempo for r in loops]
    assert min(tempi) < 90 and max(tempi) > 140
    # every tempo, also at the end of a tempo change, lies within the DBN's range
    assert all(beats.BPM_RANGE[0] <= t <= beats.BPM_RANGE[1] for r in loops for t in (r.tempo, r.end_tempo))
    assert any(r.end_tempo != r.tempo for r in loops)


def test_reference_onsets_merge_notes_within_30_ms():
    r = synth.random_rendering(10000)
    ref = synth.reference_onsets(r)
    assert len(ref) < len(r.onsets) and np.all(np.diff(ref) > 0.03)


def test_held_out_kit_pieces_play_only_unheard_kits():
    from mirlib.data.drumkits import TEST_KITS, TRAIN_KITS

    pieces = synth.held_out_kit_pieces(n=5, length=4.0)
    assert [p.name.split(" ")[0] for p in pieces[:4]] == [k.split(" ")[0] for k in TEST_KITS]
    assert {p.name.split(" bpm")[0].rsplit(" ", 2)[1] for p in pieces} == set(synth.rhythm.KIT_TEST_STYLES)
    assert all(75 <= p.tempo <= 165 and p.sr == 44100 and len(p.onsets) >= 4 for p in pieces)
    # the beats are the metrical grid at the loop's tempo
    assert all(np.allclose(np.diff(p.beats), 60.0 / p.tempo) for p in pieces)
    again = synth.held_out_kit_pieces(n=1, length=4.0)[0]
    np.testing.assert_array_equal(again.audio, pieces[0].audio)
    assert not set(TEST_KITS) & set(TRAIN_KITS)
    with pytest.raises(ValueError, match="tempo_range"):
        synth.held_out_kit_pieces(n=1, tempo_range=(120, 60))
    with pytest.raises(ValueError, match="at least 1"):
        synth.held_out_kit_pieces(n=0)


def test_kit_loops_join_the_training_examples():
    from mirlib.data.drumkits import TRAIN_KITS

    examples = synth.make_examples(range(2), length=3.0, kits=TRAIN_KITS)
    assert all(e.rendering.params["kit"] in TRAIN_KITS for e in examples)
    assert all(e.target("onsets").sum() >= len(synth.reference_onsets(e.rendering)) for e in examples)
    assert examples[0].target(("onsets", "beats")).shape == (len(examples[0].stack), 2)
    with pytest.raises(ValueError, match="unknown drum kit"):
        synth.make_examples(range(1), length=2.0, kits=("no such kit",))
    assert onsets.ONSET_CNN.recipe["n_kit_loops"] == beats.BEAT_BLSTM.recipe["n_kit_loops"] == loopnets.KIT_LOOPS > 0



def test_kit_loops_can_go_through_a_recording_chain():
    from mirlib.data.drumkits import TRAIN_KITS
    from mirlib.synth.drums import random_drum_loop

    dry = synth.make_examples(range(3), length=3.0, kits=TRAIN_KITS)
    for e, seed in zip(dry, range(3)):          # recorded=0 draws nothing: the loops as rendered
        np.testing.assert_array_equal(e.rendering.audio, random_drum_loop(seed, TRAIN_KITS, length=3.0).audio)
    wet = synth.make_examples(range(3), length=3.0, kits=TRAIN_KITS, recorded=1.0)
    again = synth.make_examples(range(3), length=3.0, kits=TRAIN_KITS, recorded=1.0)
    for d, w, a in zip(dry, wet, again):
        assert not np.allclose(w.rendering.audio, d.rendering.audio, atol=1e-3)   # every loop through the chain
        np.testing.assert_array_equal(w.rendering.audio, a.rendering.audio)        # drawn from the seed
        np.testing.assert_array_equal(w.target("onsets"), d.target("onsets"))      # the annotation stays
    with pytest.raises(ValueError, match="recorded kits"):
        synth.make_examples(range(1), length=2.0, recorded=0.5)
    with pytest.raises(ValueError, match="probability"):
        synth.make_examples(range(1), length=2.0, kits=TRAIN_KITS, recorded=1.5)

# -- trained networks ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def held_out():
    return synth.held_out_pieces(n=10, length=8.0)


def _mean_onset_f(pieces, model):
    return np.mean([evaluation.onset_scores(p.onsets, onsets.detect_onsets(p.audio, p.sr, model=model))["F"]
                    for p in pieces])


def test_shipped_onset_cnn_beats_an_untrained_one(held_out):
    trained = models.load("onset_cnn")
    untrained = onsets.ONSET_CNN.untrained(np.concatenate([e.stack for e in synth.make_examples(range(3))])[None])
    assert _mean_onset_f(held_out, trained) >= 0.85
    assert _mean_onset_f(held_out, untrained) < 0.5


def test_shipped_onset_cnn_on_real_recording():
    from mirlib import audio

    y, sr = audio.load(data.madmom_file("sample.wav"), sr=44100)
    ref = data.load_onsets(data.madmom_file("sample.onsets"))
    assert evaluation.onset_scores(ref, onsets.detect_onsets(y, sr))["F"] >= 0.80


def test_shipped_onset_blstm(held_out):
    est = [onsets.detect_onsets(p.audio, p.sr, network="onset_rnn") for p in held_out]
    assert np.mean([evaluation.onset_scores(p.onsets, e)["F"] for p, e in zip(held_out, est)]) >= 0.85


def test_shipped_beat_blstm_beats_an_untrained_one(held_out):
    trained = models.load("beat_blstm")
    flat = [e.inputs("flat") for e in synth.make_examples(range(3))]
    untrained = beats.BEAT_BLSTM.untrained(np.concatenate(flat)[None])
    f = [evaluation.beat_scores(p.beats, beats.track_beats(p.audio, p.sr, model=trained))["F"] for p in held_out]
    f0 = [evaluation.beat_scores(p.beats, beats.track_beats(p.audio, p.sr, model=untrained))["F"] for p in held_out]
    assert np.mean(f) >= 0.85
    assert np.mean(f0) < 0.6


def test_shipped_beat_tcn_beats_an_untrained_one_on_loops_and_real_songs(held_out):
    """The TCN (Böck & Davies 2020) tracks held-out loops and the MDB Drums band mixes; an untrained one does not."""
    from mirlib.data import mdb_drums

    untrained = beats.BEAT_TCN.untrained(np.concatenate([e.stack for e in synth.make_examples(range(3))])[None])
    f = [evaluation.beat_scores(p.beats, beats.track_beats(p.audio, p.sr, network="beat_tcn"))["F"] for p in held_out]
    f0 = [evaluation.beat_scores(p.beats, beats.track_beats(p.audio, p.sr, network="beat_tcn", model=untrained))["F"]
          for p in held_out]
    assert np.mean(f) >= 0.85 and np.mean(f0) < 0.6
    mix = mdb_drums.load_tracks(source="mix")
    real = [evaluation.beat_scores(t.beats, beats.track_beats(t.audio, t.sr, network="beat_tcn"))["F"] for t in mix]
    assert np.mean(real) >= 0.8
    # beats and bars from one network: positions 1 .. 4, about one downbeat in three or four beats
    found = beats.track_downbeats(mix[2].audio, mix[2].sr)
    assert found.shape[1] == 2 and set(found[:, 1]) <= {1, 2, 3, 4} and 0.2 <= np.mean(found[:, 1] == 1) <= 0.4


def test_the_dbn_tracks_an_activation_saturated_at_one():
    """A sigmoid that reaches exactly 1.0 (an untrained TCN did, in CI) gives beats, not madmom's IndexError."""
    act = np.full(800, 1.0, dtype=np.float32)
    found = beats.beats_from_activation(act, fps=100.0)
    assert len(found) >= 2 and np.all(np.diff(found) > 0)
    pulse = np.zeros(800, dtype=np.float32)
    pulse[::50] = 1.0                                  # exactly 1.0 on a 120-bpm grid
    assert np.median(np.diff(beats.beats_from_activation(pulse, fps=100.0))) == pytest.approx(0.5, abs=0.02)


def test_downbeats_need_a_network_with_a_downbeat_output():
    r = synth.random_rendering(3, length=4.0)
    with pytest.raises(ValueError, match="beat_blstm has no beat and downbeat outputs"):
        beats.track_downbeats(r.audio, r.sr, network="beat_blstm")


def test_tempo_from_shipped_beat_network(held_out):
    acc2 = [evaluation.tempo_scores(p.tempo, beats.estimate_tempo(p.audio, p.sr))["Acc2"] for p in held_out]
    assert np.mean(acc2) >= 0.8


def test_training_lowers_the_loss():
    history = models.train("onset_rnn", n_train=6, epochs=3, length=3.0)
    assert history["loss"][-1] < history["loss"][0]
    assert history.model.output_shape == (None, None, 1)


def test_model_builders_follow_the_papers():
    cnn = nn.onset_cnn()
    assert [layer.name for layer in cnn.layers if layer.name.startswith("conv")] == ["conv1", "conv2"]
    assert cnn.get_layer("conv1").kernel_size == (7, 3) and cnn.get_layer("conv1").filters == 10
    assert cnn.get_layer("dense").filters == 256
    x = np.zeros((2, 37, 80, 3), dtype=np.float32)
    assert cnn.predict(x, verbose=0).shape == (2, 37, 1)
    tcn = nn.beat_tcn()
    # dilated convolutions over time: two per block (d and 2 d), d = 1 .. 256
    assert [tcn.get_layer(f"tcn{d}b").dilation_rate for d in (1, 256)] == [(2,), (512,)]
    assert tcn.predict(x, verbose=0).shape == (2, 37, 2)
    with pytest.raises(ValueError, match="too few"):
        nn.beat_tcn(n_bands=55)
    nn.beat_tcn(n_bands=56)
    blstm = nn.beat_blstm(480)
    assert sum(1 for layer in blstm.layers if layer.name.startswith("blstm")) == 3
    assert blstm.get_layer("blstm1").forward_layer.units == 25


def test_unknown_task_and_missing_weights():
    with pytest.raises(ValueError, match="unknown model"):
        models.train("chords")
    with pytest.raises(ValueError, match="unknown training argument"):
        models.train("onset_cnn", n_tarin=3)
    with pytest.raises(FileNotFoundError, match="available"):
        nn.weights_path("nonexistent")
    with pytest.raises(FileNotFoundError):
        models.load("onset_cnn", path="/nonexistent/onset_cnn.weights.h5")
    with pytest.raises(ValueError, match="unknown network .onset_gru.; choose one of"):
        onsets.detect_onsets(np.zeros(4410), 44100, network="onset_gru")


@pytest.mark.parametrize("frame_size", [1024, 4096, 8192])
def test_superflux_is_aligned_whatever_the_frame_size(frame_size):
    """librosa is told the frame size, so the activation is not shifted by larger frames."""
    sr = 44100
    y = np.zeros(sr, dtype=np.float32)
    y[sr // 2: sr // 2 + 200] = np.hanning(200)
    odf = onsets.superflux(y, sr, hop_size=441, frame_size=frame_size)
    assert odf.fps == 100.0
    assert abs(np.argmax(odf) / odf.fps - 0.5) <= 0.025


def test_activations_of_a_recent_signal_are_reused_but_never_shared():
    r = synth.random_rendering(3, length=4.0)
    first = beats.activation(r.audio, r.sr)
    again = beats.activation(r.audio, r.sr)
    np.testing.assert_array_equal(first, again)
    again[:] = 0.0                                        # a caller's change stays with the caller
    np.testing.assert_array_equal(beats.activation(r.audio, r.sr), first)
    other = beats.BEAT_BLSTM.untrained(np.zeros((1, 10, 480), dtype=np.float32))
    assert not np.allclose(beats.activation(r.audio, r.sr, model=other), first)   # another network, another activation
    quieter = beats.activation(0.5 * r.audio, r.sr)
    assert quieter.shape == first.shape and not np.array_equal(quieter, first)
    # a network changed in place (trained further) is asked again
    before = beats.activation(r.audio, r.sr, model=other)
    other.set_weights([w + 0.05 for w in other.get_weights()])
    assert not np.allclose(beats.activation(r.audio, r.sr, model=other), before)
