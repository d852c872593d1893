#include "agent/runtime/kernels/concatenation.h"

#include <cstring>

namespace bsb::rt::kernels {

void ConcatenationCopyInput(const uint8_t* input, int64_t outer, int64_t input_row_bytes,
                            int64_t output_row_bytes, int64_t offset_bytes, uint8_t* output) {
  for (int64_t r = 0; r < outer; ++r) {
    std::memcpy(output + r * output_row_bytes + offset_bytes, input + r * input_row_bytes,
                static_cast<size_t>(input_row_bytes));
  }
}

}  // namespace bsb::rt::kernels
