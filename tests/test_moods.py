"""Generated mood pieces: cues decide the moods as the literature says; a network learns them; the demo responds."""

import numpy as np
import pytest

from mirlib import evaluation, nn
from mirlib.synth import moods


def cues(**kw):
    base = dict(tempo=104.0, minor=False, register=0, articulation="normal", loud=False, distortion=0.0, drums="soft")
    return moods.MoodCues(**{**base, **kw})


def names(c):
    return [m for m, on in zip(moods.MOODS, moods.moods_of(*moods.valence_arousal(c))) if on]


def test_each_cue_pulls_the_way_music_psychology_says():
    v0, a0 = moods.valence_arousal(cues())
    assert moods.valence_arousal(cues(minor=True))[0] < v0                 # minor: less pleasant
    assert moods.valence_arousal(cues(register=12))[0] > v0                # high register: happier
    assert moods.valence_arousal(cues(distortion=0.8))[0] < v0             # harsh timbre: unpleasant ...
    assert moods.valence_arousal(cues(distortion=0.8))[1] > a0             # ... and active
    assert moods.valence_arousal(cues(tempo=170.0))[1] > a0                # fast: active
    assert moods.valence_arousal(cues(loud=True))[1] > a0
    assert moods.valence_arousal(cues(articulation="staccato"))[1] > a0 > moods.valence_arousal(
        cues(articulation="legato"))[1]
    # the textbook profiles
    assert names(cues(tempo=170.0, loud=True, articulation="staccato", register=12, drums="driving")) == \
        ["happy", "energetic"]
    assert names(cues(tempo=65.0, minor=True, articulation="legato", register=-12, drums="none")) == ["sad"]
    assert names(cues(tempo=70.0, articulation="legato", drums="none")) == ["tender"]
    assert "aggressive" in names(cues(tempo=150.0, minor=True, loud=True, distortion=0.9))
    assert names(cues()) == ["tender"]                                      # soft, major, moderate
    assert names(cues(distortion=0.6)) == []            # major but harsh, soft but distorted: near neutral, no mood


def test_pieces_are_seeded_and_other_sounds_keep_the_cues():
    a, b = moods.render_mood_piece(3), moods.render_mood_piece(3)
    np.testing.assert_array_equal(a.audio, b.audio)
    other = moods.render_mood_piece(3, sounds="alternative")
    assert other.cues == a.cues and other.moods.tolist() == a.moods.tolist()
    assert not np.allclose(other.audio[:len(a.audio)], a.audio[:len(other.audio)])
    loud = moods.render_mood_piece(0, cues=cues(loud=True))
    soft = moods.render_mood_piece(0, cues=cues(loud=False))
    assert np.max(np.abs(loud.audio)) > 2 * np.max(np.abs(soft.audio))
    data = moods.mood_dataset(40, seed=1)
    assert data.X.shape == (40, 128, 40) and data.moods.shape == (40, 5)
    assert set(data.cue_table().columns) >= {"tempo", "minor", "valence", "arousal", *moods.MOODS}
    assert not set(data.seeds) & set(moods.mood_dataset(2, seed=2).seeds)
    with pytest.raises(ValueError, match="seed"):
        moods.mood_dataset(2, seed=10000)
    with pytest.raises(ValueError, match="at least 1"):
        moods.mood_dataset(0)
    with pytest.raises(ValueError, match="sound set"):
        moods.render_mood_piece(0, sounds="kazoo")


def test_a_network_learns_the_audible_moods():
    """Trained on 300 pieces, a multi-label CNN ranks energetic well above chance; an untrained one does not."""
    train, test = moods.mood_dataset(300, seed=0), moods.mood_dataset(100, seed=2)
    model = nn.parallel_cnn(128, 40, 5, output="sigmoid", normalization=nn.normalization(train.X))
    nn.train(model, train.X, train.moods, epochs=15, batch_size=16, learning_rate=2e-3, multi_label=True, seed=0)
    table = evaluation.tag_scores(test.moods, nn.predict(model, test.X), moods.MOODS)
    assert table.loc["energetic", "ROC-AUC"] >= 0.85 and table.loc["mean", "ROC-AUC"] >= 0.75
    untrained = nn.parallel_cnn(128, 40, 5, output="sigmoid", normalization=nn.normalization(train.X))
    assert evaluation.tag_scores(test.moods, nn.predict(untrained, test.X), moods.MOODS).loc["mean", "ROC-AUC"] < 0.7


def test_mood_demo_has_a_view_and_a_sound_per_setting():
    import matplotlib

    matplotlib.use("Agg")
    from mirlib.viz import moods as mood_demo

    calls = []

    def predict(X):
        calls.append(X.shape)
        return np.full((len(X), 5), 0.3)

    demo = mood_demo.mood_explorer(predict, tempos=(80, 160))
    views = demo.views()
    assert len(views) == 2 * 2 * 2 * 2 * 2 and all(v.startswith("data:image/") for v in views.values())
    assert calls[0] == (1, 128, 40)
    with pytest.raises(ValueError, match="shape"):
        mood_demo.mood_explorer(lambda X: np.zeros(3)).views()
