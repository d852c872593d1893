// Content-addressed uploads over SFTP: only when missing, through a temporary name.
#include <fcntl.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <random>

#include "targets/ssh_session.h"

namespace bsb::targets {
namespace {

struct FileCloser {
  void operator()(sftp_file f) const { sftp_close(f); }
};
struct AttrFree {
  void operator()(sftp_attributes a) const { sftp_attributes_free(a); }
};

std::string SftpError(SshSession& ssh) {
  sftp_session sftp = ssh.sftp();
  int code = sftp ? sftp_get_error(sftp) : -1;
  std::string text = ssh_get_error(ssh.raw());
  return text + " (sftp status " + std::to_string(code) + ")";
}

std::string RandomSuffix() {
  static std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

Outcome<sftp_session> Sftp(SshSession& ssh) {
  sftp_session sftp = ssh.sftp();
  if (sftp == nullptr) {
    return ssh.Classify(FailureKind::kUnreachable,
                        std::string("the server offers no SFTP subsystem: ") + ssh_get_error(ssh.raw()));
  }
  return sftp;
}

}  // namespace

Outcome<std::string> MakeRemoteDirs(SshSession& ssh, const std::string& path) {
  auto sftp = Sftp(ssh);
  if (!sftp.ok()) return sftp.failure();
  std::string prefix = path.front() == '/' ? "/" : "";
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) {
      prefix += path.substr(start, end - start);
      if (sftp_mkdir(sftp.value(), prefix.c_str(), 0755) != SSH_OK &&
          sftp_get_error(sftp.value()) != SSH_FX_FILE_ALREADY_EXISTS) {
        std::unique_ptr<sftp_attributes_struct, AttrFree> st(sftp_stat(sftp.value(), prefix.c_str()));
        if (!st || st->type != SSH_FILEXFER_TYPE_DIRECTORY) {
          return ssh.Classify(FailureKind::kFailed, "cannot create remote directory '" + prefix + "': " + SftpError(ssh));
        }
      }
      prefix += '/';
    }
    start = end + 1;
  }
  char* canonical = sftp_canonicalize_path(sftp.value(), path.c_str());
  if (canonical == nullptr) {
    return ssh.Classify(FailureKind::kFailed, "cannot resolve remote path '" + path + "': " + SftpError(ssh));
  }
  std::string out = canonical;
  ssh_string_free_char(canonical);
  return out;
}

Outcome<UploadStats> UploadIfMissing(SshSession& ssh, const std::string& local_path,
                                     const std::string& remote_path, int mode) {
  auto sftp = Sftp(ssh);
  if (!sftp.ok()) return sftp.failure();
  std::ifstream in(local_path, std::ios::binary | std::ios::ate);
  if (!in) return Failure{FailureKind::kFailed, "cannot read '" + local_path + "'"};
  const auto size = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);

  {
    std::unique_ptr<sftp_attributes_struct, AttrFree> st(sftp_stat(sftp.value(), remote_path.c_str()));
    if (st && st->size == size) return UploadStats{true, 0};
    if (!st && !ssh.connected()) return ssh.Classify(FailureKind::kTransport, "stat " + remote_path);
  }

  const std::string tmp = remote_path + ".tmp-" + RandomSuffix();
  std::unique_ptr<sftp_file_struct, FileCloser> file(
      sftp_open(sftp.value(), tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, static_cast<mode_t>(mode)));
  if (!file) {
    return ssh.Classify(FailureKind::kFailed, "cannot create '" + tmp + "': " + SftpError(ssh));
  }
  // One SFTP write per chunk, each a round trip: large chunks amortise the latency
  // (OpenSSH's sftp-server accepts up to 256 KiB of data per request).
  constexpr std::size_t kChunkBytes = 128 * 1024;
  std::vector<char> buf(kChunkBytes);
  std::uint64_t sent = 0;
  while (sent < size) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunkBytes, size - sent));
    in.read(buf.data(), static_cast<std::streamsize>(want));
    if (in.gcount() != static_cast<std::streamsize>(want)) {
      sftp_unlink(sftp.value(), tmp.c_str());
      return Failure{FailureKind::kFailed, "'" + local_path + "' changed while it was being uploaded"};
    }
    std::size_t off = 0;
    while (off < want) {
      ssize_t n = sftp_write(file.get(), buf.data() + off, want - off);
      if (n <= 0) {
        Failure f = ssh.Classify(FailureKind::kFailed,
                                 "writing '" + tmp + "' failed after " + std::to_string(sent + off) + " of " +
                                     std::to_string(size) + " bytes (remote disk full or not writable?): " +
                                     SftpError(ssh));
        file.reset();
        if (ssh.connected()) sftp_unlink(sftp.value(), tmp.c_str());
        return f;
      }
      off += static_cast<std::size_t>(n);
    }
    sent += want;
  }
  if (sftp_close(file.release()) != SSH_OK) {
    Failure f = ssh.Classify(FailureKind::kFailed, "closing '" + tmp + "' failed (remote disk full?): " + SftpError(ssh));
    if (ssh.connected()) sftp_unlink(sftp.value(), tmp.c_str());
    return f;
  }
  if (sftp_rename(sftp.value(), tmp.c_str(), remote_path.c_str()) != SSH_OK) {
    // Another orchestrator may have put the same object there first: same name, same bytes.
    std::unique_ptr<sftp_attributes_struct, AttrFree> st(sftp_stat(sftp.value(), remote_path.c_str()));
    sftp_unlink(sftp.value(), tmp.c_str());
    if (!st || st->size != size) {
      return ssh.Classify(FailureKind::kFailed, "cannot rename '" + tmp + "' to '" + remote_path + "': " + SftpError(ssh));
    }
  }
  return UploadStats{false, size};
}

}  // namespace bsb::targets
