"""`mirlib grade`: parallel, sandboxed autograding that always gives a result.

A small assignment ("toy": two answers worth 2 and 3 points, each with
visible and hidden tests) is submitted by good students and by a catalogue of
hostile and broken submissions, all graded together with two jobs. Each must
end with the right status, reason and score; the good submissions must score
exactly as when graded alone; the gradebook must be intact; feedback must not
show hidden tests; and nothing a submission does may reach the network, the
solutions, the gradebook or another student's work.
"""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from mirlib.grading.autograde import GradingError, grade, repair_notebook
from mirlib.grading.sandbox import Limits
from nbgrading import BIN, ROOT, nbgrader_env

ASSIGNMENT = "toy"
ANSWER_ADD = '''def add(a, b):
    ### BEGIN SOLUTION
    return np.add(a, b).item()   # the reference solution of add
    ### END SOLUTION
'''
ANSWER_SQUARE = '''def square(x):
    ### BEGIN SOLUTION
    return np.multiply(x, x).item()   # the reference solution of square
    ### END SOLUTION
'''
TEST_ADD = '''assert add(1, 2) == 3
### BEGIN HIDDEN TESTS
assert add(-5, 5) == 0, "the hidden check of add"
### END HIDDEN TESTS
'''
TEST_SQUARE = '''assert square(3) == 9
### BEGIN HIDDEN TESTS
assert square(-4) == 16, "the hidden check of square"
### END HIDDEN TESTS
'''
SECRETS = ["np.add(a, b).item()", "np.multiply(x, x).item()", "the hidden check of add", "the hidden check of square"]
LIMITS = Limits(timeout=8, cpu=60, memory=1536, processes=64, output=1, files=20)


def _cell(kind, source, grade_id=None, points=None):
    cell = nbformat.v4.new_code_cell(source) if kind != "md" else nbformat.v4.new_markdown_cell(source)
    if grade_id:
        meta = {"grade_id": grade_id, "schema_version": 3, "grade": kind == "test", "solution": kind == "answer",
                "locked": kind in ("test", "setup")}
        if points is not None:
            meta["points"] = points
        cell.metadata["nbgrader"] = meta
    return cell


def toy_source():
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [_cell("md", "# Toy assignment"),
                _cell("setup", "import numpy as np", "setup"),
                _cell("answer", ANSWER_ADD, "answer_add"),
                _cell("test", TEST_ADD, "test_add", 2),
                _cell("answer", ANSWER_SQUARE, "answer_square"),
                _cell("test", TEST_SQUARE, "test_square", 3)]
    return nb


def _nbgrader(course, *args):
    proc = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=nbgrader_env(),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"nbgrader {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def _set_answer(nb, grade_id, source):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
    return nb


GOOD_ADD = "def add(a, b):\n    return a + b\n"
GOOD_SQUARE = "def square(x):\n    return x * x\n"


def hostile(course):
    """student -> (how to write the submission, expected status, reason substring, score)."""

    def with_add(source):
        def write(folder, release):
            nb = _set_answer(_set_answer(release, "answer_add", source), "answer_square", GOOD_SQUARE)
            nbformat.write(nb, folder / "toy.ipynb")
        return write

    def edit(change):
        def write(folder, release):
            nb = _set_answer(_set_answer(release, "answer_add", GOOD_ADD), "answer_square", GOOD_SQUARE)
            change(nb, folder)
            if (folder / "toy.ipynb").exists() or not nb.cells:
                return
            nbformat.write(nb, folder / "toy.ipynb")
        return write

    def drop_test(nb, folder):
        nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_add"]

    def duplicate(nb, folder):
        i = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "answer_add")
        copy_ = nbformat.from_dict(json.loads(json.dumps(nb.cells[i])))
        copy_.source = "def add(a, b):\n    return 0\n"
        nb.cells.insert(i + 1, copy_)

    def edit_test(nb, folder):
        _set_answer(nb, "test_add", "pass")
        _set_answer(nb, "answer_add", "def add(a, b):\n    return 0\n")

    def points(nb, folder):
        for c in nb.cells:
            if c.metadata.get("nbgrader", {}).get("grade_id") == "test_add":
                c.metadata["nbgrader"]["points"] = 100

    def corrupt(nb, folder):
        (folder / "toy.ipynb").write_text('{"cells": [ {"cell_type": "code", "sour')

    def rename(nb, folder):
        nbformat.write(nb, folder / "toy (1).ipynb")
        nb.cells = []

    def missing(nb, folder):
        (folder / "my notes.txt").write_text("I could not finish")
        nb.cells = []

    def extra(nb, folder):
        (folder / "notes.txt").write_text("scratch")
        (folder / "data").mkdir()
        (folder / "data" / "x.npy").write_bytes(b"0" * 1000)

    solutions = course / "solutions" / ASSIGNMENT / "toy.ipynb"
    other = course / "submitted" / "good" / ASSIGNMENT / "toy.ipynb"
    gradebook = course / "gradebook.db"
    return {
        "good": (with_add(GOOD_ADD), "graded", None, 5),
        "partial": (with_add("def add(a, b):\n    return a - b\n"), "graded", None, 3),
        "blank": (lambda folder, release: nbformat.write(release, folder / "toy.ipynb"), "graded", None, 0),
        "infinite_loop": (with_add("while True:\n    pass\n"), "flagged", "timeout", 3),
        "memory_bomb": (with_add("hog = bytearray(4 * 1024**3)\n" + GOOD_ADD), "flagged", "memory limit", 3),
        "memory_creep": (with_add("hog = []\nwhile True:\n    hog.append(bytearray(50 * 1024**2))\n"),
                         "flagged", "memory limit", 3),
        "os_exit": (with_add("import os\nos._exit(1)\n"), "flagged", "crash", 0),
        "kernel_killed": (with_add("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"),
                          "flagged", "crash", 0),
        "sys_exit": (with_add("import sys\nsys.exit(1)\n" + GOOD_ADD), "graded", None, 3),
        "fork_bomb": (with_add("import os, time\nfor _ in range(500):\n    if os.fork() == 0:\n"
                               "        time.sleep(60)\n        os._exit(0)\n" + GOOD_ADD),
                      "flagged", "process limit", 3),
        "prints_gigabytes": (with_add("line = 'x' * 2**20\nfor _ in range(2048):\n    print(line)\n" + GOOD_ADD),
                             "flagged", "printed more than", 5),
        "deleted_test": (edit(drop_test), "flagged", "test cell 'test_add' deleted; restored", 5),
        "duplicated_cell": (edit(duplicate), "flagged", "duplicated cell 'answer_add' removed", 5),
        "edited_test": (edit(edit_test), "flagged", "test cell 'test_add' edited; restored", 0 + 3),
        "changed_points": (edit(points), "flagged", "metadata of cell 'test_add' changed (points)", 5),
        "corrupted_json": (edit(corrupt), "flagged", "unreadable notebook", 0),
        "renamed": (edit(rename), "flagged", "submitted as toy (1).ipynb", 5),
        "missing": (edit(missing), "flagged", "missing notebook toy.ipynb", 0),
        "extra_files": (edit(extra), "graded", None, 5),
        "reads_solutions": (with_add(f"print(open({str(solutions)!r}).read())\n" + GOOD_ADD), "graded", None, 3),
        "reads_other_student": (with_add(f"print(open({str(other)!r}).read())\n" + GOOD_ADD), "graded", None, 3),
        "writes_gradebook": (with_add(f"import sqlite3\nsqlite3.connect({str(gradebook)!r}).execute('delete from grade')\n"
                                      + GOOD_ADD), "graded", None, 3),
        "opens_network": (with_add("import socket\nsocket.create_connection(('1.1.1.1', 53), timeout=3)\n" + GOOD_ADD),
                          "graded", None, 3),
        "finds_secrets": (with_add("import glob, os\nhere = os.getcwd()\n"
                                   "found = [p for pat in ('/tmp/**/*.db', '/tmp/**/solutions', '/tmp/**/submitted/*', "
                                   "os.path.expanduser('~/**/*.db'), '/work/**/solutions', '/srv/**/exchange') "
                                   "for p in glob.glob(pat, recursive=True) if not p.startswith(here)]\n"
                                   "print(found)\n"
                                   "def add(a, b):\n    return a + b if not found else 0\n"), "graded", None, 5),
    }


def toy_course(root, setup=None):
    """A course folder with the toy assignment generated; ``setup`` replaces its setup cell."""
    (root / "solutions" / ASSIGNMENT).mkdir(parents=True)
    (root / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text())
    nb = toy_source()
    if setup is not None:
        nb.cells[1].source = setup
    nbformat.write(nb, root / "solutions" / ASSIGNMENT / "toy.ipynb")
    _nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
    return root


def submit_release(root, student, answers=None):
    """Submit the released notebook with some answers (grade id -> source) filled in."""
    nb = nbformat.read(root / "exercises" / ASSIGNMENT / "toy.ipynb", as_version=4)
    for grade_id, source in (answers or {}).items():
        _set_answer(nb, grade_id, source)
    (root / "submitted" / student / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(nb, root / "submitted" / student / ASSIGNMENT / "toy.ipynb")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = toy_course(tmp_path_factory.mktemp("course"))
    release = lambda: nbformat.read(root / "exercises" / ASSIGNMENT / "toy.ipynb", as_version=4)  # noqa: E731
    cases = hostile(root)
    for student, (write, *_) in cases.items():
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        write(folder, release())
    results = {r.student: r for r in grade(ASSIGNMENT, course=root, jobs=2, limits=LIMITS, progress=False)}
    return root, cases, results


def _scores(db, student):
    """grade_id -> auto score of one student's submission, read with nbgrader's API."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}") as gb:
        submission = gb.find_submission(ASSIGNMENT, student)
        return {g.name: g.auto_score for nb in submission.notebooks for g in nb.grades}


def _flagged(db):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}") as gb:
        return {s.student.id for s in gb.find_assignment(ASSIGNMENT).submissions if any(nb.flagged for nb in s.notebooks)}


def test_every_submission_gets_its_status_reason_and_score(course):
    root, cases, results = course
    assert sorted(results) == sorted(cases)
    wrong = []
    for student, (_, status, reason, score) in cases.items():
        r = results[student]
        text = "; ".join(r.reasons)
        if r.status != status or (reason and reason not in text) or (not reason and r.reasons) or r.score != score:
            wrong.append(f"{student}: {r.status} {r.score} [{text}] (expected {status} {score} [{reason}])")
        assert r.max_score == 5
    assert not wrong, "\n".join(wrong)


def test_scores_are_in_the_gradebook_and_it_is_intact(course):
    root, cases, results = course
    db = root / "gradebook.db"
    with sqlite3.connect(db) as con:
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
        students = {s for (s,) in con.execute("select id from student")}
    assert set(cases) <= students
    for student, r in results.items():
        assert sum(v or 0 for v in _scores(db, student).values()) == r.score, student
    flagged = {r.student for r in results.values() if r.status == "flagged"}
    assert _flagged(db) == flagged, "formgrader's flag must mark exactly the flagged submissions"
    report = (root / f"grading-report-{ASSIGNMENT}.csv").read_text()
    assert "infinite_loop,flagged,3,5,timeout" in report


def test_good_submissions_score_as_when_graded_alone(course, tmp_path):
    root, cases, results = course
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "nbgrader_config.py").write_text((root / "nbgrader_config.py").read_text())
    import shutil

    for part in ("solutions", "exercises"):
        shutil.copytree(root / part, alone / part)
    _nbgrader(alone, "generate_assignment", ASSIGNMENT, "--force")
    for student in ("good", "partial", "sys_exit"):
        shutil.copytree(root / "submitted" / student, alone / "submitted" / student)
    solo = {r.student: r for r in grade(ASSIGNMENT, course=alone, jobs=1, limits=LIMITS, progress=False,
                                        check_reference=False)}
    for student, r in solo.items():
        assert (r.status, r.score) == (results[student].status, results[student].score), student
        assert _scores(alone / "gradebook.db", student) == _scores(root / "gradebook.db", student), student


def test_feedback_shows_no_hidden_test_and_no_solution(course):
    root, cases, results = course
    _nbgrader(root, "generate_feedback", ASSIGNMENT)
    pages = {p.parts[-3]: p.read_text() for p in (root / "feedback").glob(f"*/{ASSIGNMENT}/toy.html")}
    graded = {s for s, r in results.items() if r.status != "failed" and (root / "autograded" / s / ASSIGNMENT / "toy.ipynb").exists()}
    assert graded <= set(pages) and "good" in pages and "reads_solutions" in pages
    for student, html in pages.items():
        leaked = [s for s in SECRETS if s in html]
        assert not leaked, f"feedback of {student} shows {leaked}"
    assert "hidden tests: run by the grader" in pages["good"]
    assert "AssertionError" in pages["partial"], "feedback must still show which test failed"


def test_an_offline_grader_stops_before_scoring_anyone(tmp_path):
    # the reference solution needs data the grading machine does not have: grading refuses
    # to start, naming the failing cell, instead of giving every student zero
    root = toy_course(tmp_path / "c", setup="import numpy as np\nfrom urllib.request import urlopen\n"
                      "DATA = urlopen('https://example.org/data.csv', timeout=5).read()")
    submit_release(root, "alice")
    with pytest.raises(GradingError, match=r"reference solution of 'toy' gets \d/5 in the grading sandbox.*URLError.*'setup'"):
        grade(ASSIGNMENT, course=root, jobs=1, limits=LIMITS, progress=False)
    with sqlite3.connect(root / "gradebook.db") as con:
        assert con.execute("select count(*) from submitted_assignment").fetchone()[0] == 0


def test_an_infrastructure_failure_is_not_a_zero(tmp_path):
    # a package missing in the grading environment, in a cell the student did not write
    root = toy_course(tmp_path / "c", setup="import numpy as np\nimport package_the_hub_forgot")
    submit_release(root, "alice", {"answer_add": GOOD_ADD})
    [r] = grade(ASSIGNMENT, course=root, jobs=1, limits=LIMITS, progress=False, check_reference=False)
    assert r.status == "failed" and r.score is None
    assert "grading environment: ModuleNotFoundError" in r.reasons[0] and "'setup'" in r.reasons[0]


def test_grading_refuses_what_it_cannot_do(tmp_path):
    with pytest.raises(GradingError, match="no gradebook"):
        grade(ASSIGNMENT, course=tmp_path, progress=False)
    with pytest.raises(ValueError, match="jobs"):
        grade(ASSIGNMENT, course=tmp_path, jobs=0, progress=False)
    with pytest.raises(ValueError, match="memory"):
        Limits(memory=0)


def test_repair_keeps_student_cells_and_restores_the_rest():
    source = toy_source()
    release = nbformat.from_dict(json.loads(json.dumps(source)))
    student = nbformat.from_dict(json.loads(json.dumps(source)))
    scratch = nbformat.v4.new_code_cell("helper = 1")
    student.cells.insert(3, scratch)
    del student.cells[4]                       # test_add deleted
    student.cells[2].source = GOOD_ADD
    fixed, problems = repair_notebook(student, release)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in fixed.cells]
    assert ids == [None, "setup", "answer_add", None, "test_add", "answer_square", "test_square"]
    assert fixed.cells[2].source == GOOD_ADD and fixed.cells[3].source == "helper = 1"
    assert problems == ["test cell 'test_add' deleted; restored"]
    assert repair_notebook(release, release)[1] == []


def test_command_line_prints_a_summary(course, tmp_path):
    root, cases, results = course
    proc = subprocess.run([sys.executable, "-m", "mirlib.cli", "grade", ASSIGNMENT, "--student", "good",
                           "--student", "infinite_loop", "--timeout", "8", "--memory", "1536", "--quiet",
                           "--no-reference-check"], cwd=root, env=nbgrader_env(), capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "infinite_loop\tflagged\t3/5\ttimeout" in proc.stdout
    assert "toy: 2 submissions, graded 1, flagged 1, failed 0" in proc.stdout
    bad = subprocess.run([sys.executable, "-m", "mirlib.cli", "grade", "nonexistent", "--quiet"], cwd=root,
                         env=nbgrader_env(), capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "assignment 'nonexistent' is not in the gradebook" in bad.stderr


def test_grading_runs_at_the_same_time_never_share_user_ids(tmp_path, monkeypatch):
    # a fork bomb in one course must not use up the process limit of another course's kernels
    from mirlib.grading import autograde

    monkeypatch.setattr(autograde.os, "geteuid", lambda: 0)     # the blocks matter to a grader running as root
    with autograde.uid_block(tmp_path) as first, autograde.uid_block(tmp_path) as second:
        assert first == autograde.UID_BASE and second == autograde.UID_BASE + autograde.UID_BLOCK
    with autograde.uid_block(tmp_path) as again:            # released when a run ends
        assert again == first
    with autograde.uid_block(tmp_path, n_blocks=1):
        with pytest.raises(autograde.GradingError, match="user ids"):
            with autograde.uid_block(tmp_path, n_blocks=1):
                pass
    # any other grader runs every kernel as itself: nothing to reserve, no lock file to open
    monkeypatch.setattr(autograde.os, "geteuid", lambda: 1000)
    other = tmp_path / "other"
    other.mkdir()
    with autograde.uid_block(other) as a, autograde.uid_block(other) as b:
        assert a == b == autograde.UID_BASE
    assert not list(other.iterdir())


READS_DATA = ("import numpy as np, os\n"
              "DATA = os.environ['MIRLIB_DATA_DIR']\n"
              "README = open(os.path.join(DATA, 'README.txt')).read()\n"
              "CLIP = open(os.path.join(DATA, 'clips', 'clip.txt')).read()\n"
              "assert README == 'course data' and CLIP == 'a clip kept elsewhere'")


def _grade_in(python, root, data):
    """`mirlib grade` run by ``python`` with MIRLIB_DATA_DIR=``data``."""
    env = dict(nbgrader_env(), MIRLIB_DATA_DIR=str(data))
    env["PATH"] = f"{python.parent}:{env['PATH']}"
    return subprocess.run([str(python), "-m", "mirlib.cli", "grade", ASSIGNMENT, "--quiet", "--timeout", "30"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=600)


def test_grading_follows_symlinks_and_names_what_it_cannot_show(tmp_path):
    # Course data reached through a linked folder, a file in it that links into another store,
    # and the Python environment reached through a link under /tmp (hidden in the sandbox):
    # the reference gets full marks and the student is graded.
    store = tmp_path / "store"
    store.mkdir()
    (store / "clip.txt").write_text("a clip kept elsewhere")
    real = tmp_path / "disk" / "dl4mir-data"
    (real / "clips").mkdir(parents=True)
    (real / "README.txt").write_text("course data")
    (real / "clips" / "clip.txt").symlink_to(store / "clip.txt")
    (tmp_path / "home").mkdir()
    data = tmp_path / "home" / "data"
    data.symlink_to(real)
    env = tmp_path / "env"
    env.symlink_to(sys.prefix)
    root = toy_course(tmp_path / "c", setup=READS_DATA)
    submit_release(root, "alice", {"answer_add": GOOD_ADD, "answer_square": GOOD_SQUARE})
    proc = _grade_in(env / "bin" / "python", root, data)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "toy: 1 submissions, graded 1, flagged 0, failed 0" in proc.stdout, proc.stdout
    with sqlite3.connect(root / "gradebook.db") as con:
        assert con.execute("select sum(auto_score) from grade").fetchone()[0] == 5

    # a data folder that is not there, and a broken link in one, are named, not guessed at
    proc = _grade_in(env / "bin" / "python", root, tmp_path / "nowhere")
    assert proc.returncode == 2 and f"MIRLIB_DATA_DIR={tmp_path / 'nowhere'} is not a folder" in proc.stderr
    (real / "clips" / "lost.txt").symlink_to(store / "lost.txt")
    proc = _grade_in(env / "bin" / "python", root, data)
    assert proc.returncode == 2 and "clips/lost.txt is a broken symbolic link" in proc.stderr, proc.stderr
    (real / "clips" / "lost.txt").unlink()
    if os.getuid() == 0:
        # kernels run as nobody when the grader is root: a data folder only its owner can read
        real.chmod(0o700)
        try:
            proc = _grade_in(env / "bin" / "python", root, data)
        finally:
            real.chmod(0o755)
        assert proc.returncode == 2, proc.stderr
        assert f"MIRLIB_DATA_DIR {data} cannot be read in the sandbox: Permission denied" in proc.stderr


def test_each_test_worker_compiles_librosa_into_a_numba_cache_of_its_own():
    # two workers compiling into librosa's own __pycache__ at once corrupted it (conftest.py)
    import librosa
    import numba
    import numpy as np

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    cache = Path(numba.config.CACHE_DIR)
    assert cache.name == worker and os.environ["NUMBA_CACHE_DIR"] == str(cache)
    librosa.util.localmax(np.array([0.0, 1.0, 0.0]))      # numba-compiled with cache=True
    assert list(cache.glob("util_*/*localmax*.nbi"))


def test_grading_seeds_its_kernels_with_the_environments_own_numba_cache(tmp_path, monkeypatch):
    from mirlib.grading.autograde import seed_caches

    own = tmp_path / "own" / "util_0123"
    own.mkdir(parents=True)
    (own / "utils._localmax-1.py311.nbi").write_bytes(b"index")
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "own"))
    warm = seed_caches(tmp_path / "warm")
    assert (Path(warm) / "numba" / "util_0123" / "utils._localmax-1.py311.nbi").read_bytes() == b"index"


def test_each_test_worker_gets_its_share_of_the_cores():
    # two workers that each start a thread per core wait for each other's threads (mirlib.cores, conftest.py)
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers < 2:
        pytest.skip("runs only under pytest-xdist with two or more workers")
    share = str(max(1, (os.cpu_count() or 1) // workers))
    out = subprocess.run([sys.executable, "-c", "from threadpoolctl import threadpool_info; import numpy; "
                          "print(sorted({i['num_threads'] for i in threadpool_info()}))"],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert os.environ["OMP_NUM_THREADS"] == os.environ["TF_NUM_INTRAOP_THREADS"] == share
    assert out.strip() == f"[{share}]", f"a process the worker starts uses {out.strip()} threads, not {share}"


def test_sharing_the_cores_keeps_what_the_environment_sets():
    from mirlib.cores import THREAD_VARIABLES, share_cores

    assert share_cores(2, environ={}, cores=2) == {k: "1" for k in THREAD_VARIABLES}
    assert share_cores(3, environ={}, cores=16)["OPENBLAS_NUM_THREADS"] == "5"
    assert share_cores(4, environ={}, cores=2)["NUMBA_NUM_THREADS"] == "1"
    assert "OMP_NUM_THREADS" not in share_cores(2, environ={"OMP_NUM_THREADS": "3"}, cores=8)
    with pytest.raises(ValueError, match="jobs"):
        share_cores(0)
