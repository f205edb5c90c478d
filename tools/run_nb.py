#!/usr/bin/env python
"""Execute notebooks in place so that their worked examples keep their outputs (what nbdev_test runs, and the
cells flagged `slow`, `nnunet` or `demo` too unless skipped), then `nbdev_clean` them.

    python tools/run_nb.py nbs/05_train.ipynb [nbs/…] [--skip nnunet demo]

Cells marked `#| eval: false` never run, as in nbdev_test. Stops at the first error and leaves that notebook as it was.
"""
import argparse, os, sys
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory

def _directives(src: str) -> dict:
    out = {}
    for line in src.splitlines():
        if not line.startswith('#|'): continue
        toks = line[2:].strip().split(None, 1)
        if toks: out[toks[0].rstrip(':')] = toks[1].strip() if len(toks) > 1 else ''
    return out

def run(fn: Path, skip: set) -> None:
    fn = Path(fn).resolve()
    nb = read_nb(fn)
    def _skip(cell):
        if cell.cell_type != 'code': return True
        d = _directives(cell.source)
        return d.get('eval', '').lower() == 'false' or bool(skip & d.keys())
    os.environ['IN_TEST'] = '1'
    k = CaptureShell(fn)
    with working_directory(fn.parent): k.run_all(nb, exc_stop=True, preproc=_skip)
    write_nb(nb, fn)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='+'); p.add_argument('--skip', nargs='*', default=[])
    a = p.parse_args()
    for f in a.notebooks:
        print(f'running {f}', flush=True); run(Path(f), set(a.skip))
    os.system('nbdev_clean')
