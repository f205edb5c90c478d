#!/usr/bin/env python3
"""`make test-browser`: the viewers and `gliomagen view` in a real browser (Chromium driven by Playwright).

1. builds (once, resumable) a small run with the demo's own functions under runs/browser-test/, and a case folder
   made from a phantom case (stored L, P, S like BraTS) with a bright 3x3x3 orientation marker right-anterior-superior
   of the tumour, t1c on a larger intensity scale than t1n (as in native BraTS data);
2. serves the case folder and the run with `gliomagen.app.serve` (Voilà) on free ports of 127.0.0.1;
3. checks in Chromium that every control changes the image, that t1n -> t1c -> t1n gives t1n its own window back,
   that the marker lands where the radiological convention puts it on each plane, that a CompareViewer moves in
   lock-step, that the run page shows its figures and case metrics, that no page error occurs, and that a closed
   page's kernel is culled;
4. saves small screenshots (PNG < 300 KB) under nbs/images/ and stops each server by its PID.

Usage: python tools/browser_test.py [--chromium PATH] [--run DIR] [--images DIR] [--no-screenshots]
"""
import argparse, io, os, signal, sys, time, traceback
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent      # gliomagen is imported from the environment (make: this clone)
T0 = time.time()

def log(*a): print(f'[browser {time.time() - T0:5.1f}s]', *a, flush=True)

class Check:
    "Collects failures so one run reports every broken control."
    def __init__(self): self.failed, self.passed = [], 0
    def __call__(self, cond, what):
        if cond: self.passed += 1; log('ok  ', what)
        else: self.failed.append(what); log('FAIL', what)
        return cond

# -- data -------------------------------------------------------------------------------------------------
TUMOUR_CENTRE: list = []            # RAS voxel of the marker case's tumour centre (set by make_marker_case)
MARKER_OFFSET = (5, 5, 4)           # RAS voxels from the tumour centre: right, anterior, superior

def make_run(run: Path):
    from gliomagen.demo import run_demo, demo_config
    cfg = demo_config(synthesis={'sampler': 'ddim', 'steps': 5}, dataset={'n_val': 4})   # 2 train, 4 validation cases
    run_demo(run, config=cfg, n_cases=6, phantom_shape=(32, 32, 32), iterations=2, progress=False,
             log=lambda *a: None)

def make_marker_case(root: Path, run: Path) -> tuple:
    "A raw phantom case of the run, copied with a marker cube; returns (case folder, marker RAS voxel, RAS shape)."
    import nibabel as nib                                 # nibabel only: independent of the viewer under test
    from nibabel.orientations import io_orientation, axcodes2ornt, ornt_transform, apply_orientation
    src = sorted(d for d in (run / 'phantom').iterdir() if d.is_dir())[0]
    cid = 'Marker-00000'
    dst = root / cid; dst.mkdir(parents=True, exist_ok=True)
    seg = nib.load(str(src / f'{src.name}-seg.nii.gz'))
    assert nib.aff2axcodes(seg.affine) == ('L', 'P', 'S'), nib.aff2axcodes(seg.affine)
    m = np.asarray(nib.as_closest_canonical(seg).dataobj)                # RAS
    tum = np.argwhere(m > 0).mean(0).round().astype(int)
    TUMOUR_CENTRE[:] = [int(v) for v in tum]                            # where the overlay checks look (RAS voxel)
    marker = tuple(int(min(max(t + o, 2), n - 3)) for t, o, n in zip(tum, MARKER_OFFSET, m.shape))
    x, y, z = marker
    for kind in ('t1n', 't1c', 't2w', 't2f', 'seg'):
        img = nib.load(str(src / f'{src.name}-{kind}.nii.gz'))
        to_ras = io_orientation(img.affine)
        ras_a = apply_orientation(np.asarray(img.dataobj).astype(np.float32), to_ras)
        if kind != 'seg':
            if kind == 't1c': ras_a = ras_a * 1.6 + 200                  # a different scale, as t1c has in BraTS
            ras_a[x - 1:x + 2, y - 1:y + 2, z - 1:z + 2] = ras_a.max() * 2
        else: ras_a[x - 1:x + 2, y - 1:y + 2, z - 1:z + 2] = 0            # the marker is not tumour
        # back to the file's own storage order (L, P, S): the viewer must undo it from the affine
        a = apply_orientation(ras_a, ornt_transform(axcodes2ornt('RAS'), to_ras))
        nib.save(nib.Nifti1Image(a.astype(np.uint8 if kind == 'seg' else np.float32), img.affine),
                 str(dst / f'{cid}-{kind}.nii.gz'))
    return dst, marker, m.shape

def expected_position(plane, voxel, shape) -> tuple:
    "(row, col) of a RAS voxel's centre as fractions of the image, radiological convention (written out here)."
    x, y, z = voxel; nx, ny, nz = shape
    flip = lambda i, n: (n - 1 - i + 0.5) / n                          # R, A and S at the left or top
    return {'axial': (flip(y, ny), flip(x, nx)),                        # A up, R left
            'coronal': (flip(z, nz), flip(x, nx)),                      # S up, R left
            'sagittal': (flip(z, nz), flip(y, ny))}[plane]              # S up, A left

# -- browser helpers ---------------------------------------------------------------------------------------
def png_array(b: bytes) -> np.ndarray:
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(b)).convert('RGB')).astype(np.int16)

class Page:
    def __init__(self, browser, url, errors):
        self.pg = browser.new_page(viewport={'width': 1100, 'height': 900})
        self.errors = errors
        self.pg.on('pageerror', lambda e: errors.append(f'{url}: {e}'))
        t = time.time()
        self.pg.goto(url, timeout=120_000, wait_until='commit')     # Voilà runs the page while we go on
        self.url, self.latencies = url, []

    def canvas(self, plane, panel=None):
        sel = f'canvas.gg-slice[data-plane="{plane}"]' + (f'[data-panel="{panel}"]' if panel else '')
        return self.pg.locator(sel).first

    def shot(self, plane, panel=None) -> np.ndarray:
        return png_array(self.canvas(plane, panel).screenshot())

    def state(self) -> str:
        "Everything the kernel has drawn so far: draw counters, crosshairs, readouts."
        return self.pg.evaluate("""() => [...document.querySelectorAll('canvas.gg-slice')].map(c => c.dataset.draws + '/' + c.dataset.cross).join(' ')
                                    + [...document.querySelectorAll('.gg-info, .gg-readout')].map(e => e.textContent).join(' ')
                                    + [...document.querySelectorAll('.widget-readout')].map(e => e.textContent).join(' ')""")

    def settle(self, quiet=0.4, timeout=20):
        "Wait until nothing has been drawn for `quiet` seconds (late kernel replies included)."
        t0, last, since = time.time(), None, time.time()
        while time.time() - t0 < timeout:
            s = self.state()
            if s != last: last, since = s, time.time()
            elif time.time() - since >= quiet: return
            time.sleep(0.1)

    def slider(self, description):
        return self.pg.locator('.widget-slider', has=self.pg.locator(f'label:text-is("{description}")')).first

    def readout(self, description) -> str:
        return self.slider(description).locator('.widget-readout').inner_text().strip()

    def drawn(self, act, timeout=10):
        "Do `act`, wait until the kernel has drawn something in answer (latency kept), then until drawing has stopped."
        s0, t0 = self.state(), time.time()
        act()
        while self.state() == s0 and time.time() - t0 < timeout: time.sleep(0.02)
        self.latencies.append(time.time() - t0)
        self.settle()

    def set_slider(self, description, value):
        r = self.slider(description).locator('.widget-readout')
        def act():
            r.click(); self.pg.keyboard.press('Control+A'); self.pg.keyboard.type(str(value)); self.pg.keyboard.press('Enter')
        self.drawn(act)

    def info(self) -> str: return self.pg.locator('.gg-info').first.inner_text()

def changed(a, b) -> bool: return a.shape != b.shape or bool(np.abs(a - b).max() > 0)

def white_centroid(img) -> tuple | None:
    "Centroid (row, col) as fractions of the image of the white (marker) pixels, or None."
    w = (img[..., 0] > 235) & (img[..., 1] > 235) & (img[..., 2] > 235)
    w[:4], w[-4:], w[:, :4], w[:, -4:] = False, False, False, False   # the page's white background at sub-pixel edges
    if w.sum() < 4: return None
    r, c = np.argwhere(w).mean(0)
    return r / img.shape[0], c / img.shape[1]

def save_small(png: bytes, path: Path, limit=300_000):
    from PIL import Image
    im = Image.open(io.BytesIO(png)).convert('RGB')
    for colours in (256, 128, 64):
        buf = io.BytesIO()
        im.quantize(colours, method=Image.Quantize.MEDIANCUT).save(buf, 'PNG', optimize=True)
        if buf.tell() < limit: break
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())
    return buf.tell()

# -- the checks --------------------------------------------------------------------------------------------
def check_viewer(p, marker, shape, check, images):
    PLANES, axis = ('axial', 'coronal', 'sagittal'), {'sagittal': 0, 'coronal': 1, 'axial': 2}
    p.pg.bring_to_front()
    t = time.time()
    p.pg.wait_for_selector('canvas.gg-slice[data-draws]', timeout=120_000)
    p.pg.wait_for_function("() => document.querySelectorAll('canvas.gg-slice[data-draws]').length >= 3", timeout=60_000)
    p.settle()
    log(f'viewer page ready in {time.time() - t:.1f} s after the HTML')
    pg = p.pg
    check(pg.locator('canvas.gg-slice').count() == 3, 'viewer: three planes drawn')

    # -- t1n -> t1c -> t1n restores t1n's own window (the feedback bug) --------------------------------------
    w0, l0, img0 = p.readout('window'), p.readout('level'), p.shot('axial')
    timing = {}
    for c in ('t1c', 't1n'):
        t = time.time()
        pg.get_by_role('button', name=c, exact=True).click()
        pg.wait_for_function(f"() => (document.querySelector('.gg-info')||{{}}).textContent.includes(' {c} ')", timeout=20_000)
        timing[c] = time.time() - t
        p.settle(quiet=1.0)
        if c == 't1c': w1, l1, img1 = p.readout('window'), p.readout('level'), p.shot('axial')
    check(changed(img0, img1) and (w1, l1) != (w0, l0), f'contrast t1c changes the image and the window ({w0}/{l0} -> {w1}/{l1})')
    w2, l2 = p.readout('window'), p.readout('level')
    check((w2, l2) == (w0, l0), f"t1n -> t1c -> t1n restores t1n's window: W/L {w0}/{l0} -> {w2}/{l2}")
    check(not changed(img0, p.shot('axial')), "t1n -> t1c -> t1n draws t1n's first image again")
    log(f'contrast switch latency (click -> info updated): ' + ', '.join(f'{k} {v * 1000:.0f} ms' for k, v in timing.items()))

    # -- every control changes the image ----------------------------------------------------------------------
    def control(name, act, planes=('axial',), need=all):
        before = {pl: p.shot(pl) for pl in planes}
        t = time.time(); p.drawn(act)
        after = {pl: p.shot(pl) for pl in planes}
        ok = need(changed(before[pl], after[pl]) for pl in planes)
        check(ok, f'control {name} changes the image ({", ".join(planes)}; {1000 * (time.time() - t):.0f} ms incl. settling)')
    control('window', lambda: p.set_slider('window', float(p.readout('window')) / 2))
    control('level', lambda: p.set_slider('level', float(p.readout('level')) * 1.2))
    control('reset W/L', lambda: pg.get_by_role('button', name='reset W/L').click())
    control('preset', lambda: pg.locator('.widget-dropdown select').first.select_option('full range'))
    for pl in PLANES:
        n = shape[axis[pl]]
        cur = int(p.readout(pl))
        control(f'{pl} slider', lambda pl=pl, cur=cur, n=n: p.set_slider(pl, cur - 3 if cur >= 3 else cur + 3), planes=(pl,))
    # the overlay checks need tumour in the planes: put the crosshair on the tumour's centre (the marker sits outside it)
    for pl in PLANES: p.set_slider(pl, TUMOUR_CENTRE[axis[pl]]); p.settle()
    control('opacity', lambda: p.set_slider('opacity', 0.9))
    box = pg.locator('.widget-checkbox', has=pg.locator('text="ET"')).first
    if check(box.count() == 1, 'legend: ET check box present'):
        control('legend check box ET', lambda: box.locator('input').click(), planes=PLANES, need=any)
        box.locator('input').click(); p.settle()
    # mouse: click on the axial plane moves coronal and sagittal; wheel and arrow keys scroll the axial plane
    cv = p.canvas('axial'); bb = cv.bounding_box()
    control('click on the axial plane', lambda: cv.click(position={'x': bb['width'] * 0.3, 'y': bb['height'] * 0.35}),
            planes=('coronal', 'sagittal'))
    def wheel():
        cv.hover(position={'x': bb['width'] * 0.5, 'y': bb['height'] * 0.5}); pg.mouse.wheel(0, -120)
    control('mouse wheel on the axial plane', wheel)
    control('arrow key on the axial plane', lambda: pg.keyboard.press('ArrowDown'))
    cv.hover(position={'x': bb['width'] * 0.5, 'y': bb['height'] * 0.52}); p.settle()
    ro = pg.locator('.gg-readout').first.inner_text()
    check('mouse voxel' in ro and 'label' in ro and 't1n' in ro, f'hover readout: {ro!r}')

    # -- orientation marker ----------------------------------------------------------------------------------
    pg.locator('.widget-dropdown select').first.select_option('full range'); p.settle()
    p.set_slider('opacity', 0)
    for pl in PLANES: p.set_slider(pl, marker[axis[pl]])
    pg.mouse.move(2, 2)
    pg.wait_for_function(f"() => document.querySelector('.gg-info').textContent.includes('crosshair ({', '.join(map(str, marker))})')",
                         timeout=20_000)
    p.settle()
    for pl in PLANES:
        img = p.shot(pl)
        got = white_centroid(img)
        want = expected_position(pl, marker, shape)
        tol = 1.0 / min(shape)
        ok = got is not None and abs(got[0] - want[0]) <= tol and abs(got[1] - want[1]) <= tol
        if not ok: save_small(p.canvas(pl).screenshot(), Path(ROOT / 'runs' / f'browser-test-failed-{pl}.png'))
        check(ok, f'orientation marker on the {pl} plane at (row, col) fraction {want[0]:.3f}, {want[1]:.3f} '
                  f'(found {"none" if got is None else f"{got[0]:.3f}, {got[1]:.3f}"}): '
                  + {'axial': 'right-anterior = upper left', 'coronal': 'right-superior = upper left',
                     'sagittal': 'anterior-superior = upper left'}[pl])
    # screenshot: the three planes on the tumour, t1c, overlay on
    pg.get_by_role('button', name='t1c', exact=True).click(); p.settle()
    p.set_slider('opacity', 0.4)
    pg.locator('.widget-dropdown select').first.select_option('brain'); p.settle()
    if images:
        n = save_small(pg.locator('.gg-viewer').first.screenshot(), images / 'viewer_three_planes.png')
        log(f'screenshot {images / "viewer_three_planes.png"} ({n / 1000:.0f} KB)')
    lat = np.array(p.latencies) * 1000
    log(f'viewer: control -> first redraw in the browser: median {np.median(lat):.0f} ms, max {lat.max():.0f} ms '
        f'over {len(lat)} actions')
    pg.close()

def check_app(p, check, images, server):
    import psutil
    pg = p.pg
    pg.bring_to_front()
    t = time.time()
    pg.wait_for_selector('.gg-app', timeout=120_000)
    pg.wait_for_function("() => document.querySelectorAll('canvas.gg-slice[data-draws]').length >= 6", timeout=60_000)
    p.settle()
    log(f'run page ready in {time.time() - t:.1f} s after the HTML')
    n_img = pg.evaluate("() => [...document.querySelectorAll('.gg-app img')].filter(i => i.naturalWidth > 0).length")
    check(n_img >= 5, f'run tab shows the run\'s figures ({n_img} images loaded)')
    if images:
        n = save_small(pg.screenshot(clip={'x': 0, 'y': 0, 'width': 1100, 'height': 900}), images / 'view_run_figures.png')
        log(f'screenshot view_run_figures.png ({n / 1000:.0f} KB)')
    pg.get_by_role('tab', name='Cases').click(); p.settle()
    check('MS-SSIM' in pg.locator('.gg-case-metrics').last.inner_text(), 'case browser shows the case metrics (MS-SSIM)')
    # lock-step: a click on the real axial plane moves the synthetic panel's crosshair and planes too
    cv = p.canvas('axial', 'real'); bb = cv.bounding_box()
    before = p.shot('sagittal', 'synthetic')
    cv.click(position={'x': bb['width'] * 0.35, 'y': bb['height'] * 0.4}); p.settle()
    crosses = pg.evaluate("() => [...document.querySelectorAll('canvas.gg-slice[data-plane=axial]')].map(c => c.dataset.cross)")
    check(len(crosses) == 2 and crosses[0] == crosses[1], f'CompareViewer crosshairs in lock-step: {crosses}')
    check(changed(before, p.shot('sagittal', 'synthetic')), 'a click on the real panel moves the synthetic sagittal plane')
    # another case
    sel = pg.locator('.gg-app .widget-dropdown select').first
    opts = sel.locator('option').all_inner_texts()
    before = p.shot('axial', 'real')
    # loading another case reads its NIfTI files in the kernel: wait for its metrics, then for drawing to stop
    p.drawn(lambda: sel.select_option(opts[1]), timeout=60)
    try: pg.wait_for_function("(name) => [...document.querySelectorAll('.gg-case-metrics')].some(e => e.innerText.includes(name))",
                              arg=opts[1], timeout=60_000)
    except Exception: pass                                            # the check below reports it
    p.settle(quiet=1.0, timeout=60)
    check(opts[1] in pg.locator('.gg-case-metrics').last.inner_text() and changed(before, p.shot('axial', 'real')),
          f'case browser opens another case ({opts[1]})')
    if images:
        n = save_small(pg.screenshot(clip={'x': 0, 'y': 0, 'width': 1100, 'height': 900}), images / 'view_run_cases.png')
        log(f'screenshot view_run_cases.png ({n / 1000:.0f} KB)')
    # culling: the kernel of a closed page is shut down
    def kernels():
        out = []
        for c in psutil.Process(server.pid).children(recursive=True):
            try:
                if c.status() != psutil.STATUS_ZOMBIE and 'ipykernel' in ' '.join(c.cmdline()): out.append(c)
            except psutil.Error: pass                                 # exited meanwhile
        return out
    n_open = len(kernels())
    pg.close()
    t = time.time()
    while kernels() and time.time() - t < 40: time.sleep(0.5)
    check(n_open >= 1 and not kernels(), f'kernel culled after the page closed ({n_open} kernel(s) while open, '
                                         f'none {time.time() - t:.1f} s after closing)')

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--chromium', default=os.environ.get('CHROMIUM', '/usr/bin/chromium'))
    ap.add_argument('--run', default=str(ROOT / 'runs' / 'browser-test'))
    ap.add_argument('--images', default=str(ROOT / 'nbs' / 'images'))
    ap.add_argument('--no-screenshots', action='store_true')
    a = ap.parse_args(argv)
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    from playwright.sync_api import sync_playwright
    from gliomagen.app import serve
    run = Path(a.run)
    log(f'run {run}: building (resumable)' if not (run / 'index.html').exists() else f'run {run}: reusing')
    if not (run / 'index.html').exists(): make_run(run)
    case, marker, shape = make_marker_case(run.parent / (run.name + '-marker'), run)
    log(f'marker case {case} (stored L, P, S), marker at RAS voxel {marker} of {shape}')
    check, errors, servers = Check(), [], []
    images = None if a.no_screenshots else Path(a.images)
    try:
        t = time.time()
        servers += [serve(case, cull_after=3), serve(run, cull_after=3)]
        log(f'two Voilà servers up in {time.time() - t:.1f} s: ' + ', '.join(f'{s.url} (pid {s.pid})' for s in servers))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=a.chromium, args=['--no-sandbox', '--disable-gpu'])
            try:
                pages = [Page(browser, s.url, errors) for s in servers]     # both pages load at once
                for name, fn in (('viewer', lambda: check_viewer(pages[0], marker, shape, check, images)),
                                 ('run page', lambda: check_app(pages[1], check, images, servers[1]))):
                    try: fn()
                    except Exception as e:
                        traceback.print_exc(); check(False, f'{name}: {type(e).__name__}: {str(e).splitlines()[0]}')
            finally: browser.close()
        check(not errors, f'no page errors ({errors[:3]})')
    finally:
        import shutil
        for s in servers:
            os.kill(s.pid, signal.SIGTERM)
            try: s.wait(20)
            except Exception: os.kill(s.pid, signal.SIGKILL); s.wait(5)
            shutil.rmtree(s.folder, ignore_errors=True)
        log('servers stopped: ' + ', '.join(f'pid {s.pid} exit {s.returncode}' for s in servers))
    log(f'{check.passed} passed, {len(check.failed)} failed in {time.time() - T0:.0f} s')
    for f in check.failed: log('FAILED:', f)
    return 1 if check.failed else 0

if __name__ == '__main__':
    sys.exit(main())
