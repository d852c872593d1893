// `targets:` — a list of targets, each with the fields of its kind (DESIGN.md §2, §5).
#include <algorithm>
#include <map>

#include "matrix/parser.h"
#include "matrix/yaml_reader.h"

namespace bsb::matrix {
namespace {

const std::vector<std::string> kCommonKeys = {"name", "kind", "concurrency"};
const std::vector<std::string> kBudgetKeys = {"flash", "ram"};

// The keys each kind accepts besides kCommonKeys.
const std::map<std::string, std::vector<std::string>>& KindKeys() {
  static const std::map<std::string, std::vector<std::string>> keys = {
      {"local", {}},
      {"qemu-user", {"arch"}},
      {"ssh",
       {"host", "user", "port", "identity", "host_key", "known_hosts", "connect_timeout", "keepalive", "workdir",
        "pool"}},
      {"serial", {"port", "baud", "board", "flash", "budget"}},
      {"qemu-mcu", {"board", "budget"}},
  };
  return keys;
}

// Keys of other kinds, explained: "it is for targets of kind serial or qemu-mcu".
std::map<std::string, std::string> ForeignKeys(const std::string& kind) {
  std::map<std::string, std::vector<std::string>> owners;
  for (const std::string& other : KnownTargetKinds()) {
    for (const std::string& key : KindKeys().at(other)) owners[key].push_back(other);
  }
  std::map<std::string, std::string> foreign;
  const std::vector<std::string>& own = KindKeys().at(kind);
  for (const auto& [key, kinds] : owners) {
    if (std::find(own.begin(), own.end(), key) != own.end()) continue;
    foreign[key] = "it is for targets of kind " + JoinAlternatives(kinds);
  }
  return foreign;
}

// A host or user name handed to ssh: no spaces or control characters, and no leading '-' that
// ssh could read as an option.
bool IsSafeSshWord(const std::string& text) {
  if (text.empty() || text.front() == '-') return false;
  return std::none_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == 0x7f;
  });
}

std::optional<std::string> SshWord(MapReader& map, const std::string& key, const std::string& what,
                                   Diagnostics& diagnostics) {
  const std::optional<std::string> text = map.String(key);
  if (text && !IsSafeSshWord(*text)) {
    diagnostics.Error(map.ValuePosition(key), "'" + key + "' in " + what + " must not be empty, start with '-' "
                                              "or contain spaces, got '" + *text + "'");
    return std::nullopt;
  }
  return text;
}

Budget ReadBudget(MapReader& map, const std::string& what, Diagnostics& diagnostics) {
  Budget budget;
  if (!map.Has("budget")) return budget;
  MapReader inner(map.Get("budget"), "the budget of " + what, kBudgetKeys, diagnostics, map.KeyPosition("budget"));
  if (auto v = inner.SizeBytes("flash")) budget.flash_bytes = *v;
  if (auto v = inner.SizeBytes("ram")) budget.ram_bytes = *v;
  return budget;
}

SshTarget ReadSsh(MapReader& map, const std::string& what, const Matrix& matrix, Diagnostics& diagnostics) {
  SshTarget ssh;
  if (map.Has("host") == map.Has("pool")) {
    diagnostics.Error(map.position(), what + " needs exactly one of 'host' (one device) or 'pool' (identical devices)");
  }
  if (auto v = SshWord(map, "host", what, diagnostics)) ssh.host = *v;
  if (map.Has("pool")) {
    if (auto hosts = map.StringList("pool")) {
      if (hosts->empty()) diagnostics.Error(map.ValuePosition("pool"), "'pool' in " + what + " lists no hosts");
      for (const std::string& host : *hosts) {
        if (!IsSafeSshWord(host)) {
          diagnostics.Error(map.ValuePosition("pool"), "host '" + host + "' in the pool of " + what +
                                                           " must not start with '-' or contain spaces");
        } else if (std::find(ssh.pool.begin(), ssh.pool.end(), host) != ssh.pool.end()) {
          diagnostics.Error(map.ValuePosition("pool"), "host '" + host + "' appears twice in the pool of " + what);
        } else {
          ssh.pool.push_back(host);
        }
      }
    }
  }
  if (auto v = SshWord(map, "user", what, diagnostics)) ssh.user = *v;
  if (auto v = map.Integer("port", 1, 65535)) ssh.port = static_cast<int>(*v);
  if (auto v = map.String("identity")) ssh.identity = ResolvePath(*v, matrix.base_dir).string();
  if (auto v = map.Choice("host_key", {"strict", "accept-new"})) ssh.host_key = *v;
  if (auto v = map.String("known_hosts")) ssh.known_hosts = ResolvePath(*v, matrix.base_dir).string();
  if (auto v = map.DurationMs("connect_timeout")) ssh.connect_timeout_ms = *v;
  if (auto v = map.DurationMs("keepalive")) ssh.keepalive_ms = *v;
  if (auto v = map.String("workdir")) ssh.workdir = *v;
  return ssh;
}

std::optional<Target> ReadTarget(const YAML::Node& item, Position fallback, const Matrix& matrix,
                                 Diagnostics& diagnostics) {
  // The kind decides which keys are allowed, so it is read before the mapping is checked.
  std::string kind;
  if (item.IsMap() && item["kind"].IsDefined() && item["kind"].IsScalar()) kind = item["kind"].Scalar();
  const bool known_kind = KindKeys().count(kind) > 0;
  std::vector<std::string> allowed = kCommonKeys;
  std::map<std::string, std::string> foreign;
  if (known_kind) {
    const std::vector<std::string>& own = KindKeys().at(kind);
    allowed.insert(allowed.end(), own.begin(), own.end());
    foreign = ForeignKeys(kind);
  } else {  // unknown kind: accept every kind's keys so that one typo yields one message
    for (const auto& [unused, keys] : KindKeys()) {
      for (const std::string& key : keys) {
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) allowed.push_back(key);
      }
    }
  }
  std::string what = "a target";
  if (item.IsMap() && item["name"].IsDefined() && item["name"].IsScalar()) what = "target '" + item["name"].Scalar() + "'";
  if (known_kind) what += " (kind " + kind + ")";
  MapReader map(item, what, allowed, diagnostics, fallback, foreign);
  if (!map.is_map()) return std::nullopt;

  Target target;
  target.position = map.position();
  std::optional<std::string> name;
  if (!map.Has("name")) {
    map.MissingError("name");
  } else {
    name = ReadName(map.Get("name"), "target name", map.position(), diagnostics);
  }
  if (!map.Has("kind")) {
    map.MissingError("kind", "one of " + JoinAlternatives(KnownTargetKinds()));
  } else if (!known_kind) {
    const std::string hint = DidYouMean(kind, KnownTargetKinds());
    diagnostics.Error(map.ValuePosition("kind"), "unknown target kind " + Describe(map.Get("kind")) +
                                                     (hint.empty() ? "; expected " + JoinAlternatives(KnownTargetKinds()) : hint));
  }
  if (auto v = map.Integer("concurrency", 1, 64)) target.concurrency = static_cast<int>(*v);
  if (!name) return std::nullopt;
  target.name = *name;
  target.kind = kind;
  // A target of an unknown kind is still declared, so references to it raise no second error.
  if (!known_kind) return target;

  if (kind == "local") {
    target.spec = LocalTarget{};
  } else if (kind == "qemu-user") {
    QemuUserTarget qemu;
    if (!map.Has("arch")) {
      diagnostics.Error(map.position(), what + " needs 'arch' (aarch64 or armv7)");
    } else if (auto v = map.Choice("arch", {"aarch64", "armv7"})) {
      qemu.arch = *v;
    }
    target.spec = qemu;
  } else if (kind == "ssh") {
    target.spec = ReadSsh(map, what, matrix, diagnostics);
  } else if (kind == "serial") {
    SerialTarget serial;
    if (!map.Has("port")) diagnostics.Error(map.position(), what + " needs 'port' (the serial device, e.g. /dev/ttyACM0)");
    if (auto v = map.String("port")) serial.port = *v;
    if (auto v = map.Integer("baud", 300, 16'000'000)) serial.baud = static_cast<int>(*v);
    if (auto v = map.String("board")) serial.board = *v;
    if (auto v = map.String("flash")) serial.flash_command = *v;
    serial.budget = ReadBudget(map, what, diagnostics);
    target.spec = serial;
  } else {
    QemuMcuTarget mcu;
    if (!map.Has("board")) diagnostics.Error(map.position(), what + " needs 'board' (e.g. mps2-an386)");
    if (auto v = map.String("board")) mcu.board = *v;
    mcu.budget = ReadBudget(map, what, diagnostics);
    target.spec = mcu;
  }
  return target;
}

}  // namespace

void ParseTargets(const YAML::Node& node, Position fallback, Matrix& matrix, Diagnostics& diagnostics) {
  if (!node.IsSequence()) {
    diagnostics.Error(PositionOf(node, fallback), "'targets' must be a list of targets, got " + Describe(node));
    return;
  }
  if (node.size() == 0) diagnostics.Error(PositionOf(node, fallback), "'targets' must list at least one target");
  for (const YAML::Node& item : node) {
    if (auto target = ReadTarget(item, PositionOf(node, fallback), matrix, diagnostics)) {
      matrix.targets.push_back(std::move(*target));
    }
  }
}

}  // namespace bsb::matrix
