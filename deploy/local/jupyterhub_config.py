"""JupyterHub configuration of the dl4mir course on one machine.

Started by ``sudo bash deploy/local/start.sh``, which sets the course up first
(``course_hub.py``). Every setting is an environment variable
``DL4MIR_HUB_<NAME>`` (``course_hub.DEFAULTS``); the book's page "For
lecturers" explains them. What it sets up:

* **People and roles** from the roster: instructors (hub admin pages,
  formgrader), graders (formgrader) and students, as JupyterHub groups and
  roles, after nbgrader's multiple-classes demo: a group ``formgrade-<course>``
  whose role grants ``access:services!service=<course>``, and a group
  ``nbgrader-<course>``. Nobody else can open the formgrader or another
  user's server.
* **The course service** ``<course>``: a Jupyter server run as the grader
  account in the course folder, with nbgrader's formgrader.
* **Servers** in the project's environment (the Python that runs the hub),
  JupyterLab by default, with nbgrader's assignment list; limits per user
  (memory, CPU, processes) enforced by systemd (``SystemdSpawner``) where
  systemd runs, else by resource limits (:class:`course_hub` local spawner).
* **GPUs**: every kernel sees the machine's GPUs (or the one of
  ``DL4MIR_HUB_GPUS`` assigned to its user), with JAX and TensorFlow told to
  allocate GPU memory as needed instead of taking it all.
* **The idle culler** stops servers idle for ``DL4MIR_HUB_IDLE_TIMEOUT`` s.
* **The website**, if ``DL4MIR_HUB_SITE`` names a built book (``_build/html``):
  served read-only at ``/services/book/`` next to the notebooks
  (``serve_site.py``).
"""

import os
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import course_hub as hub  # noqa: E402

from jupyterhub.spawner import LocalProcessSpawner  # noqa: E402

c = get_config()  # noqa: F821 - provided by JupyterHub

here = Path(__file__).resolve().parent
paths = hub.paths()
roster = hub.read_roster(hub.setting("ROSTER"))
course = hub.setting("COURSE")
grader = hub.setting("GRADER")
venv_bin = Path(sys.executable).parent
ip = hub.setting("IP")

# ---- the hub and its proxy ---------------------------------------------------------------
c.JupyterHub.bind_url = f"http{'s' if hub.setting('SSL_CERT') else ''}://{ip}:{hub.setting('PORT')}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{hub.setting('API_PORT')}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{hub.setting('PROXY_API_PORT')}"
c.ConfigurableHTTPProxy.command = [str(here / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(paths["hub"] / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{paths['hub'] / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(paths["hub"] / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(paths["hub"] / "jupyterhub.pid")
if hub.setting("SSL_CERT"):
    c.JupyterHub.ssl_cert = hub.setting("SSL_CERT")
    c.JupyterHub.ssl_key = hub.setting("SSL_KEY")
c.JupyterHub.cleanup_servers = True     # stopping the hub stops the users' servers

# ---- who may log in ----------------------------------------------------------------------
auth = hub.setting("AUTH")
if auth == "native":
    # people sign up with their roster name and choose a password; an instructor
    # approves them on /hub/authorize (open_signup) unless they are on the roster
    c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"
    c.NativeAuthenticator.open_signup = False
    c.NativeAuthenticator.minimum_password_length = 10
    c.NativeAuthenticator.check_common_password = True
elif auth == "pam":
    c.JupyterHub.authenticator_class = "pam"       # the machine's Unix passwords
elif auth == "shared":
    # tests only: one password for everybody, and only on the loopback interface
    if ip not in ("127.0.0.1", "localhost") or len(hub.setting("SHARED_PASSWORD")) < 8:
        raise hub.CourseError("DL4MIR_HUB_AUTH=shared is for tests: it needs DL4MIR_HUB_IP=127.0.0.1 and a "
                              "DL4MIR_HUB_SHARED_PASSWORD of 8 characters or more")
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = hub.setting("SHARED_PASSWORD")
else:
    raise hub.CourseError(f"DL4MIR_HUB_AUTH={auth!r}: choose native, pam or shared")
c.Authenticator.allowed_users = set(roster.everyone)
c.Authenticator.admin_users = set()            # instructors get the admin pages through their role
c.Authenticator.delete_invalid_users = True    # people taken off the roster lose access

# ---- groups and roles (nbgrader's multiple-classes demo) -------------------------------------
c.JupyterHub.load_groups = {
    "instructors": {"users": list(roster.instructors)},
    f"formgrade-{course}": {"users": list(roster.instructors + roster.graders)},
    f"nbgrader-{course}": {"users": list(roster.everyone)},
}
c.JupyterHub.load_roles = [
    {"name": "instructor", "groups": ["instructors"],
     # the admin page: add and remove users, start and stop their servers; not their files
     "scopes": ["admin-ui", "admin:users", "admin:servers", "admin:groups", "list:services"]},
    {"name": f"formgrade-{course}", "groups": [f"formgrade-{course}"],
     "scopes": [f"access:services!service={course}", "list:services", f"read:services!service={course}"]},
    {"name": f"nbgrader-{course}", "groups": [f"nbgrader-{course}"],
     "scopes": ["list:services", f"read:services!service={course}"]},
    {"name": "idle-culler", "services": ["idle-culler"],
     "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
]

# ---- services: the course's formgrader and the idle culler --------------------------------
service_env = {
    "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
    "JUPYTER_CONFIG_PATH": str(paths["jupyter"]),
    "JUPYTERHUB_DEFAULT_URL": "/lab",
}
# the data caches, and the Keras backend (KERAS_BACKEND=jax on a GPU machine)
for name in ("LIBROSA_DATA_DIR", "MIRLIB_DATA_DIR", "MIRLIB_DRUMKITS_DIR", "MIRLIB_SPEECH_DIR", "KERAS_BACKEND"):
    if os.environ.get(name):
        service_env[name] = os.environ[name]
c.JupyterHub.services = [
    {"name": course, "url": f"http://127.0.0.1:{hub.setting('FORMGRADER_PORT')}",
     "command": [str(venv_bin / "jupyterhub-singleuser")],
     "user": grader, "cwd": str(paths["course"]), "environment": dict(service_env)},
    {"name": "idle-culler",
     "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={int(hub.setting('IDLE_TIMEOUT'))}"]},
]
if hub.setting("SITE"):
    # the book's website next to the notebooks, at /services/book/ (static files, no login needed)
    c.JupyterHub.services.append(
        {"name": "book", "url": f"http://127.0.0.1:{hub.setting('SITE_PORT')}",
         "command": [sys.executable, str(here / "serve_site.py"), hub.setting("SITE"), hub.setting("SITE_PORT")]})
if auth == "shared" and hub.setting("TEST_TOKEN"):
    # the end-to-end test drives the hub through its REST API with this service's token
    c.JupyterHub.services.append({"name": "e2e-test", "api_token": hub.setting("TEST_TOKEN")})
    c.JupyterHub.load_roles.append({"name": "e2e-test", "services": ["e2e-test"],
                                    "scopes": ["admin:users", "admin:servers", "tokens", "list:services"]})

# ---- the users' servers ----------------------------------------------------------------------
mem = hub.memory_bytes(hub.setting("MEM"))
processes = int(hub.setting("PROCESSES"))


class CourseLocalSpawner(LocalProcessSpawner):
    """Servers as local processes of each user, limited by ``setrlimit``.

    For machines without systemd (containers, CI). Memory is limited as
    address space (``RLIMIT_AS``, TensorFlow needs about 3 GB of it) and
    processes by ``RLIMIT_NPROC``; CPU time is shared, not capped. CUDA
    reserves far more address space than it uses, so GPU machines use the
    systemd spawner.
    """

    def make_preexec_fn(self, name):
        become_user = super().make_preexec_fn(name)
        limit_mem = self.mem_limit

        def preexec():
            if limit_mem:
                resource.setrlimit(resource.RLIMIT_AS, (limit_mem, limit_mem))
            resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
            become_user()

        return preexec


spawner = hub.setting("SPAWNER")
if spawner == "auto":
    spawner = "systemd" if Path("/run/systemd/system").is_dir() else "local"
if spawner == "systemd":
    c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
    c.SystemdSpawner.isolate_tmp = True          # a private /tmp per user
    c.SystemdSpawner.isolate_devices = False     # keep /dev/nvidia* for the GPUs
    c.SystemdSpawner.disable_user_sudo = True
    c.SystemdSpawner.unit_extra_properties = {"TasksMax": str(processes)}
elif spawner == "local":
    c.JupyterHub.spawner_class = CourseLocalSpawner
else:
    raise hub.CourseError(f"DL4MIR_HUB_SPAWNER={spawner!r}: choose auto, systemd or local")
c.Spawner.mem_limit = mem
c.Spawner.cpu_limit = float(hub.setting("CPUS"))
c.Spawner.cmd = [str(venv_bin / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 120
c.Spawner.environment = {
    **service_env,
    # share GPUs: allocate memory as needed instead of 75 % (JAX) or all of it (TensorFlow)
    "XLA_PYTHON_CLIENT_PREALLOCATE": "false",
    "TF_FORCE_GPU_ALLOW_GROWTH": "true",
}
gpus = hub.setting("GPUS")


def pre_spawn_hook(spawner):
    device = hub.gpu_for(spawner.user.name, gpus)
    if device is not None:
        spawner.environment = {**spawner.environment, "CUDA_VISIBLE_DEVICES": device}


c.Spawner.pre_spawn_hook = pre_spawn_hook
