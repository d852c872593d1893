// The reference kernels: one ops/<op>.cc per operator family, each adding its registrations.
#pragma once

namespace bsb::rt {

class KernelRegistry;

void RegisterReshape(KernelRegistry& r);
void RegisterFullyConnected(KernelRegistry& r);
void RegisterConv(KernelRegistry& r);
void RegisterDepthwiseConv(KernelRegistry& r);
void RegisterPooling(KernelRegistry& r);
void RegisterPad(KernelRegistry& r);
void RegisterMean(KernelRegistry& r);
void RegisterSoftmax(KernelRegistry& r);
void RegisterQuantize(KernelRegistry& r);
void RegisterElementwise(KernelRegistry& r);
void RegisterActivations(KernelRegistry& r);
void RegisterConcatenation(KernelRegistry& r);

// Every reference kernel (op_registry.cc).
inline void RegisterReferenceKernels(KernelRegistry& r) {
  RegisterReshape(r);
  RegisterFullyConnected(r);
  RegisterConv(r);
  RegisterDepthwiseConv(r);
  RegisterPooling(r);
  RegisterPad(r);
  RegisterMean(r);
  RegisterSoftmax(r);
  RegisterQuantize(r);
  RegisterElementwise(r);
  RegisterActivations(r);
  RegisterConcatenation(r);
}

}  // namespace bsb::rt
