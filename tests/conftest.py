import sys
from pathlib import Path

import pytest

# tests/ holds helper modules (nbgrading, grading_catalogue) next to the tests
sys.path.insert(0, str(Path(__file__).parent))

# The suite runs on every core (pytest-xdist, `--dist=loadgroup` in pyproject.toml).
# A group runs on one worker, so a module's fixtures (the book build, a lecturer's
# course) are built once. The grading tests are grouped by assignment instead of by
# module: each assignment's course is autograded once, and the assignments spread
# over the workers. The longest groups are handed out first.
_FIRST = ("test_book.py", "test_grading.py")
# the assignments whose grading trains the longest networks
_SLOW_ASSIGNMENTS = ("rnn", "siamese", "drums", "cnn", "dl-basics")


def _group(item):
    module = Path(str(item.fspath)).name
    params = getattr(item, "callspec", None)
    if module == "test_grading.py" and params is not None and "assignment" in params.params:
        return f"grading-{params.params['assignment']}"
    return module


def pytest_collection_modifyitems(config, items):
    for item in items:
        if not any(m.name == "xdist_group" for m in item.iter_markers()):
            item.add_marker(pytest.mark.xdist_group(_group(item)))
    def order(item):
        module = Path(str(item.fspath)).name
        group = _group(item)
        slow = group.removeprefix("grading-")
        return (_FIRST.index(module) if module in _FIRST else len(_FIRST),
                _SLOW_ASSIGNMENTS.index(slow) if slow in _SLOW_ASSIGNMENTS else len(_SLOW_ASSIGNMENTS))

    items.sort(key=order)
