// Problems found in a matrix file. Every one names FILE:LINE:COL and says what was expected;
// all of them are collected and reported at once (DESIGN.md §2).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "matrix/model.h"

namespace bsb::matrix {

struct Diagnostic {
  Position position;
  std::string message;
};

class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  void Error(Position position, std::string message) { items_.push_back({position, std::move(message)}); }
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::string& file() const { return file_; }

  // One "FILE:LINE:COL: error: MESSAGE" line per problem, ordered by position.
  std::vector<std::string> Lines() const;
  // Lines() joined with '\n' (no trailing newline).
  std::string Text() const;

 private:
  std::string file_;
  std::vector<Diagnostic> items_;
};

// Levenshtein distance between a and b (case-sensitive).
std::size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a plausible misspelling
// (a case-only difference, or at most 1 edit for words up to 4 characters, else 2); "" otherwise.
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// "; did you mean 'X'?" when ClosestMatch finds one, else "".
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

// True if `text` is well-formed UTF-8 (values that reach cell ids and JSON output must be).
bool IsValidUtf8(std::string_view text);

// "a, b or c"
std::string JoinAlternatives(const std::vector<std::string>& words);

}  // namespace bsb::matrix
