#include "agent/runtime/kernels/depthwise_conv.h"

#include "agent/runtime/kernels/fixedpoint.h"
#include "agent/runtime/kernels/hybrid_quantize.h"

namespace bsb::rt::kernels {
namespace {

constexpr size_t AlignUp16(size_t n) { return (n + 15) & ~size_t{15}; }

inline int64_t Offset4(const Shape& s, int32_t a, int32_t b, int32_t c, int32_t d) {
  return ((static_cast<int64_t>(a) * s.Dim(1) + b) * s.Dim(2) + c) * s.Dim(3) + d;
}

// Calls tap(acc, input_index, filter_index) for each tap inside the image, then
// finish(acc, output_index, oc), in TFLM's loop order (b, y, x, ic, m).
template <typename AccT, typename Tap, typename Finish>
void ForEachDepthwiseOutput(const ConvParams& p, const Shape& input, const Shape& filter,
                            const Shape& output, Tap tap, Finish finish) {
  const int32_t batches = input.Dim(0);
  const int32_t in_h = input.Dim(1);
  const int32_t in_w = input.Dim(2);
  const int32_t in_c = input.Dim(3);
  const int32_t filter_h = filter.Dim(1);
  const int32_t filter_w = filter.Dim(2);
  const int32_t out_h = output.Dim(1);
  const int32_t out_w = output.Dim(2);
  const int32_t mult = p.depth_multiplier;
  for (int32_t b = 0; b < batches; ++b) {
    for (int32_t oy = 0; oy < out_h; ++oy) {
      const int32_t iy0 = oy * p.stride_h - p.padding.height;
      for (int32_t ox = 0; ox < out_w; ++ox) {
        const int32_t ix0 = ox * p.stride_w - p.padding.width;
        for (int32_t ic = 0; ic < in_c; ++ic) {
          for (int32_t m = 0; m < mult; ++m) {
            const int32_t oc = ic * mult + m;
            AccT acc = 0;
            for (int32_t ky = 0; ky < filter_h; ++ky) {
              const int32_t iy = iy0 + p.dilation_h * ky;
              if (iy < 0 || iy >= in_h) continue;
              for (int32_t kx = 0; kx < filter_w; ++kx) {
                const int32_t ix = ix0 + p.dilation_w * kx;
                if (ix < 0 || ix >= in_w) continue;
                tap(acc, Offset4(input, b, iy, ix, ic), Offset4(filter, 0, ky, kx, oc));
              }
            }
            finish(acc, Offset4(output, b, oy, ox, oc), oc);
          }
        }
      }
    }
  }
}

template <typename InputT, typename AccT>
void DepthwiseQuantized(const ConvParams& p, const Shape& input, const InputT* input_data,
                        const Shape& filter, const int8_t* filter_data, const AccT* bias,
                        const Shape& output, InputT* output_data) {
  ForEachDepthwiseOutput<AccT>(
      p, input, filter, output,
      [&](AccT& acc, int64_t i, int64_t w) {
        acc = WrapAdd(acc, static_cast<AccT>(static_cast<AccT>(filter_data[w]) *
                                             static_cast<AccT>(input_data[i] + p.input_offset)));
      },
      [&](AccT acc, int64_t out_index, int32_t oc) {
        if (bias != nullptr) acc = WrapAdd(acc, bias[oc]);
        int32_t scaled = MultiplyByQuantizedMultiplier(acc, p.per_channel_multiplier[oc],
                                                       p.per_channel_shift[oc]);
        scaled = WrapAdd(scaled, p.output_offset);
        output_data[out_index] = static_cast<InputT>(ClampInt(scaled, p.quantized_range));
      });
}

}  // namespace

void DepthwiseConvFloat(const ConvParams& params, const Shape& input, const float* input_data,
                        const Shape& filter, const float* filter_data, const float* bias,
                        const Shape& output, float* output_data) {
  ForEachDepthwiseOutput<float>(
      params, input, filter, output,
      [&](float& acc, int64_t i, int64_t w) { acc += input_data[i] * filter_data[w]; },
      [&](float total, int64_t out_index, int32_t oc) {
        const float bias_value = bias != nullptr ? bias[oc] : 0.0f;
        output_data[out_index] = ClampFloat(total + bias_value, params.float_range);
      });
}

void DepthwiseConvInt8(const ConvParams& params, const Shape& input, const int8_t* input_data,
                       const Shape& filter, const int8_t* filter_data, const int32_t* bias,
                       const Shape& output, int8_t* output_data) {
  DepthwiseQuantized<int8_t, int32_t>(params, input, input_data, filter, filter_data, bias,
                                      output, output_data);
}

void DepthwiseConvInt16(const ConvParams& params, const Shape& input, const int16_t* input_data,
                        const Shape& filter, const int8_t* filter_data, const int64_t* bias,
                        const Shape& output, int16_t* output_data) {
  DepthwiseQuantized<int16_t, int64_t>(params, input, input_data, filter, filter_data, bias,
                                       output, output_data);
}

void DepthwiseConvInt16(const ConvParams& params, const Shape& input, const int16_t* input_data,
                        const Shape& filter, const int8_t* filter_data, const int32_t* bias,
                        const Shape& output, int16_t* output_data) {
  DepthwiseQuantized<int16_t, int32_t>(params, input, input_data, filter, filter_data, bias,
                                       output, output_data);
}

void DepthwiseConvHybrid(const ConvParams& params, const Shape& input, const float* input_data,
                         const Shape& filter, const int8_t* filter_data, const float* bias,
                         const Shape& output, void* scratch, float* output_data) {
  const int32_t batches = input.Dim(0);
  const int32_t batch_size = input.Dim(1) * input.Dim(2) * input.Dim(3);
  // Scratch layout as ConvHybridScratchBytes: int8 input copy, per-batch scale, per-batch offset.
  auto* bytes = static_cast<uint8_t*>(scratch);
  auto* quantized = reinterpret_cast<int8_t*>(bytes);
  bytes += AlignUp16(static_cast<size_t>(input.FlatSize()));
  auto* scaling = reinterpret_cast<float*>(bytes);
  bytes += AlignUp16(static_cast<size_t>(batches) * sizeof(float));
  auto* offsets = reinterpret_cast<int32_t*>(bytes);
  for (int32_t b = 0; b < batches; ++b) {
    const int64_t base = static_cast<int64_t>(b) * batch_size;
    AsymmetricQuantizeFloats(input_data + base, batch_size, quantized + base, &scaling[b], &offsets[b]);
  }
  const int64_t per_batch_output = static_cast<int64_t>(output.Dim(1)) * output.Dim(2) * output.Dim(3);
  const bool per_channel = params.weight_scale_count > 1;
  ForEachDepthwiseOutput<int32_t>(
      params, input, filter, output,
      [&](int32_t& acc, int64_t i, int64_t w) {
        acc = WrapAdd(acc, static_cast<int32_t>(filter_data[w]) * (quantized[i] - offsets[i / batch_size]));
      },
      [&](int32_t acc, int64_t out_index, int32_t oc) {
        const float scale = params.weight_scales[per_channel ? oc : 0] * scaling[out_index / per_batch_output];
        float value = static_cast<float>(acc) * scale;
        if (bias != nullptr) value += bias[oc];
        output_data[out_index] = ClampFloat(value, params.float_range);
      });
}

}  // namespace bsb::rt::kernels
