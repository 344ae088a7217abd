# make run   — install what is missing, build, start ebb with the sample app
# make test  — install, build, run every test (unit + end-to-end)
# make asan  — the unit tests again under ASan + UBSan (CI runs it after make test)
BUILD ?= build
JOBS ?= 2
DATA_DIR ?= $(HOME)/.local/share/ebb
# Tests build without optimisation (quicker to compile on 2 cores); benchmarks use `make release`.
BUILD_TYPE ?= Debug
# Unity (batched) compilation: a from-scratch build in a fraction of the time; UNITY=OFF builds
# file by file (quicker incremental rebuilds while editing one file).
UNITY ?= ON
# ccache hits across clones of the repository (CI builds in a fresh clone).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: deps build release run test unit e2e asan clean

deps:
	@scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DEBB_UNITY=$(UNITY) >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

# Optimised build for benchmarks and `make run` speed: build-release/bin.
release: deps
	@cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build-release -j$(JOBS)

run: build
	$(BUILD)/bin/ebb serve --data-dir $(DATA_DIR) -f samples/helloworld/service.yaml

# E2E tests need the real kubectl, which the test installs from Debian if it is missing.
test: build
	@scripts/test-deps.sh
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit -j$(JOBS)

e2e: build
	cd $(BUILD) && ctest --output-on-failure -L e2e

# ASan + UBSan build of the unit tests.
asan: deps
	@cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DEBB_SANITIZE=ON -DEBB_UNITY=$(UNITY) >/dev/null
	@cmake --build build-asan -j$(JOBS)
	cd build-asan && ctest --output-on-failure -L unit -j$(JOBS)

clean:
	rm -rf $(BUILD) build-asan
