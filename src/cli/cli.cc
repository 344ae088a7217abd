#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <cctype>
#include <cstdlib>
#include <iostream>

#include "cli/apply.h"
#include "cli/delete.h"
#include "cli/describe.h"
#include "cli/get.h"
#include "cli/https_api_client.h"
#include "cli/json_util.h"
#include "cli/kubeconfig.h"
#include "cli/logs.h"
#include "cli/server_error.h"
#include "cli/service.h"
#include "load/load.h"

namespace ebb::cli {
namespace {

// Where every parsed flag lands.
struct Flags {
  GlobalOptions global;
  std::string ns;
  ApplyOptions apply;
  std::string dry_run = "none";
  std::string wait_timeout = "120s";
  std::vector<std::string> get_args;
  GetOptions get;
  std::vector<std::string> describe_args;
  DeleteOptions del;
  ServiceFlags service;
  ServiceWriteOptions service_write;
  std::string cmd, image, revision_name;
  long long concurrency = 0;
  LogsOptions logs;
  int tail = -1;
};

// Flags of `service create|update` that are optional values (set only when given).
struct ServiceOptionRefs {
  CLI::Option* cmd = nullptr;
  CLI::Option* image = nullptr;
  CLI::Option* revision_name = nullptr;
  CLI::Option* concurrency = nullptr;
};

// `ebb load --plot` counts a service's pods (all / Ready) through the kubeconfig the other
// commands use.
load::InstanceCounterFactory PodCounters(Connector connect) {
  return [connect](const load::InstanceSource& s) -> Result<load::InstanceCounter> {
    Result<Connection> connection = connect(GlobalOptions{s.kubeconfig, s.data_dir});
    if (!connection.ok()) return connection.status();
    std::shared_ptr<ApiClient> client = std::move(connection->client);
    std::string ns = !s.ns.empty() ? s.ns : connection->ns.empty() ? "default" : connection->ns;
    ListOptions list;
    list.label_selector = "serving.knative.dev/service=" + s.service;
    return load::InstanceCounter([client, ns, list]() -> Result<load::InstanceCount> {
      Result<ApiResponse> pods = client->List(PodType(), ns, list);
      if (!pods.ok()) return pods.status();
      if (!pods->ok()) {
        return Status(Code::kUnavailable, "listing pods: HTTP " + std::to_string(pods->code));
      }
      return load::CountInstances(pods->body);
    });
  };
}

class CommandLine {
 public:
  explicit CommandLine(Environment& env)
      : env_(env), app_("ebb: Knative Serving on one machine", "ebb") {
    Define();
  }

  int Run(const std::vector<std::string>& args);

 private:
  void Define();
  void DefineApply();
  void DefineGet(CLI::App* get, GetOptions& options, std::vector<std::string>* args);
  void DefineDelete();
  void DefineLogs();
  void DefineService();
  void DefineServiceWrite(CLI::App* sub, ServiceOptionRefs& refs, bool create);
  int Dispatch();
  int DispatchService();
  int RunServiceWrite(bool create, const ServiceOptionRefs& refs);
  int RunGetArgs(GetOptions options, const std::vector<std::string>& args);
  int Version(CommandContext& ctx);
  int WithContext(const std::function<int(CommandContext&)>& command);
  int UsageError(const CLI::ParseError& e, const std::vector<std::string>& args);

  Environment& env_;
  CLI::App app_;
  Flags f_;
  CLI::App *serve_ = nullptr, *version_ = nullptr, *apply_ = nullptr, *get_ = nullptr;
  CLI::App *describe_ = nullptr, *delete_ = nullptr, *service_ = nullptr, *logs_ = nullptr;
  CLI::App *svc_create_ = nullptr, *svc_update_ = nullptr, *svc_delete_ = nullptr;
  CLI::App *svc_list_ = nullptr, *svc_describe_ = nullptr;
  ServiceOptionRefs create_refs_, update_refs_;
  std::vector<std::string> svc_names_;
  GetOptions svc_list_options_;
};

void CommandLine::Define() {
  app_.fallthrough();  // global flags are accepted after the command too (ebb get ksvc -n x)
  app_.require_subcommand(0, 1);
  app_.add_option("--kubeconfig", f_.global.kubeconfig, "Path to the kubeconfig file");
  app_.add_option("--data-dir", f_.global.data_dir,
                  "ebb's data directory, where `ebb serve` wrote the kubeconfig");
  app_.add_option("-n,--namespace", f_.ns, "Namespace (default: the kubeconfig's, else default)");
  serve_ = app_.add_subcommand("serve", "Run the ebb server (gateway, API, controller)");
  serve_->allow_extras();
  version_ = app_.add_subcommand("version", "Print the client and server versions");
  DefineApply();
  get_ = app_.add_subcommand("get", "Display one or many resources");
  DefineGet(get_, f_.get, &f_.get_args);
  describe_ = app_.add_subcommand("describe", "Show details of a resource");
  describe_->add_option("args", f_.describe_args, "KIND NAME... or KIND/NAME...")->required();
  DefineDelete();
  DefineLogs();
  DefineService();
}

void CommandLine::DefineLogs() {
  logs_ = app_.add_subcommand("logs", "Print the logs of a Service's instances, or of a pod");
  logs_->add_option("target", f_.logs.target, "ksvc/NAME, rev/NAME, config/NAME, pod/NAME or POD")
      ->required();
  logs_->add_flag("-f,--follow", f_.logs.follow,
                  "Keep streaming new output (and, for a Service, new instances)");
  logs_->add_option("--tail", f_.tail, "Lines of each log to start with (-1: all kept lines)");
}

void CommandLine::DefineApply() {
  apply_ = app_.add_subcommand("apply", "Apply manifests (server-side apply)");
  apply_->add_option("-f,--filename", f_.apply.files, "File, folder or - (stdin); repeatable")
      ->required()
      ->allow_extra_args(false)
      ->delimiter(',');
  apply_->add_option("--dry-run", f_.dry_run, "none or server")
      ->check(CLI::IsMember({"none", "server"}));
  apply_->add_flag("--wait", f_.apply.wait, "Wait until each object is Ready");
  apply_->add_option("--wait-timeout", f_.wait_timeout, "How long --wait waits (default 120s)");
}

void CommandLine::DefineGet(CLI::App* get, GetOptions& options, std::vector<std::string>* args) {
  if (args != nullptr) {
    get->add_option("args", *args, "KIND [NAME...] or KIND/NAME...")->required();
  }
  get->add_option("-l,--selector", options.selector, "Label selector (k=v,k!=v,k in (a,b))");
  get->add_option("-o,--output", options.output, "wide|yaml|json|name|jsonpath=TEMPLATE");
  get->add_flag("-A,--all-namespaces", options.all_namespaces, "List across all namespaces");
  get->add_flag("-w,--watch", options.watch, "After listing, watch for changes");
}

void CommandLine::DefineDelete() {
  delete_ = app_.add_subcommand("delete", "Delete resources by name or from manifests");
  delete_->add_option("args", f_.del.args, "KIND NAME... or KIND/NAME...");
  delete_->add_option("-f,--filename", f_.del.files, "File, folder or - (stdin); repeatable")
      ->allow_extra_args(false)
      ->delimiter(',');
  delete_->add_flag("--ignore-not-found", f_.del.ignore_not_found,
                    "Treat a missing object as deleted");
}

void CommandLine::DefineServiceWrite(CLI::App* sub, ServiceOptionRefs& refs, bool create) {
  ServiceFlags& s = f_.service;
  sub->add_option("name", s.name, "Service name")->required();
  refs.cmd = sub->add_option("--cmd", f_.cmd, "Executable to run (also the image, by default)");
  sub->add_option("--arg", s.args, "Argument (repeatable)")->allow_extra_args(false);
  sub->add_option("--env,-e", s.env, "NAME=VALUE, or NAME- to remove (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--annotation,-a", s.annotations, "KEY=VALUE, or KEY- to remove (repeatable)")
      ->allow_extra_args(false);
  refs.concurrency =
      sub->add_option("--concurrency-limit", f_.concurrency, "Max requests per instance, 0 = any");
  sub->add_option("--traffic", s.traffic, "REVISION=PERCENT (revision, tag or @latest)")
      ->allow_extra_args(false);
  sub->add_option("--tag", s.tags, "REVISION=TAG (revision or @latest)")->allow_extra_args(false);
  sub->add_option("--untag", s.untags, "Remove a tag (repeatable)")->allow_extra_args(false);
  refs.image = sub->add_option("--image", f_.image, "Image (default: the --cmd path)");
  refs.revision_name = sub->add_option("--revision-name", f_.revision_name,
                                       "Revision name (prefixed with NAME- if needed)");
  sub->add_flag("--wait", f_.service_write.wait, "Wait until the Service is Ready");
  sub->add_option("--wait-timeout", f_.wait_timeout, "How long --wait waits (default 120s)");
  if (create) {
    sub->add_flag("--force", f_.service_write.force, "Replace the Service if it exists");
  }
}

void CommandLine::DefineService() {
  service_ = app_.add_subcommand("service", "Manage Knative Services (kn style)");
  service_->alias("ksvc");
  service_->require_subcommand(1);
  svc_create_ = service_->add_subcommand("create", "Create a Service");
  DefineServiceWrite(svc_create_, create_refs_, true);
  svc_update_ = service_->add_subcommand("update", "Update a Service");
  DefineServiceWrite(svc_update_, update_refs_, false);
  svc_delete_ = service_->add_subcommand("delete", "Delete Services");
  svc_delete_->add_option("names", svc_names_, "Service names")->required();
  svc_delete_->add_flag("--ignore-not-found", f_.del.ignore_not_found,
                        "Treat a missing Service as deleted");
  svc_list_ = service_->add_subcommand("list", "List Services (= ebb get ksvc)");
  DefineGet(svc_list_, svc_list_options_, nullptr);
  svc_describe_ = service_->add_subcommand("describe", "Describe Services");
  svc_describe_->add_option("names", svc_names_, "Service names")->required();
}

int CommandLine::Run(const std::vector<std::string>& args) {
  if (args.size() > 1 && args[1] == "load") {  // `ebb load` parses its own flags (src/load)
    return load::Main(std::vector<std::string>(args.begin() + 1, args.end()),
                      PodCounters(env_.connect));
  }
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  if (!reversed.empty()) reversed.pop_back();  // the program name
  try {
    app_.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app_.exit(e, env_.out, env_.err);
  } catch (const CLI::CallForAllHelp& e) {
    return app_.exit(e, env_.out, env_.err);
  } catch (const CLI::ParseError& e) {
    return UsageError(e, args);
  }
  return Dispatch();
}

int CommandLine::UsageError(const CLI::ParseError& e, const std::vector<std::string>& args) {
  // The deepest command named on the line, for the hint.
  std::string command = "ebb";
  const CLI::App* app = &app_;
  for (size_t i = 1; i < args.size(); ++i) {
    const CLI::App* sub = nullptr;
    for (const CLI::App* candidate : app->get_subcommands({})) {
      if (candidate->check_name(args[i])) sub = candidate;
    }
    if (sub == nullptr) continue;
    command += " " + sub->get_name();
    app = sub;
  }
  env_.err << "error: " << e.what() << "\nSee '" << command << " --help' for usage.\n";
  return 1;
}

int CommandLine::WithContext(const std::function<int(CommandContext&)>& command) {
  Result<Connection> connection = env_.connect(f_.global);
  if (!connection.ok()) {
    env_.err << "error: " << connection.status().message() << '\n';
    return 1;
  }
  std::string ns = !f_.ns.empty() ? f_.ns : connection->ns.empty() ? "default" : connection->ns;
  CommandContext ctx{*connection->client, env_.out, env_.err,      env_.in,
                     env_.clock,          ns,       !f_.ns.empty()};
  return command(ctx);
}

int CommandLine::Version(CommandContext& ctx) {
  ctx.out << "Client Version: " << kClientVersion << '\n';
  Result<ApiResponse> r = ctx.client.Version();
  if (!CheckResponse(r, ctx.err)) return 1;
  ctx.out << "Server Version: " << Str(r->body, "gitVersion") << '\n';
  return 0;
}

int CommandLine::RunGetArgs(GetOptions options, const std::vector<std::string>& args) {
  if (args[0].find('/') == std::string::npos) {
    options.kind = args[0];
    options.names.assign(args.begin() + 1, args.end());
  } else {
    Result<std::vector<NamedResource>> named = ResolveNamedArgs(args);
    if (!named.ok()) {
      env_.err << "error: " << named.status().message() << '\n';
      return 1;
    }
    options.kind = (*named)[0].type.plural;
    for (const NamedResource& n : *named) {
      if (n.type.plural != options.kind) {
        env_.err << "error: ebb get takes one kind at a time\n";
        return 1;
      }
      options.names.push_back(n.name);
    }
  }
  return WithContext([&](CommandContext& ctx) { return RunGet(options, ctx); });
}

int CommandLine::Dispatch() {
  if (serve_->parsed()) {
    env_.err << "error: 'ebb serve' is run by the server entry point, not the client\n";
    return 1;
  }
  if (version_->parsed()) return WithContext([&](CommandContext& c) { return Version(c); });
  if (apply_->parsed()) {
    Result<std::chrono::seconds> timeout = ParseDuration(f_.wait_timeout);
    if (!timeout.ok())
      return UsageError(CLI::ValidationError("--wait-timeout", timeout.status().message()),
                        {"ebb", "apply"});
    f_.apply.wait_timeout = *timeout;
    f_.apply.dry_run = f_.dry_run == "server";
    return WithContext([&](CommandContext& c) { return RunApply(f_.apply, c); });
  }
  if (get_->parsed()) return RunGetArgs(f_.get, f_.get_args);
  if (describe_->parsed()) {
    return WithContext([&](CommandContext& c) { return RunDescribe(f_.describe_args, c); });
  }
  if (delete_->parsed())
    return WithContext([&](CommandContext& c) { return RunDelete(f_.del, c); });
  if (service_->parsed()) return DispatchService();
  if (logs_->parsed()) {
    if (f_.tail >= 0) f_.logs.tail = f_.tail;
    return WithContext([&](CommandContext& c) { return RunLogs(f_.logs, c); });
  }
  env_.out << app_.help();
  return 0;
}

int CommandLine::DispatchService() {
  if (svc_create_->parsed()) return RunServiceWrite(true, create_refs_);
  if (svc_update_->parsed()) return RunServiceWrite(false, update_refs_);
  std::vector<std::string> args = {"ksvc"};
  args.insert(args.end(), svc_names_.begin(), svc_names_.end());
  if (svc_delete_->parsed()) {
    f_.del.args = args;
    return WithContext([&](CommandContext& c) { return RunDelete(f_.del, c); });
  }
  if (svc_list_->parsed()) return RunGetArgs(svc_list_options_, {"ksvc"});
  return WithContext([&](CommandContext& c) { return RunDescribe(args, c); });
}

int CommandLine::RunServiceWrite(bool create, const ServiceOptionRefs& refs) {
  ServiceFlags& s = f_.service;
  if (refs.cmd->count() > 0) s.cmd = f_.cmd;
  if (refs.image->count() > 0) s.image = f_.image;
  if (refs.revision_name->count() > 0) s.revision_name = f_.revision_name;
  if (refs.concurrency->count() > 0) s.concurrency_limit = f_.concurrency;
  Result<std::chrono::seconds> timeout = ParseDuration(f_.wait_timeout);
  if (!timeout.ok()) {
    return UsageError(CLI::ValidationError("--wait-timeout", timeout.status().message()),
                      {"ebb", "service", create ? "create" : "update"});
  }
  f_.service_write.wait_timeout = *timeout;
  return WithContext([&](CommandContext& c) {
    return create ? RunServiceCreate(s, f_.service_write, c)
                  : RunServiceUpdate(s, f_.service_write, c);
  });
}

}  // namespace

Result<std::chrono::seconds> ParseDuration(std::string_view text) {
  const Status bad(Code::kBadRequest,
                   "invalid duration \"" + std::string(text) + "\" (use e.g. 90s, 2m, 1m30s)");
  if (text.empty()) return bad;
  long long total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || i - start > 9) return bad;
    long long value = std::stoll(std::string(text.substr(start, i - start)));
    if (i == text.size()) {
      if (start != 0) return bad;  // "1m30": a unit is needed after the first part
      return std::chrono::seconds(value);
    }
    char unit = text[i++];
    if (unit == 'h') {
      total += value * 3600;
    } else if (unit == 'm') {
      total += value * 60;
    } else if (unit == 's') {
      total += value;
    } else {
      return bad;
    }
  }
  return std::chrono::seconds(total);
}

Connector KubeconfigConnector(const Clock& clock) {
  return [&clock](const GlobalOptions& options) -> Result<Connection> {
    EnvLookup env = [](const char* name) -> std::optional<std::string> {
      const char* value = std::getenv(name);
      return value ? std::optional<std::string>(value) : std::nullopt;
    };
    std::string path = KubeconfigPath(options.kubeconfig, options.data_dir, env);
    Result<Kubeconfig> config = LoadKubeconfig(path);
    if (!config.ok() && config.status().code() == Code::kNotFound) {
      return Status(Code::kNotFound,
                    "cannot read the kubeconfig " + path +
                        ": is `ebb serve` running? It writes the kubeconfig into its data "
                        "directory; otherwise pass --kubeconfig or --data-dir");
    }
    if (!config.ok()) return config.status();
    Connection connection;
    connection.client =
        std::make_unique<HttpsApiClient>(MakeHttpsTransport(config->endpoint), clock);
    connection.ns = config->ns;
    return connection;
  };
}

int Run(const std::vector<std::string>& args, Environment& env) {
  return CommandLine(env).Run(args);
}

int Main(int argc, char** argv) {
  static const RealClock clock;
  Environment env{std::cout, std::cerr, std::cin, clock, KubeconfigConnector(clock)};
  std::vector<std::string> args(argv, argv + argc);
  return Run(args, env);
}

}  // namespace ebb::cli
