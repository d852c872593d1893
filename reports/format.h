// Text helpers every renderer shares: escaping for each output language and locale-free
// number formatting (reports must not change with the user's LC_NUMERIC).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bsb::reports {

// & < > " ' → entities. Safe in HTML text and in double- or single-quoted attributes.
std::string HtmlEscape(std::string_view text);
// XML 1.0: the HTML escapes, plus control characters XML cannot carry (other than tab,
// newline, carriage return) replaced by U+FFFD.
std::string XmlEscape(std::string_view text);
// For a Markdown table cell rendered by GitHub: HTML-escaped (GitHub renders inline HTML),
// Markdown punctuation backslash-escaped, | escaped, newlines folded to spaces.
std::string MarkdownEscape(std::string_view text);
// RFC 4180: quoted (with "" for ") when the field holds , " CR or LF; otherwise as is.
std::string CsvField(std::string_view text);

// printf("%.*f") in the C locale; "" for nullopt.
std::string Fixed(double value, int decimals);
std::string Fixed(const std::optional<double>& value, int decimals);
// "+0.0123" / "-0.0123": an explicit sign for deltas.
std::string Signed(double value, int decimals);
// "1.23×" for ratios.
std::string Ratio(double value);
// Human size: "812 B", "101.9 KiB", "12.0 MiB".
std::string Bytes(double bytes);
// Shares as percentages: 0.8734 → "87.34%".
std::string Percent(double share, int decimals = 2);

}  // namespace bsb::reports
