// Writes the fixed ResultSet's report in one format to a file, for the browser test.
// usage: render_fixture_report FORMAT OUT_FILE
#include <fstream>
#include <iostream>

#include "reports/report.h"
#include "tests/unit/reports/fixture_result_set.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: render_fixture_report html|md|csv|json|junit OUT_FILE\n";
    return 2;
  }
  auto format = bsb::reports::FormatFromName(argv[1]);
  if (!format) {
    std::cerr << "unknown format " << argv[1] << "\n";
    return 2;
  }
  std::ofstream out(argv[2], std::ios::binary);
  bsb::Status status = bsb::reports::RenderReport(bsb::reports::testing::FixtureResultSet(), *format, out);
  if (!status.ok()) {
    std::cerr << status.error().message << "\n";
    return 1;
  }
  return 0;
}
