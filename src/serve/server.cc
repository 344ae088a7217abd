#include "serve/server.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "api/codec.h"
#include "serve/log_follower.h"
#include "dashboard/dashboard.h"
#include "ioloop/backend.h"
#include "metrics/admin_routes.h"
#include "tracing/admin_routes.h"

namespace ebb::serve {

using nlohmann::json;

class Server::Core : public apiserver::CoreSource {
 public:
  Core(serving::ServingPlane& plane, std::string gateway_ip)
      : plane_(plane), gateway_ip_(std::move(gateway_ip)) {}
  std::string GatewayIp() override { return gateway_ip_; }
  std::vector<json> Pods(std::string_view ns) override {
    std::vector<json> pods = plane_.Pods();
    if (!ns.empty()) {
      std::erase_if(pods, [&](const json& p) { return p["metadata"].value("namespace", "") != ns; });
    }
    return pods;
  }
  Result<std::string> PodLog(std::string_view ns, std::string_view name,
                             std::optional<int> tail_lines) override {
    EBB_RETURN_IF_ERROR(FindPod(ns, name));
    return plane_.Logs(std::string(name), tail_lines);
  }
  Result<std::unique_ptr<apiserver::PodLogFollower>> FollowPodLog(
      std::string_view ns, std::string_view name, std::optional<int> tail_lines,
      std::function<void()> wake) override {
    EBB_RETURN_IF_ERROR(FindPod(ns, name));
    auto log = plane_.FollowLogs(std::string(name));
    if (!log.ok()) return log.status();
    return std::unique_ptr<apiserver::PodLogFollower>(
        std::make_unique<LogBufferFollower>(std::move(*log), tail_lines, std::move(wake)));
  }

 private:
  Status FindPod(std::string_view ns, std::string_view name) {
    for (const json& p : plane_.Pods()) {
      if (p["metadata"].value("namespace", "") == ns && p["metadata"].value("name", "") == name) {
        return Status::Ok();
      }
    }
    return Status(Code::kNotFound, "pods \"" + std::string(name) + "\" not found");
  }

  serving::ServingPlane& plane_;
  std::string gateway_ip_;
};

Server::Server(const Options& options, const config::Config& config, const Clock& clock)
    : options_(options), config_(config), clock_(clock) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  auto store = store::OpenSqliteStore(options_.data_dir + "/ebb.db");
  if (!store.ok()) return store.status();
  store_ = std::move(*store);
  registry_ = std::make_unique<registry::Registry>(*store_, config_, clock_);

  serving::Options serving_opts;
  serving_opts.data_dir = options_.data_dir;
  serving_opts.listen = options_.listen;
  auto io = ioloop::ParseBackend(options_.gateway_io);
  if (!io.ok()) return io.status();
  serving_opts.gateway_io = *io;
  serving_opts.gateway_busy_poll = std::chrono::microseconds(options_.gateway_busy_poll_us);
  auto tracer = tracing::Tracer::Start(config_);
  if (!tracer.ok()) return tracer.status();
  tracer_ = std::move(*tracer);
  serving_opts.tracer = tracer_.get();
  auto plane = serving::ServingPlane::Start(
      serving_opts, *registry_, config_, clock_,
      [this](const std::string& ns, const std::string& name) {
        if (auto* c = controller_ptr_.load()) c->Enqueue(api::Kind::kRevision, ns, name);
      });
  if (!plane.ok()) return plane.status();
  plane_ = std::move(*plane);

  controller_ = std::make_unique<controller::Controller>(*registry_, config_, clock_, *plane_);
  controller_ptr_ = controller_.get();
  EBB_RETURN_IF_ERROR(controller_->Start());

  auto gateway = ParseListenAddress(plane_->gateway_address());
  if (!gateway.ok()) return gateway.status();
  core_ = std::make_unique<Core>(*plane_, gateway->host);
  apiserver::Options api_opts;
  api_opts.listen = options_.api_listen;
  api_opts.data_dir = options_.data_dir;
  auto api = apiserver::ApiServer::Start(api_opts, *registry_, *core_, clock_);
  if (!api.ok()) return api.status();
  api_ = std::move(*api);

  std::map<std::string, admin::Handler> routes;
  routes["/healthz"] = [](const std::string&) { return admin::Response{200, "text/plain", "ok\n"}; };
  routes["/readyz"] = [](const std::string&) { return admin::Response{200, "text/plain", "ok\n"}; };
  metrics::AddAdminRoutes(routes, plane_->metrics(), config_.observability.metrics_enabled);
  tracing::AddAdminRoutes(routes, tracer_.get());
  dashboard::AddAdminRoutes(
      routes, {.list = dashboard::ListFrom(*registry_),
               .pods = [this] { return plane_->Pods(); },
               .logs = [this](const std::string& pod, std::optional<int> tail) {
                 return plane_->Logs(pod, tail);
               },
               .clock = &clock_});
  auto admin = admin::AdminServer::Start(options_.admin_listen, std::move(routes));
  if (!admin.ok()) return admin.status();
  admin_ = std::move(*admin);
  return WriteEndpoints();
}

Status Server::WriteEndpoints() const {
  json endpoints = {{"gateway", plane_->gateway_address()},
                    {"api", api_->address()},
                    {"admin", admin_->address()}};
  // Write-then-rename so that a reader never sees a half-written file.
  std::string path = options_.data_dir + "/endpoints.json";
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << endpoints.dump() << "\n";
    if (!out.good()) return Status(Code::kUnavailable, "cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status(Code::kUnavailable, "cannot write " + path + ": " + ec.message());
  return Status::Ok();
}

Status Server::ApplyFile(const std::string& path) {
  std::vector<std::string> files;
  if (std::filesystem::is_directory(path)) {
    for (const auto& e : std::filesystem::directory_iterator(path)) {
      auto ext = e.path().extension();
      if (ext == ".yaml" || ext == ".yml" || ext == ".json") files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  for (const auto& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    auto docs = api::ParseManifests(text.str(), file);
    if (!docs.ok()) return docs.status();
    for (json& doc : *docs) EBB_RETURN_IF_ERROR(ApplyObject(file, std::move(doc)));
  }
  return Status::Ok();
}

Status Server::ApplyObject(const std::string& file, json obj) {
  auto kind = api::KindFromName(obj.value("kind", ""));
  if (!kind || obj.value("apiVersion", "") != api::kApiVersion) {
    return Status(Code::kBadRequest, file + ": unknown kind " + obj.value("kind", "\"\"") +
                                         " (ebb serves " + api::kApiVersion +
                                         " Service, Configuration, Revision, Route)");
  }
  std::string ns = obj["metadata"].value("namespace", "default");
  std::string name = obj["metadata"].value("name", "");
  auto before = registry_->Get(*kind, ns, name);
  bool created = false;
  auto r = registry_->Patch(*kind, ns, name, registry::PatchType::kApply, obj.dump(),
                            {.dry_run = false, .field_manager = "ebb", .user = "ebb"}, &created);
  if (!r.ok()) return Status(r.status().code(), file + ": " + r.status().ToString());
  std::string verb = created ? "created"
                     : before.ok() && (*before)["metadata"]["resourceVersion"] ==
                                          (*r)["metadata"]["resourceVersion"]
                         ? "unchanged"
                         : "configured";
  std::cout << api::Info(*kind).singular << "." << api::kGroup << "/" << name << " " << verb
            << std::endl;
  if (*kind == api::Kind::kService) {
    applied_hosts_.push_back(name + "." + ns + "." + config_.domain.domain);
  }
  return Status::Ok();
}

void Server::PrintWelcome(std::ostream& out) const {
  out << "ebb: gateway http://" << plane_->gateway_address() << "  api https://" << api_->address()
      << "  admin http://" << admin_->address() << "\n";
  out << "ebb: kubectl: export KUBECONFIG=" << options_.data_dir << "/kubeconfig\n";
  for (const auto& host : applied_hosts_) {
    out << "ebb: try: curl -H \"Host: " << host << "\" http://" << plane_->gateway_address() << "/\n";
  }
  out << std::flush;
}

void Server::Stop() {
  if (admin_) admin_->Stop();
  if (api_) api_->Stop();
  if (controller_) controller_->Stop();
  controller_ptr_ = nullptr;
  if (plane_) plane_->Stop();
  api_.reset();
  admin_.reset();
  controller_.reset();
  core_.reset();
  plane_.reset();
  tracer_.reset();  // after the gateway: exports and writes what the last requests left
  registry_.reset();
  store_.reset();
}

}  // namespace ebb::serve
