# Compiling BPF C with clang-19 (-target bpf -mcpu=v4) at build time.
find_program(SANDBPF_CLANG_BPF NAMES clang-19)
find_program(SANDBPF_LLVM_OBJCOPY NAMES llvm-objcopy-19)
find_program(SANDBPF_LLVM_READELF NAMES llvm-readelf-19)

# sandbpf_bpf_raw_program(OUT <var> SOURCE <file.c> ENTRY <function> [INCLUDES dirs...])
# Compiles SOURCE to <binary dir>/<name>.bpf.o and extracts its .text as the
# raw program <name>.bin (checked: no relocations, no data, ENTRY at 0).
# Sets <var> to the .bin path.
function(sandbpf_bpf_raw_program)
  cmake_parse_arguments(B "" "OUT;SOURCE;ENTRY" "INCLUDES" ${ARGN})
  if(NOT SANDBPF_CLANG_BPF OR NOT SANDBPF_LLVM_OBJCOPY OR NOT SANDBPF_LLVM_READELF)
    message(FATAL_ERROR "clang-19, llvm-objcopy-19 and llvm-readelf-19 are needed to build BPF "
                        "programs: run .ci/install-deps.sh")
  endif()
  get_filename_component(name ${B_SOURCE} NAME_WE)
  set(obj ${CMAKE_CURRENT_BINARY_DIR}/${name}.bpf.o)
  set(bin ${CMAKE_CURRENT_BINARY_DIR}/${name}.bin)
  set(include_flags)
  foreach(dir IN LISTS B_INCLUDES)
    list(APPEND include_flags -I${dir})
  endforeach()
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${SANDBPF_CLANG_BPF} -target bpf -mcpu=v4 -O2 -ffreestanding -Wall -Wextra
            ${include_flags} -MD -MF ${obj}.d -c ${B_SOURCE} -o ${obj}
    DEPENDS ${B_SOURCE}
    DEPFILE ${obj}.d
    COMMENT "BPF ${name}.c"
    VERBATIM)
  add_custom_command(
    OUTPUT ${bin}
    COMMAND ${CMAKE_COMMAND} -DOBJECT=${obj} -DOUTPUT=${bin} -DENTRY=${B_ENTRY}
            -DREADELF=${SANDBPF_LLVM_READELF} -DOBJCOPY=${SANDBPF_LLVM_OBJCOPY}
            -P ${PROJECT_SOURCE_DIR}/cmake/bpf_raw_program.cmake
    DEPENDS ${obj} ${PROJECT_SOURCE_DIR}/cmake/bpf_raw_program.cmake
    COMMENT "Raw program ${name}.bin"
    VERBATIM)
  set(${B_OUT} ${bin} PARENT_SCOPE)
endfunction()

# sandbpf_bpf_objects(TARGET <target> DIR <output dir> SOURCES <file.c>... [INCLUDES dirs...]
#                     [FLAGS clang flags...])
# Compiles each SOURCE to <DIR>/<name>.o as an ELF object (-O2 -g: BTF maps,
# line info, and FLAGS), and adds a target <target> that builds them all.
function(sandbpf_bpf_objects)
  cmake_parse_arguments(B "" "TARGET;DIR" "SOURCES;INCLUDES;FLAGS" ${ARGN})
  if(NOT SANDBPF_CLANG_BPF)
    message(FATAL_ERROR "clang-19 is needed to build BPF objects: run .ci/install-deps.sh")
  endif()
  set(include_flags)
  foreach(dir IN LISTS B_INCLUDES)
    list(APPEND include_flags -I${dir})
  endforeach()
  set(objects)
  foreach(src IN LISTS B_SOURCES)
    get_filename_component(name ${src} NAME_WE)
    set(obj ${B_DIR}/${name}.o)
    add_custom_command(
      OUTPUT ${obj}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${B_DIR}
      COMMAND ${SANDBPF_CLANG_BPF} -target bpf -mcpu=v4 -O2 -g -Wall -Wextra ${include_flags}
              ${B_FLAGS} -MD -MF ${obj}.d -c ${src} -o ${obj}
      DEPENDS ${src}
      DEPFILE ${obj}.d
      COMMENT "BPF object ${name}.o"
      VERBATIM)
    list(APPEND objects ${obj})
  endforeach()
  add_custom_target(${B_TARGET} DEPENDS ${objects})
endfunction()
