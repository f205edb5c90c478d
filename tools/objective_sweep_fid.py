"""FID of tools/objective_sweep.py's 8-bit npz cohorts against the real validation cases, with the real-vs-real floor:
axial (every 4th slice, as the demo) and 2.5D (2 inner slices per plane).
Usage: python tools/objective_sweep_fid.py PREPARED/val RUN__SAMPLER.npz [...]"""
import sys, numpy as np
from pathlib import Path
from gliomagen.metrics import get_extractor, real_floor, axial_slices, find_case_dirs
from gliomagen.fid import plane_slices, _read_case
C = ('t1n', 't1c', 't2w', 't2f')
val = Path(sys.argv[1]); files = sys.argv[2:]
ext = get_extractor('tf-inception-v3')
real = find_case_dirs(val); cases = sorted(real)
q = lambda v: np.rint(np.clip(v, 0, 1) * 255) / 255
R = {c: [_read_case(real[k], k, [c])[0] for k in cases] for c in C}
fa = lambda v: ext(axial_slices(v, 4)); f25 = lambda v: np.concatenate([ext(plane_slices(v, p, 1, 2)) for p in ('axial', 'coronal', 'sagittal')])
RF = {c: ([fa(v) for v in R[c]], [f25(v) for v in R[c]]) for c in C}
for f in files:
    z = np.load(f); out = {}
    for ci, c in enumerate(C):
        fk = [z[k][ci].astype(np.float32) / 255 for k in cases]
        a = real_floor(RF[c][0], [fa(v) for v in fk]); b = real_floor(RF[c][1], [f25(v) for v in fk])
        out[c] = (a['matched']['fid'], a['floor']['fid'], b['matched']['fid'], b['floor']['fid'])
    print(Path(f).stem, ' '.join(f"{c}:{o[0]:.0f}/{o[1]:.0f}={o[0]/o[1]:.2f} 2.5D {o[2]:.0f}/{o[3]:.0f}={o[2]/o[3]:.2f}" for c, o in out.items()), flush=True)
