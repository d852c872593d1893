// Prints the sample results one JSON line each, for validate_result_schema.py.
#include <iostream>

#include "agent/protocol/result.h"
#include "tests/unit/agent/protocol/sample_results.h"

int main() {
  for (const auto& result : bsb::protocol::testing::AllSampleResults()) {
    std::cout << bsb::protocol::SerializeResult(result) << "\n";
  }
  return 0;
}
