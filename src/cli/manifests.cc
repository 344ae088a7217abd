#include "cli/manifests.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/codec.h"
#include "cli/json_util.h"
#include "cli/output.h"

namespace ebb::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool IsManifestFile(const fs::path& path) {
  std::string ext = path.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

Result<std::vector<std::string>> ExpandPath(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return Status(Code::kNotFound, "the path \"" + path + "\" does not exist");
  }
  if (!fs::is_directory(path, ec)) return std::vector<std::string>{path};
  std::vector<std::string> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(path, ec)) {
    if (entry.is_regular_file() && IsManifestFile(entry.path())) {
      files.push_back(entry.path().string());
    }
  }
  if (ec) return Status(Code::kBadRequest, "cannot read folder " + path + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

Status ParseInto(const std::string& text, const std::string& source, std::vector<Manifest>& out) {
  Result<std::vector<json>> docs = api::ParseManifests(text, source);
  if (!docs.ok()) return docs.status();
  for (json& doc : *docs) out.push_back(Manifest{std::move(doc), source});
  return Status::Ok();
}

Status ReadFile(const std::string& file, std::vector<Manifest>& out) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream) return Status(Code::kNotFound, "cannot read " + file);
  std::ostringstream text;
  text << stream.rdbuf();
  return ParseInto(text.str(), file, out);
}

}  // namespace

Result<std::vector<Manifest>> ReadManifests(const std::vector<std::string>& paths,
                                            std::istream& in) {
  std::vector<Manifest> out;
  for (const std::string& path : paths) {
    if (path == "-") {
      std::ostringstream text;
      text << in.rdbuf();
      EBB_RETURN_IF_ERROR(ParseInto(text.str(), "STDIN", out));
      continue;
    }
    Result<std::vector<std::string>> files = ExpandPath(path);
    if (!files.ok()) return files.status();
    for (const std::string& file : *files) EBB_RETURN_IF_ERROR(ReadFile(file, out));
  }
  return out;
}

Result<Target> ResolveTarget(const Manifest& manifest, const std::string& ns, bool ns_explicit) {
  const json& object = manifest.object;
  std::string kind = Str(object, "kind");
  std::string api_version = Str(object, "apiVersion");
  if (kind.empty() || api_version.empty()) {
    return Status(Code::kBadRequest,
                  "error validating \"" + manifest.source + "\": apiVersion and kind must be set");
  }
  Result<ResourceType> type = ResolveManifestType(api_version, kind, manifest.source);
  if (!type.ok()) return type.status();
  Target target{std::move(*type), MetaString(object, "namespace"), MetaString(object, "name")};
  if (target.name.empty()) {
    return Status(Code::kBadRequest,
                  "a " + kind + " in " + manifest.source + " has no metadata.name");
  }
  if (target.ns.empty()) {
    target.ns = ns;
  } else if (ns_explicit && target.ns != ns) {
    return Status(Code::kBadRequest, "the namespace from the provided object \"" + target.ns +
                                         "\" does not match the namespace \"" + ns +
                                         "\". You must pass '--namespace=" + target.ns +
                                         "' to perform this operation.");
  }
  return target;
}

}  // namespace ebb::cli
