// Fuzz target for the JSON wire contracts an agent or orchestrator reads from outside:
// results, stamps and cell specs. Properties: parsing never throws or crashes, and whatever
// parses re-serializes to something that parses back to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agent/protocol/cell_spec.h"
#include "agent/protocol/result.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace bsb::protocol;

  Parsed<CellResult> result = ParseResult(text);
  if (result.ok()) {
    Parsed<CellResult> again = ParseResult(SerializeResult(result.value()));
    if (!again.ok() || !(again.value() == result.value())) std::abort();
  }
  Parsed<Stamp> stamp = ParseStamp(text);
  if (stamp.ok()) {
    Parsed<Stamp> again = StampFromJson(StampToJson(stamp.value()));
    if (!again.ok() || !(again.value() == stamp.value())) std::abort();
  }
  Parsed<CellSpec> spec = ParseCellSpec(text);
  if (spec.ok()) {
    Parsed<CellSpec> again = ParseCellSpec(SerializeCellSpec(spec.value()));
    if (!again.ok() || !(again.value() == spec.value())) std::abort();
  }
  return 0;
}
