"""Grade a class of 100 submissions with `nbgrader autograde` and with `mirlib grade`.

    python benchmarks/grading.py [ASSIGNMENT] [--n 100] [--jobs 2]

Builds a course in a temporary folder with one assignment (default
``audio-basics``) and N submissions: half with the reference answers, a
quarter with one catalogued mistake each (tests/grading_catalogue.py), and
the rest blank or broken (a syntax error, a NameError, an exception). The
same submissions are graded serially by ``nbgrader autograde`` and by
``mirlib grade --jobs J``; the script prints both wall times, the speed-up,
the peak memory of each (resident memory of the grader and everything it
started, sampled every 0.2 s), and whether every score of every cell is the
same.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from grading_catalogue import CATALOGUE  # noqa: E402
from nbgrading import BIN, Course, nbgrader_env  # noqa: E402

BROKEN = ["def oops(:\n    pass\n", "result = undefined_name + 1\n", "raise RuntimeError('not finished')\n"]


class PeakMemory:
    """Peak resident memory (MB) of a process and all its descendants."""

    def __init__(self, pid):
        import psutil

        self.root, self.peak, self._stop = psutil.Process(pid), 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        import psutil

        while not self._stop.is_set():
            total = 0
            try:
                for p in [self.root, *self.root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            self.peak = max(self.peak, total / 2**20)
            time.sleep(0.2)

    def stop(self):
        self._stop.set()
        self._thread.join()
        return self.peak


def timed(cmd, cwd):
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=nbgrader_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    mem = PeakMemory(proc.pid)
    _, err = proc.communicate()
    return time.monotonic() - start, mem.stop(), proc.returncode, err


def build(course, n):
    course.generate()
    reference = course.reference_answers()
    mistakes = CATALOGUE.get(course.assignment, [])
    owner = {gid: name for name, cells in reference.items() for gid in cells}
    first = next(iter(owner))
    kinds = {"correct": 0, "mistake": 0, "blank": 0, "broken": 0}
    for i in range(n):
        answers = {name: dict(cells) for name, cells in reference.items()}
        if i < n // 2:
            kind = "correct"
        elif i < 3 * n // 4 and mistakes:
            kind = "mistake"
            m = mistakes[i % len(mistakes)]
            answers[owner[m.cell]][m.cell] = m.source
        elif i % 2:
            kind, answers = "blank", {}
        else:
            kind = "broken"
            answers[owner[first]][first] = BROKEN[i % len(BROKEN)]
        kinds[kind] += 1
        course.submit(f"student{i:03d}", answers)
    return kinds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="?", default="audio-basics")
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="grading-bench-"))
    try:
        serial = Course(base / "serial", args.assignment)
        kinds = build(serial, args.n)
        shutil.copytree(base / "serial", base / "parallel")
        parallel = Course.__new__(Course)
        parallel.__dict__.update(serial.__dict__, root=base / "parallel")
        print(f"{args.n} submissions of {args.assignment}: " + ", ".join(f"{v} {k}" for k, v in kinds.items()))
        print(f"machine: {os.cpu_count()} cores")

        t_serial, m_serial, rc, err = timed(
            [str(BIN / "nbgrader"), "autograde", args.assignment, "--create", "--force"], serial.root)
        if rc != 0:
            print(f"nbgrader autograde exited {rc}: {err[-500:]}")
        t_par, m_par, rc, err = timed(
            [sys.executable, "-m", "mirlib.cli", "grade", args.assignment, "--jobs", str(args.jobs), "--quiet"],
            parallel.root)
        if rc != 0:
            print(f"mirlib grade exited {rc}: {err[-500:]}")

        students = [f"student{i:03d}" for i in range(args.n)]
        differ = [s for s in students if serial.scores(s) != parallel.scores(s)]
        total = lambda c, s: sum(v[0] or 0 for v in c.scores(s).values())  # noqa: E731
        print(f"{'grader':<28}{'wall time (s)':>15}{'peak memory (MB)':>18}")
        print(f"{'nbgrader autograde':<28}{t_serial:>15.1f}{m_serial:>18.0f}")
        print(f"{f'mirlib grade --jobs {args.jobs}':<28}{t_par:>15.1f}{m_par:>18.0f}")
        print(f"speed-up: {t_serial / t_par:.2f}")
        print(f"mean score: nbgrader {sum(total(serial, s) for s in students) / args.n:.2f}, "
              f"mirlib grade {sum(total(parallel, s) for s in students) / args.n:.2f}")
        print("scores identical for every cell of every submission" if not differ
              else f"scores differ for {len(differ)} submissions: {differ[:5]}")
        return 0 if not differ else 1
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
