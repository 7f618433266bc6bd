import numpy as np
import pytest
import soundfile as sf

from mirlib import audio, data


def write(path, y, sr=22050, subtype=None):
    sf.write(path, y, sr, subtype=subtype)
    return path


def test_load_resamples_and_mixes_down(tmp_path):
    t = np.arange(44100) / 44100
    stereo = np.stack([0.5 * np.sin(2 * np.pi * 440 * t), 0.25 * np.sin(2 * np.pi * 440 * t)], axis=1)
    path = write(tmp_path / "tone.wav", stereo, sr=44100)
    y, sr = audio.load(path)
    assert sr == 22050
    assert y.dtype == np.float32 and y.ndim == 1
    assert abs(len(y) - 22050) <= 1
    # mono mix of 0.5 and 0.25 amplitude -> 0.375
    assert np.max(np.abs(y)) == pytest.approx(0.375, abs=0.01)
    y2, sr2 = audio.load(path, sr=None, mono=False)
    assert sr2 == 44100 and y2.shape == (2, 44100)


@pytest.mark.parametrize("name, options", [
    ("sample.wav", dict(sr=None)), ("stereo_sample.wav", dict(sr=None, mono=False)),
    ("stereo_sample.wav", dict(sr=22050)), ("sample.wav", dict(sr=16000, offset=0.4, duration=1.1))])
def test_load_is_librosa_load_bit_for_bit(name, options):
    """Decoded by soundfile without importing librosa (start-up), yet exactly what librosa.load returns."""
    import librosa

    y, sr = audio.load(data.madmom_file(name), **options)
    y_ref, sr_ref = librosa.load(data.madmom_file(name), **options)
    assert sr == sr_ref and y.dtype == y_ref.dtype and np.array_equal(y, y_ref)


def test_load_real_recording():
    y, sr = audio.load(data.madmom_file("sample.wav"), sr=None)
    assert sr == 44100
    assert y.shape == (123481,)
    assert -1 <= y.min() < 0 < y.max() <= 1


def test_load_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothere.wav"):
        audio.load(tmp_path / "nothere.wav")


def test_load_unreadable_file_names_it(tmp_path):
    path = tmp_path / "garbage.wav"
    path.write_bytes(b"RIFF this is not a wave file" * 10)
    with pytest.raises(ValueError, match="garbage.wav.*cannot read audio"):
        audio.load(path)


def test_load_empty_file_names_it(tmp_path):
    path = write(tmp_path / "empty.wav", np.zeros(0))
    with pytest.raises(ValueError, match="empty.wav.*empty"):
        audio.load(path)


def test_load_nan_samples(tmp_path):
    y = np.zeros(1000)
    y[10] = np.nan
    path = write(tmp_path / "nan.wav", y, subtype="FLOAT")
    with pytest.raises(ValueError, match="nan.wav.*non-finite"):
        audio.load(path)


def test_load_rejects_bad_sample_rate(tmp_path):
    path = write(tmp_path / "ok.wav", np.zeros(100))
    with pytest.raises(ValueError, match="sample rate"):
        audio.load(path, sr=-1)


def test_load_folder(tmp_path):
    with pytest.raises(ValueError, match="folder"):
        audio.load(tmp_path)


@pytest.mark.parametrize(
    "y, message",
    [
        (np.array([]), "empty"),
        (np.array([0.0, np.inf]), "non-finite"),
        (np.zeros((2, 2, 2)), "shape"),
    ],
)
def test_check_signal_rejects(y, message):
    with pytest.raises(ValueError, match=message):
        audio.check_signal(y, 22050, name="x")


def test_check_signal_silence_and_types():
    assert audio.check_signal(np.zeros(3)).dtype == np.float32
    with pytest.raises(ValueError, match="silent"):
        audio.check_signal(np.zeros(3), allow_silence=False)
    with pytest.raises(TypeError):
        audio.check_signal(np.array(["a", "b"]))
    with pytest.raises(ValueError, match="sample rate"):
        audio.check_signal(np.ones(3), sr=0)


def test_check_signal_mono():
    with pytest.raises(ValueError, match="mono"):
        audio.check_signal(np.zeros((2, 100)), mono=True, name="x")
    assert audio.check_signal(np.zeros((2, 100))).shape == (2, 100)
