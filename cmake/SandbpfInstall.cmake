# `cmake --install`: the public headers (include/sandbpf/) with the module
# headers they include (under include/sandbpf/<module>/), the static
# libraries, a CMake package (find_package(sandbpf) -> sandbpf::sandbpf)
# and a pkg-config file (sandbpf.pc).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(_sandbpf_libraries sandbpf_vm sandbpf_loader sandbpf_maps sandbpf_helpers sandbpf_verifier
                       sandbpf_jit sandbpf_runtime)
# The one target hosts link (sandbpf::sandbpf): every library, in
# dependency order. (The `sandbpf` target name is the command's.)
add_library(sandbpf_library INTERFACE)
set_target_properties(sandbpf_library PROPERTIES EXPORT_NAME sandbpf)
target_link_libraries(sandbpf_library INTERFACE sandbpf_runtime)

install(TARGETS sandbpf_library sandbpf_headers ${_sandbpf_libraries}
        EXPORT sandbpfTargets
        ARCHIVE DESTINATION lib)
install(TARGETS sandbpf RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})  # the command
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/sandbpf DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(_module vm loader helpers verifier jit runtime)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${_module}
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/sandbpf
          FILES_MATCHING PATTERN "*.hpp" PATTERN "*.def"
          PATTERN "tests" EXCLUDE PATTERN "corpus" EXCLUDE)
endforeach()

install(EXPORT sandbpfTargets NAMESPACE sandbpf::
        DESTINATION lib/cmake/sandbpf)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/sandbpfConfig.cmake.in
  ${PROJECT_BINARY_DIR}/sandbpfConfig.cmake
  INSTALL_DESTINATION lib/cmake/sandbpf)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/sandbpfConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/sandbpfConfig.cmake
              ${PROJECT_BINARY_DIR}/sandbpfConfigVersion.cmake
        DESTINATION lib/cmake/sandbpf)

# pkg-config: the libraries in link order, then their dependencies.
set(_pc_libs "")
foreach(_lib sandbpf_runtime sandbpf_jit sandbpf_verifier sandbpf_helpers sandbpf_maps
             sandbpf_loader sandbpf_vm)
  string(APPEND _pc_libs " -l${_lib}")
endforeach()
if(SANDBPF_ASMJIT)
  string(APPEND _pc_libs " -lasmjit")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/sandbpf.pc.in ${PROJECT_BINARY_DIR}/sandbpf.pc @ONLY)
# Installed two levels under the prefix (lib/pkgconfig), which the file
# uses to find the prefix; the libraries go to the same lib/.
install(FILES ${PROJECT_BINARY_DIR}/sandbpf.pc DESTINATION lib/pkgconfig)
