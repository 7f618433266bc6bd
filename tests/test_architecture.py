"""mirlib's layout: layers import only downwards, modules stay focused, outside code uses public names."""

import ast
import re
import subprocess
import sys

import numpy as np
import pytest

from nbgrading import ROOT

MIRLIB = ROOT / "mirlib"
# from the bottom up: a module may import mirlib modules of its own layer or below
LAYERS = [
    {"compat", "cores", "audio", "grading"},
    {"features", "evaluation"},
    {"data"},
    {"synth", "viz"},
    {"nn", "references", "loopnets"},
    {"onsets", "beats", "musicspeech", "literature", "similarity", "drums", "structure", "bass", "vocals"},
    {"models", "web"},
    {"cli"},
]


def layer_of(name):
    top = name.split(".")[0]
    return next(i for i, names in enumerate(LAYERS) if top in names)


def mirlib_imports(path):
    """The mirlib modules a source file imports, as dotted names below mirlib."""
    package = ".".join(path.relative_to(MIRLIB).with_suffix("").parts)
    if path.name == "__init__.py":
        package = package.rsplit(".", 1)[0] if "." in package else ""
    base = package.split(".") if package else []
    if path.name != "__init__.py":
        base = base[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = base[:len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join(parts + ([node.module] if node.module else []))
                if not node.module:
                    out |= {".".join(parts + [a.name]) for a in node.names}
                    continue
                out.add(target)
            elif node.module and node.module.startswith("mirlib."):
                out.add(node.module[len("mirlib."):])
        elif isinstance(node, ast.Import):
            out |= {a.name[len("mirlib."):] for a in node.names if a.name.startswith("mirlib.")}
    return {m for m in out if m}


def sources():
    return sorted(p for p in MIRLIB.rglob("*.py"))


def test_every_module_belongs_to_a_layer():
    tops = {".".join(p.relative_to(MIRLIB).parts).split(".")[0] for p in sources() if p.name != "__init__.py"}
    tops |= {p.name for p in MIRLIB.iterdir() if (p / "__init__.py").exists()}
    tops -= {"weights"}
    known = set().union(*LAYERS)
    assert tops <= known, f"modules without a layer: {tops - known}"


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(MIRLIB)))
def test_nothing_low_imports_something_high(path):
    if path == MIRLIB / "__init__.py":
        return
    own = layer_of(".".join(path.relative_to(MIRLIB).parts))
    for target in mirlib_imports(path):
        assert layer_of(target) <= own, f"{path.relative_to(MIRLIB)} (layer {own}) imports {target} " \
                                        f"(layer {layer_of(target)})"


def test_modules_are_focused():
    sizes = {str(p.relative_to(MIRLIB)): len(p.read_text().splitlines()) for p in sources()}
    assert max(sizes.values()) < 600, sorted(sizes.items(), key=lambda kv: -kv[1])[:3]


def test_every_module_imports_on_its_own():
    """No circular imports: each module imports first in a fresh interpreter."""
    names = sorted({"mirlib." + ".".join(p.relative_to(MIRLIB).with_suffix("").parts).removesuffix(".__init__")
                    for p in sources() if p.name != "__main__.py"})
    code = "import importlib, sys\nfor n in sys.argv[1:]:\n    for m in [k for k in sys.modules if k.startswith('mirlib')]:\n        del sys.modules[m]\n    importlib.import_module(n)\nprint('ok')"
    proc = subprocess.run([sys.executable, "-c", code, *names], capture_output=True, text=True, timeout=600)
    assert proc.stdout.strip() == "ok", proc.stderr[-3000:]


TASKS = ["onsets", "beats", "drums", "structure", "bass", "musicspeech", "similarity", "vocals"]


@pytest.mark.parametrize("task", TASKS)
def test_task_functions_share_one_signature(task):
    """Audio first (``y, sr``, then ``network``, then ``model``); a function that uses a shipped network (weights
    default to the shipped ones) takes ``network=`` by object or name; every ``held_out_scores(model, network,
    n)``; trainers take the network first; no ``shipped=``."""
    import importlib
    import inspect

    module = importlib.import_module(f"mirlib.{task}")
    functions = [(name, getattr(module, name)) for name in module.__all__
                 if inspect.isfunction(getattr(module, name)) and getattr(module, name).__module__ == module.__name__]
    assert functions
    for name, f in functions:
        params = inspect.signature(f).parameters
        names = list(params)
        if "y" in names or "sr" in names:
            assert names[:2] == ["y", "sr"], f"{task}.{name}{inspect.signature(f)}: audio comes first"
        if "model" in names and params["model"].default is None:
            assert "network" in names, f"{task}.{name} uses a network and takes no network="
            if names[:2] == ["y", "sr"]:
                assert names.index("network") < names.index("model"), f"{task}.{name}: network= before model="
        if name == "compare":
            assert names[1:4] == ["network", "model", "methods"], f"{task}.{name}: one shape for every compare"
        if name == "held_out_scores":
            assert names[:3] == ["model", "network", "n"], f"{task}.{name}: one shape for every held-out score"
        if name.startswith("train_on_"):
            assert names[0] == "network", f"{task}.{name}: a trainer takes the network first"
        assert "shipped" not in names, f"{task}.{name}: network=, not shipped="


def test_network_is_given_by_object_or_name_alike():
    from mirlib import beats, drums, nn, onsets

    y = np.random.default_rng(0).uniform(-0.3, 0.3, 44100).astype(np.float32)
    np.testing.assert_array_equal(onsets.activation(y, 44100, network="onset_rnn"),
                                  onsets.activation(y, 44100, network=onsets.ONSET_RNN))
    np.testing.assert_array_equal(drums.activation(y, 44100, network="drums"), drums.activation(y, 44100))
    with pytest.raises(ValueError, match="onset_cnn"):
        onsets.activation(y, 44100, network="beat_blstm")
    with pytest.raises(ValueError, match="beats network"):
        onsets.activation(y, 44100, network=beats.BEAT_BLSTM)
    assert nn.resolve("downbeats", *drums.NETWORKS.values()) is drums.DRUM_JOINT


def _code_cells(text):
    """The code lines of every ``{code-cell}`` of a MyST notebook (cell options left out)."""
    lines, cells, i = text.split("\n"), [], 0
    while i < len(lines):
        if lines[i].startswith("```{code-cell}"):
            j, body = i + 1, []
            if lines[j].strip() == "---":
                j = lines.index("---", j + 1) + 1
            while not lines[j].startswith("```"):
                if not lines[j].startswith(":") and lines[j].strip():
                    body.append(lines[j])
                j += 1
            cells.append((i + 1, body))
            i = j
        i += 1
    return cells


@pytest.mark.parametrize("chapter", sorted((ROOT / "book").glob("*.md")), ids=lambda p: p.name)
def test_chapter_cells_are_short(chapter):
    """Chapters read like prose with short cells: the logic lives in mirlib, where it is tested once."""
    long = [(line, len(body)) for line, body in _code_cells(chapter.read_text(encoding="utf-8")) if len(body) > 20]
    assert not long, f"{chapter.name}: cells longer than 20 code lines (line, lines): {long}"


def test_outside_code_uses_public_names_only():
    """Chapters, exercises, solutions, tests and benchmarks import no private mirlib name."""
    files = subprocess.run(["git", "ls-files", "book", "exercises", "solutions", "tests", "benchmarks"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    private = re.compile(r"mirlib(\.\w+)*\._\w+|from mirlib[\w.]* import [^\n]*\b_\w+|\b(rhythm|models|onsets|"
                         r"beats|nn|features|synth|data)\._[a-z]\w*\(")
    offenders = []
    for name in files:
        if name.endswith((".py", ".md", ".ipynb")) and name != "tests/test_architecture.py":
            text = (ROOT / name).read_text(encoding="utf-8")
            offenders += [f"{name}: {m.group(0)}" for m in private.finditer(text)]
    assert not offenders, offenders
