# The bare-metal Cortex-M4 build of the runtime, part of the default build (so `make test`
# builds it). A second CMake configure with cmake/toolchains/arm-none-eabi.cmake; afterwards
# check_no_heap.cmake fails the build if the library references malloc/free/new/delete or any
# exception machinery.
find_program(BSB_ARM_NONE_EABI_GXX arm-none-eabi-g++)
find_program(BSB_ARM_NONE_EABI_NM arm-none-eabi-nm)
find_path(BSB_FLATBUFFERS_INCLUDE_DIR flatbuffers/flatbuffers.h REQUIRED)
if(NOT BSB_ARM_NONE_EABI_GXX OR NOT BSB_ARM_NONE_EABI_NM)
  message(WARNING "arm-none-eabi-g++ not found: the Cortex-M runtime build is skipped (ci/install-deps.sh installs it)")
  return()
endif()
include(ExternalProject)
set(BSB_CORTEX_M_DIR ${CMAKE_BINARY_DIR}/runtime-cortex-m)
ExternalProject_Add(bsb_runtime_cortex_m
  SOURCE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/cortex_m
  BINARY_DIR ${BSB_CORTEX_M_DIR}
  CMAKE_ARGS
    -G Ninja
    -DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/toolchains/arm-none-eabi.cmake
    -DCMAKE_BUILD_TYPE=MinSizeRel
    -DBSB_SOURCE_DIR=${CMAKE_SOURCE_DIR}
    -DBSB_GENERATED_DIR=${CMAKE_BINARY_DIR}/generated
    -DBSB_FLATBUFFERS_INCLUDE_DIR=${BSB_FLATBUFFERS_INCLUDE_DIR}
  BUILD_ALWAYS ON
  INSTALL_COMMAND ${CMAKE_COMMAND} -DNM=${BSB_ARM_NONE_EABI_NM} -DLIB=${BSB_CORTEX_M_DIR}/libbsb_runtime_cortex_m.a
                  -P ${CMAKE_CURRENT_SOURCE_DIR}/cortex_m/check_no_heap.cmake
  DEPENDS bsb_tflite_schema_gen)
