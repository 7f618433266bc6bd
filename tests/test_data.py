import hashlib

import numpy as np
import pytest

from mirlib import data


def test_madmom_files_match_their_checksums():
    for name, (_, _, sha) in data.MADMOM_FILES.items():
        path = data.madmom_file(name)
        with open(path, "rb") as f:
            assert hashlib.sha256(f.read()).hexdigest() == sha


def test_madmom_file_unknown():
    with pytest.raises(ValueError, match="unknown madmom file"):
        data.madmom_file("nope.wav")


def test_examples_exist_with_attribution():
    for name in ("brahms", "libri1", "trumpet"):
        assert data.example(name).endswith(".ogg")
        text = data.example_attribution(name)
        assert "http" in text and len(text.splitlines()) >= 2
    with pytest.raises(ValueError, match="unknown example"):
        data.example("beatles")


def test_sample_annotations():
    onsets = data.load_onsets(data.madmom_file("sample.onsets"))
    assert onsets.shape == (15,) and onsets[0] == 0.0943 and np.all(np.diff(onsets) > 0)
    times, positions = data.load_beats(data.madmom_file("sample.beats"))
    np.testing.assert_array_equal(positions, [1, 2, 3, 4])
    assert times[-1] == 2.1478
    np.testing.assert_allclose(data.load_tempo(data.madmom_file("sample.tempo")), [[87.5, 0.7], [175.0, 0.3]])
    drums = data.load_drums(data.madmom_file("sample.drums"))
    assert tuple(drums) == data.DRUMS == ("KD", "SD", "HH")
    assert sum(len(t) for t in drums.values()) == 20 and all(len(t) > 0 for t in drums.values())
    assert drums["KD"][0] == min(t[0] for t in drums.values())
    assert all(np.all(np.diff(t) >= 0) for t in drums.values())


def write(tmp_path, text, name="ann.txt"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("loader, text, message", [
    (data.load_onsets, "0.1\n0.2 3\n", r"line 2: expected 1 column"),
    (data.load_onsets, "# c\n0.1\nabc\n", r"line 3: not a number"),
    (data.load_onsets, "0.1\nnan\n", r"line 2: NaN"),
    (data.load_onsets, "0.5\n0.1\n", r"line 2: .*earlier"),
    (data.load_onsets, "-0.5\n", r"line 1: negative time"),
    (data.load_onsets, "# only a comment\n", r"no onset"),
    (data.load_beats, "0.1 1\n0.5\n", r"line 2: mixes"),
    (data.load_beats, "0.1 1\n0.5 2.5\n", r"line 2: beat position"),
    (data.load_tempo, "120 240 1.5\n", r"line 1: salience"),
    (data.load_tempo, "120\n130\n", r"line 2: expected one tempo"),
    (data.load_tempo, "0 240 0.5\n", r"line 1: tempo must be positive"),
    (data.load_drums, "0.1 0\n0.2 7\n", r"line 2: unknown drum instrument 7"),
    (data.load_drums, "0.1\n", r"line 1: expected 2 column"),
])
def test_malformed_annotation_names_file_and_line(tmp_path, loader, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=message) as info:
        loader(path)
    assert "ann.txt" in str(info.value)


def test_annotation_missing_and_binary(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.onsets"):
        data.load_onsets(tmp_path / "missing.onsets")
    path = tmp_path / "binary.onsets"
    path.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(ValueError, match="binary.onsets"):
        data.load_onsets(path)


def test_single_column_beats_and_single_tempo(tmp_path):
    times, positions = data.load_beats(write(tmp_path, "0.5\n1.0\n"))
    assert positions is None and list(times) == [0.5, 1.0]
    np.testing.assert_array_equal(data.load_tempo(write(tmp_path, "100\n", "t.tempo")), [[100.0, 1.0]])


def test_data_dir_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MIRLIB_DATA_DIR", str(tmp_path))
    assert data.data_dir() == tmp_path
    monkeypatch.delenv("MIRLIB_DATA_DIR")
    assert "mirlib" in str(data.data_dir())


# --------------------------------------------------------------------------- MDB Drums

def test_combine_onsets_keeps_the_first_of_hits_struck_together():
    assert data.combine_onsets([0.5, 0.0, 0.02, 0.04, 0.5]).tolist() == [0.0, 0.04, 0.5]   # sorted, chained to the kept
    assert data.combine_onsets([0.0, 0.031], 0.03).tolist() == [0.0, 0.031]
    assert data.combine_onsets([], 0.03).shape == (0,)
    assert data.combine_onsets([0.0, 0.01], 0.0).tolist() == [0.0, 0.01]
    # the convention of madmom's peak picking (combine_events, "left") on sorted onsets
    from mirlib.compat import import_madmom

    times = np.sort(np.random.default_rng(3).uniform(0, 5, 200))
    np.testing.assert_array_equal(data.combine_onsets(times, 0.03),
                                  import_madmom().utils.combine_events(times, 0.03, combine="left"))
    with pytest.raises(ValueError, match="window"):
        data.combine_onsets([0.0], -0.01)
    with pytest.raises(ValueError, match="NaN"):
        data.combine_onsets([0.0, np.nan])


def test_mdb_drums_validation_tracks_have_their_annotations():
    from mirlib.data import mdb_drums

    assert len(mdb_drums.TRACKS) == 23 and set(mdb_drums.VALIDATION_TRACKS) <= set(mdb_drums.TRACKS)
    counts = {"MusicDelta_Hendrix": (32, 32, 64), "MusicDelta_Reggae": (31, 10, 34),
              "MusicDelta_Rock": (12, 12, 48), "MusicDelta_Zeppelin": (37, 24, 61)}
    for track in mdb_drums.load_tracks():
        assert tuple(len(track.drums[k]) for k in ("KD", "SD", "HH")) == counts[track.name]
        assert track.sr == 44100 and track.audio.ndim == 1 and 13 < len(track.audio) / track.sr < 20
        assert len(track.beats) == len(track.positions) and set(track.positions) <= {1, 2, 3, 4}
        assert np.all(np.diff(track.downbeats) > 1.0) and 60 < track.tempo < 200
        assert len(track.onsets) >= max(len(t) for t in track.drums.values())
        # every drum onset of every class, hits within 30 ms counted as one, as detectors report them
        assert np.all(np.diff(track.onsets) > mdb_drums.ONSET_WINDOW) and mdb_drums.ONSET_WINDOW == 0.03
        every = np.concatenate([*track.drums.values(), *track.other_drums.values()])
        assert np.abs(every[:, None] - track.onsets[None]).min(axis=1).max() <= mdb_drums.ONSET_WINDOW
    reggae = mdb_drums.load_track("MusicDelta_Reggae", source="drums")
    assert reggae.source == "drums" and len(reggae.other_drums["CY"]) == 3 and len(reggae.other_drums["OT"]) == 6


def test_mdb_drums_refuses_bad_names_files_and_annotations(tmp_path, monkeypatch):
    from mirlib.data import mdb_drums

    with pytest.raises(ValueError, match="unknown MDB Drums track 'MusicDelta_Polka'"):
        mdb_drums.track_file("MusicDelta_Polka", "mix")
    with pytest.raises(ValueError, match="kind must be one of"):
        mdb_drums.track_file("MusicDelta_Rock", "stems")
    bad = tmp_path / "bad_class.txt"
    for text, message in [("0.1\tKD\n0.2\tXX\n", "line 2: unknown drum class 'XX'"),
                          ("0.5\tKD\n0.2\tSD\n", "earlier than the line before"),
                          ("0.1\tKD\tloud\n", "line 1: expected 'time class'"),
                          ("nan\tKD\n", "NaN"), ("", "no drum onset")]:
        bad.write_text(text)
        with pytest.raises(ValueError, match=message):
            mdb_drums.load_class_annotation(bad)
    # a damaged local copy is named, not read
    shared = mdb_drums.track_file("MusicDelta_Rock", "class")
    copy = tmp_path / "data" / "mdb-drums" / "MDB Drums" / "annotations" / "class" / shared.name
    copy.parent.mkdir(parents=True)
    copy.write_text(shared.read_text()[:-20])
    monkeypatch.setenv("MIRLIB_DATA_DIR", str(tmp_path / "data"))
    with pytest.raises(ValueError, match="a damaged or other file"):
        mdb_drums.track_file("MusicDelta_Rock", "class")


def test_mdb_drums_downloads_and_verifies_missing_tracks(tmp_path, monkeypatch):
    """A track that is not here comes from the upstream address through pooch and is checked: by sha256, or by
    the git blob id where the registry has no sha256. A local server stands in for the upstream repository."""
    import shutil
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from mirlib.data import mdb_drums

    upstream = tmp_path / "upstream" / mdb_drums.COMMIT
    for kind in ("class", "beats"):
        src = mdb_drums.track_file("MusicDelta_Rock", kind)
        dest = upstream / src.relative_to(src.parents[2].parent)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, dest)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(tmp_path / "upstream")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(mdb_drums, "URL", f"http://127.0.0.1:{server.server_address[1]}/{{commit}}/{{path}}")
        monkeypatch.setenv("MIRLIB_DATA_DIR", str(tmp_path / "cache"))
        got = mdb_drums.track_file("MusicDelta_Rock", "class")
        assert got.is_file() and got.is_relative_to(tmp_path / "cache" / "mdb-drums" / "MDB Drums")
        assert len(mdb_drums.load_class_annotation(got)["HH"]) == 48
        # no sha256 in the registry: the git blob id decides
        rel = "MDB Drums/annotations/beats/MusicDelta_Rock_MIX.beats"
        monkeypatch.setitem(mdb_drums.REGISTRY, rel, dict(mdb_drums.REGISTRY[rel], sha256="-"))
        assert mdb_drums.track_file("MusicDelta_Rock", "beats").read_bytes() == (upstream / rel).read_bytes()
        (tmp_path / "cache" / "mdb-drums" / rel).unlink()
        (upstream / rel).write_text((upstream / rel).read_text().replace("0.55000", "0.56000"))
        with pytest.raises(ValueError, match="git blob id .* is not MDB Drums'"):
            mdb_drums.track_file("MusicDelta_Rock", "beats")
        assert not (tmp_path / "cache" / "mdb-drums" / rel).exists(), "a damaged download must not stay"
        with pytest.raises(FileNotFoundError, match="MusicDelta_Punk_MIX.wav.*could not be downloaded"):
            mdb_drums.track_file("MusicDelta_Punk", "mix")
    finally:
        server.shutdown()


# -- beat datasets through mirdata, on fixture folders in their real layout ------

BEAT_FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures" / "mir_datasets"


def test_beat_datasets_read_ballroom_and_the_beatles_in_their_real_layout(tmp_path):
    from mirlib.data import datasets

    home = BEAT_FIXTURES / "ballroom"
    cha, waltz = datasets.beat_tracks("ballroom", home, home / "index.json")
    assert (cha.track_id, waltz.track_id) == ("Albums-Cafe_Paradiso-05", "Albums-Chrisanne1-02")
    assert "B_1.0/audio/ChaChaCha/" in cha.audio_path
    assert np.allclose(np.diff(cha.beats), 0.5) and cha.positions.tolist()[:5] == [1, 2, 3, 4, 1]
    assert np.allclose(waltz.downbeats, waltz.beats[::3])
    home = BEAT_FIXTURES / "beatles"
    [song] = datasets.beat_tracks("beatles", home, home / "index.json")
    assert song.track_id == "0111" and len(song.beats) == 10 and len(song.downbeats) == 3
    assert datasets.parse_dataset("ballroom:/data/b") == ("ballroom", "/data/b", None)
    assert datasets.parse_dataset("beatles:/d:/d/index.json") == ("beatles", "/d", "/d/index.json")
    for bad in ("ballroom", ":/data", "ballroom:"):
        with pytest.raises(ValueError, match="NAME:PATH"):
            datasets.parse_dataset(bad)
    # GTZAN's fixture lists no beat files; a missing folder and a missing beat file are named
    gtzan = BEAT_FIXTURES / "gtzan_genre"
    with pytest.raises(ValueError, match="no beat annotation"):
        datasets.beat_tracks("gtzan_genre", gtzan, gtzan / "index.json")
    with pytest.raises(FileNotFoundError, match="dataset folder"):
        datasets.beat_tracks("ballroom", tmp_path / "nothing", BEAT_FIXTURES / "ballroom" / "index.json")
    import shutil

    copy = tmp_path / "ballroom"
    shutil.copytree(BEAT_FIXTURES / "ballroom", copy)
    (copy / "B_1.0" / "annotations" / "beats" / "Albums-Chrisanne1-02.beats").unlink()
    with pytest.raises(FileNotFoundError, match="missing"):
        datasets.beat_tracks("ballroom", copy, copy / "index.json")


def test_beat_network_trains_on_a_mirdata_dataset():
    from mirlib import loopnets, models

    home = BEAT_FIXTURES / "ballroom"
    spec = f"ballroom:{home}:{home / 'index.json'}"
    examples = loopnets.dataset_examples(spec, ("beats",), length=2.5)
    assert len(examples) == 2 and all(e.rendering is None for e in examples)
    assert examples[0].stack.shape == (250, 80, 3) and examples[0].target("beats").sum() == 5 * 2.0
    with pytest.raises(ValueError, match="not \\['onsets'\\]"):
        loopnets.dataset_examples(spec, ("onsets",))
    history = models.train("beat_blstm", n_train=0, n_kit_loops=0, n_band_songs=0, epochs=1, length=4.0, dataset=spec)
    assert len(history["loss"]) == 1 and np.isfinite(history["loss"][0])


def test_augmented_copies_are_reproducible_and_altered():
    from mirlib.data import augment

    rng = np.random.default_rng(1)
    signals = [rng.uniform(-0.3, 0.3, 22050).astype(np.float32) for _ in range(2)]
    rms = lambda y: np.array([np.sqrt(np.mean(y ** 2))])   # noqa: E731
    a = augment.augmented_copies(signals, 22050, rms, copies=3, rng=0)
    b = augment.augmented_copies(signals, 22050, rms, copies=3, rng=0)
    assert a.shape == (6, 1) and np.array_equal(a, b)
    assert not np.allclose(a[:2], np.stack([rms(y) for y in signals]))
    with pytest.raises(ValueError, match="copies"):
        augment.augmented_copies(signals, 22050, rms, copies=0)
