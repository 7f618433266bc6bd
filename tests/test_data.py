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
