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

import contextlib
import copy
import csv
import fcntl
import os
import shutil
import sqlite3
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..cores import share_cores
from .sandbox import Limits, SandboxError, check_sandbox, chown_tree, link_targets, python_paths
from .submissions import prepare_submission, repair_notebook
from .workers import WorkerPool

__all__ = ["GradingError", "Result", "grade", "repair_notebook", "seed_caches", "uid_block", "UID_BASE", "UID_BLOCK"]

REFERENCE = "_reference"
#: first of the user ids the kernels run as when grading as root: one per submission,
#: above the ranges Debian gives to users and to nobody
UID_BASE = 2_000_000
#: user ids reserved per grading run: runs at the same time (two courses, two
#: assignments) take different blocks, so no two kernels share a user id and
#: with it the limit on processes
UID_BLOCK = 100_000

#: exceptions in a cell the student did not write that mean the grading
#: environment, not the submission, is broken
INFRASTRUCTURE_ERRORS = {"ModuleNotFoundError", "ImportError", "URLError", "HTTPError", "ConnectionError",
                         "ConnectTimeout", "ReadTimeout", "SSLError", "DataUnavailableError"}
#: of those, the errors of a kernel that tried to download what is not cached
OFFLINE_ERRORS = {"URLError", "HTTPError", "ConnectionError", "ConnectTimeout", "ReadTimeout", "SSLError",
                  "DataUnavailableError"}


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
    if "Kernel died before replying to kernel_info" in text or ("Kernel didn't respond" in text and not raw["grades"]):
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
    import warnings
    from datetime import datetime

    from nbgrader.api import Gradebook

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


def _points(raw):
    """(score, max score) of a worker's outcome, summed over every graded cell."""
    grades = [g for nb in raw.get("grades", {}).values() for g in nb["grades"].values()]
    return sum(g[0] or 0 for g in grades), sum(g[1] or 0 for g in grades)


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
        Stop with :class:`GradingError` unless the reference solution, which
        is always graded first (it also warms the caches every submission
        uses), gets full marks.
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
    reserved = contextlib.ExitStack()
    try:
        first_uid = reserved.enter_context(uid_block())
        try:
            common = _common(config, coursedir, course, limits, scratch, jobs)
            # the kernels' interpreter, the data caches and mirlib as the kernels will see them:
            # a path the sandbox cannot show is named here, before anyone is graded
            check_sandbox(str(_mkdir(scratch / "probe")), readable=common["readable"], env=common["kernel_env"],
                          kernel=_kernel_interpreter(released.values()), folders=common["data"].items())
        except SandboxError as err:
            raise GradingError(str(err)) from None
        template = scratch / "gradebook.db"
        with sqlite3.connect(db_path) as src, sqlite3.connect(template) as dst:
            src.backup(dst)

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
                reasons, notes = prepare_submission(folder, dest, notebooks, released)
            shutil.copy2(template, root / "gradebook.db")
            uid = first_uid + len(uids)    # a user id per submission (used when grading as root)
            uids.append(uid)
            return dict(common, root=str(root), student=student, assignment=assignment, uid=uid), reasons, notes

        # the reference solution runs first: it checks the grading environment, and the
        # caches it leaves (numba's compiled librosa functions, matplotlib's font list,
        # activations of the shipped networks and madmom's: mirlib.features.remembered)
        # spare every submission computing them again
        pool = WorkerPool(jobs, scratch / "workers.log")    # all start now, while the reference runs
        common["warm"] = seed_caches(scratch / "warm")
        job, _, _ = job_for(REFERENCE, None)
        # it runs alone: all cores are its own, unless the environment says how many threads to use
        job["kernel_env"] = dict(job["kernel_env"], **share_cores(1))
        try:
            [(raw, seconds)] = pool.run([job], limits, len(notebooks), n_workers=1)
        except BaseException:
            pool.close()
            raise
        ref = Result(REFERENCE)
        _classify(ref, raw, limits)
        got, full = _points(raw)
        if check_reference and (ref.status == "failed" or not full or got < full - 1e-9):
            pool.close()
            failing = [f"{e['notebook']}.ipynb cell {e['cell']!r}: {e['ename']}: {e['evalue']}" for e in raw.get("errors", [])]
            raise GradingError(
                f"the reference solution of {assignment!r} gets {got:g}/{full:g} in the grading sandbox, so "
                f"the grading environment is broken, not the students' work. "
                + ("; ".join(ref.reasons + failing[:5]) or raw.get("crash", "") or "; ".join(raw.get("messages", [])[-3:]))
                + (". The kernels have no network: is the course data cached (LIBROSA_DATA_DIR, MIRLIB_DATA_DIR)?"
                   if any(e["ename"] in OFFLINE_ERRORS for e in raw.get("errors", [])) else ""))
        warm = scratch / "warm"
        for name in ("numba", "matplotlib", "mirlib"):
            if (scratch / "jobs" / REFERENCE / "runtime" / name).is_dir():
                shutil.copytree(scratch / "jobs" / REFERENCE / "runtime" / name, warm / name, dirs_exist_ok=True)
        common["warm"] = str(warm) if warm.exists() else None

        jobs_list, results = [], []
        for student in found:
            result = Result(student)
            job, result.reasons, result.notes = job_for(student, pattern.parent.parent / student / assignment)
            jobs_list.append(job)
            results.append(result)
        bar = _progress(len(jobs_list), progress)
        try:
            outcomes = pool.run(jobs_list, limits, len(notebooks), bar)
        finally:
            pool.close()
        if bar is not None:
            bar.close()
        autograded_root = Path(coursedir.root) / coursedir.autograded_directory
        for result, job, (raw, seconds) in zip(results, jobs_list, outcomes):
            result.seconds = seconds
            _classify(result, raw, limits)
            if result.status != "failed" and result.reasons:
                result.status = "flagged"
            result.max_score = _points(raw)[1] or _max_score(db_url, assignment)
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
        if report:
            _write_report(course / f"grading-report-{assignment}.csv", results)
        for r in results:
            r.seconds = round(r.seconds, 1)
        return results
    finally:
        reserved.close()
        if os.environ.get("MIRLIB_GRADE_KEEP"):   # for debugging the grader itself
            print(f"mirlib grade: scratch folder kept in {scratch}", file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)


@contextlib.contextmanager
def uid_block(folder=None, n_blocks=1000):
    """Reserve a block of :data:`UID_BLOCK` user ids for one grading run; yields its first.

    Kernels run as one user id per submission when grading as root, and the
    limit on processes counts per user id: runs at the same time (two courses,
    two assignments) must not share ids, or one submission's fork bomb stops
    another course's kernels.

    The block is held by an exclusive ``flock`` on a file in ``folder`` (default:
    the temporary folder) for as long as the run lasts; the kernel releases it
    when the grading process ends, however it ends. Only root runs kernels
    under other user ids: any other grader (the hub's formgrader account) runs
    them as itself, in a user namespace, so it reserves nothing (and needs no
    lock file, which root's would not let it open).

    Parameters
    ----------
    folder : str or Path or None
        Where the lock files are.
    n_blocks : int
        Number of blocks to try.

    Yields
    ------
    int
        The first user id of the block (:data:`UID_BASE` + block × :data:`UID_BLOCK`).

    Raises
    ------
    GradingError
        If every block is taken.
    """
    if os.geteuid() != 0:
        yield UID_BASE
        return
    folder = Path(tempfile.gettempdir() if folder is None else folder)
    for block in range(n_blocks):
        handle = open(folder / f"mirlib-grade-uids-{block}.lock", "a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        try:
            yield UID_BASE + block * UID_BLOCK
        finally:
            handle.close()
        return
    raise GradingError(f"all {n_blocks} blocks of user ids for grading are taken by other grading runs")


def seed_caches(warm):
    """Copy the grading environment's own caches where a sandboxed kernel finds them.

    numba keeps compiled functions (librosa's) next to their sources, where
    a read-only sandbox cannot use them; with ``NUMBA_CACHE_DIR`` set it looks
    in ``<folder name>_<sha1 of the folder>/`` instead. Where the grading
    environment itself sets ``NUMBA_CACHE_DIR`` (the test suite gives each of
    its workers one), its compiled functions are already in that layout.
    matplotlib's font list goes to ``MPLCONFIGDIR``.

    Parameters
    ----------
    warm : pathlib.Path
        Folder to fill (``numba/``, ``matplotlib/``); each kernel's runtime
        folder starts as a copy of it.

    Returns
    -------
    str or None
        The folder, or ``None`` if no cache was found.
    """
    import hashlib
    import site

    own = os.environ.get("NUMBA_CACHE_DIR")
    if own and Path(own).is_dir():
        shutil.copytree(own, warm / "numba", dirs_exist_ok=True)
    for base in dict.fromkeys(site.getsitepackages()):
        for index in Path(base).glob("*/**/__pycache__/*.nb[ic]"):
            source = index.parent.parent
            dest = warm / "numba" / f"{source.name}_{hashlib.sha1(str(source).encode()).hexdigest()}"
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy2(index, dest / index.name)
    try:
        import matplotlib

        fonts = list(Path(matplotlib.get_cachedir()).glob("fontlist-*.json"))
    except Exception:   # no matplotlib, or no cache folder: the reference run makes one
        fonts = []
    for f in fonts:
        (warm / "matplotlib").mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, warm / "matplotlib" / f.name)
    return str(warm) if warm.exists() else None


def _mkdir(path):
    path.mkdir(parents=True, exist_ok=True)
    return path


def _own_like(path, like):
    """Files written by root for a course folder owned by someone else get that owner."""
    if os.getuid() == 0 and like.exists():
        chown_tree(path, like.stat().st_uid, like.stat().st_gid)


def _max_score(db_url, assignment):
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        return float(gb.find_assignment(assignment).max_score)


def _common(config, coursedir, course, limits, scratch, jobs):
    """What every job shares: config, sandbox paths, kernel environment, limits."""
    from dataclasses import asdict

    import pooch

    home = os.path.expanduser("~")
    data, links = {}, []
    for var, app in (("LIBROSA_DATA_DIR", "librosa"), ("MIRLIB_DATA_DIR", "mirlib")):
        data[var] = os.path.abspath(os.environ.get(var) or pooch.os_cache(app))
        if os.environ.get(var) and not os.path.isdir(data[var]):
            raise SandboxError(f"{var}={os.environ[var]} is not a folder: the grading kernels, which have no "
                               f"network, would find no course data there")
        if os.path.isdir(data[var]):
            links += link_targets(data[var])     # a cache of links into another store
    package = Path(__file__).resolve().parents[1]
    checkout = package.parent if (package.parent / "pyproject.toml").exists() else None
    exchange = config.get("Exchange", {}).get("root", "/srv/nbgrader/exchange")
    # mirlib installed from a source checkout (the book's repository, with its solutions):
    # the kernel sees the package, not the checkout
    source_root = str(Path(coursedir.format_path(coursedir.source_directory, ".", ".")).resolve())
    hidden = [str(course), home, exchange, source_root, *([str(checkout)] if checkout else [])]
    readable = [*python_paths(), str(package), *data.values(), *links]
    bin_dir = str(Path(sys.executable).parent)
    env = {"PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", **data}
    # kernels running side by side each get their share of the cores, not all of them
    env.update(share_cores(jobs, environ={}))
    for key, value in os.environ.items():
        if key.startswith(("KERAS_", "TF_", "JAX_", "XLA_", "OMP_", "MKL_", "OPENBLAS_", "NUMBA_", "PYTHONHASHSEED")):
            env[key] = value
    return {"config": config, "source_root": source_root, "limits": asdict(limits), "hidden": hidden,
            "readable": readable, "kernel_env": env, "data": {k: v for k, v in data.items() if os.path.isdir(v)}}


def _kernel_interpreter(notebooks):
    """The interpreter of the kernel the notebooks ask for (their kernelspec's ``argv[0]``), or ``None``."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    names = {nb.metadata.get("kernelspec", {}).get("name") or "python3" for nb in notebooks}
    for name in sorted(names):
        try:
            argv = KernelSpecManager().get_kernel_spec(name).argv
        except NoSuchKernel:
            raise SandboxError(f"the notebooks ask for the kernel {name!r}, which is not installed for "
                               f"{sys.executable} (`python -m ipykernel install --sys-prefix --name {name}`)") from None
        if argv and os.path.isabs(argv[0]):
            return argv[0]
    return None


def _write_report(path, results):
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(Result("x").as_row()))
        writer.writeheader()
        for r in results:
            writer.writerow(r.as_row())

