"""Music similarity: losses, samplers, retrieval metrics, the shipped style embedding and `mirlib similar`."""

import io
import itertools

import numpy as np
import pytest
import soundfile as sf
from sklearn.metrics import average_precision_score

from mirlib import cli, evaluation, features, nn, similarity
from mirlib.data import pairs
from mirlib.synth import styles

RNG = np.random.default_rng(7)


# --- losses ---------------------------------------------------------------------------------------------------

def test_contrastive_loss_matches_hadsell_et_al():
    same = RNG.integers(0, 2, 50)
    d = RNG.uniform(0, 2, 50)
    for margin in (0.5, 1.0):
        expected = np.where(same == 1, 0.5 * d ** 2, 0.5 * np.maximum(0, margin - d) ** 2)
        np.testing.assert_allclose(np.asarray(nn.contrastive_loss(same, d, margin)), expected, rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="margin"):
        nn.contrastive_loss(same, d, margin=0.0)


@pytest.mark.parametrize("squared", [False, True])
def test_triplet_loss_matches_numpy(squared):
    a, p, n = (RNG.normal(size=(40, 8)).astype("float32") for _ in range(3))
    dp, dn = ((p - a) ** 2).sum(1), ((n - a) ** 2).sum(1)
    if not squared:
        dp, dn = np.sqrt(dp), np.sqrt(dn)
    expected = np.maximum(0, dp - dn + 0.3)
    np.testing.assert_allclose(np.asarray(nn.triplet_loss(a, p, n, 0.3, squared)), expected, rtol=1e-4, atol=1e-5)
    # the Keras loss on the triplet network's stacked output is the mean of the same
    stacked = np.stack([a, p, n], axis=1)
    assert float(nn.TripletLoss(0.3, squared)(np.zeros(40), stacked)) == pytest.approx(expected.mean(), rel=1e-4)

    # the active fraction counts the triplets whose loss is above zero, averaged over batches as Keras does
    metric = nn.active_fraction(0.3, squared)
    metric.update_state(np.zeros(25), stacked[:25])
    metric.update_state(np.zeros(15), stacked[25:])
    assert float(metric.result()) == pytest.approx(np.mean(expected > 0), abs=1e-6)
    assert 0 < np.mean(expected > 0) < 1


@pytest.mark.filterwarnings("ignore:The model does not have any trainable weights")
def test_train_triplets_reports_the_share_of_active_triplets_per_epoch():
    # an embedding that ignores its input: every triplet has d(a, p) = d(a, n) and stays active (loss = margin)
    shape = (4, 3)
    constant = lambda: nn.keras.Sequential([nn.keras.Input(shape), nn.keras.layers.Flatten(),
                                            nn.keras.layers.Dense(2, kernel_initializer="zeros",
                                                                  bias_initializer="ones", trainable=False)])
    rng = np.random.default_rng(0)
    sample = lambda epoch, branch: [rng.normal(size=(40, *shape)).astype("float32") for _ in range(3)]
    history = nn.train_triplets(constant, sample, epochs=2, batch_size=8)
    assert history["active"] == [1.0, 1.0] and history["loss"] == pytest.approx([0.2, 0.2])
    # a branch that learns: fewer triplets violate the margin than at the start
    X = rng.normal(size=(60, *shape)).astype("float32")
    labels = np.repeat([0, 1, 2], 20)
    X += labels[:, None, None]

    def separable(epoch, branch):
        a = rng.integers(0, 60, 64)
        p = np.array([rng.choice(np.flatnonzero(labels == labels[i])) for i in a])
        n = np.array([rng.choice(np.flatnonzero(labels != labels[i])) for i in a])
        return X[a], X[p], X[n]

    learner = lambda: nn.keras.Sequential([nn.keras.Input(shape), nn.keras.layers.Flatten(),
                                           nn.keras.layers.Dense(4), nn.keras.layers.UnitNormalization()])
    history = nn.train_triplets(learner, separable, epochs=6, learning_rate=0.02)
    assert all(0 <= a <= 1 for a in history["active"]) and history["active"][-1] < history["active"][0]

def test_triplet_loss_is_zero_only_beyond_the_margin():
    a, p = np.zeros((1, 2)), np.array([[1.0, 0.0]])
    assert float(np.asarray(nn.triplet_loss(a, p, np.array([[1.3, 0.0]]), 0.2))[0]) == 0.0
    assert float(np.asarray(nn.triplet_loss(a, p, np.array([[1.1, 0.0]]), 0.2))[0]) == pytest.approx(0.1, abs=1e-6)
    with pytest.raises(ValueError, match="margin"):
        nn.triplet_loss(a, p, p, margin=-1)


def test_embedding_is_unit_length_and_the_triplet_branches_share_weights():
    branch = nn.embedding_cnn(128, 40, dim=8)
    net = nn.triplet_network(branch)
    x = RNG.normal(size=(3, 128, 40)).astype("float32")
    out = np.asarray(net.predict([x, x, x], verbose=0))
    assert out.shape == (3, 3, 8)
    np.testing.assert_allclose(np.linalg.norm(out, axis=-1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(out[:, 0], out[:, 2], rtol=1e-5)            # one branch, not three
    assert nn.count_params(net) == nn.count_params(branch)


# --- retrieval metrics ------------------------------------------------------------------------------------------

def test_average_precision_equals_scikit_learn_with_ties():
    for _ in range(300):
        n = int(RNG.integers(2, 25))
        d = RNG.integers(0, 4, n).astype(float)          # many ties
        rel = RNG.random(n) < 0.4
        if not rel.any():
            continue
        assert evaluation.average_precision(d, rel) == pytest.approx(average_precision_score(rel, -d), abs=1e-12)


def test_average_precision_is_normalised_by_the_relevant_items_not_by_k():
    # relevant at ranks 1 and 3 of 4: AP = (1/1 + 2/3) / 2
    assert evaluation.average_precision([0.1, 0.2, 0.3, 0.4], [1, 0, 1, 0]) == pytest.approx(5 / 6)
    # a relevant item ranked last still counts
    assert evaluation.average_precision([0.1, 0.2, 0.3, 0.4], [1, 0, 0, 1]) == pytest.approx((1 + 0.5) / 2)


def test_precision_and_recall_at_k_average_over_the_orders_of_tied_items():
    d = np.array([0.1, 0.5, 0.5, 0.5, 0.9])
    rel = np.array([False, True, False, False, True])
    for k in range(1, 6):
        # brute force: every order of the three tied items is equally likely
        hits = []
        for perm in itertools.permutations([1, 2, 3]):
            order = [0, *perm, 4]
            hits.append(rel[order[:k]].sum())
        assert evaluation.precision_at_k(d, rel, k) == pytest.approx(np.mean(hits) / k)
        assert evaluation.recall_at_k(d, rel, k) == pytest.approx(np.mean(hits) / 2)


@pytest.mark.parametrize("distances, relevant, k, message", [
    ([0.1, 0.2], [False, False], 1, "no relevant item"),
    ([0.1, np.nan], [True, False], 1, "NaN"),
    ([0.1, 0.2], [True, False], 3, "k must lie in 1..2"),
    ([0.1, 0.2], [True], 1, "same length"),
    ([], [], 1, "empty"),
])
def test_retrieval_metrics_refuse_bad_queries(distances, relevant, k, message):
    with pytest.raises(ValueError, match=message):
        evaluation.precision_at_k(np.array(distances), np.array(relevant, dtype=bool), k)


def test_retrieval_scores_leave_the_query_out_of_its_ranking():
    X = np.array([[0.0], [0.1], [1.0], [1.1], [5.0]])
    scores = evaluation.retrieval_scores(X[:4], np.array([0, 0, 1, 1]), k=(1,))
    assert scores["MAP"] == 1.0 and scores["P@1"] == 1.0 and scores["queries"] == 4
    with pytest.raises(ValueError, match="query 4 .* no relevant item"):
        evaluation.retrieval_scores(X, np.array([0, 0, 1, 1, 2]), k=(1,))
    D = evaluation.distance_matrix(X, X[:2])
    np.testing.assert_allclose(D[:, 0], np.abs(X[:, 0]))


# --- samplers ---------------------------------------------------------------------------------------------------

def test_triplets_from_labels():
    labels = np.array([0, 0, 0, 1, 1, 2])          # label 2 has one item: never an anchor, can be a negative
    t = pairs.sample_triplets(labels, 500, rng=0)
    assert t.shape == (500, 3)
    assert np.all(labels[t[:, 0]] == labels[t[:, 1]]) and np.all(t[:, 0] != t[:, 1])
    assert np.all(labels[t[:, 0]] != labels[t[:, 2]])
    assert 5 not in t[:, 0] and 5 in t[:, 2]
    with pytest.raises(ValueError, match="two different labels"):
        pairs.sample_triplets(np.zeros(4), 3)
    with pytest.raises(ValueError, match="no label has two items"):
        pairs.sample_triplets(np.arange(4), 3)
    p, same = pairs.sample_pairs(labels, 100, rng=1)
    assert np.all((labels[p[:, 0]] == labels[p[:, 1]]) == (same == 1)) and same.mean() == 0.5


def test_semi_hard_negatives_lie_beyond_the_positive_within_the_margin():
    labels = np.array([0, 0, 1, 1, 1])
    E = np.array([[0.0], [1.0], [0.5], [1.1], [3.0]])    # anchor 0, positive 1 at distance 1
    neg = pairs.semi_hard_negatives(E, np.zeros(20, int), np.ones(20, int), labels, margin=0.3, rng=0)
    assert set(neg) == {3}                              # 1.1: beyond 1.0, within 1.3 (0.5 is too hard, 3.0 too easy)
    neg = pairs.semi_hard_negatives(E, [0], [1], labels, margin=0.05, rng=0)
    assert neg.tolist() == [3]                          # none within the margin: the nearest beyond the positive


def test_tag_similarity_weights_rare_tags_more():
    tags = np.array([[1, 1, 0], [1, 0, 0], [1, 0, 1], [0, 0, 1], [1, 0, 0]])
    S = pairs.tag_similarity(tags)
    np.testing.assert_allclose(S, S.T)
    np.testing.assert_allclose(np.diag(S), 1.0)
    assert S.min() >= 0 and S.max() <= 1
    # item 2 shares a common tag (4 of 5 have it) with item 1 and a rarer one (2 of 5) with item 3
    assert S[2, 3] > S[2, 1]
    with pytest.raises(ValueError, match="non-negative"):
        pairs.tag_similarity(-tags)


def test_triplets_from_similarity_put_the_positive_nearer_than_the_negative():
    S = pairs.tag_similarity(RNG.integers(0, 2, (40, 6)))
    t = pairs.triplets_from_similarity(S, 300, rng=0)
    assert np.all(S[t[:, 0], t[:, 1]] > S[t[:, 0], t[:, 2]]) and np.all(t[:, 0] != t[:, 1])
    with pytest.raises(ValueError, match="constant"):
        pairs.triplets_from_similarity(np.ones((5, 5)), 3)


def test_semi_hard_negatives_need_style_labels():
    tiny = similarity.render_collection(2, seed=0)
    with pytest.raises(ValueError, match="semi-hard negatives need style labels"):
        similarity.train_embedding(tiny, similarity="tags", negatives="semihard", epochs=1)
    with pytest.raises(ValueError, match="similarity must be"):
        similarity.train_embedding(tiny, similarity="genre")


def test_training_never_sees_a_test_piece():
    train, test = similarity.render_collection(2, seed=0), similarity.render_collection(2, seed=2)
    assert not set(train.seeds) & set(test.seeds)
    # other sounds: same style and tempo range, other spectra
    std, alt = (styles.render_piece("rock", 5, sounds=s) for s in ("standard", "alternative"))
    assert std.rendering.tempo == alt.rendering.tempo
    assert not np.allclose(styles.log_mel(std.audio).mean(0), styles.log_mel(alt.audio).mean(0), atol=0.05)
    with pytest.raises(ValueError, match="unknown sound set"):
        styles.render_piece("rock", 5, sounds="orchestra")


# --- the shipped model ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def held_out():
    return (similarity.render_collection(40, seed=0), similarity.render_collection(15, seed=2),
            similarity.render_collection(15, seed=3, sounds="alternative"))


def test_shipped_embedding_beats_plain_features_on_held_out_pieces(held_out):
    train, test, other = held_out
    model = similarity.load_model()
    emb = evaluation.retrieval_scores(similarity.embed(model, test.spectrograms), test.style)
    stats = [np.stack([features.band_statistics(S) for S in c.spectrograms]) for c in (train, test, other)]
    _, plain_test, plain_other = features.standardize(*stats)
    plain = evaluation.retrieval_scores(plain_test, test.style)
    untrained = nn.embedding_cnn(128, 40, 16, normalization=nn.normalization(
        train.excerpts()[0]))
    chance = evaluation.retrieval_scores(similarity.embed(untrained, test.spectrograms), test.style)
    assert emb["MAP"] >= 0.9 and emb["MAP"] > plain["MAP"] + 0.3, (emb, plain)
    assert chance["MAP"] < 0.7, chance
    # other instrument sounds: style still found far better than by sound statistics
    emb_other = evaluation.retrieval_scores(similarity.embed(model, other.spectrograms), other.style)
    assert emb_other["MAP"] >= 0.75 and emb_other["MAP"] > evaluation.retrieval_scores(plain_other,
                                                                                          other.style)["MAP"] + 0.2


# --- the command line -------------------------------------------------------------------------------------------

def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    status = cli.main([str(a) for a in argv], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    folder = tmp_path_factory.mktemp("library")
    (folder / "sub").mkdir()
    for style in ("jive", "waltz", "tango"):
        for i in range(2):
            piece = styles.render_piece(style, 5000 + i, duration=6.0)
            sf.write(folder / ("sub" if i else ".") / f"{style}{i}.wav", piece.audio, styles.SR)
    query = styles.render_piece("jive", 6000, duration=6.0)
    sf.write(folder / "query.flac", query.audio, styles.SR)
    (folder / "notes.txt").write_text("not audio, and not listed: no audio extension\n")
    (folder / "broken.wav").write_text("not audio\n")
    (folder / "no-audio").mkdir()
    (folder / "no-audio" / "readme.txt").write_text("no audio here\n")
    return folder


def test_similar_ranks_pieces_of_the_query_style_first(library):
    files = [library / f"{s}0.wav" for s in ("jive", "waltz", "tango")] + [library / "sub"]
    status, out, err = run("similar", library / "query.flac", *files, "-k", "6")
    assert status == 0 and not err
    lines = [line.split("\t") for line in out.splitlines()]
    assert [int(r) for r, _, _ in lines] == list(range(1, 7))
    distances = [float(d) for _, d, _ in lines]
    assert distances == sorted(distances) and 0 <= distances[0] <= 2
    assert {p.split("/")[-1] for _, _, p in lines[:2]} == {"jive0.wav", "jive1.wav"}, out
    assert any(p.endswith("sub/tango1.wav") for _, _, p in lines)      # folders are searched recursively


def test_similar_reports_bad_files_and_ranks_the_others(library):
    status, out, err = run("similar", library / "query.flac", library / "jive0.wav", library / "missing.wav",
                           library / "broken.wav", library / "waltz0.wav", "-k", "5")
    assert status == 1
    assert len(out.splitlines()) == 2 and out.splitlines()[0].endswith("jive0.wav")
    errors = err.splitlines()
    assert len(errors) == 2 and all(e.startswith("mirlib similar: error: ") for e in errors)
    assert "missing.wav" in errors[0] and "broken.wav" in errors[1]
    # a folder is the collection including the query: the query is left out, the broken file reported
    status, out, err = run("similar", library / "query.flac", library, "-k", "3")
    assert status == 1 and len(out.splitlines()) == 3 and "query.flac" not in out and "broken.wav" in err
    # a query that cannot be read, a folder without audio, a bad k
    status, out, err = run("similar", library / "nothing.wav", library / "jive0.wav")
    assert status == 1 and out == "" and "nothing.wav" in err
    status, out, err = run("similar", library / "query.flac", library / "no-audio", library / "jive0.wav")
    assert status == 1 and "no audio files" in err and out.startswith("1\t")
    status, out, err = run("similar", library / "query.flac", library / "jive0.wav", "-k", "0")
    assert status == 2 and "-k must be at least 1" in err


def test_train_similarity_writes_weights_that_load(tmp_path):
    out_file = tmp_path / "emb.weights.h5"
    status, out, err = run("train", "similarity", "--epochs", "1", "--out", out_file)
    assert status == 0, err
    assert "held-out MAP on 15 generated pieces per style" in out and out_file.exists()
    model = similarity.load_model(out_file)
    assert model.output_shape == (None, 16)
