# The README's commands. Each installs what is missing, builds, then runs.
#   make demo      build, then assemble, verify and run the example programs
#   make test      build and run every test (unit, conformance, CLI)
#   make sanitize  the tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench     the benchmarks (Release build)
#   make fuzz      every libFuzzer target for FUZZ_SECONDS (default 60) each
#   make tsan      the tests under ThreadSanitizer (clang-19, build-tsan/)
BUILD    ?= build
JOBS     ?= $(shell nproc)
CMAKE    := cmake -G Ninja -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache

.PHONY: all deps build demo test sanitize bench fuzz tsan clean

all: build

deps:
	@.ci/install-deps.sh build

build: deps
	@$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSANDBPF_BENCH=ON >/dev/null
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

FUZZ_SECONDS ?= 60
fuzz:
	@.ci/install-deps.sh sanitize
	@$(CMAKE) -S . -B $(BUILD)-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSANDBPF_FUZZ=ON \
	  -DSANDBPF_TESTS=OFF -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 >/dev/null
	@cmake --build $(BUILD)-fuzz -j $(JOBS) --target sandbpf_fuzzers
	@fuzz/run_fuzzers.sh $(BUILD)-fuzz $(FUZZ_SECONDS)

# The test binaries whose code runs on several threads (maps with epoch
# reclamation, helpers, the runtime's instances and slots, the JIT's
# executable memory pool): the rest of the suite is single-threaded, and
# building it under TSan would cost CI's time budget for nothing.
TSAN_TESTS ?= sandbpf_maps_tests sandbpf_helpers_tests sandbpf_runtime_tests sandbpf_jit_tests
space := $(subst ,, )
tsan:
	@.ci/install-deps.sh sanitize
	@$(CMAKE) -S . -B $(BUILD)-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSANDBPF_TSAN=ON \
	  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 >/dev/null
	@cmake --build $(BUILD)-tsan -j $(JOBS) --target $(TSAN_TESTS)
	@TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	  ctest --test-dir $(BUILD)-tsan -j $(JOBS) --output-on-failure \
	  -R "^($(subst $(space),|,$(strip $(TSAN_TESTS))))$$"

# make test-riscv64: the riscv64 cross build (cmake/toolchain-riscv64.cmake:
# g++-riscv64-linux-gnu, no asmjit) in $(BUILD)-riscv64, then the whole test
# suite under qemu-riscv64 (ctest runs every test program through it; the
# JIT tests exercise the RISC-V backend there). -O2 without -g: debug
# information would double the cross build's time.
.PHONY: test-riscv64
test-riscv64:
	@.ci/install-deps.sh riscv64
	@$(CMAKE) -S . -B $(BUILD)-riscv64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-riscv64.cmake \
	  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" >/dev/null
	@cmake --build $(BUILD)-riscv64 -j $(JOBS)
	@ctest --test-dir $(BUILD)-riscv64 -j $(JOBS) --output-on-failure

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-bench $(BUILD)-fuzz $(BUILD)-tsan

# make test-arm64: the aarch64 cross build (cmake/toolchain-aarch64.cmake:
# g++-aarch64-linux-gnu with Debian's arm64 asmjit, GoogleTest and fmt) in
# $(BUILD)-arm64, then under qemu-aarch64 the whole test suite on an ARMv8.0
# CPU without LSE (cortex-a53), the JIT and conformance tests on a CPU with
# LSE (max), and ../shared/conformance on the interpreter and the JIT
# (.ci/test-arm64.sh).
.PHONY: test-arm64
test-arm64:
	@BUILD=$(BUILD) JOBS=$(JOBS) .ci/test-arm64.sh all

# make test-windows: the x86-64 Windows cross build (cmake/toolchain-mingw64.cmake:
# MinGW-w64 with a static runtime, asmjit from Debian's source package) in
# $(BUILD)-windows, then under wine64 the whole test suite, ../shared/conformance
# on the interpreter and the JIT, and the verifier over ../shared/corpus
# against the Linux build's verdicts (.ci/test-windows.sh).
.PHONY: test-windows
test-windows:
	@BUILD=$(BUILD) JOBS=$(JOBS) .ci/test-windows.sh all
