# Cross build for aarch64 with Debian's g++-aarch64-linux-gnu and its arm64
# library packages (libasmjit-dev:arm64, libgtest-dev:arm64, libfmt-dev:arm64
# install beside the amd64 ones: .ci/install-deps.sh arm64). Tests run under
# qemu-aarch64 through CMAKE_CROSSCOMPILING_EMULATOR (ctest and gtest's
# test discovery both use it). QEMU_CPU picks the emulated CPU (cortex-a53:
# ARMv8.0 without LSE; max: with LSE); `make test-arm64` runs both.
#
# Executables are linked statically: qemu-aarch64 7.2 (Debian 12) hangs in
# pthread_create in a dynamically linked program (a two-line std::thread
# test never returns) but not in a static one, so static linking lets the
# threaded tests run under emulation; it also starts faster. Debian's
# arm64 fmt has no static library, so fmt is used header-only.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# Debian's multiarch layout: arm64 headers are shared (/usr/include), the
# libraries and CMake packages live under /usr/lib/aarch64-linux-gnu.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu /usr)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(SANDBPF_FMT_HEADER_ONLY ON CACHE BOOL "fmt header-only (no static arm64 libfmt)" FORCE)

set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64;-L;/usr/aarch64-linux-gnu)
# ctest runs each test program once (cmake/SandbpfWarnings.cmake): starting
# qemu for each of ~3000 test cases would take longer than the tests.
set(SANDBPF_TEST_PER_PROGRAM ON CACHE BOOL "One ctest test per test program" FORCE)
