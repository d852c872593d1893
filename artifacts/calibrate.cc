#include "artifacts/calibrate.h"

#include <algorithm>
#include <cmath>

namespace bsb::artifacts {
namespace {

int Dim(const Tensor& t, size_t i) { return i < t.shape.size() ? t.shape[i] : 1; }

// SAME: out = ceil(in/s), pad_before = floor(max((out-1)s + k - in, 0)/2); VALID: no padding.
int PadBefore(int padding, int in, int k, int s, int out) {
  if (padding != 0) return 0;
  return std::max((out - 1) * s + k - in, 0) / 2;
}

float Activate(float v, int8_t act) {
  if (act == 1) return std::max(v, 0.0f);
  if (act == 3) return std::min(std::max(v, 0.0f), 6.0f);
  if (act == 2) return std::min(std::max(v, -1.0f), 1.0f);
  return v;
}

// CONV_2D (depthwise=false, filter [O,K,K,I]) and DEPTHWISE_CONV_2D (filter [1,K,K,I*mult]).
void Conv(const Model& m, const Operator& op, std::vector<std::vector<float>>& v, bool depthwise) {
  const Tensor &in = m.tensors[op.inputs[0]], &f = m.tensors[op.inputs[1]], &out = m.tensors[op.outputs[0]];
  const auto& x = v[op.inputs[0]];
  const auto& w = v[op.inputs[1]];
  const bool has_bias = op.inputs.size() > 2 && op.inputs[2] >= 0;
  const int ih = Dim(in, 1), iw = Dim(in, 2), ic = Dim(in, 3);
  const int oh = Dim(out, 1), ow = Dim(out, 2), oc = Dim(out, 3);
  const int kh = Dim(f, 1), kw = Dim(f, 2), fc = Dim(f, 3);
  const Options& o = op.options;
  const int pt = PadBefore(o.padding, ih, (kh - 1) * o.dilation_h + 1, o.stride_h, oh);
  const int pl = PadBefore(o.padding, iw, (kw - 1) * o.dilation_w + 1, o.stride_w, ow);
  auto& y = v[op.outputs[0]];
  y.assign(out.Elements(), 0.0f);
  for (int oy = 0; oy < oh; ++oy)
    for (int ox = 0; ox < ow; ++ox)
      for (int c = 0; c < oc; ++c) {
        float acc = has_bias ? v[op.inputs[2]][c] : 0.0f;
        for (int ky = 0; ky < kh; ++ky) {
          const int iy = oy * o.stride_h - pt + ky * o.dilation_h;
          if (iy < 0 || iy >= ih) continue;
          for (int kx = 0; kx < kw; ++kx) {
            const int ix = ox * o.stride_w - pl + kx * o.dilation_w;
            if (ix < 0 || ix >= iw) continue;
            const float* px = &x[(static_cast<size_t>(iy) * iw + ix) * ic];
            if (depthwise) {
              acc += w[(static_cast<size_t>(ky) * kw + kx) * fc + c] * px[c / o.depth_multiplier];
            } else {
              const float* pw = &w[((static_cast<size_t>(c) * kh + ky) * kw + kx) * fc];
              for (int i = 0; i < fc; ++i) acc += pw[i] * px[i];
            }
          }
        }
        y[(static_cast<size_t>(oy) * ow + ox) * oc + c] = Activate(acc, o.fused_activation);
      }
}

void Pool(const Model& m, const Operator& op, std::vector<std::vector<float>>& v, bool is_max) {
  const Tensor &in = m.tensors[op.inputs[0]], &out = m.tensors[op.outputs[0]];
  const auto& x = v[op.inputs[0]];
  const int ih = Dim(in, 1), iw = Dim(in, 2), c = Dim(in, 3), oh = Dim(out, 1), ow = Dim(out, 2);
  const Options& o = op.options;
  const int pt = PadBefore(o.padding, ih, o.filter_h, o.stride_h, oh);
  const int pl = PadBefore(o.padding, iw, o.filter_w, o.stride_w, ow);
  auto& y = v[op.outputs[0]];
  y.assign(out.Elements(), 0.0f);
  for (int oy = 0; oy < oh; ++oy)
    for (int ox = 0; ox < ow; ++ox)
      for (int ch = 0; ch < c; ++ch) {
        float best = -INFINITY, sum = 0.0f;
        int n = 0;
        for (int ky = 0; ky < o.filter_h; ++ky)
          for (int kx = 0; kx < o.filter_w; ++kx) {
            const int iy = oy * o.stride_h - pt + ky, ix = ox * o.stride_w - pl + kx;
            if (iy < 0 || iy >= ih || ix < 0 || ix >= iw) continue;
            const float val = x[(static_cast<size_t>(iy) * iw + ix) * c + ch];
            best = std::max(best, val), sum += val, ++n;
          }
        y[(static_cast<size_t>(oy) * ow + ox) * c + ch] =
            Activate(is_max ? best : sum / static_cast<float>(std::max(n, 1)), o.fused_activation);
      }
}

void FullyConnected(const Model& m, const Operator& op, std::vector<std::vector<float>>& v) {
  const Tensor& w = m.tensors[op.inputs[1]];
  const int units = Dim(w, 0), depth = Dim(w, 1);
  const auto& x = v[op.inputs[0]];
  const auto& wv = v[op.inputs[1]];
  const bool has_bias = op.inputs.size() > 2 && op.inputs[2] >= 0;
  const size_t batches = x.size() / static_cast<size_t>(depth);
  auto& y = v[op.outputs[0]];
  y.assign(batches * static_cast<size_t>(units), 0.0f);
  for (size_t b = 0; b < batches; ++b)
    for (int o = 0; o < units; ++o) {
      float acc = has_bias ? v[op.inputs[2]][o] : 0.0f;
      for (int i = 0; i < depth; ++i) acc += wv[static_cast<size_t>(o) * depth + i] * x[b * depth + i];
      y[b * units + o] = Activate(acc, op.options.fused_activation);
    }
}

void Softmax(const Operator& op, std::vector<std::vector<float>>& v, size_t row) {
  const auto& x = v[op.inputs[0]];
  auto& y = v[op.outputs[0]];
  y.resize(x.size());
  for (size_t r0 = 0; r0 < x.size(); r0 += row) {
    const float mx = *std::max_element(x.begin() + r0, x.begin() + r0 + row);
    double sum = 0.0;
    for (size_t i = 0; i < row; ++i) sum += std::exp(static_cast<double>(op.options.beta) * (x[r0 + i] - mx));
    for (size_t i = 0; i < row; ++i)
      y[r0 + i] = static_cast<float>(std::exp(static_cast<double>(op.options.beta) * (x[r0 + i] - mx)) / sum);
  }
}

// SAME: ceil(in/s); VALID: ceil((in − k_eff + 1)/s), at least 1 (0 = no valid output).
int64_t OutSize(int padding, int64_t in, int64_t k_eff, int64_t s) {
  if (padding == 0) return (in + s - 1) / s;
  return in >= k_eff ? (in - k_eff + s) / s : 0;
}

// Largest tensor calibration evaluates (elements): far above any model that fits a target.
constexpr size_t kMaxCalibrationElements = size_t{1} << 26;

}  // namespace

std::string CheckArity(const Model& m, const Operator& op) {
  const auto valid = [&](int32_t t) { return t >= 0 && static_cast<size_t>(t) < m.tensors.size(); };
  if (op.outputs.empty() || !valid(op.outputs[0])) return "needs an output tensor";
  for (int32_t t : op.outputs) {
    if (!valid(t)) return "output refers to tensor " + std::to_string(t);
    if (m.tensors[t].IsConstant()) return "writes constant tensor '" + m.tensors[t].name + "'";
    if (m.tensors[t].Elements() > kMaxCalibrationElements) return "output '" + m.tensors[t].name + "' is too large";
  }
  if (op.inputs.empty() || !valid(op.inputs[0])) return "needs an input tensor";
  for (int32_t t : op.inputs) {
    if (t != -1 && !valid(t)) return "input refers to tensor " + std::to_string(t);
  }
  const bool weighted = op.op == static_cast<int32_t>(Op::kConv2D) || op.op == static_cast<int32_t>(Op::kDepthwiseConv2D) ||
                        op.op == static_cast<int32_t>(Op::kFullyConnected);
  if (weighted) {
    if (op.inputs.size() < 2 || op.inputs[1] < 0) return "needs a weights tensor";
    if (op.inputs.size() > 3) return "has more than 3 inputs";
    if (m.tensors[op.inputs[0]].IsConstant()) return "has a constant input 0; only weights and bias may be constant";
    const Tensor& w = m.tensors[op.inputs[1]];
    const size_t rank = op.op == static_cast<int32_t>(Op::kFullyConnected) ? 2 : 4;
    if (w.shape.size() != rank) return "weights '" + w.name + "' must have rank " + std::to_string(rank);
  }
  return "";
}

namespace {

bool Evaluable(int32_t code) {
  switch (static_cast<Op>(code)) {
    case Op::kConv2D: case Op::kDepthwiseConv2D: case Op::kMaxPool2D: case Op::kAveragePool2D:
    case Op::kFullyConnected: case Op::kReshape: case Op::kSoftmax: case Op::kRelu: case Op::kRelu6:
    case Op::kLogistic: case Op::kTanh:
      return true;
    default:
      return false;
  }
}

bool Rank(const Tensor& t, size_t rank) { return t.shape.size() == rank; }

// The shapes an operator's evaluation relies on, so that a hostile model is an error naming
// the operator and never an out-of-bounds read. Inputs' values are already known to hold
// Elements() values each.
std::string CheckGeometry(const Model& m, const Operator& op) {
  const Tensor& in = m.tensors[op.inputs[0]];
  const Tensor& out = m.tensors[op.outputs[0]];
  const bool has_bias = op.inputs.size() > 2 && op.inputs[2] >= 0;
  const Options& o = op.options;
  switch (static_cast<Op>(op.op)) {
    case Op::kConv2D:
    case Op::kDepthwiseConv2D: {
      const bool dw = op.op == static_cast<int32_t>(Op::kDepthwiseConv2D);
      const Tensor& f = m.tensors[op.inputs[1]];
      if (!Rank(in, 4) || !Rank(f, 4) || !Rank(out, 4)) return "input, filter and output must be 4-D";
      if (in.shape[0] != 1 || out.shape[0] != 1) return "calibration takes batch 1";
      if (o.stride_h < 1 || o.stride_w < 1 || o.dilation_h < 1 || o.dilation_w < 1) return "strides and dilations must be >= 1";
      if (dw) {
        if (f.shape[0] != 1 || o.depth_multiplier < 1 || f.shape[3] != out.shape[3] ||
            static_cast<int64_t>(in.shape[3]) * o.depth_multiplier != out.shape[3]) {
          return "depthwise filter [1,KH,KW,C*multiplier] does not match input and output channels";
        }
      } else if (f.shape[3] != in.shape[3] || f.shape[0] != out.shape[3]) {
        return "filter [O,KH,KW,I] does not match input and output channels (grouped convolution is not supported)";
      }
      if (f.shape[1] < 1 || f.shape[2] < 1) return "empty filter";
      const int64_t oh = OutSize(o.padding, in.shape[1], (int64_t{f.shape[1]} - 1) * o.dilation_h + 1, o.stride_h);
      const int64_t ow = OutSize(o.padding, in.shape[2], (int64_t{f.shape[2]} - 1) * o.dilation_w + 1, o.stride_w);
      if (oh != out.shape[1] || ow != out.shape[2]) return "output height/width do not follow from padding and strides";
      if (has_bias && m.tensors[op.inputs[2]].Elements() != static_cast<size_t>(out.shape[3])) return "bias size is not the channel count";
      return "";
    }
    case Op::kMaxPool2D:
    case Op::kAveragePool2D: {
      if (!Rank(in, 4) || !Rank(out, 4)) return "input and output must be 4-D";
      if (in.shape[0] != 1 || out.shape[0] != 1 || in.shape[3] != out.shape[3]) return "batch 1 and equal channels expected";
      if (o.stride_h < 1 || o.stride_w < 1 || o.filter_h < 1 || o.filter_w < 1) return "strides and filter must be >= 1";
      if (OutSize(o.padding, in.shape[1], o.filter_h, o.stride_h) != out.shape[1] ||
          OutSize(o.padding, in.shape[2], o.filter_w, o.stride_w) != out.shape[2]) {
        return "output height/width do not follow from padding and strides";
      }
      return "";
    }
    case Op::kFullyConnected: {
      const Tensor& w = m.tensors[op.inputs[1]];
      if (!Rank(w, 2) || w.shape[0] < 1 || w.shape[1] < 1) return "weights must be [O, D]";
      const auto units = static_cast<size_t>(w.shape[0]), depth = static_cast<size_t>(w.shape[1]);
      if (in.Elements() % depth != 0 || out.Elements() != in.Elements() / depth * units) {
        return "input/output sizes do not match weights [" + std::to_string(units) + "," + std::to_string(depth) + "]";
      }
      if (has_bias && m.tensors[op.inputs[2]].Elements() != units) return "bias size is not O";
      return "";
    }
    case Op::kSoftmax:
      if (in.shape.empty() || in.shape.back() < 1) return "input needs a non-empty last dimension";
      [[fallthrough]];
    default:  // RESHAPE and the element-wise activations
      if (out.Elements() != in.Elements()) return "output size differs from input size";
      return "";
  }
}

}  // namespace

Result<std::vector<std::vector<float>>> EvaluateFloat(const Model& model, const std::vector<float>& input) {
  std::vector<std::vector<float>> v(model.tensors.size());
  for (size_t i = 0; i < model.tensors.size(); ++i) {
    const Tensor& t = model.tensors[i];
    if (t.IsConstant() && t.type == TensorType::kFloat32) v[i] = FloatData(t);
  }
  if (model.inputs.size() != 1 || model.inputs[0] < 0 || static_cast<size_t>(model.inputs[0]) >= model.tensors.size() ||
      model.tensors[model.inputs[0]].Elements() != input.size()) {
    return MakeError("calibration: the model must have one float input of " + std::to_string(input.size()) + " values");
  }
  v[model.inputs[0]] = input;
  for (size_t k = 0; k < model.operators.size(); ++k) {
    const Operator& op = model.operators[k];
    const std::string where = "calibration: operator " + std::to_string(k) + " (" + OpName(op.op) + ")";
    if (!Evaluable(op.op)) return MakeError(where + " is not supported by the quantizer");
    if (const std::string bad = CheckArity(model, op); !bad.empty()) return MakeError(where + ": " + bad);
    for (size_t n = 0; n < op.inputs.size(); ++n) {
      const int32_t i = op.inputs[n];
      // RESHAPE's optional shape input (1) is int32; everything else calibration reads is float.
      if (i >= 0 && model.tensors[i].type != TensorType::kFloat32 && !(op.op == static_cast<int32_t>(Op::kReshape) && n == 1)) {
        return MakeError("calibration: operator " + std::to_string(k) + " (" + OpName(op.op) +
                         ") has a non-float input '" + model.tensors[i].name + "'; calibrate the float model");
      }
    }
    for (size_t i = 0; i < op.inputs.size(); ++i) {
      const int32_t t = op.inputs[i];
      if (t >= 0 && model.tensors[t].type == TensorType::kFloat32 && v[t].size() != model.tensors[t].Elements()) {
        return MakeError(where + " reads tensor " + std::to_string(t) + " '" + model.tensors[t].name +
                         "' before any operator produced it");
      }
    }
    if (const std::string bad = CheckGeometry(model, op); !bad.empty()) return MakeError(where + ": " + bad);
    switch (static_cast<Op>(op.op)) {
      case Op::kConv2D: Conv(model, op, v, false); break;
      case Op::kDepthwiseConv2D: Conv(model, op, v, true); break;
      case Op::kMaxPool2D: Pool(model, op, v, true); break;
      case Op::kAveragePool2D: Pool(model, op, v, false); break;
      case Op::kFullyConnected: FullyConnected(model, op, v); break;
      case Op::kReshape: v[op.outputs[0]] = v[op.inputs[0]]; break;
      case Op::kSoftmax: Softmax(op, v, static_cast<size_t>(model.tensors[op.inputs[0]].shape.back())); break;
      case Op::kRelu: case Op::kRelu6: case Op::kLogistic: case Op::kTanh: {
        auto& y = v[op.outputs[0]];
        y = v[op.inputs[0]];
        for (float& e : y) {
          if (op.op == static_cast<int32_t>(Op::kRelu)) e = std::max(e, 0.0f);
          else if (op.op == static_cast<int32_t>(Op::kRelu6)) e = std::min(std::max(e, 0.0f), 6.0f);
          else if (op.op == static_cast<int32_t>(Op::kLogistic)) e = static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(e))));
          else e = std::tanh(e);
        }
        break;
      }
      default:
        return MakeError("calibration: operator " + std::to_string(k) + " (" + OpName(op.op) +
                         ") is not supported by the quantizer");
    }
  }
  return v;
}

Result<std::vector<TensorRange>> Calibrate(const Model& model, const idx::Images& images,
                                           uint32_t samples, float scale, float offset) {
  const uint32_t n = std::min(samples, images.count);
  if (n == 0) return MakeError("calibration: no samples");
  std::vector<TensorRange> ranges(model.tensors.size());
  std::vector<float> input(images.PixelsPerImage());
  for (uint32_t s = 0; s < n; ++s) {
    for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<float>(images.Image(s)[i]) * scale + offset;
    auto values = EvaluateFloat(model, input);
    if (!values) return values.error();
    for (size_t t = 0; t < ranges.size(); ++t) {
      for (float e : (*values)[t]) {
        TensorRange& r = ranges[t];
        if (!r.seen) r.min = r.max = e, r.seen = true;
        r.min = std::min(r.min, e), r.max = std::max(r.max, e);
      }
    }
  }
  return ranges;
}

}  // namespace bsb::artifacts
