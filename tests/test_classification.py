"""Classification chapters' mirlib code: styles data, builders, training helpers,
music/speech model, augmentation, tag metrics and the mirdata loaders."""

from pathlib import Path

import numpy as np
import pytest

from mirlib import evaluation, features, musicspeech, nn
from mirlib.data import augment, datasets
from mirlib.synth import styles

FIXTURES = Path(__file__).parent / "fixtures" / "mir_datasets"


# -- generated styles -------------------------------------------------------

def test_style_pieces_are_reproducible_and_tags_follow_the_rendering():
    a, b = styles.render_piece("jive", 4), styles.render_piece("jive", 4)
    assert np.array_equal(a.audio, b.audio) and np.array_equal(a.tags, b.tags)
    for style in styles.STYLE_NAMES:
        for seed in range(4):
            p = styles.render_piece(style, seed)
            r, tags = p.rendering, dict(zip(styles.TAGS, p.tags))
            assert tags["fast"] == (r.tempo >= 140) and tags["slow"] == (r.tempo < 100)
            assert tags["ternary"] == (r.metre == 3 or r.swing >= 0.5)
            assert tags["minor"] == r.params["minor"]
            assert tags["distorted"] == (r.params["distortion"] > 0)
            spec = styles.STYLES[style]
            assert spec.tempo[0] <= r.tempo <= spec.tempo[1] and r.metre == spec.metre


def test_style_dataset_shapes_labels_and_disjoint_seeds():
    d0, d1 = styles.style_dataset(2, seed=0), styles.style_dataset(2, seed=1)
    assert d0.X.shape == (12, styles.N_FRAMES, styles.N_BANDS) and d0.X.dtype == np.float32
    assert d0.y.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert not set(d0.seeds) & set(d1.seeds)
    assert np.isfinite(d0.X).all() and d0.X.std() > 0.1
    with pytest.raises(ValueError, match="unknown style"):
        styles.render_piece("polka")
    with pytest.raises(ValueError, match="n_per_style"):
        styles.style_dataset(0)
    with pytest.raises(ValueError, match="22050"):
        styles.log_mel(np.ones(1000), 44100)


# -- builders -----------------------------------------------------------------

def test_music_speech_cnn_follows_lidy():
    model = nn.music_speech_cnn()
    assert model.input_shape == (None, 80, 40) and model.output_shape == (None, 1)
    assert tuple(model.get_layer("conv").kernel.shape) == (8, 12, 1, 15)   # one layer, 15 filters
    assert model.get_layer("output").activation.__name__ == "sigmoid"


def test_filter_shapes_and_parallel_cnn():
    for name, shape in nn.FILTER_SHAPES.items():
        assert tuple(nn.genre_cnn(128, 40, 6, name).get_layer("conv").kernel.shape[:2]) == shape
    with pytest.raises(ValueError, match="does not fit"):
        nn.genre_cnn(16, 40, 6, "horizontal")
    with pytest.raises(ValueError, match="unknown filter shape"):
        nn.genre_cnn(128, 40, 6, "round")
    par = nn.parallel_cnn(128, 40, 6, output="sigmoid")
    assert par.output_shape == (None, 6) and par.get_layer("output").activation.__name__ == "sigmoid"


def test_transfer_reuses_and_freezes_the_base():
    base = nn.parallel_cnn(128, 40, 6)
    new = nn.transfer(base, 4, freeze=True)
    assert new.output_shape == (None, 4)
    assert nn.count_params(new) == 32 * 4 + 4          # only the new head trains
    np.testing.assert_array_equal(np.asarray(new.get_layer("conv_time").kernel),
                                  np.asarray(base.get_layer("conv_time").kernel))
    with pytest.raises(ValueError, match="no layer"):
        nn.transfer(base, 4, layer="nonexistent")


def test_fine_tuning_a_transferred_model_leaves_the_pretrained_network_as_it_was():
    # the tags chapter transfers the mood network once per seed: fine-tuning one copy must not change the next
    rng = np.random.default_rng(0)
    X = rng.random((16, 128, 40), dtype=np.float32)
    base = nn.parallel_cnn(128, 40, 6, output="sigmoid", normalization=nn.normalization(X))
    before = [np.array(w) for w in base.get_weights()]
    outputs = nn.predict(base, X)
    new = nn.transfer(base, 4, freeze=True)
    kernel = np.array(new.get_layer("conv_time").kernel)
    for layer in new.layers:
        layer.trainable = True
    nn.train(new, X, (rng.random((16, 4)) > 0.5).astype("float32"), epochs=2, batch_size=8, multi_label=True)
    assert not np.array_equal(np.asarray(new.get_layer("conv_time").kernel), kernel)   # the copy was fine-tuned
    assert all(np.array_equal(a, b) for a, b in zip(before, base.get_weights())), "fine-tuning changed the base"
    assert base.get_layer("conv_time").trainable                                         # nor froze it
    np.testing.assert_array_equal(nn.predict(base, X), outputs)


# -- training helpers -----------------------------------------------------------

def test_fit_learns_a_separable_problem_and_logs_to_tensorboard(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 4)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    model = nn.mlp(4, 2, hidden=(8,), normalization=nn.normalization(X))
    hist = nn.train(model, X, y, epochs=30, batch_size=16, learning_rate=0.01, log_dir=tmp_path / "run",
                    validation_data=(X[:50], y[:50]))
    assert hist["loss"][-1] < hist["loss"][0] and hist.model is model
    assert evaluation.accuracy(y, nn.predict(model, X)[:, 0] >= 0.5) >= 0.95
    # keras.callbacks.TensorBoard wrote the same losses, read back
    logs = nn.read_tensorboard(tmp_path)
    loss = logs[(logs.run == "run/train") & (logs.tag == "epoch_loss")].sort_values("step")
    assert loss.step.tolist() == list(range(30))
    np.testing.assert_allclose(loss.value, hist["loss"], rtol=1e-5)
    val = logs[(logs.run == "run/validation") & (logs.tag == "epoch_accuracy")].sort_values("step")
    np.testing.assert_allclose(val.value, hist["val_accuracy"], rtol=1e-5)
    with pytest.raises(ValueError, match="NaN"):
        nn.train(model, np.full((4, 4), np.nan), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="labels"):
        nn.train(model, X, y[:10])
    with pytest.raises(FileNotFoundError):
        nn.read_tensorboard(tmp_path / "empty")


def test_train_seeds_before_building():
    """Given a builder, train seeds first: the same seed gives the same initial and final weights."""
    X = np.random.default_rng(1).standard_normal((32, 3)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    a = nn.train(lambda: nn.mlp(3, 2, hidden=(4,)), X, y, epochs=2, seed=5).model
    b = nn.train(lambda: nn.mlp(3, 2, hidden=(4,)), X, y, epochs=2, seed=5).model
    c = nn.train(lambda: nn.mlp(3, 2, hidden=(4,)), X, y, epochs=2, seed=6).model
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a.get_weights()[0], c.get_weights()[0])


def test_class_weights_and_confusion_matrix():
    w = nn.balanced_class_weight([1] * 9 + [0])
    assert w[0] * 1 == pytest.approx(w[1] * 9)
    cm = evaluation.confusion_matrix([0, 1, 1], [0, 0, 1], ["speech", "music"])
    assert cm.loc["music", "speech"] == 1 and cm.values.sum() == 3


# -- music / speech -----------------------------------------------------------

def test_excerpts_cover_and_pad():
    S = np.arange(200 * 40, dtype=np.float32).reshape(200, 40)
    E = features.excerpts(S)
    assert E.shape == (4, 80, 40) and np.array_equal(E[1], S[40:120])
    assert features.excerpts(S[:10]).shape == (1, 80, 40)
    with pytest.raises(ValueError):
        features.excerpts(np.zeros((0, 40)))


@pytest.fixture(scope="module")
def corpora():
    return musicspeech.load_corpora()


@pytest.fixture(scope="module")
def corpus(corpora):
    return corpora[0]


def test_shipped_music_speech_model_separates_the_classes(corpus):
    shipped = musicspeech.load_model()
    p = nn.predict(shipped, corpus.X)[:, 0]
    per_class = [evaluation.accuracy(corpus.y[corpus.y == c], p[corpus.y == c] >= 0.5) for c in (0, 1)]
    assert min(per_class) >= 0.95
    untrained = musicspeech.MUSIC_SPEECH_CNN.untrained(nn.center_excerpts(corpus.X))
    q = nn.predict(untrained, corpus.X)[:, 0]
    assert min(evaluation.accuracy(corpus.y[corpus.y == c], q[corpus.y == c] >= 0.5) for c in (0, 1)) < 0.9


def test_music_speech_generalises_to_held_out_recordings(corpora):
    """Trained without vibeace and libri2, the network still classifies both."""
    corpus, train_corpus = corpora
    held = np.isin(train_corpus.recording, ["vibeace", "libri2"])
    model = musicspeech.train(train_corpus.where(~held)).model
    test = corpus.where(np.isin(corpus.recording, ["vibeace", "libri2"]))
    p = nn.predict(model, test.X)[:, 0]
    assert evaluation.accuracy(test.y, p >= 0.5) >= 0.9
    assert not set(train_corpus.where(~held).recording) & {"vibeace", "libri2"}


def test_classify_rejects_bad_input():
    model = musicspeech.load_model()
    with pytest.raises(ValueError, match="silent"):
        musicspeech.classify(np.zeros(22050, dtype=np.float32), 22050, model=model)
    with pytest.raises(ValueError, match="22050"):
        musicspeech.classify(np.ones(44100, dtype=np.float32), 44100, model=model)
    with pytest.raises(FileNotFoundError):
        musicspeech.classify_file("/no/such/file.wav", model=model)
    with pytest.raises(ValueError, match="music_speech_cnn"):
        musicspeech.classify(np.ones(22050, dtype=np.float32), 22050, network="drum_crnn")
    with pytest.raises(FileNotFoundError):
        musicspeech.load_model("/no/such.weights.h5")


def test_saved_music_speech_weights_load_back_without_optimiser_state(tmp_path, corpus):
    shipped = musicspeech.load_model()
    with pytest.raises(ValueError, match="weights.h5"):
        nn.save_weights(shipped, tmp_path / "model.h5")
    model = musicspeech.load_model()
    nn.train(model, corpus.X[:8], corpus.y[:8], epochs=1, batch_size=8, learning_rate=1e-9)  # now compiled, with Adam state
    path = tmp_path / "copy.weights.h5"
    nn.save_weights(model, path)
    X = corpus.X[::50]
    np.testing.assert_array_equal(nn.predict(musicspeech.load_model(path), X), nn.predict(model, X))
    assert path.stat().st_size < 1.2 * nn.weights_path("music_speech_cnn").stat().st_size


# -- augmentation ---------------------------------------------------------------

def test_augmentations_keep_length_and_do_what_they_say():
    y = styles.render_piece("rock", 1).audio[:22050 * 2] * 0.5
    for out in (augment.pitch_shift(y, 22050, 2), augment.time_stretch(y, 1.05), augment.random_augment(y, 22050, 0)):
        assert out.shape == y.shape and out.dtype == np.float32 and np.isfinite(out).all()
    noisy = augment.add_noise(y, 20.0, rng=0)
    snr = 10 * np.log10(np.mean(y.astype(float) ** 2) / np.mean((noisy - y).astype(float) ** 2))
    assert snr == pytest.approx(20.0, abs=0.5)
    np.testing.assert_allclose(augment.gain(y, -6.0), y * 10 ** (-6 / 20), rtol=1e-5)
    with pytest.raises(ValueError, match="silent"):
        augment.add_noise(np.zeros(100, dtype=np.float32), 20.0)


@pytest.mark.parametrize("call, name", [
    (lambda y: augment.time_stretch(y, 0.0), "rate"),
    (lambda y: augment.time_stretch(y, -1.0), "rate"),
    (lambda y: augment.pitch_shift(y, 22050, np.nan), "n_steps"),
    (lambda y: augment.add_noise(y, np.inf), "snr_db"),
    (lambda y: augment.gain(y, np.nan), "gain"),
])
def test_augmentation_parameters_are_checked(call, name):
    y = styles.render_piece("rock", 1).audio[:22050]
    with pytest.raises(ValueError, match=name):
        call(y)


# -- tag metrics ----------------------------------------------------------------

def test_tag_scores():
    rng = np.random.default_rng(1)
    Y = rng.integers(0, 2, (100, 3))
    perfect = evaluation.tag_scores(Y, Y * 0.8 + 0.1, ["a", "b", "c"])
    assert (perfect.loc["mean", ["ROC-AUC", "PR-AUC", "F"]] == 1).all()
    random = evaluation.tag_scores(Y, rng.random((100, 3)), ["a", "b", "c"])
    assert random.loc["mean", "ROC-AUC"] < 0.7
    flipped = evaluation.tag_scores(Y, 1 - Y * 0.8, ["a", "b", "c"])
    assert flipped.loc["mean", "ROC-AUC"] == 0
    with pytest.raises(ValueError, match="only negative"):
        evaluation.tag_scores(np.zeros((4, 1), int), np.ones((4, 1)), ["x"])
    with pytest.raises(ValueError, match="NaN"):
        evaluation.tag_scores(Y, np.full((100, 3), np.nan), ["a", "b", "c"])


# -- mirdata loaders on fixture folders in the datasets' real layout -------------

def test_gtzan_loader_reads_the_real_layout():
    home = FIXTURES / "gtzan_genre"
    tracks = datasets.gtzan(home, index_path=home / "index.json")
    assert tracks.index.tolist() == ["blues.00000", "classical.00001", "rock.00002"]
    assert tracks.genre.tolist() == ["blues", "classical", "rock"]
    assert all(Path(p).is_file() and "gtzan_genre/genres/" in p for p in tracks.audio_path)


def test_mtg_jamendo_loader_reads_tags_and_splits():
    home = FIXTURES / "mtg_jamendo"
    tracks = datasets.mtg_jamendo_moodtheme(home, index_path=home / "index.json", split=0)
    assert tracks.loc["track_0000948", "tags"] == ["background", "calm"]
    assert tracks.loc["track_0000948", "duration"] == pytest.approx(212.7)
    assert sorted(tracks.split) == ["test", "train", "validation"]
    with pytest.raises(ValueError, match="split_number"):
        datasets.mtg_jamendo_moodtheme(home, index_path=home / "index.json", split=7)


def test_loaders_name_missing_data(tmp_path):
    home = FIXTURES / "gtzan_genre"
    with pytest.raises(FileNotFoundError, match="dataset folder"):
        datasets.gtzan(tmp_path / "nothing", index_path=home / "index.json")
    with pytest.raises(FileNotFoundError, match="index file"):
        datasets.gtzan(home, index_path=tmp_path / "index.json")
    # an index that lists a file the folder lacks
    (tmp_path / "gtzan_genre").mkdir()
    with pytest.raises(FileNotFoundError, match="missing"):
        datasets.gtzan(tmp_path, index_path=home / "index.json")
    with pytest.raises(FileNotFoundError, match="Metadata|metadata"):
        datasets.mtg_jamendo_moodtheme(tmp_path, index_path=FIXTURES / "mtg_jamendo" / "index.json")


def test_music_speech_holds_up_on_recordings_from_other_sources(corpus):
    """CMU Sphinx's speech, FSDD's unheard speakers (isolated words), madmom's music, MDB Drums clips and loops on
    unheard kits: none in training. Accurate and calibrated, where an untrained network and the network trained
    without isolated sounds are not."""
    from mirlib.data import fsdd

    recordings = musicspeech.cross_source_recordings(n_loops=6, fsdd_takes=3)
    sources = {source for source, *_ in recordings}
    assert sources == {"CMU Sphinx speech", "FSDD words, unheard speakers", "FSDD words in 2-s clips of noise",
                       "madmom music", "MDB Drums band mixes, short clips", "drum loops, unheard kits"}
    assert sum(label == 0 for _, _, label, _, _ in recordings) == 14 + 2 * 10 * 3 + 2 * 10 * 2
    words = [name for source, name, *_ in recordings if source.startswith("FSDD")]
    assert {name.split("_")[1] for name in words} == set(fsdd.TEST_SPEAKERS)
    assert not set(fsdd.TEST_SPEAKERS) & set(fsdd.TRAIN_SPEAKERS)
    assert min(len(y) / sr for *_, y, sr in recordings) < 0.5   # isolated words far shorter than one excerpt
    shipped = musicspeech.cross_source_test(musicspeech.load_model(), recordings)
    assert set(shipped.columns) >= {"source", "recording", "true", "predicted", "p_music"}
    right = shipped.assign(ok=shipped.true == shipped.predicted).groupby("source").ok.mean()
    assert right.min() >= 0.9 and (shipped.true == shipped.predicted).mean() >= 0.95, right
    _, ece = evaluation.calibration((shipped.true == "music").astype(int), shipped.p_music)
    assert ece <= 0.05
    # an untrained network of the same shape cannot do it
    untrained = musicspeech.MUSIC_SPEECH_CNN.untrained(nn.center_excerpts(corpus.X))
    untrained = musicspeech.cross_source_test(untrained, recordings)
    assert (untrained.true == untrained.predicted).mean() < 0.9


def test_without_isolated_sounds_the_network_calls_words_music(corpora):
    """The cause of the fix: trained on long recordings only, isolated words of unseen speakers come out as music."""
    from mirlib.data import fsdd

    _, train_corpus = corpora
    model = musicspeech.train(train_corpus).model
    words = [("FSDD", w.name, 0, w.audio, w.sr) for w in fsdd.load_words(fsdd.TEST_SPEAKERS, takes=range(2))]
    table = musicspeech.cross_source_test(model, words)
    assert (table.predicted == "speech").mean() < 0.9
    shipped = musicspeech.cross_source_test(musicspeech.load_model(), words)
    assert (shipped.predicted == "speech").mean() >= 0.95


def test_isolated_corpus_treats_both_classes_alike():
    """Short stretches of music and speech and FSDD's training speakers' words, each in one excerpt of silence
    or faint noise; never a test speaker."""
    iso = musicspeech.isolated_corpus(snippets=2, fsdd_takes=1, band_songs=0)
    assert iso.X.shape[1:] == (musicspeech.N_FRAMES, features.CLASSIFICATION.n_bands)
    names = set(iso.recording)
    assert {f"FSDD {s}" for s in ("george", "jackson", "nicolas", "theo")} <= names
    assert not any(s in name for name in names for s in ("lucas", "yweweler"))
    assert set(iso.y[np.isin(iso.recording, [n for n, c in musicspeech.RECORDINGS.items() if c == 1])]) == {1}
    assert (iso.y == 1).sum() == 2 * 8 and iso.augmented.all()
    # much of every excerpt is (near) silence: the sound is short
    assert np.median((iso.X < 0.1).mean(axis=(1, 2))) > 0.3


def test_fsdd_loader_reads_by_speaker_and_names_bad_requests(tmp_path, monkeypatch):
    from mirlib.data import fsdd

    words = fsdd.load_words(["theo"], digits=[3], takes=range(2))
    assert [w.name for w in words] == ["3_theo_0", "3_theo_1"] and all(w.sr == 8000 for w in words)
    assert all(0.1 < len(w.audio) / w.sr < 1.5 for w in words)
    assert len(fsdd.REGISTRY) == len(fsdd.SPEAKERS) * 10 * fsdd.TAKES
    with pytest.raises(ValueError, match="unknown FSDD speaker"):
        fsdd.load_words(["nobody"])
    with pytest.raises(ValueError, match="takes must be"):
        fsdd.load_words(["theo"], takes=[fsdd.TAKES])
    with pytest.raises(ValueError, match="not in mirlib's FSDD registry"):
        fsdd.word_file("3_theo_49.wav")
    # no local copy and no network: the error says what to do
    monkeypatch.setenv("MIRLIB_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("pooch.retrieve", lambda *a, **k: (_ for _ in ()).throw(ConnectionError("offline")))
    with pytest.raises(FileNotFoundError, match="MIRLIB_DATA_DIR"):
        fsdd.word_file("3_theo_0.wav")


def test_calibration_table_and_ece():
    table, ece = evaluation.calibration([0, 0, 1, 1], [0.1, 0.3, 0.7, 0.9], n_bins=2)
    assert table["examples"].tolist() == [2, 2] and ece == pytest.approx(0.2)
    rng = np.random.default_rng(0)
    p = rng.random(5000)
    assert evaluation.calibration((rng.random(5000) < p).astype(int), p)[1] < 0.03        # calibrated
    assert evaluation.calibration((rng.random(5000) < p).astype(int), p ** 0.2)[1] > 0.2   # over-confident in 1
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        evaluation.calibration([0, 1], [0.5, 1.5])
    with pytest.raises(ValueError, match="labels"):
        evaluation.calibration([0, 2], [0.5, 0.5])
    with pytest.raises(ValueError, match="as many"):
        evaluation.calibration([0, 1, 1], [0.5, 0.5])


def test_speech_recordings_are_found_and_missing_ones_named(tmp_path, monkeypatch):
    from mirlib.data import speech

    clips = speech.speech_clips()
    assert len(clips) == 14 and all(c.sr == 16000 and len(c.audio) > 16000 for c in clips)
    assert {c.group for c in clips} >= {"spoken digits", "read sentences (LibriVox)"}
    with pytest.raises(FileNotFoundError, match="cards/001.wav"):
        speech.speech_clips(tmp_path)
    monkeypatch.setenv("MIRLIB_SPEECH_DIR", str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="MIRLIB_SPEECH_DIR"):
        speech.speech_dir()


def test_isolate_and_band_limit():
    from mirlib.data import augment

    sr = 8000
    tone = np.sin(2 * np.pi * 3000 * np.arange(sr // 2) / sr).astype(np.float32)
    z = augment.isolate(tone, sr, 2.0, rng=0, offset=1.0, p_silence=1.0)
    assert z.shape == (2 * sr,) and not np.any(z[:sr]) and np.abs(z[sr + 100:sr + 200]).max() > 0.9
    noisy = augment.isolate(tone, sr, 2.0, rng=0, offset=0.0, p_silence=0.0, noise_db=(-40, -40))
    assert 0 < np.sqrt(np.mean(noisy[sr:] ** 2)) < 0.02
    assert len(augment.isolate(np.ones(3 * sr, dtype=np.float32), sr, 1.0, rng=0)) == sr   # cut, not overrun
    with pytest.raises(ValueError, match="silent"):
        augment.isolate(np.zeros(100, dtype=np.float32), sr, 1.0)
    # a 3-kHz tone disappears below a 4-kHz sample rate (2-kHz band) and stays below 8 kHz (4-kHz band)
    assert np.abs(augment.band_limit(tone, sr, 4000)[500:-500]).max() < 0.05
    tone16 = np.sin(2 * np.pi * 3000 * np.arange(16000) / 16000).astype(np.float32)
    assert np.abs(augment.band_limit(tone16, 16000, 8000)[500:-500]).max() > 0.5
    with pytest.raises(ValueError, match="cutoff_sr"):
        augment.band_limit(tone, sr, sr)
