#include "agent/linux/input_prep.h"

#include "agent/common/pixels.h"

namespace bsb::agent {
namespace {

bool FeedableType(tflite::TensorType type) {
  return type == tflite::TensorType_FLOAT32 || type == tflite::TensorType_INT8 ||
         type == tflite::TensorType_UINT8 || type == tflite::TensorType_INT16;
}

std::string Describe(const rt::Tensor& tensor) {
  return std::string("'") + tensor.name + "' (" + rt::TypeName(tensor.type) + ")";
}

template <typename T>
void Quantize(const uint8_t* pixels, std::size_t n, double input_scale, const rt::Tensor& t) {
  QuantizePixels(pixels, n, input_scale, t.quant.scale(), t.quant.zero_point(), t.As<T>());
}

}  // namespace

std::string CheckInputTensor(const rt::Tensor& tensor, std::size_t pixel_count) {
  if (!FeedableType(tensor.type)) {
    return "input " + Describe(tensor) + " is not a type the harness can feed from images "
           "(FLOAT32, INT8, UINT8, INT16)";
  }
  const auto elements = static_cast<std::size_t>(tensor.shape.FlatSize());
  if (elements != pixel_count) {
    return "dataset shape mismatch: input " + Describe(tensor) + " has " +
           std::to_string(elements) + " elements but each image has " +
           std::to_string(pixel_count) + " pixels";
  }
  const bool integer = tensor.type != tflite::TensorType_FLOAT32;
  if (integer && !(tensor.quant.present() && tensor.quant.scale() > 0)) {
    return "input " + Describe(tensor) + " is integer but has no positive quantization scale";
  }
  return {};
}

std::string CheckOutputTensor(const rt::Tensor& tensor, uint32_t max_label) {
  if (!FeedableType(tensor.type)) {
    return "output " + Describe(tensor) + " is not a score type (FLOAT32, INT8, UINT8, INT16)";
  }
  const auto elements = static_cast<uint64_t>(tensor.shape.FlatSize());
  if (elements < static_cast<uint64_t>(max_label) + 1) {
    return "dataset shape mismatch: labels go up to " + std::to_string(max_label) +
           " but output " + Describe(tensor) + " has only " + std::to_string(elements) +
           " scores";
  }
  if (tensor.type != tflite::TensorType_FLOAT32 && tensor.quant.present() &&
      tensor.quant.scale() <= 0) {
    return "output " + Describe(tensor) + " has a non-positive scale; its argmax is meaningless";
  }
  return {};
}

void FillInput(const uint8_t* pixels, std::size_t n, double input_scale, rt::Tensor* t) {
  switch (t->type) {
    case tflite::TensorType_FLOAT32:
      return ScalePixels(pixels, n, input_scale, t->As<float>());
    case tflite::TensorType_INT8:
      return Quantize<int8_t>(pixels, n, input_scale, *t);
    case tflite::TensorType_UINT8:
      return Quantize<uint8_t>(pixels, n, input_scale, *t);
    case tflite::TensorType_INT16:
      return Quantize<int16_t>(pixels, n, input_scale, *t);
    default:
      return;  // excluded by CheckInputTensor
  }
}

uint32_t Top1(const rt::Tensor& t) {
  const auto n = static_cast<std::size_t>(t.shape.FlatSize());
  switch (t.type) {
    case tflite::TensorType_FLOAT32: return ArgMax(t.As<float>(), n);
    case tflite::TensorType_INT8: return ArgMax(t.As<int8_t>(), n);
    case tflite::TensorType_UINT8: return ArgMax(t.As<uint8_t>(), n);
    case tflite::TensorType_INT16: return ArgMax(t.As<int16_t>(), n);
    default: return 0;  // excluded by CheckOutputTensor
  }
}

}  // namespace bsb::agent
