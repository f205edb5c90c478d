"""Issue 25's objective sweep (nbs/05_train, bench/objective_sweep.json): train variants of data/demo.yaml in parallel
(one process each), sample each with several samplers, measure label error, background, diversity (4 masks x 4 seeds)
and seams; the seed-0 cohorts are saved as 8-bit npz (what FID reads) for tools/objective_sweep_fid.py.
Usage: SWEEP_PREPARED=runs/demo/prepared python tools/objective_sweep.py OUT [--only A_x0_l1_crop,...] [--device cuda:0]"""
import json, os, time, copy, traceback, argparse
import numpy as np
from pathlib import Path
from concurrent.futures import ProcessPoolExecutor

PREP = Path(os.environ.get('SWEEP_PREPARED', 'runs/demo/prepared')).resolve()   # a prepared demo cohort
VARIANTS = {
    'A_x0_l1_crop': {},
    'B_v_l2_crop': {'diffusion': {'objective': 'v', 'loss': 'l2'}},
    'C_eps_l2_crop': {'diffusion': {'objective': 'eps', 'loss': 'l2'}},
    'D_v_l1_crop': {'diffusion': {'objective': 'v', 'loss': 'l1'}},
    'E_v_l2_whole700': {'diffusion': {'objective': 'v', 'loss': 'l2'}, 'training': {'patch_size': None, 'batch_size': 1, 'iterations': 700}, 'lr_schedule': {'milestones': [560]}},
    'F_v_l2_whole3k': {'diffusion': {'objective': 'v', 'loss': 'l2'}, 'training': {'patch_size': None, 'batch_size': 1, 'iterations': 3000}, 'lr_schedule': {'milestones': [2400]}},
    'G_eps_l1_crop': {'diffusion': {'objective': 'eps', 'loss': 'l1'}},
    'H_v_l2_crop_7k': {'diffusion': {'objective': 'v', 'loss': 'l2'}, 'training': {'iterations': 7000}, 'lr_schedule': {'milestones': [5600]}},
    'I_v_l2_crop24': {'diffusion': {'objective': 'v', 'loss': 'l2'}, 'training': {'patch_size': [24, 24, 24], 'batch_size': 3}},
    'J_x0_l2_crop': {'diffusion': {'loss': 'l2'}},
}
SAMPLERS = [('ddim', 10), ('ddpm', 100), ('ddim', 25)]
NPZ = {'ddim10', 'ddpm100'}

def deep(a, b):
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(a.get(k), dict): deep(a[k], v)
        else: a[k] = v
    return a

def run_variant(name, out, scale, device, samplers, extra):
    import torch
    torch.set_num_threads(int(os.environ.get('SWEEP_THREADS', '2')))
    from gliomagen.demo import demo_config
    from gliomagen.core import validate_config
    from gliomagen import train, synthesis
    from gliomagen import fid as F
    vd = Path(out) / name; vd.mkdir(parents=True, exist_ok=True)
    log = open(vd / 'log.txt', 'a')
    def say(*a):
        print(name, *a, file=log, flush=True); print(name, *a, flush=True)
    res = {'variant': name, 'overlay': VARIANTS.get(name, {})}
    try:
        cfg = deep(copy.deepcopy(demo_config()), copy.deepcopy(VARIANTS.get(name, {})))
        deep(cfg, copy.deepcopy(extra))
        t = cfg['training']
        t['iterations'] = max(2, int(t['iterations'] * scale))
        cfg['lr_schedule']['milestones'] = [max(1, int(m * scale)) for m in cfg['lr_schedule']['milestones']]
        t['val_every'] = 10**7; t['ema_start'] = min(t['ema_start'], max(1, t['iterations'] // 4))
        t['save_every'] = max(1, min(t['save_every'], t['iterations']))
        cfg['dataset']['prepared'] = str(PREP)
        cfg = validate_config(cfg)
        t0 = time.time()
        tr = train.Trainer(cfg, PREP, vd / 'train', resume=True, device=device, progress=False)
        try: fit = tr.fit()
        finally: tr.close()
        res['train_s'] = round(time.time() - t0, 1)
        res['train_last'] = {k: v for k, v in (fit or {}).get('last', {}).items()} if isinstance(fit, dict) else None
        say('trained', res['train_s'])
        val, trn = PREP / 'val', PREP / 'train'
        ps = cfg['training']['patch_size']
        for sampler, steps in samplers:
            key = f'{sampler}{steps}'; r = {}
            t1 = time.time()
            c0 = vd / f'{key}-seed-0'
            synthesis.synthesize(vd / 'train', val, c0, sampler=sampler, steps=steps, seed=0, batch_size=6, device=device, progress=False)
            r['synth_s'] = round(time.time() - t1, 1)
            lab = F.label_intensity_errors(val, c0, train_dir=trn)
            r['label_error'] = {c: lab[c]['label_error'] for c in ('t1n', 't1c', 't2w', 't2f')}
            r['label_error_max'] = lab['label_error_max']; r['background_max'] = lab['background_max']
            div = F.sample_diversity(vd / 'train', val, vd / f'{key}-div', seeds=(0, 1, 2, 3), n_masks=4, reuse={0: c0},
                                     sampler=sampler, steps=steps, batch_size=6, device=device)
            r['diversity'] = {c: div[c]['ratio'] for c in ('t1n', 't1c', 't2w', 't2f')}
            r['ms_ssim_seeds'] = {c: div[c]['ms_ssim_seeds'] for c in ('t1n', 't1c', 't2w', 't2f')}
            if ps: r['seams'] = {c: v['fake'] for c, v in F.cohort_seams(val, c0, ps, cfg['synthesis']['window_overlap']).items() if isinstance(v, dict) and 'fake' in v}
            # the seed-0 cohort as FID sees it (clip [0,1], 8 bit): lossless for the FID computed elsewhere
            from gliomagen.metrics import find_case_dirs
            from gliomagen.data import read_nifti
            cases = find_case_dirs(c0); arr = {}
            for cid, d in (cases.items() if (key in NPZ or os.environ.get('SWEEP_ALL_NPZ')) else []):
                arr[cid] = np.stack([np.rint(np.clip(read_nifti(d / f'{cid}-{c}.nii.gz')[0], 0, 1) * 255).astype(np.uint8)
                                     for c in ('t1n', 't1c', 't2w', 't2f')])
            if key in NPZ or os.environ.get('SWEEP_ALL_NPZ'): np.savez_compressed(Path(out) / f'{name}__{key}.npz', **arr)
            res[key] = r
            say(key, json.dumps(r))
            (vd / 'res.json').write_text(json.dumps(res, indent=1, default=str))
    except Exception:
        res['error'] = traceback.format_exc(); say('ERROR', res['error'])
    (vd / 'res.json').write_text(json.dumps(res, indent=1, default=str))
    return res

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('out'); ap.add_argument('--scale', type=float, default=1.0); ap.add_argument('--only', default='')
    ap.add_argument('--device', default='cuda'); ap.add_argument('--workers', type=int, default=8)
    ap.add_argument('--samplers', default='')
    a = ap.parse_args()
    names = a.only.split(',') if a.only else list(VARIANTS)
    samplers = [(s.rstrip('0123456789'), int(s[len(s.rstrip('0123456789')):])) for s in a.samplers.split(',')] if a.samplers else SAMPLERS
    import multiprocessing as mp
    with ProcessPoolExecutor(a.workers, mp_context=mp.get_context("spawn")) as ex:
        futs = [ex.submit(run_variant, n, a.out, a.scale, a.device, samplers, {}) for n in names]
        allres = [f.result() for f in futs]
    Path(a.out, 'sweep.json').write_text(json.dumps(allres, indent=1, default=str))
    print('DONE')
