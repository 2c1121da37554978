# Cross build for riscv64 Linux with Debian's g++-riscv64-linux-gnu; the
# tests run under qemu-user (`make test-riscv64`, .ci/run-riscv64.sh):
#   cmake -G Ninja -S . -B build-riscv64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-riscv64.cmake
# Debian 12 has no riscv64 library packages, so the build uses none: fmt
# header-only and CLI11 from the host's architecture-independent headers,
# GoogleTest built from /usr/src/googletest (CMakeLists.txt,
# cmake/SandbpfGoogletestFromSource.cmake), and no asmjit (the x86-64 and
# ARM64 backends and their tests are left out; the RISC-V backend has its
# own encoder). Executables are linked statically, so qemu needs no
# sysroot to start them and they start quickly.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CMAKE_C_COMPILER riscv64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER riscv64-linux-gnu-g++)

set(CMAKE_FIND_ROOT_PATH /usr/riscv64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)   # clang-19 etc. are host tools
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
# GCC 12 implements 1- and 2-byte atomics (std::atomic<bool>, <uint8_t>)
# on riscv64 in libatomic, after every other library on the link line.
set(CMAKE_CXX_STANDARD_LIBRARIES "-latomic")
set(CMAKE_C_STANDARD_LIBRARIES "-latomic")
# ctest (and gtest_discover_tests) run every test program through it.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-riscv64 -L /usr/riscv64-linux-gnu)

set(SANDBPF_ASMJIT OFF CACHE BOOL "No asmjit for riscv64" FORCE)
# ctest runs each test program once (cmake/SandbpfWarnings.cmake): starting
# qemu for each of ~2900 test cases would take longer than the tests.
set(SANDBPF_TEST_PER_PROGRAM ON CACHE BOOL "One ctest test per test program" FORCE)
