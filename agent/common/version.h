// Versions stamped into every result: the agent's own and the runtime's.
#pragma once

namespace bsb::agent {

const char* AgentVersion();    // "MAJOR.MINOR.PATCH"
const char* RuntimeVersion();  // version of agent/runtime's kernel set

}  // namespace bsb::agent
