#!/usr/bin/env python
"""Cycles in the module-level import graph of gliomagen/*.py.

An edge a -> b is a top-level `from .b import ...`, `from gliomagen.b import ...` or `import gliomagen.b` in a.py
(imports inside functions, classes or `if TYPE_CHECKING:` blocks are not edges: they run later, or never).
With --lazy, imports anywhere in a module count too (cycles through deferred imports are reported, not failed).
Usage: python tools/import_cycles.py [--lazy] [package_dir]   (exit status 1 if there is a module-level cycle)"""
import ast, sys
from pathlib import Path

def edges(pkg: Path, lazy: bool = False) -> dict:
    mods = {p.stem for p in pkg.glob('*.py')}
    out = {}
    for p in sorted(pkg.glob('*.py')):
        deps = set()
        tree = ast.parse(p.read_text())
        for node in (ast.walk(tree) if lazy else tree.body):  # top level only, unless lazy
            if isinstance(node, ast.ImportFrom):
                m = node.module or ''
                if node.level == 1: name = m.split('.')[0] if m else None
                elif m.startswith(pkg.name + '.'): name = m.split('.')[1]
                elif m == pkg.name: name = None
                else: continue
                names = [name] if name else [a.name for a in node.names]
                deps |= {n for n in names if n in mods}
            elif isinstance(node, ast.Import):
                deps |= {a.name.split('.')[1] for a in node.names if a.name.startswith(pkg.name + '.')}
        out[p.stem] = deps - {p.stem}
    return out

def cycles(g: dict) -> list:
    "Strongly connected components with more than one module (Tarjan)."
    idx, low, stack, on, res, n = {}, {}, [], set(), [], [0]
    def visit(v):
        idx[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
        for w in g.get(v, ()):
            if w not in idx: visit(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], idx[w])
        if low[v] == idx[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1: res.append(sorted(comp))
    for v in sorted(g):
        if v not in idx: visit(v)
    return res

if __name__ == '__main__':
    args = [a for a in sys.argv[1:] if a != '--lazy']
    pkg = Path(args[0] if args else Path(__file__).resolve().parents[1] / 'gliomagen')
    cs = cycles(edges(pkg))
    for c in cs: print('module-level import cycle:', ' <-> '.join(c))
    if not cs: print(f'no module-level import cycle in {pkg}')
    if '--lazy' in sys.argv:
        for c in cycles(edges(pkg, lazy=True)): print('cycle through deferred imports:', ' <-> '.join(c))
    sys.exit(1 if cs else 0)
