import os
import sys
from pathlib import Path

# tests/ holds helper modules (nbgrading, grading_catalogue) next to the tests
sys.path.insert(0, str(Path(__file__).parent))

# numba compiles librosa's functions into a cache next to librosa's sources. Two test
# workers compiling the same function at once on a fresh machine left a corrupt entry
# there, and the next librosa.yin crashed its worker (segmentation fault). Each worker
# (and every kernel it starts: book chapters, graded notebooks) gets a cache of its own.
# numba reads the variable when it is first imported, which is after this file.
# The workers inherit the base folder from the process that starts them.
_BASE = os.environ.setdefault("DL4MIR_TEST_NUMBA_CACHE", os.environ.get("NUMBA_CACHE_DIR")
                              or str(Path(__file__).parents[1] / ".pytest_cache" / "numba"))
os.environ["NUMBA_CACHE_DIR"] = str(Path(_BASE) / os.environ.get("PYTEST_XDIST_WORKER", "main"))

# Each worker (and every kernel and command it starts) gets its share of the cores: two
# workers that each start a thread per core wait for each other's threads at every
# parallel step (mirlib.cores; a chapter's t-SNE figure took 59 s instead of 2 s).
# The libraries read the variables when they start, which in a worker is after this file.
from mirlib.cores import share_cores  # noqa: E402

if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
    os.environ.update(share_cores(int(os.environ["PYTEST_XDIST_WORKER_COUNT"])))

# The suite runs on every core (pytest-xdist; options in pyproject.toml). Tests run in
# groups, one group on one worker, so a module's fixtures (the book build, a lecturer's
# course) are built once: a group is a test module, except that the grading tests are
# grouped by assignment, so each assignment's course is autograded once and the
# assignments spread over the workers. The longest groups are handed out first.
_FIRST = ("tests/test_book.py", "tests/test_hub.py", "tests/test_grading.py")
# the assignments that take longest to grade (training, madmom's activations, rendering), longest first
_SLOW_ASSIGNMENTS = ("rnn", "moods", "beats", "siamese", "drums", "music-speech", "cnn", "dl-basics", "bass")


def group_of(nodeid):
    """The group of a test: its module, or ``grading-ASSIGNMENT`` for a grading test."""
    module = nodeid.split("::")[0]
    if module == "tests/test_grading.py" and nodeid.endswith("]"):
        return "grading-" + nodeid[nodeid.index("[") + 1:-1].split(":")[0]
    return module


def pytest_xdist_make_scheduler(config, log):
    # xdist's own loadgroup marks nodeids in a way pytest 9 ignores: schedule by our groups
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return group_of(nodeid)

    return GroupScheduling(config, log)


def pytest_collection_modifyitems(config, items):
    def order(item):
        group = group_of(item.nodeid)
        module = item.nodeid.split("::")[0]
        slow = group.removeprefix("grading-")
        return (_FIRST.index(module) if module in _FIRST else len(_FIRST),
                _SLOW_ASSIGNMENTS.index(slow) if slow in _SLOW_ASSIGNMENTS else len(_SLOW_ASSIGNMENTS))

    items.sort(key=order)
