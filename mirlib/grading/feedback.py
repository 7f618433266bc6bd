"""Feedback for students without the hidden tests.

nbgrader's ``generate_feedback`` renders the autograded notebook, whose test
cells hold the hidden tests again, and whose tracebacks quote them
(jupyter/nbgrader#917, #1363). :class:`HideHiddenTests`, listed in the
course's ``nbgrader_config.py`` among ``GenerateFeedback``'s preprocessors,
replaces every hidden block by one comment line and every traceback frame
that quotes a hidden line by ``[hidden test]``. The score of each test cell
and the error's name and message stay, so students still see what failed.
"""

from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

__all__ = ["HIDDEN_RE", "HideHiddenTests", "hide_hidden_tests"]

#: a hidden block of an nbgrader test cell, markers included
HIDDEN_RE = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[^\n]*\n(.*?)^[ \t]*### END HIDDEN TESTS[^\n]*(\n|\Z)", re.S | re.M)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
PLACEHOLDER = "# (hidden tests: run by the grader, not shown)\n"


def hide_hidden_tests(nb):
    """Remove hidden tests from a notebook's sources and tracebacks, in place.

    Parameters
    ----------
    nb : nbformat.NotebookNode

    Returns
    -------
    int
        Number of hidden blocks removed.
    """
    hidden, n = set(), 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for block in HIDDEN_RE.findall(cell.source):
            hidden |= {line.strip() for line in block[0].splitlines() if line.strip()}
        cell.source, k = HIDDEN_RE.subn(PLACEHOLDER, cell.source)
        n += k
    if not hidden:
        return n
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [
                    "[hidden test]" if _quotes(frame, hidden) else frame for frame in output.get("traceback", [])]
            elif output.get("output_type") == "stream" and _quotes(output.get("text", ""), hidden):
                output["text"] = "[output of hidden tests]\n"
    return n


def _quotes(text, hidden):
    plain = _ANSI.sub("", text)
    return any(line in plain for line in hidden if len(line) >= 8)


class HideHiddenTests(Preprocessor):
    """nbconvert preprocessor running :func:`hide_hidden_tests` (for ``GenerateFeedback``)."""

    enabled = Bool(True, help="nbconvert runs only enabled preprocessors").tag(config=True)

    def preprocess(self, nb, resources):
        hide_hidden_tests(nb)
        return nb, resources
