"""Execute the chapters that need it several at a time, before Sphinx reads them.

myst-nb's ``execute_notebooks: cache`` runs one notebook after another while Sphinx
reads the pages, so a cold build waits for every chapter in turn, although a chapter
spends much of its time in one thread (kernel start, imports, madmom, rendering).
Before the pages are read (``env-before-read-docs``) this extension finds the notebooks
whose code has no entry in the jupyter-cache, adds them to the cache's project with
myst-nb's own reader and executes them with jupyter-cache's own worker, in
``$DL4MIR_BUILD_JOBS`` processes (default: the number of cores, at most 2), the
longest chapters first. myst-nb then finds every executed notebook in the cache.

Nothing else changes: the notebooks run in their own folder with the book's cell
timeout, a notebook that fails here gets no cache entry, and myst-nb executes it
again in the normal way, so that the build reports its error exactly as before.
``DL4MIR_BUILD_JOBS=1`` leaves all execution to myst-nb.
"""

import multiprocessing
import os
from pathlib import Path

#: The variable that sets how many notebooks execute at a time.
JOBS_VARIABLE = "DL4MIR_BUILD_JOBS"


def build_jobs():
    """Notebooks executed at a time: ``$DL4MIR_BUILD_JOBS``, else the cores, at most 2.

    Two is the default ceiling because each chapter trains with every core and holds
    up to about 3 GB of memory.

    Raises
    ------
    ValueError
        If ``$DL4MIR_BUILD_JOBS`` is not a positive integer.
    """
    value = os.environ.get(JOBS_VARIABLE)
    if value is None:
        return max(1, min(os.cpu_count() or 1, 2))
    if not value.strip().isdigit() or int(value) < 1:
        raise ValueError(f"{JOBS_VARIABLE} must be a positive integer, not {value!r}")
    return int(value)


def _stale_notebooks(env, docnames):
    """(path, read format) of each document that is a notebook and has no cached execution."""
    from jupyter_cache import get_cache
    from myst_nb.core.read import create_nb_reader

    nb_config = env.mystnb_config
    cache = get_cache(nb_config.execution_cache_path)
    stale = []
    for docname in sorted(docnames):
        path = Path(env.doc2path(docname))
        if not path.is_file() or any(path.match(p) for p in nb_config.execution_excludepatterns):
            continue
        text = path.read_text(encoding="utf-8")
        reader = create_nb_reader(str(path), env.myst_config, nb_config, text)
        if reader is None or reader.read_fmt is None:
            continue
        notebook = reader.read(text)
        if not any(cell.cell_type == "code" for cell in notebook.cells):
            continue
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            stale.append((path, reader.read_fmt))
    return cache, stale


def _previous_seconds(cache):
    """The longest recorded execution time of each notebook (by its path), over all its cached versions."""
    seconds = {}
    for record in cache.list_cache_records():
        seconds[record.uri] = max(seconds.get(record.uri, 0.0), record.data.get("execution_seconds") or 0.0)
    return seconds


def _execute_stale(app, env, docnames):
    jobs = build_jobs()
    if env.mystnb_config.execution_mode != "cache" or jobs < 2:
        return
    from jupyter_cache.executors.basic import ExecutionWorkerLocalMProc, ProcessData
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    cache, stale = _stale_notebooks(env, docnames)
    if len(stale) < 2:
        return
    records = [cache.add_nb_to_project(str(path), read_data=read_fmt) for path, read_fmt in stale]
    # longest first, by an earlier version's time, else by the file's size
    previous = _previous_seconds(cache)
    records.sort(key=lambda r: (previous.get(r.uri, 0.0), Path(r.uri).stat().st_size), reverse=True)
    jobs = min(jobs, len(records))
    logger.info(f"[dl4mir] executing {len(records)} notebooks, {jobs} at a time")
    work = [ProcessData(r.pk, r.uri, cache, env.mystnb_config.execution_timeout,
                        env.mystnb_config.execution_allow_errors) for r in records]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for status, uri in pool.imap_unordered(ExecutionWorkerLocalMProc(), work, chunksize=1):
            outcome = {0: "executed", 1: "failed (myst-nb runs it again to report why)"}.get(status, "not cached")
            logger.info(f"[dl4mir] {Path(uri).name}: {outcome}")


def setup(app):
    # after myst-nb has made its configuration (builder-inited), before any page is read
    app.connect("env-before-read-docs", _execute_stale)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
