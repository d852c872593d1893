#include "targets/command_template.h"

#include <cstring>

namespace bsb::targets {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

Error Bad(const std::string& line, std::size_t at, const std::string& what) {
  return MakeError("flash command '" + line + "', column " + std::to_string(at + 1) + ": " + what);
}

Result<std::string> Expand(const std::string& line, const std::string& word,
                           const std::map<std::string, std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char c = word[i];
    if (c == '{' && i + 1 < word.size() && word[i + 1] == '{') {
      out += '{';
      ++i;
    } else if (c == '}' && i + 1 < word.size() && word[i + 1] == '}') {
      out += '}';
      ++i;
    } else if (c == '{') {
      const std::size_t end = word.find('}', i);
      const std::string name = word.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
      const auto it = values.find(name);
      if (end == std::string::npos || it == values.end()) {
        std::string known;
        for (const auto& [k, v] : values) known += (known.empty() ? "{" : ", {") + k + "}";
        return MakeError("flash command '" + line + "': unknown placeholder '{" + name +
                         (end == std::string::npos ? "' (no closing brace)" : "}'") +
                         "; known: " + known + " (write {{ and }} for literal braces)");
      }
      out += it->second;
      i = end;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

Result<std::vector<std::string>> SplitCommandLine(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (IsBlank(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\'') {
      const std::size_t end = line.find('\'', i + 1);
      if (end == std::string::npos) return Bad(line, i, "unterminated single quote");
      word.append(line, i + 1, end - i - 1);
      i = end;
    } else if (c == '"') {
      std::size_t j = i + 1;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\' && j + 1 < line.size() && std::strchr("\"\\$`", line[j + 1]) != nullptr) ++j;
        word += line[j];
      }
      if (j >= line.size()) return Bad(line, i, "unterminated double quote");
      i = j;
    } else if (c == '\\') {
      if (i + 1 >= line.size()) return Bad(line, i, "trailing backslash");
      word += line[++i];
    } else if (std::strchr("|&;<>()`", c) != nullptr ||
               (c == '$' && i + 1 < line.size() && (line[i + 1] == '(' || line[i + 1] == '{'))) {
      return Bad(line, i, std::string("'") + c +
                              "' needs a shell, and the flash command is run without one; quote it "
                              "to pass it literally, or put the pipeline in a script and name the script");
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

Result<std::vector<std::string>> ExpandCommandTemplate(const std::string& line,
                                                       const std::map<std::string, std::string>& values) {
  auto words = SplitCommandLine(line);
  if (!words.ok()) return words.error();
  if (words->empty()) return MakeError("flash command is empty");
  std::vector<std::string> argv;
  for (const auto& w : *words) {
    auto expanded = Expand(line, w, values);
    if (!expanded.ok()) return expanded.error();
    argv.push_back(std::move(expanded).value());
  }
  return argv;
}

}  // namespace bsb::targets
