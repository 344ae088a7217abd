// Validate / ValidateStatus: the per-kind structure of Knative's webhook validation
// (service_validation.go, configuration_validation.go, route_validation.go,
// revision_validation.go). The field rules live in validate_*.cc.
#include "api/validation.h"

#include <nlohmann/json.hpp>

#include "api/naming.h"
#include "api/validation_internal.h"

namespace ebb::api {
namespace {

using internal::Child;
using internal::Errors;
using internal::Member;
using internal::StringField;
using nlohmann::json;

const json& ObjectOrEmpty(const json* v) {
  static const json kEmpty = json::object();
  return v != nullptr ? *v : kEmpty;
}

void ValidateTypeMeta(Kind kind, const json& obj, Errors* errs) {
  const json* api_version = Member(obj, "apiVersion");
  if (api_version == nullptr) {
    errs->Required("apiVersion");
  } else if (*api_version != kApiVersion) {
    errs->NotSupported("apiVersion", std::string("supported values: \"") + kApiVersion + "\"");
  }
  const json* kind_name = Member(obj, "kind");
  if (kind_name == nullptr) {
    errs->Required("kind");
  } else if (*kind_name != Info(kind).name) {
    errs->NotSupported("kind", std::string("supported values: \"") + Info(kind).name + "\"");
  }
}

void ValidateMetadata(Kind kind, const json& obj, const config::Config& cfg, Errors* errs) {
  const json* meta_ptr = Member(obj, "metadata");
  if (meta_ptr != nullptr && !internal::CheckObject(*meta_ptr, "metadata", errs)) return;
  const json& meta = ObjectOrEmpty(meta_ptr);
  internal::ValidateMetaFields(meta, "metadata", errs);
  internal::ValidateObjectName(meta, "metadata", errs);
  internal::ValidateKnativeLabels(kind, meta, "metadata", errs);
  if (kind == Kind::kRevision) {
    if (const json* a = Member(meta, "annotations")) {
      internal::ValidateAutoscalingAnnotations(*a, "metadata.annotations", cfg.autoscaler, errs);
    }
    internal::ValidateProgressDeadline(meta, "metadata", errs);
  } else {
    internal::ValidateNoAutoscalingAnnotations(meta, "metadata", errs);
  }
  if (kind == Kind::kService || kind == Kind::kRoute) {
    internal::ValidateRolloutDuration(meta, "metadata", errs);
  }
}

// Bring-your-own revision names (knative-spec.md §1.4): "<parent>-...", and not with a
// generateName parent.
void ValidateTemplateName(const json& meta, const std::string& path, const json& parent,
                          Errors* errs) {
  std::string generate_name = StringField(meta, "generateName");
  if (!generate_name.empty()) {
    std::string trimmed = generate_name.back() == '-'
                              ? generate_name.substr(0, generate_name.size() - 1)
                              : generate_name;
    if (std::string why = Dns1035LabelError(trimmed); !why.empty()) {
      errs->Invalid(Child(path, "generateName"), why);
    }
  }
  std::string name = StringField(meta, "name");
  if (name.empty()) return;
  std::string parent_name = StringField(parent, "name");
  std::string prefix = parent_name + "-";
  if (std::string why = Dns1035LabelError(name); !why.empty()) {
    errs->Invalid(Child(path, "name"), why);
  } else if (parent_name.empty() && !StringField(parent, "generateName").empty()) {
    errs->Forbidden(Child(path, "name"),
                    "a revision name may not be given when the parent uses generateName");
  } else if (!name.starts_with(prefix)) {
    errs->Invalid(Child(path, "name"), "\"" + name + "\" must have prefix \"" + prefix + "\"");
  }
}

void ValidateTemplate(const json& tmpl, const std::string& path, const json& parent,
                      const config::Config& cfg, Errors* errs) {
  if (!internal::CheckObject(tmpl, path, errs)) return;
  internal::CheckAllowedKeys(tmpl, {"metadata", "spec"}, path, errs);
  std::string meta_path = Child(path, "metadata");
  if (const json* meta = Member(tmpl, "metadata");
      meta != nullptr && internal::CheckObject(*meta, meta_path, errs)) {
    internal::ValidateMetaFields(*meta, meta_path, errs);
    ValidateTemplateName(*meta, meta_path, parent, errs);
    if (const json* a = Member(*meta, "annotations")) {
      internal::ValidateAutoscalingAnnotations(*a, Child(meta_path, "annotations"), cfg.autoscaler,
                                               errs);
    }
    internal::ValidateProgressDeadline(*meta, meta_path, errs);
  }
  internal::ValidateRevisionSpec(ObjectOrEmpty(Member(tmpl, "spec")), Child(path, "spec"), cfg,
                                 errs);
}

void ValidateSpec(Kind kind, const json& obj, const config::Config& cfg, Errors* errs) {
  const json& spec = ObjectOrEmpty(Member(obj, "spec"));
  if (!internal::CheckObject(spec, "spec", errs)) return;
  const json& meta = ObjectOrEmpty(Member(obj, "metadata"));
  const json& tmpl = ObjectOrEmpty(Member(spec, "template"));
  switch (kind) {
    case Kind::kService:
      internal::CheckAllowedKeys(spec, {"template", "traffic"}, "spec", errs);
      ValidateTemplate(tmpl, "spec.template", meta, cfg, errs);
      internal::ValidateTraffic(Member(spec, "traffic"), "spec.traffic", true, errs);
      break;
    case Kind::kConfiguration:
      internal::CheckAllowedKeys(spec, {"template"}, "spec", errs);
      ValidateTemplate(tmpl, "spec.template", meta, cfg, errs);
      break;
    case Kind::kRoute:
      internal::CheckAllowedKeys(spec, {"traffic"}, "spec", errs);
      internal::ValidateTraffic(Member(spec, "traffic"), "spec.traffic", false, errs);
      break;
    case Kind::kRevision:
      internal::ValidateRevisionSpec(spec, "spec", cfg, errs);
      break;
  }
}

const json& TemplateOf(const json& obj) {
  return ObjectOrEmpty(Member(ObjectOrEmpty(Member(obj, "spec")), "template"));
}

// A template whose name stayed the same must not change (the name would then point at two
// different revisions).
void VerifyNameChange(const json& obj, const json& old, Errors* errs) {
  const json& now = TemplateOf(obj);
  const json& before = TemplateOf(old);
  std::string name = StringField(ObjectOrEmpty(Member(now, "metadata")), "name");
  if (name.empty() || name != StringField(ObjectOrEmpty(Member(before, "metadata")), "name")) {
    return;
  }
  if (now != before) {
    errs->Invalid("spec.template.metadata.name",
                  "Saw the following changes without a name change (-old +new): " +
                      internal::ShortDiff(before, now));
  }
}

void ValidateUpdate(Kind kind, const json& obj, const json& old, Errors* errs) {
  internal::ValidateCreatorUnchanged(ObjectOrEmpty(Member(obj, "metadata")),
                                     ObjectOrEmpty(Member(old, "metadata")), "metadata", errs);
  if (kind == Kind::kService || kind == Kind::kConfiguration) VerifyNameChange(obj, old, errs);
}

}  // namespace

std::vector<FieldError> Validate(Kind kind, const json& obj, const json* old,
                                 const config::Config& cfg) {
  Errors errs;
  if (!obj.is_object()) {
    errs.Invalid("", "the object must be a JSON object");
    return std::move(errs.list());
  }
  internal::CheckAllowedKeys(obj, {"apiVersion", "kind", "metadata", "spec", "status"}, "", &errs);
  ValidateTypeMeta(kind, obj, &errs);
  ValidateMetadata(kind, obj, cfg, &errs);
  const json* old_spec = old != nullptr ? Member(*old, "spec") : nullptr;
  if (kind == Kind::kRevision && old != nullptr) {
    // A Revision's spec is immutable: compare instead of re-validating.
    const json& before = ObjectOrEmpty(old_spec);
    const json& now = ObjectOrEmpty(Member(obj, "spec"));
    if (before != now) {
      errs.Invalid("spec",
                   "Immutable fields changed (-old +new): " + internal::ShortDiff(before, now));
    }
  } else {
    ValidateSpec(kind, obj, cfg, &errs);
  }
  if (old != nullptr) ValidateUpdate(kind, obj, *old, &errs);
  return std::move(errs.list());
}

std::vector<FieldError> ValidateStatus(Kind kind, const json& obj) {
  Errors errs;
  const json* status = Member(obj, "status");
  if (status == nullptr) return {};
  if (!internal::CheckObject(*status, "status", &errs)) return std::move(errs.list());
  if (kind == Kind::kService || kind == Kind::kRoute) {
    internal::ValidateStatusTraffic(Member(*status, "traffic"), "status.traffic", &errs);
  }
  return std::move(errs.list());
}

Status InvalidStatus(Kind kind, std::string_view name, std::vector<FieldError> errors) {
  std::string list;
  for (const FieldError& e : errors) {
    list += (list.empty() ? "" : ", ") + (e.field.empty() ? "" : e.field + ": ") + e.message;
  }
  if (errors.size() > 1) list = "[" + list + "]";
  std::string message = std::string(Info(kind).name) + "." + kGroup + " \"" + std::string(name) +
                        "\" is invalid: " + list;
  return Status::Invalid(std::move(message), std::move(errors));
}

}  // namespace ebb::api
