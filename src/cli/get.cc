#include "cli/get.h"

#include "cli/json_util.h"
#include "cli/output.h"
#include "cli/server_error.h"
#include "cli/table_printer.h"

namespace ebb::cli {
namespace {

using nlohmann::json;

int PrintError(std::ostream& err, const Status& status) {
  err << "error: " << status.message() << '\n';
  return 1;
}

std::string ListResourceVersion(const json& body) {
  if (!body.is_object() || !body.contains("metadata")) return "";
  return MetaString(body, "resourceVersion");
}

std::vector<json> Items(const json& list) {
  if (!list.is_object() || !list.contains("items") || !list["items"].is_array()) return {};
  return list["items"].get<std::vector<json>>();
}

class GetCommand {
 public:
  GetCommand(const GetOptions& options, ResourceType type, OutputSpec spec, CommandContext& ctx)
      : o_(options),
        type_(std::move(type)),
        spec_(std::move(spec)),
        ctx_(ctx),
        printer_({spec_.format == OutputFormat::kWide, options.all_namespaces}) {}

  int Run() {
    if (o_.watch) return RunWatch();
    return spec_.is_table() ? RunTable() : RunObjects();
  }

 private:
  std::string Namespace() const { return o_.all_namespaces ? "" : ctx_.ns; }

  ListOptions Options(bool table) const {
    ListOptions options;
    options.label_selector = o_.selector;
    options.table = table;
    if (o_.watch && o_.names.size() == 1) options.field_selector = "metadata.name=" + o_.names[0];
    return options;
  }

  json AsTable(const json& body) const {
    if (Str(body, "kind") == "Table") return body;
    return FallbackTable(body, ctx_.clock.Now());
  }

  struct Fetched {
    std::vector<json> bodies;      // one list (or Table), or one answer per name found
    std::string resource_version;  // the list's, where a watch starts
  };

  // Fetches the collection or the named objects; failures are printed and counted.
  Fetched Fetch(bool table) {
    Fetched fetched;
    if (o_.names.empty() || o_.watch) {
      Result<ApiResponse> r = ctx_.client.List(type_, Namespace(), Options(table));
      if (!CheckResponse(r, ctx_.err)) {
        ++failures_;
        return fetched;
      }
      fetched.resource_version = ListResourceVersion(r->body);
      fetched.bodies.push_back(std::move(r->body));
      return fetched;
    }
    for (const std::string& name : o_.names) {
      Result<ApiResponse> r = ctx_.client.Get(type_, ctx_.ns, name, table);
      if (!CheckResponse(r, ctx_.err)) {
        ++failures_;
        continue;
      }
      fetched.bodies.push_back(std::move(r->body));
    }
    return fetched;
  }

  void ReportEmpty() {
    if (o_.watch && o_.names.size() == 1) {
      ctx_.err << "Error from server (NotFound): " << type_.QualifiedPlural() << " \""
               << o_.names[0] << "\" not found\n";
      ++failures_;
    } else if (o_.names.empty()) {
      ctx_.err << NoResourcesMessage(ctx_.ns, o_.all_namespaces) << '\n';
    }
  }

  int RunTable() {
    for (const json& body : Fetch(true).bodies) printer_.Add(AsTable(body));
    printer_.Flush(ctx_.out);
    if (printer_.total_rows() == 0 && failures_ == 0) ReportEmpty();
    return failures_ > 0 ? 1 : 0;
  }

  // -o yaml|json|name|jsonpath without -w.
  int RunObjects() {
    std::vector<json> bodies = Fetch(false).bodies;
    json value;
    if (o_.names.empty()) {
      if (bodies.empty()) return 1;
      value = MakeList(type_, Items(bodies[0]));
      if (value["items"].empty() && spec_.format == OutputFormat::kName) {
        ReportEmpty();
        return failures_ > 0 ? 1 : 0;
      }
    } else if (o_.names.size() == 1) {
      if (bodies.empty()) return 1;
      value = std::move(bodies[0]);
    } else {
      value = MakeList(type_, std::move(bodies));
    }
    if (Status s = PrintValue(spec_, type_, value, ctx_.out); !s.ok())
      return PrintError(ctx_.err, s);
    return failures_ > 0 ? 1 : 0;
  }

  Status PrintObject(const json& object) {
    if (spec_.format == OutputFormat::kYaml && printed_++ > 0) ctx_.out << "---\n";
    json copy = object;
    if (!copy.contains("apiVersion")) copy["apiVersion"] = type_.ApiVersion();
    if (!copy.contains("kind")) copy["kind"] = type_.kind;
    return PrintValue(spec_, type_, copy, ctx_.out);
  }

  Status PrintBatch(const json& body) {
    if (spec_.is_table()) {
      printer_.Add(AsTable(body));
      printer_.Flush(ctx_.out);
      return Status::Ok();
    }
    if (body.is_object() && body.contains("items")) {
      for (const json& item : Items(body)) EBB_RETURN_IF_ERROR(PrintObject(item));
      return Status::Ok();
    }
    return PrintObject(body);
  }

  int RunWatch() {
    Fetched fetched = Fetch(spec_.is_table());
    std::vector<json>& bodies = fetched.bodies;
    if (bodies.empty()) return 1;
    if (Status s = PrintBatch(bodies[0]); !s.ok()) return PrintError(ctx_.err, s);
    if (Items(bodies[0]).empty() && !(spec_.is_table() && printer_.total_rows() > 0)) {
      ReportEmpty();
      if (failures_ > 0) return 1;
    }
    ListOptions options = Options(spec_.is_table());
    options.resource_version = fetched.resource_version;
    Status print_error;
    Result<ApiResponse> end =
        ctx_.client.Watch(type_, Namespace(), options, std::nullopt, [&](const WatchEvent& event) {
          print_error = PrintBatch(event.object);
          ctx_.out.flush();
          return print_error.ok();
        });
    if (!print_error.ok()) return PrintError(ctx_.err, print_error);
    return CheckResponse(end, ctx_.err) ? 0 : 1;
  }

  const GetOptions& o_;
  ResourceType type_;
  OutputSpec spec_;
  CommandContext& ctx_;
  TablePrinter printer_;
  int failures_ = 0;
  int printed_ = 0;
};

Status CheckArguments(const GetOptions& options) {
  if (options.all_namespaces && !options.names.empty()) {
    return Status(Code::kBadRequest,
                  "a resource cannot be retrieved by name across all namespaces");
  }
  if (options.watch && options.names.size() > 1) {
    return Status(Code::kBadRequest,
                  "watch is only supported on individual resources and resource collections, "
                  "but " +
                      std::to_string(options.names.size()) + " resources were found");
  }
  if (!options.selector.empty() && !options.names.empty()) {
    return Status(Code::kBadRequest, "a label selector (-l) cannot be combined with names");
  }
  return Status::Ok();
}

}  // namespace

std::string NoResourcesMessage(const std::string& ns, bool all_namespaces) {
  if (all_namespaces) return "No resources found";
  return "No resources found in " + ns + " namespace.";
}

json FallbackTable(const json& body, Clock::time_point now) {
  json table = {{"kind", "Table"},
                {"apiVersion", "meta.k8s.io/v1"},
                {"metadata", {{"resourceVersion", ListResourceVersion(body)}}},
                {"columnDefinitions",
                 {{{"name", "Name"}, {"type", "string"}, {"priority", 0}},
                  {{"name", "Age"}, {"type", "date"}, {"priority", 0}}}},
                {"rows", json::array()}};
  std::vector<json> objects =
      body.is_object() && body.contains("items") ? Items(body) : std::vector<json>{body};
  for (const json& object : objects) {
    if (!object.is_object()) continue;
    json meta = {{"name", MetaString(object, "name")},
                 {"namespace", MetaString(object, "namespace")}};
    table["rows"].push_back({{"cells", {MetaString(object, "name"), ObjectAge(object, now)}},
                             {"object", {{"metadata", meta}}}});
  }
  return table;
}

int RunGet(const GetOptions& options, CommandContext& ctx) {
  Result<ResourceType> type = ResolveResourceType(options.kind);
  if (!type.ok()) return PrintError(ctx.err, type.status());
  Result<OutputSpec> spec = ParseOutputFormat(options.output);
  if (!spec.ok()) return PrintError(ctx.err, spec.status());
  if (Status s = CheckArguments(options); !s.ok()) return PrintError(ctx.err, s);
  return GetCommand(options, std::move(*type), std::move(*spec), ctx).Run();
}

}  // namespace ebb::cli
