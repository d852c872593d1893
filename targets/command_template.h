// The `flash:` command of a serial target: a command line from the matrix, run WITHOUT a
// shell. It is split into words the way a POSIX shell splits a simple command (blanks
// separate; '…' is literal; "…" is literal except \" \\ \$ \`; a backslash outside quotes
// escapes the next character), then placeholders are replaced inside each word. A value
// substituted into a word stays inside that word whatever it contains (blanks, ;, $(…)),
// so no matrix value or path can start another command.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "support/result.h"

namespace bsb::targets {

// Words of `line`; an error for an unterminated quote, a trailing backslash, or shell syntax
// that needs a shell (| & ; < > ( ) and $( / backquotes outside quotes) — say what to write.
Result<std::vector<std::string>> SplitCommandLine(const std::string& line);

// Replaces each {name} by values.at(name) inside every word; an unknown {name} or an empty
// command is an error naming it and listing the known placeholders. "{{" and "}}" stand for
// literal braces.
Result<std::vector<std::string>> ExpandCommandTemplate(const std::string& line,
                                                       const std::map<std::string, std::string>& values);

}  // namespace bsb::targets
