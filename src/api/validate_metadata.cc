// Object metadata rules: Kubernetes' ObjectMeta checks plus Knative's label and annotation
// rules (pkg/apis/serving/metadata_validation.go and the per-kind validateLabels).
#include <chrono>

#include "api/naming.h"
#include "api/validation_internal.h"

namespace ebb::api::internal {
namespace {

constexpr size_t kMaxAnnotationBytes = 256 * 1024;

bool HasPrefix(std::string_view s, std::string_view prefix) { return s.starts_with(prefix); }

void ValidateLabels(const json& labels, const std::string& path, Errors* errs) {
  if (!CheckObject(labels, path, errs)) return;
  for (const auto& [key, value] : labels.items()) {
    std::string field = Child(path, key);
    if (std::string why = QualifiedNameError(key); !why.empty()) {
      errs->Invalid(field, "invalid label key \"" + key + "\": " + why);
    }
    if (!CheckString(value, field, errs)) continue;
    if (std::string why = LabelValueError(value.get<std::string>()); !why.empty()) {
      errs->Invalid(field, why);
    }
  }
}

void ValidateAnnotations(const json& annotations, const std::string& path, Errors* errs) {
  if (!CheckObject(annotations, path, errs)) return;
  size_t total = 0;
  for (const auto& [key, value] : annotations.items()) {
    std::string field = Child(path, key);
    std::string lower = key;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::string why = QualifiedNameError(lower); !why.empty()) {
      errs->Invalid(field, "invalid annotation key \"" + key + "\": " + why);
    }
    total += key.size();
    if (CheckString(value, field, errs)) total += value.get_ref<const std::string&>().size();
  }
  if (total > kMaxAnnotationBytes) {
    errs->TooLong(
        path, "may not have more than " + std::to_string(kMaxAnnotationBytes) + " bytes in total");
  }
}

void ValidateOwnerReferences(const json& refs, const std::string& path, Errors* errs) {
  if (!CheckArray(refs, path, errs)) return;
  for (size_t i = 0; i < refs.size(); ++i) {
    std::string at = Index(path, i);
    if (!CheckObject(refs[i], at, errs)) continue;
    CheckAllowedKeys(refs[i],
                     {"apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion"}, at,
                     errs);
    for (const char* key : {"apiVersion", "kind", "name", "uid"}) {
      const json* v = Member(refs[i], key);
      if (v == nullptr || (v->is_string() && v->get_ref<const std::string&>().empty())) {
        errs->Required(Child(at, key));
      } else {
        CheckString(*v, Child(at, key), errs);
      }
    }
    for (const char* key : {"controller", "blockOwnerDeletion"}) {
      if (const json* v = Member(refs[i], key)) CheckBool(*v, Child(at, key), errs);
    }
  }
}

// k8s NameIsDNS1035Label(name, prefix=true): a trailing '-' is allowed in a prefix.
std::string Dns1035PrefixError(std::string name) {
  if (!name.empty() && name.back() == '-') name.pop_back();
  return Dns1035LabelError(name);
}

bool HasOwner(const json& meta, std::string_view kind, const std::string& name) {
  const json* refs = Member(meta, "ownerReferences");
  if (refs == nullptr || !refs->is_array()) return false;
  for (const json& ref : *refs) {
    if (StringField(ref, "kind") == kind && StringField(ref, "name") == name) return true;
  }
  return false;
}

bool OneOf(std::string_view key, std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys) {
    if (key == k) return true;
  }
  return false;
}

// Labels the controller sets on each kind; others under serving.knative.dev/ are reserved.
bool IsKnownServingLabel(Kind kind, std::string_view key) {
  switch (kind) {
    case Kind::kService:
      return false;
    case Kind::kConfiguration:
      return OneOf(key, {"serving.knative.dev/route", "serving.knative.dev/configurationUID",
                         "serving.knative.dev/serviceUID"});
    case Kind::kRoute:
      return false;
    case Kind::kRevision:
      return OneOf(
          key, {"serving.knative.dev/routingState", "serving.knative.dev/route",
                "serving.knative.dev/service", "serving.knative.dev/configurationUID",
                "serving.knative.dev/serviceUID", "serving.knative.dev/configurationGeneration"});
  }
  return false;
}

// The label naming the owning object, and that owner's kind, for kinds that have one.
bool OwnerLabel(Kind kind, std::string_view key, const char** owner_kind) {
  bool service_owned = kind == Kind::kConfiguration || kind == Kind::kRoute;
  if (service_owned && key == "serving.knative.dev/service") {
    *owner_kind = "Service";
    return true;
  }
  if (kind == Kind::kRevision && key == "serving.knative.dev/configuration") {
    *owner_kind = "Configuration";
    return true;
  }
  return false;
}

void ValidateDurationAnnotation(const json& meta, const std::string& path, const char* key,
                                bool allow_zero, Errors* errs) {
  const json* annotations = Member(meta, "annotations");
  const json* v = annotations != nullptr ? Member(*annotations, key) : nullptr;
  if (v == nullptr || !v->is_string()) return;
  std::string field = Child(Child(path, "annotations"), key);
  const std::string& text = v->get_ref<const std::string&>();
  std::chrono::nanoseconds d;
  if (!config::ParseGoDuration(text, &d)) {
    errs->Invalid(field, "\"" + text + "\" is not a duration (e.g. \"30s\", \"5m\")");
  } else if (d.count() % 1'000'000'000 != 0) {
    errs->Invalid(field, "\"" + text + "\" is not at second precision");
  } else if (d.count() < 0 || (!allow_zero && d.count() == 0)) {
    errs->Invalid(field, "\"" + text + "\" must be " + (allow_zero ? "non-negative" : "positive"));
  }
}

}  // namespace

void ValidateMetaFields(const json& meta, const std::string& path, Errors* errs) {
  if (!CheckObject(meta, path, errs)) return;
  CheckAllowedKeys(
      meta,
      {"name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
       "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels",
       "annotations", "ownerReferences", "finalizers", "managedFields"},
      path, errs);
  for (const char* key : {"name", "generateName", "namespace", "uid", "resourceVersion",
                          "creationTimestamp", "selfLink"}) {
    if (const json* v = Member(meta, key)) CheckString(*v, Child(path, key), errs);
  }
  if (const json* ns = Member(meta, "namespace"); ns != nullptr && ns->is_string()) {
    const std::string& text = ns->get_ref<const std::string&>();
    if (std::string why = Dns1123LabelError(text); !text.empty() && !why.empty()) {
      errs->Invalid(Child(path, "namespace"), why);
    }
  }
  if (const json* g = Member(meta, "generation")) CheckInt(*g, Child(path, "generation"), errs);
  if (const json* l = Member(meta, "labels")) ValidateLabels(*l, Child(path, "labels"), errs);
  if (const json* a = Member(meta, "annotations")) {
    ValidateAnnotations(*a, Child(path, "annotations"), errs);
  }
  if (const json* o = Member(meta, "ownerReferences")) {
    ValidateOwnerReferences(*o, Child(path, "ownerReferences"), errs);
  }
  if (const json* f = Member(meta, "finalizers")) {
    CheckStringArray(*f, Child(path, "finalizers"), errs);
  }
}

void ValidateObjectName(const json& meta, const std::string& path, Errors* errs) {
  std::string name = StringField(meta, "name");
  std::string generate_name = StringField(meta, "generateName");
  if (!generate_name.empty()) {
    if (std::string why = Dns1035PrefixError(generate_name); !why.empty()) {
      errs->Invalid(Child(path, "generateName"), why);
    }
  }
  if (!name.empty()) {
    if (std::string why = Dns1035LabelError(name); !why.empty()) {
      errs->Invalid(Child(path, "name"), why);
    }
  }
  if (name.empty() && generate_name.empty()) {
    errs->Required(Child(path, "name"), "name or generateName is required");
  }
}

void ValidateKnativeLabels(Kind kind, const json& meta, const std::string& path, Errors* errs) {
  const json* labels = Member(meta, "labels");
  if (labels == nullptr || !labels->is_object()) return;
  for (const auto& [key, value] : labels->items()) {
    std::string field = Child(Child(path, "labels"), key);
    std::string text = value.is_string() ? value.get<std::string>() : "";
    const char* owner_kind = nullptr;
    if (key == kVisibilityLabel && kind != Kind::kConfiguration && kind != Kind::kRevision) {
      if (text != "cluster-local") errs->Invalid(field, "must be \"cluster-local\"");
    } else if (OwnerLabel(kind, key, &owner_kind)) {
      if (!HasOwner(meta, owner_kind, text)) {
        errs->Invalid(field, std::string("must name the owner: no ownerReference of kind ") +
                                 owner_kind + " named \"" + text + "\"");
      }
    } else if (HasPrefix(key, kServingPrefix) && !IsKnownServingLabel(kind, key)) {
      errs->Invalid(field, "label keys under \"serving.knative.dev/\" are reserved for Knative");
    }
  }
}

void ValidateNoAutoscalingAnnotations(const json& meta, const std::string& path, Errors* errs) {
  const json* annotations = Member(meta, "annotations");
  if (annotations == nullptr || !annotations->is_object()) return;
  for (const auto& [key, value] : annotations->items()) {
    if (HasPrefix(key, kAutoscalingPrefix)) {
      errs->Forbidden(Child(Child(path, "annotations"), key),
                      "autoscaling annotations must be put under "
                      "\"spec.template.metadata.annotations\" to work");
    }
  }
}

void ValidateRolloutDuration(const json& meta, const std::string& path, Errors* errs) {
  ValidateDurationAnnotation(meta, path, kRolloutDurationAnnotation, true, errs);
}

void ValidateProgressDeadline(const json& meta, const std::string& path, Errors* errs) {
  ValidateDurationAnnotation(meta, path, kProgressDeadlineAnnotation, false, errs);
}

void ValidateCreatorUnchanged(const json& meta, const json& old_meta, const std::string& path,
                              Errors* errs) {
  auto creator = [](const json& m) {
    const json* a = Member(m, "annotations");
    return a != nullptr ? StringField(*a, kCreatorAnnotation) : std::string();
  };
  std::string now = creator(meta), before = creator(old_meta);
  if (!now.empty() && !before.empty() && now != before) {
    errs->Invalid(Child(Child(path, "annotations"), kCreatorAnnotation),
                  "the creator annotation cannot be changed (was \"" + before + "\")");
  }
}

}  // namespace ebb::api::internal
