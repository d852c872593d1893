// CONCATENATION as a strided byte copy: the output is `outer` rows, each the concatenation of
// every input's row along the axis. Quantized inputs must share the output's parameters (as
// TFLite requires for int8/int16), so values are copied raw for every type.
#pragma once

#include <cstdint>

namespace bsb::rt::kernels {

// Copies one input into its slot of every output row: for r in [0, outer), bytes
// [r·input_row_bytes, +input_row_bytes) of `input` go to r·output_row_bytes + offset_bytes.
void ConcatenationCopyInput(const uint8_t* input, int64_t outer, int64_t input_row_bytes,
                            int64_t output_row_bytes, int64_t offset_bytes, uint8_t* output);

}  // namespace bsb::rt::kernels
