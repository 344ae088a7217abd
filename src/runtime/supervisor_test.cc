// The supervisor's state machine on a fake host and a FakeClock: no processes, no sleeps.
#include "runtime/supervisor.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <map>

namespace ebb::runtime {
namespace {

using json = nlohmann::json;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

class FakeHost final : public InstanceHost {
 public:
  struct Process {
    LaunchRequest request;
    std::function<void(ProcessExit)> on_exit;
    std::vector<int> signals;
  };
  struct PendingProbe {
    ProbeRequest request;
    std::function<void(bool)> done;
  };

  explicit FakeHost(FakeClock& clock) : clock_(clock) {}

  Result<pid_t> Launch(const LaunchRequest& request,
                       std::function<void(ProcessExit)> on_exit) override {
    ++launches;
    if (!launch_error.ok()) return launch_error;
    pid_t pid = next_pid_++;
    processes[pid] = Process{request, std::move(on_exit), {}};
    return pid;
  }
  Result<Standby::Starter> PrepareLaunch(const LaunchRequest& request) override {
    ++prepared;
    if (!launch_error.ok()) return launch_error;
    prepared_requests.push_back(request);
    return Standby::Starter([this]() -> Result<Standby::Process> {
      if (!start_error.ok()) return start_error;
      return Standby::Process{next_pid_++, UniqueFd(), UniqueFd(), clock_.Steady()};
    });
  }
  Status Adopt(Standby::Process process, const LaunchRequest& request,
               std::function<void(ProcessExit)> on_exit) override {
    ++adopted;
    processes[process.pid] = Process{request, std::move(on_exit), {}};
    return Status::Ok();
  }
  void SignalGroup(pid_t pgid, int sig) override { processes.at(pgid).signals.push_back(sig); }
  TimerId At(std::chrono::steady_clock::time_point when, std::function<void()> fn) override {
    timers_[next_id_] = {when, std::move(fn)};
    return next_id_++;
  }
  void CancelTimer(TimerId id) override { timers_.erase(id); }
  ProbeId StartProbe(const ProbeRequest& request, std::function<void(bool)> done) override {
    probes[next_id_] = PendingProbe{request, std::move(done)};
    return next_id_++;
  }
  void CancelProbe(ProbeId id) override { probes.erase(id); }
  Result<int> PickPort() override { return next_port_++; }
  Result<Listener> Listen() override {
    ++listens;
    return Listener{UniqueFd(), 40000 + listens};
  }
  Result<ReadySocket> OpenReadySocket() override {
    ++ready_sockets;
    if (!ready_socket_error.ok()) return ready_socket_error;
    return ReadySocket{UniqueFd(), "@ready-" + std::to_string(ready_sockets)};
  }

  // Moves the clock forward by `d`, firing due timers in order.
  void Advance(std::chrono::nanoseconds d) {
    auto target = clock_.Steady() + d;
    for (;;) {
      auto next = std::min_element(timers_.begin(), timers_.end(), [](auto& a, auto& b) {
        return a.second.first < b.second.first;
      });
      if (next == timers_.end() || next->second.first > target) break;
      clock_.Advance(std::max(next->second.first - clock_.Steady(), std::chrono::nanoseconds(0)));
      auto fn = std::move(next->second.second);
      timers_.erase(next);
      fn();
    }
    clock_.Advance(target - clock_.Steady());
  }
  // Completes every pending probe against `port` (all when 0).
  int FinishProbes(bool ok, int port = 0) {
    std::vector<std::function<void(bool)>> done;
    for (auto it = probes.begin(); it != probes.end();) {
      if (port != 0 && it->second.request.port != port) {
        ++it;
        continue;
      }
      done.push_back(std::move(it->second.done));
      it = probes.erase(it);
    }
    for (auto& d : done) d(ok);
    return static_cast<int>(done.size());
  }
  void Exit(pid_t pid, int code, int signal = 0) {
    auto on_exit = std::move(processes.at(pid).on_exit);
    ASSERT_TRUE(on_exit) << "pid " << pid << " already exited";
    on_exit(ProcessExit{code, signal});
  }
  const std::vector<int>& Signals(pid_t pid) { return processes.at(pid).signals; }
  pid_t last_pid() const { return next_pid_ - 1; }

  std::map<pid_t, Process> processes;
  std::map<ProbeId, PendingProbe> probes;
  Status launch_error;
  Status start_error;  // what a standby's start returns
  int launches = 0;
  int prepared = 0;
  int adopted = 0;
  std::vector<LaunchRequest> prepared_requests;
  int listens = 0;
  int ready_sockets = 0;
  Status ready_socket_error;

 private:
  FakeClock& clock_;
  std::map<TimerId, std::pair<std::chrono::steady_clock::time_point, std::function<void()>>>
      timers_;
  pid_t next_pid_ = 1000;
  std::uint64_t next_id_ = 1;
  int next_port_ = 20000;
};

json Revision(json annotations = json::object(), json container_extra = json::object()) {
  json container = {{"name", "user-container"}, {"image", "/bin/app"}};
  container.update(container_extra);
  return {{"metadata",
           {{"name", "hello-00001"},
            {"namespace", "default"},
            {"labels", {{"serving.knative.dev/service", "hello"}}},
            {"annotations", annotations}}},
          {"spec", {{"timeoutSeconds", 20}, {"containers", json::array({container})}}}};
}

constexpr char kKey[] = "default/hello-00001";

class SupervisorTest : public ::testing::Test {
 protected:
  SupervisorTest() { Make(/*drain=*/true); }

  void Make(bool drain, StandbyBoard* standbys = nullptr) {
    Callbacks cb;
    cb.on_ready = [this](const std::string& key, const InstanceInfo& i) {
      events.push_back("ready " + i.id);
      ready.push_back(i);
      EXPECT_EQ(key, kKey);
    };
    if (drain) {
      cb.on_terminating = [this](const std::string&, const InstanceInfo& i) {
        events.push_back("terminating " + i.id);
      };
    }
    cb.on_exited = [this](const std::string&, const InstanceInfo& i, const ExitInfo& e) {
      events.push_back("exited " + i.id + " " + std::to_string(e.exit_code));
      exits.push_back(e);
    };
    cb.on_failed_to_start = [this](const std::string&, const std::string& reason,
                                   const std::string& message) {
      events.push_back("failed " + reason);
      failures.push_back(message);
    };
    SupervisorOptions options;
    options.max_grace = seconds(10);
    sup.reset();
    sup = std::make_unique<Supervisor>(options, cb, host, clock, standbys);
  }

  // Starts `n` instances and makes them all ready; returns their pids, oldest first.
  std::vector<pid_t> StartReady(int n, json revision = Revision()) {
    sup->SetRevision(kKey, revision);
    sup->Scale(kKey, n);
    host.Advance(microseconds(0));  // first readiness attempt is due at once
    host.FinishProbes(true);
    std::vector<pid_t> pids;
    for (auto& [pid, p] : host.processes) pids.push_back(pid);
    return pids;
  }

  json Pod(std::size_t i = 0) { return PodJson(sup->Pods().at(i)); }
  std::string IdOf(pid_t pid) {
    std::string pod = host.processes.at(pid).request.pod;
    return pod.substr(pod.rfind('-') + 1);
  }

  FakeClock clock;
  FakeHost host{clock};
  std::unique_ptr<Supervisor> sup;
  std::vector<std::string> events;
  std::vector<InstanceInfo> ready;
  std::vector<ExitInfo> exits;
  std::vector<std::string> failures;
};

TEST_F(SupervisorTest, ScaleUpLaunchesAndPollsReadinessUntilTheProbePasses) {
  sup->SetRevision(kKey, Revision());
  sup->Scale(kKey, 2);
  EXPECT_EQ(host.launches, 2);
  EXPECT_TRUE(host.probes.empty());
  host.Advance(microseconds(0));
  EXPECT_EQ(host.FinishProbes(false), 2);
  host.Advance(microseconds(249));
  EXPECT_TRUE(host.probes.empty());  // next attempt 250 µs after the first
  host.Advance(microseconds(1));
  ASSERT_EQ(host.probes.size(), 2u);
  EXPECT_EQ(host.probes.begin()->second.request.timeout, milliseconds(100));
  EXPECT_EQ(host.probes.begin()->second.request.probe.kind, Probe::Kind::kTcp);
  EXPECT_EQ(host.FinishProbes(true), 2);
  ASSERT_EQ(ready.size(), 2u);
  EXPECT_EQ(ready[0].host, "127.0.0.1");
  EXPECT_EQ(ready[0].port, 20000);
  EXPECT_EQ(ready[1].port, 20001);
  EXPECT_EQ(ready[0].pod, "hello-00001-deployment-" + ready[0].id);
  EXPECT_NE(ready[0].id, ready[1].id);
  EXPECT_TRUE(host.probes.empty());
}

TEST_F(SupervisorTest, PollingEasesOffForASlowStarter) {
  sup->SetRevision(kKey, Revision());
  sup->Scale(kKey, 1);
  host.Advance(seconds(10));  // every attempt on this fake stays pending: nothing piles up
  EXPECT_EQ(host.probes.size(), 1u);
  host.FinishProbes(false);  // at 10 s the next attempt is 50 ms away
  host.Advance(milliseconds(49));
  EXPECT_TRUE(host.probes.empty());
  host.Advance(milliseconds(1));
  EXPECT_EQ(host.probes.size(), 1u);
}

TEST_F(SupervisorTest, ReadinessNeedsSuccessThresholdPassesInARow) {
  sup->SetRevision(kKey, Revision({}, {{"readinessProbe",
                                        {{"httpGet", {{"path", "/ok"}}},
                                         {"successThreshold", 2},
                                         {"initialDelaySeconds", 1}}}}));
  sup->Scale(kKey, 1);
  host.Advance(milliseconds(999));
  EXPECT_TRUE(host.probes.empty());  // initialDelaySeconds
  host.Advance(milliseconds(1));
  ASSERT_EQ(host.probes.size(), 1u);
  EXPECT_EQ(host.probes.begin()->second.request.probe.path, "/ok");
  host.FinishProbes(true);
  host.Advance(milliseconds(50));
  host.FinishProbes(false);  // the streak breaks
  host.Advance(milliseconds(50));
  host.FinishProbes(true);
  EXPECT_TRUE(ready.empty());
  host.Advance(milliseconds(50));
  host.FinishProbes(true);
  EXPECT_EQ(ready.size(), 1u);
}

TEST_F(SupervisorTest, NotifyReadyMarksTheInstanceReady) {
  sup->SetRevision(kKey, Revision());
  sup->Scale(kKey, 1);
  host.Advance(microseconds(0));
  sup->NotifyReady(host.last_pid() + 1);  // someone else's group: ignored
  EXPECT_TRUE(ready.empty());
  sup->NotifyReady(host.last_pid());
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_TRUE(host.probes.empty());  // the pending attempt was cancelled
  sup->NotifyReady(host.last_pid());
  EXPECT_EQ(ready.size(), 1u);
}

TEST_F(SupervisorTest, SocketActivationIsReadyAtOnceAndKeepsItsPortAcrossScaleToZero) {
  sup->SetRevision(kKey, Revision({{"ebb.dev/socket-activation", "true"}}));
  sup->Scale(kKey, 1);
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].port, 40001);
  EXPECT_EQ(host.processes.at(host.last_pid()).request.port, 40001);
  EXPECT_TRUE(host.probes.empty());
  sup->Scale(kKey, 0);
  sup->Drained(kKey, ready[0].id);
  host.Exit(host.last_pid(), 0, SIGTERM);
  sup->Scale(kKey, 2);
  ASSERT_EQ(ready.size(), 3u);
  EXPECT_EQ(ready[1].port, 40001);  // the same listening socket again
  EXPECT_EQ(ready[2].port, 40002);  // a second one for the second instance
  EXPECT_EQ(host.listens, 2);
}

TEST_F(SupervisorTest, ScaleDownStopsNotReadyBeforeReadyAndNewestFirst) {
  sup->SetRevision(kKey, Revision());
  sup->Scale(kKey, 3);
  host.Advance(microseconds(0));
  host.FinishProbes(true, 20000);
  host.FinishProbes(true, 20002);  // the middle one (20001) stays unready
  ASSERT_EQ(ready.size(), 2u);
  pid_t first = 1000, middle = 1001, last = 1002;
  sup->Scale(kKey, 2);
  EXPECT_EQ(host.Signals(middle), std::vector<int>{SIGTERM});  // never routed: no drain
  EXPECT_TRUE(host.Signals(first).empty());
  EXPECT_TRUE(host.Signals(last).empty());
  sup->Scale(kKey, 1);
  EXPECT_EQ(events.back(), "terminating " + IdOf(last));
  EXPECT_TRUE(host.Signals(first).empty());
  EXPECT_EQ(sup->Pods().size(), 3u);  // both still stopping
}

TEST_F(SupervisorTest, ScaleDownDrainsThenTermsThenKillsAfterTheGrace) {
  std::vector<pid_t> pids = StartReady(1);
  pid_t pid = pids[0];
  sup->Scale(kKey, 0);
  EXPECT_EQ(events.back(), "terminating " + IdOf(pid));
  EXPECT_TRUE(host.Signals(pid).empty());
  EXPECT_TRUE(Pod()["metadata"].contains("deletionTimestamp"));
  EXPECT_EQ(Pod()["status"]["containerStatuses"][0]["ready"], false);
  sup->Drained(kKey, IdOf(pid));
  EXPECT_EQ(host.Signals(pid), std::vector<int>{SIGTERM});
  host.Advance(milliseconds(9999));  // grace: timeoutSeconds 20 bounded by max_grace 10 s
  EXPECT_EQ(host.Signals(pid).size(), 1u);
  host.Advance(milliseconds(1));
  EXPECT_EQ(host.Signals(pid), (std::vector<int>{SIGTERM, SIGKILL}));
  host.Exit(pid, 0, SIGKILL);
  EXPECT_EQ(events.back(), "exited " + IdOf(pid) + " 137");
  EXPECT_TRUE(exits.back().expected);
  EXPECT_FALSE(exits.back().will_restart);
  EXPECT_TRUE(sup->Pods().empty());
  host.Advance(seconds(100));
  EXPECT_EQ(host.launches, 1);  // no restart
}

TEST_F(SupervisorTest, DrainWaitIsBoundedByTheGrace) {
  std::vector<pid_t> pids = StartReady(1, [] {
    json rev = Revision();
    rev["spec"]["timeoutSeconds"] = 3;
    return rev;
  }());
  sup->Scale(kKey, 0);
  host.Advance(milliseconds(2999));
  EXPECT_TRUE(host.Signals(pids[0]).empty());
  host.Advance(milliseconds(1));
  EXPECT_EQ(host.Signals(pids[0]), std::vector<int>{SIGTERM});
  host.Advance(seconds(3));
  EXPECT_EQ(host.Signals(pids[0]), (std::vector<int>{SIGTERM, SIGKILL}));
}

TEST_F(SupervisorTest, WithoutADrainCallbackSigtermFollowsAtOnce) {
  Make(/*drain=*/false);
  std::vector<pid_t> pids = StartReady(1);
  sup->Scale(kKey, 0);
  EXPECT_EQ(host.Signals(pids[0]), std::vector<int>{SIGTERM});
}

TEST_F(SupervisorTest, ACrashedInstanceRestartsWithDoublingBackoff) {
  std::vector<pid_t> pids = StartReady(1);
  host.processes.at(pids[0]).request.log->Append("panic: oops\n");
  host.Exit(pids[0], 2);
  EXPECT_EQ(events.back(), "exited " + IdOf(pids[0]) + " 2");
  EXPECT_FALSE(exits.back().expected);
  EXPECT_TRUE(exits.back().will_restart);
  EXPECT_EQ(exits.back().last_lines, std::vector<std::string>{"panic: oops"});
  EXPECT_EQ(Pod()["status"]["containerStatuses"][0]["state"]["waiting"]["reason"],
            "CrashLoopBackOff");
  EXPECT_EQ(Pod()["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"], 2);
  // Each further failure (here: exit before ready) doubles the wait: 1 s, 2 s, 4 s.
  for (auto delay : {seconds(1), seconds(2), seconds(4)}) {
    int launches = host.launches;
    host.Advance(delay - milliseconds(1));
    EXPECT_EQ(host.launches, launches);
    host.Advance(milliseconds(1));
    ASSERT_EQ(host.launches, launches + 1);
    host.Exit(host.last_pid(), 1);
  }
  EXPECT_EQ(Pod()["status"]["containerStatuses"][0]["restartCount"], 3);
  EXPECT_EQ(Pod()["metadata"]["name"], host.processes.at(host.last_pid()).request.pod);
}

TEST_F(SupervisorTest, AStreakStartsOverAfterALongReadyRun) {
  std::vector<pid_t> pids = StartReady(1);
  host.Exit(pids[0], 1);
  host.Advance(seconds(1));
  host.Advance(microseconds(0));
  host.FinishProbes(true);  // second process ready
  host.Advance(seconds(60));
  host.Exit(host.last_pid(), 1);
  int launches = host.launches;
  host.Advance(seconds(1));  // 1 s again, not 2 s
  EXPECT_EQ(host.launches, launches + 1);
}

TEST_F(SupervisorTest, ExitBeforeReadyReportsTheExitCodeAndLastLines) {
  sup->SetRevision(kKey, Revision());
  sup->Scale(kKey, 1);
  host.processes.at(host.last_pid()).request.log->Append("starting\nbad config: x\n");
  host.Exit(host.last_pid(), 3);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(events.back(), "failed ExitCode3");
  EXPECT_EQ(failures[0], "Container failed with exit code 3: starting\nbad config: x");
  EXPECT_TRUE(ready.empty());
}

TEST_F(SupervisorTest, AMissingProgramIsContainerMissingAndRetried) {
  host.launch_error = Status(Code::kNotFound, "image \"gcr.io/x/y\" is an OCI image reference");
  sup->SetRevision(kKey, Revision());
  sup->Scale(kKey, 1);
  EXPECT_EQ(events, std::vector<std::string>{"failed ContainerMissing"});
  EXPECT_EQ(failures[0], "image \"gcr.io/x/y\" is an OCI image reference");
  json pod = Pod();
  EXPECT_EQ(pod["status"]["phase"], "Pending");
  EXPECT_EQ(pod["status"]["containerStatuses"][0]["state"]["waiting"]["reason"],
            "ContainerMissing");
  host.launch_error = Status::Ok();
  host.Advance(seconds(1));
  EXPECT_EQ(host.launches, 2);
  EXPECT_EQ(Pod()["status"]["phase"], "Running");
  EXPECT_EQ(Pod()["status"]["containerStatuses"][0]["restartCount"], 0);  // never ran before
}

TEST_F(SupervisorTest, AnInvalidRevisionFailsWithCreateContainerConfigError) {
  json rev = Revision();
  rev["spec"]["containers"] = json::array();
  sup->SetRevision(kKey, rev);
  sup->Scale(kKey, 1);
  EXPECT_EQ(events, std::vector<std::string>{"failed CreateContainerConfigError"});
  EXPECT_EQ(host.launches, 0);
  EXPECT_EQ(Pod()["metadata"]["name"].get<std::string>().rfind("hello-00001-deployment-", 0), 0u);
  sup->SetRevision(kKey, Revision());  // fixed: the next retry launches
  host.Advance(seconds(1));
  EXPECT_EQ(host.launches, 1);
}

TEST_F(SupervisorTest, ScaleDownRemovesAnInstanceWaitingToRestartFirst) {
  std::vector<pid_t> pids = StartReady(2);
  host.Exit(pids[0], 1);  // the older one crashes and waits to restart
  sup->Scale(kKey, 1);
  EXPECT_TRUE(host.Signals(pids[1]).empty());
  ASSERT_EQ(sup->Pods().size(), 1u);
  host.Advance(seconds(5));
  EXPECT_EQ(host.launches, 2);  // it never came back
}

TEST_F(SupervisorTest, LivenessFailuresRestartTheInstance) {
  json liveness = {
      {"livenessProbe",
       {{"tcpSocket", json::object()}, {"periodSeconds", 2}, {"failureThreshold", 2}}}};
  std::vector<pid_t> pids = StartReady(1, Revision({}, liveness));
  host.Advance(milliseconds(1999));
  EXPECT_TRUE(host.probes.empty());
  host.Advance(milliseconds(1));
  ASSERT_EQ(host.probes.size(), 1u);
  EXPECT_EQ(host.probes.begin()->second.request.timeout, seconds(1));
  host.FinishProbes(false);
  host.Advance(seconds(2));
  host.FinishProbes(true);  // the streak of failures resets
  host.Advance(seconds(2));
  host.FinishProbes(false);
  host.Advance(seconds(2));
  host.FinishProbes(false);
  EXPECT_EQ(events.back(), "terminating " + IdOf(pids[0]));
  EXPECT_EQ(host.Signals(pids[0]), std::vector<int>{SIGTERM});
  EXPECT_FALSE(Pod()["metadata"].contains("deletionTimestamp"));
  host.Exit(pids[0], 0, SIGTERM);
  EXPECT_TRUE(exits.back().expected);
  EXPECT_TRUE(exits.back().will_restart);
  host.Advance(seconds(1));
  EXPECT_EQ(host.launches, 2);
  EXPECT_EQ(Pod()["status"]["containerStatuses"][0]["restartCount"], 1);
}

TEST_F(SupervisorTest, ScaleDownDuringALivenessRestartCancelsTheRestart) {
  json liveness = {{"livenessProbe", {{"periodSeconds", 1}, {"failureThreshold", 1}}}};
  std::vector<pid_t> pids = StartReady(1, Revision({}, liveness));
  host.Advance(seconds(1));
  host.FinishProbes(false);  // stopping, to be restarted
  sup->Scale(kKey, 1);       // still counts as wanted: nothing new
  EXPECT_EQ(host.launches, 1);
  sup->Scale(kKey, 0);
  host.Exit(pids[0], 0, SIGTERM);
  EXPECT_FALSE(exits.back().will_restart);
  host.Advance(seconds(5));
  EXPECT_EQ(host.launches, 1);
  EXPECT_TRUE(sup->Pods().empty());
}

TEST_F(SupervisorTest, RemoveRevisionStopsEverythingAndForgetsIt) {
  std::vector<pid_t> pids = StartReady(2);
  sup->RemoveRevision(kKey);
  EXPECT_EQ(std::count_if(events.begin(), events.end(),
                          [](const std::string& e) { return e.rfind("terminating", 0) == 0; }),
            2);
  for (pid_t pid : pids) sup->Drained(kKey, IdOf(pid));
  sup->Scale(kKey, 3);  // ignored: the revision is going away
  EXPECT_EQ(host.launches, 2);
  for (pid_t pid : pids) host.Exit(pid, 0, SIGTERM);
  EXPECT_TRUE(sup->Pods().empty());
  sup->Scale(kKey, 1);  // forgotten
  EXPECT_EQ(host.launches, 2);
}

TEST_F(SupervisorTest, ShutdownTermsEverythingQuietlyAndReportsWhenAllHaveExited) {
  std::vector<pid_t> pids = StartReady(2);
  sup->Scale(kKey, 3);  // a third, still starting
  bool done = false;
  std::size_t events_before = events.size();
  sup->Shutdown([&] { done = true; });
  for (auto& [pid, p] : host.processes) EXPECT_EQ(p.signals, std::vector<int>{SIGTERM});
  host.Exit(pids[0], 0, SIGTERM);
  EXPECT_FALSE(done);
  host.Advance(seconds(10));
  EXPECT_EQ(host.Signals(pids[1]), (std::vector<int>{SIGTERM, SIGKILL}));
  host.Exit(pids[1], 0, SIGKILL);
  host.Exit(host.last_pid(), 1);  // would be a start-up failure; now just an exit
  EXPECT_TRUE(done);
  EXPECT_EQ(events.size(), events_before);  // no callbacks during shutdown
  host.Advance(seconds(100));
  EXPECT_EQ(host.launches, 3);
}

TEST_F(SupervisorTest, LogsAreFoundByPodNameAndClosedWhenTheInstanceGoes) {
  std::vector<pid_t> pids = StartReady(1);
  std::string pod = host.processes.at(pids[0]).request.pod;
  std::shared_ptr<LogBuffer> log = sup->Log(pod);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(sup->Log("nope"), nullptr);
  sup->Scale(kKey, 0);
  sup->Drained(kKey, IdOf(pids[0]));
  host.Exit(pids[0], 0, SIGTERM);
  EXPECT_TRUE(log->ReadFrom(0).closed);
  EXPECT_EQ(sup->Log(pod), nullptr);
}

TEST_F(SupervisorTest, PodsDescribeEveryInstance) {
  std::vector<pid_t> pids = StartReady(1);
  json pod = Pod();
  EXPECT_EQ(pod["metadata"]["namespace"], "default");
  EXPECT_EQ(pod["metadata"]["labels"]["serving.knative.dev/service"], "hello");
  EXPECT_EQ(pod["metadata"]["uid"].get<std::string>().size(), 36u);
  EXPECT_EQ(pod["metadata"]["uid"].get<std::string>()[14], '4');
  EXPECT_EQ(pod["spec"]["containers"][0]["image"], "/bin/app");
  EXPECT_EQ(pod["spec"]["terminationGracePeriodSeconds"], 10);
  EXPECT_EQ(pod["status"]["phase"], "Running");
  EXPECT_EQ(pod["status"]["containerStatuses"][0]["ready"], true);
  EXPECT_TRUE(pod["status"]["containerStatuses"][0]["state"].contains("running"));
}

}  // namespace
}  // namespace ebb::runtime

namespace ebb::runtime {
namespace {

// Standbys: a revision at zero keeps a start that another thread fires (standby.h).
class StandbyTest : public SupervisorTest {
 protected:
  StandbyTest() { Make(/*drain=*/true, &board); }

  // Fires the armed standby the way Runtime::StartFromZero and Adopt do, then reports it.
  std::shared_ptr<Standby> FireAndReport() {
    std::shared_ptr<Standby> standby = board.Take(kKey);
    EXPECT_TRUE(standby);
    if (!standby) return nullptr;
    EXPECT_TRUE(standby->Fire());
    sup->Fired(kKey, standby.get());
    return standby;
  }

  StandbyBoard board;
};

TEST_F(StandbyTest, ARevisionAtZeroKeepsAStandbyThatBecomesAnInstanceWhenFired) {
  sup->SetRevision(kKey, Revision());
  EXPECT_EQ(host.prepared, 1);
  EXPECT_EQ(host.launches, 0);
  EXPECT_TRUE(sup->Pods().empty());  // nothing runs at zero
  std::shared_ptr<Standby> standby = FireAndReport();
  ASSERT_TRUE(standby);
  EXPECT_TRUE(standby->started());
  EXPECT_FALSE(standby->Fire());  // once only
  ASSERT_EQ(sup->Pods().size(), 1u);
  json pod = Pod();
  EXPECT_EQ(pod["metadata"]["name"], standby->pod());
  EXPECT_EQ(standby->pod(), "hello-00001-deployment-" + standby->id());
  EXPECT_EQ(host.adopted, 1);
  EXPECT_EQ(host.processes.begin()->second.request.port, standby->port());
  // Not socket-activated: ready once the readiness probe passes, like any instance.
  host.Advance(microseconds(0));
  EXPECT_EQ(host.FinishProbes(true), 1);
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].id, standby->id());
  // The autoscaler's decision follows the fire: one instance is there already.
  sup->Scale(kKey, 1);
  EXPECT_EQ(host.launches, 0);
  EXPECT_EQ(sup->Pods().size(), 1u);
  EXPECT_FALSE(board.Take(kKey));  // not at zero: no standby
}

TEST_F(StandbyTest, ASocketActivatedStandbyIsReadyWhenAdoptedAndKeepsTheListener) {
  sup->SetRevision(kKey, Revision({{"ebb.dev/socket-activation", "true"}}));
  ASSERT_EQ(host.prepared_requests.size(), 1u);
  EXPECT_EQ(host.prepared_requests[0].port, 40001);
  std::shared_ptr<Standby> standby = FireAndReport();
  EXPECT_TRUE(standby->socket_activation());
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].port, 40001);
  // Back to zero: the next standby reuses the revision's listener.
  sup->Scale(kKey, 0);
  host.Exit(host.last_pid(), 0);
  EXPECT_EQ(host.prepared, 2);
  EXPECT_EQ(host.prepared_requests[1].port, 40001);
  EXPECT_EQ(host.listens, 1);
}

// An app that binds its own port says READY=1 on a socket of its standby's own, which the
// thread that fires the standby reads (Runtime::StartFromZero) and reports back with the time
// it read it. A socket-activated app needs none; without one the shared socket serves.
TEST_F(StandbyTest, APortStandbyHasItsOwnNotifySocketAndItsReadyIsReportedBack) {
  sup->SetRevision(kKey, Revision());
  ASSERT_EQ(host.prepared_requests.size(), 1u);
  EXPECT_EQ(host.prepared_requests[0].notify_socket, "@ready-1");
  std::shared_ptr<Standby> standby = FireAndReport();
  ASSERT_TRUE(standby);
  host.Advance(microseconds(900));
  auto read_at = clock.Steady() - microseconds(200);
  sup->ReadyReported(kKey, standby->pod(), read_at);
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].id, standby->id());
  EXPECT_EQ(ready[0].ready, read_at);
  EXPECT_TRUE(host.probes.empty());  // no more probing
  sup->ReadyReported(kKey, standby->pod(), clock.Steady());  // ready already: nothing
  sup->ReadyReported(kKey, "unknown", clock.Steady());
  EXPECT_EQ(ready.size(), 1u);

  sup->SetRevision("default/activated", Revision({{"ebb.dev/socket-activation", "true"}}));
  ASSERT_EQ(host.prepared_requests.size(), 2u);
  EXPECT_EQ(host.prepared_requests[1].notify_socket, "");
  EXPECT_EQ(host.ready_sockets, 1);
  host.ready_socket_error = Status(Code::kInternal, "no socket");
  sup->SetRevision("default/other", Revision());
  ASSERT_EQ(host.prepared_requests.size(), 3u);
  EXPECT_EQ(host.prepared_requests[2].notify_socket, "");  // the shared one
}

// The report of the fire reaches the supervisor's thread a little after the clone: the
// instance was accepting connections since its spawn, and that is its ready time.
TEST_F(StandbyTest, ASocketActivatedInstanceIsReadyFromItsSpawnNotFromItsAdoption) {
  sup->SetRevision(kKey, Revision({{"ebb.dev/socket-activation", "true"}}));
  std::shared_ptr<Standby> standby = board.Take(kKey);
  ASSERT_TRUE(standby);
  ASSERT_TRUE(standby->Fire());
  host.Advance(microseconds(300));
  sup->Fired(kKey, standby.get());
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].ready, ready[0].started);
  EXPECT_LT(ready[0].started, clock.Steady());
}

// The app of a fired standby can send READY=1 before the supervisor's thread handles the fire
// (without chrt, traced: the worker that fired it was still busy). The adoption takes it,
// with its time, instead of probing.
TEST_F(StandbyTest, AReadyNotifiedBeforeTheAdoptionIsTakenByIt) {
  sup->SetRevision(kKey, Revision());
  std::shared_ptr<Standby> standby = board.Take(kKey);
  ASSERT_TRUE(standby);
  ASSERT_TRUE(standby->Fire());
  host.Advance(microseconds(400));
  auto notified = clock.Steady();
  sup->NotifyReady(host.last_pid());
  EXPECT_TRUE(ready.empty());
  host.Advance(microseconds(300));
  sup->Fired(kKey, standby.get());
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].ready, notified);
  EXPECT_TRUE(host.probes.empty());
}

TEST_F(StandbyTest, AReadyKeptTooLongIsNotTakenAndTheInstanceIsProbed) {
  sup->SetRevision(kKey, Revision());
  std::shared_ptr<Standby> standby = board.Take(kKey);
  ASSERT_TRUE(standby);
  ASSERT_TRUE(standby->Fire());
  sup->NotifyReady(host.last_pid());
  host.Advance(seconds(2));  // longer than a READY=1 from a group not adopted is kept
  sup->Fired(kKey, standby.get());
  EXPECT_TRUE(ready.empty());
  host.Advance(microseconds(0));
  host.FinishProbes(true);
  EXPECT_EQ(ready.size(), 1u);
}

TEST_F(StandbyTest, AFiredStandbyIsKeptUntilScaleSaysOtherwise) {
  sup->SetRevision(kKey, Revision());
  FireAndReport();
  // A Scale(0) already queued before the fire's decision: stops it like any instance.
  sup->Scale(kKey, 0);
  EXPECT_EQ(host.Signals(host.last_pid()), std::vector<int>{SIGTERM});
}

TEST_F(StandbyTest, ScaleUpWithdrawsAnUnfiredStandbyAndLaunchesAsUsual) {
  sup->SetRevision(kKey, Revision());
  sup->Scale(kKey, 2);
  EXPECT_EQ(host.launches, 2);
  EXPECT_EQ(host.adopted, 0);
  EXPECT_FALSE(board.Take(kKey));
  // Down to zero: armed again once the last instance has gone.
  host.Advance(microseconds(0));
  host.FinishProbes(true);
  sup->Scale(kKey, 0);
  EXPECT_FALSE(board.Take(kKey));  // still draining
  for (auto& [pid, p] : host.processes) {
    sup->Drained(kKey, IdOf(pid));
    host.Exit(pid, 0);
  }
  EXPECT_TRUE(sup->Pods().empty());
  EXPECT_TRUE(board.Take(kKey));
}

TEST_F(StandbyTest, AStandbyFiredWhileScaleUpRunsIsCountedNotDoubled) {
  sup->SetRevision(kKey, Revision());
  std::shared_ptr<Standby> standby = board.Take(kKey);
  ASSERT_TRUE(standby->Fire());
  sup->Scale(kKey, 1);  // before the fire's report arrives
  EXPECT_EQ(host.launches, 0);
  EXPECT_EQ(host.adopted, 1);
  sup->Fired(kKey, standby.get());  // the late report changes nothing
  EXPECT_EQ(sup->Pods().size(), 1u);
}

TEST_F(StandbyTest, AFailedStartIsReportedAndRetriedWithBackoff) {
  host.start_error = Status(Code::kNotFound, "exec /bin/app: No such file or directory");
  sup->SetRevision(kKey, Revision());
  std::shared_ptr<Standby> standby = FireAndReport();
  EXPECT_FALSE(standby->started());
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(events.back(), "failed ContainerMissing");
  EXPECT_EQ(Pod()["status"]["containerStatuses"][0]["state"]["waiting"]["reason"],
            "ContainerMissing");
  host.start_error = Status::Ok();
  host.Advance(seconds(1));  // the restart goes through Launch
  EXPECT_EQ(host.launches, 1);
}

TEST_F(StandbyTest, ANewTemplateReplacesTheStandby) {
  sup->SetRevision(kKey, Revision());
  sup->SetRevision(kKey, Revision({}, {{"args", json::array({"--v2"})}}));
  EXPECT_EQ(host.prepared, 2);
  std::shared_ptr<Standby> standby = FireAndReport();
  ASSERT_EQ(host.processes.size(), 1u);
  EXPECT_EQ(host.processes.begin()->second.request.revision->args,
            std::vector<std::string>{"--v2"});
}

TEST_F(StandbyTest, RemovalAndShutdownStopAStandbyFiredMeanwhile) {
  sup->SetRevision(kKey, Revision());
  std::shared_ptr<Standby> standby = board.Take(kKey);
  ASSERT_TRUE(standby->Fire());
  sup->RemoveRevision(kKey);  // adopts it, then stops it
  EXPECT_EQ(host.adopted, 1);
  EXPECT_EQ(host.Signals(host.last_pid()), std::vector<int>{SIGTERM});
  host.Exit(host.last_pid(), 0);
  EXPECT_FALSE(board.Take(kKey));

  sup->SetRevision(kKey, Revision());
  standby = board.Take(kKey);
  ASSERT_TRUE(standby->Fire());
  bool done = false;
  sup->Shutdown([&] { done = true; });
  EXPECT_EQ(host.Signals(host.last_pid()), std::vector<int>{SIGTERM});
  host.Exit(host.last_pid(), 0);
  EXPECT_TRUE(done);
  EXPECT_FALSE(standby->Fire());
}

TEST_F(StandbyTest, AnUnrunnableRevisionHasNoStandby) {
  host.launch_error = Status(Code::kNotFound, "image \"/nope\" is not an executable file");
  sup->SetRevision(kKey, Revision());
  EXPECT_FALSE(board.Take(kKey));
  host.launch_error = Status::Ok();  // runnable, but the revision itself is invalid:
  sup->SetRevision(kKey, json{{"metadata", {{"name", "x"}}}});  // no containers
  EXPECT_FALSE(board.Take(kKey));
}

}  // namespace
}  // namespace ebb::runtime
