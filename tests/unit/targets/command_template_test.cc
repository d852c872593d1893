// The `flash:` command template: split like a shell, run without one, placeholders inside words.
#include <gtest/gtest.h>

#include "targets/command_template.h"

namespace bsb::targets {
namespace {

using Words = std::vector<std::string>;

TEST(CommandTemplate, SplitsLikeAShell) {
  auto w = SplitCommandLine("openocd -f board/st_nucleo_l4.cfg  -c 'program x verify reset exit'");
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(*w, (Words{"openocd", "-f", "board/st_nucleo_l4.cfg", "-c", "program x verify reset exit"}));
  w = SplitCommandLine(R"(a "b \"c\" \\ d" e\ f '' "")");
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(*w, (Words{"a", R"(b "c" \ d)", "e f", "", ""}));
}

TEST(CommandTemplate, PlaceholdersStayInsideTheirWord) {
  const std::map<std::string, std::string> values = {
      {"firmware", "/tmp/a b;rm -rf ~ $(id)`id`.elf"}, {"port", "/dev/ttyACM0"}, {"board", "nucleo-l4r5zi"}};
  auto argv = ExpandCommandTemplate("pyocd flash -t {board} {firmware} --port={port} {{literal}}", values);
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_EQ(*argv, (Words{"pyocd", "flash", "-t", "nucleo-l4r5zi", "/tmp/a b;rm -rf ~ $(id)`id`.elf",
                          "--port=/dev/ttyACM0", "{literal}"}));
}

TEST(CommandTemplate, UnknownPlaceholderNamesTheKnownOnes) {
  auto argv = ExpandCommandTemplate("st-flash write {image} 0x8000000", {{"port", "p"}, {"board", "b"}});
  ASSERT_FALSE(argv.ok());
  EXPECT_NE(argv.error().message.find("unknown placeholder '{image}'"), std::string::npos) << argv.error().message;
  EXPECT_NE(argv.error().message.find("{board}, {port}"), std::string::npos) << argv.error().message;
  argv = ExpandCommandTemplate("x {port", {{"port", "p"}});
  ASSERT_FALSE(argv.ok());
  EXPECT_NE(argv.error().message.find("no closing brace"), std::string::npos) << argv.error().message;
}

TEST(CommandTemplate, ShellSyntaxIsRefusedNotInterpreted) {
  for (const char* line : {"flash x | tee log", "flash x; reboot", "flash x && y", "flash $(id)",
                           "flash `id`", "flash > out", "flash ${HOME}"}) {
    auto w = SplitCommandLine(line);
    ASSERT_FALSE(w.ok()) << line;
    EXPECT_NE(w.error().message.find("needs a shell"), std::string::npos) << w.error().message;
    EXPECT_NE(w.error().message.find("column"), std::string::npos) << w.error().message;
  }
  // Quoted, the same characters are plain text.
  auto w = SplitCommandLine("echo 'a | b; c' \"$(id)\"");
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(*w, (Words{"echo", "a | b; c", "$(id)"}));
}

TEST(CommandTemplate, MalformedLinesSayWhere) {
  auto w = SplitCommandLine("flash 'open");
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message.find("column 7: unterminated single quote"), std::string::npos) << w.error().message;
  w = SplitCommandLine("flash \"open");
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message.find("unterminated double quote"), std::string::npos);
  w = SplitCommandLine("flash \\");
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message.find("trailing backslash"), std::string::npos);
  EXPECT_FALSE(ExpandCommandTemplate("   ", {}).ok());
}

}  // namespace
}  // namespace bsb::targets
