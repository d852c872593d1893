#include "artifacts/zoo_train.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>

namespace bsb::artifacts {
namespace {

// Uniform in [-1, 1) from the raw 32-bit output of mt19937 (whose sequence the C++ standard
// fixes; the std distributions are implementation-defined, so they are not used).
float UniformSigned(std::mt19937& rng) {
  return static_cast<float>(rng() >> 8) * (2.0f / 16777216.0f) - 1.0f;
}

// Activations of one example through the network, and the state backprop needs.
struct Workspace {
  std::vector<std::vector<float>> acts;   // acts[i] = input of layer i; acts[L] = logits
  std::vector<std::vector<float>> grads;  // same shapes: d loss / d acts[i]
  std::vector<std::vector<uint32_t>> argmax;  // max-pool winners, per pooling layer

  explicit Workspace(const TrainedModel& m) {
    acts.resize(m.layers.size() + 1);
    grads.resize(m.layers.size() + 1);
    argmax.resize(m.layers.size());
    for (size_t i = 0; i < m.layers.size(); ++i) {
      acts[i].resize(m.layers[i].InputSize());
      grads[i].resize(m.layers[i].InputSize());
      if (m.layers[i].spec.kind == LayerKind::kMaxPool2D) argmax[i].resize(m.layers[i].OutputSize());
    }
    acts.back().resize(m.layers.back().OutputSize());
    grads.back().resize(m.layers.back().OutputSize());
  }
};

void ConvForward(const TrainedLayer& l, const float* x, float* y) {
  const int k = l.spec.kernel, pad = (k - 1) / 2;  // TFLite SAME, stride 1: pad_before = (k-1)/2
  for (int oy = 0; oy < l.out_h; ++oy) {
    for (int ox = 0; ox < l.out_w; ++ox) {
      float* out = y + (static_cast<size_t>(oy) * l.out_w + ox) * l.out_c;
      for (int o = 0; o < l.out_c; ++o) {
        float acc = l.bias[o];
        for (int ky = 0; ky < k; ++ky) {
          const int iy = oy + ky - pad;
          if (iy < 0 || iy >= l.in_h) continue;
          for (int kx = 0; kx < k; ++kx) {
            const int ix = ox + kx - pad;
            if (ix < 0 || ix >= l.in_w) continue;
            const float* w = &l.weights[((static_cast<size_t>(o) * k + ky) * k + kx) * l.in_c];
            const float* in = x + (static_cast<size_t>(iy) * l.in_w + ix) * l.in_c;
            for (int c = 0; c < l.in_c; ++c) acc += w[c] * in[c];
          }
        }
        out[o] = l.spec.relu && acc < 0.0f ? 0.0f : acc;
      }
    }
  }
}

void ConvBackward(const TrainedLayer& l, const float* x, const float* y, const float* dy,
                  float* dx, float* dw, float* db) {
  const int k = l.spec.kernel, pad = (k - 1) / 2;
  for (size_t i = 0; i < l.InputSize(); ++i) dx[i] = 0.0f;
  for (int oy = 0; oy < l.out_h; ++oy) {
    for (int ox = 0; ox < l.out_w; ++ox) {
      const size_t base = (static_cast<size_t>(oy) * l.out_w + ox) * l.out_c;
      for (int o = 0; o < l.out_c; ++o) {
        if (l.spec.relu && y[base + o] <= 0.0f) continue;
        const float g = dy[base + o];
        db[o] += g;
        for (int ky = 0; ky < k; ++ky) {
          const int iy = oy + ky - pad;
          if (iy < 0 || iy >= l.in_h) continue;
          for (int kx = 0; kx < k; ++kx) {
            const int ix = ox + kx - pad;
            if (ix < 0 || ix >= l.in_w) continue;
            const size_t wi = ((static_cast<size_t>(o) * k + ky) * k + kx) * l.in_c;
            const size_t xi = (static_cast<size_t>(iy) * l.in_w + ix) * l.in_c;
            for (int c = 0; c < l.in_c; ++c) {
              dw[wi + c] += g * x[xi + c];
              dx[xi + c] += l.weights[wi + c] * g;
            }
          }
        }
      }
    }
  }
}

void DenseForward(const TrainedLayer& l, const float* x, float* y) {
  const size_t n_in = l.InputSize();
  for (int o = 0; o < l.out_c; ++o) {
    const float* w = &l.weights[static_cast<size_t>(o) * n_in];
    float acc = l.bias[o];
    for (size_t i = 0; i < n_in; ++i) acc += w[i] * x[i];
    y[o] = l.spec.relu && acc < 0.0f ? 0.0f : acc;
  }
}

void DenseBackward(const TrainedLayer& l, const float* x, const float* y, const float* dy,
                   float* dx, float* dw, float* db) {
  const size_t n_in = l.InputSize();
  for (size_t i = 0; i < n_in; ++i) dx[i] = 0.0f;
  for (int o = 0; o < l.out_c; ++o) {
    if (l.spec.relu && y[o] <= 0.0f) continue;
    const float g = dy[o];
    db[o] += g;
    const float* w = &l.weights[static_cast<size_t>(o) * n_in];
    float* gw = dw + static_cast<size_t>(o) * n_in;
    for (size_t i = 0; i < n_in; ++i) {
      gw[i] += g * x[i];
      dx[i] += w[i] * g;
    }
  }
}

// Pool window = stride = spec.kernel, VALID padding (out = floor(in / p)).
void PoolForward(const TrainedLayer& l, const float* x, float* y, uint32_t* argmax) {
  const int p = l.spec.kernel;
  const bool is_max = l.spec.kind == LayerKind::kMaxPool2D;
  for (int oy = 0; oy < l.out_h; ++oy) {
    for (int ox = 0; ox < l.out_w; ++ox) {
      for (int c = 0; c < l.out_c; ++c) {
        float best = 0.0f, sum = 0.0f;
        uint32_t best_i = 0;
        bool first = true;
        for (int dy = 0; dy < p; ++dy) {
          for (int dx = 0; dx < p; ++dx) {
            const uint32_t xi = static_cast<uint32_t>(
                ((oy * p + dy) * l.in_w + (ox * p + dx)) * l.in_c + c);
            sum += x[xi];
            if (first || x[xi] > best) best = x[xi], best_i = xi, first = false;
          }
        }
        const size_t yi = (static_cast<size_t>(oy) * l.out_w + ox) * l.out_c + c;
        y[yi] = is_max ? best : sum / static_cast<float>(p * p);
        if (is_max) argmax[yi] = best_i;
      }
    }
  }
}

void PoolBackward(const TrainedLayer& l, const float* dy, float* dx, const uint32_t* argmax) {
  const int p = l.spec.kernel;
  for (size_t i = 0; i < l.InputSize(); ++i) dx[i] = 0.0f;
  for (int oy = 0; oy < l.out_h; ++oy) {
    for (int ox = 0; ox < l.out_w; ++ox) {
      for (int c = 0; c < l.out_c; ++c) {
        const size_t yi = (static_cast<size_t>(oy) * l.out_w + ox) * l.out_c + c;
        if (l.spec.kind == LayerKind::kMaxPool2D) {
          dx[argmax[yi]] += dy[yi];
          continue;
        }
        const float share = dy[yi] / static_cast<float>(p * p);
        for (int ddy = 0; ddy < p; ++ddy)
          for (int ddx = 0; ddx < p; ++ddx)
            dx[((oy * p + ddy) * l.in_w + (ox * p + ddx)) * l.in_c + c] += share;
      }
    }
  }
}

void RunForward(const TrainedModel& m, Workspace* ws) {
  for (size_t i = 0; i < m.layers.size(); ++i) {
    const TrainedLayer& l = m.layers[i];
    const float* x = ws->acts[i].data();
    float* y = ws->acts[i + 1].data();
    switch (l.spec.kind) {
      case LayerKind::kConv2D: ConvForward(l, x, y); break;
      case LayerKind::kDense: DenseForward(l, x, y); break;
      case LayerKind::kMaxPool2D:
      case LayerKind::kAvgPool2D: PoolForward(l, x, y, ws->argmax[i].data()); break;
      case LayerKind::kFlatten: std::copy(x, x + l.InputSize(), y); break;
    }
  }
}

void Preprocess(const Recipe& r, const uint8_t* pixels, size_t n, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(pixels[i]) * r.input_scale + r.input_offset;
}

// Softmax cross-entropy gradient into `grad`; returns the loss. exp runs in double so that
// libm differences in the last float bit cannot leak into the weights.
double SoftmaxCrossEntropy(const std::vector<float>& logits, int label, std::vector<float>* grad) {
  double mx = logits[0];
  for (float v : logits) mx = std::max(mx, static_cast<double>(v));
  std::vector<double> e(logits.size());
  double sum = 0.0;
  for (size_t i = 0; i < logits.size(); ++i) sum += (e[i] = std::exp(logits[i] - mx));
  for (size_t i = 0; i < logits.size(); ++i) {
    (*grad)[i] = static_cast<float>(e[i] / sum) - (static_cast<int>(i) == label ? 1.0f : 0.0f);
  }
  return -(logits[static_cast<size_t>(label)] - mx - std::log(sum));
}

}  // namespace

Result<TrainedModel> InitModel(const Recipe& recipe) {
  TrainedModel m;
  m.recipe = recipe;
  std::mt19937 rng(recipe.seed);
  int h = recipe.input_height, w = recipe.input_width, c = recipe.input_channels;
  for (const LayerSpec& spec : recipe.layers) {
    TrainedLayer l;
    l.spec = spec;
    l.in_h = h, l.in_w = w, l.in_c = c;
    size_t fan_in = 0;
    switch (spec.kind) {
      case LayerKind::kConv2D:
        if (spec.kernel % 2 == 0 || spec.units <= 0) return MakeError(recipe.name + ": conv needs an odd kernel and channels");
        l.out_h = h, l.out_w = w, l.out_c = spec.units;
        fan_in = static_cast<size_t>(spec.kernel) * spec.kernel * c;
        break;
      case LayerKind::kMaxPool2D:
      case LayerKind::kAvgPool2D:
        if (spec.kernel <= 0 || h < spec.kernel || w < spec.kernel) return MakeError(recipe.name + ": pool window larger than its input");
        l.out_h = h / spec.kernel, l.out_w = w / spec.kernel, l.out_c = c;
        break;
      case LayerKind::kFlatten:
        l.out_h = 1, l.out_w = 1, l.out_c = h * w * c;
        break;
      case LayerKind::kDense:
        if (h != 1 || w != 1) return MakeError(recipe.name + ": dense layer needs a flatten before it");
        l.out_h = 1, l.out_w = 1, l.out_c = spec.units;
        fan_in = static_cast<size_t>(c);
        break;
    }
    if (fan_in > 0) {
      const float limit = static_cast<float>(std::sqrt(6.0 / static_cast<double>(fan_in)));
      l.weights.resize(fan_in * static_cast<size_t>(l.out_c));
      for (float& v : l.weights) v = UniformSigned(rng) * limit;
      l.bias.assign(static_cast<size_t>(l.out_c), 0.0f);
    }
    h = l.out_h, w = l.out_w, c = l.out_c;
    m.layers.push_back(std::move(l));
  }
  if (m.layers.empty() || m.layers.back().spec.kind != LayerKind::kDense ||
      m.layers.back().out_c != recipe.classes || m.layers.back().spec.relu) {
    return MakeError(recipe.name + ": the last layer must be a dense layer with one output per class and no ReLU");
  }
  return m;
}

std::vector<float> Forward(const TrainedModel& model, const std::vector<float>& input) {
  Workspace ws(model);
  ws.acts[0] = input;
  RunForward(model, &ws);
  return ws.acts.back();
}

Result<TrainedModel> Train(const Recipe& recipe, const LabeledImages& train,
                           const std::function<void(const std::string&)>& progress) {
  auto init = InitModel(recipe);
  if (!init) return init.error();
  TrainedModel m = std::move(*init);
  const size_t pixels = train.images.PixelsPerImage();
  if (pixels != m.layers.front().InputSize()) {
    return MakeError(recipe.name + ": dataset images have " + std::to_string(pixels) +
                     " values, the model takes " + std::to_string(m.layers.front().InputSize()));
  }
  size_t n = train.images.count;
  if (recipe.train_examples > 0 && recipe.train_examples < n) n = recipe.train_examples;

  // Adam state, per layer.
  const size_t L = m.layers.size();
  std::vector<std::vector<float>> gw(L), gb(L), mw(L), vw(L), mb(L), vb(L);
  for (size_t i = 0; i < L; ++i) {
    gw[i].assign(m.layers[i].weights.size(), 0.0f), gb[i].assign(m.layers[i].bias.size(), 0.0f);
    mw[i] = vw[i] = gw[i];
    mb[i] = vb[i] = gb[i];
  }
  const float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-7f;
  float beta1_t = 1.0f, beta2_t = 1.0f;

  std::mt19937 rng(recipe.seed ^ 0x9e3779b9u);
  std::vector<uint32_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = static_cast<uint32_t>(i);
  Workspace ws(m);
  for (int epoch = 0; epoch < recipe.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    for (size_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng() % (i + 1)]);  // Fisher-Yates
    double loss_sum = 0.0;
    for (size_t b0 = 0; b0 < n; b0 += static_cast<size_t>(recipe.batch_size)) {
      const size_t b1 = std::min(n, b0 + static_cast<size_t>(recipe.batch_size));
      for (size_t i = b0; i < b1; ++i) {
        const uint32_t ex = order[i];
        Preprocess(recipe, train.images.Image(ex), pixels, ws.acts[0].data());
        RunForward(m, &ws);
        loss_sum += SoftmaxCrossEntropy(ws.acts[L], train.labels.values[ex], &ws.grads[L]);
        for (size_t li = L; li-- > 0;) {
          const TrainedLayer& l = m.layers[li];
          const float *x = ws.acts[li].data(), *y = ws.acts[li + 1].data(), *dy = ws.grads[li + 1].data();
          float* dx = ws.grads[li].data();
          switch (l.spec.kind) {
            case LayerKind::kConv2D: ConvBackward(l, x, y, dy, dx, gw[li].data(), gb[li].data()); break;
            case LayerKind::kDense: DenseBackward(l, x, y, dy, dx, gw[li].data(), gb[li].data()); break;
            case LayerKind::kMaxPool2D:
            case LayerKind::kAvgPool2D: PoolBackward(l, dy, dx, ws.argmax[li].data()); break;
            case LayerKind::kFlatten: std::copy(dy, dy + l.OutputSize(), dx); break;
          }
        }
      }
      // Adam step on the batch-mean gradient.
      beta1_t *= beta1, beta2_t *= beta2;
      const float inv_batch = 1.0f / static_cast<float>(b1 - b0);
      const float lr_t = recipe.learning_rate * std::sqrt(1.0f - beta2_t) / (1.0f - beta1_t);
      auto step = [&](std::vector<float>& p, std::vector<float>& g, std::vector<float>& mom,
                      std::vector<float>& vel) {
        for (size_t j = 0; j < p.size(); ++j) {
          const float gj = g[j] * inv_batch;
          mom[j] = beta1 * mom[j] + (1.0f - beta1) * gj;
          vel[j] = beta2 * vel[j] + (1.0f - beta2) * gj * gj;
          p[j] -= lr_t * mom[j] / (std::sqrt(vel[j]) + eps);
          g[j] = 0.0f;
        }
      };
      for (size_t li = 0; li < L; ++li) {
        step(m.layers[li].weights, gw[li], mw[li], vw[li]);
        step(m.layers[li].bias, gb[li], mb[li], vb[li]);
      }
    }
    if (progress) {
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      char line[160];
      std::snprintf(line, sizeof line, "%s: epoch %d/%d loss %.4f (%.1f s)", recipe.name.c_str(),
                    epoch + 1, recipe.epochs, loss_sum / static_cast<double>(n), secs);
      progress(line);
    }
  }
  return m;
}

double Accuracy(const TrainedModel& model, const LabeledImages& data, size_t count) {
  size_t n = data.images.count;
  if (count > 0 && count < n) n = count;
  if (n == 0) return 0.0;
  Workspace ws(model);
  const size_t pixels = data.images.PixelsPerImage();
  size_t correct = 0;
  for (size_t i = 0; i < n; ++i) {
    Preprocess(model.recipe, data.images.Image(i), pixels, ws.acts[0].data());
    RunForward(model, &ws);
    const auto& logits = ws.acts.back();
    const size_t top = static_cast<size_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
    correct += top == data.labels.values[i] ? 1 : 0;
  }
  return static_cast<double>(correct) / static_cast<double>(n);
}

}  // namespace bsb::artifacts
