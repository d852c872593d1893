// Runs the MCU target fuzz entry under gcc: seed inputs (real command lines, a minimal valid
// ELF) plus deterministic mutations of them. The libFuzzer binary (clang builds) explores further.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::vector<uint8_t> Command(const std::string& line) {
  std::vector<uint8_t> v(line.size() + 1, 0);  // byte 0 = 0: the command parser
  std::copy(line.begin(), line.end(), v.begin() + 1);
  return v;
}

void Put32(std::vector<uint8_t>* v, size_t at, uint32_t x) {
  for (int i = 0; i < 4; ++i) (*v)[at + static_cast<size_t>(i)] = static_cast<uint8_t>(x >> (8 * i));
}

// Header (52 B) + ".shstrtab\0.text\0" names + 3 section headers (null, .text, .shstrtab).
std::vector<uint8_t> MinimalElf() {
  const std::string names = std::string("\0.shstrtab\0.text\0", 17);
  std::vector<uint8_t> v(52 + names.size() + 3 * 40, 0);
  v[0] = 0x7f;
  v[1] = 'E';
  v[2] = 'L';
  v[3] = 'F';
  v[4] = 1;  // ELFCLASS32
  v[5] = 1;  // little-endian
  const uint32_t shoff = static_cast<uint32_t>(52 + names.size());
  Put32(&v, 32, shoff);
  v[46] = 40;  // e_shentsize
  v[48] = 3;   // e_shnum
  v[50] = 2;   // e_shstrndx
  std::copy(names.begin(), names.end(), v.begin() + 52);
  // .text: name at 11, size 1000.
  Put32(&v, shoff + 40 + 0, 11);
  Put32(&v, shoff + 40 + 20, 1000);
  // .shstrtab: name at 1, offset 52, size 17.
  Put32(&v, shoff + 80 + 0, 1);
  Put32(&v, shoff + 80 + 16, 52);
  Put32(&v, shoff + 80 + 20, static_cast<uint32_t>(names.size()));
  std::vector<uint8_t> input = {1};
  input.insert(input.end(), v.begin(), v.end());
  return input;
}

std::vector<std::vector<uint8_t>> Seeds() {
  return {Command("openocd -f board/st_nucleo_l4.cfg -c \"program {firmware} verify reset exit\""),
          Command("st-flash --reset write build/firmware.bin 0x8000000"),
          Command("pyocd flash -t {board} '{firmware}' --port={port} {{x}} a\\ b"),
          Command("x | y; $(z) `w` \"unterminated"),
          MinimalElf()};
}

TEST(McuTargetFuzzReplay, SeedsAndMutationsNeverCrash) {
  std::mt19937 rng(2026);
  for (const auto& seed : Seeds()) {
    ASSERT_EQ(LLVMFuzzerTestOneInput(seed.data(), seed.size()), 0);
    for (int round = 0; round < 3000; ++round) {
      std::vector<uint8_t> m = seed;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !m.empty(); ++e) {
        const size_t at = 1 + rng() % std::max<size_t>(1, m.size() - 1);
        switch (rng() % 4) {
          case 0: if (at < m.size()) m[at] ^= static_cast<uint8_t>(1u << (rng() % 8)); break;
          case 1: if (at < m.size()) m[at] = static_cast<uint8_t>(rng()); break;
          case 2: m.insert(m.begin() + static_cast<long>(std::min(at, m.size())), static_cast<uint8_t>(rng())); break;
          default: if (at < m.size()) m.erase(m.begin() + static_cast<long>(at)); break;
        }
      }
      ASSERT_EQ(LLVMFuzzerTestOneInput(m.data(), m.size()), 0);
    }
  }
}

}  // namespace
