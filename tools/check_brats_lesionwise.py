"""Cross-check `gliomagen.metrics.lesion_wise_scores` against the official BraTS 2023 lesion-wise evaluation.

Usage: python tools/check_brats_lesionwise.py PATH/TO/BraTS-2023-Metrics [--cases N] [--seed S]

PATH is a checkout of https://github.com/rachitsaluja/BraTS-2023-Metrics (metrics.py + surface_distance/, the code
the BraTS 2023 Synapse evaluation runs). Random multi-lesion label maps (BraTS 2023 labels 1 NETC, 2 SNFH, 3 ET;
touching, distant, small and large blobs; anisotropic voxels in some cases) are written as NIfTI, scored by the
official `get_LesionWiseResults(..., challenge_name='BraTS-GLI')` and by ours; every lesion-wise Dice, HD95 and
TP/FP/FN count must agree to 1e-9. The official code is run unchanged; only what today's libraries removed is
shimmed: `cc3d` (if not installed) by scipy's 26-connected labelling, `np.Inf`, `DataFrame.append`, and
`DataFrame.replace(np.inf, 374)` applied to the numeric columns (pandas >= 2 fails on the column of arrays).
"""
import argparse, sys, tempfile
from pathlib import Path
import numpy as np, nibabel as nib, pandas as pd
from scipy import ndimage


def _shims():
    if not hasattr(np, 'Inf'): np.Inf = np.inf
    if not hasattr(pd.DataFrame, 'append'):
        pd.DataFrame.append = lambda self, other, **kw: pd.concat([self, other], **kw)
    _replace = pd.DataFrame.replace
    def replace(self, to_replace=None, value=None, **kw):    # pandas >= 2 fails on the column of arrays: numeric columns only
        out = self if kw.get('inplace') else self.copy()
        num = out.select_dtypes('number').columns
        out[num] = _replace(out[num], to_replace, value)
        return None if kw.get('inplace') else out
    pd.DataFrame.replace = replace
    try: import cc3d  # noqa: F401
    except ImportError:
        import types
        m = types.ModuleType('cc3d')
        def connected_components(a, connectivity=26):
            assert connectivity == 26
            return ndimage.label(np.asarray(a) != 0, np.ones((3, 3, 3), bool))[0]
        m.connected_components = connected_components
        sys.modules['cc3d'] = m


def random_case(rng, shape=(40, 36, 32)):
    seg = np.zeros(shape, np.int16)
    zz, yy, xx = np.meshgrid(*[np.arange(s) for s in shape], indexing='ij')
    for _ in range(rng.integers(0, 5)):
        c = rng.uniform(3, np.array(shape) - 3); r = rng.uniform(1.0, 6.0)
        d = np.sqrt(((zz - c[0]) / r) ** 2 + ((yy - c[1]) / (r * rng.uniform(.7, 1.3))) ** 2 + ((xx - c[2]) / r) ** 2)
        seg[d < 1.0] = 2
        seg[d < 0.6] = 1
        seg[d < 0.35] = 3
    return seg


def perturb(rng, seg):
    p = seg.copy()
    if rng.random() < 0.7: p = np.roll(p, rng.integers(-2, 3, 3), axis=(0, 1, 2))
    if rng.random() < 0.5: p[rng.random(p.shape) < 0.02] = 0
    if rng.random() < 0.5:                                  # a false positive blob
        c = rng.integers(2, np.array(p.shape) - 6); p[c[0]:c[0] + rng.integers(1, 5), c[1]:c[1] + 3, c[2]:c[2] + 3] = rng.integers(1, 4)
    if rng.random() < 0.2: p[:] = 0
    return p


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument('official'); ap.add_argument('--cases', type=int, default=40); ap.add_argument('--seed', type=int, default=0)
    a = ap.parse_args(argv)
    _shims()
    sys.path.insert(0, str(Path(a.official).resolve()))
    import metrics as official
    from gliomagen.metrics import lesion_wise_scores, LESION_WISE_2023
    dil, thr = LESION_WISE_2023['BraTS-GLI']
    rng = np.random.default_rng(a.seed)
    tmp = Path(tempfile.mkdtemp())
    worst, n = 0.0, 0
    seen = dict.fromkeys(('empty_gt', 'empty_pred', 'empty_both', 'small', 'fp', 'fn', 'multi'), 0)
    for k in range(a.cases):
        gt = random_case(rng); pr = perturb(rng, gt) if rng.random() < 0.8 else random_case(rng)
        sp = (1.0, 1.0, 1.0) if k % 3 else (1.0, 1.2, 2.0)
        aff = np.diag([*sp, 1.0])
        nib.save(nib.Nifti1Image(gt.astype(np.float32), aff), str(tmp / 'gt.nii.gz'))
        nib.save(nib.Nifti1Image(pr.astype(np.float32), aff), str(tmp / 'pr.nii.gz'))
        ref = official.get_LesionWiseResults(str(tmp / 'pr.nii.gz'), str(tmp / 'gt.nii.gz'), 'BraTS-GLI').set_index('Labels')
        for reg, labels in (('WT', (1, 2, 3)), ('TC', (1, 3)), ('ET', (3,))):
            sp32 = tuple(float(z) for z in nib.load(str(tmp / 'pr.nii.gz')).header.get_zooms())   # the official reads float32 zooms
            ours = lesion_wise_scores(np.isin(gt, labels), np.isin(pr, labels), sp32, dil, thr)
            r = ref.loc[reg]
            got = (ours['dice'], ours['hd95_mm'], ours['n_tp'], ours['n_fp'], ours['n_fn'])
            exp = (r['LesionWise_Score_Dice'], r['LesionWise_Score_HD95'], r['Num_TP'], r['Num_FP'], r['Num_FN'])
            g_any, p_any = np.isin(gt, labels).any(), np.isin(pr, labels).any()
            seen['empty_gt'] += not g_any and p_any; seen['empty_pred'] += g_any and not p_any
            seen['empty_both'] += not g_any and not p_any; seen['small'] += ours['n_small'] > 0
            seen['fp'] += ours['n_fp'] > 0; seen['fn'] += ours['n_fn'] > 0; seen['multi'] += ours['n_lesions'] > 1
            err = max(abs(float(x) - float(y)) for x, y in zip(got, exp))
            worst = max(worst, err); n += 1
            if err > 1e-9: print(f'case {k} {reg}: ours {got} official {exp}')
    print(f'{n} region scores of {a.cases} cases compared; largest difference {worst:.3g}')
    print('region scores with: ' + ', '.join(f'{k} {v}' for k, v in seen.items()))
    return 0 if worst <= 1e-9 else 1


if __name__ == '__main__':
    sys.exit(main())
