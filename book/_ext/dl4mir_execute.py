"""Execute the chapters that need it several at a time, before Sphinx reads them.

myst-nb's ``execute_notebooks: cache`` runs one notebook after another while Sphinx
reads the pages, so a cold build waits for every chapter in turn, although a chapter
spends much of its time in one thread (kernel start, imports, madmom, rendering).
Before the pages are read (``env-before-read-docs``) this extension finds the notebooks
whose code has no entry in the jupyter-cache, adds them to the cache's project with
myst-nb's own reader and executes them with jupyter-cache's own worker, the longest
chapters first, ``$DL4MIR_BUILD_JOBS`` at a time.

Unset, the variable means up to as many as the cores, at most 2, and a second chapter
starts only while the rest of the machine leaves a core free (:class:`OtherLoad`):
beside a test run that keeps the other core busy, chapters run one at a time, and two
at a time once those tests are done. myst-nb then finds every executed notebook in
the cache.

Each chapter's kernel gets its share of the ``$DL4MIR_BUILD_JOBS`` ceiling's cores
(``mirlib.cores.share_cores``; one thread per library on two cores), also when it runs
alone or in myst-nb's own run, so that its figures do not depend on what else was stale:
training sums in another order with another number of threads. Variables that the
environment already sets are kept.

Nothing else changes: the notebooks run in their own folder with the book's cell
timeout, a notebook that fails here gets no cache entry, and myst-nb executes it
again in the normal way, so that the build reports its error exactly as before.
``DL4MIR_BUILD_JOBS=1`` leaves all execution to myst-nb.
"""

import multiprocessing
import os
import time
from pathlib import Path

#: The variable that sets how many notebooks execute at a time.
JOBS_VARIABLE = "DL4MIR_BUILD_JOBS"


def build_jobs():
    """Notebooks executed at a time: ``$DL4MIR_BUILD_JOBS``, else the cores, at most 2.

    Two is the default ceiling because each chapter trains with every core and holds
    up to about 3 GB of memory. Without the variable the number is a ceiling, lowered
    while other work keeps the cores busy (:func:`allowed_jobs`).

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


class OtherLoad:
    """Cores kept busy by processes outside this one and its descendants, smoothed over time.

    Each :meth:`update` compares the machine's busy CPU time (``psutil.cpu_times``) with
    the CPU time of this process tree since the previous call; the difference, divided by
    the wall time between the calls, is the number of cores that other work used. A process
    of this tree that ended between two calls counts as other work, which errs towards
    running fewer chapters.

    Parameters
    ----------
    smoothing : float
        Weight of the newest measurement in the exponential average, in (0, 1].
    """

    def __init__(self, smoothing=0.3):
        import psutil

        self._psutil = psutil
        self.smoothing = smoothing
        self.cores = None
        self._last = self._sample()

    def _sample(self):
        psutil = self._psutil
        t = psutil.cpu_times()
        busy = sum(t) - t.idle - getattr(t, "iowait", 0.0) - getattr(t, "guest", 0.0) - getattr(t, "guest_nice", 0.0)
        me = psutil.Process()
        own = {}
        for proc in [me, *me.children(recursive=True)]:
            try:
                c = proc.cpu_times()
                own[proc.pid] = c.user + c.system
            except psutil.Error:        # ended since it was listed
                pass
        return time.monotonic(), busy, own

    def update(self):
        """Take a new measurement; returns the smoothed number of cores used by other work."""
        now = self._sample()
        (t0, busy0, own0), (t1, busy1, own1) = self._last, now
        self._last = now
        if t1 - t0 <= 0:
            return self.cores or 0.0
        own = sum(v - own0.get(pid, 0.0) for pid, v in own1.items())
        other = max(0.0, (busy1 - busy0 - own) / (t1 - t0))
        self.cores = other if self.cores is None else self.cores + self.smoothing * (other - self.cores)
        return self.cores


def allowed_jobs(jobs, cores, other_busy):
    """How many chapters may execute now: the cores that other work leaves free, from 1 to ``jobs``.

    Parameters
    ----------
    jobs : int
        The ceiling (``$DL4MIR_BUILD_JOBS``).
    cores : int
        The machine's cores.
    other_busy : float
        Cores in use by work outside this build (:class:`OtherLoad`).

    Returns
    -------
    int
        Notebooks that may execute at the same time now.
    """
    return max(1, min(jobs, int(cores - other_busy + 0.3)))


def chapter_pool(jobs):
    """A pool of ``jobs`` processes whose kernels each get their share of the cores.

    Two chapters that each start a thread per core wait for each other's threads at
    every parallel step (:mod:`mirlib.cores`). Variables that the environment already
    sets are kept.

    Parameters
    ----------
    jobs : int
        Chapters executed at the same time.

    Returns
    -------
    multiprocessing.pool.Pool
    """
    from mirlib.cores import share_cores

    return multiprocessing.get_context("fork").Pool(jobs, os.environ.update, (share_cores(jobs),))


def _execute_stale(app, env, docnames, poll_seconds=2.0):
    jobs = build_jobs()
    # every kernel of the build, here or in myst-nb's own run, gets the share of the cores that it gets when
    # chapters run side by side: a chapter's figures do not depend on how many others were stale with it
    from mirlib.cores import share_cores

    os.environ.update(share_cores(jobs))
    adaptive = JOBS_VARIABLE not in os.environ
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
    cores = os.cpu_count() or 1
    if adaptive:
        logger.info(f"[dl4mir] executing {len(records)} notebooks, up to {jobs} at a time "
                    "while the rest of the machine leaves a core free")
    else:
        logger.info(f"[dl4mir] executing {len(records)} notebooks, {jobs} at a time")
    work = [ProcessData(r.pk, r.uri, cache, env.mystnb_config.execution_timeout,
                        env.mystnb_config.execution_allow_errors) for r in records]
    load = None
    if adaptive:           # only then is the machine's load measured
        load = OtherLoad()
        time.sleep(min(1.0, poll_seconds))
        load.update()
    running, most = [], 0
    with chapter_pool(jobs) as pool:
        while work or running:
            allowed = allowed_jobs(jobs, cores, load.cores) if load else jobs
            while work and len(running) < allowed:
                running.append(pool.apply_async(ExecutionWorkerLocalMProc(), (work.pop(0),)))
                most = max(most, len(running))
            running[0].wait(poll_seconds)      # back at once when the oldest finishes, else after poll_seconds
            if load:
                load.update()
            for result in [r for r in running if r.ready()]:
                running.remove(result)
                status, uri = result.get()
                outcome = {0: "executed", 1: "failed (myst-nb runs it again to report why)"}.get(status, "not cached")
                logger.info(f"[dl4mir] {Path(uri).name}: {outcome}")
    logger.info(f"[dl4mir] at most {most} notebooks executed at the same time")


def setup(app):
    # after myst-nb has made its configuration (builder-inited), before any page is read
    app.connect("env-before-read-docs", _execute_stale)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
