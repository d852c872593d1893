// A network namespace joined to the host by a veth pair, for tests that need a second host:
// "bsbnsN" with veth bsbhN (host side, 10.213.x.1) — bsbnN (namespace side, 10.213.x.2).
// Needs root; error() says why when it could not be made (tests skip with it). Removed, with
// its links and nftables rules, when the object goes.
#pragma once

#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/subprocess.h"

namespace bsb::targets::testing {

// Runs argv (no shell), true when it exits 0; `err` receives its stderr.
inline bool Sh(const std::vector<std::string>& argv, std::string* err = nullptr) {
  auto r = RunSubprocess({.argv = argv, .timeout = std::chrono::milliseconds(10000)});
  if (err && r.ok()) *err = r->stderr_text;
  return r.ok() && r->Succeeded();
}

// A namespace "bsbN<pid>" joined to the host by veth bsbh<id> (host, .1) — bsbn<id> (ns, .2).
class NetNs {
 public:
  NetNs() {
    static int counter = 0;  // several namespaces in one test process get distinct names
    const int id = (getpid() % 10000) * 10 + counter++ % 10;
    name_ = "bsbns" + std::to_string(id);
    host_if_ = "bsbh" + std::to_string(id);
    ns_if_ = "bsbn" + std::to_string(id);
    // One /30 per id (0..99999) inside 10.200.0.0/13, so two test processes running at once
    // never share a subnet (a shared one routes one test's connections into the other's
    // namespace).
    const int base = id * 4;
    const std::string net = "10." + std::to_string(200 + (base >> 16)) + "." +
                            std::to_string((base >> 8) & 255) + ".";
    host_ip_ = net + std::to_string((base & 255) + 1);
    ns_ip_ = net + std::to_string((base & 255) + 2);
    if (geteuid() != 0) {
      error_ = "needs root to create network namespaces";
      return;
    }
    Sh({"ip", "netns", "del", name_});
    Sh({"ip", "link", "del", host_if_});
    std::string err;
    ok_ = Sh({"ip", "netns", "add", name_}, &err) &&
          Sh({"ip", "link", "add", host_if_, "type", "veth", "peer", "name", ns_if_}, &err) &&
          Sh({"ip", "link", "set", ns_if_, "netns", name_}, &err) &&
          Sh({"ip", "addr", "add", host_ip_ + "/30", "dev", host_if_}, &err) &&
          Sh({"ip", "link", "set", host_if_, "up"}, &err) &&
          Sh({"ip", "netns", "exec", name_, "ip", "addr", "add", ns_ip_ + "/30", "dev", ns_if_}, &err) &&
          Sh({"ip", "netns", "exec", name_, "ip", "link", "set", ns_if_, "up"}, &err) &&
          Sh({"ip", "netns", "exec", name_, "ip", "link", "set", "lo", "up"}, &err);
    if (!ok_) error_ = "cannot set up a network namespace: " + err;
  }
  ~NetNs() {
    Sh({"ip", "link", "del", host_if_});
    Sh({"ip", "netns", "del", name_});
  }
  const std::string& error() const { return error_; }
  const std::string& name() const { return name_; }
  const std::string& ns_ip() const { return ns_ip_; }
  bool SetLink(bool up) { return Sh({"ip", "link", "set", host_if_, up ? "up" : "down"}); }
  bool DropTcpPort(int port) {
    const std::string table = "bsbdrop";
    return Sh({"ip", "netns", "exec", name_, "nft", "add", "table", "inet", table}) &&
           Sh({"ip", "netns", "exec", name_, "nft", "add", "chain", "inet", table, "in",
               "{ type filter hook input priority 0 ; }"}) &&
           Sh({"ip", "netns", "exec", name_, "nft", "add", "rule", "inet", table, "in", "tcp", "dport",
               std::to_string(port), "drop"});
  }

 private:
  std::string name_, host_if_, ns_if_, host_ip_, ns_ip_, error_;
  bool ok_ = false;
};

}  // namespace bsb::targets::testing
