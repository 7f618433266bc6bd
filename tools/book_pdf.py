"""The book as one PDF, offline: Chromium prints every built page, pypdf joins them.

    .venv/bin/python tools/book_pdf.py [--html _build/html] [--out _build/html/dl4mir.pdf]

Run after the HTML build (README, quick start, command 1). Jupyter Book's
``pdfhtml`` builder has pyppeteer download a Chromium of its own, which needs the
internet; this prints the pages of ``_build/html`` with the system's headless
Chromium (DevTools ``Page.printToPDF``, through Selenium's ``print_page``), served
from 127.0.0.1 with every other host unreachable, in the order of ``_toc.yml``.
Each chapter starts a new page and gets an entry in the PDF's outline. The
website's navigation is left out, demos print their static view, and each audio
player becomes a line that points to the page on the website.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import shutil
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
#: every host but the local one fails to resolve: the PDF needs nothing from the internet
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"

_PREPARE = """
const style = document.createElement("style");
style.textContent = `
  .bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-header-article, .bd-footer, .bd-footer-article,
  .prev-next-area, .header-article-items, #pst-back-to-top, .search-button, .theme-switch-button,
  .dl4mir-version-switcher, .dropdown-launch-buttons { display: none !important; }
  .bd-main .bd-content .bd-article-container { max-width: 100% !important; }
  .bd-container, .bd-page-width { max-width: 100% !important; }
  img { max-width: 100% !important; page-break-inside: avoid; }
  pre, pre code { white-space: pre-wrap !important; word-break: break-word; overflow: visible !important; }
  .cell_output { overflow: visible !important; }
  .dl4mir-audio-note { font-style: italic; color: #555; }
`;
document.head.appendChild(style);
for (const audio of document.querySelectorAll("audio")) {
  const note = document.createElement("p");
  note.className = "dl4mir-audio-note";
  note.textContent = "\\u25B6 Sound: play it on the website, " + arguments[0] + ".";
  audio.replaceWith(note);
}
for (const details of document.querySelectorAll("details")) details.open = true;
return document.title;
"""


def chapters(toc=ROOT / "_toc.yml"):
    """The book's pages in reading order, as paths without suffix (``book/intro``, ...)."""
    data = yaml.safe_load(Path(toc).read_text())
    pages = [data["root"]]
    for part in data.get("parts", []):
        pages += [chapter["file"] for chapter in part.get("chapters", [])]
    return pages


@contextlib.contextmanager
def served(html):
    """Serve a folder read-only on 127.0.0.1 (any free port) in a thread; yields its base URL."""
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def chromium_paths():
    """``(chromium, chromedriver)`` found on ``PATH``, or None where either is missing."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    chromedriver = shutil.which("chromedriver")
    return (chromium, chromedriver) if chromium and chromedriver else None


@contextlib.contextmanager
def headless_chromium(*arguments, logs=False):
    """A Selenium driver of headless Chromium with these extra command-line ``arguments``; quit at the end.

    ``logs=True`` keeps the browser's console messages (``driver.get_log("browser")``).

    Raises
    ------
    RuntimeError
        Without Chromium and chromedriver.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    found = chromium_paths()
    if found is None:
        raise RuntimeError("headless Chromium needs chromium and chromedriver (Debian: apt-get install chromium "
                           "chromium-driver)")
    opts = webdriver.ChromeOptions()
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", *arguments):
        opts.add_argument(arg)
    if logs:
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    opts.binary_location = found[0]
    driver = webdriver.Chrome(service=Service(found[1]), options=opts)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver, script, timeout=60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if driver.execute_script(script):
            return
        time.sleep(0.1)
    raise TimeoutError(f"page not ready: {script}")


def print_book(html=ROOT / "_build" / "html", out=None, site_url="the book's website", pages=None):
    """Print every page of the built book and join them into one PDF with an outline.

    Parameters
    ----------
    html : pathlib.Path
        The built website (``_build/html``).
    out : pathlib.Path or None
        The PDF to write; default ``html / "dl4mir.pdf"``.
    site_url : str
        Where the audio notes point readers to.
    pages : list of str or None
        Pages to print (default :func:`chapters`).

    Returns
    -------
    dict
        ``path``, ``pages`` (PDF pages), ``chapters`` (title per chapter, in order), ``seconds``.

    Raises
    ------
    FileNotFoundError
        If a chapter's page has not been built.
    RuntimeError
        Without Chromium and chromedriver.
    """
    from pypdf import PdfReader, PdfWriter
    from selenium.webdriver.common.print_page_options import PrintOptions

    start = time.monotonic()
    html = Path(html)
    out = html / "dl4mir.pdf" if out is None else Path(out)
    pages = chapters() if pages is None else pages
    missing = [p for p in pages if not (html / f"{p}.html").is_file()]
    if missing:
        raise FileNotFoundError(f"not built: {', '.join(missing)}; build the book first (jupyter-book build .)")
    writer, titles = PdfWriter(), []
    options = PrintOptions()
    options.background = True
    options.page_width, options.page_height = 21.0, 29.7           # A4, cm
    options.margin_top = options.margin_bottom = 1.5
    options.margin_left = options.margin_right = 1.5
    with served(html) as base, \
            headless_chromium("--disable-quic", "--disable-background-networking", OFFLINE) as driver:
        for name in pages:
            driver.get(f"{base}/{name}.html")
            _wait(driver, "return document.readyState === 'complete'")
            if driver.execute_script("return document.querySelectorAll('span.math, div.math').length"):
                _wait(driver, "return window.MathJax && MathJax.startup && MathJax.startup.document && "
                              "document.querySelectorAll('mjx-container').length > 0")
            title = driver.execute_script(_PREPARE, f"{site_url} ({name}.html)")
            title = title.split(" \u2014 ")[0].split(" | ")[0].strip()
            first = len(writer.pages)
            for pdf_page in PdfReader(io.BytesIO(base64.b64decode(driver.print_page(options)))).pages:
                writer.add_page(pdf_page)
            writer.add_outline_item(title, first)
            titles.append(title)
    writer.add_metadata({"/Title": "Deep Learning for Music Information Retrieval", "/Author": "dl4mir"})
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as f:
        writer.write(f)
    return {"path": out, "pages": len(writer.pages), "chapters": titles, "seconds": time.monotonic() - start}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--site-url", default="the book's website")
    args = parser.parse_args(argv)
    found = print_book(args.html, args.out, args.site_url)
    size = found["path"].stat().st_size / 1e6
    print(f"wrote {found['path']}: {len(found['chapters'])} chapters, {found['pages']} pages, {size:.1f} MB "
          f"in {found['seconds']:.0f} s")


if __name__ == "__main__":
    main()
