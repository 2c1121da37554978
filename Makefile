# The README's commands. Each installs what is missing, builds, then runs.
#   make demo      build, then assemble, verify and run the example programs
#   make test      build and run every test (unit, conformance, CLI)
#   make sanitize  the tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench     the benchmarks (Release build)
BUILD    ?= build
JOBS     ?= $(shell nproc)
CMAKE    := cmake -G Ninja -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache

.PHONY: all deps build demo test sanitize bench clean

all: build

deps:
	@.ci/install-deps.sh build

build: deps
	@$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@examples/demo.sh $(BUILD)

test: build
	@ctest --test-dir $(BUILD) -j $(JOBS) --output-on-failure

sanitize:
	@.ci/install-deps.sh sanitize
	@$(CMAKE) -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=Debug -DSANDBPF_SANITIZE=ON \
	  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 >/dev/null
	@cmake --build $(BUILD)-asan -j $(JOBS)
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(BUILD)-asan -j $(JOBS) --output-on-failure

bench:
	@.ci/install-deps.sh bench
	@$(CMAKE) -S . -B $(BUILD)-bench -DCMAKE_BUILD_TYPE=Release -DSANDBPF_BENCH=ON \
	  -DSANDBPF_TESTS=OFF >/dev/null
	@cmake --build $(BUILD)-bench -j $(JOBS)
	@$(BUILD)-bench/bench/sandbpf_interpreter_bench --benchmark_min_time=0.2

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-bench
