#!/usr/bin/env python3
"""Write README.md from nbs/index.ipynb (nbdev_readme needs Quarto, which this project does not require):
markdown cells as they are, code cells as ```python blocks, hidden cells (#| hide) left out; image links made relative to the repository root."""
import json
from pathlib import Path

root = Path(__file__).resolve().parent.parent
nb = json.loads((root / 'nbs' / 'index.ipynb').read_text())
parts = []
for c in nb['cells']:
    src = ''.join(c['source'])
    if c['cell_type'] == 'markdown': parts.append(src.replace('](images/', '](nbs/images/'))
    elif not src.lstrip().startswith('#| hide'): parts.append('```python\n' + src + '\n```')
text = '<!-- Generated from nbs/index.ipynb by tools/readme.py: edit the notebook, not this file. -->\n\n' + '\n\n'.join(parts) + '\n'
(root / 'README.md').write_text(text)
