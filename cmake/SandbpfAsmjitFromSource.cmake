# asmjit built from Debian's source package inside this build, for cross
# builds with no asmjit package (Windows: cmake/toolchain-mingw64.cmake).
# SANDBPF_ASMJIT_SOURCE is the unpacked tree (`apt-get source asmjit`, which
# .ci/test-windows.sh does). Provides asmjit::asmjit, as find_package(asmjit)
# does natively; static, so programs need no asmjit DLL.
set(SANDBPF_ASMJIT_SOURCE "" CACHE PATH "asmjit sources (Debian: apt-get source asmjit)")
if(NOT EXISTS ${SANDBPF_ASMJIT_SOURCE}/CMakeLists.txt)
  message(FATAL_ERROR "asmjit sources not found in '${SANDBPF_ASMJIT_SOURCE}': set "
                      "SANDBPF_ASMJIT_SOURCE to Debian's asmjit source tree (apt-get source asmjit)")
endif()
set(ASMJIT_STATIC ON CACHE BOOL "" FORCE)
set(ASMJIT_TEST OFF CACHE BOOL "" FORCE)
# SYSTEM: its headers warn under C++23 (-Wdeprecated-enum-enum-conversion),
# as they would not from /usr/include natively.
add_subdirectory(${SANDBPF_ASMJIT_SOURCE} ${CMAKE_BINARY_DIR}/asmjit EXCLUDE_FROM_ALL SYSTEM)
