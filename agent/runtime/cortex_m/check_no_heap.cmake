# Fails when the bare-metal runtime library needs the heap or exceptions: any undefined
# reference to malloc/calloc/realloc/free, operator new/delete (_Znw*, _Zna*, _Zdl*, _Zda*)
# or the exception runtime (__cxa_throw, __cxa_allocate_exception, _Unwind_Resume).
execute_process(COMMAND ${NM} --undefined-only ${LIB} OUTPUT_VARIABLE undefined RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "arm-none-eabi-nm failed on ${LIB}")
endif()
string(REGEX MATCHALL "[ \t](malloc|calloc|realloc|free|_Znw[a-zA-Z0-9_]*|_Zna[a-zA-Z0-9_]*|_Zdl[a-zA-Z0-9_]*|_Zda[a-zA-Z0-9_]*|__cxa_throw|__cxa_allocate_exception|_Unwind_Resume)\n"
       offending "${undefined}")
if(offending)
  message(FATAL_ERROR "the Cortex-M runtime references heap or exception symbols:${offending}")
endif()
file(SIZE ${LIB} lib_bytes)
message(STATUS "Cortex-M4 runtime: ${LIB} (${lib_bytes} bytes), no heap or exception symbols")
