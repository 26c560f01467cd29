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

# The interpreter .venv is built with: PYTHON=... on the command line or in the environment, or
# else the newest usable Python 3.14/3.13/3.12 that .ci/find-python finds (pyenv's versions, then
# python3.X on PATH).  ansible-core 2.21 needs Python 3.12 or later.
ifeq ($(strip $(PYTHON)),)
PYTHON := $(shell $(CURDIR)/.ci/find-python 2>/dev/null)
endif
VENV := $(CURDIR)/.venv
VENV_BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.requirements.sha256
VENV_PYTHON_STAMP := $(VENV)/.python
REQUIREMENTS := requirements.txt requirements-test.txt requirements-dev.txt
CACHE := $(CURDIR)/.cache
COLLECTIONS := $(CACHE)/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/virtkit/libvirt_client
# ansible-core release lines checked by `make test-matrix` (.ci/test-matrix), each as
# LINE:PYTHON[:PIN,...[:TARGET]]: every supported line, each on a Python it supports; the oldest line
# with the oldest ruamel.yaml requirements.txt allows.  TARGET: the modules' integration tests run
# the modules on that Python (pyenv's, with PyPI's python-augeas): 2.17 on 3.7 and 2.18 on 3.8, the
# oldest target Pythons these lines support.
MATRIX ?= 2.17:3.12:ruamel.yaml==0.18.6:3.7 2.18:3.13::3.8 2.19:3.13 2.20:3.13 2.21:3.13
# pytest-xdist workers for the pytest step (0 runs everything in one process).
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=
EARLY_STEPS ?= rootfs
BESIDE_STEPS ?=

export PATH := $(VENV_BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYTHONDONTWRITEBYTECODE := 1

# Steps of `make test`, in order: "target|title" (.ci/run-steps runs them).  The steps of EARLY_STEPS
# start at once, beside the steps before them, and are waited for at their place: the roots are mostly
# downloads and disk, and lens, sanity and lint need no root.  The steps of BESIDE_STEPS (none by default)
# start at their place and run beside the steps after them: molecule beside targets, build and importer
# took as long as one after the other (its scenarios already run three at a time), so it runs last.
TEST_STEPS := \
	"lens|lens tests: augparse (tests/lens/run.sh)" \
	"sanity|ansible-test sanity + units (tests/sanity/run.sh)" \
	"lint|ansible-lint + antsibull-docs lint (tests/lint/run.sh)" \
	"rootfs|Debian 13, 11 and unstable roots: libvirt 11.3, 7.0 and the newest for the tests and the fleet (tests/fleet/rootfs.sh)" \
	"pytest|pytest: tests/unit as nobody without libvirt; tests/differential tests/integration tests/reliability" \
	"targets|ansible-test integration targets (tests/integration/run-ansible-test.sh)" \
	"build|artifact build, offline install, demo (tests/build/run.sh)" \
	"importer|galaxy-importer on the artifact: no warning, no error (tests/build/importer.sh)" \
	"molecule|molecule (tests/molecule/run.sh)"

.PHONY: rootfs help deps venv collection test demo lens pytest units differential integration sanity lint build \
	importer molecule bench changelog test-matrix clean mutate targets

help:
	@echo "Quick start:  make demo   |   make test"
	@echo
	@echo "  deps         install the Debian packages the tests need (apt-get; sudo -n when not root)"
	@echo "  venv         .venv from requirements-dev.txt on PYTHON=$(or $(PYTHON),<none found: .ci/find-python>)"
	@echo "               (rebuilt when the requirements or the Python change)"
	@echo "  collection   link .cache/collections/ansible_collections/virtkit/libvirt_client -> ."
	@echo "  test         deps venv collection, then stop at the first failing step of:"
	@echo "               lens, sanity, lint, rootfs, pytest, targets, build, importer, molecule"
	@echo "               (EARLY_STEPS=\"$(EARLY_STEPS)\" start at once, beside the steps before them;"
	@echo "               BESIDE_STEPS=\"$(BESIDE_STEPS)\" would run beside the steps after them)"
	@echo "  demo         run demo/demo.yml"
	@echo "  rootfs       build (once; cached in .cache/roots) the Debian 13, 11 and unstable roots of the"
	@echo "               other libvirt versions ($(ROOTS))"
	@echo "  lens         augparse tests of the Augeas lens"
	@echo "  pytest       units, then pytest tests/differential tests/integration tests/reliability"
	@echo "               (-n PYTEST_WORKERS=$(PYTEST_WORKERS))"
	@echo "  units        pytest tests/unit: as root, as nobody with libvirt hidden (tests/unprivileged.sh)"
	@echo "  differential pytest tests/differential: against real libvirt (virsh 9.0 here; 11.3, 7.0 and the"
	@echo "               newest in the roots)"
	@echo "  integration  pytest tests/integration"
	@echo "  sanity       ansible-test sanity (all tests) and ansible-test units (tests/unit), --local"
	@echo "  targets      ansible-test integration --local: tests/integration/targets/ (real files, real virsh)"
	@echo "  lint         ansible-lint --profile production, antsibull-docs lint-collection-docs"
	@echo "  build        build the artifact, install it offline, run the demo against it"
	@echo "  importer     galaxy-importer (Galaxy's import check; own venv in .cache/importer-venv) on the"
	@echo "               artifact, offline, without ansible-test: fails on any WARNING or ERROR line"
	@echo "  molecule     tests/molecule/run.sh (MOLECULE_JOBS scenarios at once, default 3)"
	@echo "  bench        benchmarks/run.sh"
	@echo "  mutate       cosmic-ray mutation testing of the file-safety and verification paths (slow;"
	@echo "               not part of make test; MUTATE_BUDGET=SECONDS bounds each session)"
	@echo "  changelog    antsibull-changelog release (or generate, once released) -> CHANGELOG.md"
	@echo "               (RERELEASE=1 records the current version again from scratch)"
	@echo "  test-matrix  on each supported ansible-core line, each on a Python it supports: ansible-test"
	@echo "               sanity, units and integration, and the modules' pytest integration tests:"
	@echo "               $(MATRIX)"
	@echo "  clean        remove .venv, .cache and generated files"

# --- environment ------------------------------------------------------------------------

deps:
	@PYTHON=$(PYTHON) .ci/deps

venv:
	@if [ -z "$(PYTHON)" ]; then .ci/find-python >/dev/null; exit 1; fi; \
	py_id=$$("$(PYTHON)" -c 'import os, sys; print(os.path.realpath(sys.executable), sys.version.split()[0])') \
		|| { echo "venv: PYTHON=$(PYTHON) does not run" >&2; exit 1; }; \
	want=$$(cat $(REQUIREMENTS) | sha256sum | cut -d' ' -f1); \
	if [ -x "$(VENV_BIN)/python" ] && ! "$(VENV_BIN)/python" -c '' 2>/dev/null; then \
		echo "venv: $(VENV) is broken (its python no longer runs); recreating"; rm -rf "$(VENV)"; \
	fi; \
	if [ -d "$(VENV)" ] && [ "$$(cat "$(VENV_PYTHON_STAMP)" 2>/dev/null)" != "$$py_id" ]; then \
		echo "venv: $(VENV) was built with $$(cat "$(VENV_PYTHON_STAMP)" 2>/dev/null || echo 'another Python')," \
			"not $$py_id; recreating"; \
		rm -rf "$(VENV)"; \
	fi; \
	if [ "$$(cat "$(VENV_STAMP)" 2>/dev/null)" = "$$want" ] \
		&& "$(VENV_BIN)/python" -c 'import ansible, augeas, ruamel.yaml, pytest' 2>/dev/null; then \
		echo "venv: up to date ($$("$(VENV_BIN)/python" -c 'import ansible, platform; print("ansible-core", ansible.__version__, "on Python", platform.python_version())'))"; \
	else \
		start=$$SECONDS; \
		if [ ! -x "$(VENV_BIN)/python" ]; then \
			echo "venv: creating $(VENV) with $(PYTHON) ($$("$(PYTHON)" -V 2>&1))"; \
			"$(PYTHON)" -m venv "$(VENV)"; \
			echo "$$py_id" > "$(VENV_PYTHON_STAMP)"; \
		fi; \
		echo "venv: installing requirements-dev.txt (with requirements-test.txt and requirements.txt)"; \
		"$(VENV_BIN)/python" -m pip install --quiet --requirement requirements-dev.txt; \
		"$(VENV_BIN)/python" -m pip check || echo "venv: NOTE: pip check reports the conflicts above"; \
		echo "$$want" > "$(VENV_STAMP)"; \
		echo "venv: ready in $$((SECONDS - start))s ($$("$(VENV_BIN)/python" -c 'import ansible, platform; print("ansible-core", ansible.__version__, "on Python", platform.python_version())'))"; \
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
	EARLY_STEPS="$(EARLY_STEPS)" BESIDE_STEPS="$(BESIDE_STEPS)" MAKE="$(MAKE)" .ci/run-steps "$(CACHE)/steps" $(TEST_STEPS)

demo: deps venv collection
	@test -f demo/demo.yml || { echo "demo: demo/demo.yml does not exist" >&2; exit 1; }
	@if [ -f demo/ansible.cfg ]; then export ANSIBLE_CONFIG="$(CURDIR)/demo/ansible.cfg"; fi; \
	ansible-playbook demo/demo.yml

# --- single steps (expect `make venv collection` to have run) ----------------------------

# The roots of the other libvirt versions, oracles of the differential tests and systems of the
# fleet's hosts: Debian 13 (libvirt 11.3, Python 3.13), Debian 11 (7.0, Python 3.9) and Debian
# unstable (the newest).  Built with debootstrap the first time, all at once, then only checked.
# A release Debian's registry no longer serves (rootfs.sh exits 3) is left out, with its message.
export ROOTFS_CACHE := $(CACHE)/roots
ROOTS := debian13 debian11 sid
rootfs:
	@pids=(); for root in $(ROOTS); do bash tests/fleet/rootfs.sh build $$root & pids+=($$!); done; \
	failed=0; for pid in "$${pids[@]}"; do \
		status=0; wait "$$pid" || status=$$?; \
		if [ "$$status" = 3 ]; then echo "rootfs: a release is not on the registry: its oracle is left out"; \
		elif [ "$$status" != 0 ]; then failed=1; fi; \
	done; exit "$$failed"

lens:
	@test -f tests/lens/run.sh || { echo "lens: FAIL: tests/lens/run.sh is missing" >&2; exit 1; }
	bash tests/lens/run.sh

# The suites by what they need:
#   tests/unit          nothing: no root, no virsh, no libvirt (the `units` target proves it as root by
#                       running them as nobody with libvirt hidden: tests/unprivileged.sh)
#   tests/differential  real libvirt: this machine's virsh 9.0 and the roots' 11.3, 7.0 and newest, root
#   tests/integration   ansible-playbook, ansible-doc, ansible-builder, virsh, root, mount namespaces
#   tests/reliability   root (users of its own), virsh
# The pytest step runs each test once: tests/unit as nobody, the rest as root in one pytest run
# (tests/differential first, so its long tests start at once instead of serialising at the end).
# ansible-test units (the sanity step) runs tests/unit again, under ansible-test's harness (~30 s).
pytest: units
	python -m pytest -p no:cacheprovider -q -n $(PYTEST_WORKERS) --dist loadgroup --durations=40 \
		tests/differential tests/integration tests/reliability $(PYTEST_ARGS)

units:
	@if [ "$$(id -u)" = 0 ]; then bash tests/unprivileged.sh tests/unit $(PYTEST_ARGS); \
	else python -m pytest -p no:cacheprovider -q -n $(PYTEST_WORKERS) tests/unit $(PYTEST_ARGS); fi

differential:
	python -m pytest -p no:cacheprovider -q -n $(PYTEST_WORKERS) --durations=20 tests/differential $(PYTEST_ARGS)

integration:
	python -m pytest -p no:cacheprovider -q -n $(PYTEST_WORKERS) --dist loadgroup tests/integration $(PYTEST_ARGS)

# ansible-test units runs the whole unit suite under its own harness.
SANITY_UNIT_TESTS := tests/unit/

sanity:
	NO_INTEGRATION=1 UNIT_TESTS="$(SANITY_UNIT_TESTS)" bash tests/sanity/run.sh

targets:
	bash tests/integration/run-ansible-test.sh

lint:
	bash tests/lint/run.sh

build:
	bash tests/build/run.sh

# galaxy-importer's pins need not agree with .venv's: it gets a virtualenv of its own.
importer:
	PYTHON=$(PYTHON) bash tests/build/importer.sh

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
	@.ci/test-matrix $(MATRIX)

# --- housekeeping -----------------------------------------------------------------------

clean:
	rm -rf .venv .cache .tmp tests/output .pytest_cache .hypothesis .ruff_cache .mypy_cache demo/work
	rm -f virtkit-libvirt_client-*.tar.gz
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
