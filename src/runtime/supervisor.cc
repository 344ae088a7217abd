#include "runtime/supervisor.h"

#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <utility>

namespace ebb::runtime {
namespace {

using Steady = std::chrono::steady_clock::time_point;
using std::chrono::milliseconds;
using std::chrono::seconds;

// How long a READY=1 from a group not adopted yet is kept (adoption follows within
// milliseconds), and how many such groups at most.
constexpr seconds kEarlyReadyKept{1};
constexpr std::size_t kEarlyReadyMax = 256;

// Invokes a user callback unless the supervisor is shutting down (no events after Stop).
template <typename F, typename... Args>
void Emit(bool quiet, const F& callback, const Args&... args) {
  if (!quiet && callback) callback(args...);
}

// Per-attempt timeout: Knative's aggressive readiness probing (periodSeconds 0) allows 100 ms,
// otherwise timeoutSeconds (default 1 s). An exec probe starts a process, so it gets at least
// a second.
milliseconds AttemptTimeout(const Probe& probe) {
  milliseconds t = probe.timeout_seconds > 0   ? seconds(probe.timeout_seconds)
                   : probe.period_seconds == 0 ? milliseconds(100)
                                               : seconds(1);
  return probe.kind == Probe::Kind::kExec ? std::max<milliseconds>(t, seconds(1)) : t;
}

seconds LivenessPeriod(const Probe& probe) {
  return seconds(probe.period_seconds > 0 ? probe.period_seconds : 10);
}

}  // namespace

struct Supervisor::Instance {
  std::string key;  // the revision's
  std::string id, pod, uid;
  std::shared_ptr<const RevisionTemplate> revision;  // of the current or last process
  std::shared_ptr<LogBuffer> log;
  Clock::time_point created;
  Phase phase = Phase::kBackoff;
  int generation = 0;  // bumped at each launch; host callbacks carry it
  pid_t pid = 0;
  int port = 0;
  int listener = -1;  // index into Revision::listeners
  int restart_count = 0;
  int streak = 0;        // failures in a row, for the restart backoff
  int probe_streak = 0;  // readiness successes / liveness failures in a row
  bool ever_ran = false;
  bool restart_on_exit = false;  // stopped for failing its liveness probe
  Clock::time_point started, ready_changed;
  Steady started_steady, ready_steady;
  std::optional<Clock::time_point> deleting;
  std::string waiting_reason = "ContainerCreating";
  std::string waiting_message;
  std::optional<Termination> last;
  InstanceHost::TimerId timer = 0;  // the phase's: restart, next probe, drain or kill deadline
  InstanceHost::TimerId liveness_timer = 0;
  InstanceHost::ProbeId probe = 0;
};

Supervisor::Supervisor(SupervisorOptions options, Callbacks callbacks, InstanceHost& host,
                       const Clock& clock, StandbyBoard* standbys)
    : options_(std::move(options)),
      callbacks_(std::move(callbacks)),
      host_(host),
      clock_(clock),
      standbys_(standbys),
      rng_(std::random_device{}()) {}

Supervisor::~Supervisor() {
  for (auto& [key, rev] : revisions_) {
    if (rev.standby) standbys_->Remove(key, rev.standby.get());
    for (auto& inst : rev.instances) CancelWork(*inst);
  }
}

// ---- Revisions and scaling -----------------------------------------------------------------

void Supervisor::SetRevision(const std::string& key, const nlohmann::json& revision) {
  auto [it, inserted] = revisions_.try_emplace(key);
  Revision& rev = it->second;
  if (inserted) {
    rev.key = key;
    rev.name = key.substr(key.find('/') + 1);
  }
  Withdraw(rev);  // prepared from the old template (and maybe started already)
  rev.removed = false;
  Result<RevisionTemplate> parsed = ParseRevision(revision);
  if (parsed.ok()) {
    rev.revision = std::make_shared<const RevisionTemplate>(std::move(parsed).value());
    rev.name = rev.revision->revision;
    rev.invalid.clear();
  } else {
    rev.revision = nullptr;
    rev.invalid = parsed.status().message();
  }
  Reconcile(rev);
}

void Supervisor::RemoveRevision(const std::string& key) {
  Revision* rev = FindRevision(key);
  if (rev == nullptr) return;
  rev->removed = true;
  rev->wanted = 0;
  Reconcile(*rev);
  ForgetIfDone(key);
}

void Supervisor::Scale(const std::string& key, int wanted) {
  Revision* rev = FindRevision(key);
  if (rev == nullptr || rev->removed) return;
  rev->wanted = std::max(0, wanted);
  Reconcile(*rev);
}

namespace {
bool Leaving(bool terminating_or_stopping, bool restart_on_exit) {
  return terminating_or_stopping && !restart_on_exit;
}
}  // namespace

void Supervisor::Reconcile(Revision& rev) {
  if (shutting_down_) return;
  if (rev.wanted > 0 || rev.removed) Withdraw(rev);  // a fired one counts as an instance
  std::vector<StopCandidate> candidates;
  auto survey = [&] {
    candidates.clear();
    for (const auto& inst : rev.instances) {
      bool stopping = inst->phase == Phase::kTerminating || inst->phase == Phase::kStopping;
      candidates.push_back(StopCandidate{inst->pid != 0, inst->phase == Phase::kReady,
                                         Leaving(stopping, inst->restart_on_exit)});
    }
    return std::count_if(candidates.begin(), candidates.end(),
                         [](const StopCandidate& c) { return !c.stopping; });
  };
  for (auto active = survey(); active < rev.wanted; ++active) CreateInstance(rev);
  while (survey() > rev.wanted) {
    int victim = PickInstanceToStop(candidates);
    if (victim < 0) break;
    BeginStop(rev, *rev.instances[victim]);
  }
  Arm(rev);
}

void Supervisor::ForgetIfDone(const std::string& key) {
  auto it = revisions_.find(key);
  if (it != revisions_.end() && it->second.removed && it->second.instances.empty()) {
    revisions_.erase(it);
  }
}

void Supervisor::CreateInstance(Revision& rev) {
  auto inst = std::make_unique<Instance>();
  inst->key = rev.key;
  inst->id = NewId(rev);
  inst->pod = rev.name + "-deployment-" + inst->id;
  inst->uid = NewUid();
  inst->created = inst->ready_changed = clock_.Now();
  inst->log = std::make_shared<LogBuffer>(options_.log_bytes);
  Instance& ref = *inst;
  rev.instances.push_back(std::move(inst));
  Launch(rev, ref);
}

void Supervisor::BeginStop(Revision& rev, Instance& inst) {
  switch (inst.phase) {
    case Phase::kBackoff:
      Erase(rev, inst);
      return;
    case Phase::kStarting:
      inst.deleting = clock_.Now();
      SendTerm(inst);
      return;
    case Phase::kStopping:
      inst.restart_on_exit = false;
      inst.deleting = clock_.Now();
      return;
    case Phase::kTerminating:
      return;
    case Phase::kReady:
      break;
  }
  CancelWork(inst);
  inst.phase = Phase::kTerminating;
  inst.deleting = inst.ready_changed = clock_.Now();
  Emit(shutting_down_, callbacks_.on_terminating, rev.key, Info(inst));
  if (!callbacks_.on_terminating) return SendTerm(inst);
  inst.timer = host_.At(clock_.Steady() + Grace(inst), [this, key = rev.key, id = inst.id] {
    Instance* i = Find(key, id);
    if (i != nullptr && i->phase == Phase::kTerminating) {
      i->timer = 0;
      SendTerm(*i);
    }
  });
}

void Supervisor::Drained(const std::string& key, const std::string& id) {
  Instance* inst = Find(key, id);
  if (inst != nullptr && inst->phase == Phase::kTerminating) SendTerm(*inst);
}

void Supervisor::SendTerm(Instance& inst) {
  CancelWork(inst);
  inst.phase = Phase::kStopping;
  host_.SignalGroup(inst.pid, SIGTERM);
  int generation = inst.generation;
  inst.timer =
      host_.At(clock_.Steady() + Grace(inst), [this, key = inst.key, id = inst.id, generation] {
        Instance* i = Find(key, id);
        if (i == nullptr || i->generation != generation) return;
        i->timer = 0;
        if (i->phase == Phase::kStopping) host_.SignalGroup(i->pid, SIGKILL);
      });
}

void Supervisor::Erase(Revision& rev, const Instance& inst) {
  auto it = std::find_if(rev.instances.begin(), rev.instances.end(),
                         [&](const auto& p) { return p.get() == &inst; });
  if (it == rev.instances.end()) return;
  CancelWork(**it);
  ReleaseListener(rev, **it);
  (*it)->log->Close();
  rev.instances.erase(it);
}

void Supervisor::NotifyReady(pid_t pgid) {
  bool known = false;
  for (auto& [key, rev] : revisions_) {
    for (auto& inst : rev.instances) {
      if (inst->pid != pgid) continue;
      if (inst->phase == Phase::kStarting) return MarkReady(rev, *inst);
      known = true;
    }
  }
  if (known) return;
  Steady now = clock_.Steady();
  std::erase_if(early_ready_, [&](const auto& e) { return now - e.second > kEarlyReadyKept; });
  if (early_ready_.size() >= kEarlyReadyMax) return;  // a flood of strangers: not kept
  early_ready_[pgid] = now;
}

void Supervisor::ReadyReported(const std::string& key, const std::string& pod, Steady at) {
  Revision* rev = FindRevision(key);
  if (rev == nullptr) return;
  for (auto& inst : rev->instances) {
    if (inst->pod == pod && inst->phase == Phase::kStarting) return MarkReady(*rev, *inst, at);
  }
}

void Supervisor::Shutdown(std::function<void()> done) {
  shutting_down_ = true;
  shutdown_done_ = std::move(done);
  for (auto& [key, rev] : revisions_) {
    Withdraw(rev);  // one fired meanwhile is adopted, and stopped below
    for (std::size_t i = 0; i < rev.instances.size();) {
      Instance& inst = *rev.instances[i];
      if (inst.phase == Phase::kBackoff) {
        Erase(rev, inst);
        continue;
      }
      inst.restart_on_exit = false;
      if (inst.phase != Phase::kStopping) SendTerm(inst);
      ++i;
    }
  }
  MaybeFinishShutdown();
}

void Supervisor::MaybeFinishShutdown() {
  if (!shutting_down_ || !shutdown_done_) return;
  for (const auto& [key, rev] : revisions_) {
    if (!rev.instances.empty()) return;
  }
  revisions_.clear();
  auto done = std::move(shutdown_done_);
  shutdown_done_ = nullptr;
  done();
}

// ---- Starting and restarting ---------------------------------------------------------------

void Supervisor::Launch(Revision& rev, Instance& inst) {
  inst.timer = 0;
  if (!rev.revision) return FailLaunch(rev, inst, "CreateContainerConfigError", rev.invalid);
  inst.revision = rev.revision;
  int listen_fd = -1;
  Result<int> port = PortFor(rev, &inst.listener, &listen_fd);
  if (!port.ok()) return FailLaunch(rev, inst, "CreateContainerError", port.status().message());
  int generation = ++inst.generation;
  LaunchRequest request{inst.revision, inst.pod, *port, listen_fd, inst.log};
  Result<pid_t> pid =
      host_.Launch(request, [this, key = rev.key, id = inst.id, generation](ProcessExit status) {
        OnExit(key, id, generation, status);
      });
  if (!pid.ok()) {
    ReleaseListener(rev, inst);
    bool missing = pid.status().code() == Code::kNotFound;
    return FailLaunch(rev, inst, missing ? "ContainerMissing" : "CreateContainerError",
                      pid.status().message());
  }
  Started(rev, inst, *pid, *port, clock_.Steady());
}

void Supervisor::Started(Revision& rev, Instance& inst, pid_t pid, int port, Steady started) {
  if (inst.ever_ran) ++inst.restart_count;
  inst.ever_ran = true;
  inst.pid = pid;
  inst.port = port;
  inst.phase = Phase::kStarting;
  inst.started = clock_.Now();
  inst.started_steady = started;
  inst.waiting_reason.clear();
  inst.waiting_message.clear();
  inst.probe_streak = 0;
  if (inst.revision->socket_activation) return MarkReady(rev, inst);
  if (auto early = early_ready_.find(pid); early != early_ready_.end()) {
    Steady at = early->second;
    early_ready_.erase(early);
    if (clock_.Steady() - at <= kEarlyReadyKept) return MarkReady(rev, inst, at);
  }
  ScheduleReadiness(inst,
                    inst.started_steady + seconds(inst.revision->readiness.initial_delay_seconds));
}

Result<int> Supervisor::PortFor(Revision& rev, int* listener, int* listen_fd) {
  if (!rev.revision->socket_activation) return host_.PickPort();
  std::size_t slot = 0;
  while (slot < rev.listeners.size() && rev.listeners[slot].in_use) ++slot;
  if (slot == rev.listeners.size()) {
    Result<Listener> listener = host_.Listen();
    if (!listener.ok()) return listener.status();
    rev.listeners.push_back(ListenerSlot{std::move(listener).value(), false});
  }
  rev.listeners[slot].in_use = true;
  *listener = static_cast<int>(slot);
  *listen_fd = rev.listeners[slot].listener.fd.get();
  return rev.listeners[slot].listener.port;
}

void Supervisor::FailLaunch(Revision& rev, Instance& inst, const std::string& reason,
                            const std::string& message) {
  inst.phase = Phase::kBackoff;
  inst.waiting_reason = reason;
  inst.waiting_message = message;
  Emit(shutting_down_, callbacks_.on_failed_to_start, rev.key, reason, message);
  ScheduleRestart(rev, inst);
}

void Supervisor::ScheduleRestart(Revision& rev, Instance& inst) {
  ++inst.streak;
  auto delay = RestartDelay(inst.streak, options_.restart);
  inst.timer = host_.At(clock_.Steady() + delay, [this, key = rev.key, id = inst.id] {
    Revision* r = FindRevision(key);
    Instance* i = Find(key, id);
    if (r != nullptr && i != nullptr && i->phase == Phase::kBackoff) Launch(*r, *i);
  });
}

void Supervisor::OnExit(const std::string& key, const std::string& id, int generation,
                        ProcessExit status) {
  Revision* rev = FindRevision(key);
  Instance* inst = Find(key, id);
  if (inst == nullptr || inst->generation != generation) return;
  Phase was = inst->phase;
  InstanceInfo info = Info(*inst);
  CancelWork(*inst);
  ReleaseListener(*rev, *inst);
  inst->pid = 0;
  inst->port = 0;
  inst->last = Termination{status.code, status.signal, inst->started, clock_.Now()};
  if (was == Phase::kReady) inst->ready_changed = clock_.Now();
  ExitInfo exit;
  exit.exit_code = ExitCode(status.code, status.signal);
  exit.signal = status.signal;
  exit.expected = was == Phase::kTerminating || was == Phase::kStopping;
  exit.will_restart = !shutting_down_ && (!exit.expected || inst->restart_on_exit);
  exit.restart_count = inst->restart_count;
  exit.last_lines = inst->log->LastLines(options_.exit_log_lines);
  if (exit.will_restart) {
    EnterCrashLoop(*inst, was == Phase::kReady);
    Emit(shutting_down_, callbacks_.on_exited, key, info, exit);
    if (was == Phase::kStarting) {
      Emit(shutting_down_, callbacks_.on_failed_to_start, key, ExitCodeReason(exit.exit_code),
           ExitFailureMessage(exit));
    }
    return ScheduleRestart(*rev, *inst);
  }
  Erase(*rev, *inst);
  Emit(shutting_down_, callbacks_.on_exited, key, info, exit);
  Arm(*rev);
  ForgetIfDone(key);
  MaybeFinishShutdown();
}

void Supervisor::EnterCrashLoop(Instance& inst, bool was_ready) {
  if (was_ready && clock_.Steady() - inst.ready_steady >= options_.restart.reset_after) {
    inst.streak = 0;
  }
  inst.restart_on_exit = false;
  inst.phase = Phase::kBackoff;
  inst.waiting_reason = "CrashLoopBackOff";
  inst.waiting_message = "back-off restarting failed container " + inst.revision->container_name;
}

// ---- Standbys -------------------------------------------------------------------------------

// A revision at zero (wanted 0, no instance left) keeps one start ready for another thread.
void Supervisor::Arm(Revision& rev) {
  if (standbys_ == nullptr || rev.standby || shutting_down_ || rev.removed || !rev.revision ||
      rev.wanted > 0 || !rev.instances.empty()) {
    return;
  }
  int listener = -1, listen_fd = -1;
  Result<int> port = PortFor(rev, &listener, &listen_fd);
  if (!port.ok()) return;  // the next Scale reports it through Launch
  std::string id = NewId(rev);
  std::string pod = rev.name + "-deployment-" + id;
  LaunchRequest request{rev.revision, pod, *port, listen_fd, nullptr};
  // An app that binds its own port says when it listens with READY=1. A standby's goes to a
  // socket of its own, which the gateway worker that fires it reads: the parked request then
  // goes out from that worker at once, instead of after the runtime thread has read the
  // datagram and published the instance (two wake-ups, not one). Without one (it could not be
  // opened), the shared socket as for any start.
  UniqueFd ready_socket;
  if (!rev.revision->socket_activation) {
    if (Result<ReadySocket> own = host_.OpenReadySocket(); own.ok()) {
      ready_socket = std::move(own->fd);
      request.notify_socket = std::move(own->address);
    }
  }
  Result<Standby::Starter> start = host_.PrepareLaunch(request);
  if (!start.ok()) {
    if (listener >= 0) rev.listeners[listener].in_use = false;
    return;
  }
  rev.standby = std::make_shared<Standby>(
      std::move(id), std::move(pod), *port, rev.revision->socket_activation, std::move(*start),
      [this] { return clock_.Steady(); }, std::move(ready_socket));
  rev.standby_listener = listener;
  standbys_->Put(rev.key, rev.standby);
}

void Supervisor::Withdraw(Revision& rev) {
  if (!rev.standby) return;
  std::shared_ptr<Standby> standby = std::move(rev.standby);  // leaves rev.standby empty
  standbys_->Remove(rev.key, standby.get());
  int listener = std::exchange(rev.standby_listener, -1);
  std::optional<Result<Standby::Process>> fired = standby->Withdraw();
  if (fired) return AdoptFired(rev, *standby, listener, std::move(*fired));
  if (listener >= 0) rev.listeners[listener].in_use = false;
}

void Supervisor::Fired(const std::string& key, const Standby* standby) {
  Revision* rev = FindRevision(key);
  if (rev != nullptr && rev->standby.get() == standby) Withdraw(*rev);
}

void Supervisor::AdoptFired(Revision& rev, const Standby& standby, int listener,
                            Result<Standby::Process> process) {
  auto owned = std::make_unique<Instance>();
  Instance& inst = *owned;
  inst.key = rev.key;
  inst.id = standby.id();
  inst.pod = standby.pod();
  inst.uid = NewUid();
  inst.created = inst.ready_changed = clock_.Now();
  inst.log = std::make_shared<LogBuffer>(options_.log_bytes);
  inst.revision = rev.revision;
  inst.listener = listener;
  rev.instances.push_back(std::move(owned));
  // Somebody asked for the revision: keep the instance until Scale says otherwise (the
  // autoscaler's decision follows the fire).
  if (!rev.removed && !shutting_down_) rev.wanted = std::max(rev.wanted, 1);
  if (!process.ok()) {
    ReleaseListener(rev, inst);
    bool missing = process.status().code() == Code::kNotFound;
    return FailLaunch(rev, inst, missing ? "ContainerMissing" : "CreateContainerError",
                      process.status().message());
  }
  pid_t pid = process->pid;
  Steady started = process->started;
  int generation = ++inst.generation;
  Status adopted = host_.Adopt(
      std::move(*process), LaunchRequest{inst.revision, inst.pod, standby.port(), -1, inst.log},
      [this, key = rev.key, id = inst.id, generation](ProcessExit status) {
        OnExit(key, id, generation, status);
      });
  if (!adopted.ok()) {
    ReleaseListener(rev, inst);
    return FailLaunch(rev, inst, "CreateContainerError", adopted.message());
  }
  Started(rev, inst, pid, standby.port(), started);
}

// ---- Readiness and liveness ----------------------------------------------------------------

void Supervisor::ScheduleReadiness(Instance& inst, Steady when) {
  inst.timer = host_.At(when, [this, key = inst.key, id = inst.id] {
    Instance* i = Find(key, id);
    if (i == nullptr || i->phase != Phase::kStarting) return;
    i->timer = 0;
    StartProbe(*i, i->revision->readiness, &Supervisor::OnReadiness);
  });
}

void Supervisor::StartProbe(Instance& inst, const Probe& probe, ProbeHandler handler) {
  ProbeRequest request{inst.revision, probe, inst.port, AttemptTimeout(probe)};
  inst.probe = host_.StartProbe(request, [this, key = inst.key, id = inst.id,
                                          generation = inst.generation, handler](bool ok) {
    Revision* rev = FindRevision(key);
    Instance* i = Find(key, id);
    if (i == nullptr || i->generation != generation) return;
    i->probe = 0;
    (this->*handler)(*rev, *i, ok);
  });
}

void Supervisor::OnReadiness(Revision& rev, Instance& inst, bool ok) {
  if (inst.phase != Phase::kStarting) return;
  if (ok && ++inst.probe_streak >= inst.revision->readiness.success_threshold) {
    return MarkReady(rev, inst);
  }
  if (!ok) inst.probe_streak = 0;
  Steady now = clock_.Steady();
  ScheduleReadiness(inst, now + ReadinessPollInterval(now - inst.started_steady));
}

void Supervisor::MarkReady(Revision& rev, Instance& inst, std::optional<Steady> at) {
  CancelWork(inst);
  inst.phase = Phase::kReady;
  // Socket activation: ready since its spawn (Started marks it at once; the time it takes to
  // get here is bookkeeping, not the app's).
  inst.ready_steady = inst.revision->socket_activation ? inst.started_steady
                      : at                             ? std::max(*at, inst.started_steady)
                                                       : clock_.Steady();
  inst.ready_changed = clock_.Now();
  inst.probe_streak = 0;
  if (const auto& liveness = inst.revision->liveness) {
    Steady first = std::max(inst.started_steady + seconds(liveness->initial_delay_seconds),
                            inst.ready_steady + LivenessPeriod(*liveness));
    ScheduleLiveness(inst, first);
  }
  Emit(shutting_down_, callbacks_.on_ready, rev.key, Info(inst));
}

void Supervisor::ScheduleLiveness(Instance& inst, Steady when) {
  inst.liveness_timer = host_.At(when, [this, key = inst.key, id = inst.id] {
    Instance* i = Find(key, id);
    if (i == nullptr || i->phase != Phase::kReady) return;
    i->liveness_timer = 0;
    StartProbe(*i, *i->revision->liveness, &Supervisor::OnLiveness);
  });
}

void Supervisor::OnLiveness(Revision& rev, Instance& inst, bool ok) {
  if (inst.phase != Phase::kReady) return;
  inst.probe_streak = ok ? 0 : inst.probe_streak + 1;
  const Probe& liveness = *inst.revision->liveness;
  if (inst.probe_streak < liveness.failure_threshold) {
    return ScheduleLiveness(inst, clock_.Steady() + LivenessPeriod(liveness));
  }
  // Not alive: out of routing at once, no drain, then stopped and restarted on exit.
  inst.restart_on_exit = true;
  inst.ready_changed = clock_.Now();
  Emit(shutting_down_, callbacks_.on_terminating, rev.key, Info(inst));
  SendTerm(inst);
}

// ---- Helpers -------------------------------------------------------------------------------

Supervisor::Revision* Supervisor::FindRevision(const std::string& key) {
  auto it = revisions_.find(key);
  return it == revisions_.end() ? nullptr : &it->second;
}

Supervisor::Instance* Supervisor::Find(const std::string& key, const std::string& id) {
  Revision* rev = FindRevision(key);
  if (rev == nullptr) return nullptr;
  for (auto& inst : rev->instances) {
    if (inst->id == id) return inst.get();
  }
  return nullptr;
}

void Supervisor::CancelWork(Instance& inst) {
  if (inst.timer != 0) host_.CancelTimer(inst.timer);
  if (inst.liveness_timer != 0) host_.CancelTimer(inst.liveness_timer);
  if (inst.probe != 0) host_.CancelProbe(inst.probe);
  inst.timer = inst.liveness_timer = inst.probe = 0;
}

void Supervisor::ReleaseListener(Revision& rev, Instance& inst) {
  if (inst.listener >= 0) rev.listeners[inst.listener].in_use = false;
  inst.listener = -1;
}

seconds Supervisor::Grace(const Instance& inst) const {
  seconds timeout = inst.revision ? inst.revision->timeout : options_.max_grace;
  return std::min(timeout, options_.max_grace);
}

InstanceInfo Supervisor::Info(const Instance& inst) const {
  return InstanceInfo{inst.id, inst.pod, "127.0.0.1", inst.port, inst.started_steady,
                      inst.ready_steady};
}

PodFacts Supervisor::Facts(const Revision& rev, const Instance& inst) const {
  const RevisionTemplate* t = inst.revision ? inst.revision.get() : rev.revision.get();
  PodFacts f;
  f.name = inst.pod;
  f.uid = inst.uid;
  f.namespace_name = rev.key.substr(0, rev.key.find('/'));
  f.revision = rev.name;
  if (t != nullptr) {
    f.revision_uid = t->revision_uid;
    f.service = t->service;
    f.configuration = t->configuration;
    f.container_name = t->container_name;
    f.image = t->image;
  }
  f.created = inst.created;
  f.deleting = inst.deleting;
  f.grace_seconds = static_cast<int>(Grace(inst).count());
  f.port = inst.port;
  f.running = inst.pid != 0;
  f.ever_ran = inst.ever_ran;
  f.ready = inst.phase == Phase::kReady;
  f.ready_changed = inst.ready_changed;
  f.started = inst.started;
  f.restart_count = inst.restart_count;
  f.waiting_reason = inst.waiting_reason;
  f.waiting_message = inst.waiting_message;
  f.last = inst.last;
  return f;
}

std::vector<PodFacts> Supervisor::Pods() const {
  std::vector<PodFacts> pods;
  for (const auto& [key, rev] : revisions_) {
    for (const auto& inst : rev.instances) pods.push_back(Facts(rev, *inst));
  }
  return pods;
}

std::shared_ptr<LogBuffer> Supervisor::Log(const std::string& pod) const {
  for (const auto& [key, rev] : revisions_) {
    for (const auto& inst : rev.instances) {
      if (inst->pod == pod) return inst->log;
    }
  }
  return nullptr;
}

// Kubernetes' pod-name suffix alphabet: no vowels, no look-alike digits.
std::string Supervisor::NewId(const Revision& rev) {
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::uniform_int_distribution<int> pick(0, sizeof kAlphabet - 2);
  for (;;) {
    std::string id(5, ' ');
    for (char& c : id) c = kAlphabet[pick(rng_)];
    bool taken = std::any_of(rev.instances.begin(), rev.instances.end(),
                             [&](const auto& inst) { return inst->id == id; });
    if (!taken) return id;
  }
}

std::string Supervisor::NewUid() {
  std::uint64_t hi = rng_(), lo = rng_();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                  // version 4
  lo = (lo & ~(0xC000ULL << 48)) | (0x8000ULL << 48);  // RFC 4122 variant
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xFFFF),
                static_cast<unsigned long long>(hi & 0xFFFF),
                static_cast<unsigned long long>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

}  // namespace ebb::runtime
