#include "cli/resource.h"

#include <algorithm>
#include <cctype>

namespace ebb::cli {

std::string ResourceType::ApiVersion() const {
  return group.empty() ? version : group + "/" + version;
}

std::string ResourceType::PathPrefix() const {
  return group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
}

std::string ResourceType::QualifiedPlural() const {
  return group.empty() ? plural : plural + "." + group;
}

std::string ResourceType::QualifiedSingular() const {
  return group.empty() ? singular : singular + "." + group;
}

ResourceType KnativeType(api::Kind kind) {
  const api::KindInfo& info = api::Info(kind);
  return ResourceType{api::kGroup, api::kVersion, info.plural, info.singular,
                      info.name,   kind,          true};
}

ResourceType PodType() { return ResourceType{"", "v1", "pods", "pod", "Pod", std::nullopt, false}; }

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

Result<ResourceType> ResolveResourceType(std::string_view name) {
  const std::string lower = Lower(name);
  if (lower == "pods" || lower == "pod" || lower == "po") return PodType();
  if (std::optional<api::Kind> kind = api::KindFromName(name)) return KnativeType(*kind);
  return Status(Code::kBadRequest, "the server doesn't have a resource type \"" +
                                       std::string(name) +
                                       "\" (ebb serves ksvc, configurations, revisions, routes, "
                                       "pods)");
}

Result<ResourceType> ResolveManifestType(std::string_view api_version, std::string_view kind,
                                         std::string_view source) {
  std::optional<api::Kind> resolved = api::KindFromName(kind);
  // Manifests name kinds exactly ("Service"), unlike the command line ("ksvc", "services").
  if (!resolved || api::Info(*resolved).name != kind) {
    return Status(Code::kBadRequest, "unknown kind \"" + std::string(kind) + "\" in " +
                                         std::string(source) +
                                         " (ebb serves Service, Configuration, Revision, Route)");
  }
  if (api_version != api::kApiVersion) {
    return Status(Code::kBadRequest, "unsupported apiVersion \"" + std::string(api_version) +
                                         "\" for kind \"" + std::string(kind) + "\" in " +
                                         std::string(source) + " (ebb serves " + api::kApiVersion +
                                         ")");
  }
  return KnativeType(*resolved);
}

namespace {

// "KIND NAME...".
Result<std::vector<NamedResource>> ResolveKindAndNames(const std::vector<std::string>& args) {
  Result<ResourceType> type = ResolveResourceType(args[0]);
  if (!type.ok()) return type.status();
  if (args.size() == 1) {
    return Status(Code::kBadRequest, "resource(s) were provided, but no name was specified");
  }
  std::vector<NamedResource> out;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i].find('/') != std::string::npos) {
      return Status(Code::kBadRequest,
                    "there is no need to specify a resource type as a separate argument when "
                    "passing arguments in resource/name form (e.g. 'ebb get ksvc/hello' "
                    "instead of 'ebb get ksvc ksvc/hello')");
    }
    out.push_back(NamedResource{*type, args[i]});
  }
  return out;
}

// "KIND/NAME...".
Result<std::vector<NamedResource>> ResolveSlashed(const std::vector<std::string>& args) {
  std::vector<NamedResource> out;
  for (const std::string& arg : args) {
    size_t slash = arg.find('/');
    if (slash == std::string::npos || slash + 1 == arg.size()) {
      return Status(
          Code::kBadRequest,
          "arguments in resource/name form must have a single resource and name: \"" + arg + "\"");
    }
    Result<ResourceType> type = ResolveResourceType(arg.substr(0, slash));
    if (!type.ok()) return type.status();
    out.push_back(NamedResource{*type, arg.substr(slash + 1)});
  }
  return out;
}

}  // namespace

Result<std::vector<NamedResource>> ResolveNamedArgs(const std::vector<std::string>& args) {
  if (args.empty()) {
    return Status(Code::kBadRequest,
                  "you must specify the type of resource and a name (e.g. ksvc hello)");
  }
  if (args[0].find('/') == std::string::npos) return ResolveKindAndNames(args);
  return ResolveSlashed(args);
}

}  // namespace ebb::cli
