# Warnings on for everything sandbpf compiles itself.
function(sandbpf_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wnon-virtual-dtor
                                           -Wno-missing-field-initializers)
  if(SANDBPF_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# A GoogleTest binary registered with CTest, test by test.
function(sandbpf_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  sandbpf_warnings(${name})
  if(SANDBPF_SANITIZE OR SANDBPF_TSAN OR SANDBPF_TEST_PER_PROGRAM)
    # One process per binary: starting a sanitized (or emulated: qemu in the
    # riscv64 cross build, SANDBPF_TEST_PER_PROGRAM) process per test case
    # would dominate the run.
    add_test(NAME ${name} COMMAND ${name} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "SANDBPF_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
  else()
    gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
                         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
                         PROPERTIES ENVIRONMENT "SANDBPF_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
  endif()
endfunction()

# sandbpf_runnable_path(<var> <target>): a path a test can exec() to run
# <target>'s executable. Natively the executable itself; in a cross build
# (CMAKE_CROSSCOMPILING_EMULATOR, e.g. qemu-riscv64) a host shell script
# that runs it under the emulator, since qemu-user does not follow exec()
# into another foreign binary without binfmt_misc. Windows builds under
# wine: the executable itself, which wine starts as any Windows program does.
function(sandbpf_runnable_path var target)
  if(CMAKE_CROSSCOMPILING AND CMAKE_CROSSCOMPILING_EMULATOR AND NOT WIN32)
    list(JOIN CMAKE_CROSSCOMPILING_EMULATOR " " emulator)
    set(script ${CMAKE_CURRENT_BINARY_DIR}/${target}-emulated)
    file(GENERATE OUTPUT ${script}
         CONTENT "#!/bin/sh\nexec ${emulator} \"$<TARGET_FILE:${target}>\" \"$@\"\n"
         FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                          WORLD_READ WORLD_EXECUTE)
    set(${var} ${script} PARENT_SCOPE)
  else()
    set(${var} "$<TARGET_FILE:${target}>" PARENT_SCOPE)
  endif()
endfunction()
