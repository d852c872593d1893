#include "reports/format.h"

#include <cmath>
#include <cstdio>

namespace bsb::reports {

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      out += "\xEF\xBF\xBD";  // U+FFFD: XML 1.0 cannot carry other control characters
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string MarkdownEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\n':
      case '\r': out += ' '; break;
      case '|': case '\\': case '`': case '*': case '_': case '[': case ']':
      case '#': case '!': case '~':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string text = buffer;
  // "-0.000" reads as a loss where there is none.
  if (text[0] == '-' && text.find_first_not_of("-0.") == std::string::npos) return text.substr(1);
  return text;
}

std::string Fixed(const std::optional<double>& value, int decimals) {
  return value ? Fixed(*value, decimals) : std::string();
}

std::string Signed(double value, int decimals) {
  std::string text = Fixed(value, decimals);
  if (text.empty() || text[0] == '-') return text;
  return std::string(1, '+') + text;
}

std::string Ratio(double value) { return Fixed(value, 2) + "\u00d7"; }

std::string Bytes(double bytes) {
  if (bytes < 1024) return Fixed(bytes, 0) + " B";
  if (bytes < 1024 * 1024) return Fixed(bytes / 1024, 1) + " KiB";
  return Fixed(bytes / (1024 * 1024), 1) + " MiB";
}

std::string Percent(double share, int decimals) { return Fixed(share * 100, decimals) + "%"; }

}  // namespace bsb::reports
