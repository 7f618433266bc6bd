import numpy as np
import pytest
import scipy.signal

from mirlib import audio, data, features


@pytest.fixture
def noise():
    return np.random.default_rng(0).uniform(-1, 1, 5000).astype(np.float32)


def test_fps_and_frame_times():
    assert features.fps(44100, 441) == 100.0
    np.testing.assert_allclose(features.frame_times(4, 100.0), [0, 0.01, 0.02, 0.03])
    with pytest.raises(ValueError):
        features.fps(44100, 0)
    with pytest.raises(ValueError):
        features.fps(-1, 512)


def test_frame_matches_definition(noise):
    frames = features.frame(noise, frame_size=1024, hop_size=300)
    n_frames = 1 + (len(noise) - 1024) // 300
    assert frames.shape == (n_frames, 1024)
    for i in (0, 1, n_frames - 1):
        np.testing.assert_array_equal(frames[i], noise[i * 300: i * 300 + 1024])


@pytest.mark.parametrize("kwargs, message", [
    (dict(frame_size=6000, hop_size=10), "fewer than one frame"),
    (dict(frame_size=0, hop_size=10), "frame_size"),
    (dict(frame_size=10, hop_size=2.5), "hop_size"),
])
def test_frame_errors(noise, kwargs, message):
    with pytest.raises(ValueError, match=message):
        features.frame(noise, **kwargs)


def test_magnitude_spectrogram_equals_windowed_rfft(noise):
    S = features.magnitude_spectrogram(noise, frame_size=512, hop_size=128, center=False)
    window = scipy.signal.get_window("hann", 512)
    frames = features.frame(noise, 512, 128)
    expected = np.abs(np.fft.rfft(frames * window, axis=1))
    assert S.shape == expected.shape == (1 + (5000 - 512) // 128, 257)
    np.testing.assert_allclose(S, expected, rtol=1e-4, atol=1e-4)


def test_magnitude_spectrogram_resolves_a_sine():
    sr, f0 = 8000, 1000.0
    y = np.sin(2 * np.pi * f0 * np.arange(sr) / sr)
    S = features.magnitude_spectrogram(y, frame_size=1024, hop_size=256)
    assert S.shape == (1 + sr // 256, 513)
    peak_bin = np.argmax(S[10])
    assert peak_bin * sr / 1024 == pytest.approx(f0, abs=sr / 1024)
    # centred frames: frame count follows from the hop size alone
    assert features.magnitude_spectrogram(y[:100], 1024, 256).shape == (1, 513)


def test_mel_filterbank_shape_and_coverage():
    fb = features.mel_filterbank(22050, 2048, n_mels=40, fmin=0, fmax=8000)
    assert fb.shape == (1025, 40)
    assert np.all(fb >= 0)
    freqs = np.arange(1025) * 22050 / 2048
    # no weight above fmax; each band peaks higher than the previous one
    assert np.all(fb[freqs > 8000.5] == 0)
    assert np.all(np.diff(np.argmax(fb, axis=0)) >= 0)
    with pytest.raises(ValueError, match="Nyquist"):
        features.mel_filterbank(22050, 2048, fmax=12000)
    with pytest.raises(ValueError, match="fmin"):
        features.mel_filterbank(22050, 2048, fmin=5000, fmax=4000)


def test_log_compress():
    np.testing.assert_allclose(features.log_compress(np.array([0.0, 9.0])), [0.0, 1.0])
    np.testing.assert_allclose(features.log_compress(np.array([1.0]), mul=99), [2.0], rtol=1e-6)
    with pytest.raises(ValueError, match="non-negative"):
        features.log_compress(np.array([-1.0]))
    with pytest.raises(ValueError, match="NaN"):
        features.log_compress(np.array([np.nan]))


def test_log_mel_spectrogram_pipeline(noise):
    M = features.log_mel_spectrogram(noise, 22050, frame_size=1024, hop_size=256, n_mels=32)
    S = features.magnitude_spectrogram(noise, 1024, 256)
    fb = features.mel_filterbank(22050, 1024, n_mels=32, fmin=27.5)
    np.testing.assert_allclose(M, np.log10(1 + S @ fb), rtol=1e-5)
    assert M.shape == (1 + len(noise) // 256, 32)


def test_log_mel_of_silence_is_zero():
    M = features.log_mel_spectrogram(np.zeros(4096), 22050, n_mels=16)
    assert np.all(M == 0)


def test_standardizer_uses_training_statistics(tmp_path):
    rng = np.random.default_rng(1)
    train = [rng.normal(5, 2, (100, 3)), rng.normal(5, 2, (50, 3))]
    norm = features.Standardizer.fit(train)
    pooled = np.concatenate(train)
    np.testing.assert_allclose(norm.mean, pooled.mean(axis=0))
    np.testing.assert_allclose(norm.std, pooled.std(axis=0))
    z = norm(pooled)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(z.std(axis=0), 1, atol=1e-5)
    # test data is transformed with the training statistics, not its own
    test = rng.normal(8, 2, (20, 3))
    np.testing.assert_allclose(norm(test), (test - norm.mean) / norm.std, rtol=1e-5)
    norm.save(tmp_path / "norm.npz")
    again = features.Standardizer.load(tmp_path / "norm.npz")
    np.testing.assert_array_equal(again.mean, norm.mean)


def test_standardizer_errors():
    with pytest.raises(ValueError, match="constant"):
        features.Standardizer.fit(np.zeros((10, 4)))
    with pytest.raises(ValueError, match="NaN"):
        features.Standardizer.fit(np.array([[1.0, np.nan]]))
    with pytest.raises(ValueError, match="n_bins"):
        features.Standardizer.fit([np.ones((3, 2)), np.ones((3, 4))])
    norm = features.Standardizer.fit(np.array([[0.0, 1.0], [2.0, 1.0]]))
    # a constant band maps to zero instead of dividing by zero
    np.testing.assert_array_equal(norm(np.array([[1.0, 1.0]])), [[0.0, 0.0]])
    with pytest.raises(ValueError, match="n_frames, 2"):
        norm(np.ones((3, 5)))


def test_activations_carry_their_frame_rate_and_several_outputs():
    from mirlib import features

    act = features.Activations(np.zeros((50, 3)), fps=100, labels=("KD", "SD", "HH"))
    assert act.shape == (50, 3) and act.fps == 100.0 and act["HH"].shape == (50,)
    assert act[:, 0].fps == 100.0 and act[:, 0].labels is None
    np.testing.assert_allclose(act.times[:3], [0.0, 0.01, 0.02])
    with pytest.raises(ValueError, match="labels"):
        features.Activations(np.zeros((5, 2)), 100, labels=("KD", "SD", "HH"))
    with pytest.raises(ValueError, match="NaN"):
        features.Activations([0.0, np.nan], 100)
    one = features.Activations(np.r_[np.zeros(20), 1.0, np.zeros(20)], fps=50)
    # peak picking and the beat tracker read the frame rate from the activations
    np.testing.assert_allclose(features.pick_peaks(one, threshold=0.5), [20 / 50])
    with pytest.raises(ValueError, match="frame rate missing"):
        features.pick_peaks(np.zeros(10), threshold=0.5)


def test_feature_settings_carry_fps_and_refuse_what_they_cannot_take():
    from mirlib import features

    assert features.RHYTHM.fps == 100.0 and features.CLASSIFICATION.fps == pytest.approx(43.066, abs=1e-3)
    y = np.random.default_rng(0).uniform(-0.5, 0.5, 22050).astype(np.float32)
    assert features.CLASSIFICATION(y, 22050).shape == (44, 40)
    with pytest.raises(ValueError, match="22050 Hz"):
        features.CLASSIFICATION(y, 44100)
    with pytest.raises(ValueError, match="NaN"):
        features.RHYTHM(np.r_[y, np.nan], 22050)


def test_activation_cache_can_be_cleared_resized_and_switched_off():
    calls = []

    def compute():
        calls.append(1)
        return features.Activations(np.arange(4.0), fps=100)

    cache = features.ActivationCache(size=2)
    signals = [np.full(10, v, dtype=np.float32) for v in (0.1, 0.2, 0.3)]
    for y in signals:
        cache("odf", y, compute)
    assert len(calls) == 3 and len(cache) == 2          # the oldest was dropped
    cache("odf", signals[2], compute)
    assert len(calls) == 3                              # remembered
    cache("odf", signals[0], compute)
    assert len(calls) == 4                              # forgotten when the cache was full
    cache.size = 0                                      # off: every call computes, nothing is kept
    cache("odf", signals[0], compute)
    assert len(calls) == 5 and len(cache) == 0
    cache.size = 4
    cache("odf", signals[0], compute)
    cache.clear()
    assert len(cache) == 0
    with pytest.raises(ValueError, match="0 \\(off\\)"):
        cache.size = -1
    # the shipped networks share one cache, which the user controls
    assert isinstance(features.remembered, features.ActivationCache)


def test_activation_cache_on_disk_is_shared_between_processes(tmp_path, monkeypatch):
    calls = []

    def compute():
        calls.append(1)
        return features.Activations(np.arange(6.0).reshape(3, 2) / 10, fps=50, labels=("beat", "downbeat"))

    y = np.linspace(-1, 1, 100, dtype=np.float32)
    first = features.ActivationCache(directory=tmp_path)
    made = first(("net", "digest1"), y, compute)
    # another process (a fresh cache on the same folder) reads it instead of computing
    monkeypatch.setenv("MIRLIB_CACHE_DIR", str(tmp_path))
    again = features.ActivationCache()(("net", "digest1"), y, compute)
    assert len(calls) == 1 and again.fps == 50 and again.labels == ("beat", "downbeat")
    np.testing.assert_array_equal(again, made)
    # other weights (another key) or another signal are computed
    features.ActivationCache()(("net", "digest2"), y, compute)
    features.ActivationCache()(("net", "digest1"), y[::-1].copy(), compute)
    assert len(calls) == 3 and len(list(tmp_path.glob("*.npz"))) == 3 and not list(tmp_path.glob("*.tmp"))
    # off means off on disk too
    with first.disabled():
        first(("net", "digest1"), y, compute)
    assert len(calls) == 4
    # a damaged file is named, computed again and rewritten
    for f in tmp_path.glob("*.npz"):
        f.write_bytes(b"not npz")
    with pytest.warns(UserWarning, match="unreadable"):
        features.ActivationCache()(("net", "digest1"), y, compute)
    assert len(calls) == 5
    features.ActivationCache()(("net", "digest1"), y, compute)
    assert len(calls) == 5
    # a folder that cannot be written is named; the activations still come back
    blocked = tmp_path / "file"
    blocked.write_text("a file, not a folder")
    with pytest.warns(UserWarning, match="cache folder is not writable"):
        got = features.ActivationCache(directory=blocked / "cache")(("net", "digest1"), y, compute)
    np.testing.assert_array_equal(got, made)
    monkeypatch.delenv("MIRLIB_CACHE_DIR")
    assert features.ActivationCache().directory is None


def test_tempo_prior_weighs_tempi_around_its_centre():
    w = features.tempo_prior([55.0, 110.0, 220.0])
    assert w[1] == 1.0 and w[0] == pytest.approx(w[2]) and w[0] < 0.2
    with pytest.raises(ValueError, match="positive"):
        features.tempo_prior([0.0])


@pytest.mark.parametrize("frame_size, hop_size, window, center", [
    (1024, 441, "hann", True), (2048, 441, "hann", False), (4096, 441, "hann", True), (1023, 100, "hann", True),
    (1024, 441, "hamming", False), (512, 128, "blackman", True)])
def test_magnitude_spectrogram_is_librosas_stft_bit_for_bit(frame_size, hop_size, window, center):
    """NumPy and SciPy's FFT alone (no librosa import at inference), yet librosa.stft to the bit, on a real recording."""
    import librosa

    y, sr = audio.load(data.madmom_file("sample.wav"), sr=None)
    ours = features.magnitude_spectrogram(y, frame_size=frame_size, hop_size=hop_size, window=window, center=center)
    theirs = np.abs(librosa.stft(y, n_fft=frame_size, hop_length=hop_size, window=window, center=center)).T
    assert ours.dtype == np.float32 and np.array_equal(ours, theirs)


@pytest.mark.parametrize("sr, frame_size, n_mels, fmin, fmax, htk, norm", [
    (44100, 1024, 80, 27.5, 16000.0, False, "slaney"), (44100, 4096, 80, 27.5, 16000.0, False, "slaney"),
    (22050, 2048, 128, 0.0, None, False, "slaney"), (16000, 512, 40, 30.0, 8000.0, True, None),
    (22050, 2048, 96, 20.0, 11025.0, True, "slaney")])
def test_mel_filterbank_is_librosas_bit_for_bit(sr, frame_size, n_mels, fmin, fmax, htk, norm):
    import librosa

    ours = features.mel_filterbank(sr, frame_size, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm)
    theirs = librosa.filters.mel(sr=sr, n_fft=frame_size, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm).T
    assert ours.dtype == np.float32 and np.array_equal(ours, theirs)


def test_mel_filterbank_warns_of_empty_bands_and_refuses_other_norms():
    with pytest.warns(UserWarning, match="empty mel filters"):
        features.mel_filterbank(44100, 256, n_mels=128)
    with pytest.raises(ValueError, match="norm"):
        features.mel_filterbank(22050, 2048, norm="l2")


@pytest.mark.parametrize("center", [True, False])
def test_magnitude_spectrogram_in_blocks_is_librosas_stft_bit_for_bit(center):
    """Computed a block of frames at a time (memory), it is librosa's STFT of the whole signal, to the bit."""
    import librosa

    y = np.random.default_rng(3).normal(size=70_000).astype(np.float32)
    ours = features.magnitude_spectrogram(y, frame_size=256, hop_size=16, center=center)
    theirs = np.abs(librosa.stft(y, n_fft=256, hop_length=16, center=center)).T.astype(np.float32)
    assert len(ours) > 4096          # three blocks of 2048 frames, the last one partial
    assert ours.dtype == np.float32 and np.array_equal(ours, theirs)
