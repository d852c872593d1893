# BSB_AGENT_ONLY=ON: configure agent/ alone, for the cross-built agents (bsb_cross_agents.cmake).
# The cross sysroots hold no yaml-cpp, sqlite or GoogleTest; the agent needs none of them.
# Header-only dependencies are staged from the host: a directory holding only symlinks to
# nlohmann/ and flatbuffers/, so the cross compiler never sees the host's glibc headers.
set(_bsb_staged ${CMAKE_BINARY_DIR}/host-headers)
file(MAKE_DIRECTORY ${_bsb_staged})
foreach(_bsb_dep nlohmann flatbuffers)
  string(TOUPPER ${_bsb_dep} _bsb_up)
  set(_bsb_src ${BSB_${_bsb_up}_INCLUDE_DIR}/${_bsb_dep})
  if(NOT BSB_${_bsb_up}_INCLUDE_DIR OR NOT EXISTS ${_bsb_src})
    message(FATAL_ERROR "BSB_AGENT_ONLY needs -DBSB_${_bsb_up}_INCLUDE_DIR=<dir holding ${_bsb_dep}/>")
  endif()
  if(NOT EXISTS ${_bsb_staged}/${_bsb_dep})
    file(CREATE_LINK ${_bsb_src} ${_bsb_staged}/${_bsb_dep} SYMBOLIC)
  endif()
endforeach()
include_directories(SYSTEM ${_bsb_staged})

if(NOT TARGET nlohmann_json::nlohmann_json)
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  target_include_directories(nlohmann_json::nlohmann_json SYSTEM INTERFACE ${_bsb_staged})
endif()
find_program(FLATC flatc REQUIRED)

add_subdirectory(agent)
