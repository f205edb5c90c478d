#!/usr/bin/env python
"""List the public API (each module's `__all__`, and the public methods of its classes, `@patch`ed ones included)
that lacks a docstring or type annotations, or that nbdev's `show_doc` cannot render (every parameter but self/cls/*args/**kwargs, and the return).

    python tools/api_audit.py [module ...]     # default: every gliomagen module; exit 1 when something is missing
"""
import dataclasses, importlib, inspect, pkgutil, sys
import gliomagen

def _missing(f) -> list:
    out = []
    if not (inspect.getdoc(f) or '').strip(): out.append('docstring')
    try: sig = inspect.signature(f)
    except (TypeError, ValueError): return out
    bare = [p.name for p in sig.parameters.values() if p.name not in ('self', 'cls')
            and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.annotation is p.empty]
    if bare: out.append('types: ' + ', '.join(bare))
    if sig.return_annotation is sig.empty and f.__name__ != '__init__': out.append('return type')
    return out

def _renders(o) -> list:
    "nbdev's show_doc (what the API pages run) must render the name: it evaluates the annotations."
    try:
        from nbdev.showdoc import show_doc
        show_doc(o); return []
    except Exception as e: return [f'show_doc fails: {type(e).__name__}: {e}']

def audit(names) -> list:
    rows = []
    for name in names:
        m = importlib.import_module(f'gliomagen.{name}')
        for k in getattr(m, '__all__', []):
            o = getattr(m, k, None)
            if inspect.isfunction(o) and o.__module__ == m.__name__:
                if (miss := _missing(o) + _renders(o)): rows.append((name, k, miss))
            elif inspect.isclass(o) and o.__module__ == m.__name__:
                if not (o.__doc__ or '').strip(): rows.append((name, k, ['docstring']))
                for mk, mv in vars(o).items():
                    if mk == '__init__' and dataclasses.is_dataclass(o): continue     # generated: no source to render
                    if inspect.isfunction(mv) and (not mk.startswith('_') or mk == '__init__') and mv.__module__ == m.__name__:
                        miss = [x for x in _missing(mv) + _renders(mv) if not (mk == '__init__' and x == 'docstring')]
                        if miss: rows.append((name, f'{k}.{mk}', miss))
    return rows

if __name__ == '__main__':
    names = sys.argv[1:] or [m.name for m in pkgutil.iter_modules(gliomagen.__path__) if not m.name.startswith('_')]
    rows = audit(names)
    for mod, k, miss in rows: print(f'{mod}.{k}: {"; ".join(miss)}')
    total = sum(len(getattr(importlib.import_module(f"gliomagen.{n}"), "__all__", [])) for n in names)
    print(f'{len(rows)} public names lack types or a docstring ({total} names in __all__)', file=sys.stderr)
    sys.exit(1 if rows else 0)
