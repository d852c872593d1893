// Host key verification against known_hosts (DESIGN §5): strict by default, accept-new
// opt-in, never skipped.
#include <filesystem>
#include <memory>

#include "targets/shell_quote.h"
#include "targets/ssh_session.h"

namespace bsb::targets {
namespace {

struct KeyDeleter {
  void operator()(ssh_key key) const { ssh_key_free(key); }
};

std::string OptionString(ssh_session s, ssh_options_e option) {
  char* value = nullptr;
  if (ssh_options_get(s, option, &value) != SSH_OK || value == nullptr) return "";
  std::string out = value;
  ssh_string_free_char(value);
  return out;
}

// "SHA256:base64" as OpenSSH prints it.
std::string Fingerprint(ssh_key key) {
  unsigned char* hash = nullptr;
  size_t len = 0;
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len) != 0) return "(unknown)";
  char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, len);
  ssh_clean_pubkey_hash(&hash);
  std::string out = text ? text : "(unknown)";
  ssh_string_free_char(text);
  return out;
}

}  // namespace

Outcome<Ok> VerifyHostKey(ssh_session s, const std::string& target_name, HostKeyPolicy policy,
                          const LogFn& log) {
  const std::string who = "target '" + target_name + "': ";
  ssh_key raw = nullptr;
  if (ssh_get_server_publickey(s, &raw) != SSH_OK) {
    return Failure{FailureKind::kUnreachable, who + "server sent no host key: " + ssh_get_error(s)};
  }
  std::unique_ptr<ssh_key_struct, KeyDeleter> key(raw);
  const std::string fingerprint = Fingerprint(key.get());
  const std::string type = ssh_key_type_to_char(ssh_key_type(key.get()));
  const std::string host = OptionString(s, SSH_OPTIONS_HOST);
  unsigned int port = 22;
  ssh_options_get_port(s, &port);
  const std::string known_hosts = OptionString(s, SSH_OPTIONS_KNOWNHOSTS);
  const std::string where = host + (port == 22 ? "" : ":" + std::to_string(port));

  switch (ssh_session_is_known_server(s)) {
    case SSH_KNOWN_HOSTS_OK:
      return Ok{};
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      return Failure{FailureKind::kUnreachable,
                     who + "HOST KEY FOR " + where + " HAS CHANGED (now " + type + " " + fingerprint +
                         ", known_hosts " + known_hosts +
                         " says otherwise). Someone may be intercepting the connection, or the host "
                         "was reinstalled. Refusing to connect; if the change is expected, remove "
                         "the old key with: ssh-keygen -R " +
                         ShellQuote(port == 22 ? host : "[" + host + "]:" + std::to_string(port)) +
                         " -f " + ShellQuote(known_hosts)};
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
      break;
    case SSH_KNOWN_HOSTS_ERROR:
      return Failure{FailureKind::kUnreachable,
                     who + "cannot check the host key against " + known_hosts + ": " + ssh_get_error(s)};
  }
  if (policy == HostKeyPolicy::kStrict) {
    std::string scan = "ssh-keyscan";
    if (port != 22) scan += " -p " + std::to_string(port);
    scan += " " + ShellQuote(host) + " >> " + ShellQuote(known_hosts);
    return Failure{FailureKind::kUnreachable,
                   who + "host " + where + " is not in " + known_hosts + " (its " + type + " key is " +
                       fingerprint + "). Check that fingerprint with the host's owner, then trust it "
                       "with: " + scan + "   (or set host_key: accept-new on this target)"};
  }
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(known_hosts).parent_path(), ec);
  if (ssh_session_update_known_hosts(s) != SSH_OK) {
    return Failure{FailureKind::kUnreachable,
                   who + "cannot record the host key in " + known_hosts + ": " + ssh_get_error(s)};
  }
  if (log) log(who + "accept-new: recorded " + type + " host key " + fingerprint + " for " + where + " in " + known_hosts);
  return Ok{};
}

}  // namespace bsb::targets
