#include "common/executable.h"

#include <sys/stat.h>
#include <unistd.h>

#include <climits>

namespace ebb {
namespace {

bool IsExecutableFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string CurrentDir() {
  char buf[PATH_MAX];
  return ::getcwd(buf, sizeof buf) != nullptr ? std::string(buf) : std::string(".");
}

}  // namespace

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (!name.empty() && name[0] == '/') return name;
  std::string base = dir.empty() ? CurrentDir() : dir;
  if (base[0] != '/') base = CurrentDir() + "/" + base;
  return base.back() == '/' ? base + name : base + "/" + name;
}

std::string ResolveExecutable(const std::string& program, const std::string& dir,
                              const std::string& path_env) {
  if (program.empty()) return "";
  if (program.find('/') != std::string::npos) {
    std::string path = JoinPath(dir, program);
    return IsExecutableFile(path) ? path : "";
  }
  std::size_t start = 0;
  while (start <= path_env.size()) {
    std::size_t colon = path_env.find(':', start);
    if (colon == std::string::npos) colon = path_env.size();
    std::string entry = path_env.substr(start, colon - start);
    std::string path = JoinPath(entry.empty() ? dir : entry, program);
    if (!path_env.empty() && IsExecutableFile(path)) return path;
    start = colon + 1;
  }
  return "";
}

bool LooksLikeImageReference(const std::string& image) {
  if (image.empty() || image[0] == '/' || image[0] == '.') return false;
  if (image.find('@') != std::string::npos) return true;
  std::size_t slash = image.rfind('/');
  std::string last = slash == std::string::npos ? image : image.substr(slash + 1);
  if (last.find(':') != std::string::npos) return true;  // a tag
  std::string first = image.substr(0, image.find('/'));
  return slash != std::string::npos &&
         (first.find('.') != std::string::npos || first.find(':') != std::string::npos ||
          first == "localhost");
}

}  // namespace ebb
