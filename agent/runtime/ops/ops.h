// The reference kernels: one ops/<op>.cc per operator family, each adding its registrations.
#pragma once

namespace bsb::rt {

class KernelRegistry;

void RegisterReshape(KernelRegistry& r);
void RegisterFullyConnected(KernelRegistry& r);
void RegisterConv(KernelRegistry& r);
void RegisterPooling(KernelRegistry& r);
void RegisterSoftmax(KernelRegistry& r);
void RegisterQuantize(KernelRegistry& r);

// Every reference kernel (op_registry.cc).
inline void RegisterReferenceKernels(KernelRegistry& r) {
  RegisterReshape(r);
  RegisterFullyConnected(r);
  RegisterConv(r);
  RegisterPooling(r);
  RegisterSoftmax(r);
  RegisterQuantize(r);
}

}  // namespace bsb::rt
