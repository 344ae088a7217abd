#include "controller/revision_health.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "controller/meta.h"

namespace ebb::controller {

RevisionHealth::~RevisionHealth() = default;

namespace {

constexpr char kLocalHint[] =
    "ebb runs local executables: set command or image to a path on this machine";

bool IsExecutableFile(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string SearchPath(const std::string& name, const std::string& path_env) {
  std::size_t start = 0;
  while (start <= path_env.size()) {
    std::size_t end = path_env.find(':', start);
    if (end == std::string::npos) end = path_env.size();
    // An empty $PATH entry means the current directory, as in POSIX shells.
    std::string dir = path_env.substr(start, end - start);
    std::string candidate = JoinPath(dir.empty() ? "." : dir, name);
    if (IsExecutableFile(candidate)) return candidate;
    start = end + 1;
  }
  return "";
}

std::string MissingMessage(const std::string& program, const std::string& image,
                           bool from_command) {
  if (!from_command && LooksLikeImageReference(image)) {
    return "Image \"" + image + "\" is a container image reference, not an executable on " +
           "this machine; " + kLocalHint;
  }
  return "Unable to find executable \"" + program + "\" (image \"" + image + "\"); " + kLocalHint;
}

}  // namespace

const nlohmann::json& ServingContainer(const nlohmann::json& revision_spec) {
  static const nlohmann::json kNone;
  const nlohmann::json& containers = Field(revision_spec, "containers");
  if (!containers.is_array() || containers.empty()) return kNone;
  for (const nlohmann::json& c : containers) {
    const nlohmann::json& ports = Field(c, "ports");
    if (ports.is_array() && !ports.empty()) return c;
  }
  return containers.front();
}

std::string ResolveExecutable(const std::string& program, const std::string& working_dir,
                              const std::string& path_env) {
  if (program.empty()) return "";
  if (program.front() == '/') return IsExecutableFile(program) ? program : "";
  if (program.find('/') != std::string::npos) {
    std::string candidate = JoinPath(working_dir, program);
    return IsExecutableFile(candidate) ? candidate : "";
  }
  return SearchPath(program, path_env);
}

bool LooksLikeImageReference(const std::string& image) {
  if (image.find('@') != std::string::npos) return true;  // digest
  std::size_t slash = image.find('/');
  std::string first = image.substr(0, slash);
  // A registry host ("gcr.io", "localhost:5000") as first component of a multi-part name.
  if (slash != std::string::npos && slash != 0 && first != "." && first != ".." &&
      (first.find('.') != std::string::npos || first.find(':') != std::string::npos ||
       first == "localhost")) {
    return true;
  }
  // A tag on the last component ("nginx:1.25").
  std::size_t last = image.rfind('/');
  return image.find(':', last == std::string::npos ? 0 : last) != std::string::npos;
}

RevisionHealth::Report LocalExecutableHealth::Check(const nlohmann::json& revision) {
  const nlohmann::json& container = ServingContainer(Field(revision, "spec"));
  std::string image = Str(container, "image");
  const nlohmann::json& command = Field(container, "command");
  bool from_command = command.is_array() && !command.empty() && command[0].is_string();
  std::string program = from_command ? command[0].get<std::string>() : image;
  const char* path_env = std::getenv("PATH");
  Report report;
  if (!ResolveExecutable(program, Str(container, "workingDir"), path_env ? path_env : "").empty()) {
    report.state = Report::State::kReady;  // scaled to zero until the runtime starts it
    return report;
  }
  report.state = Report::State::kFailed;
  report.reason = "ContainerMissing";
  report.message = MissingMessage(program, image, from_command);
  return report;
}

}  // namespace ebb::controller
