#include "matrix/loader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include "matrix/diagnostics.h"
#include "matrix/parser.h"
#include "matrix/yaml_reader.h"

namespace bsb::matrix {
namespace {

// Thrown by StructureCheck to stop yaml-cpp's parser early.
struct StructureProblem {
  Position position;
  std::string message;
};

// An event-only pass over the text before any node is built. It bounds what yaml-cpp does
// with hostile input: nesting deeper than kMaxNestingDepth stops the parse (yaml-cpp's own
// guard allows 2000 recursive levels), only the first two documents are looked at, and a
// document that consumes no input (a stray ',' at the top level makes yaml-cpp 0.7's LoadAll
// loop forever, allocating) ends the pass with an error.
class StructureCheck : public YAML::EventHandler {
 public:
  // Returns the problem found, if any; YAML syntax errors propagate as YAML::Exception.
  // `documents` is 0, 1 or 2 (two or more); `second_document` is where the second one starts.
  static std::optional<StructureProblem> Run(const std::string& text, std::size_t& documents,
                                             Position& second_document) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    StructureCheck check;
    documents = 0;
    try {
      // Two documents are enough to say "one document, please".
      while (documents < 2 && parser.HandleNextDocument(check)) ++documents;
      if (documents == 2) second_document = At(check.last_start_);
    } catch (const StructureProblem& problem) {
      return problem;
    }
    return std::nullopt;
  }

  void OnDocumentStart(const YAML::Mark& mark) override {
    depth_ = 0;
    if (started_ && mark.pos == last_start_.pos) {
      throw StructureProblem{At(mark), "YAML syntax: unexpected token that starts no node (a stray ',' "
                                       "outside [...] or {...}?)"};
    }
    started_ = true;
    last_start_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Enter(mark);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    Enter(mark);
  }
  void OnMapEnd() override { --depth_; }

 private:
  static Position At(const YAML::Mark& mark) {
    return mark.is_null() ? Position{} : Position{mark.line + 1, mark.column + 1};
  }
  void Enter(const YAML::Mark& mark) {
    if (++depth_ > kMaxNestingDepth) {
      throw StructureProblem{At(mark), "lists and mappings nest deeper than " + std::to_string(kMaxNestingDepth) +
                                           " levels; a matrix file needs at most 5"};
    }
  }

  int depth_ = 0;
  bool started_ = false;
  YAML::Mark last_start_;
};

}  // namespace

Result<Matrix> ParseMatrix(std::string_view text, const std::string& file, const std::filesystem::path& base_dir) {
  Diagnostics diagnostics(file);
  Matrix matrix;
  matrix.file = file;
  matrix.base_dir = base_dir;
  if (text.size() > kMaxMatrixFileBytes) {
    // LoadMatrixFile reads one byte past the limit, so the real size is not known here.
    diagnostics.Error({}, "the file is larger than " + std::to_string(kMaxMatrixFileBytes) +
                              " bytes, the limit for matrix files");
    return MakeError(diagnostics.Text());
  }
  try {
    const std::string owned(text);
    std::size_t documents = 0;
    Position second_document;
    if (const std::optional<StructureProblem> problem = StructureCheck::Run(owned, documents, second_document)) {
      diagnostics.Error(problem->position, problem->message);
      return MakeError(diagnostics.Text());
    }
    // YAML::Load builds the first document only (never LoadAll: see StructureCheck).
    const YAML::Node root = YAML::Load(owned);
    if (documents > 1) {
      diagnostics.Error(second_document, "a matrix file holds one YAML document; a second one starts here");
    }
    ParseDocument(root, matrix, diagnostics);
  } catch (const YAML::Exception& e) {
    // Syntax errors (and yaml-cpp's own nesting limit) carry a position; e.msg is the bare text.
    const Position at = e.mark.is_null() ? Position{} : Position{e.mark.line + 1, e.mark.column + 1};
    diagnostics.Error(at, "YAML syntax: " + e.msg);
    return MakeError(diagnostics.Text());
  }
  Validate(matrix, diagnostics);
  if (!diagnostics.empty()) return MakeError(diagnostics.Text());
  return matrix;
}

Result<Matrix> LoadMatrixFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(path + ": error: cannot read the matrix file: " + std::strerror(errno));
  // Read at most one byte past the limit so ParseMatrix reports the size without reading it all.
  std::string buffer(kMaxMatrixFileBytes + 1, '\0');
  in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  buffer.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) return MakeError(path + ": error: cannot read the matrix file: " + std::strerror(errno));
  const std::filesystem::path base_dir = std::filesystem::absolute(path).parent_path();
  return ParseMatrix(buffer, path, base_dir);
}

Result<Plan> LoadPlan(const std::string& path) {
  Result<Matrix> matrix = LoadMatrixFile(path);
  if (!matrix) return matrix.error();
  return Expand(*matrix);
}

}  // namespace bsb::matrix
