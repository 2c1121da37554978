# Cross build for x86-64 Windows with Debian's g++-mingw-w64-x86-64 (the
# posix thread model, so std::thread and std::mutex work); the programs
# run under wine64 (`make test-windows`, .ci/test-windows.sh):
#   cmake -G Ninja -S . -B build-windows -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-mingw64.cmake \
#         -DSANDBPF_ASMJIT_SOURCE=<Debian's asmjit source tree>
# No Windows library packages exist, so the build uses none: fmt header-only
# and CLI11 from the host's architecture-independent headers, GoogleTest
# from /usr/src/googletest and asmjit from Debian's source package, both
# built inside this build (CMakeLists.txt). Executables link the C and C++
# runtimes statically, so wine needs no MinGW DLLs beside them.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)

set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)   # clang-19 etc. are host tools
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Threads get the main thread's stack size from the executable's header on
# Windows (1 MiB by default); 8 MiB is what Linux gives the main thread.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++ -Wl,--stack,8388608")

# ctest (and gtest's test discovery) run every test program through it.
# The wine prefix and WINEDEBUG come from the environment (.ci/test-windows.sh).
find_program(SANDBPF_WINE64 NAMES wine64 PATHS /usr/lib/wine NO_DEFAULT_PATH)
if(NOT SANDBPF_WINE64)
  find_program(SANDBPF_WINE64 NAMES wine64 wine)
endif()
set(CMAKE_CROSSCOMPILING_EMULATOR ${SANDBPF_WINE64})

# ctest runs each test program once (cmake/SandbpfWarnings.cmake): starting
# wine for each of ~2900 test cases would take longer than the tests.
set(SANDBPF_TEST_PER_PROGRAM ON CACHE BOOL "One ctest test per test program" FORCE)
