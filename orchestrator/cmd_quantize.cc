// `bsb-matrix quantize MODEL.tflite --scheme S --calibration IMAGES.idx[.gz] [--scale F]
//  [--offset F] [--samples N] -o OUT.tflite`
#include <cstdio>

#include "artifacts/dataset.h"
#include "artifacts/quantize.h"
#include "artifacts/store.h"
#include "orchestrator/commands.h"

namespace bsb {

void RegisterQuantize(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("quantize", "Quantize a float32 .tflite to one scheme");
  struct Args {
    std::string model, scheme, calibration, out;
    float scale = 1.0f / 255.0f, offset = 0.0f;
    uint32_t samples = 300;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("model", a->model, "Float32 .tflite")->required();
  cmd->add_option("--scheme", a->scheme, "fp32 | float16 | dynamic | int8 | int8-only | int16x8 | int16x8-only")->required();
  cmd->add_option("--calibration", a->calibration, "IDX images (plain or .gz), needed by the integer schemes");
  cmd->add_option("--scale", a->scale, "Input preprocessing: real = pixel * scale + offset (default 1/255)");
  cmd->add_option("--offset", a->offset, "Input preprocessing offset (default 0)");
  cmd->add_option("--samples", a->samples, "Calibration samples (default 300)");
  cmd->add_option("-o,--output", a->out, "Output .tflite")->required();
  cmd->callback([a, &exit_code] {
    auto fail = [&](const Error& e) {
      std::fprintf(stderr, "bsb-matrix quantize: %s\n", e.message.c_str());
      exit_code = static_cast<int>(e.code);
    };
    auto scheme = artifacts::ParseScheme(a->scheme);
    if (!scheme) return fail(scheme.error());
    artifacts::QuantizeOptions options;
    options.scheme = *scheme;
    options.samples = a->samples;
    options.input_scale = a->scale;
    options.input_offset = a->offset;
    Result<idx::Images> images = MakeError("unused");
    if (artifacts::NeedsCalibration(*scheme)) {
      if (a->calibration.empty()) return fail(MakeError(a->scheme + " needs --calibration IMAGES.idx[.gz]"));
      images = artifacts::LoadImages(a->calibration);
      if (!images) return fail(images.error());
      options.calibration = &*images;
    }
    auto bytes = artifacts::ReadFile(a->model);
    if (!bytes) return fail(bytes.error());
    auto out = artifacts::QuantizeTflite(*bytes, a->model, options);
    if (!out) return fail(out.error());
    auto written = artifacts::WriteFileAtomic(a->out, *out);
    if (!written) return fail(written.error());
    std::printf("%s: %s, %zu bytes (float32 %zu bytes)\n", a->out.c_str(), a->scheme.c_str(), out->size(), bytes->size());
  });
}

}  // namespace bsb
