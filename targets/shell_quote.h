// Quoting for the one place a shell sees our words: the command line of an SSH exec
// channel (the remote user's shell parses it; there is no argv-vector exec in SSH).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bsb::targets {

// 'word' with every ' written as '\'' — the shell takes the result as one literal word,
// whatever it contains ($, `, ;, newlines, quotes). The empty string becomes ''.
std::string ShellQuote(std::string_view word);

// The quoted words joined by spaces: a command line that means exactly argv.
std::string ShellJoin(const std::vector<std::string>& argv);

}  // namespace bsb::targets
