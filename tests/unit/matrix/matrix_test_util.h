// Shared helpers for the matrix unit tests: parse YAML text as if read from "m.yaml".
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "matrix/loader.h"
#include "matrix/plan.h"

namespace bsb::matrix::testing {

// A valid matrix head every test can extend: one dataset, datasets resolved under /base.
inline const char* const kDatasetsYaml =
    "version: 1\n"
    "datasets:\n"
    "  digits: {images: i.gz, labels: l.gz}\n";

inline Result<Matrix> Parse(const std::string& yaml) { return ParseMatrix(yaml, "m.yaml", "/base"); }

// The error lines of a matrix that must fail to parse.
inline std::vector<std::string> ErrorsOf(const std::string& yaml) {
  const Result<Matrix> matrix = Parse(yaml);
  EXPECT_FALSE(matrix.ok()) << "expected errors for:\n" << yaml;
  if (matrix.ok()) return {};
  EXPECT_EQ(matrix.error().code, ExitCode::kInvalidInput);
  std::vector<std::string> lines;
  std::string::size_type start = 0;
  const std::string& text = matrix.error().message;
  while (start <= text.size()) {
    const auto end = std::min(text.find('\n', start), text.size());
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

inline Plan PlanOf(const std::string& yaml) {
  const Result<Matrix> matrix = Parse(yaml);
  EXPECT_TRUE(matrix.ok()) << (matrix.ok() ? "" : matrix.error().message);
  if (!matrix.ok()) return {};
  Result<Plan> plan = Expand(*matrix);
  EXPECT_TRUE(plan.ok()) << (plan.ok() ? "" : plan.error().message);
  if (!plan.ok()) return {};
  return std::move(plan).value();
}

}  // namespace bsb::matrix::testing
