// libFuzzer entry: byte 0 even → the rest is a `flash:` command line, expanded with the three
// placeholders; odd → the rest is a firmware ELF. Neither may crash, hang or read out of
// bounds; an expanded command is never an empty argv, and no ELF shorter than a header and
// one section header is accepted.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "targets/command_template.h"
#include "targets/mcu_boards.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if (data[0] % 2 == 0) {
    const std::string line(reinterpret_cast<const char*>(data + 1), size - 1);
    auto argv = bsb::targets::ExpandCommandTemplate(
        line, {{"firmware", "/tmp/fw a;b.elf"}, {"port", "/dev/ttyACM0"}, {"board", "nucleo-l4r5zi"}});
    if (argv.ok() && argv->empty()) std::abort();  // an empty command is an error, never argv {}
  } else {
    bsb::targets::McuFootprint f;
    const std::string reason = bsb::targets::ParseFirmwareFootprint(data + 1, size - 1, "fuzz", &f);
    // Success needs at least the 52-byte header and one 40-byte section header.
    if (reason.empty() && size - 1 < 52 + 40) std::abort();
  }
  return 0;
}
