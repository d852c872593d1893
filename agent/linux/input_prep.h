// Turning dataset examples into model inputs and model outputs into a label — the parts of a
// benchmark that must stay OUTSIDE the timed region (seed methodology).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "agent/runtime/tensor.h"

namespace bsb::agent {

// Whether `tensor` can take `pixel_count` dataset pixels: a type this harness feeds (FLOAT32,
// INT8, UINT8, INT16) and a flat size equal to the pixel count. "" when fine, otherwise the
// reason naming the tensor, e.g. "input 'x' has 640 elements but images have 784 pixels".
std::string CheckInputTensor(const rt::Tensor& tensor, std::size_t pixel_count);

// Whether `tensor` can be read as class scores for labels 0..max_label: FLOAT32/INT8/UINT8/
// INT16 with at least max_label + 1 elements. "" when fine, else the reason.
std::string CheckOutputTensor(const rt::Tensor& tensor, uint32_t max_label);

// Writes one example into `tensor`: x = pixel · input_scale, then for integer tensors
// q = clamp(round(x / scale) + zero_point) into the type's range (round half away from zero,
// as TFLite's converter-side quantization does). Assumes CheckInputTensor passed.
void FillInput(const uint8_t* pixels, std::size_t pixel_count, double input_scale, rt::Tensor* tensor);

// Index of the largest score (the first one on ties). Integer outputs are compared raw: with a
// positive scale dequantization is monotonic, so the argmax is the same.
uint32_t Top1(const rt::Tensor& tensor);

}  // namespace bsb::agent
