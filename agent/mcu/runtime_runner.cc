// The runner of a firmware built with agent/runtime: the same interpreter as bsb-agent on
// Linux, on the board's arena. One model at a time; COMMIT prepares it, RUN invokes it.
#include <cstring>

#include "agent/common/pixels.h"
#include "agent/common/version.h"
#include "agent/mcu/firmware_backend.h"
#include "agent/runtime/interpreter.h"
#include "agent/runtime/model.h"

namespace bsb::mcu {
namespace {

// Input 0 as loaded by the last RUN, re-copied before every inference (RestoreInput).
__attribute__((section(".buffers"), aligned(16))) uint8_t saved_input[BSB_INPUT_BYTES];
size_t saved_input_bytes = 0;

rt::Model model;
rt::Interpreter interpreter;
rt::ErrorReporter reporter;
bool prepared = false;

int32_t Top1(const rt::Tensor& t) {
  const size_t bytes = t.bytes;
  if (bytes == 0) return -1;
  switch (t.type) {
    case tflite::TensorType_INT8: return static_cast<int32_t>(agent::ArgMax(t.As<int8_t>(), bytes));
    case tflite::TensorType_UINT8: return static_cast<int32_t>(agent::ArgMax(t.As<uint8_t>(), bytes));
    case tflite::TensorType_INT16: return static_cast<int32_t>(agent::ArgMax(t.As<int16_t>(), bytes / 2));
    case tflite::TensorType_INT32: return static_cast<int32_t>(agent::ArgMax(t.As<int32_t>(), bytes / 4));
    case tflite::TensorType_FLOAT32: return static_cast<int32_t>(agent::ArgMax(t.As<float>(), bytes / 4));
    default: return -1;
  }
}

// The pixel conversion of bsb-agent's FillInput (agent/common/pixels.h), so MCU and Linux
// cells see the same input bytes.
template <typename T>
void QuantizePixels(const uint8_t* pixels, size_t n, double input_scale, const rt::Tensor& t) {
  agent::QuantizePixels(pixels, n, input_scale, t.quant.scale(), t.quant.zero_point(), t.As<T>());
}

uint16_t ConvertPixels(const uint8_t* pixels, size_t n, double input_scale, rt::Tensor* t,
                       std::string_view* error_text) {
  const size_t elements = static_cast<size_t>(t->shape.FlatSize());
  if (n != elements) {
    reporter.Clear();
    reporter.Report(rt::Status::kInvalidArgument,
                    "dataset shape mismatch: input 0 has %u elements but the sample has %u pixels",
                    static_cast<unsigned>(elements), static_cast<unsigned>(n));
    *error_text = reporter.message();
    return serial::kErrorInputSize;
  }
  const bool integer = t->type != tflite::TensorType_FLOAT32;
  if (integer && !(t->quant.scale() > 0)) {
    *error_text = "input 0 is integer but has no positive quantization scale";
    return serial::kErrorBadInputMode;
  }
  switch (t->type) {
    case tflite::TensorType_FLOAT32: agent::ScalePixels(pixels, n, input_scale, t->As<float>()); return 0;
    case tflite::TensorType_INT8: QuantizePixels<int8_t>(pixels, n, input_scale, *t); return 0;
    case tflite::TensorType_UINT8: QuantizePixels<uint8_t>(pixels, n, input_scale, *t); return 0;
    case tflite::TensorType_INT16: QuantizePixels<int16_t>(pixels, n, input_scale, *t); return 0;
    default:
      *error_text = "input 0 is not a type pixels can feed (FLOAT32, INT8, UINT8, INT16)";
      return serial::kErrorBadInputMode;
  }
}

}  // namespace

std::string_view Runner::RuntimeVersion() { return agent::RuntimeVersion(); }

uint16_t Runner::Prepare(const uint8_t* data, size_t model_bytes, uint8_t* arena,
                         size_t arena_bytes, std::string_view* error_text) {
  prepared = false;
  reporter.Clear();
  if (rt::LoadModel(data, model_bytes, &model, &reporter) != rt::Status::kOk ||
      interpreter.Prepare(model, arena, arena_bytes, &reporter) != rt::Status::kOk) {
    *error_text = reporter.message();
    return serial::kErrorModelInvalid;
  }
  if (interpreter.input_count() < 1 || interpreter.output_count() < 1) {
    *error_text = "model has no input or no output tensor";
    return serial::kErrorModelInvalid;
  }
  prepared = true;
  return 0;
}

uint16_t Runner::LoadInput(const uint8_t* input, size_t input_bytes, uint8_t input_mode,
                           double input_scale, std::string_view* error_text) {
  if (!prepared) {
    *error_text = "no prepared model";
    return serial::kErrorNoModel;
  }
  rt::Tensor* in = interpreter.input(0);
  saved_input_bytes = 0;
  if (in->bytes > sizeof saved_input) {
    *error_text = "input 0 is larger than the firmware's input buffer";
    return serial::kErrorInputSize;
  }
  if (input_mode == serial::kInputPixels) {
    const uint16_t error = ConvertPixels(input, input_bytes, input_scale, in, error_text);
    if (error != 0) return error;
    std::memcpy(saved_input, in->data, in->bytes);
    saved_input_bytes = in->bytes;
    return 0;
  }
  if (input_bytes != in->bytes) {
    reporter.Clear();
    reporter.Report(rt::Status::kInvalidArgument, "input is %u bytes, the model's input 0 takes %u",
                    static_cast<unsigned>(input_bytes), static_cast<unsigned>(in->bytes));
    *error_text = reporter.message();
    return serial::kErrorInputSize;
  }
  std::memcpy(saved_input, input, input_bytes);
  saved_input_bytes = input_bytes;
  return 0;
}

void Runner::RestoreInput() {
  if (saved_input_bytes > 0) std::memcpy(interpreter.input(0)->data, saved_input, saved_input_bytes);
}

uint16_t Runner::Invoke(std::string_view* error_text) {
  reporter.Clear();
  if (interpreter.Invoke() != rt::Status::kOk) {
    *error_text = reporter.message();
    return serial::kErrorRuntime;
  }
  return 0;
}

void Runner::Collect(uint8_t output_mode, serial::RunResult* result) {
  const rt::Tensor* out = interpreter.output(0);
  result->top1 = Top1(*out);
  if (output_mode == serial::kOutputTensor) {
    result->outputs = out->data;
    result->output_bytes = out->bytes;
  }
}

size_t Runner::ArenaUsedBytes() { return interpreter.arena_used_bytes(); }

}  // namespace bsb::mcu
