#!/usr/bin/env python
"""The measurements behind the latent demo's settings (14_demo `DEMO_OVERLAYS`, 17_latent "The latent demo"),
on a prepared demo cohort (`gliomagen demo --stages phantom prepare`):

    python tools/latent_choices.py ae  AE_RUN  [PREPARED]      # the autoencoder's floor: its reconstructions' label errors
    python tools/latent_choices.py ldm LDM_RUN [PREPARED] [--steps 25] [--out DIR]   # samples: label errors, diversity

Each run is a `gliomagen train --config OVERLAY --data PREPARED --out RUN` of the overlay recorded beside its numbers
in nbs/bench/latent_choices.json. Label errors are 08a's (`label_intensity_error[s]`, validation masks, canonical
orientation); diversity is 08a's seed-to-seed ÷ sample-to-real ratio (2 seeds, 4 masks).
"""
import argparse, json, time
from pathlib import Path
import numpy as np, torch

C = ('t1n', 't1c', 't2w', 't2f')

def ae_floor(run, prepared):
    from gliomagen.autoencoder import load_autoencoder
    from gliomagen.data import GliomaGenDataset, onehot_to_mask
    from gliomagen.fid import label_intensity_error
    m, side = load_autoencoder(run)
    ds = GliomaGenDataset(prepared, 'val')
    R, F, M = [], [], []
    for i in range(len(ds)):
        x, cond = ds[i][:2]
        with torch.no_grad(): xr = m.decode(m.encode(x[None].float()), cond[None]).clamp(0, 1)[0]   # a mask decoder sees the mask
        R.append(x.numpy()); F.append(xr.numpy()); M.append(onehot_to_mask(cond.numpy()))
    res = label_intensity_error(np.stack(R), np.stack(F), np.stack(M))
    return {'step': side['step'], 'label_error': {c: round(res[c]['label_error'], 4) for c in C},
            'per_label': {c: {k: round(v, 3) for k, v in res[c]['per_label'].items()} for c in C},
            'background': {c: round(res[c]['background']['fake'], 4) for c in C}}

def ldm_samples(run, prepared, steps, out):
    from gliomagen.synthesis import synthesize
    from gliomagen.fid import label_intensity_errors, sample_diversity
    out = Path(out); val = Path(prepared) / 'val'
    t0 = time.perf_counter()
    tab = synthesize(run, val, out / 'synth', sampler='ddim', steps=steps, seed=0, batch_size=6, progress=False)
    spv = (time.perf_counter() - t0) / len(tab)
    lab = label_intensity_errors(val, out / 'synth', train_dir=Path(prepared) / 'train')
    div = sample_diversity(run, val, out / 'div', seeds=(0, 1), n_masks=4, reuse={0: out / 'synth'}, sampler='ddim',
                           steps=steps, batch_size=6, progress=False)
    return {'sampler': f'ddim{steps}', 's_per_volume': round(spv, 3),
            'label_error': {c: round(lab[c]['label_error'], 4) for c in C},
            'per_label': {c: {k: round(v, 3) for k, v in lab[c]['per_label'].items()} for c in C},
            'background': {c: round(lab[c]['background']['fake'], 4) for c in C},
            'diversity': {c: round(float(div[c]['ratio']), 3) for c in C}}

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('what', choices=('ae', 'ldm')); p.add_argument('run'); p.add_argument('prepared', nargs='?', default='runs/demo/prepared')
    p.add_argument('--steps', type=int, default=25); p.add_argument('--out', help='where the samples go (default: runs/latent_choices/<run name>)')
    a = p.parse_args()
    res = (ae_floor(a.run, a.prepared) if a.what == 'ae' else
           ldm_samples(a.run, a.prepared, a.steps, a.out or Path('runs/latent_choices') / Path(a.run).name))
    print(json.dumps(res, indent=1))
