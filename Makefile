# failover-lab — the two set-up commands on a fresh machine are `make demo` and `make test`;
# every target bootstraps what it needs (npm packages, Docker engine, lab image).
SHELL := /bin/bash
.DEFAULT_GOAL := help
NODE_BIN := node_modules/.bin
MOCHA := $(NODE_BIN)/mocha --reporter test/summary-reporter.cjs

.PHONY: help deps build fresh-build lint format engine images browser test test-unit e2e demo demo-probe tour bench bench-split-brain docs clean

help:
	@echo "make demo   arp-ha's transparent takeover vs keepalived on the same crash; prints both verdicts and the comparison page"
	@echo "make demo-probe   four byte-checked TCP streams through a 2 s link flap, with live output"
	@echo "make tour   deploy the smoke lab, show pings, VLAN moves, node stop/start; destroy it"
	@echo "make test   unit + e2e tests (bootstraps npm packages, Docker engine, lab image, chromium)"
	@echo "make e2e    e2e tests only (SHARD=i/n: shard i of n, for a CI matrix);  make test-unit  unit tests only"
	@echo "make lint   eslint + prettier --check (make test runs it first);  make format  fix what they can"
	@echo "make bench  benchmarks (deploy/destroy, a node's TCP table, probe throughput, failover gaps, nat-lb, shared-nic, redirector, migration); writes docs/measurements.md"
	@echo "make bench-split-brain   keepalived's split-brain field bug against arp-ha (~15 min)"
	@echo "make engine / make images   the bootstrap steps on their own"
	@echo "make docs   regenerate docs/scenarios.md (every scenario and what it checks) from the files"

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: node_modules/.package-lock.json

build: deps
	$(NODE_BIN)/tsc -p tsconfig.json

# The test targets compile into an empty dist/: a compiled test of a deleted source must not run.
fresh-build: deps
	rm -rf dist
	$(NODE_BIN)/tsc -p tsconfig.json

# Caches under node_modules/.cache. ESLint's is per file: a type change seen only in another
# file's result is caught by CI's fresh checkout (docs/lint.md).
lint: deps
	@$(NODE_BIN)/eslint --cache --cache-location node_modules/.cache/eslint/ .
	@$(NODE_BIN)/prettier --check --cache --log-level=warn .

format: deps
	$(NODE_BIN)/eslint --fix --cache --cache-location node_modules/.cache/eslint/ .
	$(NODE_BIN)/prettier --write --cache --log-level=warn .

engine:
	@bash scripts/ensure-engine.sh

images: engine
	@bash images/build.sh
	@bash images/build-migration.sh

# The comparison page's screenshot test needs a headless browser (Debian's chromium).
browser:
	@bash scripts/ensure-chromium.sh

# examples/: a user's own suite on the package's API (examples/mocha/README.md), run with the e2e tests.
# Lint and the build share nothing, so they run side by side (the bootstrap steps before them
# install Debian packages, which must not run at the same time).
test: images browser
	@$(MAKE) --no-print-directory -j2 lint fresh-build
	@$(MOCHA) --config .mocharc.json 'dist/test/unit/**/*.test.js' 'dist/test/e2e/**/*.test.js' 'dist/examples/**/*.test.js'

test-unit: fresh-build
	@$(MOCHA) --config .mocharc.json 'dist/test/unit/**/*.test.js'

# SHARD=i/n: shard i of n of the scenarios (balanced by expected duration) and of the other e2e
# files, so that a CI matrix of n machines runs every test once (docs/ci.md).
e2e: fresh-build images browser
ifeq ($(SHARD),)
	@$(MOCHA) --config .mocharc.json 'dist/test/e2e/**/*.test.js' 'dist/examples/**/*.test.js'
else
	@files=$$(node dist/test/helpers/e2e-shard-files.js dist/test/e2e '$(SHARD)' dist/examples/mocha) && \
	FAILOVER_LAB_SHARD='$(SHARD)' $(MOCHA) --config .mocharc.json $$files
endif

demo: build images
	@bash scripts/demo.sh

demo-probe: build images
	@bash scripts/demo-probe.sh

tour: build images
	@bash scripts/tour.sh

# Each bench writes runs/bench/<name>.json; the generator turns them into docs/measurements.md.
bench: build images
	node dist/bench/deploy-bench.js
	node dist/bench/node-tcp-table-bench.js
	node dist/bench/probe-throughput.js
	node dist/bench/failover-bench.js
	node dist/bench/nat-lb-bench.js
	node dist/bench/split-brain-heal-bench.js
	node dist/bench/shared-nic-bench.js
	node dist/bench/redirector-bench.js
	node dist/bench/migration-bench.js
	node dist/bench/write-measurements.js

# The split-brain field bug (keepalived defaults vs arp-ha): about 15 minutes, so on its own.
bench-split-brain: build images
	node dist/bench/split-brain-bench.js

# docs/scenarios.md: every scenario with its faults and checks, generated from the files.
docs: build
	node dist/src/cli/write-scenario-catalog.js

clean:
	-node bin/failover-lab.js destroy --all
	rm -rf dist
