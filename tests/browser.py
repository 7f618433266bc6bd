"""Headless Chromium for the browser tests (the built website, JupyterLab on the course hub).

Without chromium and chromedriver a browser test is skipped on a developer's
machine and fails on CI (``CI`` set), where ``.ci/run`` installs both.
"""

import contextlib
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import book_pdf  # noqa: E402

#: every host but the local one fails to resolve: pages must work offline
OFFLINE = book_pdf.OFFLINE


def require_chromium():
    """Skip on a developer's machine without chromium and chromedriver; fail on CI, which must have them."""
    if book_pdf.chromium_paths() is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs chromium and chromedriver (.ci/run installs them)")
        pytest.skip("no chromium/chromedriver here: install them to run the browser tests")


@contextlib.contextmanager
def headless_chromium(*arguments, logs=False):
    """A Selenium driver of headless Chromium (:func:`book_pdf.headless_chromium`), or skip/fail without one.

    ``logs=True`` keeps the browser's console messages (``driver.get_log("browser")``).
    """
    require_chromium()
    with book_pdf.headless_chromium(*arguments, logs=logs) as driver:
        yield driver
