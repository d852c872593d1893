#include "artifacts/quantize.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "artifacts/calibrate.h"

namespace bsb::artifacts {
namespace {

bool Is(const Operator& op, Op code) { return op.op == static_cast<int32_t>(code); }
bool HasWeights(const Operator& op) {
  return Is(op, Op::kConv2D) || Is(op, Op::kDepthwiseConv2D) || Is(op, Op::kFullyConnected);
}
std::string Where(size_t k, const Operator& op) { return "operator " + std::to_string(k) + " (" + OpName(op.op) + ")"; }

// Per-channel symmetric int8 along `axis` (-1 = per-tensor): s_c = max|w_c|/127,
// q = clamp(round(w/s_c), ±127). An all-zero channel (or one so small that max/127 is not a
// normal float) gets scale 1. Non-finite weights are an error (false).
bool QuantizeWeights(Tensor* t, int axis) {
  const std::vector<float> w = FloatData(*t);
  for (float v : w) {
    if (!std::isfinite(v)) return false;
  }
  size_t channels = 1, inner = 1;
  if (axis >= 0) {
    channels = static_cast<size_t>(t->shape[static_cast<size_t>(axis)]);
    for (size_t d = static_cast<size_t>(axis) + 1; d < t->shape.size(); ++d) inner *= static_cast<size_t>(t->shape[d]);
  }
  auto channel_of = [&](size_t i) { return axis < 0 ? 0 : (i / inner) % channels; };
  std::vector<float> max_abs(channels, 0.0f);
  for (size_t i = 0; i < w.size(); ++i) max_abs[channel_of(i)] = std::max(max_abs[channel_of(i)], std::fabs(w[i]));
  t->quant = Quantization{};
  for (float m : max_abs) t->quant.scale.push_back(m / 127.0f >= FLT_MIN ? m / 127.0f : 1.0f);
  t->quant.zero_point.assign(channels, 0);
  t->quant.quantized_dimension = axis < 0 ? 0 : axis;
  std::vector<int8_t> q(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    q[i] = static_cast<int8_t>(std::clamp(std::round(w[i] / t->quant.scale[channel_of(i)]), -127.0f, 127.0f));
  }
  t->type = TensorType::kInt8;
  t->data = ToBytes(q);
  return true;
}

int WeightAxis(const Operator& op, bool hybrid) {
  (void)hybrid;
  if (Is(op, Op::kConv2D)) return 0;
  if (Is(op, Op::kDepthwiseConv2D)) return 3;
  return -1;  // FULLY_CONNECTED: per-tensor
}

Quantization ActivationParams(const TensorRange& r, bool int16) {
  Quantization q;
  const float lo = std::min(r.min, 0.0f), hi = std::max(r.max, 0.0f);
  if (int16) {
    const float m = std::max(-lo, hi);
    // A range too small for a normal-float scale is treated as all zeros.
    q.scale = {m / 32767.0f >= FLT_MIN ? m / 32767.0f : 1.0f / 32767.0f};
    q.zero_point = {0};
    return q;
  }
  const float s = (hi - lo) / 255.0f >= FLT_MIN ? (hi - lo) / 255.0f : 1.0f / 255.0f;
  q.scale = {s};
  q.zero_point = {static_cast<int64_t>(std::clamp(std::round(-128.0f - lo / s), -128.0f, 127.0f))};
  return q;
}

Status FullInteger(Model& m, const QuantizeOptions& o) {
  const bool int16 = o.scheme == Scheme::kInt16x8 || o.scheme == Scheme::kInt16x8Only;
  const bool float_io = o.scheme == Scheme::kInt8 || o.scheme == Scheme::kInt16x8;
  const TensorType act = int16 ? TensorType::kInt16 : TensorType::kInt8;
  for (size_t k = 0; k < m.operators.size(); ++k) {
    const Operator& op = m.operators[k];
    if (!(HasWeights(op) || Is(op, Op::kMaxPool2D) || Is(op, Op::kAveragePool2D) || Is(op, Op::kReshape) ||
          Is(op, Op::kSoftmax) || Is(op, Op::kRelu) || Is(op, Op::kRelu6) || Is(op, Op::kLogistic) || Is(op, Op::kTanh))) {
      return MakeError(Where(k, op) + " is not supported by the " + SchemeName(o.scheme) + " quantizer");
    }
  }
  if (o.calibration == nullptr) return MakeError(std::string(SchemeName(o.scheme)) + " needs calibration images");
  const double correlation = AdjacentPixelCorrelation(*o.calibration, o.samples);
  if (!(correlation >= kMinCalibrationCorrelation)) {
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "calibration images look like random noise (adjacent-pixel correlation %.3f over %u images; real "
                  "images score above 0.5, uniform noise about 0): calibrating on noise records meaningless ranges, so "
                  "give real samples of the data the model will see",
                  correlation, std::min(o.samples, o.calibration->count));
    return MakeError(buf);
  }
  auto ranges = Calibrate(m, *o.calibration, o.samples, o.input_scale, o.input_offset);
  if (!ranges) return ranges.error();

  // Activations: calibrated, then overridden where the spec fixes or passes parameters through.
  for (size_t t = 0; t < m.tensors.size(); ++t) {
    Tensor& tensor = m.tensors[t];
    if (tensor.IsConstant() || tensor.type != TensorType::kFloat32) continue;
    const TensorRange& r = (*ranges)[t];
    if (!std::isfinite(r.min) || !std::isfinite(r.max) ||
        !std::isfinite(std::max(r.max, 0.0f) - std::min(r.min, 0.0f))) {
      return MakeError("calibration: tensor " + std::to_string(t) + " '" + tensor.name + "' takes non-finite values [" +
                       std::to_string(r.min) + ", " + std::to_string(r.max) + "]");
    }
    tensor.quant = ActivationParams(r, int16);
    tensor.type = act;
  }
  for (Operator& op : m.operators) {
    Tensor& out = m.tensors[op.outputs[0]];
    const Tensor& in = m.tensors[op.inputs[0]];
    if (Is(op, Op::kMaxPool2D) || Is(op, Op::kAveragePool2D) || Is(op, Op::kReshape)) {
      out.quant = in.quant;
    } else if (Is(op, Op::kSoftmax) || Is(op, Op::kLogistic)) {
      out.quant = int16 ? Quantization{{1.0f / 32768.0f}, {0}, 0} : Quantization{{1.0f / 256.0f}, {-128}, 0};
    } else if (Is(op, Op::kTanh)) {
      out.quant = int16 ? Quantization{{1.0f / 32768.0f}, {0}, 0} : Quantization{{1.0f / 128.0f}, {0}, 0};
    }
  }
  // Weights and bias.
  for (size_t k = 0; k < m.operators.size(); ++k) {
    const Operator& op = m.operators[k];
    if (!HasWeights(op)) continue;
    Tensor& w = m.tensors[op.inputs[1]];
    if (!w.IsConstant() || w.type != TensorType::kFloat32) {
      return MakeError(Where(k, op) + ": weights '" + w.name + "' must be float32 constants");
    }
    if (!QuantizeWeights(&w, WeightAxis(op, false))) return MakeError(Where(k, op) + ": weights '" + w.name + "' are not all finite");
    if (op.inputs.size() < 3 || op.inputs[2] < 0) continue;
    Tensor& b = m.tensors[op.inputs[2]];
    if (!b.IsConstant() || b.type != TensorType::kFloat32) {
      return MakeError(Where(k, op) + ": bias '" + b.name + "' must be a float32 constant");
    }
    if (w.quant.scale.size() != 1 && w.quant.scale.size() != b.Elements()) {
      return MakeError(Where(k, op) + ": bias '" + b.name + "' has " + std::to_string(b.Elements()) + " values for " +
                       std::to_string(w.quant.scale.size()) + " weight channels");
    }
    if (m.tensors[op.inputs[0]].quant.empty()) {
      return MakeError(Where(k, op) + ": input '" + m.tensors[op.inputs[0]].name + "' is not a float activation");
    }
    const float s_in = m.tensors[op.inputs[0]].quant.scale[0];
    const std::vector<float> bias = FloatData(b);
    b.quant = Quantization{};
    for (size_t c = 0; c < bias.size(); ++c) {
      // Per-tensor FC: the product is taken in float, as the kernels do.
      b.quant.scale.push_back(s_in * w.quant.scale[w.quant.scale.size() == 1 ? 0 : c]);
    }
    b.quant.zero_point.assign(bias.size(), 0);
    for (size_t c = 0; c < bias.size(); ++c) {
      if (!std::isfinite(bias[c]) || !(b.quant.scale[c] >= FLT_MIN) || !std::isfinite(b.quant.scale[c])) {
        return MakeError(Where(k, op) + ": bias '" + b.name + "' value " + std::to_string(c) +
                         " is not finite or its scale s_in*s_w is not a normal float");
      }
    }
    if (int16) {
      std::vector<int64_t> q(bias.size());
      for (size_t c = 0; c < bias.size(); ++c) {
        // ±2^62: far outside any real bias, and exactly representable, so the cast is defined.
        constexpr double kLimit = 4611686018427387904.0;
        q[c] = static_cast<int64_t>(std::clamp<double>(std::round(static_cast<double>(bias[c]) / b.quant.scale[c]), -kLimit, kLimit));
      }
      b.type = TensorType::kInt64, b.data = ToBytes(q);
    } else {
      std::vector<int32_t> q(bias.size());
      for (size_t c = 0; c < bias.size(); ++c) {
        q[c] = static_cast<int32_t>(std::clamp<double>(std::round(bias[c] / b.quant.scale[c]), INT32_MIN, INT32_MAX));
      }
      b.type = TensorType::kInt32, b.data = ToBytes(q);
    }
  }
  if (!float_io) return Ok{};
  // Float I/O: a QUANTIZE in front of the graph and a DEQUANTIZE after each output.
  std::vector<Operator> front, back;
  for (int32_t& in : m.inputs) {
    Tensor f = m.tensors[in];
    f.type = TensorType::kFloat32, f.quant = Quantization{}, f.name += "/float";
    const int32_t fi = m.AddTensor(std::move(f));
    front.push_back(Operator{static_cast<int32_t>(Op::kQuantize), 1, {fi}, {in}, {}});
    in = fi;
  }
  for (int32_t& out : m.outputs) {
    Tensor f = m.tensors[out];
    f.type = TensorType::kFloat32, f.quant = Quantization{}, f.name += "/float";
    const int32_t fo = m.AddTensor(std::move(f));
    back.push_back(Operator{static_cast<int32_t>(Op::kDequantize), 1, {out}, {fo}, {}});
    out = fo;
  }
  m.operators.insert(m.operators.begin(), front.begin(), front.end());
  m.operators.insert(m.operators.end(), back.begin(), back.end());
  return Ok{};
}

Status Float16(Model& m) {
  std::vector<Operator> dequantize;
  for (Operator& op : m.operators) {
    if (!HasWeights(op)) continue;
    for (size_t i = 1; i < op.inputs.size(); ++i) {
      if (op.inputs[i] < 0) continue;
      Tensor& c = m.tensors[op.inputs[i]];
      if (!c.IsConstant() || c.type != TensorType::kFloat32) continue;
      Tensor f;
      f.name = c.name + "/dequantized", f.shape = c.shape;
      std::vector<uint16_t> half;
      for (float v : FloatData(c)) half.push_back(FloatToHalf(v));
      c.type = TensorType::kFloat16, c.data = ToBytes(half);
      const int32_t fi = m.AddTensor(std::move(f));
      dequantize.push_back(Operator{static_cast<int32_t>(Op::kDequantize), 1, {op.inputs[i]}, {fi}, {}});
      op.inputs[i] = fi;
    }
  }
  m.operators.insert(m.operators.begin(), dequantize.begin(), dequantize.end());
  return Ok{};
}

Status Dynamic(Model& m) {
  constexpr size_t kWeightsMinNumElements = 1024;  // TFLite's kWeightsMinNumElementsDefault
  for (size_t k = 0; k < m.operators.size(); ++k) {
    const Operator& op = m.operators[k];
    if (!HasWeights(op)) continue;
    Tensor& w = m.tensors[op.inputs[1]];
    if (w.IsConstant() && w.type == TensorType::kFloat32 && w.Elements() >= kWeightsMinNumElements &&
        !QuantizeWeights(&w, WeightAxis(op, true))) {
      return MakeError(Where(k, op) + ": weights '" + w.name + "' are not all finite");
    }
  }
  return Ok{};
}

}  // namespace

double AdjacentPixelCorrelation(const idx::Images& images, uint32_t samples) {
  const uint32_t n = std::min(samples, images.count);
  if (images.cols < 2 || n == 0) return 1.0;  // no neighbours to compare: nothing to judge
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0, count = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const uint8_t* im = images.Image(i);
    for (uint32_t y = 0; y < images.rows; ++y) {
      for (uint32_t x = 0; x + 1 < images.cols; ++x) {
        const double a = im[y * images.cols + x], b = im[y * images.cols + x + 1];
        sa += a, sb += b, saa += a * a, sbb += b * b, sab += a * b, count += 1;
      }
    }
  }
  const double cov = sab / count - (sa / count) * (sb / count);
  const double va = saa / count - (sa / count) * (sa / count), vb = sbb / count - (sb / count) * (sb / count);
  if (!(va > 0) || !(vb > 0)) return 0.0;  // constant images carry no more information than noise
  return cov / std::sqrt(va * vb);
}

uint16_t FloatToHalf(float value) {
  uint32_t x;
  std::memcpy(&x, &value, 4);
  const auto sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  const uint32_t a = x & 0x7fffffffu;
  if (a >= 0x7f800000u) return static_cast<uint16_t>(sign | 0x7c00u | (a > 0x7f800000u ? 0x200u : 0u));
  if (a >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // ≥ 65520 rounds to inf
  if (a < 0x38800000u) {  // below 2^-14: a half subnormal, value = q·2^-24 (exact scaling, RNE)
    float f;
    std::memcpy(&f, &a, 4);
    return static_cast<uint16_t>(sign | static_cast<uint32_t>(std::nearbyint(f * 16777216.0f)));
  }
  uint32_t h = ((((a >> 23) - 127 + 15) << 10) | ((a & 0x7fffffu) >> 13));
  const uint32_t rem = a & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;  // a carry into the exponent is right
  return static_cast<uint16_t>(sign | h);
}

Result<Scheme> ParseScheme(const std::string& name) {
  for (Scheme s : {Scheme::kFp32, Scheme::kFloat16, Scheme::kDynamic, Scheme::kInt8, Scheme::kInt8Only,
                   Scheme::kInt16x8, Scheme::kInt16x8Only}) {
    if (name == SchemeName(s)) return s;
  }
  return MakeError("unknown scheme '" + name + "' (known: fp32, float16, dynamic, int8, int8-only, int16x8, int16x8-only)");
}

bool NeedsCalibration(Scheme s) {
  return s == Scheme::kInt8 || s == Scheme::kInt8Only || s == Scheme::kInt16x8 || s == Scheme::kInt16x8Only;
}

Result<Model> Quantize(const Model& float_model, const QuantizeOptions& options) {
  if (options.scheme == Scheme::kUnknown) return MakeError("no scheme to quantize to (scheme unknown)");
  for (const Tensor& t : float_model.tensors) {
    if (t.type != TensorType::kFloat32 && t.type != TensorType::kInt32) {
      return MakeError("the quantizer takes a float32 model; tensor '" + t.name + "' is already quantized");
    }
  }
  if (options.scheme != Scheme::kFp32) {
    for (const auto* list : {&float_model.inputs, &float_model.outputs}) {
      for (int32_t t : *list) {
        if (t < 0 || static_cast<size_t>(t) >= float_model.tensors.size()) {
          return MakeError("subgraph input/output refers to tensor " + std::to_string(t));
        }
        const Tensor& io = float_model.tensors[t];
        if (io.IsConstant() || io.type != TensorType::kFloat32) {
          return MakeError("subgraph input/output tensor " + std::to_string(t) + " '" + io.name +
                           "' must be a float32 activation, not a constant or another type");
        }
      }
    }
    // The tensor references every scheme relies on (full-integer calibration checks every op).
    for (size_t k = 0; k < float_model.operators.size(); ++k) {
      const Operator& op = float_model.operators[k];
      if (!HasWeights(op)) continue;
      if (const std::string bad = CheckArity(float_model, op); !bad.empty()) return MakeError(Where(k, op) + ": " + bad);
    }
  }
  Model m = float_model;
  switch (options.scheme) {
    case Scheme::kFp32: break;
    case Scheme::kFloat16:
      if (auto s = Float16(m); !s) return s.error();
      break;
    case Scheme::kDynamic:
      if (auto s = Dynamic(m); !s) return s.error();
      break;
    default:
      if (auto s = FullInteger(m, options); !s) return s.error();
  }
  m.description = float_model.description + " [" + SchemeName(options.scheme) + "]";
  return m;
}

Result<std::vector<uint8_t>> QuantizeTflite(const std::vector<uint8_t>& float_tflite, const std::string& name,
                                            const QuantizeOptions& options) {
  if (options.scheme == Scheme::kFp32) return float_tflite;  // unchanged, byte for byte
  auto model = Parse(float_tflite, name);
  if (!model) return model.error();
  auto q = Quantize(*model, options);
  if (!q) return MakeError(name + ": " + q.error().message);
  return Serialize(*q);
}

}  // namespace bsb::artifacts
