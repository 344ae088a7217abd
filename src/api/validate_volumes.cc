// Volumes and volume mounts as Knative allows them by default: secret, configMap, projected and
// emptyDir volumes (persistentVolumeClaim needs a feature flag Knative leaves off), every
// volume mounted, mount paths absolute, unique and not reserved.
#include <regex>
#include <vector>

#include "api/naming.h"
#include "api/validation_internal.h"

namespace ebb::api::internal {
namespace {

constexpr const char* kSources[] = {"secret", "configMap", "projected", "emptyDir",
                                    "persistentVolumeClaim"};

void ValidateKeyToPaths(const json& source, const std::string& path, Errors* errs) {
  const json* items = Member(source, "items");
  if (items == nullptr || !CheckArray(*items, Child(path, "items"), errs)) return;
  for (size_t i = 0; i < items->size(); ++i) {
    std::string at = Index(Child(path, "items"), i);
    if (!CheckObject((*items)[i], at, errs)) continue;
    CheckAllowedKeys((*items)[i], {"key", "path", "mode"}, at, errs);
    if (StringField((*items)[i], "key").empty()) errs->Required(Child(at, "key"));
    if (StringField((*items)[i], "path").empty()) errs->Required(Child(at, "path"));
  }
}

// secret / configMap: the object they name is required.
void ValidateNamedSource(const json& src, const std::string& path, const char* name_key,
                         Errors* errs) {
  if (!CheckObject(src, path, errs)) return;
  CheckAllowedKeys(src, {name_key, "items", "defaultMode", "optional"}, path, errs);
  if (StringField(src, name_key).empty()) errs->Required(Child(path, name_key));
  ValidateKeyToPaths(src, path, errs);
}

void ValidateEmptyDir(const json& src, const std::string& path, Errors* errs) {
  if (!CheckObject(src, path, errs)) return;
  CheckAllowedKeys(src, {"medium", "sizeLimit"}, path, errs);
  std::string medium = StringField(src, "medium");
  if (!medium.empty() && medium != "Memory") {
    errs->NotSupported(Child(path, "medium"), "supported values: \"\", \"Memory\"");
  }
  const json* size = Member(src, "sizeLimit");
  if (size != nullptr && !IsQuantity(*size)) {
    errs->Invalid(Child(path, "sizeLimit"), "must be a quantity such as 128Mi or 1Gi");
  }
}

void ValidateProjection(const json& p, const std::string& path, Errors* errs) {
  if (!CheckObject(p, path, errs)) return;
  CheckAllowedKeys(p, {"secret", "configMap", "serviceAccountToken", "downwardAPI"}, path, errs);
  int set = 0;
  for (const char* key : {"secret", "configMap", "serviceAccountToken", "downwardAPI"}) {
    const json* src = Member(p, key);
    if (src == nullptr) continue;
    ++set;
    std::string at = Child(path, key);
    if (!CheckObject(*src, at, errs)) continue;
    std::string k = key;
    if (k == "secret" || k == "configMap") {
      if (StringField(*src, "name").empty()) errs->Required(Child(at, "name"));
      ValidateKeyToPaths(*src, at, errs);
    } else if (k == "serviceAccountToken" && StringField(*src, "path").empty()) {
      errs->Required(Child(at, "path"));
    }
  }
  if (set != 1) {
    errs->Invalid(path,
                  "expected exactly one of secret, configMap, serviceAccountToken or "
                  "downwardAPI");
  }
}

void ValidateProjected(const json& src, const std::string& path, Errors* errs) {
  if (!CheckObject(src, path, errs)) return;
  CheckAllowedKeys(src, {"sources", "defaultMode"}, path, errs);
  const json* sources = Member(src, "sources");
  if (sources == nullptr || !CheckArray(*sources, Child(path, "sources"), errs)) return;
  for (size_t i = 0; i < sources->size(); ++i) {
    ValidateProjection((*sources)[i], Index(Child(path, "sources"), i), errs);
  }
}

void ValidateSource(const std::string& type, const json& src, const std::string& path,
                    Errors* errs) {
  if (type == "secret") return ValidateNamedSource(src, path, "secretName", errs);
  if (type == "configMap") return ValidateNamedSource(src, path, "name", errs);
  if (type == "emptyDir") return ValidateEmptyDir(src, path, errs);
  if (type == "projected") return ValidateProjected(src, path, errs);
  errs->Forbidden(path, "persistent volume claim support is disabled");
}

void ValidateVolumeSources(const json& volume, const std::string& path, Errors* errs) {
  std::vector<std::string> set;
  for (const char* type : kSources) {
    if (const json* src = Member(volume, type)) {
      set.push_back(type);
      ValidateSource(type, *src, Child(path, type), errs);
    }
  }
  if (set.empty()) {
    errs->Required(path, "expected exactly one of secret, configMap, projected or emptyDir");
  } else if (set.size() > 1) {
    errs->Invalid(path, "expected exactly one volume source, got: " + set[0] + ", " + set[1]);
  }
}

// path.Clean for absolute paths: "/data//x/../y/" -> "/data/y".
std::string CleanPath(std::string_view p) {
  std::vector<std::string_view> parts;
  for (size_t start = 0; start <= p.size();) {
    size_t slash = p.find('/', start);
    std::string_view part =
        p.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::string out;
  for (std::string_view part : parts) out += "/" + std::string(part);
  return out.empty() ? "/" : out;
}

}  // namespace

bool VolumeIsWritable(const json& volume) {
  return Member(volume, "emptyDir") != nullptr ||
         Member(volume, "persistentVolumeClaim") != nullptr;
}

bool IsQuantity(const json& q) {
  if (q.is_number()) return q.get<double>() >= 0;
  if (!q.is_string()) return false;
  static const std::regex kQuantity(
      "[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?[0-9]+))?");
  return std::regex_match(q.get<std::string>(), kQuantity);
}

VolumeMap ValidateVolumes(const json* volumes, const std::string& path,
                          const std::set<std::string>& mounted, Errors* errs) {
  VolumeMap out;
  if (volumes == nullptr || !CheckArray(*volumes, path, errs)) return out;
  for (size_t i = 0; i < volumes->size(); ++i) {
    const json& v = (*volumes)[i];
    std::string at = Index(path, i);
    if (!CheckObject(v, at, errs)) continue;
    CheckAllowedKeys(
        v, {"name", "secret", "configMap", "projected", "emptyDir", "persistentVolumeClaim"}, at,
        errs);
    std::string name = StringField(v, "name");
    if (name.empty()) {
      errs->Required(Child(at, "name"));
    } else if (std::string why = Dns1123LabelError(name); !why.empty()) {
      errs->Invalid(Child(at, "name"), why);
    } else if (out.count(name) != 0) {
      errs->Duplicate(Child(at, "name"), "duplicate volume name \"" + name + "\"");
    } else if (mounted.count(name) == 0) {
      errs->Invalid(Child(at, "name"), "volume with name \"" + name + "\" not mounted");
    }
    ValidateVolumeSources(v, at, errs);
    if (!name.empty()) out.emplace(name, VolumeIsWritable(v));
  }
  return out;
}

void ValidateVolumeMounts(const json& mounts, const std::string& path, const VolumeMap& volumes,
                          Errors* errs) {
  if (!CheckArray(mounts, path, errs)) return;
  std::set<std::string> seen_paths;
  for (size_t i = 0; i < mounts.size(); ++i) {
    const json& m = mounts[i];
    std::string at = Index(path, i);
    if (!CheckObject(m, at, errs)) continue;
    CheckAllowedKeys(m, {"name", "mountPath", "readOnly", "subPath"}, at, errs);
    auto volume = volumes.find(StringField(m, "name"));
    if (volume == volumes.end()) {
      errs->Invalid(Child(at, "name"), "volumeMount has no matching volume");
    }
    std::string mount_path = StringField(m, "mountPath");
    std::string clean = CleanPath(mount_path);
    if (mount_path.empty()) {
      errs->Required(Child(at, "mountPath"));
    } else if (mount_path[0] != '/') {
      errs->Invalid(Child(at, "mountPath"), "must be an absolute path");
    } else if (clean == "/" || clean == "/dev" || clean == "/dev/log") {
      errs->Invalid(Child(at, "mountPath"), "mountPath \"" + clean + "\" is a reserved path");
    } else if (!seen_paths.insert(clean).second) {
      errs->Duplicate(Child(at, "mountPath"), "\"" + mount_path + "\" must be unique");
    }
    const json* read_only = Member(m, "readOnly");
    if (read_only != nullptr && !CheckBool(*read_only, Child(at, "readOnly"), errs)) continue;
    bool ro = read_only != nullptr && read_only->get<bool>();
    if (volume != volumes.end() && !volume->second && !ro) {
      errs->Invalid(Child(at, "readOnly"),
                    "volume mount should be readOnly for this type of volume");
    }
  }
}

}  // namespace ebb::api::internal
