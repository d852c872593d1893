// Standalone activation operators, as TFLite Micro's reference kernels compute them:
// RELU, RELU6 (float, int8, int16), LOGISTIC and TANH (float; int8 through gemmlowp's
// fixed-point logistic/tanh, reference §3 "LOGISTIC int8"), HARD_SWISH (float; int8 with
// TFLite's 16-bit fixed-point "reluish" path). int16 LOGISTIC/TANH interpolate TFLM's
// 256-entry table of σ(i/24) in 0.16 format, which SigmoidTable() regenerates.
#pragma once

#include <cstdint>

#include "agent/runtime/kernels/activation.h"
#include "agent/runtime/kernels/types.h"

namespace bsb::rt::kernels {

// ---- RELU / RELU6 ----

struct ReluParams {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  int32_t multiplier = 0;  // (double)s_in / (double)s_out
  int shift = 0;
  QuantizedRange range;    // RELU: [max(qmin, Q(0)), qmax]; RELU6: [zero, six] on the input scale
};

// RELU quantized: y = clamp(z_out + MBQM(x − z_in, M, e)), range [max(qmin, z_out + round(0)), qmax].
// int16 requires both zero points 0.
KernelStatus PrepareReluQuantized(QuantType type, float input_scale, int32_t input_zero_point,
                                  float output_scale, int32_t output_zero_point, ReluParams* params);
// RELU6 quantized, as TFLM does it: a clamp of the raw input values to [z_in, Q_in(6)] (the
// output is assumed to share the input's quantization; TFLM never reads the output's).
KernelStatus PrepareRelu6Quantized(QuantType type, float input_scale, int32_t input_zero_point,
                                   ReluParams* params);

void ReluFloat(int64_t count, const float* input, float* output);
void Relu6Float(int64_t count, const float* input, float* output);
void ReluInt8(const ReluParams& params, int64_t count, const int8_t* input, int8_t* output);
void ReluInt16(const ReluParams& params, int64_t count, const int16_t* input, int16_t* output);
void Relu6Int8(const ReluParams& params, int64_t count, const int8_t* input, int8_t* output);
void Relu6Int16(const ReluParams& params, int64_t count, const int16_t* input, int16_t* output);

// ---- LOGISTIC / TANH ----

struct SigmoidParams {
  int32_t input_zero_point = 0;
  int32_t input_multiplier = 0;  // s_in·2^27 = M·2^(shift−31), M from frexp
  int input_left_shift = 0;
  int32_t input_range_radius = 0;  // |x − z_in| ≥ radius saturates
};

// int8 LOGISTIC requires z_out = −128; int8 TANH requires z_out = 0 (the kernels assume the
// fixed output scales 1/256 and 1/128).
KernelStatus PrepareLogisticInt8(float input_scale, int32_t input_zero_point, int32_t output_zero_point,
                                 SigmoidParams* params);
KernelStatus PrepareTanhInt8(float input_scale, int32_t input_zero_point, int32_t output_zero_point,
                             SigmoidParams* params);

void LogisticFloat(int64_t count, const float* input, float* output);
void TanhFloat(int64_t count, const float* input, float* output);
void LogisticInt8(const SigmoidParams& params, int64_t count, const int8_t* input, int8_t* output);
void TanhInt8(const SigmoidParams& params, int64_t count, const int8_t* input, int8_t* output);

// int16 (zero points 0, output scale 2^-15): the input is rescaled to steps of 1/(3·4096)
// (TFLM: a power-of-two scale uses 3 << shift, any other scale the truncated s·3·4096·2^k
// with k the smallest shift putting it above 32767/2).
struct SigmoidInt16Params {
  int32_t input_multiplier = 0;
  int input_right_shift = 0;
};

inline constexpr int kSigmoidTableSize = 256;
// σ(i/24)·65536 with each sample lowered by half its midpoint interpolation error, rounded;
// the last entry is 65535. Equal to TFLite's sigmoid_table_uint16.
void SigmoidTable(uint16_t* table);

KernelStatus PrepareLogisticInt16(float input_scale, int32_t input_zero_point, float output_scale,
                                  int32_t output_zero_point, SigmoidInt16Params* params);
KernelStatus PrepareTanhInt16(float input_scale, int32_t input_zero_point, float output_scale,
                              int32_t output_zero_point, SigmoidInt16Params* params);
void LogisticInt16(const SigmoidInt16Params& params, const uint16_t* table, int64_t count,
                   const int16_t* input, int16_t* output);
void TanhInt16(const SigmoidInt16Params& params, const uint16_t* table, int64_t count,
               const int16_t* input, int16_t* output);

// ---- HARD_SWISH: x·relu6(x + 3)/6 ----

struct HardSwishParams {
  int16_t input_zero_point = 0;
  int16_t output_zero_point = 0;
  int16_t reluish_multiplier = 0;  // Q0.15, from (float)(s_in/128)/(3/32768)
  int reluish_exponent = 0;
  int16_t output_multiplier = 0;   // Q0.15, from (float)(s_in/128)/s_out
  int output_exponent = 0;         // ≤ 0
};

// kBadParams when the output multiplier would need a left shift (TFLM rejects it too).
KernelStatus PrepareHardSwishInt8(float input_scale, int32_t input_zero_point, float output_scale,
                                  int32_t output_zero_point, HardSwishParams* params);

void HardSwishFloat(int64_t count, const float* input, float* output);
void HardSwishInt8(const HardSwishParams& params, int64_t count, const int8_t* input, int8_t* output);

}  // namespace bsb::rt::kernels
