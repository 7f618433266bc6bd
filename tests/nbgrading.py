"""Run nbgrader end to end on an assignment in a throw-away course folder.

Used by tests/test_grading.py for every assignment in solutions/: generate the
student version, submit the reference solution, the blank student version and
one notebook per catalogued mistake, autograde them all, export the grades, and
read the score of every graded cell back from the gradebook.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from notebook_flow import dependencies

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

SOLUTION_RE = re.compile(r"^[ \t]*### BEGIN SOLUTION[^\n]*\n(.*?)^[ \t]*### END SOLUTION[^\n]*\n?", re.S | re.M)
HIDDEN_RE = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[^\n]*\n(.*?)^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.S | re.M)


@dataclass
class Mistake:
    """A plausible wrong answer: the new source of one solution cell."""

    name: str          # short id, also the student id of its submission
    cell: str          # grade_id of the solution cell it replaces
    source: str        # full source of the replaced cell
    loses: str         # grade_id of the test cell that must lose points


def nbgrader_env():
    env = dict(os.environ)
    # nbgrader runs `alembic` as a subprocess: the environment's bin/ must be on PATH
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def run_nbgrader(course, *args):
    cmd = [str(BIN / "nbgrader"), *args, f"--CourseDirectory.root={course}",
           f"--CourseDirectory.db_url=sqlite:///{course}/gradebook.db"]
    proc = subprocess.run(cmd, cwd=course, env=nbgrader_env(), capture_output=True, text=True, timeout=1200)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def solution_source(source):
    """A solution cell as the reference solution fills it: markers removed."""
    return SOLUTION_RE.sub(lambda m: m.group(1), source)


def graded_cells(nb):
    """grade_id -> points of the autograded test cells of a notebook."""
    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and cell.cell_type == "code":
            out[meta["grade_id"]] = float(meta["points"])
    return out


def solution_cells(nb):
    return {cell.metadata["nbgrader"]["grade_id"]: cell for cell in nb.cells
            if cell.metadata.get("nbgrader", {}).get("solution")}


class Course:
    """A temporary nbgrader course with one assignment copied from solutions/."""

    def __init__(self, root, assignment):
        self.root = Path(root)
        self.assignment = assignment
        shutil.copytree(ROOT / "solutions" / assignment, self.root / "solutions" / assignment)
        (self.root / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text())
        self.notebooks = sorted(p.name for p in (self.root / "solutions" / assignment).glob("*.ipynb"))

    def generate(self):
        run_nbgrader(self.root, "generate_assignment", self.assignment, "--force")
        return self.root / "exercises" / self.assignment

    def release_nb(self, name):
        return nbformat.read(self.root / "exercises" / self.assignment / name, as_version=4)

    def source_nb(self, name):
        return nbformat.read(self.root / "solutions" / self.assignment / name, as_version=4)

    def submit(self, student, replacements):
        """Submit the student version with solution cells replaced.

        ``replacements`` maps notebook name -> {grade_id: new source}.
        """
        folder = self.root / "submitted" / student / self.assignment
        folder.mkdir(parents=True, exist_ok=True)
        for name in self.notebooks:
            nb = self.release_nb(name)
            for cell in nb.cells:
                gid = cell.metadata.get("nbgrader", {}).get("grade_id")
                if gid in replacements.get(name, {}):
                    cell.source = replacements[name][gid]
            nbformat.write(nb, folder / name)

    def reference_answers(self):
        return {name: {gid: solution_source(cell.source) for gid, cell in solution_cells(self.source_nb(name)).items()}
                for name in self.notebooks}

    def autograde(self):
        """Grade every submission with `mirlib grade` (two jobs, sandboxed); returns its results.

        `mirlib grade` grades the reference solution first and stops with a
        GradingError unless it gets full marks (``check_reference``).
        """
        from mirlib.grading.autograde import grade

        self.results = {r.student: r for r in grade(self.assignment, course=self.root, jobs=2, progress=False)}
        return self.results

    def feedback(self, student):
        """The feedback page nbgrader generates for one student (HTML text per notebook)."""
        run_nbgrader(self.root, "generate_feedback", self.assignment, f"--student={student}", "--force")
        folder = self.root / "feedback" / student / self.assignment
        return {p.name: p.read_text() for p in folder.glob("*.html")}

    def export(self):
        out = self.root / "grades.csv"
        run_nbgrader(self.root, "export", f"--to={out}")
        with open(out, newline="") as f:
            return list(csv.DictReader(f))

    def scores(self, student):
        """(notebook, grade_id) -> (score, max_score) for one student."""
        from nbgrader.api import Gradebook

        out = {}
        with Gradebook(f"sqlite:///{self.root}/gradebook.db") as gb:
            submission = gb.find_submission(self.assignment, student)
            for nb in submission.notebooks:
                for grade in nb.grades:
                    if grade.cell.cell_type == "code":
                        out[(nb.name + ".ipynb", grade.name)] = (grade.score, grade.max_score)
        return out


def cell_dependencies(assignment, mistakes=()):
    """(notebook, cell id) -> the (notebook, cell id)s whose change can change its result.

    Read statically from the solution notebooks (:mod:`notebook_flow`), with every
    catalogued version of each solution cell; cells of different notebooks run in
    different kernels and never depend on each other. Cells without a grade id are
    named ``cell-N`` by position.
    """
    out = {}
    for path in sorted((ROOT / "solutions" / assignment).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        cells = []
        for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
            cell_id = cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell-{i}"
            versions = [solution_source(cell.source)] + [m.source for m in mistakes if m.cell == cell_id]
            cells.append((cell_id, versions))
        for cell_id, deps in dependencies(cells).items():
            out[(path.name, cell_id)] = {(path.name, d) for d in deps}
    return out


def mistake_batches(assignment, mistakes):
    """Catalogued mistakes grouped into submissions where none can reach another's test cell.

    A mistake may join a batch when its cell differs from every member's, its test
    cell depends on no member's cell, and no member's test cell depends on its cell
    (:func:`cell_dependencies`). Filled first-fit in catalogue order, so the batches
    are the same on every run.

    Returns
    -------
    list of (str, list of Mistake)
        Student id of each batch submission (``batch01``, ...) and its mistakes.

    Raises
    ------
    ValueError
        If a mistake names a cell that no notebook of the assignment has.
    """
    deps = cell_dependencies(assignment, mistakes)
    where = {}
    for nb_name, cell_id in deps:
        where.setdefault(cell_id, []).append(nb_name)
    for m in mistakes:
        for cell_id in (m.cell, m.loses):
            if len(where.get(cell_id, [])) != 1:
                raise ValueError(f"{assignment}: mistake {m.name}: no single notebook has cell {cell_id}")

    def key(cell_id):
        return where[cell_id][0], cell_id

    def clash(a, b):
        return key(a.cell) == key(b.cell) or key(a.cell) in deps[key(b.loses)] or key(b.cell) in deps[key(a.loses)]

    batches = []
    for m in mistakes:
        for batch in batches:
            if not any(clash(m, other) for other in batch):
                batch.append(m)
                break
        else:
            batches.append([m])
    return [(f"batch{i + 1:02d}", batch) for i, batch in enumerate(batches)]


def secret_lines(assignment, hidden_only=False):
    """Lines of reference solutions and hidden tests long enough to be telling."""
    lines = set()
    for path in (ROOT / "solutions" / assignment).glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            blocks = HIDDEN_RE.findall(cell.source) + ([] if hidden_only else SOLUTION_RE.findall(cell.source))
            for block in blocks:
                lines |= {line.strip() for line in block.splitlines() if len(line.strip()) >= 20}
    return lines
