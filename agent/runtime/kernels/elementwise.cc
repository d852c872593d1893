#include "agent/runtime/kernels/elementwise.h"

#include <algorithm>

#include "agent/runtime/kernels/fixedpoint.h"

namespace bsb::rt::kernels {
namespace {

KernelStatus CheckScales(QuantType type, float s1, int32_t z1, float s2, int32_t z2, float s_out,
                         int32_t z_out) {
  if (!(s1 > 0.0f) || !(s2 > 0.0f) || !(s_out > 0.0f)) return KernelStatus::kBadParams;
  if (type == QuantType::kInt16 && (z1 != 0 || z2 != 0 || z_out != 0)) {
    return KernelStatus::kBadParams;
  }
  return KernelStatus::kOk;
}

template <typename T>
void AddQuantized(const ArithmeticParams& p, const BroadcastPlan& plan, const T* input1,
                  const T* input2, T* output) {
  ForEachBroadcast(plan, [&](int64_t o, int64_t a, int64_t b) {
    const int32_t v1 = p.input1_offset + input1[a];
    const int32_t v2 = p.input2_offset + input2[b];
    const int32_t shifted1 = v1 * (1 << p.left_shift);
    const int32_t shifted2 = v2 * (1 << p.left_shift);
    const int32_t scaled1 = MultiplyByQuantizedMultiplier(shifted1, p.input1_multiplier, p.input1_shift);
    const int32_t scaled2 = MultiplyByQuantizedMultiplier(shifted2, p.input2_multiplier, p.input2_shift);
    const int32_t raw = MultiplyByQuantizedMultiplier(scaled1 + scaled2, p.output_multiplier,
                                                      p.output_shift) +
                        p.output_offset;
    output[o] = static_cast<T>(ClampInt(raw, p.quantized_range));
  });
}

template <typename T>
void MulQuantized(const ArithmeticParams& p, const BroadcastPlan& plan, const T* input1,
                  const T* input2, T* output) {
  ForEachBroadcast(plan, [&](int64_t o, int64_t a, int64_t b) {
    const int32_t v1 = p.input1_offset + input1[a];
    const int32_t v2 = p.input2_offset + input2[b];
    const int32_t raw =
        p.output_offset + MultiplyByQuantizedMultiplier(v1 * v2, p.output_multiplier, p.output_shift);
    output[o] = static_cast<T>(ClampInt(raw, p.quantized_range));
  });
}

}  // namespace

KernelStatus PrepareArithmeticFloat(Activation activation, ArithmeticParams* params) {
  *params = ArithmeticParams{};
  return CalculateActivationRangeFloat(activation, &params->float_range);
}

KernelStatus PrepareAddQuantized(QuantType type, float input1_scale, int32_t input1_zero_point,
                                 float input2_scale, int32_t input2_zero_point,
                                 float output_scale, int32_t output_zero_point,
                                 Activation activation, ArithmeticParams* params) {
  *params = ArithmeticParams{};
  KernelStatus status = CheckScales(type, input1_scale, input1_zero_point, input2_scale,
                                    input2_zero_point, output_scale, output_zero_point);
  if (status != KernelStatus::kOk) return status;
  status = CalculateActivationRangeQuantized(activation, type, output_scale, output_zero_point,
                                             &params->quantized_range);
  if (status != KernelStatus::kOk) return status;
  params->input1_offset = -input1_zero_point;
  params->input2_offset = -input2_zero_point;
  params->output_offset = output_zero_point;
  params->left_shift = type == QuantType::kInt16 ? 15 : 20;
  const double twice_max_input_scale =
      2.0 * static_cast<double>(std::max(input1_scale, input2_scale));
  const QuantizedMultiplier m1 =
      QuantizeMultiplier(static_cast<double>(input1_scale) / twice_max_input_scale);
  const QuantizedMultiplier m2 =
      QuantizeMultiplier(static_cast<double>(input2_scale) / twice_max_input_scale);
  const QuantizedMultiplier mo = QuantizeMultiplier(
      twice_max_input_scale /
      (static_cast<double>(int64_t{1} << params->left_shift) * static_cast<double>(output_scale)));
  params->input1_multiplier = m1.multiplier;
  params->input1_shift = m1.shift;
  params->input2_multiplier = m2.multiplier;
  params->input2_shift = m2.shift;
  params->output_multiplier = mo.multiplier;
  params->output_shift = mo.shift;
  return KernelStatus::kOk;
}

KernelStatus PrepareMulQuantized(QuantType type, float input1_scale, int32_t input1_zero_point,
                                 float input2_scale, int32_t input2_zero_point,
                                 float output_scale, int32_t output_zero_point,
                                 Activation activation, ArithmeticParams* params) {
  *params = ArithmeticParams{};
  KernelStatus status = CheckScales(type, input1_scale, input1_zero_point, input2_scale,
                                    input2_zero_point, output_scale, output_zero_point);
  if (status != KernelStatus::kOk) return status;
  status = CalculateActivationRangeQuantized(activation, type, output_scale, output_zero_point,
                                             &params->quantized_range);
  if (status != KernelStatus::kOk) return status;
  params->input1_offset = -input1_zero_point;
  params->input2_offset = -input2_zero_point;
  params->output_offset = output_zero_point;
  const QuantizedMultiplier mo =
      QuantizeMultiplier(static_cast<double>(input1_scale) * static_cast<double>(input2_scale) /
                         static_cast<double>(output_scale));
  params->output_multiplier = mo.multiplier;
  params->output_shift = mo.shift;
  return KernelStatus::kOk;
}

void AddFloat(const ArithmeticParams& params, const BroadcastPlan& plan, const float* input1,
              const float* input2, float* output) {
  ForEachBroadcast(plan, [&](int64_t o, int64_t a, int64_t b) {
    output[o] = ClampFloat(input1[a] + input2[b], params.float_range);
  });
}

void AddInt8(const ArithmeticParams& params, const BroadcastPlan& plan, const int8_t* input1,
             const int8_t* input2, int8_t* output) {
  AddQuantized(params, plan, input1, input2, output);
}

void AddInt16(const ArithmeticParams& params, const BroadcastPlan& plan, const int16_t* input1,
              const int16_t* input2, int16_t* output) {
  AddQuantized(params, plan, input1, input2, output);
}

void MulFloat(const ArithmeticParams& params, const BroadcastPlan& plan, const float* input1,
              const float* input2, float* output) {
  ForEachBroadcast(plan, [&](int64_t o, int64_t a, int64_t b) {
    output[o] = ClampFloat(input1[a] * input2[b], params.float_range);
  });
}

void MulInt8(const ArithmeticParams& params, const BroadcastPlan& plan, const int8_t* input1,
             const int8_t* input2, int8_t* output) {
  MulQuantized(params, plan, input1, input2, output);
}

void MulInt16(const ArithmeticParams& params, const BroadcastPlan& plan, const int16_t* input1,
              const int16_t* input2, int16_t* output) {
  MulQuantized(params, plan, input1, input2, output);
}

}  // namespace bsb::rt::kernels
