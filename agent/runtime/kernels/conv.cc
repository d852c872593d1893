#include "agent/runtime/kernels/conv.h"

#include "agent/runtime/kernels/fixedpoint.h"
#include "agent/runtime/kernels/hybrid_quantize.h"

namespace bsb::rt::kernels {
namespace {

constexpr size_t AlignUp16(size_t n) { return (n + 15) & ~size_t{15}; }

inline int64_t Offset4(const Shape& s, int32_t a, int32_t b, int32_t c, int32_t d) {
  return ((static_cast<int64_t>(a) * s.Dim(1) + b) * s.Dim(2) + c) * s.Dim(3) + d;
}

// Visits every output element: calls accumulate(batch, oy, ox, oc, tap) for each tap inside
// the image, where tap(input_index, filter_index) gives the flat indices, then finish(...).
template <typename Acc, typename Finish>
void ForEachConvOutput(const ConvParams& p, const Shape& input, const Shape& filter,
                       const Shape& output, Acc accumulate, Finish finish) {
  const int32_t batches = input.Dim(0);
  const int32_t in_h = input.Dim(1);
  const int32_t in_w = input.Dim(2);
  const int32_t in_c = input.Dim(3);
  const int32_t filter_h = filter.Dim(1);
  const int32_t filter_w = filter.Dim(2);
  const int32_t filter_in = filter.Dim(3);
  const int32_t out_h = output.Dim(1);
  const int32_t out_w = output.Dim(2);
  const int32_t out_c = output.Dim(3);
  const int32_t groups = in_c / filter_in;
  const int32_t filters_per_group = out_c / groups;
  for (int32_t b = 0; b < batches; ++b) {
    for (int32_t oy = 0; oy < out_h; ++oy) {
      const int32_t iy0 = oy * p.stride_h - p.padding.height;
      for (int32_t ox = 0; ox < out_w; ++ox) {
        const int32_t ix0 = ox * p.stride_w - p.padding.width;
        for (int32_t oc = 0; oc < out_c; ++oc) {
          const int32_t group = oc / filters_per_group;
          auto acc = accumulate.Zero();
          for (int32_t ky = 0; ky < filter_h; ++ky) {
            const int32_t iy = iy0 + p.dilation_h * ky;
            if (iy < 0 || iy >= in_h) continue;
            for (int32_t kx = 0; kx < filter_w; ++kx) {
              const int32_t ix = ix0 + p.dilation_w * kx;
              if (ix < 0 || ix >= in_w) continue;
              const int64_t in_base = Offset4(input, b, iy, ix, group * filter_in);
              const int64_t w_base = Offset4(filter, oc, ky, kx, 0);
              for (int32_t ic = 0; ic < filter_in; ++ic) accumulate(acc, b, in_base + ic, w_base + ic);
            }
          }
          finish(acc, b, Offset4(output, b, oy, ox, oc), oc);
        }
      }
    }
  }
}

template <typename InputT, typename AccT>
struct QuantizedTap {
  const InputT* input;
  const int8_t* filter;
  int32_t input_offset;
  AccT Zero() const { return 0; }
  void operator()(AccT& acc, int32_t, int64_t i, int64_t w) const {
    acc = WrapAdd(acc, static_cast<AccT>(static_cast<AccT>(filter[w]) *
                                         static_cast<AccT>(input[i] + input_offset)));
  }
};

template <typename InputT, typename AccT>
void ConvQuantized(const ConvParams& p, const Shape& input, const InputT* input_data,
                   const Shape& filter, const int8_t* filter_data, const AccT* bias,
                   const Shape& output, InputT* output_data) {
  QuantizedTap<InputT, AccT> tap{input_data, filter_data, p.input_offset};
  ForEachConvOutput(p, input, filter, output, tap,
                    [&](AccT acc, int32_t, int64_t out_index, int32_t oc) {
                      if (bias != nullptr) acc = WrapAdd(acc, bias[oc]);
                      int32_t scaled = MultiplyByQuantizedMultiplier(
                          acc, p.per_channel_multiplier[oc], p.per_channel_shift[oc]);
                      scaled = WrapAdd(scaled, p.output_offset);
                      output_data[out_index] = static_cast<InputT>(ClampInt(scaled, p.quantized_range));
                    });
}

struct FloatTap {
  const float* input;
  const float* filter;
  float Zero() const { return 0.0f; }
  void operator()(float& acc, int32_t, int64_t i, int64_t w) const { acc += input[i] * filter[w]; }
};

struct HybridTap {
  const int8_t* input;
  const int8_t* filter;
  const int32_t* offsets;
  int32_t Zero() const { return 0; }
  void operator()(int32_t& acc, int32_t b, int64_t i, int64_t w) const {
    acc = WrapAdd(acc, static_cast<int32_t>(filter[w]) * (input[i] - offsets[b]));
  }
};

}  // namespace

void ConvFloat(const ConvParams& params, const Shape& input, const float* input_data,
               const Shape& filter, const float* filter_data, const float* bias,
               const Shape& output, float* output_data) {
  ForEachConvOutput(params, input, filter, output, FloatTap{input_data, filter_data},
                    [&](float total, int32_t, int64_t out_index, int32_t oc) {
                      const float bias_value = bias != nullptr ? bias[oc] : 0.0f;
                      output_data[out_index] = ClampFloat(total + bias_value, params.float_range);
                    });
}

void ConvInt8(const ConvParams& params, const Shape& input, const int8_t* input_data,
              const Shape& filter, const int8_t* filter_data, const int32_t* bias,
              const Shape& output, int8_t* output_data) {
  ConvQuantized<int8_t, int32_t>(params, input, input_data, filter, filter_data, bias, output,
                                 output_data);
}

void ConvInt16(const ConvParams& params, const Shape& input, const int16_t* input_data,
               const Shape& filter, const int8_t* filter_data, const int64_t* bias,
               const Shape& output, int16_t* output_data) {
  ConvQuantized<int16_t, int64_t>(params, input, input_data, filter, filter_data, bias, output,
                                  output_data);
}

void ConvInt16(const ConvParams& params, const Shape& input, const int16_t* input_data,
               const Shape& filter, const int8_t* filter_data, const int32_t* bias,
               const Shape& output, int16_t* output_data) {
  ConvQuantized<int16_t, int32_t>(params, input, input_data, filter, filter_data, bias, output,
                                  output_data);
}

void ConvHybrid(const ConvParams& params, const Shape& input, const float* input_data,
                const Shape& filter, const int8_t* filter_data, const float* bias,
                const Shape& output, void* scratch, float* output_data) {
  const int32_t batches = input.Dim(0);
  const int32_t batch_size = input.Dim(1) * input.Dim(2) * input.Dim(3);
  auto* bytes = static_cast<uint8_t*>(scratch);
  auto* quantized = reinterpret_cast<int8_t*>(bytes);
  bytes += AlignUp16(static_cast<size_t>(input.FlatSize()));
  auto* scaling = reinterpret_cast<float*>(bytes);
  bytes += AlignUp16(static_cast<size_t>(batches) * sizeof(float));
  auto* offsets = reinterpret_cast<int32_t*>(bytes);
  const bool per_channel = params.weight_scale_count > 1;
  for (int32_t b = 0; b < batches; ++b) {
    const int64_t base = static_cast<int64_t>(b) * batch_size;
    if (per_channel) {
      AsymmetricQuantizeFloats(input_data + base, batch_size, quantized + base, &scaling[b],
                               &offsets[b]);
    } else {
      SymmetricQuantizeFloats(input_data + base, batch_size, quantized + base, &scaling[b]);
      offsets[b] = 0;
      scaling[b] *= params.weight_scales[0];  // TF folds the weight scale in first, in float
    }
  }
  ForEachConvOutput(params, input, filter, output, HybridTap{quantized, filter_data, offsets},
                    [&](int32_t acc, int32_t b, int64_t out_index, int32_t oc) {
                      float value = per_channel
                                        ? static_cast<float>(acc) * params.weight_scales[oc] * scaling[b]
                                        : static_cast<float>(acc) * scaling[b];
                      if (bias != nullptr) value += bias[oc];
                      output_data[out_index] = ClampFloat(value, params.float_range);
                    });
}

}  // namespace bsb::rt::kernels
