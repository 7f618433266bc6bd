"""The README's lecturer commands, run verbatim on a fresh copy of the repository.

The copy holds the repository's tracked files only (what a fresh clone has).
Between `release_assignment` and `collect`, three students fetch the
assignment and submit it through the nbgrader exchange: one with the
reference answers, one with a wrong answer, one blank. The exported grades
must say so.
"""

import csv
import os
import re
import shlex
import shutil
import subprocess

import nbformat
import pytest

from nbgrading import BIN, ROOT, solution_cells, solution_source

README = ROOT / "README.md"


def lecturer_commands():
    """The command lines of the README's "For lecturers" block, comments removed."""
    text = README.read_text()
    section = text[text.index("## For lecturers"):]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    lines = [line.split("#", 1)[0].strip() for line in block.splitlines()]
    return [line for line in lines if line]


def fresh_copy(dest):
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for rel in filter(None, files.decode().split("\0")):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def test_readme_lists_the_whole_path():
    commands = lecturer_commands()
    verbs = [c.split()[:2] for c in commands]
    assert verbs == [["source", ".venv/bin/activate"], ["nbgrader", "generate_assignment"],
                     ["nbgrader", "release_assignment"], ["nbgrader", "collect"], ["mirlib", "grade"],
                     ["nbgrader", "generate_feedback"], ["nbgrader", "release_feedback"], ["nbgrader", "export"]]


@pytest.fixture(scope="module")
def lecturer_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hub")
    course = fresh_copy(base / "course")
    exchange = base / "exchange"
    exchange.mkdir(mode=0o1777)
    config = base / "jupyter"
    config.mkdir()
    # what the hub's administrator sets once: where the exchange is
    (config / "nbgrader_config.py").write_text(f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\n")
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", JUPYTER_CONFIG_DIR=str(config))
    assignment = None
    log = []

    def run(cmd, cwd=course):
        proc = subprocess.run(cmd, cwd=cwd, env=env, shell=isinstance(cmd, str), capture_output=True, text=True,
                              timeout=900)
        log.append((cmd, proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:]))
        assert proc.returncode == 0, f"{cmd} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        return proc

    for command in lecturer_commands():
        words = shlex.split(command)
        if words[0] == "source":      # the test already runs in that environment
            assert (ROOT / ".venv" / "bin" / "activate").exists() or BIN.exists()
            continue
        if words[:2] == ["nbgrader", "collect"]:
            assignment = words[2]
            submit_as_students(run, base, assignment)
        run(command)
    return course, assignment, log


def submit_as_students(run, base, assignment):
    source = {p.name: nbformat.read(p, as_version=4) for p in (ROOT / "solutions" / assignment).glob("*.ipynb")}
    answers = {name: {gid: solution_source(cell.source) for gid, cell in solution_cells(nb).items()}
               for name, nb in source.items()}
    for student in ("alice", "bob", "carol"):
        home = base / "students" / student
        home.mkdir(parents=True)
        run(["nbgrader", "fetch_assignment", assignment, "--course=dl4mir"], cwd=home)
        for name in source:
            path = home / assignment / name
            nb = nbformat.read(path, as_version=4)
            for gid, cell in solution_cells(nb).items():
                if student == "alice" or (student == "bob" and gid != sorted(answers[name])[0]):
                    cell.source = answers[name][gid]
            nbformat.write(nb, path)
        run(["nbgrader", "submit", assignment, "--course=dl4mir", f"--student={student}"], cwd=home)


def test_exported_grades_rank_the_students(lecturer_run):
    course, assignment, log = lecturer_run
    with open(course / "grades.csv", newline="") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f) if r["assignment"] == assignment}
    assert set(rows) == {"alice", "bob", "carol"}
    score = {s: float(r["score"]) for s, r in rows.items()}
    full = float(rows["alice"]["max_score"])
    assert score["alice"] == full > 0
    assert 0 < score["bob"] < full
    assert score["carol"] == 0


def test_grading_summary_and_released_feedback(lecturer_run):
    course, assignment, log = lecturer_run
    [grade_out] = [out for cmd, rc, out, err in log if isinstance(cmd, str) and cmd.startswith("mirlib grade")]
    assert f"{assignment}: 3 submissions, graded 3, flagged 0, failed 0" in grade_out
    assert (course / f"grading-report-{assignment}.csv").exists()
    feedback = list((course / "feedback").glob(f"*/{assignment}/*.html"))
    assert len(feedback) == 3
    exchange = course.parent / "exchange" / "dl4mir" / "feedback"
    assert len(list(exchange.glob("*.html"))) == 3, "release_feedback put nothing in the exchange"
