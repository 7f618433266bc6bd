"""Music structure: pieces in sections, self-similarity, Foote's novelty, the boundary CNN, `mirlib boundaries`."""

import io

import numpy as np
import pytest
import soundfile as sf

from mirlib import cli, evaluation, models, nn, structure
from mirlib.synth.sections import FORMS, SECTION_KINDS, render_sectioned_piece, sectioned_pieces


# -- generated pieces -------------------------------------------------------------

def test_sectioned_pieces_are_seeded_and_start_sections_on_downbeats():
    a, b = render_sectioned_piece(7), render_sectioned_piece(7)
    np.testing.assert_array_equal(a.audio, b.audio)
    assert a.labels in FORMS and set(a.labels) <= set(SECTION_KINDS)
    assert not np.array_equal(a.audio[:1000], render_sectioned_piece(8).audio[:1000])
    bar = 4 * 60.0 / a.tempo
    lengths = np.diff(a.boundaries) / bar
    np.testing.assert_allclose(lengths, np.round(lengths), atol=1e-6)
    assert set(np.round(lengths).astype(int)) <= {4, 8}
    # every boundary is a beat, and the boundaries cut the piece into its sections
    assert all(np.min(np.abs(a.beats - t)) < 1e-6 for t in a.boundaries[:-1])
    np.testing.assert_allclose(a.intervals[:, 0], a.boundaries[:-1])
    # a kind of section sounds the same when it returns; different kinds differ
    kind = next(k for k in a.labels if a.labels.count(k) > 1)
    i, j = [n for n, k in enumerate(a.labels) if k == kind][:2]
    other = next(n for n, k in enumerate(a.labels) if k != kind)

    def section(n):
        return a.audio[int(a.boundaries[n] * a.sr) + 100:int(a.boundaries[n] * a.sr) + 100 + 2 * a.sr]

    assert np.corrcoef(section(i), section(j))[0, 1] > 0.9
    assert abs(np.corrcoef(section(i), section(other))[0, 1]) < 0.5


def test_soundfont_pieces_keep_the_form_and_give_each_kind_of_section_its_instruments():
    """Through a SoundFont the same seed gives the same form, boundaries and beats; a returning kind of section
    sounds like itself more than like the other kinds; the held-out SoundFont sounds different."""
    synthesised, a = render_sectioned_piece(7), render_sectioned_piece(7, sounds="musescore")
    held_out = render_sectioned_piece(7, sounds="timgm6mb")
    np.testing.assert_array_equal(a.audio, render_sectioned_piece(7, sounds="musescore").audio)
    for piece in (a, held_out):
        assert piece.labels == synthesised.labels
        np.testing.assert_array_equal(piece.boundaries, synthesised.boundaries)
        np.testing.assert_allclose(piece.beats, synthesised.beats)
    assert any(p.startswith("bass ") for p in a.params["programs"]) and "drums drums" in a.params["programs"]
    assert not np.allclose(a.audio, held_out.audio)
    spectra = [np.asarray(structure.STRUCTURE(a.audio[int(s * a.sr):int(e * a.sr)], a.sr)).mean(axis=0)
               for s, e in a.intervals]
    kind = next(k for k in a.labels if a.labels.count(k) > 1)
    i, j = [n for n, k in enumerate(a.labels) if k == kind][:2]
    others = [n for n, k in enumerate(a.labels) if k != kind]
    assert np.linalg.norm(spectra[i] - spectra[j]) < min(np.linalg.norm(spectra[i] - spectra[n]) for n in others)


def test_sectioned_pieces_reject_bad_arguments():
    with pytest.raises(ValueError, match="tempo_range"):
        render_sectioned_piece(0, tempo_range=(150, 90))
    with pytest.raises(ValueError, match="at least 1"):
        sectioned_pieces(0)
    with pytest.raises(ValueError, match="sound"):
        render_sectioned_piece(0, sounds="kazoo")


# -- self-similarity and novelty ------------------------------------------------

def test_novelty_finds_where_homogeneous_parts_meet():
    rng = np.random.default_rng(0)
    parts = [3 * np.eye(12)[k] + 0.3 * rng.normal(size=(n, 12)) for k, n in ((0, 30), (5, 20), (9, 40))]
    S = structure.self_similarity(np.concatenate(parts))
    assert S.shape == (90, 90) and np.allclose(np.diag(S), 1.0, atol=1e-5) and np.allclose(S, S.T)
    nov = structure.foote_novelty(S, 8, fps=5.0)
    assert nov.fps == 5.0 and nov.max() == pytest.approx(1.0)
    found = structure.pick_boundaries(nov, threshold=0.3)
    np.testing.assert_allclose(found, [6.0, 10.0], atol=0.21)


@pytest.mark.parametrize("call, match", [
    (lambda: structure.self_similarity(np.zeros(5)), "n_frames, n_features"),
    (lambda: structure.self_similarity(np.full((4, 2), np.nan)), "NaN"),
    (lambda: structure.checkerboard_kernel(0), "positive number of frames"),
    (lambda: structure.checkerboard_kernel(2.5), "positive number of frames"),
    (lambda: structure.foote_novelty(np.zeros((4, 5)), 2), "square"),
    (lambda: structure.boundary_targets([1.0], 10, sigma=0), "sigma"),
])
def test_structure_functions_reject_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_boundary_scores_trim_the_ends_and_check_their_input():
    assert evaluation.boundary_scores([10.0, 20.0], [10.4, 19.0], 30.0, window=0.5)["F"] == pytest.approx(0.5)
    assert evaluation.boundary_scores([10.0, 20.0], [10.4, 19.0], 30.0, window=3.0)["F"] == 1.0
    assert evaluation.boundary_scores([], [], 30.0)["F"] == 1.0
    assert evaluation.boundary_scores([10.0], [], 30.0)["F"] == 0.0
    with pytest.raises(ValueError, match="inside"):
        evaluation.boundary_scores([10.0], [0.0, 12.0], 30.0)
    with pytest.raises(ValueError, match="duration"):
        evaluation.boundary_scores([10.0], [12.0], 0.0)
    with pytest.raises(ValueError, match="window"):
        evaluation.boundary_scores([10.0], [12.0], 30.0, window=30)


# -- the boundary CNN -----------------------------------------------------------

@pytest.fixture(scope="module")
def test_pieces():
    return sectioned_pieces(12, structure.TEST_FIRST_SEED)


def test_boundary_cnn_beats_foote_and_an_untrained_network(test_pieces):
    scores = structure.compare(test_pieces)
    cnn, foote = scores.loc["boundary CNN"], scores.loc[structure.NOVELTY_NAME]
    assert cnn["F ±3 s"] > foote["F ±3 s"], scores
    assert cnn["F ±3 s"] >= 0.85 and cnn["F ±0.5 s"] >= 0.5, scores
    nn.keras.utils.set_random_seed(0)       # an untrained network's scores depend on its random weights: fix them
    untrained = structure.BOUNDARY_CNN.untrained()
    f_untrained = np.mean([evaluation.boundary_scores(p.boundaries[1:-1],
                                                       structure.detect_boundaries(p.audio, p.sr, model=untrained),
                                                       p.duration, 3.0)["F"] for p in test_pieces[:4]])
    assert f_untrained < 0.5 < cnn["F ±3 s"] and f_untrained < cnn["F ±3 s"] - 0.3


def test_shipped_weights_load_under_the_registry_name():
    assert models.get("boundaries") is structure.BOUNDARY_CNN
    model = models.load("boundary_cnn")
    assert model.output_shape == (None, None, 1)


# -- the command line -----------------------------------------------------------

def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_mirlib_boundaries_finds_the_sections_of_a_rendered_piece(tmp_path):
    piece = render_sectioned_piece(structure.TEST_FIRST_SEED + 100)
    sf.write(tmp_path / "piece.wav", piece.audio, piece.sr)
    sf.write(tmp_path / "silence.wav", np.zeros(piece.sr * 5), piece.sr)
    (tmp_path / "notes.wav").write_text("not audio\n")
    for extra, method in (([], structure.detect_boundaries), (["--novelty"], structure.novelty_boundaries)):
        status, out, err = run("boundaries", *extra, str(tmp_path / "piece.wav"))
        assert status == 0 and not err
        found = [float(line) for line in out.split()]
        # what the library finds in the file (one piece: the CNN's mean F over held-out pieces is the chapter's)
        y, sr = sf.read(tmp_path / "piece.wav", dtype="float32")
        np.testing.assert_allclose(found, method(y, sr), atol=0.01)
        assert evaluation.boundary_scores(piece.boundaries[1:-1], found, piece.duration, 3.0)["F"] >= 0.5, (
            extra, found, piece.boundaries)
    status, out, err = run("boundaries", str(tmp_path / "piece.wav"), str(tmp_path / "missing.wav"),
                           str(tmp_path / "silence.wav"), str(tmp_path / "notes.wav"))
    assert status == 1
    assert all(line.startswith(str(tmp_path / "piece.wav") + "\t") for line in out.splitlines()) and out
    lines = err.splitlines()
    assert len(lines) == 3 and all(line.startswith("mirlib boundaries: error:") for line in lines)
    assert "missing.wav" in lines[0] and "silen" in lines[1] and "notes.wav" in lines[2]
