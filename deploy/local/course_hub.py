"""The dl4mir course on one machine: settings, roster, accounts and folders.

Read by ``jupyterhub_config.py`` (the hub's roles, groups, services and
spawner) and run by ``start.sh`` as ``python course_hub.py setup`` (as root,
before the hub starts) to create what the hub expects:

* a Unix account per person on the roster (home ``0700``), and the grader
  account that runs the course's formgrader service, whose home is the
  course folder (solutions, gradebook, submissions; ``0700``);
* the nbgrader exchange: the root ``1777``; the course's folder owned by the
  grader account; ``inbound`` ``2733`` in the graders' group, so submissions
  (closed by :class:`mirlib.grading.exchange.PrivateSubmit`) are readable by
  their author and the graders only;
* the global ``nbgrader_config.py`` that every server reads.

Every setting comes from an environment variable ``DL4MIR_HUB_<NAME>``
(:data:`DEFAULTS` lists them); ``start.sh`` documents them.
"""

from __future__ import annotations

import csv
import grp
import os
import pwd
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ROLES = ("instructor", "grader", "student")
#: settings and their defaults; each is read from DL4MIR_HUB_<NAME>
DEFAULTS = {
    "STATE": "/srv/dl4mir",          # hub database, course folder, exchange, global config
    "ROSTER": "",                     # CSV username,role (default: STATE/roster.csv)
    "IP": "0.0.0.0",                  # where the hub listens
    "PORT": "8000",
    "API_PORT": "8081",               # the hub's internal API (127.0.0.1)
    "PROXY_API_PORT": "8001",         # configurable-http-proxy's API (127.0.0.1)
    "FORMGRADER_PORT": "9999",        # the course service (127.0.0.1)
    "COURSE": "dl4mir",               # nbgrader course id, the service's name
    "GRADER": "grader-dl4mir",        # Unix account of the formgrader service
    "GRADERS_GROUP": "dl4mir-graders",  # Unix group that may read submissions
    "AUTH": "native",                 # native | pam | shared (tests only, 127.0.0.1)
    "SHARED_PASSWORD": "",            # AUTH=shared: every user's password
    "TEST_TOKEN": "",                 # AUTH=shared: API token of an admin service for tests
    "SPAWNER": "auto",                # auto | systemd | local
    "MEM": "8G",                      # memory per user
    "CPUS": "2",                      # CPU cores per user (systemd spawner)
    "PROCESSES": "512",               # processes and threads per user
    "GPUS": "",                       # e.g. "0,1": each user sees one of them
    "IDLE_TIMEOUT": "3600",           # seconds before an idle server is stopped
    "SITE": "",                       # a built book (_build/html) to serve at /services/book/
    "SITE_PORT": "9998",              # the book's static server (127.0.0.1)
    "SSL_CERT": "",
    "SSL_KEY": "",
}
_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,30}$")


class CourseError(RuntimeError):
    """The hub's settings or roster are wrong; the message says where."""


def setting(name, env=None):
    """The value of ``DL4MIR_HUB_<name>``, or its default."""
    env = os.environ if env is None else env
    if name not in DEFAULTS:
        raise KeyError(f"unknown hub setting {name}; known: {', '.join(DEFAULTS)}")
    value = env.get(f"DL4MIR_HUB_{name}", DEFAULTS[name])
    if name == "ROSTER" and not value:
        value = str(Path(setting("STATE", env)) / "roster.csv")
    return value


@dataclass(frozen=True)
class Roster:
    """The course's people by role (Unix user names)."""

    instructors: tuple
    graders: tuple
    students: tuple

    @property
    def everyone(self):
        return self.instructors + self.graders + self.students


def read_roster(path):
    """Read a roster: a CSV file with the columns ``username`` and ``role``.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file. ``role`` is ``instructor``, ``grader`` (a teaching
        assistant) or ``student``; blank lines and lines starting with ``#``
        are skipped.

    Returns
    -------
    Roster

    Raises
    ------
    CourseError
        If the file is missing or has no ``username``/``role`` header, a user
        name is not a valid Unix name, a role is unknown, a name appears
        twice, or no instructor is listed.
    """
    path = Path(path)
    if not path.is_file():
        raise CourseError(f"roster not found: {path} (copy deploy/local/roster.example.csv there and edit it)")
    lines = [line for line in path.read_text().splitlines() if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(lines)
    if not lines or {"username", "role"} - {f.strip() for f in reader.fieldnames or ()}:
        raise CourseError(f"{path}: the first line must be the header 'username,role'")
    reader.fieldnames = [f.strip() for f in reader.fieldnames]
    rows = list(reader)
    people = {role: [] for role in ROLES}
    seen = set()
    for number, row in enumerate(rows, start=2):
        name, role = (row["username"] or "").strip(), (row["role"] or "").strip().lower()
        if not _NAME.match(name):
            raise CourseError(f"{path}, line {number}: {name!r} is not a valid user name "
                              "(lower-case letters, digits, _ and -, at most 31 characters)")
        if role not in ROLES:
            raise CourseError(f"{path}, line {number}: role {role!r} of {name} is not one of {', '.join(ROLES)}")
        if name in seen:
            raise CourseError(f"{path}, line {number}: {name} is listed twice")
        seen.add(name)
        people[role].append(name)
    if not people["instructor"]:
        raise CourseError(f"{path}: no instructor listed")
    return Roster(*(tuple(people[r]) for r in ROLES))


def paths(env=None):
    """The folders of the hub's state (``STATE``): hub, course, exchange, jupyter."""
    state = Path(setting("STATE", env)).resolve()
    return {"state": state, "hub": state / "hub", "course": state / "course",
            "exchange": state / "exchange", "jupyter": state / "jupyter"}


def memory_bytes(text):
    """Bytes of a size such as ``8G``, ``512M`` or ``1048576``.

    Raises
    ------
    CourseError
        If the text is not a positive size.
    """
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)B?\s*", str(text), re.I)
    if not m or float(m.group(1)) <= 0:
        raise CourseError(f"DL4MIR_HUB_MEM: {text!r} is not a size such as 8G or 512M")
    return int(float(m.group(1)) * 1024 ** " KMGT".index(m.group(2).upper() or " "))


def gpu_for(username, gpus):
    """The GPU a user's kernels see when the hub shares ``gpus`` among users.

    Users are spread over the listed devices by a stable hash of the name,
    so a user gets the same GPU after every restart.

    Parameters
    ----------
    username : str
    gpus : str
        Comma-separated CUDA device numbers, e.g. ``"0,1"``; empty: no
        assignment (every user sees every GPU).

    Returns
    -------
    str or None
        The value for ``CUDA_VISIBLE_DEVICES``.
    """
    import zlib

    devices = [d.strip() for d in gpus.split(",") if d.strip()]
    if not devices:
        return None
    return devices[zlib.crc32(username.encode()) % len(devices)]


def global_nbgrader_config(env=None):
    """Text of the nbgrader configuration every server of the hub reads."""
    p = paths(env)
    return (
        "# Written by deploy/local/start.sh: the course's exchange, for every user of the hub.\n"
        "c = get_config()  # noqa: F821\n"
        f"c.Exchange.root = {str(p['exchange'])!r}\n"
        f"c.CourseDirectory.course_id = {setting('COURSE', env)!r}\n"
        "# submissions readable by their author and the graders only (mirlib.grading.exchange)\n"
        "c.ExchangeFactory.submit = 'mirlib.grading.exchange.PrivateSubmit'\n"
    )


def _run(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise CourseError(f"{' '.join(cmd)} failed: {proc.stderr.strip() or proc.stdout.strip()}")


def _group_exists(name):
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


def _user_exists(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def ensure_account(name, home=None, group=None):
    """Create the Unix account ``name`` if it does not exist; its home is private (0700)."""
    if not _user_exists(name):
        cmd = ["useradd", "--create-home", "--shell", "/bin/bash"]
        if home:
            cmd += ["--home-dir", str(home)]
        if group:
            cmd += ["--gid", group]
        _run(cmd + [name])
    entry = pwd.getpwnam(name)
    os.chmod(entry.pw_dir, 0o700)
    return entry


def _own(path, user, group, mode):
    os.chown(path, pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid)
    os.chmod(path, mode)


def setup(env=None):
    """Create the accounts and folders the hub needs (as root; safe to run again).

    Raises
    ------
    CourseError
        If not run as root, the roster is wrong, or the Python environment is
        not readable by the course's users.
    """
    if os.geteuid() != 0:
        raise CourseError("the course hub is set up as root (it creates Unix accounts): sudo bash deploy/local/start.sh")
    roster = read_roster(setting("ROSTER", env))
    p = paths(env)
    grader, group, course = setting("GRADER", env), setting("GRADERS_GROUP", env), setting("COURSE", env)
    if grader in roster.everyone:
        raise CourseError(f"the grader account {grader} must not be on the roster")
    if not _group_exists(group):
        _run(["groupadd", group])
    for folder in (p["state"], p["jupyter"]):
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o755)
    p["hub"].mkdir(exist_ok=True)
    os.chmod(p["hub"], 0o700)
    # the grader account: its home is the course folder
    new_course = not p["course"].exists()
    ensure_account(grader, home=p["course"], group=group)
    if new_course or not (p["course"] / "nbgrader_config.py").exists():
        for name in ("nbgrader_config.py", "solutions", "exercises"):
            src, dst = REPO / name, p["course"] / name
            if src.is_dir():
                shutil.copytree(src, dst, dirs_exist_ok=True)
            else:
                shutil.copy2(src, dst)
        subprocess.run(["chown", "-R", f"{grader}:{group}", str(p["course"])], check=True)
    for name in roster.everyone:
        ensure_account(name)
    # the exchange: students may create entries in the root (sticky) and the inbound folder,
    # but list neither; everything else belongs to the grader
    p["exchange"].mkdir(exist_ok=True)
    os.chown(p["exchange"], 0, 0)
    os.chmod(p["exchange"], 0o1777)
    top = p["exchange"] / course
    for folder, mode in ((top, 0o755), (top / "outbound", 0o755), (top / "inbound", 0o2733),
                         (top / "feedback", 0o711)):
        folder.mkdir(exist_ok=True)
        _own(folder, grader, group, mode)
    (p["jupyter"] / "nbgrader_config.py").write_text(global_nbgrader_config(env))
    os.chmod(p["jupyter"] / "nbgrader_config.py", 0o644)
    check_readable(Path(sys.executable), grader)
    return roster


def check_readable(python, user):
    """Raise :class:`CourseError` unless ``user`` can run ``python`` (the servers' environment)."""
    proc = subprocess.run(["runuser", "-u", user, "--", str(python), "-c", "import mirlib, nbgrader"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise CourseError(f"the course's users cannot use the Python environment {python.parent.parent} "
                          f"({proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else 'no access'}): "
                          "put the repository where every user can read it, e.g. /opt/dl4mir")


def remove_accounts(roster, grader, group):
    """Delete the roster's and the grader's Unix accounts, their homes and the graders' group."""
    for name in (*roster.everyone, grader):
        if _user_exists(name):
            subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
            subprocess.run(["userdel", "--remove", name], capture_output=True)
    if _group_exists(group):
        subprocess.run(["groupdel", group], capture_output=True)


if __name__ == "__main__":
    if sys.argv[1:] != ["setup"]:
        sys.exit("usage: python deploy/local/course_hub.py setup")
    try:
        r = setup()
    except CourseError as e:
        sys.exit(f"dl4mir hub: {e}")
    print(f"dl4mir hub: {len(r.instructors)} instructor(s), {len(r.graders)} grader(s), "
          f"{len(r.students)} student(s); state in {paths()['state']}")
