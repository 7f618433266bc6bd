"""Grading workers: fresh interpreters that grade one prepared submission at a time.

``python -m mirlib.grading.workers FD_IN FD_OUT`` reads jobs from one pipe and
answers on the other; :class:`WorkerPool` feeds several of them, kills and
replaces any that runs past its time or floods its memory.
"""

from __future__ import annotations

import copy
import logging
import os
import shutil
import subprocess
import sys
import time
from multiprocessing.connection import wait
from pathlib import Path

import nbformat

from .sandbox import SANDBOX_ENV, Limits, Sandbox

__all__ = ["WorkerPool"]


def _grade_job(job):
    """Grade one prepared submission in its own course folder (runs in a worker)."""
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    root = Path(job["root"])
    runtime = root / "runtime"
    runtime.mkdir(exist_ok=True)
    if job.get("warm"):
        # numba's compiled librosa functions, matplotlib's font list and the shipped networks'
        # and madmom's activations, from the grading environment and the reference run:
        # without them every submission builds them again
        shutil.copytree(job["warm"], runtime, dirs_exist_ok=True)
    cfg = copy.deepcopy(job["config"]) if job["config"] is not None else Config()
    cfg.merge(Config({
        "CourseDirectory": {"root": str(root), "source_directory": job["source_root"],
                            "submitted_directory": "submitted", "autograded_directory": "autograded",
                            "db_url": f"sqlite:///{root}/gradebook.db", "student_id": job["student"],
                            "assignment_id": job["assignment"], "notebook_id": "*"},
        "BaseConverter": {"force": True},
        "Autograde": {"create_student": True},
        # a graceful shutdown waits ~0.8 s for Python to tear the kernel down; the sandbox
        # dies with it anyway, and nothing it does after the last cell counts
        "Execute": {"timeout": int(job["limits"]["timeout"]), "interrupt_on_timeout": True,
                    "shutdown_kernel": "immediate",
                    "kernel_manager_class": "mirlib.grading.sandbox.SandboxKernelManager"},
    }))
    env = dict(job["kernel_env"], HOME=str(runtime), MPLCONFIGDIR=str(runtime / "matplotlib"),
               NUMBA_CACHE_DIR=str(runtime / "numba"), MIRLIB_CACHE_DIR=str(runtime / "mirlib"),
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
        if converter.log is not logger:
            converter.log.addHandler(handler)
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
    logger = logging.getLogger("traitlets")
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    if os.environ.get("MIRLIB_GRADE_DEBUG"):   # timed nbgrader log in the scratch folder's workers.log
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
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
    """A grading worker: ``python -m mirlib.grading.workers FD_IN FD_OUT``, fed jobs by pipe.

    A fresh interpreter (not multiprocessing's spawn) so that a lecturer's
    script need not guard its main module.
    """

    def __init__(self, log):
        from multiprocessing.connection import Connection

        job_r, job_w = os.pipe()
        res_r, res_w = os.pipe()
        self.proc = subprocess.Popen([sys.executable, "-m", "mirlib.grading.workers", str(job_r), str(res_w)],
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


class WorkerPool:
    """``n_workers`` grading workers, started at once and reused for every call of :meth:`run`.

    A worker that runs past the submission's wall time, or whose memory
    grows past the memory limit plus 2 GB (a submission flooding it with
    output), is killed and replaced; its submission gets a reason.
    """

    def __init__(self, n_workers, log_path=None):
        self.log = open(os.devnull, "w") if log_path is None else open(log_path, "a")
        self.workers = [_Worker(self.log) for _ in range(max(1, n_workers))]

    def run(self, jobs_list, limits, n_notebooks, bar=None, n_workers=None):
        """Grade the jobs; returns ``[(raw, seconds)]`` in their order."""
        deadline_s = limits.timeout * 3 * max(1, n_notebooks) + 120
        pending = list(range(len(jobs_list)))
        out = [None] * len(jobs_list)
        workers = self.workers[:n_workers or len(self.workers)]
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
                    workers[i] = self.workers[self.workers.index(w)] = _Worker(self.log)
                    if bar is not None:
                        bar.update(1)
        return out

    def close(self):
        for w in self.workers:
            try:
                w.send(None)
            except (OSError, BrokenPipeError):
                pass
        for w in self.workers:
            try:
                w.proc.wait(5)
            except subprocess.TimeoutExpired:
                w.kill()
        self.log.close()


if __name__ == "__main__":
    from multiprocessing.connection import Connection

    _worker_main(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
