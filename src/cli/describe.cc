#include "cli/describe.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "cli/json_util.h"
#include "cli/output.h"
#include "cli/server_error.h"
#include "cli/table_printer.h"

namespace ebb::cli {
namespace {

using nlohmann::json;
using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr char kLastApplied[] = "kubectl.kubernetes.io/last-applied-configuration";

// "Name:   value" lines, values aligned; a multi-line value continues under its first line.
void WriteFields(std::ostream& out, const Fields& fields, const std::string& indent = "") {
  size_t width = 0;
  for (const auto& [key, value] : fields) width = std::max(width, key.size() + 1);
  for (const auto& [key, value] : fields) {
    std::string pad(width + 2 - key.size() - 1, ' ');
    std::string text = value;
    for (size_t p = text.find('\n'); p != std::string::npos; p = text.find('\n', p + 1)) {
      text.insert(p + 1, indent + std::string(width + 2, ' '));
    }
    out << indent << key << ':' << pad << text << '\n';
  }
}

// A small aligned table (via TablePrinter), indented by two spaces.
void WriteTable(std::ostream& out, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  json table = {{"columnDefinitions", json::array()}, {"rows", json::array()}};
  for (const std::string& name : header) table["columnDefinitions"].push_back({{"name", name}});
  for (const auto& row : rows) table["rows"].push_back({{"cells", row}});
  TablePrinter printer({});
  printer.Add(table);
  std::ostringstream text;
  printer.Flush(text);
  std::istringstream lines(text.str());
  for (std::string line; std::getline(lines, line);) out << "  " << line << '\n';
}

std::string MapLines(const json& map, bool skip_last_applied) {
  std::string out;
  if (!map.is_object()) return "<none>";
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (skip_last_applied && it.key() == kLastApplied) continue;
    if (!out.empty()) out += '\n';
    out += it.key() + "=" + (it->is_string() ? it->get<std::string>() : it->dump());
  }
  return out.empty() ? "<none>" : out;
}

std::string Join(const json& list, const char* sep) {
  std::string out;
  for (const json& item : list) {
    if (!out.empty()) out += sep;
    out += item.is_string() ? item.get<std::string>() : item.dump();
  }
  return out;
}

Fields HeaderFields(const json& object, Clock::time_point now) {
  const json& meta = Child(object, "metadata");
  return {{"Name", Str(meta, "name")},
          {"Namespace", Str(meta, "namespace")},
          {"Labels", MapLines(Child(meta, "labels"), false)},
          {"Annotations", MapLines(Child(meta, "annotations"), true)},
          {"Age", ObjectAge(object, now)}};
}

void AddIf(Fields& fields, const std::string& key, const std::string& value) {
  if (!value.empty()) fields.emplace_back(key, value);
}

// The revision template (RevisionSpec) of a Service/Configuration, or a Revision's spec.
void WriteContainer(std::ostream& out, const json& spec) {
  const json& containers = Array(spec, "containers");
  const json& c = containers.empty() ? Child(spec, "containers") : containers[0];
  Fields fields;
  AddIf(fields, "Image", Str(c, "image"));
  AddIf(fields, "Command", Join(Array(c, "command"), " "));
  AddIf(fields, "Args", Join(Array(c, "args"), " "));
  std::string env;
  for (const json& e : Array(c, "env")) {
    env += (env.empty() ? "" : "\n") + Str(e, "name") + "=" + Str(e, "value");
  }
  AddIf(fields, "Env", env);
  long long cc = Int(spec, "containerConcurrency", -1);
  if (cc >= 0) AddIf(fields, "Concurrency", cc == 0 ? "0 (unlimited)" : std::to_string(cc));
  if (long long t = Int(spec, "timeoutSeconds"); t > 0) {
    AddIf(fields, "Timeout", std::to_string(t) + "s");
  }
  WriteFields(out, fields, "  ");
}

void WriteTemplate(std::ostream& out, const json& object) {
  const json& tmpl = Child(Child(object, "spec"), "template");
  out << "\nTemplate:\n";
  Fields name;
  AddIf(name, "Revision Name", Str(Child(tmpl, "metadata"), "name"));
  AddIf(name, "Annotations",
        Child(Child(tmpl, "metadata"), "annotations").is_object()
            ? MapLines(tmpl["metadata"]["annotations"], false)
            : "");
  WriteFields(out, name, "  ");
  WriteContainer(out, Child(tmpl, "spec"));
}

const json& TrafficOf(const json& object) {
  const json& status = Array(Child(object, "status"), "traffic");
  return status.empty() ? Array(Child(object, "spec"), "traffic") : status;
}

void WriteTraffic(std::ostream& out, const json& object) {
  const json& traffic = TrafficOf(object);
  if (traffic.empty()) return;
  std::vector<std::vector<std::string>> rows;
  for (const json& t : traffic) {
    std::string rev = Str(t, "revisionName");
    const json& latest = Child(t, "latestRevision");
    if (latest.is_boolean() ? latest.get<bool>() : rev.empty()) {
      rev = rev.empty() ? "@latest" : "@latest (" + rev + ")";
    }
    rows.push_back({std::to_string(Int(t, "percent")) + "%", rev, Str(t, "tag"), Str(t, "url")});
  }
  out << "\nTraffic:\n";
  WriteTable(out, {"PERCENT", "REVISION", "TAG", "URL"}, rows);
}

std::string ConditionStatus(const json& object, const char* type) {
  for (const json& c : Array(Child(object, "status"), "conditions")) {
    if (Str(c, "type") == type) return Str(c, "status");
  }
  return "";
}

void WriteRevisions(std::ostream& out, const json& owner, const std::vector<json>& revisions,
                    Clock::time_point now) {
  if (revisions.empty()) return;
  std::map<std::string, long long> percent;
  std::map<std::string, std::string> tags;
  for (const json& t : TrafficOf(owner)) {
    std::string rev = Str(t, "revisionName");
    percent[rev] += Int(t, "percent");
    if (!Str(t, "tag").empty()) tags[rev] += (tags[rev].empty() ? "" : ",") + Str(t, "tag");
  }
  std::vector<json> sorted = revisions;
  std::sort(sorted.begin(), sorted.end(), [](const json& a, const json& b) {
    return MetaString(a, "name") > MetaString(b, "name");  // newest (highest number) first
  });
  std::vector<std::vector<std::string>> rows;
  for (const json& rev : sorted) {
    std::string name = MetaString(rev, "name");
    std::string traffic = percent.count(name) ? std::to_string(percent[name]) + "%" : "";
    rows.push_back({name, ConditionStatus(rev, "Ready"), traffic, tags[name], ObjectAge(rev, now)});
  }
  out << "\nRevisions:\n";
  WriteTable(out, {"NAME", "READY", "TRAFFIC", "TAGS", "AGE"}, rows);
}

void WriteConditions(std::ostream& out, const json& object, Clock::time_point now) {
  const json& conditions = Array(Child(object, "status"), "conditions");
  out << "\nConditions:";
  if (conditions.empty()) {
    out << "  <none>\n";
    return;
  }
  out << '\n';
  std::vector<std::vector<std::string>> rows;
  for (const json& c : conditions) {
    std::string when = Str(c, "lastTransitionTime");
    rows.push_back({Str(c, "type"), Str(c, "status"), Str(c, "reason"), Str(c, "message"),
                    when.empty() ? "" : TimestampAge(when, now)});
  }
  WriteTable(out, {"TYPE", "STATUS", "REASON", "MESSAGE", "AGE"}, rows);
}

Fields KindFields(const ResourceType& type, const json& object) {
  const json& status = Child(object, "status");
  const json& labels = Child(Child(object, "metadata"), "labels");
  Fields fields;
  AddIf(fields, "URL", Str(status, "url"));
  AddIf(fields, "Latest Created", Str(status, "latestCreatedRevisionName"));
  AddIf(fields, "Latest Ready", Str(status, "latestReadyRevisionName"));
  if (type.kind == "Revision") {
    AddIf(fields, "Configuration", Str(labels, "serving.knative.dev/configuration"));
    AddIf(fields, "Generation", Str(labels, "serving.knative.dev/configurationGeneration"));
    if (status.contains("actualReplicas") || status.contains("desiredReplicas")) {
      fields.emplace_back("Replicas", std::to_string(Int(status, "actualReplicas")) + "/" +
                                          std::to_string(Int(status, "desiredReplicas")));
    }
  }
  if (type.kind == "Pod") {
    AddIf(fields, "Status", Str(status, "phase"));
    AddIf(fields, "IP", Str(status, "podIP"));
    AddIf(fields, "Node", Str(Child(object, "spec"), "nodeName"));
  }
  return fields;
}

void WritePodContainers(std::ostream& out, const json& pod) {
  std::vector<std::vector<std::string>> rows;
  std::map<std::string, const json*> statuses;
  for (const json& s : Array(Child(pod, "status"), "containerStatuses")) {
    statuses[Str(s, "name")] = &s;
  }
  for (const json& c : Array(Child(pod, "spec"), "containers")) {
    const json* s = statuses.count(Str(c, "name")) ? statuses[Str(c, "name")] : nullptr;
    std::string ready = s && Child(*s, "ready").is_boolean()
                            ? (Child(*s, "ready").get<bool>() ? "true" : "false")
                            : "";
    rows.push_back(
        {Str(c, "name"), Str(c, "image"), ready, s ? std::to_string(Int(*s, "restartCount")) : ""});
  }
  if (rows.empty()) return;
  out << "\nContainers:\n";
  WriteTable(out, {"NAME", "IMAGE", "READY", "RESTARTS"}, rows);
}

// The Revisions of a Service or Configuration, by Knative's labels; none when that fails
// (describe shows what it can).
std::vector<json> OwnedRevisions(CommandContext& ctx, const NamedResource& owner) {
  if (owner.type.kind != "Service" && owner.type.kind != "Configuration") return {};
  ListOptions options;
  options.label_selector = "serving.knative.dev/" + owner.type.singular + "=" + owner.name;
  Result<ApiResponse> list = ctx.client.List(KnativeType(api::Kind::kRevision), ctx.ns, options);
  if (!list.ok() || !list->ok()) return {};
  return Array(list->body, "items").get<std::vector<json>>();
}

}  // namespace

std::string DescribeObject(const ResourceType& type, const json& object,
                           const std::vector<json>& revisions, Clock::time_point now) {
  std::ostringstream out;
  Fields fields = HeaderFields(object, now);
  for (auto& field : KindFields(type, object)) fields.push_back(std::move(field));
  WriteFields(out, fields);
  if (type.kind == "Service" || type.kind == "Configuration") WriteTemplate(out, object);
  if (type.kind == "Revision") {
    out << "\nContainer:\n";
    WriteContainer(out, Child(object, "spec"));
  }
  if (type.kind == "Pod") WritePodContainers(out, object);
  if (type.kind == "Service" || type.kind == "Route") WriteTraffic(out, object);
  if (type.kind == "Service" || type.kind == "Configuration") {
    WriteRevisions(out, object, revisions, now);
  }
  WriteConditions(out, object, now);
  return out.str();
}

int RunDescribe(const std::vector<std::string>& args, CommandContext& ctx) {
  Result<std::vector<NamedResource>> targets = ResolveNamedArgs(args);
  if (!targets.ok()) {
    ctx.err << "error: " << targets.status().message() << '\n';
    return 1;
  }
  int rc = 0;
  bool first = true;
  for (const NamedResource& t : *targets) {
    Result<ApiResponse> r = ctx.client.Get(t.type, ctx.ns, t.name, false);
    if (!CheckResponse(r, ctx.err)) {
      rc = 1;
      continue;
    }
    std::vector<json> revisions = OwnedRevisions(ctx, t);
    ctx.out << (first ? "" : "\n\n") << DescribeObject(t.type, r->body, revisions, ctx.clock.Now());
    first = false;
  }
  return rc;
}

}  // namespace ebb::cli
