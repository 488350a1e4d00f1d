# Every target provisions what it needs; a second run reuses what the first one built.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install host tools pipeline-tools gitea-build cluster-build engine services cluster test unit lint demo \
	bench clean

# The builds that need no running service (tools, Gitea, the cluster's binaries) run beside the
# engine's: a single Go build leaves a core idle while it downloads and links.
MAKEFLAGS += --jobs=4

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip
	@$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)
	@echo "==> installed slipway into $(VENV)"

host: install
	@bash src/slipway/provision/host-packages.sh

tools: host
	@bash src/slipway/provision/tool-binaries.sh

# Only the tools the stage images hold: the engine's `up` waits for them before its stage images,
# so they build beside the engine's own build instead of after it.
pipeline-tools: host
	@bash src/slipway/provision/tool-binaries.sh pipeline

gitea-build: host
	@bash src/slipway/provision/gitea.sh build

cluster-build: host
	@bash src/slipway/provision/cluster.sh build

engine: host
	@$(VENV)/bin/slipway engine up

services: engine gitea-build pipeline-tools
	@bash src/slipway/provision/gitea.sh up

# The local Kubernetes API (etcd, kube-apiserver, controller-manager, scheduler, kwok) and Flux,
# on 127.0.0.1; after the engine, whose registry gets the kubectl tool image.
cluster: engine cluster-build
	@$(VENV)/bin/slipway cluster up

unit: install
	@$(PY) -m pytest -m "not engine" tests

# Engine tests spend most of their time waiting (on the engine, Gitea, rollouts, Flux), so
# they run in TEST_WORKERS processes; the disruptive
# ones (they stop or restart a shared service) run alone afterwards.
TEST_WORKERS ?= 3

test: services cluster tools
	@$(PY) -m pytest -m "not disruptive" -n $(TEST_WORKERS) --dist load --durations=25 tests
	@$(PY) -m pytest -m disruptive tests

# The first PR needs only the engine (with the pipeline's tools) and Gitea; the local cluster,
# which the closed loop (demo/loop.sh) needs, builds after it. SLIPWAY_DEMO_START is when make
# started: run.sh reports how long the first PR took from there.
demo: export SLIPWAY_DEMO_START := $(shell date +%s)
demo: services
	@bash demo/run.sh
	@$(MAKE) --no-print-directory cluster
	@bash demo/loop.sh

bench: services cluster tools
	@cd bench && ../$(PY) startup_bench.py
	@cd bench && ../$(PY) build_bench.py
	@cd bench && ../$(PY) promote_bench.py
	@cd bench && ../$(PY) module_bench.py
	@cd bench && ../$(PY) gitops_loop_bench.py
	@cd bench && ../$(PY) deploy_bench.py
	@cd bench && ../$(PY) peer_bench.py
	@cd bench && ../$(PY) goals.py

lint: install
	@$(VENV)/bin/ruff check src tests dagger bench
	@$(VENV)/bin/ruff format --check src tests dagger bench
	@$(VENV)/bin/mypy

clean:
	rm -rf $(VENV)
