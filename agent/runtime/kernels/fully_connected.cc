#include "agent/runtime/kernels/fully_connected.h"

#include <cstring>

#include "agent/runtime/kernels/fixedpoint.h"
#include "agent/runtime/kernels/hybrid_quantize.h"

namespace bsb::rt::kernels {
namespace {

KernelStatus PrepareQuantized(QuantType type, float input_scale, int32_t input_zero_point,
                              const float* weight_scales, int32_t weight_scale_count,
                              int32_t weight_zero_point, float output_scale,
                              int32_t output_zero_point, Activation activation,
                              int32_t* multipliers, int32_t* shifts,
                              FullyConnectedParams* params) {
  if (weight_scales == nullptr || weight_scale_count < 1 || !(input_scale > 0.0f) ||
      !(output_scale > 0.0f)) {
    return KernelStatus::kBadParams;
  }
  *params = FullyConnectedParams{};
  const KernelStatus status = CalculateActivationRangeQuantized(
      activation, type, output_scale, output_zero_point, &params->quantized_range);
  if (status != KernelStatus::kOk) return status;
  params->input_offset = -input_zero_point;
  params->weights_offset = -weight_zero_point;
  params->output_offset = output_zero_point;
  if (weight_scale_count == 1) {
    // The product in float, then widened: TFLite's GetQuantizedConvolutionMultipler.
    const float product = input_scale * weight_scales[0];
    const QuantizedMultiplier qm =
        QuantizeMultiplier(static_cast<double>(product) / static_cast<double>(output_scale));
    params->output_multiplier = qm.multiplier;
    params->output_shift = qm.shift;
    return KernelStatus::kOk;
  }
  if (multipliers == nullptr || shifts == nullptr) return KernelStatus::kBadParams;
  for (int32_t o = 0; o < weight_scale_count; ++o) {
    const double real = static_cast<double>(input_scale) * static_cast<double>(weight_scales[o]) /
                        static_cast<double>(output_scale);
    const QuantizedMultiplier qm = QuantizeMultiplier(real);
    multipliers[o] = qm.multiplier;
    shifts[o] = qm.shift;
  }
  params->per_channel_multiplier = multipliers;
  params->per_channel_shift = shifts;
  return KernelStatus::kOk;
}

template <typename InputT, typename BiasT>
void FullyConnectedQuantized(const FullyConnectedParams& params, const FullyConnectedDims& dims,
                             const InputT* input, const int8_t* weights, const BiasT* bias,
                             InputT* output) {
  const int32_t depth = dims.input_depth;
  for (int32_t b = 0; b < dims.batches; ++b) {
    const InputT* row = input + static_cast<int64_t>(b) * depth;
    for (int32_t o = 0; o < dims.output_depth; ++o) {
      const int8_t* w = weights + static_cast<int64_t>(o) * depth;
      BiasT acc = 0;
      for (int32_t d = 0; d < depth; ++d) {
        acc = WrapAdd(acc, static_cast<BiasT>(static_cast<BiasT>(w[d] + params.weights_offset) *
                                             static_cast<BiasT>(row[d] + params.input_offset)));
      }
      if (bias != nullptr) acc = WrapAdd(acc, bias[o]);
      const int32_t multiplier =
          params.per_channel_multiplier ? params.per_channel_multiplier[o] : params.output_multiplier;
      const int shift = params.per_channel_shift ? params.per_channel_shift[o] : params.output_shift;
      int32_t scaled = MultiplyByQuantizedMultiplier(acc, multiplier, shift);
      scaled = WrapAdd(scaled, params.output_offset);
      output[static_cast<int64_t>(b) * dims.output_depth + o] =
          static_cast<InputT>(ClampInt(scaled, params.quantized_range));
    }
  }
}

constexpr size_t AlignUp16(size_t n) { return (n + 15) & ~size_t{15}; }

}  // namespace

KernelStatus PrepareFullyConnectedFloat(Activation activation, FullyConnectedParams* params) {
  *params = FullyConnectedParams{};
  return CalculateActivationRangeFloat(activation, &params->float_range);
}

KernelStatus PrepareFullyConnectedInt8(float input_scale, int32_t input_zero_point,
                                       const float* weight_scales, int32_t weight_scale_count,
                                       int32_t weight_zero_point, float output_scale,
                                       int32_t output_zero_point, Activation activation,
                                       int32_t* multipliers, int32_t* shifts,
                                       FullyConnectedParams* params) {
  return PrepareQuantized(QuantType::kInt8, input_scale, input_zero_point, weight_scales,
                          weight_scale_count, weight_zero_point, output_scale, output_zero_point,
                          activation, multipliers, shifts, params);
}

KernelStatus PrepareFullyConnectedInt16(float input_scale, int32_t input_zero_point,
                                        const float* weight_scales, int32_t weight_scale_count,
                                        int32_t weight_zero_point, float output_scale,
                                        int32_t output_zero_point, Activation activation,
                                        int32_t* multipliers, int32_t* shifts,
                                        FullyConnectedParams* params) {
  if (input_zero_point != 0 || output_zero_point != 0) return KernelStatus::kBadParams;
  return PrepareQuantized(QuantType::kInt16, input_scale, input_zero_point, weight_scales,
                          weight_scale_count, weight_zero_point, output_scale, output_zero_point,
                          activation, multipliers, shifts, params);
}

KernelStatus PrepareFullyConnectedHybrid(const float* weight_scales, int32_t weight_scale_count,
                                         bool asymmetric_inputs, Activation activation,
                                         FullyConnectedParams* params) {
  if (weight_scales == nullptr || weight_scale_count < 1) return KernelStatus::kBadParams;
  *params = FullyConnectedParams{};
  params->weight_scales = weight_scales;
  params->weight_scale_count = weight_scale_count;
  params->asymmetric_inputs = asymmetric_inputs;
  return CalculateActivationRangeFloat(activation, &params->float_range);
}

void FullyConnectedFloat(const FullyConnectedParams& params, const FullyConnectedDims& dims,
                         const float* input, const float* weights, const float* bias,
                         float* output) {
  const int32_t depth = dims.input_depth;
  for (int32_t b = 0; b < dims.batches; ++b) {
    const float* row = input + static_cast<int64_t>(b) * depth;
    for (int32_t o = 0; o < dims.output_depth; ++o) {
      const float* w = weights + static_cast<int64_t>(o) * depth;
      float total = 0.0f;
      for (int32_t d = 0; d < depth; ++d) total += row[d] * w[d];
      const float bias_value = bias != nullptr ? bias[o] : 0.0f;
      output[static_cast<int64_t>(b) * dims.output_depth + o] =
          ClampFloat(total + bias_value, params.float_range);
    }
  }
}

void FullyConnectedInt8(const FullyConnectedParams& params, const FullyConnectedDims& dims,
                        const int8_t* input, const int8_t* weights, const int32_t* bias,
                        int8_t* output) {
  FullyConnectedQuantized<int8_t, int32_t>(params, dims, input, weights, bias, output);
}

void FullyConnectedInt16(const FullyConnectedParams& params, const FullyConnectedDims& dims,
                         const int16_t* input, const int8_t* weights, const int64_t* bias,
                         int16_t* output) {
  FullyConnectedQuantized<int16_t, int64_t>(params, dims, input, weights, bias, output);
}

void FullyConnectedInt16(const FullyConnectedParams& params, const FullyConnectedDims& dims,
                         const int16_t* input, const int8_t* weights, const int32_t* bias,
                         int16_t* output) {
  FullyConnectedQuantized<int16_t, int32_t>(params, dims, input, weights, bias, output);
}

size_t FullyConnectedHybridScratchBytes(const FullyConnectedDims& dims) {
  const size_t batches = static_cast<size_t>(dims.batches);
  return AlignUp16(batches * static_cast<size_t>(dims.input_depth)) +
         AlignUp16(batches * sizeof(float)) + AlignUp16(batches * sizeof(int32_t)) +
         AlignUp16(static_cast<size_t>(dims.output_depth) * sizeof(int32_t));
}

void FullyConnectedHybrid(const FullyConnectedParams& params, const FullyConnectedDims& dims,
                          const float* input, const int8_t* weights, const float* bias,
                          void* scratch, float* output) {
  const size_t batches = static_cast<size_t>(dims.batches);
  const int32_t depth = dims.input_depth;
  auto* bytes = static_cast<uint8_t*>(scratch);
  auto* quantized = reinterpret_cast<int8_t*>(bytes);
  bytes += AlignUp16(batches * static_cast<size_t>(depth));
  auto* scaling = reinterpret_cast<float*>(bytes);
  bytes += AlignUp16(batches * sizeof(float));
  auto* offsets = reinterpret_cast<int32_t*>(bytes);
  bytes += AlignUp16(batches * sizeof(int32_t));
  auto* row_sums = reinterpret_cast<int32_t*>(bytes);

  for (int32_t b = 0; b < dims.batches; ++b) {
    const float* row = input + static_cast<int64_t>(b) * depth;
    int8_t* q = quantized + static_cast<int64_t>(b) * depth;
    if (params.asymmetric_inputs) {
      AsymmetricQuantizeFloats(row, depth, q, &scaling[b], &offsets[b]);
    } else {
      SymmetricQuantizeFloats(row, depth, q, &scaling[b]);
      offsets[b] = 0;
    }
  }
  if (params.asymmetric_inputs) {
    for (int32_t o = 0; o < dims.output_depth; ++o) {
      int32_t sum = 0;
      for (int32_t d = 0; d < depth; ++d) sum += weights[static_cast<int64_t>(o) * depth + d];
      row_sums[o] = sum;
    }
  }
  const bool per_channel = params.weight_scale_count > 1;
  for (int32_t b = 0; b < dims.batches; ++b) {
    // TF folds a per-tensor weight scale into the batch factor first, in float.
    const float batch_scale = per_channel ? scaling[b] : scaling[b] * params.weight_scales[0];
    const int8_t* q = quantized + static_cast<int64_t>(b) * depth;
    for (int32_t o = 0; o < dims.output_depth; ++o) {
      const int8_t* w = weights + static_cast<int64_t>(o) * depth;
      int32_t dot = 0;
      for (int32_t d = 0; d < depth; ++d) dot = WrapAdd(dot, static_cast<int32_t>(w[d]) * q[d]);
      if (params.asymmetric_inputs) dot -= row_sums[o] * offsets[b];
      const float scale = per_channel ? batch_scale * params.weight_scales[o] : batch_scale;
      const float start = bias != nullptr ? bias[o] : 0.0f;
      output[static_cast<int64_t>(b) * dims.output_depth + o] =
          ClampFloat(start + static_cast<float>(dot) * scale, params.float_range);
    }
  }
}

}  // namespace bsb::rt::kernels
