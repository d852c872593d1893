# The cross-built agents: build/agents/aarch64/bsb-agent and build/agents/armv7/bsb-agent.
# Each is a sub-build of THIS source tree with a toolchain file and BSB_AGENT_ONLY=ON (the root
# CMakeLists.txt then configures agent/ only), building just the bsb-agent target. Part of the
# default build; a missing cross compiler is a warning and that agent is skipped.
include(ExternalProject)

option(BSB_CROSS_AGENTS "Cross-build the aarch64 and armv7 agents in the default build" ON)
set(BSB_CROSS_JOBS 2 CACHE STRING "Parallel jobs inside each cross-agent sub-build")

# Header-only dependencies come from the host; the sub-build exposes ONLY these directories
# (never all of /usr/include, which holds host glibc headers) to the cross compiler.
get_target_property(_bsb_json_includes nlohmann_json::nlohmann_json INTERFACE_INCLUDE_DIRECTORIES)
find_path(BSB_FLATBUFFERS_INCLUDE_DIR flatbuffers/flatbuffers.h REQUIRED)
find_path(BSB_NLOHMANN_INCLUDE_DIR nlohmann/json.hpp HINTS ${_bsb_json_includes} REQUIRED)

if(BSB_CROSS_AGENTS)
  foreach(_bsb_pair "aarch64|aarch64-linux-gnu" "armv7|arm-linux-gnueabihf")
    string(REPLACE "|" ";" _bsb_pair "${_bsb_pair}")
    list(GET _bsb_pair 0 _bsb_arch)
    list(GET _bsb_pair 1 _bsb_triple)
    find_program(BSB_CROSS_CXX_${_bsb_arch} ${_bsb_triple}-g++)
    if(NOT BSB_CROSS_CXX_${_bsb_arch})
      message(WARNING "${_bsb_triple}-g++ not found: the ${_bsb_arch} agent will not be built "
                      "(ci/install-deps.sh installs it)")
      continue()
    endif()
    ExternalProject_Add(bsb-agent-${_bsb_arch}
      SOURCE_DIR ${CMAKE_SOURCE_DIR}
      BINARY_DIR ${CMAKE_BINARY_DIR}/agents-build/${_bsb_arch}
      CMAKE_GENERATOR ${CMAKE_GENERATOR}
      CMAKE_ARGS
        -DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/toolchains/${_bsb_triple}.cmake
        -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
        -DBSB_AGENT_ONLY=ON
        -DBSB_WERROR=${BSB_WERROR}
        -DBSB_AGENTS_DIR=${CMAKE_BINARY_DIR}/agents
        -DBSB_NLOHMANN_INCLUDE_DIR=${BSB_NLOHMANN_INCLUDE_DIR}
        -DBSB_FLATBUFFERS_INCLUDE_DIR=${BSB_FLATBUFFERS_INCLUDE_DIR}
        -DBSB_SHARED_DIR=${BSB_SHARED_DIR}
      BUILD_COMMAND ${CMAKE_COMMAND} --build <BINARY_DIR> --target bsb-agent -j ${BSB_CROSS_JOBS}
      INSTALL_COMMAND ""
      # The sub-build tracks its own sources; let it decide what is out of date every time.
      BUILD_ALWAYS ON
      # One sub-build at a time (the console pool): each already runs BSB_CROSS_JOBS jobs.
      USES_TERMINAL_BUILD ON
      BUILD_BYPRODUCTS ${CMAKE_BINARY_DIR}/agents/${_bsb_arch}/bsb-agent)
  endforeach()
endif()
