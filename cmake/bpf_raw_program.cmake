# Checks a BPF object compiled by clang-19 and extracts its code as a raw
# program (until ELF loading exists, examples and benchmark kernels run as raw
# programs).
#   cmake -DOBJECT=<name>.bpf.o -DOUTPUT=<name>.bin -DENTRY=<symbol>
#         -DREADELF=llvm-readelf-19 -DOBJCOPY=llvm-objcopy-19 -P bpf_raw_program.cmake
# Fails (so the build fails) when the object has relocations (global data,
# map references, calls to external functions: a raw program cannot carry
# them), when it has data sections, or when the entry function is not at
# offset 0 of .text (a raw program starts running at its first instruction).
foreach(var OBJECT OUTPUT ENTRY READELF OBJCOPY)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "bpf_raw_program.cmake: ${var} is not set")
  endif()
endforeach()

execute_process(COMMAND ${READELF} -r ${OBJECT}
                OUTPUT_VARIABLE relocations RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${READELF} -r ${OBJECT} failed")
endif()
if(NOT relocations MATCHES "There are no relocations in this file")
  message(FATAL_ERROR "${OBJECT} has relocations; benchmark kernels must not use global data, "
                      "maps or external functions:\n${relocations}")
endif()

execute_process(COMMAND ${READELF} -S -W ${OBJECT}
                OUTPUT_VARIABLE sections RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${READELF} -S ${OBJECT} failed")
endif()
if(sections MATCHES "\\] \\.(data|rodata|bss)[^ ]*")
  message(FATAL_ERROR "${OBJECT} has a data section (${CMAKE_MATCH_0}); kernels must not have globals")
endif()

execute_process(COMMAND ${READELF} -s -W ${OBJECT}
                OUTPUT_VARIABLE symbols RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${READELF} -s ${OBJECT} failed")
endif()
# "  N: 0000000000000000   184 FUNC    GLOBAL DEFAULT     2 bench_kernel_x"
if(NOT symbols MATCHES "\n *[0-9]+: ([0-9a-f]+) +[0-9]+ FUNC +GLOBAL +[A-Z]+ +[0-9]+ ${ENTRY}\n")
  message(FATAL_ERROR "${OBJECT}: no global function ${ENTRY}")
endif()
set(entry_offset ${CMAKE_MATCH_1})
if(NOT entry_offset MATCHES "^0+$")
  message(FATAL_ERROR "${OBJECT}: ${ENTRY} is at offset 0x${entry_offset} of .text, not 0; "
                      "define subfunctions after the entry")
endif()

execute_process(COMMAND ${OBJCOPY} -O binary --only-section=.text ${OBJECT} ${OUTPUT}
                RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${OBJCOPY} could not extract .text from ${OBJECT}")
endif()
file(SIZE ${OUTPUT} size)
math(EXPR rest "${size} % 8")
if(size EQUAL 0 OR NOT rest EQUAL 0)
  file(REMOVE ${OUTPUT})
  message(FATAL_ERROR "${OUTPUT}: ${size} bytes of .text is not a whole number of instructions")
endif()
