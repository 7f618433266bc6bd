"""Assemble the website that GitHub Pages serves: latest, every released version, a switcher list.

    python tools/assemble_site.py --ref refs/heads/main --out _site     # the artifact to deploy
    python tools/assemble_site.py --ref refs/tags/v1.0.2 --keep         # keep a release's build

Pages serves one artifact per deployment, so each deployment carries everything:

* ``latest/``: the book just built (``_build/html``), whichever ref built it;
* ``vX.Y/``: each release, from the tag's major and minor version; a release's
  build is committed (``--keep``) to the branch ``gh-pages-versions`` (one folder
  per version), from which every later deployment copies it;
* ``versions.json``: ``[{"version": "latest", "url": "latest/"}, {"version":
  "v1.0", "url": "v1.0/"}, ...]``, newest release first, which the version switcher
  of the built pages reads (``book/_ext/dl4mir_site.py``, ``DL4MIR_VERSIONS=1``);
* ``index.html``: a redirect to ``latest/``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BRANCH = "gh-pages-versions"


def version_of(ref):
    """``"v1.2"`` for ``refs/tags/v1.2.3`` (or ``v1.2``), None for a branch.

    Raises
    ------
    ValueError
        For a tag that is not ``vMAJOR.MINOR[.PATCH]``.
    """
    if not ref.startswith("refs/tags/"):
        return None
    tag = ref[len("refs/tags/"):]
    match = re.fullmatch(r"v(\d+)\.(\d+)(\.\d+)?([-.\w]*)", tag)
    if not match:
        raise ValueError(f"release tags are vMAJOR.MINOR[.PATCH], got {tag!r}")
    return f"v{match[1]}.{match[2]}"


def _sort_key(version):
    return tuple(int(x) for x in version[1:].split("."))


def kept_versions(branch=BRANCH, repo=ROOT):
    """The releases kept on ``branch``, as a folder holding one subfolder per version (a temporary copy).

    Returns
    -------
    (pathlib.Path or None, list of str)
        The folder (None if the branch does not exist) and its versions, newest first.
    """
    exists = subprocess.run(["git", "rev-parse", "--verify", "--quiet", branch], cwd=repo, capture_output=True)
    if exists.returncode != 0:
        return None, []
    folder = Path(tempfile.mkdtemp(prefix="dl4mir-versions-"))
    archive = subprocess.run(["git", "archive", branch], cwd=repo, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    versions = sorted((p.name for p in folder.iterdir() if p.is_dir() and re.fullmatch(r"v\d+\.\d+", p.name)),
                      key=_sort_key, reverse=True)
    return folder, versions


def assemble(html, out, version=None, kept=None, kept_list=()):
    """Write the site: ``latest/``, this release, the kept releases, ``versions.json``, ``index.html``.

    Parameters
    ----------
    html : pathlib.Path
        The built book (``_build/html``).
    out : pathlib.Path
        The folder to write (emptied first).
    version : str or None
        This build's release (``"v1.2"``), or None for a build of a branch.
    kept : pathlib.Path or None
        Folder of the kept releases (:func:`kept_versions`).
    kept_list : sequence of str
        Their versions.

    Returns
    -------
    list of dict
        The entries of ``versions.json``.

    Raises
    ------
    FileNotFoundError
        If ``html`` holds no built book.
    """
    if not (html / "index.html").is_file():
        raise FileNotFoundError(f"{html} holds no built book (index.html); build it first")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copytree(html, out / "latest")
    versions = set(kept_list)
    for v in kept_list:
        shutil.copytree(kept / v, out / v)
    if version is not None:
        if (out / version).exists():
            shutil.rmtree(out / version)        # a patch release replaces its minor version's build
        shutil.copytree(html, out / version)
        versions.add(version)
    entries = [{"version": "latest", "url": "latest/"}]
    entries += [{"version": v, "url": f"{v}/"} for v in sorted(versions, key=_sort_key, reverse=True)]
    (out / "versions.json").write_text(json.dumps(entries, indent=1))
    (out / "index.html").write_text('<!DOCTYPE html><meta charset="utf-8"><title>dl4mir</title>'
                                    '<meta http-equiv="refresh" content="0; url=latest/">'
                                    '<a href="latest/">Deep Learning for Music Information Retrieval</a>\n')
    (out / ".nojekyll").write_text("")
    return entries


def keep(html, version, branch=BRANCH, repo=ROOT, push=True):
    """Commit a release's build to ``branch`` under ``version`` (and push it), for later deployments."""
    work = Path(tempfile.mkdtemp(prefix="dl4mir-keep-"))
    has_branch = subprocess.run(["git", "rev-parse", "--verify", "--quiet", branch], cwd=repo,
                                capture_output=True).returncode == 0
    if has_branch:
        subprocess.run(["git", "worktree", "add", str(work), branch], cwd=repo, check=True, capture_output=True)
    else:
        subprocess.run(["git", "worktree", "add", "--detach", str(work)], cwd=repo, check=True, capture_output=True)
        subprocess.run(["git", "checkout", "--orphan", branch], cwd=work, check=True, capture_output=True)
        subprocess.run(["git", "rm", "-rfq", "--ignore-unmatch", "."], cwd=work, check=True, capture_output=True)
    try:
        if (work / version).exists():
            shutil.rmtree(work / version)
        shutil.copytree(html, work / version)
        subprocess.run(["git", "add", "-A", version], cwd=work, check=True)
        subprocess.run(["git", "-c", "user.name=dl4mir publish", "-c", "user.email=publish@dl4mir.invalid",
                        "commit", "-qm", f"keep the website of {version}"], cwd=work, check=True)
        if push:
            subprocess.run(["git", "push", "origin", branch], cwd=work, check=True)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(work)], cwd=repo, capture_output=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ref", required=True, help="the git ref built, e.g. refs/heads/main or refs/tags/v1.0.0")
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=None, help="write the assembled site here")
    parser.add_argument("--keep", action="store_true", help=f"commit a release's build to {BRANCH} and push it")
    parser.add_argument("--no-push", action="store_true", help="with --keep: commit only")
    args = parser.parse_args(argv)
    version = version_of(args.ref)
    if args.out is not None:
        kept, kept_list = kept_versions()
        entries = assemble(args.html, args.out, version, kept, kept_list)
        print(f"assembled {args.out}: " + ", ".join(e["version"] for e in entries))
    if args.keep:
        if version is None:
            parser.error("--keep needs a release tag (refs/tags/vX.Y.Z)")
        keep(args.html, version, push=not args.no_push)
        print(f"kept {version} on {BRANCH}")


if __name__ == "__main__":
    main()
