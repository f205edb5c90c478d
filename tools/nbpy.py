#!/usr/bin/env python3
"""Round-trip notebooks through a plain-text "percent" format, for editing notebooks in a text editor.

    python tools/nbpy.py to-py nbs/01_data.ipynb   > /tmp/01_data.py
    python tools/nbpy.py to-nb /tmp/01_data.py nbs/01_data.ipynb

A cell starts with a line `# %%` (code) or `# %% [markdown]` (markdown); markdown lines are written
with a `# ` prefix. Outputs are dropped (nbdev_clean would drop their noise anyway).
"""
import json, sys
from pathlib import Path

def to_py(nb_path):
    nb = json.loads(Path(nb_path).read_text())
    out = []
    for c in nb['cells']:
        src = ''.join(c['source']) if isinstance(c['source'], list) else c['source']
        if c['cell_type'] == 'markdown':
            out.append('# %% [markdown]\n' + '\n'.join(('# ' + l) if l else '#' for l in src.split('\n')))
        else:
            out.append('# %%\n' + src)
    return '\n\n'.join(out) + '\n'

def to_nb(py_text):
    cells, cur, kind = [], None, None
    def flush():
        if cur is None: return
        lines = cur[:]
        while lines and not lines[-1].strip(): lines.pop()
        if kind == 'markdown': lines = [l[2:] if l.startswith('# ') else l[1:] if l.startswith('#') else l for l in lines]
        src = '\n'.join(lines)
        src_list = [l + '\n' for l in src.split('\n')]
        src_list[-1] = src_list[-1][:-1]
        cell = {'cell_type': kind, 'metadata': {}, 'source': src_list}
        if kind == 'code': cell.update(execution_count=None, outputs=[])
        cells.append(cell)
    for line in py_text.split('\n'):
        if line.startswith('# %%'):
            flush()
            kind, cur = ('markdown' if '[markdown]' in line else 'code'), []
        elif cur is not None: cur.append(line)
    flush()
    return {'cells': cells, 'metadata': {'kernelspec': {'display_name': 'python3', 'language': 'python', 'name': 'python3'}},
            'nbformat': 4, 'nbformat_minor': 5}

if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'to-py': sys.stdout.write(to_py(sys.argv[2]))
    elif cmd == 'to-nb':
        nb = to_nb(Path(sys.argv[2]).read_text())
        Path(sys.argv[3]).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    else: sys.exit(__doc__)
