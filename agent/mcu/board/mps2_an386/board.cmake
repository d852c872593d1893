# mps2-an386: Cortex-M4 with single-precision FPU, as emulated by qemu-system-arm -M mps2-an386.
set(BSB_BOARD_CPU_FLAGS -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16)
set(BSB_BOARD_SOURCES ${CMAKE_CURRENT_LIST_DIR}/board.cc ${CMAKE_CURRENT_LIST_DIR}/startup.cc)
set(BSB_BOARD_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/link.ld)
# Buffer sizes in the 4 MiB data RAM (the rest: firmware .data/.bss and a 32 KiB stack).
set(BSB_BOARD_MODEL_BYTES 1048576)
set(BSB_BOARD_ARENA_BYTES 1048576)
set(BSB_BOARD_INPUT_BYTES 65536)
