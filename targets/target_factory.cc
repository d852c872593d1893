#include "targets/local_target.h"
#include "targets/mcu_target.h"
#include "targets/ssh_target.h"
#include "targets/target.h"

namespace bsb::targets {

Result<std::unique_ptr<Target>> MakeTarget(const TargetConfig& config) {
  if (config.kind == "local") return MakeLocalTarget(config);
  if (config.kind == "qemu-user") return MakeQemuUserTarget(config);
  if (config.kind == "ssh") return MakeSshTarget(config);
  if (config.kind == "qemu-mcu") return MakeQemuMcuTarget(config);
  if (config.kind == "serial") return MakeSerialTarget(config);
  return MakeError("target '" + config.name + "': kind '" + config.kind +
                   "' is not one this build can run (local, qemu-user, ssh, serial, qemu-mcu)");
}

}  // namespace bsb::targets
