# Thin wrapper over CMake presets for the README's two commands (STYLE #11).
# make demo  — install deps if missing, configure, build, run examples/quickstart.yaml, write build/demo/report.html
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

# The quick-start for real: results in build/demo/bsb-results.sqlite, the report beside it.
# A run with failed cells (exit 3) or a failed gate (exit 4) still gets its report.
DEMO_DIR := $(BUILD)/demo
demo: build
	@mkdir -p $(DEMO_DIR)
	@start=$$(date +%s); \
	./$(BUILD)/bsb-matrix run examples/quickstart.yaml --db $(DEMO_DIR)/bsb-results.sqlite; rc=$$?; \
	case $$rc in 0|3|4) ;; *) exit $$rc ;; esac; \
	./$(BUILD)/bsb-matrix report --db $(DEMO_DIR)/bsb-results.sqlite --html -o $(DEMO_DIR)/report.html || exit $$?; \
	echo; echo "report: $$(cd $(DEMO_DIR) && pwd)/report.html"; \
	echo "results: $(DEMO_DIR)/bsb-results.sqlite (bsb-matrix runs --db $(DEMO_DIR)/bsb-results.sqlite)"; \
	echo "demo took $$(( $$(date +%s) - start )) s (exit code $$rc)"; \
	exit $$rc

bench: deps
	cmake --preset release $(CMAKE_CI)
	cmake --build --preset release -j $(JOBS)
	./build-release/bench/bsb-bench

clean:
	rm -rf build build-asan build-release build-fuzz
