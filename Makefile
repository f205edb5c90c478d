# The two quick-start commands (README): `make demo` and `make test`. Each creates or reuses the project's
# virtualenv (cached outside the clone, keyed by the requirements; see tools/env.sh).
SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c
DEMO_OUT ?= runs/demo
TEST_FLAGS ?= slow nnunet
TEST_WORKERS ?= 2

.PHONY: demo demo-ldm demo-ldm-seg test test-fast test-browser env export clean readme lint

env:
	@tools/env.sh

demo:
	@V=$$(tools/env.sh)
	"$$V/bin/gliomagen" demo --out "$(DEMO_OUT)"

# Seed 001's latent model on the same cohort (README), compared with the pixel demo in runs/demo when it is there.
demo-ldm:
	@V=$$(tools/env.sh)
	"$$V/bin/gliomagen" demo --model ldm --out runs/demo-ldm

# Seed 003's LDM-seg on the same cohort (README): mask generator, ControlNet segmenter, a baseline beside it. Its
# optional "does it help" stage (about 4 min more) draws a synthetic cohort with the pixel demo in runs/demo:
# gliomagen demo --model ldm-seg --out runs/demo-ldm-seg --helps (after make demo; finished stages are kept).
demo-ldm-seg:
	@V=$$(tools/env.sh)
	"$$V/bin/gliomagen" demo --model ldm-seg --out runs/demo-ldm-seg

test:
	@V=$$(tools/env.sh)
	# TEST_WORKERS notebooks run at once, one thread each: with 2 threads per notebook on 2 cores, OpenMP's
	# spinning makes small 3D convolutions many times slower than with 1.
	export PATH="$$V/bin:$$PATH" MPLBACKEND=Agg OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1}
	nbdev_test --flags "$(TEST_FLAGS)" --n_workers $(TEST_WORKERS) --timing --do_print
	# nbdev_test exits non-zero when any notebook fails, so reaching this line means every notebook passed.
	echo "notebooks: $$(ls nbs/*.ipynb | grep -v '/_' | wc -l) passed, 0 failed"

test-fast:
	@$(MAKE) test TEST_FLAGS=

# The viewers and `gliomagen view` in a real browser: Debian's chromium (installed by tools/chromium.sh when
# missing) driven by Playwright from pip; builds a small run under runs/browser-test once (reused afterwards),
# serves it with Voilà on free ports of 127.0.0.1, stops the servers by PID. Screenshots go to nbs/images/.
test-browser:
	@V=$$(tools/env.sh)
	CHROMIUM=$$(tools/chromium.sh)
	export PATH="$$V/bin:$$PATH" MPLBACKEND=Agg OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1}
	python tools/browser_test.py --chromium "$$CHROMIUM"

export:
	@V=$$(tools/env.sh)
	export PATH="$$V/bin:$$PATH"
	nbdev_export && nbdev_clean && python tools/readme.py

lint:
	@V=$$(tools/env.sh)
	"$$V/bin/ruff" check gliomagen

readme:
	@python3 tools/readme.py
