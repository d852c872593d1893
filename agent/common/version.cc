#include "agent/common/version.h"

namespace bsb::agent {

const char* AgentVersion() { return "0.1.0"; }
const char* RuntimeVersion() { return "0.1.0"; }

}  // namespace bsb::agent
