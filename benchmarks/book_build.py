"""Print the book's time budgets: cold build, rebuild with nothing changed,
execution time of every chapter notebook, and autograding time per exercise.

Usage (from the repository root, after tools/install.sh):

    .venv/bin/python benchmarks/book_build.py

Budgets (DEVELOPERS.md): a chapter <= 120 s on 2 cores, cold build <= 15 min,
rebuild <= 1 min, an exercise autogrades in <= 120 s.
"""

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "tests"))


def build(folder):
    start = time.perf_counter()
    subprocess.run([str(BIN / "jupyter-book"), "build", str(folder)], cwd=folder, check=True,
                   capture_output=True, text=True)
    return time.perf_counter() - start


def main():
    from jupyter_cache import get_cache

    from nbgrading import Course

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "book"
        files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
        for name in files:
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
        cold = build(copy)
        warm = build(copy)
        print(f"book build, cold:            {cold:7.1f} s   (budget 900 s)")
        print(f"book rebuild, no change:     {warm:7.1f} s   (budget 60 s)")
        for record in get_cache(copy / "_build" / ".jupyter_cache").list_cache_records():
            name = Path(record.uri).relative_to(copy)
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
