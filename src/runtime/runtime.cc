#include "runtime/runtime.h"

#include <cstdlib>
#include <future>

#include "common/thread.h"
#include "runtime/event_loop.h"
#include "runtime/loop_host.h"
#include "runtime/notify.h"
#include "runtime/standby.h"
#include "runtime/supervisor.h"
#include "runtime/tracker.h"

namespace ebb::runtime {
namespace {

std::string TrackingDir(const std::string& data_dir) { return data_dir + "/runtime/instances"; }

std::vector<std::string> InheritedEnv(const std::vector<std::string>& names) {
  std::vector<std::string> env;
  for (const std::string& name : names) {
    if (const char* value = std::getenv(name.c_str())) env.push_back(name + "=" + value);
  }
  return env;
}

}  // namespace

Runtime::Runtime() = default;

Result<std::unique_ptr<Runtime>> Runtime::Start(Options options, Callbacks callbacks,
                                                const Clock& clock) {
  if (options.data_dir.empty()) return Status(Code::kInvalid, "runtime: data_dir is required");
  if (options.port_min < 1 || options.port_max > 65535 || options.port_max < options.port_min) {
    return Status(Code::kInvalid, "runtime: bad port range");
  }
  std::unique_ptr<Runtime> rt(new Runtime());
  Result<std::unique_ptr<EventLoop>> loop = EventLoop::Create(clock);
  if (!loop.ok()) return loop.status();
  rt->loop_ = std::move(loop).value();
  rt->tracker_ = std::make_unique<InstanceTracker>(TrackingDir(options.data_dir));
  rt->orphans_reaped_ = rt->tracker_->ReapOrphans();
  Runtime* self = rt.get();
  auto notify =
      NotifySocket::Open(*rt->loop_, [self](pid_t pgid) { self->supervisor_->NotifyReady(pgid); });
  if (!notify.ok()) return notify.status();
  rt->notify_ = std::move(notify).value();
  LoopHostOptions host{InheritedEnv(options.inherit_env), rt->notify_->address(), options.port_min,
                       options.port_max, options.settle_delay};
  rt->host_ = std::make_unique<LoopHost>(*rt->loop_, *rt->tracker_, std::move(host));
  SupervisorOptions sup;
  sup.max_grace = options.max_grace;
  sup.restart = options.restart;
  sup.log_bytes = options.log_bytes;
  rt->standbys_ = std::make_unique<StandbyBoard>();
  rt->supervisor_ = std::make_unique<Supervisor>(sup, std::move(callbacks), *rt->host_, clock,
                                                 rt->standbys_.get());
  rt->thread_ = std::thread([self] {
    NameThisThread("ebb-runtime");
    self->loop_->Run();
  });
  return rt;
}

Runtime::~Runtime() { Stop(); }

void Runtime::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    if (thread_.joinable()) {
      loop_->Post([this] { supervisor_->Shutdown([this] { loop_->Quit(); }); });
    }
  }
  if (thread_.joinable()) thread_.join();
  // The loop has stopped: tear down in reverse order of use, on this thread.
  supervisor_.reset();
  host_.reset();
  notify_.reset();
}

void Runtime::Queue(std::function<void()> task) {
  std::lock_guard lock(mu_);
  if (!stopped_) loop_->Post(std::move(task));
}

// Runs `fn` on the runtime thread and returns its result; inline when already there.
template <typename T, typename F>
T Runtime::OnLoop(F fn, T if_stopped) {
  if (loop_->InLoopThread()) return fn();
  std::promise<T> promise;
  std::future<T> result = promise.get_future();
  {
    std::lock_guard lock(mu_);
    if (stopped_) return if_stopped;
    // Queued before Stop's shutdown task, so it runs before the loop quits.
    loop_->Post([&] { promise.set_value(fn()); });
  }
  return result.get();
}

void Runtime::SetRevision(const std::string& key, nlohmann::json revision) {
  Queue([this, key, revision = std::move(revision)] { supervisor_->SetRevision(key, revision); });
}

void Runtime::RemoveRevision(const std::string& key) {
  Queue([this, key] { supervisor_->RemoveRevision(key); });
}

void Runtime::Scale(const std::string& key, int wanted) {
  Queue([this, key, wanted] { supervisor_->Scale(key, wanted); });
}

void Runtime::Drained(const std::string& key, const std::string& instance_id) {
  Queue([this, key, instance_id] { supervisor_->Drained(key, instance_id); });
}

void Runtime::PrepareThisThreadForStarts() { LoopHost::PrepareThisThread(); }

Runtime::ColdStart Runtime::StartFromZero(const std::string& key) {
  std::shared_ptr<Standby> standby = standbys_->Take(key);
  if (!standby || !standby->Fire()) return {};
  ColdStart out;
  out.fired = standby;
  out.started = standby->started();
  if (!out.started) return out;
  InstanceInfo info{standby->id(), standby->pod(), "127.0.0.1", standby->port(), {}};
  if (standby->socket_activation()) {
    out.accepting = std::move(info);
  } else if (UniqueFd ready = standby->TakeReadySocket(); ready.valid()) {
    out.starting = ColdStart::Starting{std::move(info), std::move(ready)};
  }
  return out;
}

void Runtime::Adopt(const std::string& key, std::shared_ptr<Standby> fired) {
  // Also when the start failed: the supervisor reports the failure and retries. Once stopped,
  // Shutdown has withdrawn (and so adopted) the standby already.
  if (fired) Queue([this, key, fired] { supervisor_->Fired(key, fired.get()); });
}

void Runtime::ReportReady(const std::string& key, const std::string& pod,
                          std::chrono::steady_clock::time_point at) {
  Queue([this, key, pod, at] { supervisor_->ReadyReported(key, pod, at); });
}

// Only the facts are gathered on the runtime thread; the JSON, which costs far more, is built
// here, so that a client polling the pods (kubectl get pods -w, the dashboard) does not delay
// a spawn.
std::vector<nlohmann::json> Runtime::Pods() {
  std::vector<PodFacts> facts =
      OnLoop<std::vector<PodFacts>>([this] { return supervisor_->Pods(); }, {});
  std::vector<nlohmann::json> pods;
  pods.reserve(facts.size());
  for (const PodFacts& f : facts) pods.push_back(PodJson(f));
  return pods;
}

Result<std::shared_ptr<const LogBuffer>> Runtime::FollowLogs(const std::string& pod) {
  std::shared_ptr<const LogBuffer> log = OnLoop<std::shared_ptr<const LogBuffer>>(
      [this, &pod] {
        host_->ReadWaitingOutput();
        return supervisor_->Log(pod);
      },
      nullptr);
  if (!log) return Status(Code::kNotFound, "pods \"" + pod + "\" not found");
  return log;
}

Result<std::string> Runtime::Logs(const std::string& pod, std::optional<int> tail) {
  Result<std::shared_ptr<const LogBuffer>> log = FollowLogs(pod);
  if (!log.ok()) return log.status();
  return (*log)->Tail(tail);
}

int Runtime::ReapOrphans(const std::string& data_dir) {
  return InstanceTracker(TrackingDir(data_dir)).ReapOrphans();
}

}  // namespace ebb::runtime
