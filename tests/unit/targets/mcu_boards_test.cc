// Board profiles, the plan-time budget check and the firmware ELF footprint reader.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "targets/mcu_boards.h"

namespace bsb::targets {
namespace {

TEST(McuBoards, ProfilesCarryRealBoardBudgets) {
  const BoardProfile* nucleo = FindBoardProfile("nucleo-l4r5zi");
  ASSERT_NE(nucleo, nullptr);
  EXPECT_EQ(nucleo->flash_bytes, 2u * 1024 * 1024);  // STM32L4R5ZI: 2 MiB flash
  EXPECT_EQ(nucleo->ram_bytes, 640u * 1024);         // 192 + 64 + 384 KiB SRAM
  EXPECT_EQ(nucleo->clock_hz, 120'000'000u);
  EXPECT_TRUE(nucleo->qemu_machine.empty());
  const BoardProfile* mps2 = FindBoardProfile("mps2-an386");
  ASSERT_NE(mps2, nullptr);
  EXPECT_EQ(mps2->qemu_machine, "mps2-an386");
  EXPECT_FALSE(mps2->ticks_are_cycles) << "under QEMU ticks are virtual time";
  EXPECT_EQ(FindBoardProfile("nucleo"), nullptr);
  EXPECT_NE(BoardProfileNames().find("nucleo-l4r5zi"), std::string::npos);
}

TEST(McuBoards, AModelThatFitsIsAccepted) {
  const BoardProfile& nucleo = *FindBoardProfile("nucleo-l4r5zi");
  const BudgetVerdict v = CheckBudget(nucleo, 107488, 5728);  // mnist_ffn_int8
  EXPECT_TRUE(v.fits) << v.reason;
  EXPECT_TRUE(v.reason.empty());
}

TEST(McuBoards, OverFlashNamesEveryNumber) {
  const BoardProfile& nucleo = *FindBoardProfile("nucleo-l4r5zi");
  const uint64_t model = 2u * 1024 * 1024 + 1;  // one byte over 2 MiB
  const BudgetVerdict v = CheckBudget(nucleo, model, 1000);
  EXPECT_FALSE(v.fits);
  EXPECT_EQ(v.reason, "flash: model 2097153 B = 2097153 B exceeds the 2097152 B budget of nucleo-l4r5zi");
}

TEST(McuBoards, OverRamCountsTheFirmwareToo) {
  McuFootprint f;
  f.model_bytes = 100'000;
  f.arena_bytes = 600 * 1024;          // 614400
  f.firmware_ram_bytes = 45'592;       // .data + .bss + 32 KiB stack of the mps2 image
  f.firmware_flash_bytes = 36'436;
  const BudgetVerdict v = CheckBudget("nucleo-l4r5zi", McuBudget{2u << 20, 640u << 10}, f);
  EXPECT_FALSE(v.fits);
  // 614400 + 45592 = 659992 > 655360; flash 136436 fits.
  EXPECT_EQ(v.reason, "RAM: arena 614400 B + firmware 45592 B = 659992 B exceeds the 655360 B budget of nucleo-l4r5zi");
}

TEST(McuBoards, BothOverAreBothReported) {
  McuFootprint f;
  f.model_bytes = 3u << 20;
  f.arena_bytes = 1u << 20;
  const BudgetVerdict v = CheckBudget("nucleo-l4r5zi", McuBudget{2u << 20, 640u << 10}, f);
  EXPECT_FALSE(v.fits);
  EXPECT_NE(v.reason.find("flash: model 3145728 B"), std::string::npos) << v.reason;
  EXPECT_NE(v.reason.find("; RAM: arena 1048576 B"), std::string::npos) << v.reason;
}

TEST(McuBoards, ZeroBudgetMeansUnlimited) {
  McuFootprint f;
  f.model_bytes = 1ull << 40;
  f.arena_bytes = 1ull << 40;
  EXPECT_TRUE(CheckBudget("any", McuBudget{}, f).fits);
}

TEST(McuBoards, DynamicAndFloat16AreUnsupported) {
  EXPECT_NE(McuSchemeUnsupportedReason("dynamic"), "");
  EXPECT_NE(McuSchemeUnsupportedReason("float16"), "");
  for (const char* scheme : {"fp32", "int8", "int8-only", "int16x8", "int16x8-only"}) {
    EXPECT_EQ(McuSchemeUnsupportedReason(scheme), "") << scheme;
  }
}

class ElfFile : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() / ("bsb-elf-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  void TearDown() override { std::filesystem::remove(path_); }
  void Write(const std::string& bytes) {
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  std::filesystem::path path_;
};

TEST_F(ElfFile, MalformedFilesAreRefusedWithTheReason) {
  McuFootprint f;
  EXPECT_NE(ReadFirmwareFootprint("/nonexistent/fw.elf", &f).find("cannot open"), std::string::npos);
  Write("not an elf at all, but long enough to have a header.....");
  EXPECT_NE(ReadFirmwareFootprint(path_.string(), &f).find("not an ELF file"), std::string::npos);
  std::string header(52, '\0');
  header.replace(0, 4, "\x7f" "ELF");
  header[4] = 2;  // ELFCLASS64
  header[5] = 1;
  Write(header);
  EXPECT_NE(ReadFirmwareFootprint(path_.string(), &f).find("32-bit"), std::string::npos);
  header[4] = 1;
  header[32] = '\x40';  // e_shoff = 64, beyond the 52-byte file
  header[46] = 40;      // e_shentsize
  header[48] = 3;       // e_shnum
  Write(header);
  EXPECT_NE(ReadFirmwareFootprint(path_.string(), &f).find("out of bounds"), std::string::npos);
  EXPECT_EQ(f.firmware_flash_bytes, 0u) << "nothing is filled in on failure";
}

// A hand-made ELF: header, names ".shstrtab\0.text\0.bss\0.buffers\0", and section headers
// null, .text (1000 B), .bss (300 B), .buffers (2 MiB, excluded), .shstrtab.
TEST_F(ElfFile, SumsFlashAndRamSectionsAndSkipsTheBuffers) {
  const std::string names("\0.shstrtab\0.text\0.bss\0.buffers\0", 32);
  const uint32_t shoff = 52 + 32;
  std::string elf(shoff + 5 * 40, '\0');
  auto put32 = [&](size_t at, uint32_t x) {
    for (int i = 0; i < 4; ++i) elf[at + static_cast<size_t>(i)] = static_cast<char>(x >> (8 * i));
  };
  elf.replace(0, 4, "\x7f" "ELF");
  elf[4] = 1;  // 32-bit
  elf[5] = 1;  // little-endian
  put32(32, shoff);
  elf[46] = 40;  // e_shentsize
  elf[48] = 5;   // e_shnum
  elf[50] = 4;   // e_shstrndx
  elf.replace(52, names.size(), names);
  const struct { uint32_t name, size; } sections[] = {{0, 0}, {11, 1000}, {17, 300}, {22, 2u << 20}, {1, 32}};
  for (uint32_t i = 0; i < 5; ++i) {
    put32(shoff + i * 40 + 0, sections[i].name);
    put32(shoff + i * 40 + 20, sections[i].size);
  }
  put32(shoff + 4 * 40 + 16, 52);  // .shstrtab's offset
  Write(elf);
  McuFootprint f;
  ASSERT_EQ(ReadFirmwareFootprint(path_.string(), &f), "");
  EXPECT_EQ(f.firmware_flash_bytes, 1000u);
  EXPECT_EQ(f.firmware_ram_bytes, 300u);
}

// The built image: the reader's figures are the ones HELLO reports from the linker symbols
// (tests/integration/serial checks HELLO against the same ELF), here against `size -A`.
TEST_F(ElfFile, ReadsTheBuiltFirmware) {
  const std::string elf = BSB_BINARY_DIR "/agent/mcu/bsb-firmware-mps2-an386.elf";
  std::ifstream size_file(elf + ".size");
  if (!std::filesystem::exists(elf) || !size_file) GTEST_SKIP() << "firmware not built: " << elf;
  uint64_t flash = 0;
  uint64_t ram = 0;
  std::string line;
  while (std::getline(size_file, line)) {  // "section size addr" rows of `size -A`
    char section[64] = {};
    unsigned long long size = 0;
    if (std::sscanf(line.c_str(), "%63s %llu", section, &size) != 2) continue;
    const std::string name = section;
    if (name == ".vectors" || name == ".text" || name == ".rodata" || name == ".ARM.exidx") flash += size;
    if (name == ".data") {
      flash += size;
      ram += size;
    }
    if (name == ".bss" || name == ".stack") ram += size;
  }
  McuFootprint f;
  ASSERT_EQ(ReadFirmwareFootprint(elf, &f), "");
  EXPECT_EQ(f.firmware_flash_bytes, flash);
  EXPECT_EQ(f.firmware_ram_bytes, ram);
  EXPECT_GT(f.firmware_ram_bytes, 32u * 1024) << "at least the 32 KiB stack";
}

}  // namespace
}  // namespace bsb::targets
