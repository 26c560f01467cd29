# virtkit.libvirt_client: build, test and release tasks.  `make help` lists them.
#
# Everything runs from .venv (created by `make venv` from requirements*.txt) with
# ANSIBLE_COLLECTIONS_PATH=.cache/collections, where `make collection` links
# ansible_collections/virtkit/libvirt_client to this checkout.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.NOTPARALLEL:
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := $(CURDIR)/.venv
VENV_BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.requirements.sha256
CACHE := $(CURDIR)/.cache
COLLECTIONS := $(CACHE)/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/virtkit/libvirt_client
MATRIX_DIR := $(CACHE)/matrix
# ansible-core release lines checked by `make test-matrix` (each one that installs on $(PYTHON)).
MATRIX_VERSIONS ?= 2.16 2.17 2.18 2.19
# pytest-xdist workers for the pytest step (0 runs everything in one process).
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=

export PATH := $(VENV_BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYTHONDONTWRITEBYTECODE := 1

# Steps of `make test`, in order: "target|title".
TEST_STEPS := \
	"lens|lens tests: augparse (tests/lens/run.sh)" \
	"pytest|pytest tests/unit tests/integration tests/reliability" \
	"sanity|ansible-test sanity + units (tests/sanity/run.sh)" \
	"targets|ansible-test integration targets (tests/integration/run-ansible-test.sh)" \
	"lint|ansible-lint + antsibull-docs lint (tests/lint/run.sh)" \
	"build|artifact build, offline install, demo (tests/build/run.sh)" \
	"molecule|molecule (tests/molecule/run.sh)"

.PHONY: help deps venv collection test demo lens pytest units integration sanity lint build \
	molecule bench changelog test-matrix clean mutate targets

help:
	@echo "Quick start:  make demo   |   make test"
	@echo
	@echo "  deps         install the Debian packages the tests need (apt-get; sudo -n when not root)"
	@echo "  venv         .venv from requirements.txt + requirements-test.txt (only when they change)"
	@echo "  collection   link .cache/collections/ansible_collections/virtkit/libvirt_client -> ."
	@echo "  test         deps venv collection, then stop at the first failing step of:"
	@echo "               lens, pytest, sanity, targets, lint, build, molecule"
	@echo "  demo         run demo/demo.yml"
	@echo "  lens         augparse tests of the Augeas lens"
	@echo "  pytest       pytest tests/unit tests/integration (-n PYTEST_WORKERS=$(PYTEST_WORKERS))"
	@echo "  units        pytest tests/unit"
	@echo "  integration  pytest tests/integration"
	@echo "  sanity       ansible-test sanity (all tests) and ansible-test units, --local"
	@echo "  targets      ansible-test integration --local: tests/integration/targets/ (real files, real virsh)"
	@echo "  lint         ansible-lint --profile production, antsibull-docs lint-collection-docs"
	@echo "  build        build the artifact, install it offline, run the demo against it"
	@echo "  molecule     tests/molecule/run.sh"
	@echo "  bench        benchmarks/run.sh"
	@echo "  mutate       cosmic-ray mutation testing of the file-safety and verification paths (slow;"
	@echo "               not part of make test; MUTATE_BUDGET=SECONDS bounds each session)"
	@echo "  changelog    antsibull-changelog release (or generate, once released) -> CHANGELOG.md"
	@echo "               (RERELEASE=1 records the current version again from scratch)"
	@echo "  test-matrix  ansible-test sanity + units on each ansible-core line: $(MATRIX_VERSIONS)"
	@echo "  clean        remove .venv, .cache and generated files"

# --- environment ------------------------------------------------------------------------

deps:
	@PYTHON=$(PYTHON) .ci/deps

venv:
	@want=$$(cat requirements.txt requirements-test.txt | sha256sum | cut -d' ' -f1); \
	if [ -x "$(VENV_BIN)/python" ] && ! "$(VENV_BIN)/python" -c '' 2>/dev/null; then \
		echo "venv: $(VENV) is broken (its python no longer runs); recreating"; rm -rf "$(VENV)"; \
	fi; \
	if [ "$$(cat "$(VENV_STAMP)" 2>/dev/null)" = "$$want" ] \
		&& "$(VENV_BIN)/python" -c 'import ansible, augeas, ruamel.yaml, pytest' 2>/dev/null; then \
		echo "venv: up to date ($$("$(VENV_BIN)/python" -c 'import ansible; print("ansible-core", ansible.__version__)'))"; \
	else \
		start=$$SECONDS; \
		if [ ! -x "$(VENV_BIN)/python" ]; then \
			echo "venv: creating $(VENV) with $$(command -v $(PYTHON)) ($$($(PYTHON) -V 2>&1))"; \
			$(PYTHON) -m venv "$(VENV)"; \
		fi; \
		echo "venv: installing requirements.txt + requirements-test.txt"; \
		"$(VENV_BIN)/python" -m pip install --quiet --requirement requirements-test.txt; \
		"$(VENV_BIN)/python" -m pip check || echo "venv: NOTE: pip check reports the conflicts above"; \
		echo "$$want" > "$(VENV_STAMP)"; \
		echo "venv: ready in $$((SECONDS - start))s ($$("$(VENV_BIN)/python" -c 'import ansible; print("ansible-core", ansible.__version__)'))"; \
	fi

collection:
	@mkdir -p "$(dir $(COLLECTION_LINK))"
	@if [ -e "$(COLLECTION_LINK)" ] && [ ! -L "$(COLLECTION_LINK)" ]; then \
		echo "collection: $(COLLECTION_LINK) exists and is not a symlink; run 'make clean'" >&2; exit 1; \
	fi
	@ln -sfn "$(CURDIR)" "$(COLLECTION_LINK)"
	@echo "collection: $(COLLECTION_LINK) -> $(CURDIR)"

# --- the whole suite --------------------------------------------------------------------

test: deps venv collection
	@if [ "$$(id -u)" != 0 ]; then \
		echo "make test: the suite creates users, runs virsh as other users and starts sshd in mount namespaces;"; \
		echo "make test: running it as root through sudo"; \
		exec sudo -n env "PATH=$$PATH" $(MAKE) test; \
	fi; \
	t0=$$SECONDS; passed=0; skipped=0; n=0; report=(); \
	for step in $(TEST_STEPS); do \
		target=$${step%%|*}; title=$${step#*|}; n=$$((n + 1)); s=$$SECONDS; \
		if [ "$$target" = molecule ] && [ ! -f tests/molecule/run.sh ]; then \
			echo; echo "== SKIPPED: $$n. $$title: tests/molecule/run.sh does not exist"; \
			skipped=$$((skipped + 1)); report+=("$$n. $$target: skipped (no tests/molecule/run.sh)"); continue; \
		fi; \
		if .ci/step "$$n. $$title" $(MAKE) "$$target"; then \
			passed=$$((passed + 1)); report+=("$$n. $$target: passed ($$((SECONDS - s))s)"); \
		else \
			report+=("$$n. $$target: FAILED ($$((SECONDS - s))s)"); \
			echo; echo "make test: FAILED at step $$n ($$target) after $$((SECONDS - t0))s"; \
			printf '  %s\n' "$${report[@]}"; \
			echo "steps: $$passed passed, 1 failed"; exit 1; \
		fi; \
	done; \
	echo; echo "make test: all steps passed in $$((SECONDS - t0))s"; \
	printf '  %s\n' "$${report[@]}"; \
	if [ "$$skipped" -gt 0 ]; then echo "steps: $$passed passed, 0 failed, $$skipped skipped"; \
	else echo "steps: $$passed passed, 0 failed"; fi

demo: deps venv collection
	@test -f demo/demo.yml || { echo "demo: demo/demo.yml does not exist" >&2; exit 1; }
	@if [ -f demo/ansible.cfg ]; then export ANSIBLE_CONFIG="$(CURDIR)/demo/ansible.cfg"; fi; \
	ansible-playbook demo/demo.yml

# --- single steps (expect `make venv collection` to have run) ----------------------------

lens:
	@test -f tests/lens/run.sh || { echo "lens: FAIL: tests/lens/run.sh is missing" >&2; exit 1; }
	bash tests/lens/run.sh

pytest:
	python -m pytest -p no:cacheprovider -q -n $(PYTEST_WORKERS) tests/unit tests/integration tests/reliability \
		$(PYTEST_ARGS)

units:
	python -m pytest -p no:cacheprovider -q -n $(PYTEST_WORKERS) tests/unit $(PYTEST_ARGS)

integration:
	python -m pytest -p no:cacheprovider -q -n $(PYTEST_WORKERS) tests/integration $(PYTEST_ARGS)

sanity:
	bash tests/sanity/run.sh

targets:
	bash tests/integration/run-ansible-test.sh

lint:
	bash tests/lint/run.sh

build:
	bash tests/build/run.sh

molecule:
	@test -f tests/molecule/run.sh || { echo "molecule: FAIL: tests/molecule/run.sh is missing" >&2; exit 1; }
	bash tests/molecule/run.sh

mutate: venv collection
	bash tests/mutation/run.sh $(MUTATE_SESSIONS)

bench: venv collection
	@if [ -f benchmarks/run.sh ]; then bash benchmarks/run.sh; \
	else echo "bench: benchmarks/run.sh does not exist; nothing to run"; fi

# --- release ----------------------------------------------------------------------------

# RERELEASE=1 drops changelogs/changelog.yaml first and records the current version afresh
# (with the plugins, modules and roles it adds), e.g. before the first release is tagged.
changelog: venv collection
	@version=$$(sed -n 's/^version:[[:space:]]*//p' galaxy.yml | tr -d "\"'"); \
	if [ "$(RERELEASE)" = 1 ]; then \
		echo "changelog: RERELEASE=1: removing changelogs/changelog.yaml"; \
		rm -f changelogs/changelog.yaml changelogs/.plugin-cache.yaml; \
	fi; \
	if [ -f changelogs/changelog.yaml ] && python -c 'import sys, yaml; \
		sys.exit(sys.argv[1] not in (yaml.safe_load(open(sys.argv[2])).get("releases") or {}))' \
		"$$version" changelogs/changelog.yaml; then \
		echo "changelog: $$version is already released; regenerating CHANGELOG.md"; \
		antsibull-changelog generate --reload-plugins --refresh; \
	else \
		echo "changelog: releasing $$version"; \
		antsibull-changelog release --reload-plugins; \
	fi; \
	antsibull-changelog lint; \
	ls -l changelogs/changelog.yaml CHANGELOG.md

# --- ansible-core matrix ----------------------------------------------------------------

test-matrix: deps collection
	@summary=(); failed=0; \
	for v in $(MATRIX_VERSIONS); do \
		venv="$(MATRIX_DIR)/$$v/venv"; \
		reqs=$$( { grep -v '^ansible-core' requirements.txt; \
			grep -E '^(pytest|pytest-xdist|pytest-mock|mock|hypothesis)==' requirements-test.txt; } \
			| grep -v '^#' | grep -v '^-r' | sort); \
		want=$$(printf '%s\n%s\n' "$$v" "$$reqs" | sha256sum | cut -d' ' -f1); \
		echo; echo "==== ansible-core $$v ===="; \
		if [ "$$(cat "$$venv/.stamp" 2>/dev/null)" != "$$want" ]; then \
			rm -rf "$$venv"; $(PYTHON) -m venv "$$venv"; \
			if ! "$$venv/bin/python" -m pip install --quiet "ansible-core==$$v.*" $$reqs; then \
				echo "ansible-core $$v does not install on $$($(PYTHON) -V 2>&1): skipped"; \
				summary+=("$$v: not installable on this Python (skipped)"); rm -rf "$$venv"; continue; \
			fi; \
			echo "$$want" > "$$venv/.stamp"; \
		fi; \
		core=$$("$$venv/bin/python" -c 'import ansible; print(ansible.__version__)'); \
		if PATH="$$venv/bin:$$PATH" ANSIBLE_TEST_WORKDIR="$(MATRIX_DIR)/$$v/work" \
			.ci/step "ansible-core $$core: ansible-test sanity + units" bash tests/sanity/run.sh; then \
			summary+=("$$v ($$core): PASSED"); \
		else \
			summary+=("$$v ($$core): FAILED"); failed=$$((failed + 1)); \
		fi; \
	done; \
	echo; echo "test-matrix summary:"; printf '  %s\n' "$${summary[@]}"; \
	[ "$$failed" -eq 0 ]

# --- housekeeping -----------------------------------------------------------------------

clean:
	rm -rf .venv .cache .tmp tests/output .pytest_cache .hypothesis .ruff_cache .mypy_cache demo/work
	rm -f virtkit-libvirt_client-*.tar.gz
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
