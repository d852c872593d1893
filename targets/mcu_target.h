// The microcontroller kinds (DESIGN.md §5, §6): `qemu-mcu` boots the firmware ELF in
// qemu-system-arm and speaks the serial protocol over its UART0; `serial` speaks it over a
// real port (optionally flashing the board first). Both run cells through mcu_cell.h, and
// reset the board (restart QEMU / re-flash and reopen) after a halt before the next cell.
//
// qemu-mcu: the target listens on a unix socket in a fresh /tmp directory BEFORE QEMU starts,
//   `qemu-system-arm -M <machine> -icount shift=0 -semihosting-config enable=on,target=native
//   -kernel <firmware> -chardev socket,path=<socket> -serial chardev:…` connects UART0 to it
//   (so no byte is lost), and QEMU is stopped by its PID. Under -icount shift=0 one
//   instruction is 1 ns of virtual time: ticks are instruction counts, stamped `emulated`.
//   The firmware restarts its tick counter from zero for each timed run
//   (board::StartTimer), so every run starts at the same phase of the counter and the figures
//   repeat bit for bit across runs and boots, whatever the host's load. (`sleep=off` is not
//   used: QEMU 7.2's SysTick reads went backwards with it.)
// serial: `port` opened exclusively (TIOCEXCL + flock), raw 8N1 at `baud`.
#pragma once

#include <memory>

#include "support/result.h"
#include "targets/mcu_channel.h"
#include "targets/target.h"

namespace bsb::targets {

// `filter` (tests only): a fault-injecting proxy on every byte between host and board.
Result<std::unique_ptr<Target>> MakeQemuMcuTarget(const TargetConfig& config,
                                                  std::shared_ptr<ByteFilter> filter = nullptr);
Result<std::unique_ptr<Target>> MakeSerialTarget(const TargetConfig& config,
                                                 std::shared_ptr<ByteFilter> filter = nullptr);

}  // namespace bsb::targets
