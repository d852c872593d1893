#include "reports/format.h"

#include <gtest/gtest.h>

namespace bsb::reports {
namespace {

TEST(EscapeTest, HtmlEscapesMarkupAndQuotes) {
  EXPECT_EQ(HtmlEscape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(HtmlEscape("a & \"b\" 'c'"), "a &amp; &quot;b&quot; &#39;c&#39;");
  EXPECT_EQ(HtmlEscape("f\xc3\xa9"), "f\xc3\xa9");  // UTF-8 passes through
}

TEST(EscapeTest, XmlDropsControlCharactersXmlCannotCarry) {
  EXPECT_EQ(XmlEscape("<a b='c'>&"), "&lt;a b=&apos;c&apos;&gt;&amp;");
  EXPECT_EQ(XmlEscape(std::string("x\x01y\tz", 5)), "x\xEF\xBF\xBDy\tz");
}

TEST(EscapeTest, MarkdownKeepsTablesIntactAndHtmlInert) {
  EXPECT_EQ(MarkdownEscape("a|b"), "a\\|b");
  EXPECT_EQ(MarkdownEscape("<img src=x onerror=1>"), "&lt;img src=x onerror=1&gt;");
  EXPECT_EQ(MarkdownEscape("*bold* [link](u)\nnext"), "\\*bold\\* \\[link\\](u) next");
}

TEST(EscapeTest, CsvQuotesPerRfc4180) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
}

TEST(NumberFormatTest, LocaleFreeAndSigned) {
  EXPECT_EQ(Fixed(0.12345, 3), "0.123");
  EXPECT_EQ(Fixed(-0.0001, 2), "0.00");  // no "-0.00"
  EXPECT_EQ(Fixed(std::optional<double>(), 2), "");
  EXPECT_EQ(Signed(1.5, 1), "+1.5");
  EXPECT_EQ(Signed(-1.5, 1), "-1.5");
  EXPECT_EQ(Ratio(3.921), "3.92\u00d7");
  EXPECT_EQ(Bytes(512), "512 B");
  EXPECT_EQ(Bytes(104'448), "102.0 KiB");  // 104448 / 1024 = 102
  EXPECT_EQ(Bytes(12'582'912), "12.0 MiB");  // 12 · 2^20
  EXPECT_EQ(Percent(0.8734), "87.34%");
}

}  // namespace
}  // namespace bsb::reports
