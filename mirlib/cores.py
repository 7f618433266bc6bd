"""How many threads each numerical library may start when several processes share the cores.

OpenMP (scikit-learn, librosa through numba), OpenBLAS (NumPy, madmom) and
TensorFlow each start one thread per core in every process. When two such
processes run side by side on two cores, every parallel step waits at a
barrier for a thread that the other process has pushed off its core. On two
busy cores, scikit-learn's t-SNE of 180 points took 43 s instead of 0.9 s with
one thread per process (same result, bit for bit), and a book chapter's t-SNE
figure 59 s instead of 2 s. Whoever runs processes side by side (the test
suite's workers, the book's build, ``mirlib grade --jobs``) gives each its
share of the cores through these variables, which the libraries read when
they start.
"""

import os

__all__ = ["THREAD_VARIABLES", "share_cores"]

#: environment variables that set how many threads the numerical libraries use
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
                    "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")


def share_cores(jobs, environ=None, cores=None):
    """Thread settings for one of ``jobs`` processes that run side by side.

    Each process gets ``cores // jobs`` threads per library, at least one.
    A variable already set in ``environ`` is left out: it is somebody's choice
    (an administrator's, or an outer process's share).

    Parameters
    ----------
    jobs : int
        Processes that run at the same time, at least 1.
    environ : mapping or None
        The environment the processes start from; default ``os.environ``.
    cores : int or None
        Cores to share; default ``os.cpu_count()``.

    Returns
    -------
    dict
        Variable name -> number of threads (str), for the variables of
        :data:`THREAD_VARIABLES` that ``environ`` does not set.

    Raises
    ------
    ValueError
        If ``jobs`` is below 1.

    Examples
    --------
    >>> share_cores(2, environ={}, cores=2)["OMP_NUM_THREADS"]
    '1'
    >>> share_cores(2, environ={"OMP_NUM_THREADS": "4"}, cores=8).get("OMP_NUM_THREADS") is None
    True
    >>> share_cores(1, environ={}, cores=8)["TF_NUM_INTRAOP_THREADS"]
    '8'
    """
    if int(jobs) < 1:
        raise ValueError(f"jobs must be 1 or more, got {jobs}")
    environ = os.environ if environ is None else environ
    threads = str(max(1, (cores or os.cpu_count() or 1) // int(jobs)))
    return {key: threads for key in THREAD_VARIABLES if key not in environ}
