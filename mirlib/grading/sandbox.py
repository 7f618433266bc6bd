"""Run a student's Jupyter kernel in a sandbox with resource limits.

Autograding runs the students' code. nbgrader starts that code with the
grader's rights and no limits; :class:`SandboxKernelManager` starts the same
kernel inside `bubblewrap <https://github.com/containers/bubblewrap>`_ (the
sandbox Flatpak uses, Debian package ``bubblewrap``) with

* no network (a new network namespace with only a loopback device);
* of the machine, only the system's folders (``/usr``, ``/etc``, ``/opt``,
  ...; read-only), the Python environment, mirlib and the course's data
  caches (read-only) and the submission's own working folder; the course
  folder (solutions, gradebook, other students' work), home folders, the
  nbgrader exchange and ``/tmp`` are not there;
* its own process namespace, so that nothing it starts outlives it;
* resource limits (``setrlimit`` through util-linux's ``prlimit``): address
  space (memory), CPU seconds, number of processes and size of written files;
* a cap on the text it prints (see :mod:`mirlib.grading.kernel`).

When the grader runs as root (a container on the hub, CI), the kernel runs
as the unprivileged user ``nobody`` so that the process limit counts its own
processes only.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import uuid
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Unicode

__all__ = ["Limits", "Sandbox", "SandboxError", "SandboxKernelManager", "check_sandbox"]

#: environment variable through which a grading worker hands the sandbox
#: description to the kernel manager nbgrader creates
SANDBOX_ENV = "MIRLIB_GRADING_SANDBOX"


class SandboxError(RuntimeError):
    """The sandbox cannot be set up on this machine (the grader's fault)."""


@dataclass(frozen=True)
class Limits:
    """Resource limits for grading one submission.

    Parameters
    ----------
    timeout : float
        Wall time in seconds for one cell, and (times the number of
        notebooks, plus a minute) for the whole submission.
    cpu : float
        CPU seconds of the kernel process over the whole submission.
    memory : int
        Address space of the kernel in MB (``RLIMIT_AS``). TensorFlow and
        JAX need about 3000.
    processes : int
        Processes and threads the kernel may run at once (``RLIMIT_NPROC``).
    output : int
        Text the kernel may print, in MB; the rest is dropped with a notice.
    files : int
        Size of any file the kernel writes, in MB (``RLIMIT_FSIZE``).
    """

    timeout: float = 120.0
    cpu: float = 300.0
    memory: int = 4096
    processes: int = 256
    output: int = 2
    files: int = 100

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"grading limit {f.name} must be a positive number, got {value!r}")

    @classmethod
    def from_config(cls, config, **overrides):
        """Limits from a traitlets config (``c.MirlibGrade.<name>``), then overrides.

        ``nbgrader_config.py`` sets them as ``c.MirlibGrade.memory = 4096``
        and so on; keyword arguments that are not ``None`` (the command
        line's ``--memory``) win.
        """
        section = config.get("MirlibGrade", {}) if config is not None else {}
        values = {f.name: section[f.name] for f in fields(cls) if f.name in section}
        values.update({k: v for k, v in overrides.items() if v is not None})
        unknown = set(section) - {f.name for f in fields(cls)} - {"jobs"}
        if unknown:
            raise ValueError(f"unknown MirlibGrade setting(s) in nbgrader_config.py: {sorted(unknown)}")
        return cls(**values)


@dataclass(frozen=True)
class Sandbox:
    """What one sandboxed kernel may see and use.

    Parameters
    ----------
    workdir : str
        The submission's working folder (read-write): the notebook runs here.
    runtime : str
        A private folder (read-write) for the kernel's connection file, its
        sockets and the markers the kernel leaves (CPU limit reached, output
        dropped).
    hidden : tuple of str
        Folders replaced by empty ones (course folder, home, exchange, /tmp).
    readable : tuple of str
        Folders inside hidden ones that stay visible read-only (the Python
        environment, mirlib, the data caches).
    limits : Limits
    env : dict
        Environment variables of the kernel (replacing the grader's).
    uid : int, optional
        User id the kernel runs as when the grader is root (default:
        ``nobody``). A user id of its own per submission keeps one
        submission's processes from counting against another's limit.
    """

    workdir: str
    runtime: str
    hidden: tuple
    readable: tuple
    limits: Limits
    env: dict
    uid: int | None = None

    def to_json(self):
        d = asdict(self)
        return json.dumps(d)

    @classmethod
    def from_json(cls, text):
        d = json.loads(text)
        d["limits"] = Limits(**d["limits"])
        d["hidden"], d["readable"] = tuple(d["hidden"]), tuple(d["readable"])
        return cls(**d)

    def ids(self):
        """(uid, gid) the kernel runs as when the grader is root."""
        nobody = pwd.getpwnam("nobody")
        return (self.uid, nobody.pw_gid) if self.uid is not None else (nobody.pw_uid, nobody.pw_gid)

    def command(self, argv, workdir=None):
        """The command line that runs ``argv`` inside this sandbox.

        Every path the sandbox shows (``readable``, ``runtime``, the working
        folder) is shown both where it was named and at its real location,
        so that a symbolic link on the way (a data folder linked into a home
        folder, an environment reached through a link) resolves inside too.
        The interpreter ``argv[0]`` and its environment are shown as well.

        Parameters
        ----------
        argv : list of str
            The kernel's command line.
        workdir : str, optional
            Working folder (read-write); default ``self.workdir``.

        Raises
        ------
        SandboxError
            If bubblewrap is not installed.
        """
        bwrap = shutil.which("bwrap")
        if bwrap is None:
            raise SandboxError("bubblewrap (bwrap) is not installed: `apt-get install bubblewrap` "
                               "(tools/install.sh and .ci/run do this when run as root)")
        workdir = workdir or self.workdir
        lim = self.limits
        mb = 1024 * 1024
        root = os.getuid() == 0
        cmd = [bwrap, "--die-with-parent", "--new-session", "--unshare-net", "--unshare-pid",
               "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
        if root:
            # mounts need root here; the kernel itself then runs as nobody (setpriv below)
            cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        else:
            cmd += ["--unshare-user"]
        # only the system's own folders, read-only: home folders, /srv, /mnt, /work, ...
        # and whatever else lies on this machine stay out of sight
        cmd += ["--dev", "/dev", "--proc", "/proc"]
        for top in SYSTEM_DIRS:
            if os.path.islink(top):
                cmd += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                cmd += ["--ro-bind", top, top]
        scratch = ["/tmp", "/var/tmp", "/dev/shm"]
        hidden = [h for h in self.hidden if os.path.isdir(h) and _under(h, SYSTEM_DIRS)] + scratch
        for path in hidden:
            cmd += (["--perms", "1777"] if path in scratch else []) + ["--tmpfs", path]
        made = set()

        def parents(path):
            # folders bwrap would create on its own are private (0700): make them readable
            out = []
            for parent in reversed(Path(path).parents):
                p = str(parent)
                if p == "/" or p in made:
                    continue
                if _under(p, SYSTEM_DIRS) and not _under(p, hidden, strict=True):
                    continue
                made.add(p)
                out += ["--perms", "0755", "--dir", p]
            return out

        readable = [*self.readable, *(interpreter_paths(argv[0]) if argv and os.path.isabs(argv[0]) else ())]
        for path in shown_paths(readable):
            if path != os.path.realpath(path) and _under(path, SYSTEM_DIRS) and not _under(path, hidden):
                continue    # a link in a system folder: it is there already, and its target is shown
            cmd += parents(path) + ["--ro-bind", os.path.realpath(path), path]
        for path in shown_paths((self.runtime, workdir)):
            cmd += parents(path) + ["--bind", os.path.realpath(path), path]
        cmd += ["--chdir", workdir, "--clearenv"]
        for key, value in self.env.items():
            cmd += ["--setenv", key, value]
        cmd += ["--"]
        if root:
            uid, gid = self.ids()
            cmd += ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all"]
            nproc = lim.processes
        else:
            # RLIMIT_NPROC counts every process of the user: allow for what runs already
            nproc = lim.processes + _processes_of(os.getuid())
        cmd += ["prlimit", f"--as={lim.memory * mb}", f"--cpu={int(lim.cpu)}:{int(lim.cpu) + 5}",
                f"--nproc={nproc}", f"--fsize={lim.files * mb}", "--core=0", "--"]
        return cmd + list(argv)


def python_paths():
    """Folders of the running Python: the environment, its base installation, the interpreter's."""
    return tuple(dict.fromkeys([sys.prefix, sys.base_prefix, *interpreter_paths(sys.executable)]))


def interpreter_paths(executable):
    """The folders an interpreter needs: its environment (``bin/..``), as named and for real.

    Parameters
    ----------
    executable : str
        Path of an interpreter, e.g. a kernel's ``argv[0]``
        (``/srv/course/env/bin/python``).

    Returns
    -------
    tuple of str
        The folder above ``bin/`` of the path as given, and of the file it
        links to (a virtual environment's ``python`` links to the base
        installation's).
    """
    paths = [os.path.abspath(executable), os.path.realpath(executable)]
    return tuple(dict.fromkeys(os.path.dirname(os.path.dirname(p)) for p in paths))


def shown_paths(paths):
    """Each existing path as named and, where a symbolic link lies on the way, its real location.

    Parameters
    ----------
    paths : iterable of str

    Returns
    -------
    list of str
        Absolute paths without repeats, a path's real location after it;
        paths that do not exist are left out.
    """
    out = []
    for path in paths:
        if os.path.exists(path):
            out += [os.path.abspath(path), os.path.realpath(path)]
    return list(dict.fromkeys(out))


def link_targets(folder, limit=100_000):
    """Real locations outside ``folder`` that symbolic links inside it point to.

    A data cache whose files are links into another store needs those
    targets shown in the sandbox too.

    Parameters
    ----------
    folder : str
    limit : int
        Entries to look at before giving up.

    Returns
    -------
    list of str
        Real paths of link targets that lie outside ``folder``'s real location.

    Raises
    ------
    SandboxError
        If ``folder`` holds more than ``limit`` entries, or a link in it is broken.
    """
    top = Path(os.path.realpath(folder))
    targets, seen = [], 0
    for here, dirs, files in os.walk(folder):
        for name in dirs + files:
            seen += 1
            if seen > limit:
                raise SandboxError(f"{folder} holds more than {limit} files: too many to check for links; "
                                   f"point the data variable at the data folder itself")
            path = os.path.join(here, name)
            if os.path.islink(path):
                real = os.path.realpath(path)
                if not os.path.exists(real):
                    raise SandboxError(f"{path} is a broken symbolic link (to {os.readlink(path)})")
                if not Path(real).is_relative_to(top):
                    targets.append(real)
    return list(dict.fromkeys(targets))


def chown_tree(top, uid, gid):
    """Give a folder and everything in it to ``uid:gid``."""
    for folder, _, files in os.walk(top):
        for path in [folder, *(os.path.join(folder, f) for f in files)]:
            os.chown(path, uid, gid)


#: what a sandboxed kernel sees of the machine, read-only, besides the paths it is given
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt", "/sys")


def _under(path, tops, strict=False):
    path = Path(path)
    return any(path.is_relative_to(t) and not (strict and path == Path(t)) for t in tops)


def _processes_of(uid):
    import psutil

    n = 0
    for proc in psutil.process_iter(["uids", "num_threads"]):
        try:
            if proc.info["uids"] and proc.info["uids"].real == uid:
                n += proc.info["num_threads"] or 1
        except psutil.Error:
            continue
    return n


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager that starts the kernel inside :class:`Sandbox`.

    nbgrader's ``Execute`` preprocessor creates it (``c.Execute.kernel_manager_class``);
    the sandbox comes from the ``MIRLIB_GRADING_SANDBOX`` environment variable
    the grading worker sets. The kernel talks to the grader through Unix
    sockets in the sandbox's runtime folder, since it has no network.
    """

    sandbox_json = Unicode("", help="Sandbox description as JSON (default: $MIRLIB_GRADING_SANDBOX)").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        text = self.sandbox_json or os.environ.get(SANDBOX_ENV, "")
        if not text:
            raise SandboxError(f"SandboxKernelManager needs a sandbox description (${SANDBOX_ENV})")
        self._sandbox = Sandbox.from_json(text)
        self.transport = "ipc"
        name = f"kernel-{uuid.uuid4().hex[:12]}"
        self.connection_file = os.path.join(self._sandbox.runtime, name + ".json")
        self.ip = os.path.join(self._sandbox.runtime, name + "-ipc")

    def format_kernel_cmd(self, extra_arguments=None):
        argv = super().format_kernel_cmd(extra_arguments)
        # a signal to the sandbox does not reach the kernel inside it: interrupt by message
        self.kernel_spec.interrupt_mode = "message"
        workdir = os.path.abspath(self._launch_args.get("cwd") or self._sandbox.workdir)
        if os.getuid() == 0:
            # the kernel runs as nobody: it must read its connection file, create its
            # sockets and write in the notebook's folder
            for top in dict.fromkeys((self._sandbox.runtime, workdir)):
                chown_tree(top, *self._sandbox.ids())
        # the kernel launcher of mirlib caps printed output and records limits hit
        if "-m" in argv and argv[argv.index("-m") + 1] == "ipykernel_launcher":
            argv[argv.index("-m") + 1] = "mirlib.grading.kernel"
        return self._sandbox.command(argv, workdir)


def check_sandbox(runtime, readable=(), env=None, kernel=None, folders=()):
    """Start a process in the sandbox and check what it can reach.

    Parameters
    ----------
    runtime : str
        A writable scratch folder.
    readable : tuple of str
        What the kernels will see read-only besides the running Python's
        folders (mirlib, the data caches).
    env : dict, optional
        The kernels' environment variables.
    kernel : str, optional
        The kernel's interpreter (its kernelspec's ``argv[0]``); it must
        start in the sandbox and import ``ipykernel``. Default: this Python.
    folders : iterable of (str, str)
        ``(what, path)`` pairs of folders the kernel must be able to list,
        e.g. ``("LIBROSA_DATA_DIR", "/data/librosa")``.

    Raises
    ------
    SandboxError
        If bubblewrap is missing or cannot create its namespaces here
        (for instance, user namespaces disabled), with bwrap's message; if
        the sandbox can reach the network; or if the kernel's interpreter
        cannot start or a folder cannot be read inside the sandbox, naming
        the path and what went wrong.
    """
    if os.getuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(runtime, nobody.pw_uid, nobody.pw_gid)
    folders = list(folders)
    box = Sandbox(workdir=runtime, runtime=runtime, hidden=(os.path.expanduser("~"),),
                  readable=(*python_paths(), *readable), limits=Limits(),
                  env=dict(env or {}, PATH=(env or {}).get("PATH", "/usr/bin:/bin")))
    probe = ("import json, os, socket, sys\n"
             "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=2)\n    sys.exit(3)\n"
             "except OSError:\n    pass\n"
             "for what, path in json.loads(sys.argv[1]):\n"
             "    try:\n        os.listdir(path)\n"
             "    except OSError as err:\n"
             "        sys.exit(f'{what} {path} cannot be read in the sandbox: {err.strerror}')\n")
    if kernel is not None:
        probe += "import ipykernel\n"
    interpreter = kernel or sys.executable
    proc = subprocess.run(box.command([interpreter, "-c", probe, json.dumps(folders)]),
                          capture_output=True, text=True, timeout=120)
    if proc.returncode == 3:
        raise SandboxError("the grading sandbox can reach the network; refusing to grade")
    if proc.returncode != 0:
        message = proc.stderr.strip()[-500:]
        if "cannot be read in the sandbox" in message:
            who = "nobody (the kernels' user) " if os.getuid() == 0 else ""
            raise SandboxError(f"{message.splitlines()[-1]}; the grading kernel {who}must be able to read it "
                               f"(check its permissions and those of the folders above it)")
        if "failed to execute" in message or "No module named" in message:
            raise SandboxError(f"the kernel's interpreter {interpreter} does not start in the grading sandbox: "
                               f"{message}")
        raise SandboxError(f"bubblewrap cannot start a sandbox on this machine (exit {proc.returncode}): {message}")
