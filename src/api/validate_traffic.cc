// Traffic targets (pkg/apis/serving/v1/route_validation.go, knative-spec.md §1.3 "Traffic").
#include <map>

#include "api/naming.h"
#include "api/validation_internal.h"

namespace ebb::api::internal {
namespace {

bool CheckTypes(const json& t, const std::string& at, Errors* errs) {
  bool ok = true;
  for (const char* key : {"tag", "revisionName", "configurationName", "url"}) {
    if (const json* v = Member(t, key)) ok = CheckString(*v, Child(at, key), errs) && ok;
  }
  if (const json* v = Member(t, "latestRevision")) {
    ok = CheckBool(*v, Child(at, "latestRevision"), errs) && ok;
  }
  if (const json* v = Member(t, "percent")) ok = CheckInt(*v, Child(at, "percent"), errs) && ok;
  return ok;
}

// latestRevision: true floats to the newest revision, false pins revisionName.
void ValidateLatestRevision(const json& t, const std::string& at, Errors* errs) {
  const json* latest = Member(t, "latestRevision");
  if (latest == nullptr) return;
  std::string revision = StringField(t, "revisionName");
  bool lr = latest->get<bool>();
  if (lr && !revision.empty()) {
    errs->Invalid(Child(at, "latestRevision"),
                  "may not set revisionName \"" + revision + "\" when latestRevision is true");
  } else if (!lr && revision.empty()) {
    errs->Invalid(Child(at, "latestRevision"),
                  "revisionName is required when latestRevision is false");
  }
}

// percent, already known to be an integer when present, is in [0, 100].
void CheckPercent(const json& t, const std::string& at, Errors* errs) {
  const json* p = Member(t, "percent");
  std::int64_t percent = p != nullptr ? *IntValue(*p) : 0;
  if (percent < 0 || percent > 100) {
    errs->Invalid(Child(at, "percent"), OutOfBounds(percent, 0, 100));
  }
}

void CheckName(const std::string& name, const std::string& field, Errors* errs) {
  if (std::string why = QualifiedNameError(name); !why.empty()) {
    errs->Invalid(field, "invalid name \"" + name + "\": " + why);
  }
}

void ValidateTarget(const json& t, const std::string& at, bool in_service, Errors* errs) {
  std::string revision = StringField(t, "revisionName");
  std::string configuration = StringField(t, "configurationName");
  ValidateLatestRevision(t, at, errs);
  if (in_service && !configuration.empty()) {
    errs->Forbidden(Child(at, "configurationName"),
                    "must not set the field(s): a Service routes to its own configuration");
  } else if (!revision.empty() && !configuration.empty()) {
    errs->Invalid(at, "expected exactly one of revisionName or configurationName, got both");
  } else if (!revision.empty()) {
    CheckName(revision, Child(at, "revisionName"), errs);
  } else if (!configuration.empty()) {
    CheckName(configuration, Child(at, "configurationName"), errs);
  } else if (!in_service) {
    errs->Required(at, "expected exactly one of revisionName or configurationName, got neither");
  }
  CheckPercent(t, at, errs);
  if (!StringField(t, "url").empty()) errs->Forbidden(Child(at, "url"));
}

}  // namespace

void ValidateTraffic(const json* traffic, const std::string& path, bool in_service, Errors* errs) {
  static const json kEmpty = json::array();
  if (traffic == nullptr) traffic = &kEmpty;
  if (!CheckArray(*traffic, path, errs)) return;
  std::int64_t sum = 0;
  std::map<std::string, size_t> tags;
  for (size_t i = 0; i < traffic->size(); ++i) {
    const json& t = (*traffic)[i];
    std::string at = Index(path, i);
    if (!CheckObject(t, at, errs)) continue;
    CheckAllowedKeys(
        t, {"tag", "revisionName", "configurationName", "latestRevision", "percent", "url"}, at,
        errs);
    if (!CheckTypes(t, at, errs)) continue;
    ValidateTarget(t, at, in_service, errs);
    if (const json* p = Member(t, "percent")) sum += *IntValue(*p);
    std::string tag = StringField(t, "tag");
    if (tag.empty()) continue;
    if (std::string why = Dns1035LabelError(tag); !why.empty()) {
      errs->Invalid(Child(at, "tag"), why);
    }
    if (auto [it, fresh] = tags.emplace(tag, i); !fresh) {
      errs->Duplicate(Child(at, "tag"), "Multiple definitions for \"" + tag + "\" (also " +
                                            Child(Index(path, it->second), "tag") + ")");
    }
  }
  if (sum != 100) {
    errs->Invalid(path, "Traffic targets sum to " + std::to_string(sum) + ", want 100");
  }
}

void ValidateStatusTraffic(const json* traffic, const std::string& path, Errors* errs) {
  if (traffic == nullptr || !CheckArray(*traffic, path, errs)) return;
  for (size_t i = 0; i < traffic->size(); ++i) {
    const json& t = (*traffic)[i];
    std::string at = Index(path, i);
    if (!CheckObject(t, at, errs) || !CheckTypes(t, at, errs)) continue;
    if (StringField(t, "revisionName").empty()) errs->Required(Child(at, "revisionName"));
    bool tagged = !StringField(t, "tag").empty();
    bool has_url = !StringField(t, "url").empty();
    if (tagged && !has_url) errs->Required(Child(at, "url"));
    if (!tagged && has_url) errs->Forbidden(Child(at, "url"), "only a tagged target has a URL");
    CheckPercent(t, at, errs);
  }
}

}  // namespace ebb::api::internal
