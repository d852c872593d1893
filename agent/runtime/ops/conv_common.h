// Prepare/Invoke glue shared by CONV_2D and DEPTHWISE_CONV_2D: the same inputs (input, filter,
// optional bias), the same geometry and requantization (kernels/conv_params.h), differing in the
// filter layout, the per-channel quantized dimension and the kernel called.
#pragma once

#include <cstring>
#include <new>
#include <type_traits>

#include "agent/runtime/kernels/conv_params.h"
#include "agent/runtime/ops/op_util.h"

namespace bsb::rt::ops {

// Persistent per-node data: the kernel parameters, followed in the same allocation by
// O int32 multipliers and O int8 shifts on the quantized paths (one 16-byte-aligned block
// instead of three keeps the arena tail below TFLite Micro's).
struct ConvData {
  kernels::ConvParams params;
  bool bias_is_int32 = false;  // int16x8 with an int32 bias (quantized_bias_type INT32)
};

// Which path a registration prepares.
enum class ConvPath { kFloat, kInt8, kInt16, kHybrid };

// The geometry of Conv2DOptions or DepthwiseConv2DOptions (the schema names the fields alike).
template <typename SchemaOptions>
kernels::ConvOptions ConvOptionsFrom(const SchemaOptions& o, bool depthwise) {
  kernels::ConvOptions options;
  options.padding = KernelPadding(o.padding());
  options.stride_h = o.stride_h();
  options.stride_w = o.stride_w();
  options.dilation_h = o.dilation_h_factor();
  options.dilation_w = o.dilation_w_factor();
  options.activation = KernelActivation(o.fused_activation_function());
  options.depthwise = depthwise;
  return options;
}

// Checks arity, types, quantization and the output shape; computes the kernel parameters into
// persistent memory. `options` carries the node's geometry; `quantized_dimension` is the filter
// axis that per-channel scales run along (0 for CONV_2D, 3 for DEPTHWISE_CONV_2D).
inline Status PrepareConvLike(Context& ctx, Node& node, ConvPath path, const kernels::ConvOptions& options,
                              int32_t quantized_dimension) {
  if (Status s = CheckArity(ctx, node, 2, 3, 1); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* filter = ctx.Input(node, 1);
  const Tensor* bias = ctx.Input(node, 2);
  const Tensor* output = ctx.Output(node, 0);
  const bool float_act = path == ConvPath::kFloat || path == ConvPath::kHybrid;
  const tflite::TensorType act_type =
      float_act ? tflite::TensorType_FLOAT32 : (path == ConvPath::kInt16 ? tflite::TensorType_INT16 : tflite::TensorType_INT8);
  const tflite::TensorType filter_type = path == ConvPath::kFloat ? tflite::TensorType_FLOAT32 : tflite::TensorType_INT8;
  if (Status s = CheckType(ctx, node, input, act_type, "input"); s != Status::kOk) return s;
  if (Status s = CheckType(ctx, node, filter, filter_type, "filter"); s != Status::kOk) return s;
  if (Status s = CheckType(ctx, node, output, act_type, "output"); s != Status::kOk) return s;
  if (!filter->is_constant) return ctx.Fail(node, Status::kUnsupported, "filter is not a constant tensor");
  if (input->shape.rank != 4 || filter->shape.rank != 4 || output->shape.rank != 4) {
    return ctx.Fail(node, Status::kMalformedModel, "input, filter and output must be 4-D (ranks %d, %d, %d)",
                    static_cast<int>(input->shape.rank), static_cast<int>(filter->shape.rank), static_cast<int>(output->shape.rank));
  }
  const kernels::Shape in_shape = KernelShape(input->shape);
  const kernels::Shape filter_shape = KernelShape(filter->shape);
  const int32_t channels = options.depthwise ? filter->shape.dims[3] : filter->shape.dims[0];
  if (channels < 1) return ctx.Fail(node, Status::kMalformedModel, "filter has %d output channels", static_cast<int>(channels));

  // Bias: O elements of the path's type.
  bool bias_is_int32 = false;
  if (bias != nullptr) {
    if (bias->shape.FlatSize() != channels) {
      return ctx.Fail(node, Status::kMalformedModel, "bias has %lld elements; %d output channels expected",
                      static_cast<long long>(bias->shape.FlatSize()), static_cast<int>(channels));
    }
    bool ok = false;
    switch (path) {
      case ConvPath::kFloat:
      case ConvPath::kHybrid: ok = bias->type == tflite::TensorType_FLOAT32; break;
      case ConvPath::kInt8: ok = bias->type == tflite::TensorType_INT32; break;
      case ConvPath::kInt16:
        ok = bias->type == tflite::TensorType_INT64 || bias->type == tflite::TensorType_INT32;
        bias_is_int32 = bias->type == tflite::TensorType_INT32;
        break;
    }
    if (!ok) {
      return ctx.Fail(node, Status::kUnsupported, "bias type %s is not supported with %s input and %s filter", TypeName(bias->type),
                      TypeName(input->type), TypeName(filter->type));
    }
  }

  // Filter quantization: symmetric, per-tensor or per-channel along quantized_dimension.
  if (path != ConvPath::kFloat) {
    if (Status s = CheckQuantized(ctx, node, filter, "filter"); s != Status::kOk) return s;
    const int32_t count = filter->quant.count;
    if (count != 1 && count != channels) {
      return ctx.Fail(node, Status::kMalformedModel, "filter has %d scales; 1 or %d (one per output channel) expected",
                      static_cast<int>(count), static_cast<int>(channels));
    }
    if (count > 1 && filter->quant.quantized_dimension != quantized_dimension) {
      return ctx.Fail(node, Status::kUnsupported, "filter is quantized along dimension %d; only %d is supported",
                      static_cast<int>(filter->quant.quantized_dimension), static_cast<int>(quantized_dimension));
    }
    if (filter->quant.zero_points != nullptr) {
      for (int32_t c = 0; c < count; ++c) {
        if (filter->quant.zero_points[c] != 0) {
          return ctx.Fail(node, Status::kUnsupported, "filter zero point %lld (channel %d) is not 0; only symmetric weights are supported",
                          static_cast<long long>(filter->quant.zero_points[c]), static_cast<int>(c));
        }
      }
    }
  }
  const bool quantized = path == ConvPath::kInt8 || path == ConvPath::kInt16;
  if (quantized) {
    if (Status s = CheckQuantized(ctx, node, input, "input"); s != Status::kOk) return s;
    if (Status s = CheckQuantized(ctx, node, output, "output"); s != Status::kOk) return s;
    if (path == ConvPath::kInt16 && (input->quant.zero_point() != 0 || output->quant.zero_point() != 0)) {
      return ctx.Fail(node, Status::kMalformedModel, "int16 activations need zero points 0 (input %d, output %d)",
                      static_cast<int>(input->quant.zero_point()), static_cast<int>(output->quant.zero_point()));
    }
  }

  const std::size_t extra = quantized ? (sizeof(int32_t) + sizeof(int8_t)) * static_cast<std::size_t>(channels) : 0;
  void* block = ctx.AllocatePersistent(sizeof(ConvData) + extra);
  if (block == nullptr) return Status::kArenaTooSmall;
  auto* data = new (block) ConvData();
  data->bias_is_int32 = bias_is_int32;
  node.user_data = data;
  kernels::KernelStatus ks = kernels::KernelStatus::kOk;
  switch (path) {
    case ConvPath::kFloat: ks = kernels::PrepareConvFloat(options, in_shape, filter_shape, &data->params); break;
    case ConvPath::kHybrid:
      ks = kernels::PrepareConvHybrid(options, in_shape, filter_shape, filter->quant.scales, filter->quant.count, &data->params);
      break;
    case ConvPath::kInt8:
    case ConvPath::kInt16: {
      auto* multipliers = reinterpret_cast<int32_t*>(static_cast<uint8_t*>(block) + sizeof(ConvData));
      auto* shifts = reinterpret_cast<int8_t*>(multipliers + channels);
      auto prepare = path == ConvPath::kInt8 ? kernels::PrepareConvInt8 : kernels::PrepareConvInt16;
      ks = prepare(options, in_shape, filter_shape, input->quant.scale(), input->quant.zero_point(), filter->quant.scales,
                   filter->quant.count, output->quant.scale(), output->quant.zero_point(), multipliers, shifts, &data->params);
      break;
    }
  }
  if (Status s = FromKernel(ctx, node, ks, "geometry/quantization parameters"); s != Status::kOk) return s;

  // The output shape the model declares must be the one the geometry gives.
  const kernels::ConvParams& p = data->params;
  const int32_t* od = output->shape.dims;
  if (od[0] != input->shape.dims[0] || od[1] != p.output_height || od[2] != p.output_width || od[3] != p.output_channels) {
    return ctx.Fail(node, Status::kMalformedModel, "output shape [%d, %d, %d, %d] differs from the computed [%d, %d, %d, %d]",
                    static_cast<int>(od[0]), static_cast<int>(od[1]), static_cast<int>(od[2]), static_cast<int>(od[3]),
                    static_cast<int>(input->shape.dims[0]), static_cast<int>(p.output_height), static_cast<int>(p.output_width),
                    static_cast<int>(p.output_channels));
  }
  if (path == ConvPath::kHybrid) return ctx.RequestScratch(node, kernels::ConvHybridScratchBytes(in_shape));
  return Status::kOk;
}

// The kernels a conv-like Invoke calls (kernels/conv.h, kernels/depthwise_conv.h): activations
// Act, weights Weight, bias Bias (may be null); the hybrid kernels also take scratch.
template <typename Act, typename Weight, typename Bias>
using ConvKernel = void (*)(const kernels::ConvParams&, const kernels::Shape&, const Act*, const kernels::Shape&, const Weight*,
                            const Bias*, const kernels::Shape&, Act*);
using HybridConvKernel = void (*)(const kernels::ConvParams&, const kernels::Shape&, const float*, const kernels::Shape&,
                                  const int8_t*, const float*, const kernels::Shape&, void*, float*);

// Calls `kernel` on the node's input, filter, optional bias and output, with the parameters
// PrepareConvLike stored.
template <typename Act, typename Weight, typename Bias, typename Kernel>
Status CallConvKernel(Context& ctx, const Node& node, Kernel kernel) {
  const auto* data = static_cast<const ConvData*>(node.user_data);
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* filter = ctx.Input(node, 1);
  const Tensor* bias = ctx.Input(node, 2);
  const Tensor* output = ctx.Output(node, 0);
  const Bias* bias_data = bias ? bias->As<Bias>() : nullptr;
  if constexpr (std::is_same_v<Kernel, HybridConvKernel>) {
    kernel(data->params, KernelShape(input->shape), input->As<Act>(), KernelShape(filter->shape), filter->As<Weight>(), bias_data,
           KernelShape(output->shape), ctx.Scratch(node), output->As<Act>());
  } else {
    kernel(data->params, KernelShape(input->shape), input->As<Act>(), KernelShape(filter->shape), filter->As<Weight>(), bias_data,
           KernelShape(output->shape), output->As<Act>());
  }
  return Status::kOk;
}

// Invoke functions for registration, one per path, instantiated with the op's kernels.
template <ConvKernel<float, float, float> kKernel>
Status InvokeConvFloat(Context& ctx, const Node& node) {
  return CallConvKernel<float, float, float>(ctx, node, kKernel);
}

template <ConvKernel<int8_t, int8_t, int32_t> kKernel>
Status InvokeConvInt8(Context& ctx, const Node& node) {
  return CallConvKernel<int8_t, int8_t, int32_t>(ctx, node, kKernel);
}

// int16x8: the int32-bias kernel when Prepare saw an INT32 bias, else the int64 one.
template <ConvKernel<int16_t, int8_t, int32_t> kInt32BiasKernel, ConvKernel<int16_t, int8_t, int64_t> kInt64BiasKernel>
Status InvokeConvInt16(Context& ctx, const Node& node) {
  if (static_cast<const ConvData*>(node.user_data)->bias_is_int32) {
    return CallConvKernel<int16_t, int8_t, int32_t>(ctx, node, kInt32BiasKernel);
  }
  return CallConvKernel<int16_t, int8_t, int64_t>(ctx, node, kInt64BiasKernel);
}

template <HybridConvKernel kKernel>
Status InvokeConvHybrid(Context& ctx, const Node& node) {
  return CallConvKernel<float, int8_t, float>(ctx, node, kKernel);
}

}  // namespace bsb::rt::ops
