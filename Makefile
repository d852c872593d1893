# Thin wrapper over CMake presets for the README's two commands (STYLE #11).
# make demo  — install deps if missing, configure, build, run the main job on the embedded default
# make test  — install deps if missing, configure, build, run every test through ctest

PRESET   ?= default
BUILD    := build
CMAKE_CI := $(if $(CI),-DBSB_WERROR=ON,)
JOBS     ?= $(shell nproc)

.PHONY: all deps configure build test test-unit test-fuzz test-asan demo bench clean

all: build

deps:
	@bash ci/install-deps.sh

configure: deps
	cmake --preset $(PRESET) $(CMAKE_CI)

build: configure
	cmake --build --preset $(PRESET) -j $(JOBS)

# Fuzz first so the closing lines are the full suite's summary.
test: test-fuzz test-unit

test-unit: build
	ctest --preset $(PRESET) -j $(JOBS)

# Every libFuzzer target, clang-built with ASan/UBSan, for a bounded number of runs.
test-fuzz: deps
	cmake --preset fuzz $(CMAKE_CI)
	cmake --build --preset fuzz -j $(JOBS)
	ctest --preset fuzz -j $(JOBS)

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: deps
	cmake --preset asan $(CMAKE_CI)
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

demo: build
	./$(BUILD)/bsb-matrix plan examples/quickstart.yaml

bench: deps
	cmake --preset release $(CMAKE_CI)
	cmake --build --preset release -j $(JOBS)
	./build-release/bench/bsb-bench

clean:
	rm -rf build build-asan build-release build-fuzz
