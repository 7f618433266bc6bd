"""Which cells of a notebook can change what another cell computes: a static reading of names.

The grading tests grade several catalogued mistakes in one submission when no
mistake can reach another's test cell (tests/test_grading.py): a mistake in
cell A can only change a test cell T's points if T reads, directly or through
other cells and functions, a name that A (or a cell A changed) defines.

The reading is conservative in the ways that matter here:

* a cell depends on the latest earlier cell that defines a name it reads at
  top level before defining it itself (a test cell that fails half-way leaves
  its later names undefined, so a cell reading them depends on it);
* a name read inside a function body is looked up when the function runs,
  so the function's cell depends on *every* other cell defining that name;
* every version of a cell counts: a mistake that defines or reads other names
  than the reference solution adds them to its cell.

What it cannot see (global random state, files, kernel death) the grading
tests check at run time: every part that depends on none of a batch's
mistakes must keep full marks in that batch, and no submission may be
flagged.
"""

from __future__ import annotations

import ast

__all__ = ["cell_names", "dependencies"]


def _targets(node):
    """Names a statement binds in the cell's scope (not those local to comprehensions, lambdas or defs)."""
    hidden = set()
    for n in ast.walk(node):
        if isinstance(n, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda)):
            hidden |= {id(m) for m in ast.walk(n)}
    hidden -= {id(n.target) for n in ast.walk(node) if isinstance(n, ast.NamedExpr)}   # := binds outside
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))
            and id(n) not in hidden}


def _free(fn):
    """Names a function or lambda reads from outside: its loads minus its parameters and locals."""
    a = fn.args
    local = {x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg] if x is not None}
    loads = set()
    body = fn.body if isinstance(fn.body, list) else [fn.body]
    for node in body:                      # defaults and decorators are read where the def stands
        for n in ast.walk(node):
            if isinstance(n, ast.Name):
                (loads if isinstance(n.ctx, ast.Load) else local).add(n.id)
            elif isinstance(n, ast.arg):
                local.add(n.arg)
            elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                local.add(n.name)
            elif isinstance(n, ast.alias):
                local.add((n.asname or n.name).split(".")[0])
    return loads - local


def _reads(node):
    """(names read now, names read later by functions defined in it) of an expression or simple statement."""
    later, comprehension, deferred = set(), set(), set()
    for n in ast.walk(node):
        if isinstance(n, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
            later |= _free(n)
            for part in (n.body if isinstance(n.body, list) else [n.body]):
                deferred |= {id(m) for m in ast.walk(part)}
        elif isinstance(n, ast.comprehension):
            comprehension |= {m.id for m in ast.walk(n.target) if isinstance(m, ast.Name)}
    now = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
           and id(n) not in deferred and n.id not in comprehension}
    return now, later


def cell_names(source):
    """What one cell defines and reads.

    Parameters
    ----------
    source : str
        The cell's Python source.

    Returns
    -------
    defined : set of str
        Names the cell binds at top level (assignments, loops, imports, defs).
    read : set of str
        Names it reads at top level before binding them itself.
    later : set of str
        Free names of the functions and classes it defines, read when they run.

    A cell that is no valid Python defines and reads nothing (it fails at once).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(), set(), set()
    defined, read, later = set(), set(), set()

    def expr(node):
        now, deferred = _reads(node)
        read.update(now - defined)
        later.update(deferred)

    def block(statements):
        for s in statements:
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                for d in s.decorator_list:
                    expr(d)
                if isinstance(s, ast.ClassDef):
                    for base in s.bases:
                        expr(base)
                    later.update(*(_free(n) for n in ast.walk(s) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))))
                else:
                    for d in s.args.defaults + [d for d in s.args.kw_defaults if d is not None]:
                        expr(d)
                    later.update(_free(s))
                defined.add(s.name)
            elif isinstance(s, (ast.Import, ast.ImportFrom)):
                defined.update((a.asname or a.name).split(".")[0] for a in s.names)
            elif isinstance(s, (ast.For, ast.AsyncFor)):
                expr(s.iter)
                defined.update(_targets(s.target))
                block(s.body)
                block(s.orelse)
            elif isinstance(s, (ast.While, ast.If)):
                expr(s.test)
                block(s.body)
                block(s.orelse)
            elif isinstance(s, (ast.With, ast.AsyncWith)):
                for item in s.items:
                    expr(item.context_expr)
                    if item.optional_vars is not None:
                        defined.update(_targets(item.optional_vars))
                block(s.body)
            elif isinstance(s, ast.Try):
                block(s.body)
                for handler in s.handlers:
                    if handler.type is not None:
                        expr(handler.type)
                    if handler.name:
                        defined.add(handler.name)
                    block(handler.body)
                block(s.orelse)
                block(s.finalbody)
            else:
                expr(s)
                defined.update(_targets(s))
            for n in ast.walk(s):
                if isinstance(n, ast.Global):
                    defined.update(n.names)

    block(tree.body)
    return defined, read, later


def dependencies(cells):
    """For each cell, the earlier or other cells whose change can change what it computes.

    Parameters
    ----------
    cells : list of (str, list of str)
        In notebook order, each cell's id and every version of its source
        (e.g. the reference solution and each catalogued mistake).

    Returns
    -------
    dict
        Cell id -> set of the ids it depends on, directly or through other
        cells (never itself).

    Raises
    ------
    ValueError
        If two cells share an id.
    """
    ids = [cell_id for cell_id, _ in cells]
    if len(set(ids)) != len(ids):
        raise ValueError(f"cell ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
    names = {}
    for cell_id, versions in cells:
        defined, read, later = set(), set(), set()
        for source in versions:
            d, r, lt = cell_names(source)
            defined |= d
            read |= r
            later |= lt
        names[cell_id] = defined, read, later
    direct = {}
    for i, cell_id in enumerate(ids):
        _, read, later = names[cell_id]
        deps = set()
        for name in read:
            earlier = [other for other in ids[:i] if name in names[other][0]]
            if earlier:
                deps.add(earlier[-1])
        deps |= {other for other in ids if other != cell_id and names[other][0] & later}
        direct[cell_id] = deps
    closure = {cell_id: set(deps) for cell_id, deps in direct.items()}
    changed = True
    while changed:
        changed = False
        for cell_id, deps in closure.items():
            more = set().union(*(closure[d] for d in deps)) - deps - {cell_id}
            if more:
                deps |= more
                changed = True
    return closure
