#include "targets/shell_quote.h"

#include <gtest/gtest.h>

#include "support/subprocess.h"

namespace bsb::targets {
namespace {

TEST(ShellQuote, Examples) {
  EXPECT_EQ(ShellQuote("abc"), "'abc'");
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellJoin({"a b", "c"}), "'a b' 'c'");
}

// The real test: a POSIX shell reads each quoted word back as exactly the original.
TEST(ShellQuote, RoundTripsThroughARealShell) {
  const std::vector<std::string> nasty = {
      "x; touch /tmp/pwned", "$(id)", "`id`", "a'b''c'", "\"dq\"", "back\\slash", "new\nline",
      "tab\there", "*", "~", "-n", "", "'", "${HOME}", "a && b || c | d > e < f &"};
  for (const auto& word : nasty) {
    auto r = RunSubprocess({.argv = {"sh", "-c", "printf %s " + ShellQuote(word)}});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->stdout_text, word) << ShellQuote(word);
  }
  auto joined = RunSubprocess({.argv = {"sh", "-c", "printf '[%s]' " + ShellJoin(nasty)}});
  ASSERT_TRUE(joined.ok());
  std::string want;
  for (const auto& w : nasty) want += "[" + w + "]";
  EXPECT_EQ(joined->stdout_text, want);
}

}  // namespace
}  // namespace bsb::targets
