"""Grade a whole class: every submission of an assignment, in parallel and sandboxed.

:func:`grade` is what ``mirlib grade ASSIGNMENT`` runs in an nbgrader course
folder. nbgrader's ``autograde`` grades submissions one after another, with
the grader's rights and no limits (jupyter/nbgrader#174). Here every
submission is graded by nbgrader's own ``Autograde`` converter, in one of
``jobs`` worker processes, with a gradebook of its own; the results are then
written into the course's gradebook by this process alone, one submission at
a time, so formgrader, manual grading, ``nbgrader generate_feedback`` and
``nbgrader export`` work as usual.

Every submission ends in one of three states:

``graded``
    scored as nbgrader scores it;
``flagged``
    scored, but something needs the lecturer's eye: a limit was reached
    (timeout, memory, CPU time, processes, printed output), the kernel died,
    the notebook was missing, renamed, unreadable, or its test cells, grade
    cells or points were changed (restored before grading);
``failed``
    not scored because the grader, not the student, was at fault (a package
    or data file missing in the grading environment, a sandbox that could not
    start); nothing is written for it, and the reason is printed.

Before grading, the reference solution is graded in the same sandbox; if it
does not get full marks, grading stops and says which cell failed and why
(for example, an offline grader whose data caches are empty).

Limits (:class:`~mirlib.grading.sandbox.Limits`) come from
``nbgrader_config.py`` (``c.MirlibGrade.timeout = 120`` and so on) and the
command line.
"""

from __future__ import annotations

import copy
import csv
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

import nbformat

from .sandbox import SANDBOX_ENV, Limits, Sandbox, SandboxError, check_sandbox

__all__ = ["GradingError", "Result", "grade", "repair_notebook"]

REFERENCE = "_reference"
#: first of the user ids the kernels run as when grading as root: one per submission,
#: above the ranges Debian gives to users and to nobody
UID_BASE = 2_000_000

#: exceptions in a cell the student did not write that mean the grading
#: environment, not the submission, is broken
INFRASTRUCTURE_ERRORS = {"ModuleNotFoundError", "ImportError", "URLError", "HTTPError", "ConnectionError",
                         "ConnectTimeout", "ReadTimeout", "SSLError", "DataUnavailableError"}


class GradingError(RuntimeError):
    """Grading cannot start (no such assignment, no gradebook, broken grading environment)."""


@dataclass
class Result:
    """How one submission was graded.

    Attributes
    ----------
    student : str
    status : {"graded", "flagged", "failed"}
    score, max_score : float
        Points (``score`` is ``None`` when ``status == "failed"``).
    reasons : list of str
        Why it is flagged or failed, in words for the lecturer.
    notes : list of str
        Remarks that change nothing (extra files).
    seconds : float
        Wall time of its grading.
    """

    student: str
    status: str = "graded"
    score: float | None = None
    max_score: float = 0.0
    reasons: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    seconds: float = 0.0
    grades: dict = field(default_factory=dict, repr=False)

    def as_row(self):
        return {"student": self.student, "status": self.status,
                "score": "" if self.score is None else f"{self.score:g}", "max_score": f"{self.max_score:g}",
                "reasons": "; ".join(self.reasons), "notes": "; ".join(self.notes), "seconds": f"{self.seconds:.1f}"}


# ----------------------------------------------------------------------------- configuration

def load_config(course):
    """The course's ``nbgrader_config.py`` as a traitlets ``Config`` (empty if there is none)."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    path = Path(course) / "nbgrader_config.py"
    if not path.exists():
        return Config()
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def _coursedir(config, course):
    from nbgrader.coursedir import CourseDirectory

    cfg = copy.deepcopy(config)
    cfg.CourseDirectory.root = str(course)
    return CourseDirectory(config=cfg)


def _sqlite_path(db_url):
    if not db_url.startswith("sqlite:///"):
        raise GradingError(f"mirlib grade works with an SQLite gradebook, not {db_url}")
    return Path(db_url[len("sqlite:///"):])


# ----------------------------------------------------------------------------- submissions

def _gid(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


_META_KEYS = ("grade", "solution", "locked", "points", "task", "grade_id")


def repair_notebook(submitted, release):
    """Put back what a student may not change, keeping what they may.

    Solution cells keep the student's source; test cells, read-only cells and
    every cell's nbgrader metadata (points included) are restored from the
    released version; duplicated nbgrader cells are dropped (the first one
    stays) and deleted ones put back where they were. Cells the student added
    stay. nbgrader restores test cells itself but stalls or scores zero on
    deleted and duplicated ones (jupyter/nbgrader#1682).

    Parameters
    ----------
    submitted, release : nbformat.NotebookNode
        The student's notebook and the released student version.

    Returns
    -------
    notebook : nbformat.NotebookNode
    problems : list of str
        What was restored, in words (empty when nothing was changed).
    """
    reference = {_gid(c): c for c in release.cells if _gid(c)}
    order = [_gid(c) for c in release.cells if _gid(c)]
    out, seen, problems = [], set(), []
    for cell in submitted.cells:
        gid = _gid(cell)
        if gid is None:
            out.append(cell)
            continue
        if gid not in reference:
            problems.append(f"cell with unknown grade id {gid!r} kept as an ordinary cell")
            cell = copy.deepcopy(cell)
            del cell.metadata["nbgrader"]
            out.append(cell)
            continue
        if gid in seen:
            problems.append(f"duplicated cell {gid!r} removed")
            continue
        seen.add(gid)
        ref = reference[gid]
        meta, ref_meta = cell.metadata["nbgrader"], ref.metadata["nbgrader"]
        changed = [k for k in _META_KEYS if meta.get(k) != ref_meta.get(k)]
        if changed:
            problems.append(f"nbgrader metadata of cell {gid!r} changed ({', '.join(changed)}); restored")
        if ref_meta.get("solution"):
            fixed = copy.deepcopy(ref)
            fixed.source = cell.source
            out.append(fixed)
        else:
            if cell.source != ref.source:
                kind = "test" if ref_meta.get("grade") else "read-only"
                problems.append(f"{kind} cell {gid!r} edited; restored")
            out.append(copy.deepcopy(ref))
    for i, gid in enumerate(order):
        if gid in seen:
            continue
        kind = "answer" if reference[gid].metadata["nbgrader"].get("solution") else \
            "test" if reference[gid].metadata["nbgrader"].get("grade") else "read-only"
        problems.append(f"{kind} cell {gid!r} deleted; restored" + (" blank" if kind == "answer" else ""))
        before = [g for g in order[:i] if g in seen]
        positions = [j for j, c in enumerate(out) if _gid(c) in before]
        at = positions[-1] + 1 if positions else 0
        while at < len(out) and _gid(out[at]) is None:   # the student's own cells after the previous one
            at += 1
        out.insert(at, copy.deepcopy(reference[gid]))
        seen.add(gid)
    nb = copy.deepcopy(submitted)
    nb.cells = out
    return nb, problems


def _prepare(student, folder, dest, notebooks, release):
    """Copy one submission to ``dest``, repaired; returns (reasons, notes)."""
    reasons, notes = [], []
    dest.mkdir(parents=True)
    names = {f"{n}.ipynb" for n in notebooks}
    submitted = {p.name: p for p in folder.glob("*.ipynb")}
    spare = [p for name, p in sorted(submitted.items()) if name not in names]
    for name in notebooks:
        path = folder / f"{name}.ipynb"
        if not path.exists():
            ids = {_gid(c) for c in release[name].cells if _gid(c)}
            match = None
            for candidate in spare:
                try:
                    nb = nbformat.read(candidate, as_version=4)
                except Exception:
                    continue
                if ids & {_gid(c) for c in nb.cells if _gid(c)}:
                    match = candidate
                    break
            if match is None:
                reasons.append(f"missing notebook {name}.ipynb: scored zero")
                continue
            spare.remove(match)
            reasons.append(f"{name}.ipynb was submitted as {match.name}; graded as {name}.ipynb")
            path = match
        try:
            nb = nbformat.read(path, as_version=4)
            for cell in nb.cells:
                cell.metadata, cell.source  # noqa: B018 - a cell without them is broken
        except Exception as err:
            reasons.append(f"unreadable notebook {path.name} ({type(err).__name__}: {str(err)[:200]}): scored zero")
            continue
        nb, problems = repair_notebook(nb, release[name])
        reasons += [f"{name}.ipynb: {p}" for p in problems]
        nbformat.write(nb, dest / f"{name}.ipynb")
    extra = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_dir() or path.suffix == ".ipynb" and len(rel.parts) == 1 or rel.name == "timestamp.txt":
            continue
        extra.append(rel.as_posix())
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    if extra:
        notes.append("extra files: " + ", ".join(extra[:10]) + (" ..." if len(extra) > 10 else ""))
    if (folder / "timestamp.txt").exists():
        shutil.copy2(folder / "timestamp.txt", dest / "timestamp.txt")
    return reasons, notes


# ----------------------------------------------------------------------------- worker side

def _grade_job(job):
    """Grade one prepared submission in its own course folder (runs in a worker)."""
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    root = Path(job["root"])
    runtime = root / "runtime"
    runtime.mkdir(exist_ok=True)
    if job.get("warm"):
        # caches from the reference solution's run (numba's compiled librosa functions,
        # matplotlib's font list): without them every submission compiles them again
        shutil.copytree(job["warm"], runtime, dirs_exist_ok=True)
    cfg = copy.deepcopy(job["config"]) if job["config"] is not None else Config()
    cfg.merge(Config({
        "CourseDirectory": {"root": str(root), "source_directory": job["source_root"],
                            "submitted_directory": "submitted", "autograded_directory": "autograded",
                            "db_url": f"sqlite:///{root}/gradebook.db", "student_id": job["student"],
                            "assignment_id": job["assignment"], "notebook_id": "*"},
        "BaseConverter": {"force": True},
        "Autograde": {"create_student": True},
        "Execute": {"timeout": int(job["limits"]["timeout"]), "interrupt_on_timeout": True,
                    "kernel_manager_class": "mirlib.grading.sandbox.SandboxKernelManager"},
    }))
    env = dict(job["kernel_env"], HOME=str(runtime), MPLCONFIGDIR=str(runtime / "matplotlib"),
               NUMBA_CACHE_DIR=str(runtime / "numba"),
               MIRLIB_GRADING_MARKERS=str(runtime), NBGRADER_EXECUTION="autograde",
               MIRLIB_GRADING_OUTPUT_MB=str(job["limits"]["output"]))
    box = Sandbox(workdir=str(root / "autograded"), runtime=str(runtime), hidden=tuple(job["hidden"]),
                  readable=tuple(job["readable"]), limits=Limits(**job["limits"]), env=env, uid=job.get("uid"))
    os.environ[SANDBOX_ENV] = box.to_json()

    messages = []

    class Collect(logging.Handler):
        def emit(self, record):
            if record.levelno >= logging.WARNING:
                messages.append(record.getMessage())

    handler = Collect()
    logger = logging.getLogger("traitlets")
    logger.addHandler(handler)
    exception = None
    try:
        converter = Autograde(coursedir=CourseDirectory(config=cfg), config=cfg)
        converter.log.addHandler(handler) if converter.log is not logger else None
        converter.start()
    except Exception as err:  # nbgrader reports a failed notebook by raising at the end
        exception = f"{type(err).__name__}: {err}"
    finally:
        logger.removeHandler(handler)
        if os.getuid() == 0 and job.get("uid") is not None:
            _kill_user(job["uid"])
    out = {"messages": messages, "exception": exception, "grades": {}, "errors": [],
           "markers": sorted(p.name for p in runtime.iterdir() if p.name in ("cpu", "output"))}
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{root}/gradebook.db") as gb:
        try:
            submission = gb.find_submission(job["assignment"], job["student"])
        except MissingEntry:
            submission = None
        if submission is not None:
            for nb in submission.notebooks:
                out["grades"][nb.name] = {
                    "grades": {g.name: [g.auto_score, g.max_score, g.needs_manual_grade, g.extra_credit]
                               for g in nb.grades},
                    "comments": {c.name: c.auto_comment for c in nb.comments},
                    "late_submission_penalty": nb.late_submission_penalty,
                }
            out["timestamp"] = submission.timestamp.isoformat() if submission.timestamp else None
    folder = root / "autograded" / job["student"] / job["assignment"]
    for path in sorted(folder.glob("*.ipynb")) if folder.exists() else []:
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:
            continue
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    out["errors"].append({"notebook": path.stem, "cell": meta.get("grade_id"),
                                          "student_cell": bool(meta.get("solution")) or not meta,
                                          "ename": output.get("ename", ""), "evalue": str(output.get("evalue", ""))[:300]})
    return out


def _kill_user(uid):
    """Kill whatever a submission left running (its kernel's user id is its own)."""
    import psutil

    for proc in psutil.process_iter(["uids"]):
        try:
            if proc.info["uids"] and proc.info["uids"].real == uid:
                proc.kill()
        except psutil.Error:
            pass


def _worker_main(conn, conn_out):
    # the worker's own output would interleave with the progress bar
    logging.getLogger("traitlets").setLevel(logging.WARNING)
    logging.getLogger("traitlets").propagate = False
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            result = _grade_job(job)
        except Exception as err:  # the grader's own failure, reported as such
            import traceback

            result = {"crash": f"{type(err).__name__}: {err}\n{traceback.format_exc()[-1500:]}"}
        conn_out.send(result)


class _Worker:
    """A grading worker: ``python -m mirlib.grading.autograde FD_IN FD_OUT``, fed jobs by pipe.

    A fresh interpreter (not multiprocessing's spawn) so that a lecturer's
    script need not guard its main module.
    """

    def __init__(self, log):
        from multiprocessing.connection import Connection

        job_r, job_w = os.pipe()
        res_r, res_w = os.pipe()
        self.proc = subprocess.Popen([sys.executable, "-m", "mirlib.grading.autograde", str(job_r), str(res_w)],
                                     pass_fds=(job_r, res_w), stdin=subprocess.DEVNULL, stdout=log,
                                     stderr=subprocess.STDOUT)
        os.close(job_r)
        os.close(res_w)
        self.conn_out = Connection(job_w, readable=False)
        self.conn = Connection(res_r, writable=False)
        self.job = None
        self.started = 0.0

    def send(self, job):
        self.conn_out.send(job)

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        import psutil

        try:
            parent = psutil.Process(self.proc.pid)
            for p in parent.children(recursive=True) + [parent]:
                try:
                    p.kill()
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass

    def rss_mb(self):
        import psutil

        try:
            return psutil.Process(self.proc.pid).memory_info().rss / 2**20
        except psutil.Error:
            return 0.0


# ----------------------------------------------------------------------------- parent side

def _classify(result, raw, limits):
    """Turn a worker's raw outcome into a status, reasons and a score."""
    if "killed" in raw:
        result.reasons.append(raw["killed"] + "; scored zero")
        return
    if "crash" in raw:
        result.status = "failed"
        result.reasons.append("grader error: " + raw["crash"].splitlines()[0])
        return
    infra = [e for e in raw["errors"] if not e["student_cell"] and e["ename"] in INFRASTRUCTURE_ERRORS]
    if infra:
        e = infra[0]
        result.status = "failed"
        result.reasons.append(f"grading environment: {e['ename']}: {e['evalue']} in cell {e['cell']!r} of "
                              f"{e['notebook']}.ipynb, which the student did not write")
        return
    text = "\n".join(raw["messages"])
    if "Kernel died before replying to kernel_info" in text or "Kernel didn't respond" in text and not raw["grades"]:
        result.status = "failed"
        result.reasons.append("grading environment: the sandboxed kernel did not start")
        return
    if "cpu" in raw["markers"]:
        result.reasons.append(f"CPU time limit ({limits.cpu:g} s) reached; the kernel was stopped")
    if "output" in raw["markers"]:
        result.reasons.append(f"printed more than {limits.output:g} MB; the rest was dropped")
    for e in raw["errors"]:
        where = f"cell {e['cell']!r} of {e['notebook']}.ipynb" if e["cell"] else f"{e['notebook']}.ipynb"
        if e["ename"] == "CellTimeoutError":
            result.reasons.append(f"timeout: {where} ran longer than {limits.timeout:g} s")
        elif e["ename"] == "MemoryError":
            result.reasons.append(f"memory limit ({limits.memory} MB) reached in {where}")
        elif e["ename"] in ("BlockingIOError",) or "Resource temporarily unavailable" in e["evalue"]:
            result.reasons.append(f"process limit ({limits.processes}) reached in {where}")
    if "DeadKernelError" in text or "Kernel died" in text or (raw["exception"] and "cpu" not in raw["markers"]):
        detail = next((m.strip().splitlines()[-1] for m in raw["messages"] if "Error" in m), raw["exception"] or "")
        result.reasons.append(f"crash: the kernel died or the notebook could not be run ({detail[:200]}); "
                              "the notebook scores zero")
    result.reasons = list(dict.fromkeys(result.reasons))


def _merge(db_url, assignment, result, raw):
    """Write one submission's grades into the course gradebook (one transaction)."""
    from datetime import datetime

    from nbgrader.api import Gradebook

    import warnings

    with Gradebook(db_url) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")   # nbgrader's own SQLAlchemy autoflush notes
        gb.update_or_create_student(result.student)
        ts = raw.get("timestamp")
        kwargs = {"timestamp": datetime.fromisoformat(ts)} if ts else {}
        submission = gb.update_or_create_submission(assignment, result.student, **kwargs)
        total = 0.0
        for nb in submission.notebooks:
            got = raw["grades"].get(nb.name, {})
            nb.flagged = result.status == "flagged"
            nb.late_submission_penalty = got.get("late_submission_penalty")
            for grade in nb.grades:
                auto, _, needs_manual, extra = got.get("grades", {}).get(grade.name, [None, None, False, None])
                if auto is None and not needs_manual and grade.cell.cell_type == "code":
                    auto = 0.0   # not run: the notebook was missing, unreadable or crashed
                grade.auto_score = auto
                grade.needs_manual_grade = bool(needs_manual)
                grade.extra_credit = extra
                total += auto or 0.0
            for comment in nb.comments:
                comment.auto_comment = got.get("comments", {}).get(comment.name)
        gb.db.commit()
    return total


def _progress(total, enabled):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="submission", desc="grading", file=sys.stderr)


def grade(assignment, course=".", jobs=2, limits=None, students=None, check_reference=True, progress=True,
          report=True):
    """Autograde every submission of an assignment, in parallel, each in a sandbox.

    Parameters
    ----------
    assignment : str
        Assignment name (a folder of the course's source directory).
    course : str or Path
        The nbgrader course folder (with ``nbgrader_config.py``).
    jobs : int
        Worker processes grading at once (one CPU core each is a good choice).
    limits : Limits, optional
        Per-submission limits; default from ``nbgrader_config.py``
        (``c.MirlibGrade.*``) or :class:`Limits`' defaults.
    students : list of str, optional
        Grade only these; default every folder in ``submitted/*/ASSIGNMENT``.
    check_reference : bool
        Grade the reference solution first and stop with :class:`GradingError`
        unless it gets full marks.
    progress : bool
        Show a progress bar on stderr.
    report : bool
        Write ``grading-report-ASSIGNMENT.csv`` into the course folder.

    Returns
    -------
    list of Result
        One per submission, in the order of the student ids.

    Raises
    ------
    GradingError
        If the assignment is not in the gradebook (run ``nbgrader
        generate_assignment`` first), the gradebook is not SQLite, the
        sandbox cannot start, or the reference solution does not get full
        marks in the grading environment.
    ValueError
        If ``jobs`` is not a positive integer.
    """
    from nbgrader.api import Gradebook, MissingEntry

    if not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive integer, got {jobs!r}")
    course = Path(course).resolve()
    config = load_config(course)
    limits = limits or Limits.from_config(config)
    coursedir = _coursedir(config, course)
    db_url = coursedir.db_url
    db_path = _sqlite_path(db_url)
    source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
    release = Path(coursedir.format_path(coursedir.release_directory, ".", assignment))
    if not db_path.exists():
        raise GradingError(f"no gradebook at {db_path}: run `nbgrader generate_assignment {assignment}` first")
    with Gradebook(db_url) as gb:
        try:
            notebooks = sorted(nb.name for nb in gb.find_assignment(assignment).notebooks)
        except MissingEntry:
            raise GradingError(f"assignment {assignment!r} is not in the gradebook {db_path}: "
                               f"run `nbgrader generate_assignment {assignment}` first") from None
    missing = [n for n in notebooks if not (release / f"{n}.ipynb").exists()]
    if missing:
        raise GradingError(f"released notebooks missing in {release}: {missing}; run `nbgrader generate_assignment`")
    released = {n: nbformat.read(release / f"{n}.ipynb", as_version=4) for n in notebooks}

    pattern = Path(coursedir.format_path(coursedir.submitted_directory, "*", assignment))
    found = sorted(Path(p).parent.name for p in pattern.parent.parent.glob(f"*/{assignment}") if Path(p).is_dir())
    if students is not None:
        unknown = sorted(set(students) - set(found))
        if unknown:
            raise GradingError(f"no submission of {assignment!r} for {unknown} in {pattern.parent.parent}")
        found = sorted(students)

    scratch = Path(tempfile.mkdtemp(prefix="mirlib-grade-"))
    try:
        try:
            check_sandbox(str(_mkdir(scratch / "probe")))
        except SandboxError as err:
            raise GradingError(str(err)) from None
        template = scratch / "gradebook.db"
        with sqlite3.connect(db_path) as src, sqlite3.connect(template) as dst:
            src.backup(dst)
        common = _common(config, coursedir, course, limits, scratch, jobs)

        uids = []

        def job_for(student, folder):
            root = scratch / "jobs" / student
            dest = root / "submitted" / student / assignment
            if folder is None:       # the reference solution
                dest.mkdir(parents=True)
                for n in notebooks:
                    shutil.copy2(source / f"{n}.ipynb", dest / f"{n}.ipynb")
                reasons, notes = [], []
            else:
                reasons, notes = _prepare(student, folder, dest, notebooks, released)
            shutil.copy2(template, root / "gradebook.db")
            uid = UID_BASE + len(uids)     # a user id per submission (used when grading as root)
            uids.append(uid)
            return dict(common, root=str(root), student=student, assignment=assignment, uid=uid), reasons, notes

        started = time.monotonic()
        if check_reference:
            job, _, _ = job_for(REFERENCE, None)
            [(raw, seconds)] = _run_jobs([job], 1, limits, len(notebooks), None, scratch / "workers.log")
            ref = Result(REFERENCE)
            _classify(ref, raw, limits)
            got = sum((g[0] or 0) for nb in raw.get("grades", {}).values() for g in nb["grades"].values())
            full = sum((g[1] or 0) for nb in raw.get("grades", {}).values() for g in nb["grades"].values())
            if ref.status == "failed" or not full or got < full - 1e-9:
                failing = [f"{e['notebook']}.ipynb cell {e['cell']!r}: {e['ename']}: {e['evalue']}" for e in raw.get("errors", [])]
                raise GradingError(
                    f"the reference solution of {assignment!r} gets {got:g}/{full:g} in the grading sandbox, so "
                    f"the grading environment is broken, not the students' work. "
                    + ("; ".join(ref.reasons + failing[:5]) or raw.get("crash", "") or "; ".join(raw.get("messages", [])[-3:]))
                    + ". Is the course data cached (LIBROSA_DATA_DIR, MIRLIB_DATA_DIR) on this offline machine?")
            warm = scratch / "warm"
            for name in ("numba", "matplotlib"):
                if (scratch / "jobs" / REFERENCE / "runtime" / name).is_dir():
                    shutil.copytree(scratch / "jobs" / REFERENCE / "runtime" / name, warm / name)
            common["warm"] = str(warm) if warm.exists() else None

        jobs_list, results = [], []
        for student in found:
            result = Result(student)
            job, result.reasons, result.notes = job_for(student, pattern.parent.parent / student / assignment)
            jobs_list.append(job)
            results.append(result)
        bar = _progress(len(jobs_list), progress)
        outcomes = _run_jobs(jobs_list, jobs, limits, len(notebooks), bar, scratch / "workers.log")
        if bar is not None:
            bar.close()
        autograded_root = Path(coursedir.root) / coursedir.autograded_directory
        for result, job, (raw, seconds) in zip(results, jobs_list, outcomes):
            result.seconds = seconds
            _classify(result, raw, limits)
            if result.status != "failed" and result.reasons:
                result.status = "flagged"
            result.max_score = sum(g[1] or 0 for nb in raw.get("grades", {}).values() for g in nb["grades"].values()) \
                or _max_score(db_url, assignment)
            if result.status == "failed":
                continue
            result.score = _merge(db_url, assignment, result, raw)
            src = Path(job["root"]) / "autograded" / result.student / assignment
            dst = Path(coursedir.format_path(coursedir.autograded_directory, result.student, assignment))
            if dst.exists():
                shutil.rmtree(dst)
            if src.exists():
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copytree(src, dst)
                _own_like(dst, autograded_root)
        elapsed = time.monotonic() - started
        if report:
            _write_report(course / f"grading-report-{assignment}.csv", results)
        for r in results:
            r.seconds = round(r.seconds, 1)
        grade.last_elapsed = elapsed
        return results
    finally:
        if os.environ.get("MIRLIB_GRADE_KEEP"):   # for debugging the grader itself
            print(f"mirlib grade: scratch folder kept in {scratch}", file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def _mkdir(path):
    path.mkdir(parents=True, exist_ok=True)
    return path


def _own_like(path, like):
    """Files written by root for a course folder owned by someone else get that owner."""
    if os.getuid() != 0 or not like.exists():
        return
    st = like.stat()
    for folder, _, files in os.walk(path):
        for p in [folder, *(os.path.join(folder, f) for f in files)]:
            os.chown(p, st.st_uid, st.st_gid)


def _max_score(db_url, assignment):
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        return float(gb.find_assignment(assignment).max_score)


def _common(config, coursedir, course, limits, scratch, jobs):
    """What every job shares: config, sandbox paths, kernel environment, limits."""
    from dataclasses import asdict

    import pooch

    home = os.path.expanduser("~")
    data = {}
    for var, app in (("LIBROSA_DATA_DIR", "librosa"), ("MIRLIB_DATA_DIR", "mirlib")):
        data[var] = os.path.abspath(os.environ.get(var) or pooch.os_cache(app))
    package = Path(__file__).resolve().parents[1]
    checkout = package.parent if (package.parent / "pyproject.toml").exists() else None
    exchange = config.get("Exchange", {}).get("root", "/srv/nbgrader/exchange")
    # mirlib installed from a source checkout (the book's repository, with its solutions):
    # the kernel sees the package, not the checkout
    hidden = [str(course), home, exchange, str(Path(coursedir.format_path(coursedir.source_directory, ".", ".")).resolve()),
              *([str(checkout)] if checkout else [])]
    readable = [sys.prefix, sys.base_prefix, str(Path(os.path.realpath(sys.executable)).parent.parent), str(package),
                *data.values()]
    bin_dir = str(Path(sys.executable).parent)
    env = {"PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", **data}
    # kernels running side by side each get their share of the cores, not all of them
    threads = str(max(1, (os.cpu_count() or 1) // jobs))
    for key in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
                "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        env[key] = threads
    for key, value in os.environ.items():
        if key.startswith(("KERAS_", "TF_", "JAX_", "XLA_", "OMP_", "MKL_", "OPENBLAS_", "NUMBA_", "PYTHONHASHSEED")):
            env[key] = value
    return {"config": config, "source_root": str(Path(coursedir.format_path(coursedir.source_directory, ".", ".")).resolve()),
            "limits": asdict(limits), "hidden": hidden, "readable": readable, "kernel_env": env}


def _run_jobs(jobs_list, n_workers, limits, n_notebooks, bar, log_path=None):
    """Run jobs on ``n_workers`` persistent workers; returns [(raw, seconds)] in order.

    A worker that runs past the submission's wall time, or whose memory
    grows past the memory limit plus 2 GB (a submission flooding it with
    output), is killed and replaced; its submission gets a reason.
    """
    log = open(os.devnull, "w") if log_path is None else open(log_path, "a")
    deadline_s = limits.timeout * 3 * max(1, n_notebooks) + 120
    pending = list(range(len(jobs_list)))
    out = [None] * len(jobs_list)
    workers = [_Worker(log) for _ in range(min(n_workers, len(jobs_list)) or 1)]
    try:
        while pending or any(w.job is not None for w in workers):
            for w in workers:
                if w.job is None and pending:
                    w.job = pending.pop(0)
                    w.started = time.monotonic()
                    w.send(jobs_list[w.job])
            busy = [w for w in workers if w.job is not None]
            ready = wait([w.conn for w in busy], timeout=0.5)
            for i, w in enumerate(workers):
                if w.job is None:
                    continue
                reason = None
                if w.conn in ready:
                    try:
                        raw = w.conn.recv()
                    except (EOFError, OSError):
                        reason = "crash: the grading worker died"
                    else:
                        out[w.job] = (raw, time.monotonic() - w.started)
                        w.job = None
                        if bar is not None:
                            bar.update(1)
                        continue
                elif not w.alive():
                    reason = "crash: the grading worker died"
                elif time.monotonic() - w.started > deadline_s:
                    reason = f"timeout: the whole submission ran longer than {deadline_s:g} s"
                elif w.rss_mb() > limits.memory + 2048:
                    reason = f"grader memory: the submission's output took more than {limits.memory + 2048} MB"
                if reason:
                    out[w.job] = ({"messages": [], "exception": reason, "grades": {}, "errors": [], "markers": [],
                                   "killed": reason}, time.monotonic() - w.started)
                    w.kill()
                    workers[i] = _Worker(log)
                    if bar is not None:
                        bar.update(1)
    finally:
        for w in workers:
            try:
                w.send(None)
            except (OSError, BrokenPipeError):
                pass
        for w in workers:
            try:
                w.proc.wait(5)
            except subprocess.TimeoutExpired:
                w.kill()
        log.close()
    return out


def _write_report(path, results):
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(Result("x").as_row()))
        writer.writeheader()
        for r in results:
            writer.writerow(r.as_row())


if __name__ == "__main__":
    from multiprocessing.connection import Connection

    _worker_main(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
