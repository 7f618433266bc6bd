"""Grading tests: nbgrader end to end for every assignment in solutions/.

For each assignment, in a temporary course folder: generate the student
version, submit the blank student version and the catalogued mistakes,
autograde, export. `mirlib grade` grades the reference solution first, in
the same sandbox, and stops unless it gets full marks. Then check that the
blank version gets zero, every mistake loses points on its part, and that
the committed exercises/ is what nbgrader generates now.

Mistakes that cannot reach each other's test cells are graded in one
submission (``nbgrading.mistake_batches``, read statically from the
notebooks), which halves the grading time; each batch must leave every part
that depends on none of its mistakes with full marks, so a dependency the
static reading missed fails the tests instead of passing a mistake unseen.
"""

import json
import re
from html import escape as html_escape

import nbformat
import pytest

from grading_catalogue import CATALOGUE
from nbgrading import (HIDDEN_RE, ROOT, Course, cell_dependencies, graded_cells, mistake_batches, secret_lines,
                       solution_cells)

ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())
MISTAKES = [(a, m) for a in ASSIGNMENTS for m in CATALOGUE.get(a, [])]
BATCHES = {a: mistake_batches(a, CATALOGUE.get(a, [])) for a in ASSIGNMENTS}
BATCH_OF = {(a, m.name): batch for a in ASSIGNMENTS for batch, members in BATCHES[a] for m in members}

_courses = {}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """assignment -> autograded Course (built once per assignment)."""

    def get(assignment):
        if assignment not in _courses:
            course = Course(tmp_path_factory.mktemp(assignment), assignment)
            course.generate()
            reference = course.reference_answers()
            course.submit("blank", {})
            for batch, mistakes in BATCHES[assignment]:
                answers = {name: dict(cells) for name, cells in reference.items()}
                for mistake in mistakes:
                    owner = [name for name, cells in answers.items() if mistake.cell in cells]
                    assert len(owner) == 1, f"{mistake.name}: no single notebook has solution cell {mistake.cell}"
                    answers[owner[0]][mistake.cell] = mistake.source
                course.submit(batch, answers)
            course.autograde()      # a GradingError unless the reference solution gets full marks
            course.grades = course.export()
            _courses[assignment] = course
        return _courses[assignment]

    return get


def test_every_assignment_has_a_catalogue():
    assert ASSIGNMENTS, "no assignment in solutions/"
    for assignment in ASSIGNMENTS:
        mistakes = CATALOGUE.get(assignment)
        assert mistakes, f"{assignment}: no catalogue of mistakes in tests/grading_catalogue.py"
        for path in (ROOT / "solutions" / assignment).glob("*.ipynb"):
            nb = nbformat.read(path, as_version=4)
            tests = graded_cells(nb)
            assert len(tests) >= 3, f"{path.name}: fewer than three graded parts"
            for test_id in tests:
                assert any(m.loses == test_id for m in mistakes), f"{assignment}: no catalogued mistake for {test_id}"
            for cell in nb.cells:
                if cell.metadata.get("nbgrader", {}).get("grade"):
                    assert HIDDEN_RE.search(cell.source), f"{path.name}: test cell {cell.metadata['nbgrader']['grade_id']} has no hidden tests"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_exercises_are_what_nbgrader_generates(graded, assignment):
    course = graded(assignment)
    generated = course.root / "exercises" / assignment
    committed = ROOT / "exercises" / assignment
    names = sorted(p.relative_to(generated).as_posix() for p in generated.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(committed).as_posix() for p in committed.rglob("*") if p.is_file()), \
        f"exercises/{assignment} has other files than generate_assignment produces; regenerate it (README)"
    for name in names:
        ours, theirs = (generated / name).read_bytes(), (committed / name).read_bytes()
        if name.endswith(".ipynb"):
            ours, theirs = json.loads(ours), json.loads(theirs)
        assert ours == theirs, f"exercises/{assignment}/{name} is out of date: run `nbgrader generate_assignment {assignment} --force`"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_student_version_gets_zero(graded, assignment):
    scores = graded(assignment).scores("blank")
    assert scores and all(s[0] == 0 for s in scores.values()), f"blank version scored: {scores}"


@pytest.mark.parametrize("assignment, mistake", MISTAKES, ids=[f"{a}:{m.name}" for a, m in MISTAKES])
def test_catalogued_mistake_loses_points_on_its_part(graded, assignment, mistake):
    scores = graded(assignment).scores(BATCH_OF[(assignment, mistake.name)])
    part = [s for (nb, cell), s in scores.items() if cell == mistake.loses]
    assert part, f"no test cell {mistake.loses}"
    score, max_score = part[0]
    assert score < max_score, f"{mistake.name} kept all {max_score} points of {mistake.loses}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_batched_mistakes_leave_the_parts_they_cannot_reach_whole(graded, assignment):
    # the run-time check of the static reading: a part that depends on none of a batch's
    # mistaken cells keeps full marks (a shared random state, a file or a dead kernel would show here)
    course = graded(assignment)
    deps = cell_dependencies(assignment, CATALOGUE[assignment])
    for batch, mistakes in BATCHES[assignment]:
        changed = {key for key in deps if key[1] in {m.cell for m in mistakes}}
        for (nb, cell), (score, max_score) in course.scores(batch).items():
            if not changed & deps[(nb, cell)]:
                assert score == max_score, \
                    f"{batch} ({[m.name for m in mistakes]}) lost points on {cell}, which none of them should reach"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_submission_is_graded_without_flags(graded, assignment):
    # mirlib grade: the blank version and every catalogued mistake run
    # inside their limits and are scored, none flagged (a flag would mean an exercise
    # that needs more time or memory than the course's limits)
    results = graded(assignment).results
    odd = {s: (r.status, r.reasons) for s, r in results.items() if r.status != "graded"}
    assert not odd, odd


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_shows_no_hidden_test(graded, assignment):
    course = graded(assignment)
    hidden = secret_lines(assignment, hidden_only=True)
    assert hidden
    # the blank version's feedback shows every test failing; the batches' show failing and passing tests
    for student in ("blank", BATCHES[assignment][0][0]):
        pages = course.feedback(student)
        assert pages, f"no feedback for {student}"
        for name, html in pages.items():
            shown = [line for line in hidden if html_escape(line) in html or line in html]
            assert not shown, f"feedback {name} of {student} shows hidden tests: {shown[:3]}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_export_has_a_row_per_submission(graded, assignment):
    course = graded(assignment)
    rows = {r["student_id"]: r for r in course.grades if r["assignment"] == assignment}
    expected = {"blank"} | {batch for batch, _ in BATCHES[assignment]}
    assert set(rows) == expected
    assert float(rows["blank"]["score"]) == 0 < float(rows["blank"]["max_score"])
    for batch, _ in BATCHES[assignment]:
        assert float(rows[batch]["score"]) < float(rows[batch]["max_score"]), f"{batch}: {rows[batch]}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_solution_or_hidden_test_in_exercises(assignment):
    secrets = secret_lines(assignment)
    assert secrets
    for path in (ROOT / "exercises").rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert not re.search(r"BEGIN (SOLUTION|HIDDEN TESTS)", text), f"{path}: nbgrader marker left in"
            for line in secrets:
                assert line not in text, f"{path} contains a solution or hidden-test line: {line!r}"
    for cells in (solution_cells(nbformat.read(p, as_version=4))
                  for p in (ROOT / "exercises" / assignment).glob("*.ipynb")):
        for gid, cell in cells.items():
            assert "raise NotImplementedError()" in cell.source, f"{gid} is not blank in exercises/"
