"""pyproject.toml, environment.yml and the lock file describe one environment."""

import re
import tomllib

import yaml

from nbgrading import ROOT


def _name(spec):
    return re.split(r"[=<>!~ ]", spec, maxsplit=1)[0].lower().replace("_", "-")


def _pins(specs, sep):
    out = {}
    for spec in specs:
        name, _, version = spec.partition(sep)
        out[_name(name)] = version.strip()
    return out


def pyproject_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + [d for group in project["optional-dependencies"].values() for d in group]
    assert all("==" in s for s in specs), "every direct dependency must be pinned with =="
    return _pins(specs, "==")


def environment_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda_pins = _pins([d for d in conda if not d.startswith(("python", "pip", "cython"))], "=")
    return {**conda_pins, **_pins(pip, "==")}, conda


def test_environment_yml_names_the_same_packages_as_pyproject():
    env, conda = environment_pins()
    assert "python=3.11" in conda
    assert env == pyproject_pins()


def test_lock_file_agrees_with_pyproject():
    lock = _pins([line for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines()
                  if line and not line.startswith("#")], "==")
    for name, version in pyproject_pins().items():
        assert lock.get(name) == version, f"lock.txt has {name}=={lock.get(name)}, pyproject.toml {version}"
    env, conda = environment_pins()
    cython = next(d for d in conda if d.startswith("cython"))
    assert lock["cython"] == cython.split("=")[1]
