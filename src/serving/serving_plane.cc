#include "serving/serving_plane.h"

#include "autoscaler/spec.h"
#include "common/thread.h"
#include "controller/conditions.h"
#include "runtime/launch.h"
#include "tracing/tracer.h"


namespace ebb::serving {

using nlohmann::json;

namespace {

// How long the rest of a cold start (the runtime adopting the process, the autoscaler's
// decision, and what follows from them on ebb's other threads: the Pod, status writes, watch
// events) waits while the app starts, unless its READY=1 comes first. That work took 1-2 ms
// of CPU within a 3 ms start of helloworld (bench/coldstart.sh, traced), and on these 2-vCPU
// virtual machines a busy vCPU slows the kernel work of a start on the other one: 300
// posix_spawn + wait of /bin/true took 0.56 s alone and 1.08 s beside a process spinning on the
// other vCPU. Deferring it took the cold start from 1.25x to 1.18x the floor with socket
// activation and from 1.27x to 1.13x without (-n 40, three rounds each).
constexpr std::chrono::milliseconds kColdStartQuiet{5};

std::string KeyOf(const json& obj) {
  const json& m = obj["metadata"];
  return m.value("namespace", "") + "/" + m.value("name", "");
}

// "http://hello.default.example.com" → "hello.default.example.com".
std::string HostOf(const std::string& url) {
  auto p = url.find("://");
  std::string host = p == std::string::npos ? url : url.substr(p + 3);
  return host.substr(0, host.find('/'));
}

std::chrono::milliseconds Seconds(const json& spec, const char* field, std::int64_t fallback) {
  auto it = spec.find(field);
  std::int64_t s = it != spec.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
  return std::chrono::milliseconds(s * 1000);
}

gateway::RevisionConfig GatewayConfig(const std::string& key, const json& spec) {
  gateway::RevisionConfig rc;
  rc.key = key;
  rc.container_concurrency = static_cast<int>(spec.value("containerConcurrency", 0));
  rc.timeout = Seconds(spec, "timeoutSeconds", 300);
  rc.response_start_timeout = Seconds(spec, "responseStartTimeoutSeconds", 0);
  rc.idle_timeout = Seconds(spec, "idleTimeoutSeconds", 0);
  return rc;
}

bool SocketActivated(const json& revision) {
  const json* value = &revision;
  for (const char* key : {"metadata", "annotations", runtime::kSocketActivationAnnotation}) {
    if (!value->is_object() || !value->contains(key)) return false;
    value = &(*value)[key];
  }
  return *value == "true";
}

}  // namespace

ServingPlane::ServingPlane(registry::Registry& registry, const config::Config& config,
                           const Clock& clock)
    : registry_(registry),
      config_(config),
      clock_(clock),
      metrics_(config.observability.metrics_enabled) {}

ServingPlane::~ServingPlane() { Stop(); }

Result<std::unique_ptr<ServingPlane>> ServingPlane::Start(
    const Options& options, registry::Registry& registry, const config::Config& config,
    const Clock& clock,
    std::function<void(const std::string&, const std::string&)> on_revision_changed) {
  std::unique_ptr<ServingPlane> plane(new ServingPlane(registry, config, clock));
  plane->on_revision_changed_ = std::move(on_revision_changed);
  EBB_RETURN_IF_ERROR(plane->StartComponents(options));
  return plane;
}

Status ServingPlane::StartComponents(const Options& options) {
  runtime::Callbacks rc;
  rc.on_ready = [this](const std::string& key, const runtime::InstanceInfo& info) {
    RunHere([this, key, info] {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = revisions_.find(key);
      if (it == revisions_.end()) return;
      metrics_.InstanceReady(key, info.started, info.ready);
      it->second.ready[info.id] = gateway::Endpoint{info.pod, info.host, info.port};
      PublishEndpoints(key);
      it->second.health.OnReady(info.id, clock_.Steady());
      HealthChanged(key);  // actualReplicas, and maybe Ready
    });
  };
  rc.on_terminating = [this](const std::string& key, const runtime::InstanceInfo& info) {
    RunHere([this, key, info] {
      {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = revisions_.find(key);
        if (it != revisions_.end() && it->second.ready.erase(info.id) > 0) {
          PublishEndpoints(key);
          HealthChanged(key);  // actualReplicas
        }
      }
      // Out of the routing table: no new requests reach it. Requests already in flight finish
      // because SIGTERM makes a well-behaved app drain (Knative's contract with apps too).
      runtime_->Drained(key, info.id);
    });
  };
  rc.on_exited = [this](const std::string& key, const runtime::InstanceInfo& info,
                        const runtime::ExitInfo& exit) {
    if (exit.will_restart) metrics_.InstanceRestarted(key);
    RunHere([this, key, info, exit] {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = revisions_.find(key);
      if (it == revisions_.end()) return;
      bool changed = it->second.ready.erase(info.id) > 0;
      // Also when it was never published: the gateway worker that started it from zero may
      // have added it to its own view (ColdInstance), and a new set takes it out.
      PublishEndpoints(key);
      if (it->second.health.OnExited(info.id, exit) || changed) HealthChanged(key);
    });
  };
  rc.on_failed_to_start = [this](const std::string& key, const std::string& reason,
                                 const std::string& message) {
    RunHere([this, key, reason, message] {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = revisions_.find(key);
      if (it == revisions_.end()) return;
      if (it->second.health.OnFailedToStart(reason, message)) HealthChanged(key);
    });
  };
  runtime::Options ro;
  ro.data_dir = options.data_dir;
  auto rt = runtime::Runtime::Start(ro, std::move(rc), clock_);
  if (!rt.ok()) return rt.status();
  runtime_ = std::move(*rt);

  gateway::Options go;
  go.listen = options.listen;
  go.threads = options.gateway_threads;
  go.io = options.gateway_io;
  go.busy_poll = options.gateway_busy_poll;
  go.limits.header_read_timeout = config_.network.header_read_timeout;
  go.metrics = metrics_.enabled();
  go.tracer = tracer_ = options.tracer;
  gateway::Callbacks gc;
  gc.on_demand = [this](const std::string& key,
                        bool none_ready) -> std::optional<gateway::ColdInstance> {
    auto parked = clock_.Steady();
    // At zero the worker starts the revision's standby itself: no hop to the runtime thread
    // before the clone. The autoscaler is poked as usual and its decision (at least one)
    // tells the runtime how many to keep.
    runtime::Runtime::ColdStart cold;
    if (none_ready) cold = runtime_->StartFromZero(key);
    {
      std::lock_guard<std::mutex> lock(mu_);
      NoteDemand(key, parked);  // now: the first byte may come before the settle
    }
    // The runtime adopts the process first: the decision's Scale then counts it.
    auto settle = [this, key, started = cold.started, fired = std::move(cold.fired)] {
      runtime_->Adopt(key, fired);
      RunHere([this, key, started] {
        std::lock_guard<std::mutex> lock(mu_);
        auto d = autoscaler_.Poke(key, clock_.Steady());
        bool scaled = d && Apply(key, *d);
        // Without a decision the runtime still hears the plane's count, which ends a process
        // that nobody wants.
        if (started && !scaled) {
          auto it = revisions_.find(key);
          runtime_->Scale(key, it == revisions_.end() ? 0 : it->second.wanted);
        }
      });
    };
    std::optional<gateway::ColdInstance> out;
    if (cold.accepting) {
      out.emplace(gateway::ColdInstance{
          {cold.accepting->pod, cold.accepting->host, cold.accepting->port}, -1});
    } else if (cold.starting) {
      const runtime::InstanceInfo& started = cold.starting->instance;
      out.emplace(gateway::ColdInstance{{started.pod, started.host, started.port},
                                        cold.starting->ready_socket.release()});
    }
    if (!out) {
      settle();
      return out;
    }
    // The rest waits while the app starts (kColdStartQuiet).
    out->settle = std::move(settle);
    out->settle_at = std::chrono::steady_clock::now() + kColdStartQuiet;
    return out;
  };
  gc.on_instance_ready = [this](const std::string& key, const std::string& pod,
                                std::chrono::steady_clock::time_point at) {
    runtime_->ReportReady(key, pod, at);
  };
  gc.on_worker_start = [] { runtime::Runtime::PrepareThisThreadForStarts(); };
  if (metrics_.enabled()) {
    gc.on_cold_response = [this](const std::string& key, PlaneMetrics::Time first_byte) {
      metrics_.FirstByte(key, first_byte);
    };
  }
  auto gw = gateway::Gateway::Start(go, std::move(gc));
  if (!gw.ok()) return gw.status();
  gateway_ = std::move(*gw);
  metrics_.Start(MetricsSources());

  thread_ = std::thread([this] {
    NameThisThread("ebb-serving");
    MakeThisThreadBackground();
    Loop();
  });
  auto revs = registry_.Watch(api::Kind::kRevision, "", {}, "0",
                              [this](const registry::WatchEvent& ev) {
                                Post([this, ev] { OnRevisionEvent(ev); });
                              });
  if (!revs.ok()) return revs.status();
  revision_watch_ = std::move(*revs);
  auto routes = registry_.Watch(api::Kind::kRoute, "", {}, "0",
                                [this](const registry::WatchEvent&) {
                                  Post([this] { RebuildRoutes(); });
                                });
  if (!routes.ok()) return routes.status();
  route_watch_ = std::move(*routes);
  return Status::Ok();
}

// The runtime's and the gateway's callbacks run their (short, mu_-guarded) work on the calling
// thread instead of posting it to the plane's: a request parked at zero then reaches the
// runtime, and the new instance reaches the parked request, each one thread hop sooner
// (bench/coldstart.sh). All of the runtime's events take this path, so they stay in order.
void ServingPlane::RunHere(const std::function<void()>& task) {
  task();
  bool pending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending = !notify_.empty();
  }
  if (pending) Post([] {});  // the plane's loop sends the health notifications
}

void ServingPlane::Post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(qmu_);
    if (stopping_) return;
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

void ServingPlane::Loop() {
  auto next_second = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  for (;;) {
    std::deque<std::function<void()>> batch;
    {
      std::unique_lock<std::mutex> lock(qmu_);
      wake_.wait_until(lock, next_second, [&] { return stopping_ || !tasks_.empty(); });
      if (stopping_) return;
      batch.swap(tasks_);
    }
    for (auto& task : batch) task();
    FlushNotifications();
    auto now = std::chrono::steady_clock::now();
    if (now >= next_second) {
      OnSecond();
      FlushNotifications();
      next_second += std::chrono::seconds(1);
      if (next_second <= now) next_second = now + std::chrono::seconds(1);
    }
  }
}

void ServingPlane::OnRevisionEvent(const registry::WatchEvent& ev) {
  std::string key = KeyOf(ev.object);
  std::lock_guard<std::mutex> lock(mu_);
  if (ev.type == registry::WatchEvent::Type::kDeleted) {
    runtime_->RemoveRevision(key);
    (void)autoscaler_.Remove(key);
    gateway_->SetEndpoints(key, {});
    revisions_.erase(key);
    if (tracer_ != nullptr) tracer_->RemoveRevision(key);
    return;
  }
  if (revisions_.count(key) > 0) return;  // a revision's spec never changes; status does
  if (tracer_ != nullptr) tracer_->SetRevisionLabels(key, tracing::LabelsOf(ev.object));
  RevisionState& st = revisions_[key];
  st.ns = ev.object["metadata"].value("namespace", "");
  st.name = ev.object["metadata"].value("name", "");
  st.spec = ev.object.value("spec", json::object());
  st.health = StartupHealth(SocketActivated(ev.object));
  // Stored as Ready by an earlier run of ebb: it proved itself then, and like a Knative revision
  // whose pods were scaled away it restarts at zero (initial-scale is for a new revision; a
  // restart of ebb must not start an instance of every revision it knows).
  const bool ran_before = controller::ConditionStatus(ev.object, "Ready") == "True";
  if (ran_before) st.health.AssumeHealthy();
  Report exe = executables_.Check(ev.object);
  if (exe.state == Report::State::kFailed) {
    st.failure_reason = exe.reason;
    st.failure_message = exe.message;
    return;
  }
  auto spec = autoscaler::ResolveSpec(ev.object, config_);
  if (!spec.ok()) {
    st.failure_reason = "InvalidAutoscaling";
    st.failure_message = spec.status().message();
    HealthChanged(key);
    return;
  }
  runtime_->SetRevision(key, ev.object);
  if (ran_before) spec->initial_scale = 0;
  Status added = autoscaler_.Add(key, *spec, clock_.Steady(), 0);
  if (added.ok()) Apply(key, autoscaler_.Find(key)->last());
  Post([this] { RebuildRoutes(); });  // its containerConcurrency/timeouts may be routed already
}

void ServingPlane::RebuildRoutes() {
  auto routes = registry_.List(api::Kind::kRoute, "", {});
  if (!routes.ok()) return;  // the next route event retries
  auto table = std::make_shared<gateway::RouteTable>();
  std::set<std::string> routed;
  for (const json& route : routes->items) {
    const json status = route.value("status", json::object());
    std::string ns = route["metadata"].value("namespace", "");
    std::vector<gateway::TrafficTarget> split;
    for (const json& t : status.value("traffic", json::array())) {
      std::string rev = t.value("revisionName", "");
      if (rev.empty()) continue;
      std::string key = ns + "/" + rev;
      routed.insert(key);
      int percent = static_cast<int>(t.value("percent", 0));
      if (percent > 0) split.push_back({key, percent});
      if (t.contains("url")) table->hosts[HostOf(t.value("url", ""))] = {{key, 100}};
    }
    if (split.empty()) continue;
    table->hosts[HostOf(status.value("url", ""))] = split;
    if (status.contains("address")) {
      table->hosts[HostOf(status["address"].value("url", ""))] = split;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& key : routed) {
    auto it = revisions_.find(key);
    table->revisions.push_back(
        GatewayConfig(key, it != revisions_.end() ? it->second.spec : json::object()));
  }
  routed_ = std::move(routed);
  gateway_->SetRoutes(std::move(table));
}

void ServingPlane::OnSecond() {
  auto now = clock_.Steady();
  std::vector<gateway::RevisionLoad> loads = gateway_->Collect();  // outside mu_: it waits for
                                                                   // the workers
  metrics_.SetLoads(loads);
  std::map<std::string, autoscaler::Sample> samples;
  for (const auto& load : loads) {
    autoscaler::Sample& s = samples[load.revision];
    s.average_concurrency = load.average_concurrency;
    s.request_count = static_cast<std::int64_t>(load.requests);
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [key, st] : revisions_) {
    if (st.health.OnTick(now)) HealthChanged(key);
  }
  // Every tracked revision gets a sample each second, zero when it was idle: that is what the
  // queue-proxy scrape gives Knative's autoscaler, and what lets an idle revision's stable
  // average fall to zero.
  for (const std::string& key : autoscaler_.Names()) {
    autoscaler::Sample s = samples[key];
    s.period = std::chrono::seconds(1);
    (void)autoscaler_.Record(key, now, s);
  }
  if (++seconds_ % 2 != 0) return;  // decide every kTickInterval (2 s)
  for (const std::string& key : autoscaler_.Names()) {
    auto st = revisions_.find(key);
    if (st == revisions_.end()) continue;
    auto d = autoscaler_.Tick(key, now, static_cast<std::int32_t>(st->second.ready.size()),
                              routed_.count(key) > 0);
    if (d.ok()) Apply(key, *d);
  }
}

bool ServingPlane::Apply(const std::string& key, const autoscaler::Decision& d) {
  auto it = revisions_.find(key);
  if (it == revisions_.end() || d.instances == it->second.wanted) return false;
  it->second.wanted = d.instances;
  runtime_->Scale(key, d.instances);
  HealthChanged(key);  // desiredReplicas and the Active condition
  if (d.instances == 0) metrics_.ScaledToZero(key);
  return true;
}

void ServingPlane::PublishEndpoints(const std::string& key) {
  std::vector<gateway::Endpoint> ready;
  for (const auto& [id, ep] : revisions_[key].ready) ready.push_back(ep);
  gateway_->SetEndpoints(key, std::move(ready));
}

void ServingPlane::HealthChanged(const std::string& key) {
  const RevisionState& st = revisions_[key];
  notify_.emplace_back(st.ns, st.name);
}

void ServingPlane::FlushNotifications() {
  std::vector<std::pair<std::string, std::string>> pending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending.swap(notify_);
  }
  // Outside mu_: the controller's worker calls Check, which takes mu_.
  for (const auto& [ns, name] : pending) {
    if (on_revision_changed_) on_revision_changed_(ns, name);
  }
}

ServingPlane::Report ServingPlane::Check(const json& revision) {
  Report exe = executables_.Check(revision);
  if (exe.state == Report::State::kFailed) return exe;
  std::lock_guard<std::mutex> lock(mu_);
  Report r;
  auto it = revisions_.find(KeyOf(revision));
  if (it == revisions_.end()) {
    r.reason = "Deploying";
    return r;
  }
  const RevisionState& st = it->second;
  r.actual_replicas = static_cast<std::int64_t>(st.ready.size());
  r.desired_replicas = std::max(st.wanted, 0);
  if (st.health.healthy()) {
    r.state = Report::State::kReady;
  } else if (!st.failure_reason.empty() || !st.health.reason().empty()) {
    r.state = Report::State::kFailed;
    bool spec = !st.failure_reason.empty();
    r.reason = spec ? st.failure_reason : st.health.reason();
    r.message = spec ? st.failure_message : st.health.message();
  } else if (StartsAtZero(revision)) {
    // initial-scale 0 (allowed by allow-zero-initial-scale): as in Knative, the revision is
    // Ready at zero without having run; its first request starts it.
    r.state = Report::State::kReady;
  } else {
    r.reason = "Deploying";
  }
  return r;
}

bool ServingPlane::StartsAtZero(const json& revision) const {
  Result<autoscaler::AutoscalerSpec> spec = autoscaler::ResolveSpec(revision, config_);
  return spec.ok() && spec->initial_scale == 0;
}

void ServingPlane::Stop() {
  {
    std::lock_guard<std::mutex> lock(qmu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  revision_watch_.reset();
  route_watch_.reset();
  if (thread_.joinable()) thread_.join();
  // Instances started on a gateway worker (StartFromZero) get SIGKILL from the kernel when
  // that thread ends (PR_SET_PDEATHSIG): the runtime stops them gracefully before it does.
  if (gateway_) gateway_->Drain();
  if (runtime_) runtime_->Stop();
  if (gateway_) gateway_->Stop();
}

}  // namespace ebb::serving
