# GoogleTest built from Debian's source package (/usr/src/googletest) inside
# this build, for cross builds whose architecture has no libgtest package.
# Provides GTest::gtest and GTest::gtest_main, as find_package(GTest) does.
set(SANDBPF_GOOGLETEST_SOURCE /usr/src/googletest CACHE PATH "GoogleTest sources (Debian: googletest)")
if(NOT EXISTS ${SANDBPF_GOOGLETEST_SOURCE}/googletest/CMakeLists.txt)
  message(FATAL_ERROR "GoogleTest sources not found in ${SANDBPF_GOOGLETEST_SOURCE}: "
                      "install Debian's googletest package (.ci/install-deps.sh riscv64)")
endif()
set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
add_subdirectory(${SANDBPF_GOOGLETEST_SOURCE}/googletest ${CMAKE_BINARY_DIR}/googletest EXCLUDE_FROM_ALL)
if(NOT TARGET GTest::gtest)  # googletest 1.12 defines them itself; older ones did not
  add_library(GTest::gtest ALIAS gtest)
  add_library(GTest::gtest_main ALIAS gtest_main)
endif()
