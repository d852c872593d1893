#include "matrix/loader.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <yaml-cpp/yaml.h>

#include "matrix/diagnostics.h"
#include "matrix/parser.h"
#include "matrix/yaml_reader.h"

namespace bsb::matrix {

Result<Matrix> ParseMatrix(std::string_view text, const std::string& file, const std::filesystem::path& base_dir) {
  Diagnostics diagnostics(file);
  Matrix matrix;
  matrix.file = file;
  matrix.base_dir = base_dir;
  if (text.size() > kMaxMatrixFileBytes) {
    diagnostics.Error({}, "the file is " + std::to_string(text.size()) + " bytes; matrix files are limited to " +
                              std::to_string(kMaxMatrixFileBytes) + " bytes");
    return MakeError(diagnostics.Text());
  }
  try {
    const std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
    if (documents.size() > 1) {
      diagnostics.Error(PositionOf(documents[1]), "a matrix file holds one YAML document; found " +
                                                      std::to_string(documents.size()));
    }
    ParseDocument(documents.empty() ? YAML::Node() : documents.front(), matrix, diagnostics);
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
