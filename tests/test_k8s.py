"""The Kubernetes deployment (deploy/k8s/) says what the one-machine hub says.

No cluster here: the files are parsed and checked against each other and
against ``deploy/local/jupyterhub_config.py`` (groups, roles, the formgrader
service, the exchange's layout, profiles and limits).
"""

import re

import yaml
from traitlets.config.loader import PyFileConfigLoader

from nbgrading import ROOT

K8S = ROOT / "deploy" / "k8s"
VALUES = yaml.safe_load((K8S / "values.yaml").read_text())
COURSE = {doc["kind"] + "/" + doc["metadata"]["name"]: doc
          for doc in yaml.safe_load_all((K8S / "course.yaml").read_text()) if doc}


def local_config(tmp_path, monkeypatch):
    roster = tmp_path / "roster.csv"
    roster.write_text("username,role\nlecturer,instructor\nta1,grader\nstudent01,student\n")
    monkeypatch.setenv("DL4MIR_HUB_ROSTER", str(roster))
    monkeypatch.setenv("DL4MIR_HUB_STATE", str(tmp_path / "state"))
    monkeypatch.syspath_prepend(str(ROOT / "deploy" / "local"))
    return PyFileConfigLoader("jupyterhub_config.py", path=str(ROOT / "deploy" / "local")).load_config()


def test_roles_are_those_of_the_one_machine_hub(tmp_path, monkeypatch):
    c = local_config(tmp_path, monkeypatch)
    local = {r["name"]: r for r in c.JupyterHub.load_roles}
    k8s = VALUES["hub"]["loadRoles"]
    for name, role in k8s.items():
        assert set(role["scopes"]) == set(local[name]["scopes"]), name
        assert role["groups"] == local[name]["groups"], name
    assert set(k8s) == set(local) - {"idle-culler"}      # the chart's culler has its own role
    groups = VALUES["hub"]["loadGroups"]
    assert set(groups) == set(c.JupyterHub.load_groups)
    assert set(groups["formgrade-dl4mir"]["users"]) <= set(groups["nbgrader-dl4mir"]["users"])
    students = set(groups["nbgrader-dl4mir"]["users"]) - set(groups["formgrade-dl4mir"]["users"])
    assert students, "the example names no student"


def test_only_graders_reach_the_formgrader_service():
    roles = VALUES["hub"]["loadRoles"]
    access = {name for name, r in roles.items() if any(s.startswith("access:services") for s in r["scopes"])}
    assert access == {"formgrade-dl4mir"}
    service = VALUES["hub"]["services"]["dl4mir"]
    deployment = COURSE["Deployment/dl4mir-formgrader"]
    svc = COURSE["Service/dl4mir-formgrader"]
    assert service["url"] == f"http://{svc['metadata']['name']}:{svc['spec']['ports'][0]['port']}"
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["JUPYTERHUB_SERVICE_PREFIX"] == "/services/dl4mir/"
    assert env["JUPYTERHUB_OAUTH_ACCESS_SCOPES"] == '["access:services!service=dl4mir"]'
    assert container["securityContext"]["runAsUser"] == 2000 and container["workingDir"] == "/course"


def test_exchange_is_shared_and_private():
    claim = COURSE["PersistentVolumeClaim/dl4mir-exchange"]
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    single = VALUES["singleuser"]
    mounts = {m["name"]: m["mountPath"] for m in single["storage"]["extraVolumeMounts"]}
    volumes = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in single["storage"]["extraVolumes"]}
    assert volumes["nbgrader-exchange"] == "dl4mir-exchange"
    config = single["extraFiles"]["nbgrader-config"]["stringData"]
    assert f'c.Exchange.root = "{mounts["nbgrader-exchange"]}"' in config
    assert "mirlib.grading.exchange.PrivateSubmit" in config
    assert config == COURSE["ConfigMap/dl4mir-nbgrader-config"]["data"]["nbgrader_config.py"]
    layout = COURSE["Deployment/dl4mir-formgrader"]["spec"]["template"]["spec"]["initContainers"][0]["command"][-1]
    assert "chmod 2733 $x/dl4mir/inbound" in layout and "chmod 1777 $x" in layout
    # each user's pod under a user id of its own, so that file permissions keep students apart
    extra = (K8S / "hub_extra_config.py").read_text()
    assert "c.KubeSpawner.pre_spawn_hook = dl4mir_user_ids" in extra and '"NB_UID"' in extra
    assert single["uid"] == 0 and single["extraEnv"]["CHOWN_HOME"] == "yes"


def test_profiles_cpu_by_default_and_one_gpu():
    single = VALUES["singleuser"]
    profiles = single["profileList"]
    [default] = [p for p in profiles if p.get("default")]
    assert "kubespawner_override" not in default and "CPU" in default["display_name"]
    [gpu] = [p for p in profiles if "GPU" in p["display_name"]]
    override = gpu["kubespawner_override"]
    assert override["extra_resource_limits"] == {"nvidia.com/gpu": "1"}
    assert override["environment"]["KERAS_BACKEND"] == "jax" and override["image"].endswith("-gpu:0.1.0")
    assert single["memory"]["limit"] == "8G" and single["cpu"]["limit"] == 2
    assert VALUES["cull"]["enabled"] and VALUES["cull"]["timeout"] == 3600
    assert single["defaultUrl"] == "/lab"


def test_image_is_built_from_the_pinned_environment():
    docker = (K8S / "Dockerfile").read_text()
    base = re.search(r"^FROM (\S+)", docker, re.M).group(1)
    assert base.startswith("quay.io/jupyter/") and "python-3.11" in base
    assert "COPY environment.yml" in docker and "mamba env update -n base -f /tmp/dl4mir/environment.yml" in docker
    assert '"/tmp/dl4mir/src[gpu]"' in docker
    image = VALUES["singleuser"]["image"]
    assert f"{image['name']}:{image['tag']}" == COURSE["Deployment/dl4mir-formgrader"]["spec"]["template"]["spec"][
        "containers"][0]["image"]
