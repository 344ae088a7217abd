#include "controller/revision_health.h"

#include <cstdlib>

#include "common/executable.h"
#include "controller/meta.h"

namespace ebb::controller {

RevisionHealth::~RevisionHealth() = default;

namespace {

constexpr char kLocalHint[] =
    "ebb runs local executables: set command or image to a path on this machine";

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
