// The post-training quantizer: from one float32 Model, every scheme the matrix compares,
// following the TFLite quantization spec (docs/tflite-reference.md §2).
//
//   fp32          unchanged
//   float16       float constants of CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED stored as
//                 FLOAT16, each feeding a DEQUANTIZE (f16→f32) at the start of the graph
//   dynamic       hybrid: those ops' weights with ≥1024 elements int8 symmetric (conv
//                 per-channel qd 0, depthwise qd 3, FC per-tensor); activations and bias float
//   int8          full integer, float32 I/O through QUANTIZE / DEQUANTIZE
//   int8-only     full integer, int8 I/O
//   int16x8       int16 symmetric activations, int8 weights, int64 bias, float32 I/O
//   int16x8-only  the same with int16 I/O
//
// Full-integer details: activations per-tensor (int8 asymmetric from calibrated min/max
// widened to include 0; int16 symmetric z=0); weights int8 symmetric in [-127,127], per-channel
// for CONV_2D (qd 0) and DEPTHWISE_CONV_2D (qd 3), per-tensor for FULLY_CONNECTED (as the
// legacy converter and the MLPerf Tiny models do); bias int32 (int64 in 16x8) with scale
// s_in·s_w[c], z=0; SOFTMAX/LOGISTIC output (1/256,-128), TANH (1/128,0), int16 versions
// (2^-15,0); MAX/AVERAGE_POOL_2D and RESHAPE outputs keep their input's parameters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agent/common/idx.h"
#include "agent/runtime/scheme.h"
#include "artifacts/tflite_model.h"
#include "support/result.h"

namespace bsb::artifacts {

using Scheme = rt::Scheme;  // kUnknown is never a scheme to quantize to
using rt::SchemeName;

Result<Scheme> ParseScheme(const std::string& name);  // the matrix names: "int8-only", ...
bool NeedsCalibration(Scheme scheme);

struct QuantizeOptions {
  Scheme scheme = Scheme::kFp32;
  const idx::Images* calibration = nullptr;  // required by the full-integer schemes
  uint32_t samples = 300;
  float input_scale = 1.0f / 255.0f;  // real input = pixel * input_scale + input_offset
  float input_offset = 0.0f;
};

// An operator the scheme cannot handle → an error naming it (index and op name).
Result<Model> Quantize(const Model& float_model, const QuantizeOptions& options);

// Bytes in, bytes out; `name` prefixes errors.
Result<std::vector<uint8_t>> QuantizeTflite(const std::vector<uint8_t>& float_tflite, const std::string& name,
                                            const QuantizeOptions& options);

// Calibration must be real data (the seed study found random calibration a no-op). The
// full-integer schemes refuse calibration images whose horizontally adjacent pixels correlate
// less than this (Pearson, over the samples used): Fashion-MNIST scores 0.85, uniform noise 0.0.
// Images one pixel wide are not judged.
inline constexpr double kMinCalibrationCorrelation = 0.2;
double AdjacentPixelCorrelation(const idx::Images& images, uint32_t samples);

// IEEE binary16, round to nearest even (exposed for tests).
uint16_t FloatToHalf(float value);

}  // namespace bsb::artifacts
