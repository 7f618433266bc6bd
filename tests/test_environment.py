"""pyproject.toml, environment.yml and the lock file describe one environment."""

import re
import tomllib

import yaml

from mirlib import models
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
    # the gpu extra (CUDA wheels) is outside the locked CPU environment and environment.yml
    specs = project["dependencies"] + [d for name, group in project["optional-dependencies"].items() if name != "gpu"
                                       for d in group]
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


def test_wheel_holds_every_module_and_the_weights(tmp_path):
    """A non-editable install (the hub image, pip install .) gets every subpackage and the shipped weights."""
    import subprocess
    import sys
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=600, cwd=tmp_path)
    (wheel,) = tmp_path.glob("mirlib-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "mirlib").rglob("*.py")}
    weights = {p.relative_to(ROOT).as_posix() for p in (ROOT / "mirlib" / "weights").glob("*.weights.h5")}
    exported = {p.relative_to(ROOT).as_posix() for p in (ROOT / "mirlib" / "weights").glob("*.onnx")}
    assert len(weights) == len(exported) == len(models.MODELS)
    assert modules | weights | exported <= names, sorted((modules | weights | exported) - names)
    assert "mirlib/data/mdb_drums.tsv" in names, "the MDB Drums registry is missing from the wheel"
