// UniqueFd: sole owner of a file descriptor, closed on destruction. Plus the errno → Status
// translation used at the runtime's system-call boundary.
#pragma once

#include <unistd.h>

#include <string>
#include <utility>

#include "common/status.h"

namespace ebb::runtime {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// Status for a failed system call: "<what>: <strerror(err)>". ENOENT, ENOTDIR, EACCES and
// ENOEXEC map to kNotFound (the program or directory is missing or unusable), the rest to
// kInternal.
Status ErrnoStatus(const std::string& what, int err);

}  // namespace ebb::runtime
