// The reference kernels: one ops/<op>.cc per operator family, each adding its registrations.
#pragma once

namespace bsb::rt {

class KernelRegistry;

void RegisterReshape(KernelRegistry& r);
void RegisterFullyConnected(KernelRegistry& r);
// rt-elem: softmax, quantize, elementwise, activation, concatenation.
void RegisterSoftmax(KernelRegistry& r);
void RegisterQuantize(KernelRegistry& r);
void RegisterElementwise(KernelRegistry& r);
void RegisterActivations(KernelRegistry& r);
void RegisterConcatenation(KernelRegistry& r);

// Every reference kernel (op_registry.cc).
inline void RegisterReferenceKernels(KernelRegistry& r) {
  RegisterReshape(r);
  RegisterFullyConnected(r);
  // rt-elem
  RegisterSoftmax(r);
  RegisterQuantize(r);
  RegisterElementwise(r);
  RegisterActivations(r);
  RegisterConcatenation(r);
}

}  // namespace bsb::rt
