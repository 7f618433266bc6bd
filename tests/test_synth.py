import mir_eval
import numpy as np
import pytest

from mirlib import synth
from mirlib.compat import import_madmom


def test_same_seed_same_rendering_other_seed_other():
    a, b = synth.render_loop(seed=3), synth.render_loop(seed=3)
    np.testing.assert_array_equal(a.audio, b.audio)
    np.testing.assert_array_equal(a.onsets, b.onsets)
    c = synth.render_loop(seed=4)
    assert not np.array_equal(a.audio, c.audio)


@pytest.mark.parametrize("metre", [3, 4])
def test_beats_follow_tempo_and_metre(metre):
    r = synth.render_loop(seed=0, tempo=100.0, metre=metre, n_bars=3, lead_in=0.25)
    assert len(r.beats) == 3 * metre
    np.testing.assert_allclose(np.diff(r.beats), 0.6)
    assert r.beats[0] == 0.25
    np.testing.assert_array_equal(r.beat_positions, np.tile(np.arange(1, metre + 1), 3))
    np.testing.assert_allclose(r.downbeats, r.beats[::metre])
    # kick on every downbeat
    for t in r.downbeats:
        assert np.min(np.abs(r.drums["KD"] - t)) < 1e-9


def test_tempo_change_and_swing():
    r = synth.render_loop(seed=0, tempo=90.0, end_tempo=150.0, n_bars=4)
    intervals = np.diff(r.beats)
    assert intervals[0] == pytest.approx(60 / 90) and intervals[-1] < intervals[0]
    assert np.all(np.diff(intervals) < 0)
    straight = synth.render_loop(seed=1, tempo=120, n_bars=1, fills=0)
    swung = synth.render_loop(seed=1, tempo=120, n_bars=1, fills=0, swing=1.0)
    off_straight = straight.drums["HH"][1] - straight.beats[0]
    off_swung = swung.drums["HH"][1] - swung.beats[0]
    assert off_straight == pytest.approx(0.25) and off_swung == pytest.approx(0.5 * 2 / 3)


def test_onsets_are_exact_in_the_audio():
    r = synth.render_loop(seed=2, tempo=120, n_bars=1, bass=False, chords=False, fills=0, lead_in=0.1)
    first = np.flatnonzero(np.abs(r.audio) > 1e-4)[0]
    assert first / r.sr == pytest.approx(r.onsets[0], abs=2 / r.sr)
    # nothing sounds before the first annotated onset
    assert np.all(r.audio[: int(r.onsets[0] * r.sr)] == 0)
    assert set(r.drums) == {"KD", "SD", "HH"} and len(r.drums["SD"]) == 2


def test_tonal_onsets_are_annotated_without_drums():
    r = synth.render_loop(seed=5, drums=False, n_bars=2)
    assert all(len(v) == 0 for v in r.drums.values())
    assert len(r.onsets) == 2 * (2 + 2)  # bass on beats 1 and 3, chords on 2 and 4


def test_madmom_tracks_the_beats_of_a_rendering():
    """The renderings are realistic enough for madmom's pretrained beat tracker."""
    import_madmom()
    from madmom.features.beats import DBNBeatTrackingProcessor, RNNBeatProcessor

    r = synth.render_loop(seed=11, tempo=110, n_bars=6, sr=44100)
    activation = RNNBeatProcessor()(r.audio.astype(np.float32))
    found = DBNBeatTrackingProcessor(fps=100)(activation)
    f = mir_eval.beat.f_measure(mir_eval.beat.trim_beats(r.beats), mir_eval.beat.trim_beats(found), 0.07)
    assert f >= 0.9


def test_level_and_peak():
    loud = synth.render_loop(seed=0, peak=0.5)
    assert np.max(np.abs(loud.audio)) == pytest.approx(0.5, rel=1e-4)
    quiet = synth.render_loop(seed=0, peak=None, level_db=-40)
    louder = synth.render_loop(seed=0, peak=None, level_db=-20)
    assert np.max(np.abs(louder.audio)) < 1  # not clipped
    np.testing.assert_allclose(quiet.audio, louder.audio * 0.1, atol=1e-6)


@pytest.mark.parametrize("kwargs, message", [
    (dict(metre=5), "metre"),
    (dict(n_bars=0), "n_bars"),
    (dict(tempo=-10), "tempo"),
    (dict(swing=2), "swing"),
    (dict(drums=False, bass=False, chords=False), "at least one"),
    (dict(sr=4000), "sample rate"),
])
def test_render_loop_rejects_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        synth.render_loop(**kwargs)


def test_generated_examples_have_drum_beat_and_downbeat_targets():
    from mirlib import synth

    (ex,) = synth.make_examples([7], length=4.0)
    assert set(ex.targets) == {"onsets", "beats", "downbeats", "KD", "SD", "HH"}
    both = ex.target(("beats", "downbeats"))
    assert both.shape == (len(ex.stack), 2)
    assert both[:, 1].sum() < both[:, 0].sum()   # fewer downbeats than beats
    with pytest.raises(ValueError, match="no target"):
        ex.target("chords")
