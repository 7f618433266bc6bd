"""Student submissions as nbgrader should see them: found, repaired, copied.

Used by :mod:`mirlib.grading.autograde` before a submission is graded.
"""

from __future__ import annotations

import copy
import shutil

import nbformat

__all__ = ["prepare_submission", "repair_notebook"]


def _gid(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


_META_KEYS = ("grade", "solution", "locked", "points", "task", "grade_id")


def repair_notebook(submitted, release):
    """Put back what a student may not change, keeping what they may.

    Solution cells keep the student's source; test cells, read-only cells and
    every cell's nbgrader metadata (points included) are restored from the
    released version; duplicated nbgrader cells are dropped (the first one
    stays) and deleted ones put back where they were. Cells the student added
    stay. nbgrader restores test cells itself but stalls or scores zero on
    deleted and duplicated ones (jupyter/nbgrader#1682).

    Parameters
    ----------
    submitted, release : nbformat.NotebookNode
        The student's notebook and the released student version.

    Returns
    -------
    notebook : nbformat.NotebookNode
    problems : list of str
        What was restored, in words (empty when nothing was changed).
    """
    reference = {_gid(c): c for c in release.cells if _gid(c)}
    order = [_gid(c) for c in release.cells if _gid(c)]
    out, seen, problems = [], set(), []
    for cell in submitted.cells:
        gid = _gid(cell)
        if gid is None:
            out.append(cell)
            continue
        if gid not in reference:
            problems.append(f"cell with unknown grade id {gid!r} kept as an ordinary cell")
            cell = copy.deepcopy(cell)
            del cell.metadata["nbgrader"]
            out.append(cell)
            continue
        if gid in seen:
            problems.append(f"duplicated cell {gid!r} removed")
            continue
        seen.add(gid)
        ref = reference[gid]
        meta, ref_meta = cell.metadata["nbgrader"], ref.metadata["nbgrader"]
        changed = [k for k in _META_KEYS if meta.get(k) != ref_meta.get(k)]
        if changed:
            problems.append(f"nbgrader metadata of cell {gid!r} changed ({', '.join(changed)}); restored")
        if ref_meta.get("solution"):
            fixed = copy.deepcopy(ref)
            fixed.source = cell.source
            out.append(fixed)
        else:
            if cell.source != ref.source:
                kind = "test" if ref_meta.get("grade") else "read-only"
                problems.append(f"{kind} cell {gid!r} edited; restored")
            out.append(copy.deepcopy(ref))
    for i, gid in enumerate(order):
        if gid in seen:
            continue
        kind = "answer" if reference[gid].metadata["nbgrader"].get("solution") else \
            "test" if reference[gid].metadata["nbgrader"].get("grade") else "read-only"
        problems.append(f"{kind} cell {gid!r} deleted; restored" + (" blank" if kind == "answer" else ""))
        before = [g for g in order[:i] if g in seen]
        positions = [j for j, c in enumerate(out) if _gid(c) in before]
        at = positions[-1] + 1 if positions else 0
        while at < len(out) and _gid(out[at]) is None:   # the student's own cells after the previous one
            at += 1
        out.insert(at, copy.deepcopy(reference[gid]))
        seen.add(gid)
    nb = copy.deepcopy(submitted)
    nb.cells = out
    return nb, problems


def prepare_submission(folder, dest, notebooks, release):
    """Copy one submission to ``dest``, repaired, and say what was wrong with it.

    Parameters
    ----------
    folder : Path
        The submission (``submitted/STUDENT/ASSIGNMENT``).
    dest : Path
        Where the repaired copy goes (must not exist).
    notebooks : list of str
        The assignment's notebook names, without ``.ipynb``.
    release : dict
        Notebook name -> released student version (``nbformat.NotebookNode``).

    Returns
    -------
    reasons : list of str
        What the lecturer should know (missing, renamed, unreadable notebooks;
        restored cells).
    notes : list of str
        Remarks that change nothing (extra files).
    """
    reasons, notes = [], []
    dest.mkdir(parents=True)
    names = {f"{n}.ipynb" for n in notebooks}
    submitted = {p.name: p for p in folder.glob("*.ipynb")}
    spare = [p for name, p in sorted(submitted.items()) if name not in names]
    for name in notebooks:
        path = folder / f"{name}.ipynb"
        if not path.exists():
            ids = {_gid(c) for c in release[name].cells if _gid(c)}
            match = None
            for candidate in spare:
                try:
                    nb = nbformat.read(candidate, as_version=4)
                except Exception:
                    continue
                if ids & {_gid(c) for c in nb.cells if _gid(c)}:
                    match = candidate
                    break
            if match is None:
                reasons.append(f"missing notebook {name}.ipynb: scored zero")
                continue
            spare.remove(match)
            reasons.append(f"{name}.ipynb was submitted as {match.name}; graded as {name}.ipynb")
            path = match
        try:
            nb = nbformat.read(path, as_version=4)
            for cell in nb.cells:
                cell.metadata, cell.source  # noqa: B018 - a cell without them is broken
        except Exception as err:
            reasons.append(f"unreadable notebook {path.name} ({type(err).__name__}: {str(err)[:200]}): scored zero")
            continue
        nb, problems = repair_notebook(nb, release[name])
        reasons += [f"{name}.ipynb: {p}" for p in problems]
        nbformat.write(nb, dest / f"{name}.ipynb")
    extra = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_dir() or path.suffix == ".ipynb" and len(rel.parts) == 1 or rel.name == "timestamp.txt":
            continue
        extra.append(rel.as_posix())
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    if extra:
        notes.append("extra files: " + ", ".join(extra[:10]) + (" ..." if len(extra) > 10 else ""))
    if (folder / "timestamp.txt").exists():
        shutil.copy2(folder / "timestamp.txt", dest / "timestamp.txt")
    return reasons, notes


