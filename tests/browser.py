"""Headless Chromium for the browser tests (the built website, JupyterLab on the course hub).

Without chromium and chromedriver a browser test is skipped on a developer's
machine and fails on CI (``CI`` set), where ``.ci/run`` installs both.
"""

import contextlib
import os
import shutil

import pytest

#: every host but the local one fails to resolve: pages must work offline
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


@contextlib.contextmanager
def headless_chromium(*arguments, logs=False):
    """A Selenium driver of headless Chromium with these extra command-line ``arguments``; quit at the end.

    ``logs=True`` keeps the browser's console messages (``driver.get_log("browser")``).
    """
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    chromedriver = shutil.which("chromedriver")
    if not (chromium and chromedriver):
        if os.environ.get("CI"):
            pytest.fail("CI needs chromium and chromedriver (.ci/run installs them)")
        pytest.skip("no chromium/chromedriver here: install them to run the browser tests")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", *arguments):
        opts.add_argument(arg)
    if logs:
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    opts.binary_location = chromium
    driver = webdriver.Chrome(service=Service(chromedriver), options=opts)
    try:
        yield driver
    finally:
        driver.quit()
