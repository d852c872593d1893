#include "matrix/plan_output.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "matrix/diagnostics.h"

namespace bsb::matrix {
namespace {

// How an axis value is written by a user: strings bare, everything else as JSON.
std::string AsText(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string AxesText(const nlohmann::json& axes) {
  std::string text;
  for (const auto& [name, value] : axes.items()) {
    if (!text.empty()) text += ' ';
    text += name + "=" + AsText(value);
  }
  return text.empty() ? "-" : text;
}

// The value of `key` for `cell` as text; nullopt-like empty optional when the cell lacks it.
std::optional<std::string> FieldOf(const Cell& cell, const std::string& key) {
  if (key == "id") return cell.id;
  if (key == "model") return cell.model;
  if (key == "scheme") return cell.scheme;
  if (key == "target") return cell.target;
  if (key == "status") return std::string(ToString(cell.status));
  const auto it = cell.axes.find(key);
  if (it == cell.axes.end()) return std::nullopt;
  return AsText(*it);
}

}  // namespace

Result<Plan> FilterPlan(const Plan& plan, const std::string& only) {
  std::set<std::string> axis_names;
  for (const Cell& cell : plan.cells) {
    for (const auto& [name, unused] : cell.axes.items()) axis_names.insert(name);
  }
  std::map<std::string, std::set<std::string>> wanted;
  std::size_t start = 0;
  while (start <= only.size()) {
    const std::size_t end = std::min(only.find(',', start), only.size());
    const std::string pair = only.substr(start, end - start);
    start = end + 1;
    const std::size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
      return MakeError("--only: expected key=value[,key=value...], got '" + pair + "'");
    }
    const std::string key = pair.substr(0, eq);
    static const std::set<std::string> kFixedKeys = {"id", "model", "scheme", "target", "status"};
    if (kFixedKeys.count(key) == 0 && axis_names.count(key) == 0) {
      std::string known = "id, model, scheme, target, status";
      for (const std::string& name : axis_names) known += ", " + name;
      return MakeError("--only: unknown key '" + key + "'; expected one of " + known);
    }
    wanted[key].insert(pair.substr(eq + 1));
  }
  Plan filtered;
  filtered.matrix_name = plan.matrix_name;
  filtered.file = plan.file;
  for (const Cell& cell : plan.cells) {
    const bool keep = std::all_of(wanted.begin(), wanted.end(), [&](const auto& entry) {
      const std::optional<std::string> value = FieldOf(cell, entry.first);
      return value && entry.second.count(*value) > 0;
    });
    if (keep) filtered.cells.push_back(cell);
  }
  return filtered;
}

nlohmann::json PlanToJson(const Plan& plan) {
  nlohmann::json cells = nlohmann::json::array();
  for (const Cell& cell : plan.cells) {
    const Settings& s = cell.settings;
    cells.push_back({{"id", cell.id},
                     {"model", cell.model},
                     {"scheme", cell.scheme},
                     {"target", cell.target},
                     {"axes", cell.axes},
                     {"status", ToString(cell.status)},
                     {"reason", cell.reason},
                     {"settings",
                      {{"warmup", s.warmup},
                       {"runs", s.runs},
                       {"samples", s.samples},
                       {"threads", s.threads},
                       {"timeout_ms", s.timeout_ms},
                       {"retries", s.retries}}}});
  }
  return {{"matrix", plan.matrix_name},
          {"file", plan.file},
          {"cells", std::move(cells)},
          {"summary", {{"cells", plan.cells.size()}, {"unsupported", plan.CountUnsupported()}}}};
}

void AppendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {  // copy one well-formed UTF-8 sequence, or write U+FFFD for one bad byte
      std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      if (i + length <= text.size() && IsValidUtf8(text.substr(i, length))) {
        out.append(text.substr(i, length));
      } else {
        out += "\xef\xbf\xbd";  // U+FFFD REPLACEMENT CHARACTER
        length = 1;
      }
      i += length;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
}

std::string PlanToJsonText(const Plan& plan) {
  std::string out;
  out.reserve(256 + plan.cells.size() * 260);
  out += "{\"matrix\":";
  AppendJsonString(out, plan.matrix_name);
  out += ",\"file\":";
  AppendJsonString(out, plan.file);
  out += ",\"summary\":{\"cells\":" + std::to_string(plan.cells.size()) +
         ",\"unsupported\":" + std::to_string(plan.CountUnsupported()) + "},\"cells\":[";
  for (std::size_t i = 0; i < plan.cells.size(); ++i) {
    const Cell& cell = plan.cells[i];
    const Settings& s = cell.settings;
    out += i == 0 ? "\n{\"id\":" : ",\n{\"id\":";
    AppendJsonString(out, cell.id);
    out += ",\"model\":";
    AppendJsonString(out, cell.model);
    out += ",\"scheme\":";
    AppendJsonString(out, cell.scheme);
    out += ",\"target\":";
    AppendJsonString(out, cell.target);
    out += ",\"axes\":{";
    bool first = true;
    for (const auto& [name, value] : cell.axes.items()) {
      if (!first) out += ',';
      first = false;
      AppendJsonString(out, name);
      out += ':';
      if (value.is_string()) {
        AppendJsonString(out, value.get_ref<const std::string&>());
      } else {
        out += value.dump();  // numbers and booleans: nothing to escape
      }
    }
    out += "},\"status\":";
    out += cell.status == CellStatus::kPlanned ? "\"planned\"" : "\"unsupported\"";
    out += ",\"reason\":";
    AppendJsonString(out, cell.reason);
    out += ",\"settings\":{\"warmup\":" + std::to_string(s.warmup) + ",\"runs\":" + std::to_string(s.runs) +
           ",\"samples\":" + std::to_string(s.samples) + ",\"threads\":" + std::to_string(s.threads) +
           ",\"timeout_ms\":" + std::to_string(s.timeout_ms) + ",\"retries\":" + std::to_string(s.retries) + "}}";
  }
  out += plan.cells.empty() ? "]}\n" : "\n]}\n";
  return out;
}

std::string PlanToTable(const Plan& plan) {
  std::vector<std::vector<std::string>> rows = {{"ID", "MODEL", "SCHEME", "TARGET", "AXES", "STATUS"}};
  for (const Cell& cell : plan.cells) {
    std::string status = ToString(cell.status);
    if (!cell.reason.empty()) status += " (" + cell.reason + ")";
    rows.push_back({cell.id, cell.model, cell.scheme, cell.target, AxesText(cell.axes), status});
  }
  std::vector<std::size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    out += line + "\n";
  }
  out += std::to_string(plan.cells.size()) + " cells (" + std::to_string(plan.CountUnsupported()) + " unsupported)\n";
  return out;
}

}  // namespace bsb::matrix
