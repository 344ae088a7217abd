#include "runtime/fd.h"

#include <cerrno>
#include <cstring>

namespace ebb::runtime {

Status ErrnoStatus(const std::string& what, int err) {
  bool missing = err == ENOENT || err == ENOTDIR || err == EACCES || err == ENOEXEC;
  return Status(missing ? Code::kNotFound : Code::kInternal, what + ": " + std::strerror(err));
}

}  // namespace ebb::runtime
