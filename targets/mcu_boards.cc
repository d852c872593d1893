#include "targets/mcu_boards.h"

#include <cstring>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <span>

namespace bsb::targets {
namespace {

// Sizes from the boards' data sheets. mps2-an386 as QEMU emulates it: 4 MiB code RAM at 0x0
// (the "flash") and 4 MiB data RAM at 0x20000000, SysTick on the 25 MHz system clock.
// NUCLEO-L4R5ZI: STM32L4R5ZI, 2 MiB flash, 640 KiB SRAM (SRAM1 192 + SRAM2 64 + SRAM3 384),
// 120 MHz core clock, DWT cycle counter.
const std::vector<BoardProfile> kProfiles = {
    {"mps2-an386", "cortex-m4", 25'000'000, 4u << 20, 4u << 20, false, "mps2-an386"},
    {"nucleo-l4r5zi", "cortex-m4", 120'000'000, 2u << 20, 640u << 10, true, ""},
};

std::string Bytes(uint64_t n) { return std::to_string(n) + " B"; }

uint32_t Le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}
uint16_t Le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

}  // namespace

const std::vector<BoardProfile>& BoardProfiles() { return kProfiles; }

const BoardProfile* FindBoardProfile(std::string_view name) {
  for (const auto& p : kProfiles) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string BoardProfileNames() {
  std::string out;
  for (const auto& p : kProfiles) {
    if (!out.empty()) out += ", ";
    out += p.name;
  }
  return out;
}

McuBudget BudgetOf(const BoardProfile& profile) { return {profile.flash_bytes, profile.ram_bytes}; }

BudgetVerdict CheckBudget(std::string_view board, const McuBudget& budget, const McuFootprint& f) {
  BudgetVerdict v;
  auto over = [&](const char* what, uint64_t used, uint64_t limit, std::string parts) {
    if (!v.reason.empty()) v.reason += "; ";
    v.fits = false;
    v.reason += std::string(what) + ": " + parts + " = " + Bytes(used) + " exceeds the " +
                Bytes(limit) + " budget of " + std::string(board);
  };
  if (budget.flash_bytes > 0 && f.flash_bytes() > budget.flash_bytes) {
    std::string parts = "model " + Bytes(f.model_bytes);
    if (f.firmware_flash_bytes > 0) parts += " + firmware " + Bytes(f.firmware_flash_bytes);
    over("flash", f.flash_bytes(), budget.flash_bytes, parts);
  }
  if (budget.ram_bytes > 0 && f.ram_bytes() > budget.ram_bytes) {
    std::string parts = "arena " + Bytes(f.arena_bytes);
    if (f.firmware_ram_bytes > 0) parts += " + firmware " + Bytes(f.firmware_ram_bytes);
    over("RAM", f.ram_bytes(), budget.ram_bytes, parts);
  }
  return v;
}

BudgetVerdict CheckBudget(const BoardProfile& profile, uint64_t model_bytes, uint64_t arena_bytes) {
  McuFootprint f;
  f.model_bytes = model_bytes;
  f.arena_bytes = arena_bytes;
  return CheckBudget(profile.name, BudgetOf(profile), f);
}

std::string McuSchemeUnsupportedReason(std::string_view scheme) {
  if (scheme == "dynamic") {
    return "scheme 'dynamic' is unsupported on microcontrollers: hybrid kernels (int8 weights, "
           "float activations) are not in the MCU runtime, as in TFLite Micro";
  }
  if (scheme == "float16") {
    return "scheme 'float16' is unsupported on microcontrollers: no fp16 weights + DEQUANTIZE "
           "path on Cortex-M";
  }
  return {};
}

std::string ReadFirmwareFootprint(const std::string& elf_path, McuFootprint* footprint) {
  std::ifstream in(elf_path, std::ios::binary);
  if (!in) return "cannot open firmware ELF '" + elf_path + "': " + std::strerror(errno);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return ParseFirmwareFootprint(bytes.data(), bytes.size(), "firmware ELF '" + elf_path + "'", footprint);
}

std::string ParseFirmwareFootprint(const uint8_t* data, size_t size_bytes, const std::string& name,
                                   McuFootprint* footprint) {
  const std::span<const uint8_t> elf(data, size_bytes);
  const std::string where = name + ": ";
  // ELF32 header: e_ident[16], then e_shoff at 32, e_shentsize at 46, e_shnum at 48,
  // e_shstrndx at 50; a section header is 40 bytes (name 0, type 4, size 20).
  constexpr size_t kHeaderBytes = 52;
  constexpr size_t kSectionHeaderBytes = 40;
  if (elf.size() < kHeaderBytes || std::memcmp(elf.data(), "\x7f" "ELF", 4) != 0) {
    return where + "not an ELF file";
  }
  if (elf[4] != 1 || elf[5] != 1) return where + "not a 32-bit little-endian ELF";
  const uint32_t shoff = Le32(&elf[32]);
  const uint16_t shentsize = Le16(&elf[46]);
  const uint16_t shnum = Le16(&elf[48]);
  const uint16_t shstrndx = Le16(&elf[50]);
  if (shentsize != kSectionHeaderBytes || shstrndx >= shnum ||
      static_cast<uint64_t>(shoff) + uint64_t{shnum} * kSectionHeaderBytes > elf.size()) {
    return where + "section header table out of bounds";
  }
  const uint8_t* strtab_header = &elf[shoff + shstrndx * kSectionHeaderBytes];
  const uint32_t strtab_offset = Le32(strtab_header + 16);
  const uint32_t strtab_size = Le32(strtab_header + 20);
  if (static_cast<uint64_t>(strtab_offset) + strtab_size > elf.size()) {
    return where + "section name table out of bounds";
  }
  uint64_t flash = 0;
  uint64_t ram = 0;
  bool saw_text = false;
  for (uint16_t i = 0; i < shnum; ++i) {
    const uint8_t* h = &elf[shoff + i * kSectionHeaderBytes];
    const uint32_t name_at = Le32(h);
    if (name_at >= strtab_size) return where + "section name out of bounds";
    const char* name_start = reinterpret_cast<const char*>(&elf[strtab_offset + name_at]);
    const std::string_view section(name_start, strnlen(name_start, strtab_size - name_at));
    const uint64_t size = Le32(h + 20);
    if (section == ".vectors" || section == ".text" || section == ".rodata" || section == ".ARM.exidx") {
      flash += size;
      saw_text = saw_text || section == ".text";
    } else if (section == ".data") {
      flash += size;  // its initial image is in flash, its live copy in RAM
      ram += size;
    } else if (section == ".bss" || section == ".stack") {
      ram += size;
    }
  }
  if (!saw_text) return where + "no .text section";
  footprint->firmware_flash_bytes = flash;
  footprint->firmware_ram_bytes = ram;
  return {};
}

}  // namespace bsb::targets
