"""Bass lines: the renderer, the constant-Q input, beat-wise pitches, the bass networks against the baselines."""

import numpy as np
import pytest

from mirlib import bass, evaluation, features, models
from mirlib.synth.basslines import (BASS_RANGE, BASS_STYLES, PROGRESSIONS, bass_lines, render_bass_line,
                                    synthesize_bass)


# -- generated bass lines ---------------------------------------------------------

def test_bass_lines_are_seeded_and_annotated_beat_by_beat():
    a, b = render_bass_line(3), render_bass_line(3)
    np.testing.assert_array_equal(a.audio, b.audio)
    np.testing.assert_array_equal(a.pitches, b.pitches)
    assert not np.array_equal(a.audio[:5000], render_bass_line(4).audio[:5000])
    assert a.pitches.shape == a.beats.shape and len(a.beats) % 4 == 0
    np.testing.assert_allclose(np.diff(a.beats), 60.0 / a.tempo)
    assert BASS_RANGE[0] <= a.pitches.min() and a.pitches.max() <= BASS_RANGE[1]
    # the bass alone is part of the mix, and silent before the first beat
    assert np.abs(a.bass).max() > 0.05 and np.abs(a.bass[:int(0.09 * a.sr)]).max() == 0


def test_a_walking_bass_plays_a_note_per_beat_and_starts_each_chord_on_its_root():
    line = render_bass_line(11, style="walking", progression="ii-V-I")
    assert len(line.notes) == len(line.beats)
    np.testing.assert_array_equal(line.notes[:, 2], line.pitches)
    np.testing.assert_allclose(line.notes[:, 0], line.beats, atol=0.02)     # played with a little timing noise
    key = ["C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B"].index(line.params["key"])
    roots = [(key + chords[0][0]) % 12 for chords in PROGRESSIONS["ii-V-I"]]
    for bar in range(len(line.beats) // 4):
        assert line.pitches[4 * bar] % 12 == roots[bar % 4]
    # a walking line moves: no note repeats the one before
    assert np.all(np.diff(line.pitches) != 0)
    # two-feel holds each note for two beats; the pedal style repeats eighth notes on the root
    two = render_bass_line(11, style="two-feel")
    np.testing.assert_array_equal(two.pitches[0::2], two.pitches[1::2])
    pedal = render_bass_line(11, style="pedal")
    assert len(pedal.notes) == 2 * len(pedal.beats)


def test_the_bass_of_the_mix_is_where_the_annotation_says():
    """The CQT of the bass alone peaks at the annotated pitch (or its octave) on most beats."""
    line = render_bass_line(5, style="walking")
    C = features.BASS(line.bass, line.sr)
    per_beat = np.array([C[int(round(b * features.BASS.fps)) + 2] for b in line.beats[:-1]])
    found = per_beat[:, :40].argmax(axis=1) + 24      # lowest 40 semitones, from C1 (MIDI 24)
    assert np.mean(found % 12 == line.pitches[:-1] % 12) > 0.9


def test_soundfont_pieces_play_the_same_notes_on_sampled_instruments():
    """The same seed gives the same score in every sound set; the SoundFonts sound different and are seeded."""
    import librosa

    synthesised, a, b = (render_bass_line(7, sounds=s) for s in ("standard", "musescore", "musescore"))
    held_out = render_bass_line(7, sounds="timgm6mb")
    np.testing.assert_array_equal(a.audio, b.audio)
    for line in (a, held_out):
        np.testing.assert_array_equal(line.pitches, synthesised.pitches)
        np.testing.assert_array_equal(line.beats, synthesised.beats)
        assert set(line.params["programs"]) == {"bass", "piano", "solo", "drums"}
    assert not np.allclose(a.audio[:len(held_out.audio)], held_out.audio)
    # the sampled bass plays the annotated pitches, detuned by the band's tuning
    f0 = librosa.yin(a.bass, fmin=30, fmax=250, sr=a.sr, frame_length=4096, hop_length=512)
    frames = np.round((a.beats[:-1] + 0.1) * a.sr / 512).astype(int)
    found = librosa.hz_to_midi(f0[frames]) - a.params["tuning"]
    assert np.mean(np.round(found) % 12 == a.pitches[:-1] % 12) > 0.8


@pytest.mark.parametrize("kwargs, match", [
    (dict(style="bebop"), "style"), (dict(progression="giant steps"), "progression"),
    (dict(sounds="kazoo"), "sound"), (dict(tempo_range=(200, 100)), "tempo_range"),
    (dict(n_bars=0), "n_bars"), (dict(sr=4000), "sample rate"),
])
def test_render_bass_line_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        render_bass_line(0, **kwargs)


def test_synthesize_bass_plays_the_given_pitches():
    import librosa

    y = synthesize_bass([0.0, 0.5, 1.0], [33, 40, -1], sr=22050)
    assert y.shape == (int(1.5 * 22050),)
    assert np.abs(y[int(1.1 * 22050):]).max() == 0          # a rest
    f0 = librosa.yin(y[:int(0.45 * 22050)], fmin=40, fmax=300, sr=22050, frame_length=4096)
    assert abs(np.median(librosa.hz_to_midi(f0)) - 33) < 0.5
    with pytest.raises(ValueError, match="as many pitches"):
        synthesize_bass([0.0, 0.5], [40])
    with pytest.raises(ValueError, match="increase"):
        synthesize_bass([0.5, 0.0], [40, 41])


# -- features, targets, augmentation, aggregation ---------------------------------

def test_the_cqt_has_a_bin_per_semitone_from_c1():
    sr = 22050
    t = np.arange(sr) / sr
    for midi in (28, 40, 55, 72):
        C = features.log_cqt(np.sin(2 * np.pi * 440 * 2 ** ((midi - 69) / 12) * t), sr)
        assert C.shape == (22, 84) and int(C.mean(axis=0).argmax()) == midi - 24
    assert features.BASS.fps == pytest.approx(21.533, abs=1e-3) and features.BASS.n_channels == 1
    with pytest.raises(ValueError, match="Nyquist"):
        features.log_cqt(np.ones(8000), 8000)
    with pytest.raises(ValueError, match="NaN"):
        features.log_cqt(np.full(22050, np.nan), sr)


def test_frame_targets_follow_the_beats():
    line = render_bass_line(2)
    n = len(features.BASS(line.audio, line.sr))
    t = bass.frame_targets(line, n)
    times = np.arange(n) / features.BASS.fps
    assert np.all(t[times < line.beats[0]] == -1) and t[-1] == -1
    for i in (0, 5, 17):
        mid = int(round((line.beats[i] + line.beats[i + 1]) / 2 * features.BASS.fps))
        assert bass.PITCHES[t[mid]] == line.pitches[i]


def test_transpose_shifts_bins_and_targets_and_drops_what_leaves_the_range():
    F = np.arange(12.0).reshape(2, 6)
    up, t_up = bass.transpose(F, np.array([3, bass.N_PITCHES - 1]), 2)
    np.testing.assert_array_equal(up[:, 2:], F[:, :4])
    assert np.all(up[:, :2] == 0) and t_up.tolist() == [5, -1]
    down, t_down = bass.transpose(F, np.array([1, -1]), -2)
    np.testing.assert_array_equal(down[:, :4], F[:, 2:])
    assert t_down.tolist() == [-1, -1]


def test_beat_pitches_takes_the_most_probable_pitch_over_each_beat():
    act = features.Activations(np.full((30, bass.N_PITCHES), 0.01), 10.0)
    act[:10, 3] = 0.9
    act[10:20, 7] = 0.6
    act[12, 9] = 0.99                      # one frame disagrees: the beat's other frames outvote it
    act[20:, 20] = 0.8
    assert bass.beat_pitches(act, [0.0, 1.0, 2.0]).tolist() == [31, 35, 48]
    with pytest.raises(ValueError, match="increase"):
        bass.beat_pitches(act, [1.0, 0.5])
    with pytest.raises(ValueError, match="shape"):
        bass.beat_pitches(np.ones((5, 3)), [0.0], fps=10)


def test_beat_pitch_scores_count_exact_and_octave_forgiving_hits():
    assert evaluation.beat_pitch_scores([40, 43, 45, 47], [40, 55, 45, -1]) == {"accuracy": 0.5,
                                                                                 "chroma accuracy": 0.75}
    with pytest.raises(ValueError, match="one estimated pitch"):
        evaluation.beat_pitch_scores([40, 41], [40])
    with pytest.raises(ValueError, match="NaN"):
        evaluation.beat_pitch_scores([40, 41], [40, np.nan])


@pytest.mark.parametrize("call, match", [
    (lambda: bass.transcribe(np.zeros(22050), 22050, [0.1, 0.6]), "silent"),
    (lambda: bass.transcribe(np.ones(22050), 22050, []), "beat"),
    (lambda: bass.salience_pitches(np.ones(22050), 22050, [0.6, 0.1]), "increase"),
    (lambda: bass.yin_pitches(np.full(22050, np.nan), 22050, [0.1]), "NaN"),
    (lambda: bass.bass_input(np.zeros(5)), "n_frames, n_bins"),
])
def test_bass_functions_reject_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# -- the bass networks against the baselines ---------------------------------------

@pytest.fixture(scope="module")
def held_out():
    return bass_lines(16, bass.TEST_FIRST_SEED)


def test_the_bass_networks_beat_the_baselines_and_augmentation_helps(held_out):
    table = bass.compare(held_out)
    m1_plus, m1 = table.loc["bass network, augmented (M1+)"], table.loc["bass network (M1)"]
    best_baseline = table.loc[["harmonic-sum salience", "YIN, low-passed"], "accuracy"].max()
    assert m1_plus["accuracy"] > m1["accuracy"] > best_baseline, table
    assert m1_plus["accuracy"] >= 0.9, table
    untrained = bass.BASS_DNN.untrained()
    guess = np.mean([np.mean(bass.transcribe(p.audio, p.sr, p.beats, model=untrained) == p.pitches)
                     for p in held_out[:4]])
    assert guess < 0.2


def test_m1_plus_hears_basses_of_a_soundfont_it_never_heard():
    """On the held-out SoundFont (TimGM6mb) M1+ gets at least 0.8 of the beats right (an untrained network gets
    under 0.2, see above) and beats the salience baseline; M1, without transposed copies, gets less."""
    unheard = bass_lines(8, bass.TEST_FIRST_SEED, sounds="timgm6mb")
    table = bass.compare(unheard)
    m1_plus = table.loc["bass network, augmented (M1+)", "accuracy"]
    assert m1_plus >= 0.8 and m1_plus > table.loc["harmonic-sum salience", "accuracy"], table
    assert table.loc["bass network (M1)", "accuracy"] < m1_plus, table


def test_bass_weights_load_under_the_registry_names():
    assert models.get("bass") is bass.BASS_DNN and models.get("bass_dnn_m1") is bass.BASS_DNN_M1
    assert models.load("bass_dnn").output_shape == (None, bass.N_PITCHES)
    assert set(BASS_STYLES) == {"walking", "two-feel", "pedal"}


def test_the_whole_chain_scores_tracked_beats_at_the_annotated_ones():
    """Beats from the tracker, then pitches: scored at the annotated beats, never better than the annotation."""
    from mirlib.synth import basslines

    lines = basslines.bass_lines(3, bass.TEST_FIRST_SEED)
    table = bass.chain_scores(lines)
    assert list(table.index) == ["annotated beats", "tracked beats"]
    assert table.loc["annotated beats", "beat F"] == 1.0 and 0 < table.loc["tracked beats", "beat F"] <= 1
    assert table.loc["tracked beats", "accuracy"] <= table.loc["annotated beats", "accuracy"] + 0.02
    assert table.loc["annotated beats", "accuracy"] > 0.8
    with pytest.raises(ValueError, match="at least one"):
        bass.chain_scores([])


def test_pitches_carry_over_from_other_beats():
    ref = np.array([1.0, 1.5, 2.0, 2.5, 3.0])
    # the same beats, a little late: each annotated beat takes its own pitch
    assert evaluation.pitches_at_beats(ref, ref + 0.03, [40, 41, 42, 43, 44]).tolist() == [40, 41, 42, 43, 44]
    # half the tempo: every second annotated beat takes the pitch of the beat before it
    assert evaluation.pitches_at_beats(ref, ref[::2], [40, 42, 44]).tolist() == [40, 40, 42, 42, 44]
    # beats between the annotated ones (off-beat tracking): the pitch of the note sounding
    assert evaluation.pitches_at_beats(ref, ref[:-1] + 0.25, [40, 41, 42, 43]).tolist() == [-1, 40, 41, 42, 43]
    assert evaluation.pitches_at_beats(ref, [], []).tolist() == [-1] * 5
    with pytest.raises(ValueError, match="one pitch per beat"):
        evaluation.pitches_at_beats(ref, [1.0, 2.0], [40])
    with pytest.raises(ValueError, match="increasing"):
        evaluation.pitches_at_beats(ref, [2.0, 1.0], [40, 41])
