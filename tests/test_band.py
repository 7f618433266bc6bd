"""Band songs (mirlib.synth.band): sampled instruments through FluidSynth, drums on recorded kits, real effects."""

import subprocess
import sys

import numpy as np
import pytest

from mirlib import evaluation
from mirlib.data import drumkits
from mirlib.synth import band, make_examples, reference_onsets


def test_band_songs_are_seeded_and_cover_metres_parts_and_distractors():
    songs = [band.random_band_song(seed, length=6.0) for seed in range(12)]
    again = band.random_band_song(3, length=6.0)
    assert np.array_equal(again.audio, songs[3].audio) and np.array_equal(again.beats, songs[3].beats)
    assert not np.array_equal(songs[0].audio[:44100], songs[1].audio[:44100])
    assert {s.params["metre"] for s in songs} >= {"4/4", "3/4"}
    assert {s.params["kit"] for s in songs} <= set(drumkits.TRAIN_KITS)   # the test kits stay unheard
    parts = {p for s in songs for p in s.params["parts"]}
    assert len(parts) >= 8 and "bass" in parts
    for label in ("CY", "TT", "OHH"):
        assert sum(len(s.params["other_drums"][label]) for s in songs) > 0, label
    for s in songs:
        beats_per_bar = band.METRES[s.params["metre"]][0]
        assert s.sr == 44100 and s.audio.dtype == np.float32 and np.all(np.isfinite(s.audio))
        assert 0.25 < np.max(np.abs(s.audio)) <= 0.95 + 1e-6
        assert np.all(np.diff(s.beats) > 0) and s.beats[-1] < s.duration
        assert set(s.beat_positions) == set(range(1, beats_per_bar + 1)) and s.beat_positions[0] == 1
        assert len(s.params["sections"]) == len(s.downbeats)
        for times in list(s.drums.values()) + list(s.params["other_drums"].values()):
            assert np.all((times >= 0) & (times < s.duration))
        hits = np.concatenate(list(s.drums.values()))
        assert np.all(np.isin(np.round(hits, 3), s.onsets))


def test_band_song_annotations_are_where_the_sound_is():
    # drums 30 dB above the band: every KD/SD/HH hit is heard where it is annotated
    loud = band.render_band_song(1, tempo=100.0, n_bars=4, parts=("bass", "organ"), drum_gain_db=30.0, humanise=0.0,
                                 jitter=0.0)
    import librosa

    found = librosa.onset.onset_detect(y=loud.audio, sr=loud.sr, units="time", backtrack=False)
    hits = np.unique(np.round(np.concatenate(list(loud.drums.values())
                                             + list(loud.params["other_drums"].values())), 2))
    assert evaluation.onset_scores(reference_onsets_of(hits), found, window=0.03)["F"] > 0.85
    # the band alone (drums 40 dB down, breaks and all): its notes start where annotated
    quiet = band.render_band_song(2, tempo=90.0, n_bars=4, parts=("piano", "clean guitar"), drum_gain_db=-40.0,
                                  humanise=0.0, jitter=0.0)
    found = librosa.onset.onset_detect(y=quiet.audio, sr=quiet.sr, units="time")
    assert evaluation.onset_scores(reference_onsets(quiet), found, window=0.05)["F"] > 0.6
    # and the beat grid is the grid they play on: a shifted grid scores far lower
    assert evaluation.onset_scores(reference_onsets(quiet), found + 0.08, window=0.05)["F"] < 0.3


def reference_onsets_of(times, combine=0.03):
    times = np.sort(times)
    keep = [times[0]]
    for t in times[1:]:
        if t - keep[-1] > combine:
            keep.append(t)
    return np.asarray(keep)


def test_band_mix_puts_the_drums_where_asked():
    # the same song with the drums 15 dB apart: the low band below 150 Hz (kick drum)
    # and the high band above 5 kHz (hi-hat, cymbals) grow against the middle
    import librosa

    def share(song):
        S = np.abs(librosa.stft(song.audio, n_fft=2048)) ** 2
        f = librosa.fft_frequencies(sr=song.sr, n_fft=2048)
        return S[f > 5000].sum() / S[(f > 200) & (f < 2000)].sum()

    soft = band.render_band_song(4, parts=("piano", "strings"), drum_gain_db=-12.0)
    loud = band.render_band_song(4, parts=("piano", "strings"), drum_gain_db=3.0)
    assert share(loud) > 3 * share(soft)


def test_band_songs_become_training_examples():
    [ex] = make_examples([5], length=6.0, band=True)
    assert ex.stack.shape[1:] == (80, 3)
    assert set(ex.targets) >= {"onsets", "beats", "downbeats", "KD", "SD", "HH"}
    assert ex.target("beats").sum() >= len(ex.rendering.beats)


def test_riff_songs_put_the_kick_drum_and_the_riff_on_the_off_beats():
    """Riff songs: KD on 16th-note off-beats with the bass and guitar in unison; riffs=0 draws nothing new."""
    plain = [band.random_band_song(seed, length=6.0) for seed in range(3)]
    assert [s.params["style"] for s in plain] == [band.random_band_song(seed, length=6.0, riffs=0.0).params["style"]
                                                  for seed in range(3)]
    assert all(s.params["style"] != "riff" for s in plain)
    songs = [band.random_band_song(seed, length=8.0, riffs=1.0) for seed in range(4)]
    off_beat = []
    for s in songs:
        assert s.params["style"] == "riff" and s.params["metre"] in ("4/4", "3/4")
        assert "bass" in s.params["parts"] and {"clean guitar", "overdriven guitar"} & set(s.params["parts"])
        # the phase of each kick drum hit within its beat, in 16th notes
        kd = s.drums["KD"][(s.drums["KD"] >= s.beats[0]) & (s.drums["KD"] < s.beats[-1])]
        i = np.searchsorted(s.beats, kd, side="right") - 1
        phase = (kd - s.beats[i]) / (s.beats[i + 1] - s.beats[i]) * 4
        off_beat.append(np.mean(np.abs(phase - np.round(phase / 2) * 2) > 0.5))   # 2nd or 4th 16th of a beat
    assert np.mean(off_beat) > 0.2       # the generated styles put no kick drum there but funk's step 3
    rng, syncopated = np.random.default_rng(0), 0
    for _ in range(20):
        pattern, riff = band.riff_pattern(rng, 16, 4)
        steps = [s for s, _ in riff]
        assert set(pattern["KD"]) <= set(steps) and 0 in pattern["KD"]         # the riff doubles the kick drum
        assert not set(pattern["KD"]) & set(pattern["SD"]) and riff[0] == (0, 0)
        syncopated += any(s % 4 != 0 for s in pattern["KD"])
    assert syncopated >= 18
    # 6/8 has no 16th-note grid for a riff: the song keeps its metre's pattern
    assert band.render_band_song(0, metre="6/8", n_bars=2, riff=True).params["style"] == "six-eight"


def test_band_rejects_bad_arguments_and_names_a_missing_fluidsynth(monkeypatch):
    with pytest.raises(ValueError, match="metre"):
        band.render_band_song(0, metre="5/4")
    with pytest.raises(ValueError, match="part"):
        band.render_band_song(0, parts=("bagpipes",))
    with pytest.raises(ValueError, match="n_bars"):
        band.render_band_song(0, n_bars=0)
    with pytest.raises(ValueError, match="tempo"):
        band.render_band_song(0, tempo=-1)
    # without the FluidSynth library (or its binding) rendering says what to install
    monkeypatch.setitem(sys.modules, "fluidsynth", None)
    with pytest.raises(band.FluidSynthMissing, match="libfluidsynth3"):
        band.random_band_song(0)


def test_soundfont_comes_from_debian_with_its_checksum(tmp_path, monkeypatch):
    # an installed or cached copy is used as it is; MIRLIB_SOUNDFONT_DIR names another
    path = band.soundfont_path(download=False)
    assert path.name == "MuseScore_General_Lite.sf3" and path.stat().st_size > 20_000_000
    assert band.SOUNDFONT.url.endswith(".deb") and len(band.SOUNDFONT.sha256) == 64
    monkeypatch.setenv("MIRLIB_SOUNDFONT_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="MIRLIB_SOUNDFONT_DIR"):
        band.soundfont_path(download=False)


def test_drum_networks_get_band_songs_with_the_kits_of_a_split():
    from mirlib import drums

    [ex] = drums.drum_examples("test", 1, length=6.0, first_seed=10000, band=True)
    assert ex.rendering.params["kit"] in drumkits.TEST_KITS
    assert ex.targets.shape == (len(ex.x), 5) and ex.targets[:, :3].max() == 1.0
    with pytest.raises(ValueError, match="split"):
        drums.drum_examples("nope", 1, band=True)


def test_teacher_labels_unlabelled_music_with_madmoms_beats():
    from mirlib import loopnets, references
    from mirlib.audio import load
    from mirlib.data import example

    examples = loopnets.teacher_examples(("choice",), ("beats",), length=10.0)
    assert len(examples) == 3 and all(e.rendering is None for e in examples)    # 25 s: 10 s, 10 s and 5 s
    y, sr = load(example("choice"), sr=44100)
    first = references.madmom_beats(y, sr)
    first = first[first < 10.0 - 0.01]
    peaks = np.flatnonzero(examples[0].target("beats") == 1.0) / 100.0
    assert np.allclose(peaks, np.round(first * 100) / 100, atol=0.011)
    with pytest.raises(ValueError, match="not \\['onsets'\\]"):
        loopnets.teacher_examples(("choice",), ("onsets",))


def test_band_songs_count_open_hi_hats_as_hh_as_mdb_drums_does():
    """MDB Drums' HH holds closed, pedal and open hi-hats: the drum targets of a band song do too."""
    from mirlib import drums

    examples = drums.drum_examples("train", 3, length=8.0, band=True)
    open_hh = [e.rendering.params["other_drums"]["OHH"] for e in examples]
    assert sum(len(o) for o in open_hh) > 0
    for e, o in zip(examples, open_hh):
        assert len(e.drums["HH"]) == len(e.rendering.drums["HH"]) + len(o)
        frames = np.round(np.asarray(o) * 100).astype(int)
        assert np.all(e.targets[frames, 2] == 1.0)        # HH target, not a distractor
        assert e.spectrogram.shape == (len(e.x), e.x.shape[1] // 2)


def test_sampled_hi_hat_is_labelled_hh_and_off_by_default():
    """sampled_hihat=1: the SoundFont plays the hi-hat (labelled HH, not a distractor); 0 changes no song."""
    default, off = band.random_band_song(5), band.random_band_song(5, sampled_hihat=0.0)
    assert np.array_equal(default.audio, off.audio)
    sampled = band.random_band_song(5, sampled_hihat=1.0)
    assert len(sampled.drums["HH"]) > 0 and set(sampled.params["other_drums"]) == {"CY", "TT", "OHH"}
    assert not np.array_equal(sampled.audio, default.audio)
    # the hi-hats are heard where they are labelled: energy above 5 kHz rises at the HH onsets
    import librosa

    S = np.abs(librosa.stft(sampled.audio, n_fft=1024, hop_length=441))
    high = S[librosa.fft_frequencies(sr=sampled.sr, n_fft=1024) > 5000].sum(0)
    frames = np.round(sampled.drums["HH"] * 100).astype(int)
    frames = frames[frames + 2 < len(high)]
    assert np.median(high[frames + 1]) > np.median(high)


_RENDER = '''
import ctypes, ctypes.util, hashlib, sys
if sys.argv[1] != "fresh":      # what a Jupyter kernel does before any cell runs: the C library's rand() is used
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.srand(12345)
    [libc.rand() for _ in range(10)]
if sys.argv[1] == "unseeded":
    from mirlib.synth import fluid
    fluid.SEED_DITHER = False
from mirlib.synth import band
print(hashlib.sha1(band.render_band_song(3, n_bars=2, parts=("piano",)).audio.tobytes()).hexdigest())
'''


def test_renders_do_not_depend_on_what_the_process_did_before():
    """FluidSynth draws its dither table from the C library's rand() when the first synthesizer is made: a process
    that used rand() before renders the same samples as a fresh one, because mirlib seeds it first; without that
    seed it would not (the book's chapters, run in Jupyter kernels, and `mirlib train` would disagree)."""
    out = {}
    for case in ("fresh", "used", "unseeded"):
        proc = subprocess.run([sys.executable, "-c", _RENDER, case], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        out[case] = proc.stdout.strip().splitlines()[-1]
    assert out["fresh"] == out["used"]
    assert out["unseeded"] != out["fresh"]


def test_render_parts_plays_each_program_through_either_soundfont_at_the_band_tuning():
    """Both SoundFonts play a bass note at its pitch plus the tuning (a pitch bend); bad arguments raise."""
    import librosa

    from mirlib.synth import fluid

    for soundfont in fluid.SOUNDFONTS:
        stems = fluid.render_parts({"bass": (33, [(40, 0.1, 0.9, 0.8)]), "kit": ("drums", [(36, 0.1, 0.3, 0.9)])},
                                   1.0, sr=22050, soundfont=soundfont, tuning=0.3)
        assert set(stems) == {"bass", "kit"} and all(len(y) == 22050 for y in stems.values())
        f0 = librosa.yin(stems["bass"][2205:15000], fmin=30, fmax=500, sr=22050, frame_length=4096)
        assert abs(np.median(librosa.hz_to_midi(f0)) - 40.3) < 0.1
    with pytest.raises(ValueError, match="SoundFont"):
        fluid.render_parts({}, 1.0, soundfont="gm.sf2")
    with pytest.raises(ValueError, match="tuning"):
        fluid.render_parts({}, 1.0, tuning=3.0)
    with pytest.raises(ValueError, match="duration"):
        fluid.render_parts({}, 0.0)


def test_a_silent_soundfont_takes_the_default_presets_and_renders_stay_the_same(monkeypatch):
    """A system reset gives the channels the presets of the SoundFont loaded last: the silent one, so that
    none of the General MIDI SoundFont's samples are decoded for nothing; the parts sound as without it."""
    import functools

    from mirlib.synth import fluid

    path = fluid.silent_soundfont()
    assert path.read_bytes()[:4] == b"RIFF" and path.stat().st_size == 702
    synth, sfid = fluid.synthesizer(22050)
    try:
        assert synth.sfpreset_name(sfid + 1, 0, 0) == "silent" and synth.sfpreset_name(sfid + 1, 128, 0) == "silent kit"
    finally:
        synth.delete()
    parts = {"bass": (33, [(40, 0.1, 0.5, 0.8), (43, 0.6, 1.0, 0.6)]), "kit": ("drums", [(36, 0.0, 0.3, 0.9), (42, 0.5, 0.8, 0.7)]),
             "piano": (0, [(60, 0.0, 1.0, 0.5), (64, 0.2, 0.9, 0.5)]), "guitar": (29, [(52, 0.05, 0.7, 0.9)])}
    for soundfont in fluid.SOUNDFONTS:
        silent = fluid.render_parts(parts, 1.2, soundfont=soundfont, tuning=0.2)
        with monkeypatch.context() as m:
            m.setattr(fluid, "synthesizer", functools.partial(fluid.synthesizer, silent_defaults=False))
            plain = fluid.render_parts(parts, 1.2, soundfont=soundfont, tuning=0.2)
        assert all(np.abs(y).max() > 0.01 for y in silent.values())
        assert all(np.array_equal(silent[name], plain[name]) for name in parts)
