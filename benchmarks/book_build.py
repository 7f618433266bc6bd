"""Print the book's time budgets: cold build, rebuild with nothing changed,
execution time of every chapter notebook, and autograding time per exercise.

The cold build executes two chapters at a time (book/_ext/dl4mir_execute.py), so
the chapters' own times come from a second cold build that executes one chapter at
a time (``DL4MIR_BUILD_JOBS=1``), as a student's kernel runs one.

Usage (from the repository root, after tools/install.sh):

    .venv/bin/python benchmarks/book_build.py

Budgets (DEVELOPERS.md): a chapter <= 120 s on 2 cores, cold build <= 15 min,
rebuild <= 1 min, an exercise autogrades in <= 120 s.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "tests"))


def build(folder, jobs=None):
    env = dict(os.environ, **({} if jobs is None else {"DL4MIR_BUILD_JOBS": str(jobs)}))
    start = time.perf_counter()
    subprocess.run([str(BIN / "jupyter-book"), "build", str(folder)], cwd=folder, check=True,
                   capture_output=True, text=True, env=env)
    return time.perf_counter() - start


def copy_sources(folder):
    # NUL-separated: some fixture files (the Beatles' song titles) have spaces in their names
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for name in filter(None, files.split("\0")):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, folder / name)


def main():
    from jupyter_cache import get_cache

    from nbgrading import Course

    with tempfile.TemporaryDirectory() as tmp:
        copy, serial = Path(tmp) / "book", Path(tmp) / "serial"
        copy_sources(copy)
        copy_sources(serial)
        cold = build(copy)
        print(f"book build, cold:            {cold:7.1f} s   (budget 900 s)", flush=True)
        warm = build(copy)
        print(f"book rebuild, no change:     {warm:7.1f} s   (budget 60 s)", flush=True)
        one_at_a_time = build(serial, jobs=1)
        print(f"book build, cold, one chapter at a time: {one_at_a_time:7.1f} s")
        for record in get_cache(serial / "_build" / ".jupyter_cache").list_cache_records():
            name = Path(record.uri).relative_to(serial)
            print(f"execute {str(name):28s} {record.data['execution_seconds']:7.1f} s   (budget 120 s)")

        for assignment in sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir()):
            course = Course(Path(tmp) / f"course-{assignment}", assignment)
            course.generate()
            course.submit("solution", course.reference_answers())
            start = time.perf_counter()
            course.autograde()
            print(f"autograde {assignment:26s} {time.perf_counter() - start:7.1f} s   (budget 120 s)")


if __name__ == "__main__":
    main()
