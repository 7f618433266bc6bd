"""Autograding of the book's exercises.

Submodules
----------
checks
    :func:`check_array`, comparisons whose failures explain themselves, and
    :func:`forbid`, which blocks a library function during a test.
autograde
    :func:`~mirlib.grading.autograde.grade`, behind ``mirlib grade``: a whole
    class graded in parallel, each submission sandboxed, always a result.
sandbox, kernel, workers, submissions
    Its parts: the bubblewrap sandbox and limits, the kernel that caps
    printed output, the grading workers, and the repair of submissions.
feedback
    :class:`~mirlib.grading.feedback.HideHiddenTests`, which keeps hidden
    tests out of nbgrader's feedback pages.
exchange
    :class:`~mirlib.grading.exchange.PrivateSubmit`, nbgrader's submit with
    submissions only their author and the graders can read (the course hub's).
"""

from .checks import check_array, forbid

__all__ = ["check_array", "forbid"]
