"""Autograding of the book's exercises.

Submodules
----------
checks
    :func:`check_array`, comparisons whose failures explain themselves, and
    :func:`forbid`, which blocks a library function during a test.
"""

from .checks import check_array, forbid

__all__ = ["check_array", "forbid"]
