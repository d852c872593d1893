// One benchmark cell on a microcontroller, over an open serial session (SERIAL.md §5): the
// host-side counterpart of bsb-agent's harness. Shared by the serial and qemu-mcu kinds.
//
// What it does, in order:
//   1. the scheme and the board budget: `dynamic`/`float16`, or a model over the flash
//      budget or the firmware's model buffer → kUnsupported with the numbers;
//   2. LOAD + COMMIT the model (skipped when the device still holds the same bytes);
//   3. per sample i of `samples`: INPUT its uint8 pixels, RUN in pixel mode (the device
//      quantizes exactly like bsb-agent: agent/common/pixels.h) with max(1, c_i) timed runs,
//      where c_i counts the `runs` timed inferences the cell's seed assigns to sample i
//      (SplitMix64, as on Linux); the first RUN also carries the `warmup` inferences. The top-1
//      of each RUN is that sample's prediction;
//   4. latency from the per-run ticks of the assigned runs; arena, stack high-water mark;
//      flash = firmware image + model, RAM = firmware RAM + arena, checked against the budget.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "agent/protocol/cell_spec.h"
#include "agent/protocol/result.h"
#include "agent/protocol/serial_host.h"
#include "targets/mcu_boards.h"
#include "targets/target.h"

namespace bsb::targets {

struct McuCellSetup {
  std::string target_name;
  std::string device;  // stamp.device: "QEMU mps2-an386", "nucleo-l4r5zi"
  std::string board;   // names the budget in messages
  McuBudget budget;
  bool emulated = false;
  std::string emulated_reason;
  // QEMU -icount: instructions per tick (1e9 / clock_hz / 2^shift); 0 when ticks are not
  // instruction-based.
  double instructions_per_tick = 0;
  bool ticks_are_cycles = false;  // a real board whose tick counter runs at the core clock
  uint32_t answer_timeout_ms = 5000;
  std::function<void(const std::string&)> log;  // per-cell link figures; may be empty
};

// The model the device holds, so consecutive cells of one model skip the download.
struct LoadedModel {
  bool valid = false;
  uint32_t crc32 = 0;
  uint64_t bytes = 0;
};

// The result line (status ok, or failed for the benchmark's own failures), or a Failure.
// Sets *restart when the device must be reset before the next cell: it halted (no frame before
// the deadline), the link failed, or it answered nonsense.
Outcome<std::string> RunMcuCell(serial::HostSession& session, const serial::BoardInfo& info,
                                const McuCellSetup& setup, const protocol::CellSpec& spec,
                                std::chrono::steady_clock::time_point deadline,
                                LoadedModel* loaded, bool* restart);

// The stamp of a board that answered HELLO (also Probe's stamp_json).
protocol::Stamp McuStamp(const serial::BoardInfo& info, const McuCellSetup& setup);

}  // namespace bsb::targets
