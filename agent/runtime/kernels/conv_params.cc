#include "agent/runtime/kernels/conv_params.h"

#include "agent/runtime/kernels/fixedpoint.h"

namespace bsb::rt::kernels {
namespace {

constexpr size_t AlignUp16(size_t n) { return (n + 15) & ~size_t{15}; }

KernelStatus PrepareGeometry(const ConvOptions& options, const Shape& input, const Shape& filter,
                             ConvParams* params) {
  *params = ConvParams{};
  if (input.rank != 4 || filter.rank != 4) return KernelStatus::kBadParams;
  if (options.stride_h < 1 || options.stride_w < 1 || options.dilation_h < 1 ||
      options.dilation_w < 1) {
    return KernelStatus::kBadParams;
  }
  const int32_t in_channels = input.Dim(3);
  const int32_t filter_h = filter.Dim(1);
  const int32_t filter_w = filter.Dim(2);
  if (in_channels < 1 || filter_h < 1 || filter_w < 1) return KernelStatus::kBadParams;
  if (options.depthwise) {
    const int32_t out_channels = filter.Dim(3);
    if (filter.Dim(0) != 1 || out_channels < in_channels || out_channels % in_channels != 0) {
      return KernelStatus::kBadParams;
    }
    params->output_channels = out_channels;
    params->depth_multiplier = out_channels / in_channels;
  } else {
    const int32_t out_channels = filter.Dim(0);
    const int32_t filter_in = filter.Dim(3);
    if (out_channels < 1 || filter_in < 1 || in_channels % filter_in != 0) {
      return KernelStatus::kBadParams;
    }
    const int32_t groups = in_channels / filter_in;
    if (out_channels % groups != 0) return KernelStatus::kBadParams;
    params->output_channels = out_channels;
  }
  params->stride_h = options.stride_h;
  params->stride_w = options.stride_w;
  params->dilation_h = options.dilation_h;
  params->dilation_w = options.dilation_w;
  params->padding = ComputePaddingHeightWidth(
      options.padding, options.stride_h, options.stride_w, options.dilation_h, options.dilation_w,
      input.Dim(1), input.Dim(2), filter_h, filter_w, &params->output_height,
      &params->output_width);
  if (params->output_height < 1 || params->output_width < 1) return KernelStatus::kBadParams;
  return KernelStatus::kOk;
}

KernelStatus PrepareQuantized(QuantType type, const ConvOptions& options, const Shape& input,
                              const Shape& filter, float input_scale, int32_t input_zero_point,
                              const float* weight_scales, int32_t weight_scale_count,
                              float output_scale, int32_t output_zero_point,
                              int32_t* multipliers, int8_t* shifts, ConvParams* params) {
  KernelStatus status = PrepareGeometry(options, input, filter, params);
  if (status != KernelStatus::kOk) return status;
  const int32_t channels = params->output_channels;
  if (weight_scales == nullptr || multipliers == nullptr || shifts == nullptr ||
      (weight_scale_count != 1 && weight_scale_count != channels) || !(input_scale > 0.0f) ||
      !(output_scale > 0.0f)) {
    return KernelStatus::kBadParams;
  }
  status = CalculateActivationRangeQuantized(options.activation, type, output_scale,
                                             output_zero_point, &params->quantized_range);
  if (status != KernelStatus::kOk) return status;
  for (int32_t c = 0; c < channels; ++c) {
    const float weight_scale = weight_scales[weight_scale_count == 1 ? 0 : c];
    const double real = static_cast<double>(input_scale) * static_cast<double>(weight_scale) /
                        static_cast<double>(output_scale);
    const QuantizedMultiplier qm = QuantizeMultiplier(real);
    if (qm.shift < -31 || qm.shift > 31) return KernelStatus::kBadParams;
    multipliers[c] = qm.multiplier;
    shifts[c] = static_cast<int8_t>(qm.shift);
  }
  params->per_channel_multiplier = multipliers;
  params->per_channel_shift = shifts;
  params->input_offset = -input_zero_point;
  params->output_offset = output_zero_point;
  return KernelStatus::kOk;
}

}  // namespace

KernelStatus PrepareConvFloat(const ConvOptions& options, const Shape& input, const Shape& filter,
                              ConvParams* params) {
  const KernelStatus status = PrepareGeometry(options, input, filter, params);
  if (status != KernelStatus::kOk) return status;
  return CalculateActivationRangeFloat(options.activation, &params->float_range);
}

KernelStatus PrepareConvInt8(const ConvOptions& options, const Shape& input, const Shape& filter,
                             float input_scale, int32_t input_zero_point,
                             const float* weight_scales, int32_t weight_scale_count,
                             float output_scale, int32_t output_zero_point, int32_t* multipliers,
                             int8_t* shifts, ConvParams* params) {
  return PrepareQuantized(QuantType::kInt8, options, input, filter, input_scale,
                          input_zero_point, weight_scales, weight_scale_count, output_scale,
                          output_zero_point, multipliers, shifts, params);
}

KernelStatus PrepareConvInt16(const ConvOptions& options, const Shape& input, const Shape& filter,
                              float input_scale, int32_t input_zero_point,
                              const float* weight_scales, int32_t weight_scale_count,
                              float output_scale, int32_t output_zero_point, int32_t* multipliers,
                              int8_t* shifts, ConvParams* params) {
  if (input_zero_point != 0 || output_zero_point != 0) return KernelStatus::kBadParams;
  return PrepareQuantized(QuantType::kInt16, options, input, filter, input_scale,
                          input_zero_point, weight_scales, weight_scale_count, output_scale,
                          output_zero_point, multipliers, shifts, params);
}

KernelStatus PrepareConvHybrid(const ConvOptions& options, const Shape& input,
                               const Shape& filter, const float* weight_scales,
                               int32_t weight_scale_count, ConvParams* params) {
  const KernelStatus status = PrepareConvFloat(options, input, filter, params);
  if (status != KernelStatus::kOk) return status;
  if (weight_scales == nullptr ||
      (weight_scale_count != 1 && weight_scale_count != params->output_channels)) {
    return KernelStatus::kBadParams;
  }
  params->weight_scales = weight_scales;
  params->weight_scale_count = weight_scale_count;
  return KernelStatus::kOk;
}

size_t ConvHybridScratchBytes(const Shape& input) {
  const size_t batches = input.rank > 0 ? static_cast<size_t>(input.Dim(0)) : 0;
  return AlignUp16(static_cast<size_t>(input.FlatSize())) + AlignUp16(batches * sizeof(float)) +
         AlignUp16(batches * sizeof(int32_t));
}

}  // namespace bsb::rt::kernels
