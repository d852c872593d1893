// Microcontroller board profiles and the budget check the orchestrator runs at plan time
// (DESIGN.md §2: a cell over the board's flash or RAM budget is kept as `unsupported` with
// the numbers). One row per board the firmware knows; agent/mcu/PORTING.md says how to add one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bsb::targets {

struct BoardProfile {
  std::string_view name;          // as in the matrix's `board:` and the firmware's HELLO
  std::string_view cpu;           // cortex-m4, ...
  uint32_t clock_hz = 0;          // core clock the board runs at
  uint64_t flash_bytes = 0;       // what a deployment can put in flash (firmware + model)
  uint64_t ram_bytes = 0;         // SRAM for the firmware's own RAM + tensor arena
  // The firmware's Ticks() run at the core clock, so RESULT ticks are cycles (DWT CYCCNT or
  // SysTick on the core clock). False under QEMU, where ticks are virtual time.
  bool ticks_are_cycles = false;
  std::string_view qemu_machine;  // `-M` value when QEMU emulates the board; empty otherwise
};

// The known boards, in a stable order.
const std::vector<BoardProfile>& BoardProfiles();
// nullptr when `name` is not a known board.
const BoardProfile* FindBoardProfile(std::string_view name);
// "mps2-an386, nucleo-l4r5zi": for error messages.
std::string BoardProfileNames();

// Flash and RAM a cell may use on a board. From the profile, or the matrix's `budget:`.
struct McuBudget {
  uint64_t flash_bytes = 0;  // 0: not limited
  uint64_t ram_bytes = 0;    // 0: not limited
};
McuBudget BudgetOf(const BoardProfile& profile);

// What one cell needs. Firmware figures are 0 when not known yet (plan time without an ELF);
// the check is then on model and arena alone, and the run checks again with HELLO's figures.
struct McuFootprint {
  uint64_t model_bytes = 0;           // the .tflite, which a deployment keeps in flash
  uint64_t arena_bytes = 0;           // tensor arena the runtime needs (the x86 run reports it)
  uint64_t firmware_flash_bytes = 0;  // .vectors + .text + .rodata + .data image
  uint64_t firmware_ram_bytes = 0;    // .data + .bss + stack

  uint64_t flash_bytes() const { return firmware_flash_bytes + model_bytes; }
  uint64_t ram_bytes() const { return firmware_ram_bytes + arena_bytes; }
};

struct BudgetVerdict {
  bool fits = true;
  std::string reason;  // when it does not: every number, e.g. "flash: model 2400000 B + ..."
};

// Whether the footprint fits the budget; `board` names the board in the reason.
BudgetVerdict CheckBudget(std::string_view board, const McuBudget& budget, const McuFootprint& footprint);
// The plan-time form: the profile's own budget, model and arena only.
BudgetVerdict CheckBudget(const BoardProfile& profile, uint64_t model_bytes, uint64_t arena_bytes);

// Schemes MCU kinds cannot run: `dynamic` (hybrid kernels need float activations next to int8
// weights; TFLite Micro refuses them) and `float16` (no fp16 arithmetic or DEQUANTIZE budget on
// the M4). "" when the scheme can run, else the reason.
std::string McuSchemeUnsupportedReason(std::string_view scheme);

// Reads the footprint of a firmware ELF (32-bit ARM, little-endian) from its section headers:
// flash = .vectors + .text + .rodata + .ARM.exidx + .data; RAM = .data + .bss + .stack.
// The .buffers section (model, input and arena buffers) is excluded. Fills the firmware_*
// fields; returns "" or what was wrong with the file.
std::string ReadFirmwareFootprint(const std::string& elf_path, McuFootprint* footprint);
// The same on bytes in memory; `name` prefixes the reason.
std::string ParseFirmwareFootprint(const uint8_t* elf, size_t size_bytes, const std::string& name,
                                   McuFootprint* footprint);

}  // namespace bsb::targets
