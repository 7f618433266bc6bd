"""The static reading of notebook cells that decides which catalogued mistakes share a graded submission."""

import pytest

from grading_catalogue import CATALOGUE
from nbgrading import cell_dependencies, mistake_batches
from notebook_flow import cell_names, dependencies


def deps_of(*cells):
    return dependencies([(f"c{i}", [src] if isinstance(src, str) else src) for i, src in enumerate(cells)])


def test_cell_names_follow_python_scoping():
    defined, read, later = cell_names(
        "import numpy as np\n"
        "rng = np.random.default_rng(0)\n"
        "vals = [x * k for x in range(3)]\n"          # x is the comprehension's, k is read
        "for i in range(2):\n    total = i + offset\n"
        "def f(y, *args, scale=default):\n    z = y * scale\n    return helper(z) + np.pi\n"
        "with open(path) as fh:\n    text = fh.read()\n")
    assert defined == {"np", "rng", "vals", "i", "total", "f", "fh", "text"}
    assert read == {"k", "range", "offset", "default", "open", "path"}
    assert later == {"helper", "np"}
    assert cell_names("def broken(:\n") == (set(), set(), set())


def test_a_cell_depends_on_what_it_reads_and_what_its_functions_call():
    deps = deps_of("def f(x):\n    return x + 1",           # c0
                   "def g(x):\n    return f(x) * 2",         # c1: calls f when it runs
                   "assert g(1) == 4",                       # c2
                   "x = 3\nassert x == 3")                   # c3: defines x before reading it
    assert deps["c2"] == {"c0", "c1"} and deps["c1"] == {"c0"} and deps["c3"] == set()


def test_a_test_cell_that_stops_early_leaves_its_names_undefined():
    deps = deps_of("def f():\n    return 1",
                   "rng = 5\nassert f() == 1",                # defines rng, then may fail
                   "assert rng == 5",                        # reads rng: depends on c1, hence on c0
                   "rng = 2\nassert rng == 2")               # defines it first: depends on nothing
    assert deps["c2"] == {"c0", "c1"} and deps["c3"] == set()


def test_the_latest_definition_counts_and_every_version_of_a_cell():
    deps = deps_of("y = 1", "y = 2", "print(y)")
    assert deps["c2"] == {"c1"}
    # a mistake that reads another cell's name makes its cell depend on that cell
    deps = deps_of("def helper():\n    return 0", ["def f():\n    return 1", "def f():\n    return helper()"],
                   "assert f() == 1")
    assert deps["c1"] == {"c0"} and deps["c2"] == {"c0", "c1"}
    with pytest.raises(ValueError, match="repeat"):
        dependencies([("a", ["x = 1"]), ("a", ["y = 2"])])


def test_the_real_notebooks_read_as_they_are_written():
    # rnn: the evaluation test runs the student's flux and peak picking; the training test needs build_model
    rnn = cell_dependencies("rnn", CATALOGUE["rnn"])
    solution_deps = {d for _, d in rnn[("rnn.ipynb", "test_evaluate")]}
    assert {"spectral_flux", "pick_peaks", "evaluate"} <= solution_deps
    assert {"build_model", "train"} <= {d for _, d in rnn[("rnn.ipynb", "test_train")]}
    assert "build_model" not in {d for _, d in rnn[("rnn.ipynb", "test_spectral_flux")]}
    # beats: tracking calls the student's tempo and dynamic programming
    beats = {d for _, d in cell_dependencies("beats", CATALOGUE["beats"])[("beats.ipynb", "test_track")]}
    assert {"estimate_tempo", "track_beats_dp", "track"} <= beats


@pytest.mark.parametrize("assignment", sorted(CATALOGUE))
def test_no_batch_holds_two_mistakes_that_reach_each_other(assignment):
    mistakes = CATALOGUE[assignment]
    batches = mistake_batches(assignment, mistakes)
    assert sorted(m.name for _, b in batches for m in b) == sorted(m.name for m in mistakes)
    deps = {cell: {d for _, d in ds} for (_, cell), ds in cell_dependencies(assignment, mistakes).items()}
    for _, batch in batches:
        assert len({m.cell for m in batch}) == len(batch)
        for a in batch:
            assert not any(b.cell in deps[a.loses] for b in batch if b is not a)
    assert len(batches) < len(mistakes)              # the point of batching: fewer submissions to grade
