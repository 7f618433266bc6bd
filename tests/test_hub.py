"""The course JupyterHub on one machine (deploy/local/), end to end.

The unit tests read the roster and load ``jupyterhub_config.py`` as
JupyterHub would. The end-to-end test starts the real hub with
``deploy/local/start.sh`` on 127.0.0.1, with an instructor and two students
as real Unix accounts, and drives it through the hub's REST API as those
users: the instructor releases an assignment through the formgrader service,
the students fetch it, one submits the reference answers and one the blank
notebook, the instructor collects, grades with ``mirlib grade`` (as the
grader account), generates and releases feedback, and the students fetch it.
It checks the exported grades and what students must not be able to do, and
opens the assignment list in JupyterLab in headless Chromium. Whatever
happens, the hub is stopped and the accounts and folders are removed.

It needs root (Unix accounts), npm and Python 3.11 outside a home folder;
without them it is skipped, except on CI, where it must run.
"""

import contextlib
import csv
import io
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

from browser import OFFLINE, headless_chromium
from nbgrading import ROOT, solution_cells, solution_source

LOCAL = ROOT / "deploy" / "local"
sys.path.insert(0, str(LOCAL))
import course_hub  # noqa: E402

ASSIGNMENT = "audio-basics"
PREFIX = "e2e"                 # Unix names of the test's accounts start with it
STUDENTS = (f"{PREFIX}alice", f"{PREFIX}bob")
INSTRUCTOR = f"{PREFIX}prof"


# ---- the roster and the configuration ----------------------------------------------------------

def _roster(tmp_path, text):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    return path


def test_roster_reads_people_by_role(tmp_path):
    path = _roster(tmp_path, "# course\nusername, role\nprof,instructor\nta,Grader\n\nann,student\nbo,student\n")
    r = course_hub.read_roster(path)
    assert (r.instructors, r.graders, r.students) == (("prof",), ("ta",), ("ann", "bo"))
    assert r.everyone == ("prof", "ta", "ann", "bo")


@pytest.mark.parametrize("text, message", [
    ("name,role\nprof,instructor\n", "header"),
    ("username,role\nprof,instructor\nann,teacher\n", "role 'teacher'"),
    ("username,role\nprof,instructor\nAnn Lee,student\n", "not a valid user name"),
    ("username,role\nprof,instructor\nann,student\nann,student\n", "listed twice"),
    ("username,role\nann,student\n", "no instructor"),
    ("", "header"),
])
def test_bad_roster_says_what_is_wrong(tmp_path, text, message):
    with pytest.raises(course_hub.CourseError, match=message):
        course_hub.read_roster(_roster(tmp_path, text))


def test_missing_roster_says_where_to_start(tmp_path):
    with pytest.raises(course_hub.CourseError, match="roster.example.csv"):
        course_hub.read_roster(tmp_path / "roster.csv")


def test_example_roster_is_valid():
    r = course_hub.read_roster(LOCAL / "roster.example.csv")
    assert r.instructors and r.graders and r.students


def test_sizes_and_gpu_sharing():
    assert course_hub.memory_bytes("8G") == 8 * 1024 ** 3
    assert course_hub.memory_bytes("512M") == 512 * 1024 ** 2
    assert course_hub.memory_bytes("1000") == 1000
    for bad in ("", "0G", "lots", "-1G"):
        with pytest.raises(course_hub.CourseError, match="DL4MIR_HUB_MEM"):
            course_hub.memory_bytes(bad)
    assert course_hub.gpu_for("ann", "") is None
    users = [f"student{i:02d}" for i in range(40)]
    spread = [course_hub.gpu_for(u, "0, 1,2") for u in users]
    assert set(spread) == {"0", "1", "2"} and spread == [course_hub.gpu_for(u, "0,1,2") for u in users]


def test_start_script_and_settings_agree():
    script = (LOCAL / "start.sh").read_text()
    assert f"state=${{DL4MIR_HUB_STATE:-{course_hub.DEFAULTS['STATE']}}}" in script
    for name in course_hub.DEFAULTS:
        if name not in ("SHARED_PASSWORD", "TEST_TOKEN", "ROSTER", "API_PORT", "PROXY_API_PORT",
                        "FORMGRADER_PORT", "COURSE", "GRADER", "GRADERS_GROUP"):
            assert f"DL4MIR_HUB_{name}" in script, f"start.sh does not document DL4MIR_HUB_{name}"
    with pytest.raises(KeyError, match="unknown hub setting"):
        course_hub.setting("PASSWORD")


def test_lecturers_page_matches_the_deployment():
    """The book's page "For lecturers" names commands, files and settings that exist."""
    import re

    text = (ROOT / "book" / "lecturers.md").read_text()
    assert "bash deploy/local/start.sh" in text and "mirlib grade ASSIGNMENT" in text
    for name in set(re.findall(r"DL4MIR_HUB_([A-Z_]+)", text)):
        assert name in course_hub.DEFAULTS, f"the page names DL4MIR_HUB_{name}, which start.sh does not know"
    for path in set(re.findall(r"`((?:deploy|tests)/[\w./-]+)`", text)):
        assert (ROOT / path).exists(), f"the page names {path}, which does not exist"
    roles = re.findall(r"^\| `(\w+)` \|", text, re.M)
    assert tuple(roles) == course_hub.ROLES


def load_config(tmp_path, monkeypatch, **settings):
    """``jupyterhub_config.py`` loaded as JupyterHub loads it, with these DL4MIR_HUB_ settings."""
    roster = _roster(tmp_path, "username,role\nprof,instructor\nta,grader\nann,student\nbo,student\n")
    monkeypatch.setenv("DL4MIR_HUB_ROSTER", str(roster))
    monkeypatch.setenv("DL4MIR_HUB_STATE", str(tmp_path / "state"))
    for key, value in settings.items():
        monkeypatch.setenv(f"DL4MIR_HUB_{key}", value)
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("jupyterhub_config.py", path=str(LOCAL)).load_config()


def test_config_roles_keep_students_out_of_the_formgrader(tmp_path, monkeypatch):
    c = load_config(tmp_path, monkeypatch)
    groups = c.JupyterHub.load_groups
    assert groups["formgrade-dl4mir"]["users"] == ["prof", "ta"]
    assert groups["instructors"]["users"] == ["prof"]
    assert set(groups["nbgrader-dl4mir"]["users"]) == {"prof", "ta", "ann", "bo"}
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    access = [name for name, r in roles.items() if "access:services!service=dl4mir" in r["scopes"]]
    assert access == ["formgrade-dl4mir"] and roles["formgrade-dl4mir"]["groups"] == ["formgrade-dl4mir"]
    assert not any(s.startswith("access:servers") for r in roles.values() for s in r["scopes"])
    assert set(roles["idle-culler"]["scopes"]) == {"list:users", "read:users:activity", "read:servers",
                                                   "delete:servers"}
    services = {s["name"]: s for s in c.JupyterHub.services}
    assert set(services) == {"dl4mir", "idle-culler"}, "the test service exists only with AUTH=shared"
    assert services["dl4mir"]["user"] == "grader-dl4mir"
    assert services["dl4mir"]["cwd"] == str((tmp_path / "state" / "course").resolve())
    assert c.Authenticator.allowed_users == {"prof", "ta", "ann", "bo"}
    assert c.JupyterHub.authenticator_class == "nativeauthenticator.NativeAuthenticator"
    assert c.Spawner.mem_limit == 8 * 1024 ** 3 and c.Spawner.cpu_limit == 2
    assert c.Spawner.default_url == "/lab"
    assert c.Spawner.environment["XLA_PYTHON_CLIENT_PREALLOCATE"] == "false"


def test_config_choices_and_refusals(tmp_path, monkeypatch):
    c = load_config(tmp_path, monkeypatch, AUTH="pam", SPAWNER="systemd", MEM="4G", CPUS="1")
    assert c.JupyterHub.authenticator_class == "pam"
    assert c.JupyterHub.spawner_class == "systemdspawner.SystemdSpawner"
    assert c.SystemdSpawner.isolate_devices is False and c.Spawner.mem_limit == 4 * 1024 ** 3
    with pytest.raises(course_hub.CourseError, match="for tests"):
        load_config(tmp_path, monkeypatch, AUTH="shared", SHARED_PASSWORD="long enough", IP="0.0.0.0")
    with pytest.raises(course_hub.CourseError, match="DL4MIR_HUB_AUTH='ldap'"):
        load_config(tmp_path, monkeypatch, AUTH="ldap")
    with pytest.raises(course_hub.CourseError, match="DL4MIR_HUB_SPAWNER"):
        load_config(tmp_path, monkeypatch, AUTH="native", SPAWNER="docker")


def test_gpu_hook_gives_each_user_one_device(tmp_path, monkeypatch):
    c = load_config(tmp_path, monkeypatch, GPUS="0,1")

    class User:
        name = "ann"

    class Spawner:
        user = User()
        environment = dict(c.Spawner.environment)

    spawner = Spawner()
    c.Spawner.pre_spawn_hook(spawner)
    assert spawner.environment["CUDA_VISIBLE_DEVICES"] == course_hub.gpu_for("ann", "0,1")
    assert "CUDA_VISIBLE_DEVICES" not in c.Spawner.environment


def test_sign_up_authorises_roster_names_only(tmp_path, monkeypatch):
    """NativeAuthenticator on this JupyterHub: roster names may sign up and log in, others wait for approval."""
    c = load_config(tmp_path, monkeypatch)
    from jupyterhub import orm
    from nativeauthenticator import NativeAuthenticator

    auth = NativeAuthenticator(config=Config(c), db=orm.new_session_factory("sqlite://")())
    assert auth.open_signup is False and "/signup" in [url for url, _ in auth.get_handlers(None)]
    auth.create_user("ann", "a-long-passphrase-1")
    auth.create_user("mallory", "a-long-passphrase-1")
    auth.create_user("bo", "short")
    assert auth.get_user("ann").is_authorized
    assert not auth.get_user("mallory").is_authorized
    assert auth.get_user("bo") is None, "a password shorter than 10 characters was accepted"


def test_closed_submission_is_for_author_and_group(tmp_path):
    from mirlib.grading.exchange import close_submission

    sub = tmp_path / "ann+cnn+2026-11-22 10:00:00 UTC+abc"
    (sub / "data").mkdir(parents=True)
    (sub / "cnn.ipynb").write_text("{}")
    (sub / "data" / "x.csv").write_text("1")
    for p in (sub, sub / "data", sub / "cnn.ipynb", sub / "data" / "x.csv"):
        os.chmod(p, 0o777)
    close_submission(sub)
    mode = {p.relative_to(tmp_path).as_posix(): p.stat().st_mode & 0o7777 for p in (sub, *sub.rglob("*"))}
    assert mode[sub.name] & 0o777 == 0o770 and mode[f"{sub.name}/data"] & 0o777 == 0o750
    assert mode[f"{sub.name}/cnn.ipynb"] == mode[f"{sub.name}/data/x.csv"] == 0o640
    assert not any(m & 0o007 for m in mode.values()), "others can still read or enter the submission"
    with pytest.raises(FileNotFoundError, match="no such submission folder"):
        close_submission(tmp_path / "missing")
    with pytest.raises(NotADirectoryError, match="not a submission folder"):
        close_submission(sub / "cnn.ipynb")


# ---- end to end ----------------------------------------------------------------------------------

def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _requirements():
    missing = []
    if os.geteuid() != 0:
        missing.append("root (the hub creates Unix accounts)")
    if not shutil.which("npm"):
        missing.append("npm")
    if not (shutil.which("/usr/bin/python3.11") or os.environ.get("DL4MIR_HUB_PYTHON")):
        missing.append("Debian's python3.11")
    if not shutil.which("bwrap"):
        missing.append("bubblewrap")
    return missing


def as_user(user, *cmd, cwd=None, env=None, check=True, timeout=600):
    """Run a command as a Unix user (runuser), with a login-like environment."""
    full = ["runuser", "-u", user, "--", "env", "-i", f"HOME={os.path.expanduser('~' + user)}",
            f"USER={user}", *(f"{k}={v}" for k, v in (env or {}).items()), *cmd]
    proc = subprocess.run(full, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} as {user} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n"
                             f"{proc.stderr[-3000:]}")
    return proc


class Hub:
    """A running course hub and what the test needs to talk to it."""

    def __init__(self, state, port, token, password, env, log):
        import requests

        self.state, self.port, self.admin, self.password, self.env, self.log = state, port, token, password, env, log
        self.url = f"http://127.0.0.1:{port}"
        self.http = requests.Session()
        self.tokens = {}

    def request(self, method, path, token=None, **kw):
        headers = {"Authorization": f"token {token or self.admin}"}
        return self.http.request(method, self.url + path, headers=headers, timeout=120, **kw)

    def api(self, method, path, token=None, expect=(200, 201, 202, 204), **kw):
        r = self.request(method, "/hub/api" + path, token, **kw)
        assert r.status_code in expect, f"{method} {path}: {r.status_code} {r.text[:500]}"
        return r.json() if r.content else None

    def start_server(self, user):
        self.api("POST", f"/users/{user}/server")
        deadline = time.time() + 240
        while time.time() < deadline:
            server = self.api("GET", f"/users/{user}")["servers"].get("")
            if server and server["ready"]:
                return
            time.sleep(2)
        raise AssertionError(f"{user}'s server did not start:\n{self.log.read_text()[-3000:]}")

    def grader_env(self):
        env_bin = self.state / "env" / "bin"
        keep = {k: v for k, v in self.env.items() if k in ("LIBROSA_DATA_DIR", "MIRLIB_DATA_DIR")}
        return {"PATH": f"{env_bin}:/usr/bin:/bin", "JUPYTER_CONFIG_PATH": str(self.state / "jupyter"), **keep}


@pytest.fixture(scope="module")
def hub():
    missing = _requirements()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the hub's end-to-end test; missing: {', '.join(missing)}")
        pytest.skip(f"the hub's end-to-end test needs {', '.join(missing)}")
    top = Path(tempfile.mkdtemp(prefix="dl4mir-hub-", dir="/tmp"))
    os.chmod(top, 0o755)
    state = top / "state"
    roster = top / "roster.csv"
    roster.write_text("username,role\n" + f"{INSTRUCTOR},instructor\n" + "".join(f"{s},student\n" for s in STUDENTS))
    token, password = secrets.token_hex(32), secrets.token_urlsafe(12)
    env = dict(os.environ)
    env.update({
        "DL4MIR_HUB_STATE": str(state), "DL4MIR_HUB_ROSTER": str(roster), "DL4MIR_HUB_IP": "127.0.0.1",
        "DL4MIR_HUB_AUTH": "shared", "DL4MIR_HUB_SHARED_PASSWORD": password, "DL4MIR_HUB_TEST_TOKEN": token,
        "DL4MIR_HUB_GRADER": f"{PREFIX}grader", "DL4MIR_HUB_GRADERS_GROUP": f"{PREFIX}graders",
        "DL4MIR_HUB_SPAWNER": "local", "DL4MIR_HUB_MEM": "6G", "DL4MIR_HUB_IDLE_TIMEOUT": "600",
    })
    for name in ("PORT", "API_PORT", "PROXY_API_PORT", "FORMGRADER_PORT"):
        env[f"DL4MIR_HUB_{name}"] = str(_free_port())
    people = course_hub.Roster((INSTRUCTOR,), (), STUDENTS)
    course_hub.remove_accounts(people, env["DL4MIR_HUB_GRADER"], env["DL4MIR_HUB_GRADERS_GROUP"])
    log = top / "hub.log"
    proc = None
    try:
        with open(log, "w") as out:
            proc = subprocess.Popen(["bash", str(LOCAL / "start.sh")], env=env, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        h = Hub(state, int(env["DL4MIR_HUB_PORT"]), token, password, env, log)
        deadline = time.time() + 900      # a first start installs the servers' environment
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"start.sh exited with {proc.returncode}:\n{log.read_text()[-5000:]}")
            with contextlib.suppress(Exception):
                if h.request("GET", "/hub/api/").status_code == 200:
                    break
            if time.time() > deadline:
                raise AssertionError(f"the hub did not start:\n{log.read_text()[-5000:]}")
            time.sleep(2)
        yield h
    finally:
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)      # the hub stops the users' servers and its services
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        course_hub.remove_accounts(people, env["DL4MIR_HUB_GRADER"], env["DL4MIR_HUB_GRADERS_GROUP"])
        shutil.rmtree(top, ignore_errors=True)


@pytest.fixture(scope="module")
def course_run(hub):
    """The whole assignment cycle through the hub; returns what the checks need."""
    h = hub
    for user in (INSTRUCTOR, *STUDENTS):
        h.tokens[user] = h.api("POST", f"/users/{user}/tokens", json={"note": "end-to-end test"})["token"]
    prof = h.tokens[INSTRUCTOR]
    formgrader = "/services/dl4mir/formgrader/api"

    def instructor(action):
        r = h.request("POST", f"{formgrader}/assignment/{ASSIGNMENT}/{action}", prof)
        assert r.status_code == 200 and r.json().get("success", True), f"formgrader {action}: {r.text[:3000]}"
        return r.json()

    def student(user, action):
        r = h.request("POST", f"/user/{user}/assignments/{action}", h.tokens[user],
                      data={"course_id": "dl4mir", "assignment_id": ASSIGNMENT})
        assert r.status_code == 200 and r.json().get("success"), f"{user} {action}: {r.status_code} {r.text[:3000]}"
        return r.json()["value"]

    for user in STUDENTS:
        h.start_server(user)
    instructor("assign")          # nbgrader generate_assignment, through the formgrader service
    instructor("release")
    for user in STUDENTS:
        listed = student(user, "fetch")
        assert any(a["assignment_id"] == ASSIGNMENT and a["status"] == "fetched" for a in listed), listed
    # alice answers with the reference solution, through her server's contents API; bob submits the blank
    alice, bob = STUDENTS
    for path in sorted((ROOT / "solutions" / ASSIGNMENT).glob("*.ipynb")):
        reference = nbformat.read(path, as_version=4)
        answers = {gid: solution_source(cell.source) for gid, cell in solution_cells(reference).items()}
        url = f"/user/{alice}/api/contents/{ASSIGNMENT}/{path.name}"
        fetched = h.request("GET", url, h.tokens[alice]).json()["content"]
        nb = nbformat.from_dict(fetched)
        for gid, cell in solution_cells(nb).items():
            cell.source = answers[gid]
        r = h.request("PUT", url, h.tokens[alice], json={"type": "notebook", "format": "json", "content": nb})
        assert r.status_code == 200, r.text[:1000]
    for user in STUDENTS:
        submitted = student(user, "submit")
        assert any(a["assignment_id"] == ASSIGNMENT and a["status"] == "submitted" for a in submitted), submitted
    instructor("collect")
    course = h.state / "course"
    grade = as_user(f"{PREFIX}grader", "mirlib", "grade", ASSIGNMENT, "--jobs", "2", "--quiet",
                    cwd=course, env=h.grader_env())
    instructor("generate_feedback")
    instructor("release_feedback")
    for user in STUDENTS:
        student(user, "fetch_feedback")
    export = as_user(f"{PREFIX}grader", "nbgrader", "export", "--to", "grades.csv", cwd=course, env=h.grader_env())
    grades = {r["student_id"]: r for r in csv.DictReader(io.StringIO((course / "grades.csv").read_text()))
              if r["assignment"] == ASSIGNMENT}
    return {"grade": grade, "export": export, "grades": grades}


def test_students_get_full_marks_and_zero(course_run):
    grades = course_run["grades"]
    alice, bob = STUDENTS
    assert set(grades) == set(STUDENTS)
    full = float(grades[alice]["max_score"])
    assert full > 0 and float(grades[alice]["score"]) == full
    assert float(grades[bob]["score"]) == 0
    assert f"{ASSIGNMENT}: 2 submissions, graded 2, flagged 0, failed 0" in course_run["grade"].stdout


def test_students_fetched_their_feedback(hub, course_run):
    for user in STUDENTS:
        r = hub.request("GET", f"/user/{user}/api/contents/{ASSIGNMENT}/feedback", hub.tokens[user])
        assert r.status_code == 200, f"{user} has no feedback folder"
        [stamp] = r.json()["content"]
        pages = hub.request("GET", f"/user/{user}/api/contents/{stamp['path']}", hub.tokens[user]).json()["content"]
        assert any(p["name"].endswith(".html") for p in pages), pages


def test_students_cannot_reach_the_formgrader_or_other_servers(hub, course_run):
    alice, bob = STUDENTS
    token = hub.tokens[alice]
    assert hub.request("GET", "/services/dl4mir/formgrader/api/status", token).status_code == 403
    assert hub.request("GET", "/services/dl4mir/formgrader/api/status", hub.tokens[INSTRUCTOR]).status_code == 200
    assert hub.request("GET", f"/user/{bob}/api/contents", token).status_code == 403
    assert hub.request("GET", "/hub/api/users", token).status_code == 403
    # the hub does not even say whether a user it hides exists
    assert hub.request("POST", f"/hub/api/users/{bob}/server", token).status_code in (403, 404)
    assert hub.request("DELETE", f"/hub/api/users/{bob}/server", token).status_code in (403, 404)
    assert hub.api("GET", f"/users/{bob}")["servers"][""]["ready"], "bob's server was stopped"


def test_students_cannot_read_other_students_files(hub, course_run):
    alice, bob = STUDENTS
    inbound = hub.state / "exchange" / "dl4mir" / "inbound"
    [bobs] = [p for p in inbound.iterdir() if p.name.startswith(f"{bob}+{ASSIGNMENT}+")]
    notebook = next(bobs.glob("*.ipynb"))
    for cmd in (["ls", os.path.expanduser("~" + bob)], ["ls", str(inbound)], ["cat", str(notebook)],
                ["ls", str(bobs)], ["rm", "-rf", str(bobs)], ["ls", str(hub.state / "course" / "solutions")]):
        proc = as_user(alice, *cmd, check=False)
        assert proc.returncode != 0 and "Permission denied" in proc.stderr, f"{alice} could run {cmd}: {proc.stdout}"
    assert notebook.exists()
    # ... while her own submission and the released assignment are hers to read
    [hers] = [p for p in inbound.iterdir() if p.name.startswith(f"{alice}+{ASSIGNMENT}+")]
    assert as_user(alice, "ls", str(hers), check=False).returncode == 0
    assert as_user(bob, "cat", str(next((inbound.parent / "outbound" / ASSIGNMENT).glob("*.ipynb")))).stdout


def _limits(pid):
    """Soft and hard limits of a process by name, from /proc/PID/limits."""
    out = {}
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines()[1:]:
        words = line[:26].strip(), line[26:].split()
        out[words[0]] = tuple(None if w == "unlimited" else int(w) for w in words[1][:2])
    return out


def test_servers_run_as_their_users_with_limits(hub, course_run):
    import psutil

    alice = STUDENTS[0]
    servers = [p for p in psutil.process_iter(["username", "cmdline"])
               if p.info["username"] == alice and any("jupyterhub-singleuser" in a for a in p.info["cmdline"] or ())]
    assert servers, f"no server process of {alice}"
    limits = _limits(servers[0].pid)
    limit = 6 * 1024 ** 3
    assert limits["Max address space"] == (limit, limit)
    assert limits["Max processes"][0] == int(course_hub.DEFAULTS["PROCESSES"])


def test_student_sees_the_assignment_in_jupyterlab(hub, course_run):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    alice = STUDENTS[0]
    with headless_chromium("--window-size=1400,900", OFFLINE) as driver:
        wait = WebDriverWait(driver, 120)
        driver.get(hub.url + "/hub/login")
        driver.find_element(By.ID, "username_input").send_keys(alice)
        driver.find_element(By.ID, "password_input").send_keys(hub.password)
        driver.find_element(By.ID, "login_submit").click()
        wait.until(lambda d: "/user/" in d.current_url or "/hub/home" in d.current_url or "spawn" in d.current_url)
        driver.get(f"{hub.url}/user/{alice}/lab")
        menu = wait.until(ec.element_to_be_clickable((By.XPATH, "//li[contains(@class,'lm-MenuBar-item')]"
                                                                "[.//div[text()='Nbgrader']]")))
        menu.click()
        wait.until(ec.element_to_be_clickable((By.XPATH, "//li[contains(@class,'lm-Menu-item')]"
                                                         "[.//div[text()='Assignment List']]"))).click()
        panel = wait.until(ec.presence_of_element_located((By.ID, "nbgrader-assignment-list")))
        wait.until(lambda d: ASSIGNMENT in panel.text)
        assert "dl4mir" in panel.text


def test_hub_serves_the_built_book_below_its_prefix(tmp_path):
    """DL4MIR_HUB_SITE: serve_site.py answers /services/book/... from the built site, nothing outside it."""
    import threading
    import urllib.error
    import urllib.request

    sys.path.insert(0, str(LOCAL))
    try:
        import serve_site
    finally:
        sys.path.pop(0)
    (tmp_path / "book").mkdir()
    (tmp_path / "index.html").write_text("home")
    (tmp_path / "book" / "onsets.html").write_text("onsets")
    server = serve_site.serve(str(tmp_path), 0, prefix="/services/book/")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert urllib.request.urlopen(f"{base}/services/book/book/onsets.html").read() == b"onsets"
        assert urllib.request.urlopen(f"{base}/services/book/").read() == b"home"
        for path in ("/book/onsets.html", "/services/book/book/", "/services/other/index.html"):
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(base + path)
    finally:
        server.shutdown()
    with pytest.raises(FileNotFoundError, match="no built book"):
        serve_site.serve(str(tmp_path / "book"), 0)
    config = (LOCAL / "jupyterhub_config.py").read_text()
    assert 'hub.setting("SITE")' in config and "serve_site.py" in config
