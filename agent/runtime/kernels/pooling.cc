#include "agent/runtime/kernels/pooling.h"

#include <algorithm>
#include <limits>

namespace bsb::rt::kernels {
namespace {

inline int64_t Offset4(const Shape& s, int32_t a, int32_t b, int32_t c, int32_t d) {
  return ((static_cast<int64_t>(a) * s.Dim(1) + b) * s.Dim(2) + c) * s.Dim(3) + d;
}

KernelStatus PrepareGeometry(const PoolOptions& options, const Shape& input, PoolParams* params) {
  *params = PoolParams{};
  if (input.rank != 4 || options.stride_h < 1 || options.stride_w < 1 || options.filter_h < 1 ||
      options.filter_w < 1) {
    return KernelStatus::kBadParams;
  }
  params->stride_h = options.stride_h;
  params->stride_w = options.stride_w;
  params->filter_h = options.filter_h;
  params->filter_w = options.filter_w;
  params->padding = ComputePaddingHeightWidth(options.padding, options.stride_h, options.stride_w,
                                              1, 1, input.Dim(1), input.Dim(2), options.filter_h,
                                              options.filter_w, &params->output_height,
                                              &params->output_width);
  if (params->output_height < 1 || params->output_width < 1) return KernelStatus::kBadParams;
  return KernelStatus::kOk;
}

// Calls window(b, c, y_start, y_end, x_start, x_end, out_index) with the window clipped to
// the image (TFLite's filter_{x,y}_{start,end}).
template <typename Window>
void ForEachWindow(const PoolParams& p, const Shape& input, const Shape& output, Window window) {
  const int32_t batches = input.Dim(0);
  const int32_t in_h = input.Dim(1);
  const int32_t in_w = input.Dim(2);
  const int32_t depth = input.Dim(3);
  for (int32_t b = 0; b < batches; ++b) {
    for (int32_t oy = 0; oy < output.Dim(1); ++oy) {
      const int32_t iy0 = oy * p.stride_h - p.padding.height;
      const int32_t y_start = std::max<int32_t>(0, -iy0);
      const int32_t y_end = std::min(p.filter_h, in_h - iy0);
      for (int32_t ox = 0; ox < output.Dim(2); ++ox) {
        const int32_t ix0 = ox * p.stride_w - p.padding.width;
        const int32_t x_start = std::max<int32_t>(0, -ix0);
        const int32_t x_end = std::min(p.filter_w, in_w - ix0);
        for (int32_t c = 0; c < depth; ++c) {
          window(Offset4(input, b, iy0, ix0, c), y_start, y_end, x_start, x_end,
                 Offset4(output, b, oy, ox, c));
        }
      }
    }
  }
}

template <typename T>
void AveragePoolInteger(const PoolParams& p, const Shape& input, const T* input_data,
                        const Shape& output, T* output_data) {
  const int64_t row_stride = static_cast<int64_t>(input.Dim(2)) * input.Dim(3);
  const int64_t col_stride = input.Dim(3);
  ForEachWindow(p, input, output, [&](int64_t origin, int32_t y0, int32_t y1, int32_t x0,
                                      int32_t x1, int64_t out_index) {
    int32_t acc = 0;
    int32_t count = 0;
    for (int32_t ky = y0; ky < y1; ++ky) {
      for (int32_t kx = x0; kx < x1; ++kx) {
        acc += input_data[origin + ky * row_stride + kx * col_stride];
        ++count;
      }
    }
    if (count == 0) count = 1;  // unreachable for SAME/VALID geometry; avoids a division by 0
    acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
    output_data[out_index] = static_cast<T>(ClampInt(acc, p.quantized_range));
  });
}

template <typename T>
void MaxPoolInteger(const PoolParams& p, const Shape& input, const T* input_data,
                    const Shape& output, T* output_data) {
  const int64_t row_stride = static_cast<int64_t>(input.Dim(2)) * input.Dim(3);
  const int64_t col_stride = input.Dim(3);
  ForEachWindow(p, input, output, [&](int64_t origin, int32_t y0, int32_t y1, int32_t x0,
                                      int32_t x1, int64_t out_index) {
    int32_t max = std::numeric_limits<T>::lowest();
    for (int32_t ky = y0; ky < y1; ++ky) {
      for (int32_t kx = x0; kx < x1; ++kx) {
        max = std::max<int32_t>(max, input_data[origin + ky * row_stride + kx * col_stride]);
      }
    }
    output_data[out_index] = static_cast<T>(ClampInt(max, p.quantized_range));
  });
}

}  // namespace

KernelStatus PreparePoolFloat(const PoolOptions& options, const Shape& input, PoolParams* params) {
  const KernelStatus status = PrepareGeometry(options, input, params);
  if (status != KernelStatus::kOk) return status;
  return CalculateActivationRangeFloat(options.activation, &params->float_range);
}

KernelStatus PreparePoolQuantized(QuantType type, const PoolOptions& options, const Shape& input,
                                  float output_scale, int32_t output_zero_point,
                                  PoolParams* params) {
  const KernelStatus status = PrepareGeometry(options, input, params);
  if (status != KernelStatus::kOk) return status;
  return CalculateActivationRangeQuantized(options.activation, type, output_scale,
                                           output_zero_point, &params->quantized_range);
}

void AveragePoolFloat(const PoolParams& params, const Shape& input, const float* input_data,
                      const Shape& output, float* output_data) {
  const int64_t row_stride = static_cast<int64_t>(input.Dim(2)) * input.Dim(3);
  const int64_t col_stride = input.Dim(3);
  ForEachWindow(params, input, output, [&](int64_t origin, int32_t y0, int32_t y1, int32_t x0,
                                           int32_t x1, int64_t out_index) {
    float total = 0.0f;
    float count = 0.0f;
    for (int32_t ky = y0; ky < y1; ++ky) {
      for (int32_t kx = x0; kx < x1; ++kx) {
        total += input_data[origin + ky * row_stride + kx * col_stride];
        count += 1.0f;
      }
    }
    output_data[out_index] = ClampFloat(total / count, params.float_range);
  });
}

void AveragePoolInt8(const PoolParams& params, const Shape& input, const int8_t* input_data,
                     const Shape& output, int8_t* output_data) {
  AveragePoolInteger(params, input, input_data, output, output_data);
}

void AveragePoolInt16(const PoolParams& params, const Shape& input, const int16_t* input_data,
                      const Shape& output, int16_t* output_data) {
  AveragePoolInteger(params, input, input_data, output, output_data);
}

void MaxPoolFloat(const PoolParams& params, const Shape& input, const float* input_data,
                  const Shape& output, float* output_data) {
  const int64_t row_stride = static_cast<int64_t>(input.Dim(2)) * input.Dim(3);
  const int64_t col_stride = input.Dim(3);
  ForEachWindow(params, input, output, [&](int64_t origin, int32_t y0, int32_t y1, int32_t x0,
                                           int32_t x1, int64_t out_index) {
    float max = std::numeric_limits<float>::lowest();
    for (int32_t ky = y0; ky < y1; ++ky) {
      for (int32_t kx = x0; kx < x1; ++kx) {
        max = std::max(max, input_data[origin + ky * row_stride + kx * col_stride]);
      }
    }
    output_data[out_index] = ClampFloat(max, params.float_range);
  });
}

void MaxPoolInt8(const PoolParams& params, const Shape& input, const int8_t* input_data,
                 const Shape& output, int8_t* output_data) {
  MaxPoolInteger(params, input, input_data, output, output_data);
}

void MaxPoolInt16(const PoolParams& params, const Shape& input, const int16_t* input_data,
                  const Shape& output, int16_t* output_data) {
  MaxPoolInteger(params, input, input_data, output, output_data);
}

}  // namespace bsb::rt::kernels
