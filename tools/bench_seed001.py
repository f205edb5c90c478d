#!/usr/bin/env python
"""One optimiser step of each of seed 001's networks at the seed's size (4x128x128x64, batch 1, 2 threads), as
nbs/13_bench.ipynb's table reads them (nbs/bench/cpu_step_seed001_<row>.json; `train_step_report`, 13_bench):

    python tools/bench_seed001.py [ROW ...]      # default: every row; run from the repository root

Rows: autoencoder_paper (the seed's autoencoder with its discriminator and perceptual loss, gradient checkpointing),
autoencoder_tiny (the encoder the latent rows train on: it has the seed's 8x32x32x16 latent), ldm256 (no
checkpointing), ldm256_checkpointed, ldm352_checkpointed. It runs outside a notebook kernel: ldm352's step needs
21.4 GB (its weights, gradients, Adam's two moments and the EMA copy are 20 GB), and a kernel's own 1.4 GB beside it
does not fit on a 24 GB machine. Minutes per row on 2 CPU cores.
"""
import argparse, json, tempfile
from pathlib import Path

ROWS = ('autoencoder_paper', 'autoencoder_tiny', 'ldm256', 'ldm256_checkpointed', 'ldm352_checkpointed')

def main(rows=ROWS, out='nbs/bench'):
    from gliomagen.bench import train_step_report
    from gliomagen.core import load_config, write_json_atomic
    from gliomagen.data import prepare_dataset
    from gliomagen.phantom import make_phantom_cohort
    env = {'OMP_NUM_THREADS': '2'}
    one = {'training': {'batch_size': 1, 'sample_steps': 1}}         # the checkpoint's sample: one step
    ck = {'training': {**one['training'], 'grad_checkpoint': True}}  # recompute the blocks' activations in the backward pass (03, 05)
    ae_cfg, ldm_cfg = 'data/seed001-autoencoder.yaml', 'data/seed001-ldm.yaml'
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        make_phantom_cohort(d / 'raw', n=3, shape=(96, 115, 96), seed=0)
        prepare_dataset(d / 'raw', d / 'prep128', config=load_config(ae_cfg, dataset={'shape': [128, 128, 64], 'n_val': 1}), progress=False)
        for row in ('autoencoder_tiny',) + tuple(r for r in rows if r != 'autoencoder_tiny'):   # the latent rows need the tiny encoder
            if row.startswith('autoencoder'):
                r = train_step_report(ae_cfg, d / 'prep128', d / row, env=env, family={'preset': row.split('_')[1], 'adv_start': 0},
                                      **(ck if row == 'autoencoder_paper' else one))
            else:
                r = train_step_report(ldm_cfg, d / 'prep128', d / row, env=env, family={'preset': row.split('_')[0]},
                                      **(ck if row.endswith('checkpointed') else one), extra_args=('--autoencoder', d / 'autoencoder_tiny' / 'run'))
            if row in rows:
                write_json_atomic(r, Path(out) / f'cpu_step_seed001_{row}.json', indent=1)
                print(row, json.dumps(r), flush=True)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('rows', nargs='*', default=list(ROWS), choices=ROWS); p.add_argument('--out', default='nbs/bench')
    a = p.parse_args()
    main(tuple(a.rows), a.out)
