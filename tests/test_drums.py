"""Drum transcription: real kits, rendered loops, CRNNs, peak picking, evaluation, MIDI, commands."""

import dataclasses
import io

import numpy as np
import pytest
import soundfile as sf

from mirlib import data, drums, evaluation, features, nn, synth
from mirlib.cli import main
from mirlib.data import drumkits
from mirlib.synth.drums import KIT_SPLITS, render_drum_loop, render_hits


# -- kits --------------------------------------------------------------------

def test_kit_split_is_disjoint_and_every_kit_loads():
    train, val, test = (set(KIT_SPLITS[s]) for s in ("train", "validation", "test"))
    assert not (train & test) and not (train & val) and not (val & test)
    assert train | val | test == set(drumkits.KITS) == set(drumkits.KIT_CREDITS)
    for name in drumkits.KITS:
        kit = drumkits.load_kit(name)
        for drum in data.DRUMS:
            for layers in kit.instruments[drum]:
                assert layers and all(la.audio.ndim == 1 and len(la.audio) > 100 for la in layers)
                # one-shots start 1 ms before their onset (the first sample above a tenth of the peak)
                audio = np.abs(layers[-1].audio)
                assert np.argmax(audio > 0.1 * audio.max()) <= 45
    assert {drumkits.KITS[k]["kind"] for k in KIT_SPLITS["test"]} == {"acoustic", "electronic"}


def test_velocity_picks_layers_and_scales():
    kit = drumkits.load_kit("Millo_MultiLayered2")          # five kick drum layers
    soft, loud = kit.hit("KD", 0.1), kit.hit("KD", 1.0)
    assert np.max(np.abs(loud)) > 2 * np.max(np.abs(soft))
    assert not np.array_equal(soft[:200] / np.max(np.abs(soft)), loud[:200] / np.max(np.abs(loud)))
    with pytest.raises(ValueError, match="velocity"):
        kit.hit("KD", 0.0)
    with pytest.raises(ValueError, match="unknown drum"):
        kit.hit("TOM", 0.5)


def test_bad_kits_raise_clear_errors(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="unknown drum kit"):
        drumkits.load_kit("NoSuchKit")
    with pytest.raises(FileNotFoundError, match="drumkit.xml"):
        drumkits.load_kit("HardElectro1", folder=str(tmp_path))
    (tmp_path / "HardElectro1").mkdir()
    (tmp_path / "HardElectro1" / "drumkit.xml").write_text("<drumkit_info><instrumentList>")
    with pytest.raises(ValueError, match="malformed drumkit.xml"):
        drumkits.load_kit("HardElectro1", folder=str(tmp_path))
    (tmp_path / "HardElectro1" / "drumkit.xml").write_text(
        "<drumkit_info><instrumentList><instrument><name>Kick 1</name></instrument></instrumentList></drumkit_info>")
    with pytest.raises(ValueError, match="names no sample file"):
        drumkits.load_kit("HardElectro1", folder=str(tmp_path))
    monkeypatch.setenv("MIRLIB_DRUMKITS_DIR", str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="MIRLIB_DRUMKITS_DIR"):
        drumkits.drumkits_dir()


def test_kits_download_from_the_debian_package(tmp_path, monkeypatch):
    # no network here: pooch.retrieve is replaced by a small package in the real .deb layout
    import tarfile

    kit = drumkits.drumkits_dir() / "HardElectro1"
    payload = io.BytesIO()
    with tarfile.open(fileobj=payload, mode="w:xz") as tar:
        for path in kit.iterdir():
            tar.add(path, arcname=f"./usr/share/hydrogen/data/drumkits/HardElectro1/{path.name}")
        for name in drumkits.TEST_KITS[:1]:
            tar.add(drumkits.drumkits_dir() / name / "drumkit.xml",
                    arcname=f"./usr/share/hydrogen/data/drumkits/{name}/drumkit.xml")
    body = payload.getvalue()

    def member(name, content):
        header = f"{name:<16}{0:<12}{0:<6}{0:<6}{100644:<8}{len(content):<10}`\n".encode()
        return header + content + (b"\n" if len(content) % 2 else b"")

    deb = tmp_path / "hydrogen-drumkits.deb"
    deb.write_bytes(b"!<arch>\n" + member("debian-binary", b"2.0\n") + member("data.tar.xz", body))
    calls = []

    def retrieve(url, known_hash, path, progressbar):
        calls.append((url, known_hash))
        return str(deb)

    import pooch

    monkeypatch.delenv("MIRLIB_DRUMKITS_DIR", raising=False)
    monkeypatch.setenv("MIRLIB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(drumkits, "DEBIAN_PACKAGE",
                        dataclasses.replace(drumkits.DEBIAN_PACKAGE, system_dir=tmp_path / "no-system-kits"))
    monkeypatch.setattr(pooch, "retrieve", retrieve)
    with pytest.raises(FileNotFoundError, match="hydrogen-drumkits not found"):
        drumkits.drumkits_dir(download=False)
    folder = drumkits.drumkits_dir()
    assert calls == [(drumkits.DEBIAN_PACKAGE.url, "sha256:" + drumkits.DEBIAN_PACKAGE.sha256)]
    assert folder == tmp_path / "data" / "hydrogen-drumkits"
    loaded = drumkits.load_kit("HardElectro1", str(folder))
    assert len(loaded.instruments["KD"]) == 3
    # a download that is not a Debian package is refused by name
    deb.write_bytes(b"not an archive")
    monkeypatch.setenv("MIRLIB_DATA_DIR", str(tmp_path / "other"))
    with pytest.raises(ValueError, match="not a Debian package"):
        drumkits.drumkits_dir()


# -- rendering -----------------------------------------------------------------

def test_rendered_loop_has_the_pattern_and_exact_onsets():
    r = render_drum_loop("The Black Pearl 1.0", seed=3, style="rock", tempo=100, n_bars=2, fills=0.0, humanise=0.0,
                         accompaniment=False)
    assert {d: len(t) for d, t in r.drums.items()} == {"KD": 6, "SD": 4, "HH": 16}
    assert r.beat_positions.tolist() == [1, 2, 3, 4] * 2 and np.allclose(np.diff(r.beats), 0.6)
    assert np.allclose(r.downbeats, r.beats[[0, 4]])
    # the first hits start where they are annotated: silence before, sound within 1 ms after
    i = int(round(r.drums["KD"][0] * r.sr))
    assert r.drums["KD"][0] == r.drums["HH"][0] == r.beats[0] == 0.2
    assert np.all(r.audio[:i - 45] == 0) and np.max(np.abs(r.audio[i:i + 45])) > 0.02
    # and a transcription played back puts every hit at its time
    lone = render_hits({"KD": [0.5, 1.25]}, "The Black Pearl 1.0", duration=2.0)
    for t in (0.5, 1.25):
        j = int(round(t * 44100))
        assert np.max(np.abs(lone[j - 200:j - 45])) < 0.02 * np.max(np.abs(lone[j:j + 2000])) + 1e-4
        assert np.argmax(np.abs(lone[j - 45:]) > 0.1 * np.max(np.abs(lone))) <= 90
    waltz = render_drum_loop("HardElectro1", seed=0, style="waltz", n_bars=3)
    assert waltz.metre == 3 and waltz.beat_positions.tolist() == [1, 2, 3] * 3
    shuffle = render_drum_loop("HardElectro1", seed=0, style="shuffle", tempo=120, fills=0.0, humanise=0.0,
                               accompaniment=False)
    offbeat = shuffle.drums["HH"][1] - shuffle.beats[0]
    assert 0.28 < offbeat < 0.34       # the off-beat 8th note moves towards the triplet (1/3 s at 120 bpm)


def test_loops_are_reproducible_and_split_by_kit():
    a, b = synth.drums.random_drum_loop(7), synth.drums.random_drum_loop(7)
    assert np.array_equal(a.audio, b.audio) and a.params == b.params
    test = synth.drums.drum_loops("test", 8, length=3.0, first_seed=10000)
    assert {r.params["kit"] for r in test} <= set(KIT_SPLITS["test"])
    assert all(60 <= r.tempo <= 200 for r in test)
    with pytest.raises(ValueError, match="unknown split"):
        synth.drums.drum_loops("dev", 1)
    with pytest.raises(ValueError, match="unknown drum style"):
        render_drum_loop("HardElectro1", style="polka")
    with pytest.raises(ValueError, match="44100 Hz"):
        render_drum_loop("HardElectro1", sr=22050)
    with pytest.raises(ValueError, match="non-negative"):
        render_hits({"KD": [np.nan]}, "HardElectro1")


def test_log_filtered_features_and_targets():
    r = render_drum_loop("HardElectro1", seed=1, n_bars=1, tempo=120)
    S = features.TRANSCRIPTION(r.audio, r.sr)
    assert features.TRANSCRIPTION.fps == 100.0 and S.shape == (int(np.ceil(len(r.audio) / 441)) + (len(r.audio) % 441 == 0), 84)
    ex = drums.drum_examples("validation", 1, length=3.0, first_seed=20000)[0]
    assert ex.x.shape == (len(ex.targets), 168) and ex.targets.shape[1] == 5
    kd = ex.targets[:, 0]
    frames = np.round(ex.rendering.drums["KD"] * 100).astype(int)
    assert np.all(kd[frames] == 1) and set(np.unique(kd)) <= {0.0, 0.5, 1.0}


# -- evaluation and peak picking -------------------------------------------------

def test_overall_f_measure_sums_counts_over_instruments():
    ref = {"KD": [0.0, 1.0], "SD": [0.5], "HH": [0.0, 0.25, 0.5, 0.75, 1.0, 1.25]}
    est = {"KD": [0.01, 1.0], "SD": [], "HH": [0.0, 0.25, 0.5, 0.75, 1.0, 1.25]}
    s = evaluation.drum_scores(ref, est, window=0.02)
    assert s["overall"]["F"] == pytest.approx(16 / 17)            # micro: 8 TP, 0 FP, 1 FN
    assert np.mean([s[d]["F"] for d in data.DRUMS]) == pytest.approx(2 / 3)  # what a macro mean would say
    # a hit of the wrong instrument is wrong
    assert evaluation.drum_scores({"KD": [1.0], "SD": [], "HH": []}, {"SD": [1.0]})["overall"]["F"] == 0
    # ±20 ms is stricter than ±50 ms
    late = {"KD": [0.03, 1.03], "SD": [0.53], "HH": [0.0, 0.25, 0.5, 0.75, 1.0, 1.25]}
    assert evaluation.drum_scores(ref, late, 0.02)["overall"]["F"] < evaluation.drum_scores(ref, late, 0.05)["overall"]["F"]
    with pytest.raises(ValueError, match="reference has no onsets"):
        evaluation.drum_scores({"KD": []}, {})
    with pytest.raises(ValueError, match="not scored"):
        evaluation.drum_scores(ref, {"TOM": [1.0]})
    with pytest.raises(ValueError):
        evaluation.drum_scores(ref, est, window=2)
    many = drums.score_transcriptions([ref, ref], [est, ref], 0.02)
    assert many["overall"]["TP"] == 17 and many["overall"]["FN"] == 1
    only_hh = evaluation.score_transcriptions([ref], [{"HH": est["HH"]}], instruments=("HH",))
    assert set(only_hh) == {"HH", "overall"} and only_hh["overall"]["F"] == 1.0


def test_peak_picking_per_instrument():
    act = np.zeros((100, 5))
    act[[10, 60], 0] = [0.9, 0.35]
    act[30, 1] = act[50, 2] = 0.6
    out = drums.pick_drum_peaks(features.Activations(act, 100.0), threshold={"KD": 0.3, "SD": 0.5, "HH": 0.7})
    assert out["KD"].tolist() == [0.1, 0.6] and out["SD"].tolist() == [0.3] and out["HH"].tolist() == []
    with pytest.raises(ValueError, match="KD, SD, HH"):
        drums.pick_drum_peaks(np.zeros((100, 2)), fps=100)
    with pytest.raises(ValueError):
        drums.pick_drum_peaks(np.full((10, 3), np.nan), fps=100)


def test_thresholds_are_tuned_per_instrument_and_cross_validated_by_song():
    fps, rng = 100.0, np.random.default_rng(0)

    def recording(hh_peak):
        # KD strong everywhere; HH's true hits peak at hh_peak over noise bumps of 0.3 times that
        act, ref = np.zeros((400, 3)), {"KD": np.arange(20, 400, 40) / fps, "SD": np.array([]), "HH": []}
        act[(ref["KD"] * fps).astype(int), 0] = 0.9
        hits = np.arange(10, 400, 20)
        act[hits, 2] = hh_peak
        act[hits[:-1] + 10, 2] = 0.3 * hh_peak                      # off-beat bumps that are no hi-hats
        ref["HH"] = hits / fps
        return features.Activations(act + rng.uniform(0, 1e-4, act.shape), fps), ref

    (loud, loud_ref), (faint, faint_ref) = recording(0.8), recording(0.02)
    # one song's tuning suits that song: the faint song's hi-hats need a threshold under 0.02
    assert drums.tune_thresholds([faint], [faint_ref], drums.THRESHOLD_GRID)["HH"] < 0.02
    assert drums.tune_thresholds([loud], [loud_ref], drums.THRESHOLD_GRID)["HH"] >= 0.3
    # leave one song out: each song is transcribed with the other song's thresholds, so the faint one misses
    est, thresholds = drums.leave_one_song_out([loud, faint, faint], [loud_ref, faint_ref, faint_ref],
                                               ["a", "b", "b"])
    assert thresholds["a"] == drums.tune_thresholds([faint, faint], [faint_ref] * 2, drums.THRESHOLD_GRID)
    assert thresholds["b"] == drums.tune_thresholds([loud], [loud_ref], drums.THRESHOLD_GRID)
    assert len(est[1]["HH"]) == 0 and len(est[0]["HH"]) >= len(loud_ref["HH"])
    with pytest.raises(ValueError, match="two or more songs"):
        drums.leave_one_song_out([loud, faint], [loud_ref, faint_ref], ["a", "a"])
    with pytest.raises(ValueError, match="one reference and one song"):
        drums.leave_one_song_out([loud, faint], [loud_ref], ["a", "b"])
    table = drums.threshold_table([loud, faint, faint], [loud_ref, faint_ref, faint_ref], ["a", "b", "b"],
                                  ["loud", "faint", "faint"], thresholds={"KD": 0.5, "SD": 0.5, "HH": 0.01})
    assert table.loc["faint, tuned on the other songs", "HH"] == 0 < table.loc["faint, shipped thresholds", "HH"]
    assert table.loc["loud, threshold 0.5", "HH"] == 1
    assert table.attrs["thresholds"] == thresholds
    with pytest.raises(ValueError, match="one source per activation"):
        drums.threshold_table([loud, faint], [loud_ref, faint_ref], ["a", "b"], ["loud"])


@pytest.fixture(scope="module")
def validation_songs():
    from mirlib.data import mdb_drums

    return mdb_drums.load_tracks(source="mix") + mdb_drums.load_tracks(source="drums")


@pytest.mark.parametrize("network", [drums.DRUM_CRNN, drums.DRUM_JOINT], ids=lambda n: n.name)
def test_shipped_thresholds_come_from_the_validation_songs(network, validation_songs):
    """The registry's thresholds are those tune_thresholds finds on the four MDB Drums songs (band mix and drum
    track) for the shipped weights; tuned on three songs, they transcribe the fourth better than 0.5 does."""
    acts = [drums.activation(t.audio, t.sr, network) for t in validation_songs]
    refs = [t.drums for t in validation_songs]
    assert drums.tune_thresholds(acts, refs, drums.THRESHOLD_GRID) == network.thresholds
    table = drums.threshold_table(acts, refs, [t.name for t in validation_songs],
                                  ["band mix"] * 4 + ["drum track"] * 4, thresholds=network.thresholds)
    assert list(table.columns) == ["KD", "SD", "HH", "overall"] and len(table) == 6
    at_half = [drums.pick_drum_peaks(a, threshold=0.5) for a in acts]
    assert table.loc["drum track, threshold 0.5", "overall"] == \
        drums.score_transcriptions(refs[4:], at_half[4:])["overall"]["F"]
    for source in ("band mix", "drum track"):
        tuned = table.loc[f"{source}, tuned on the other songs"]
        assert tuned["overall"] > table.loc[f"{source}, threshold 0.5", "overall"] + 0.05
        assert tuned["HH"] >= 0.6
        # tuned on all four songs, so at least as good on them as tuned on the other three
        assert table.loc[f"{source}, shipped thresholds", "overall"] >= tuned["overall"] - 0.01
    # transcribe uses them for the shipped weights, and DRUM_PEAKS for other weights
    song = validation_songs[4]
    assert {k: len(v) for k, v in drums.transcribe(song.audio, song.sr, network).items()} == \
        {k: len(v) for k, v in drums.pick_drum_peaks(acts[4], threshold=network.thresholds).items()}
    other = drums.transcribe(song.audio, song.sr, network, model=network.cached())
    assert {k: len(v) for k, v in other.items()} == {k: len(v) for k, v in at_half[4].items()}


# -- networks --------------------------------------------------------------------

@pytest.fixture(scope="module")
def held_out():
    return drums.drum_examples("test", 16, first_seed=10000)


def test_shipped_crnn_transcribes_kits_it_never_heard(held_out):
    # the bar, on loops from the four test kits, with the shipped thresholds
    scores = drums.held_out_scores(network=drums.DRUM_CRNN, examples=held_out)
    assert scores["F ±50 ms"] >= 0.85 and scores["F ±20 ms"] >= 0.75, scores
    untrained = drums.held_out_scores(drums.DRUM_CRNN.untrained(held_out[0].x[None]), drums.DRUM_CRNN,
                                      examples=held_out[:4])
    assert untrained["F ±50 ms"] < 0.5
    joint = drums.held_out_scores(network=drums.DRUM_JOINT, examples=held_out)
    assert joint["F ±50 ms"] >= 0.8


def test_joint_network_tracks_downbeats(held_out):
    hits = 0
    for e in held_out[:6]:
        act = nn.predict_sequence(drums.DRUM_JOINT.cached(), e.x)
        est = drums.downbeats_from_activation(act[:, 3], act[:, 4], fps=100.0)
        assert est.shape[1] == 2 and set(np.unique(est[:, 1])) <= {1, 2, 3, 4}
        hits += evaluation.beat_scores(e.rendering.downbeats, est[est[:, 1] == 1, 0])["F"]
    assert hits / 6 >= 0.6
    with pytest.raises(ValueError, match="differ in length"):
        drums.downbeats_from_activation(np.zeros(100), np.zeros(90), fps=100)


def test_nmf_baseline():
    templates = drums.nmf_templates()
    assert templates.shape == (3, 84) and np.allclose(templates.sum(axis=1), 1, atol=1e-4)
    assert np.argmax(templates[0]) < np.argmax(templates[2])        # kick drum low, hi-hat high
    r = render_drum_loop("rumpf_kit_z01_h2", seed=0, n_bars=2, accompaniment=False)
    act = drums.nmf_activation(r.audio, r.sr, templates)
    assert act.shape[1] == 3 and act.fps == 100.0
    with pytest.raises(ValueError, match="templates must have shape"):
        drums.nmf_activation(r.audio, r.sr, templates[:2])


def test_builders_follow_the_paper():
    crnn = nn.drum_crnn(84, n_outputs=5)
    names = [la.name for la in crnn.layers]
    assert "bigru1" in names and "bigru2" in names and "pool1" in names and "pool2" in names
    assert crnn.output_shape == (None, None, 5)
    # pooling over frequency only: the output has as many frames as the input
    out = crnn(np.zeros((1, 37, 168), dtype="float32"))
    assert tuple(out.shape) == (1, 37, 5)
    assert not any("gru" in la.name for la in nn.drum_cnn().layers)
    assert not any("conv" in la.name for la in nn.drum_rnn().layers)


# -- MIDI and the command line ---------------------------------------------------

def test_midi_round_trip(tmp_path):
    import pretty_midi

    hits = {"KD": [0.0, 0.5, 1.0], "SD": [0.25, 0.75], "HH": [0.0, 0.125, 0.25]}
    path = data.write_drum_midi(hits, tmp_path / "t.mid", tempo=96)
    pm = pretty_midi.PrettyMIDI(str(path))
    assert len(pm.instruments) == 1 and pm.instruments[0].is_drum          # channel 10
    assert sorted({n.pitch for n in pm.instruments[0].notes}) == [36, 38, 42]
    back = data.read_drum_midi(path)
    for d in data.DRUMS:
        assert np.allclose(back[d], hits[d], atol=1e-3)
    with pytest.raises(ValueError, match="unknown drum"):
        data.write_drum_midi({"TOM": [1.0]}, tmp_path / "x.mid")
    with pytest.raises(ValueError, match="non-negative"):
        data.write_drum_midi({"KD": [-1.0]}, tmp_path / "x.mid")
    (tmp_path / "broken.mid").write_bytes(b"MThd garbage")
    with pytest.raises(ValueError, match="not a readable MIDI file"):
        data.read_drum_midi(tmp_path / "broken.mid")
    with pytest.raises(FileNotFoundError):
        data.read_drum_midi(tmp_path / "missing.mid")


@pytest.fixture(scope="module")
def loop_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("drumloops")
    loops = {}
    for i, kit in enumerate(("The Black Pearl 1.0", "HardElectro1")):
        r = render_drum_loop(kit, seed=i, style="rock", tempo=110, n_bars=4, fills=0.0, accompaniment=False)
        path = folder / f"loop{i}.wav"
        sf.write(path, r.audio, r.sr)
        loops[str(path)] = r
    return loops


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    status = main(argv, out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_drums_command_transcribes_a_loop_and_writes_midi(loop_files, tmp_path):
    path, r = next(iter(loop_files.items()))
    midi = tmp_path / "loop.mid"
    status, out, err = _run(["drums", path, "--midi", str(midi)])
    assert status == 0, err
    lines = [line.split("\t") for line in out.splitlines()]
    assert all(len(parts) == 2 and parts[1] in ("KD", "SD", "HH") for parts in lines)
    times = [float(t) for t, _ in lines]
    assert times == sorted(times)
    est = {d: [float(t) for t, name in lines if name == d] for d in data.DRUMS}
    assert evaluation.drum_scores(r.drums, est, 0.05)["overall"]["F"] >= 0.9
    back = data.read_drum_midi(midi)
    for d in data.DRUMS:
        assert np.allclose(back[d], est[d], atol=1.5e-3)


def test_drums_command_with_several_files_and_bad_input(loop_files, tmp_path):
    paths = list(loop_files)
    (tmp_path / "silent.wav").write_bytes(b"")
    sf.write(tmp_path / "zeros.wav", np.zeros(44100, dtype="float32"), 44100)
    missing = str(tmp_path / "missing.wav")
    status, out, err = _run(["drums", *paths, missing, str(tmp_path / "zeros.wav"), "--midi", str(tmp_path / "mid")])
    assert status == 1
    assert {line.split("\t")[0] for line in out.splitlines()} == set(paths)
    assert sorted(p.name for p in (tmp_path / "mid").iterdir()) == ["loop0.mid", "loop1.mid"]
    errors = err.strip().splitlines()
    assert len(errors) == 2 and all(e.startswith("mirlib drums: error:") for e in errors)
    assert "missing.wav" in errors[0] and "zeros.wav" in errors[1]


def test_downbeats_command(loop_files):
    path, r = next(iter(loop_files.items()))
    status, out, err = _run(["downbeats", path])
    assert status == 0, err
    rows = np.array([[float(v) for v in line.split("\t")] for line in out.splitlines()])
    assert set(np.unique(rows[:, 1])) <= {1.0, 2.0, 3.0, 4.0}
    assert evaluation.beat_scores(r.downbeats, rows[rows[:, 1] == 1, 0])["F"] >= 0.8
    assert evaluation.beat_scores(r.beats, rows[:, 0])["F"] >= 0.8
    status, _, err = _run(["downbeats", "/no/such/file.wav"])
    assert status == 1 and "file.wav" in err


def test_train_command_reports_held_out_f(tmp_path):
    out_file = tmp_path / "tiny.weights.h5"
    status, out, err = _run(["train", "drum_rnn", "--n-train", "4", "--epochs", "1", "--n-test", "2",
                             "--out", str(out_file)])
    assert status == 0, err
    assert "held-out F ±50 ms on 2 loops from kits never heard in training" in out
    model = drums.DRUM_RNN.load(out_file)
    assert model.output_shape == (None, None, 3)


def test_recording_chain_colours_a_loop_and_is_seeded():
    from mirlib.data import augment

    loop = render_drum_loop("rumpf_kit_z01_h2", seed=1, n_bars=2, accompaniment=False)
    a = augment.recording_chain(loop.audio, loop.sr, np.random.default_rng(4))
    assert a.shape == loop.audio.shape and a.dtype == np.float32 and np.abs(a).max() == pytest.approx(0.9, abs=1e-3)
    assert np.array_equal(a, augment.recording_chain(loop.audio, loop.sr, 4))
    assert not np.allclose(a, augment.recording_chain(loop.audio, loop.sr, 5))
    # the EQ and the room change the spectrum, not only the level
    spec = lambda y: np.abs(np.fft.rfft(y[:2 ** 16]))
    assert np.corrcoef(np.log1p(spec(a)), np.log1p(spec(loop.audio)))[0, 1] < 0.999
    with pytest.raises(ValueError, match="silent"):
        augment.recording_chain(np.zeros(4410, dtype=np.float32), 44100)
    # the share of recorded loops is seeded; 0 leaves every loop as rendered
    dry, wet = drums.drum_examples("train", 6, length=4.0), drums.drum_examples("train", 6, length=4.0, recorded=1.0)
    assert all(np.array_equal(d.targets, w.targets) and not np.array_equal(d.x, w.x) for d, w in zip(dry, wet))
    assert all(np.array_equal(d.x, z.x) for d, z in zip(dry, drums.drum_examples("train", 6, length=4.0, recorded=0)))
