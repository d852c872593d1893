// The reference kernels: one ops/<op>.cc per operator family, each adding its registrations.
#pragma once

namespace bsb::rt {

class KernelRegistry;

// rt-conv: conv, depthwise conv, pooling, pad, mean.
void RegisterConv(KernelRegistry& r);
void RegisterDepthwiseConv(KernelRegistry& r);
void RegisterPooling(KernelRegistry& r);
void RegisterPad(KernelRegistry& r);
void RegisterMean(KernelRegistry& r);

void RegisterReshape(KernelRegistry& r);
void RegisterFullyConnected(KernelRegistry& r);

// Every reference kernel (op_registry.cc).
inline void RegisterReferenceKernels(KernelRegistry& r) {
  // rt-conv
  RegisterConv(r);
  RegisterDepthwiseConv(r);
  RegisterPooling(r);
  RegisterPad(r);
  RegisterMean(r);

  RegisterReshape(r);
  RegisterFullyConnected(r);
}

}  // namespace bsb::rt
