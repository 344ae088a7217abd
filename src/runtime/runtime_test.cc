// The whole runtime with real processes: spawn, readiness, stop, logs, orphans, Pods.
// Waits here are for real processes to act, bounded by generous deadlines (runtime.md: p99
// cold starts reach tens of ms under load); no test waits for time to pass.
#include "runtime/runtime.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <thread>

#include "runtime/spawn.h"
#include "runtime/test_util.h"
#include "runtime/tracker.h"

namespace ebb::runtime {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kPython[] = "/usr/bin/python3";
constexpr char kKey[] = "default/hello-00001";

// Serves "HTTP 200" on $PORT, or on fd 3 when socket activated (answering "pid-ok" when
// LISTEN_PID is its own pid), after printing the runtime contract's variables.
constexpr char kServer[] = R"py(
import os, socket
activated = os.environ.get("LISTEN_FDS") == "1"
print("env", os.environ["PORT"], os.environ["K_SERVICE"], os.environ["K_CONFIGURATION"],
      os.environ["K_REVISION"], os.environ.get("FOO", "-"), flush=True)
if activated:
    s = socket.socket(fileno=3)
    body = b"pid-ok" if os.environ.get("LISTEN_PID") == str(os.getpid()) else b"pid-bad"
else:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(os.environ["PORT"])))
    s.listen(16)
    body = b"bound"
while True:
    c, _ = s.accept()
    c.recv(65536)
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
    c.close()
)py";

// Sends READY=1 to NOTIFY_SOCKET and never listens.
constexpr char kNotifier[] = R"py(
import os, socket, time
address = os.environ["NOTIFY_SOCKET"]
if address.startswith("@"):
    address = "\0" + address[1:]
socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"READY=1", address)
time.sleep(300)
)py";

json Revision(json container, json annotations = json::object()) {
  container["name"] = "user-container";
  if (!container.contains("image")) container["image"] = "ebb-test-app";
  return {{"apiVersion", "serving.knative.dev/v1"},
          {"kind", "Revision"},
          {"metadata",
           {{"name", "hello-00001"},
            {"namespace", "default"},
            {"uid", "rev-uid"},
            {"labels",
             {{"serving.knative.dev/service", "hello"},
              {"serving.knative.dev/configuration", "hello-cfg"}}},
            {"annotations", annotations}}},
          {"spec", {{"timeoutSeconds", 2}, {"containers", json::array({container})}}}};
}

json Shell(const std::string& script) { return {{"command", {"/bin/sh", "-c", script}}}; }
json Python(const std::string& script) { return {{"command", {kPython, "-c", script}}}; }
json Activated() { return {{"ebb.dev/socket-activation", "true"}}; }

// GET / on 127.0.0.1:port; the response body, or "" on failure.
std::string Get(int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  timeval tv{10, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) return "";
  std::string req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  ::send(fd.get(), req.data(), req.size(), MSG_NOSIGNAL);
  std::string resp;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd.get(), buf, sizeof buf, 0)) > 0;) resp.append(buf, n);
  std::size_t body = resp.find("\r\n\r\n");
  return body == std::string::npos ? "" : resp.substr(body + 4);
}

class RuntimeTest : public ::testing::Test {
 protected:
  RuntimeTest() {
    char tmpl[] = "/tmp/ebb-runtime-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  ~RuntimeTest() override {
    if (rt_) rt_->Stop();
    std::filesystem::remove_all(dir_);
  }
  void SetUp() override {
    if (::access(kPython, X_OK) != 0) GTEST_SKIP() << kPython << " is needed for these tests";
  }

  void Start(bool drain = false, Options options = {}) {
    options.data_dir = dir_;
    options.max_grace = seconds(5);
    Callbacks cb;
    cb.on_ready = [this](const std::string&, const InstanceInfo& i) {
      Record("ready", i.id, i.port, [&](Event& e) { e.pods_seen = rt_->Pods().size(); });
    };
    if (drain) {
      cb.on_terminating = [this](const std::string&, const InstanceInfo& i) {
        Record("terminating", i.id, i.port);
      };
    }
    cb.on_exited = [this](const std::string&, const InstanceInfo& i, const ExitInfo& x) {
      Record("exited", i.id, i.port, [&](Event& e) { e.exit = x; });
    };
    cb.on_failed_to_start = [this](const std::string&, const std::string& reason,
                                   const std::string& message) {
      Record("failed", "", 0, [&](Event& e) {
        e.reason = reason;
        e.message = message;
      });
    };
    Result<std::unique_ptr<Runtime>> rt = Runtime::Start(options, cb, clock_);
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    rt_ = std::move(rt).value();
  }

  struct Event {
    std::string kind, id;
    int port = 0;
    ExitInfo exit;
    std::string reason, message;
    std::size_t pods_seen = 0;
    std::chrono::steady_clock::time_point at;
  };
  void Record(const std::string& kind, const std::string& id, int port,
              const std::function<void(Event&)>& fill = nullptr) {
    Event e{kind, id, port};
    e.at = std::chrono::steady_clock::now();
    if (fill) fill(e);
    std::lock_guard lock(mu_);
    events_.push_back(std::move(e));
    cv_.notify_all();
  }
  // The n-th (0-based) event of `kind`, waiting up to 20 s for it.
  Event WaitFor(const std::string& kind, int n = 0) {
    std::unique_lock lock(mu_);
    Event found;
    bool ok = cv_.wait_for(lock, seconds(20), [&] {
      int seen = 0;
      for (const Event& e : events_) {
        if (e.kind == kind && seen++ == n) {
          found = e;
          return true;
        }
      }
      return false;
    });
    EXPECT_TRUE(ok) << "no " << kind << " event #" << n;
    return found;
  }
  int Count(const std::string& kind) {
    std::lock_guard lock(mu_);
    return static_cast<int>(std::count_if(events_.begin(), events_.end(),
                                          [&](const Event& e) { return e.kind == kind; }));
  }
  // Starts kKey's standby once the runtime thread has armed it (up to 20 s).
  Runtime::ColdStart StartFromZero() {
    Runtime::ColdStart cold;
    auto deadline = std::chrono::steady_clock::now() + seconds(20);
    while (!(cold = rt_->StartFromZero(kKey)).started &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(1));
    }
    return cold;
  }
  // Follows the only pod's log until it contains `text`.
  std::string WaitForLog(const std::string& text) {
    std::string pod = rt_->Pods().at(0)["metadata"]["name"];
    auto log = rt_->FollowLogs(pod).value();
    auto deadline = std::chrono::steady_clock::now() + seconds(20);
    while (log->Tail(std::nullopt).find(text) == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
      log->WaitFor(log->end_offset(), milliseconds(100));
    }
    return log->Tail(std::nullopt);
  }

  RealClock clock_;
  std::string dir_;
  std::unique_ptr<Runtime> rt_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;  // guarded by mu_
};

TEST_F(RuntimeTest, StartsTheAppWithTheRuntimeContractAndProbesItsPort) {
  Start();
  json container = Python(kServer);
  container["env"] = {{{"name", "FOO"}, {"value", "bar"}}};
  rt_->SetRevision(kKey, Revision(container));
  rt_->Scale(kKey, 1);
  Event ready = WaitFor("ready");
  EXPECT_GE(ready.port, 20000);
  EXPECT_EQ(ready.pods_seen, 1u);  // Pods() works from inside a callback
  EXPECT_EQ(Get(ready.port), "bound");
  EXPECT_EQ(rt_->Logs("hello-00001-deployment-" + ready.id, 1).value(),
            "env " + std::to_string(ready.port) + " hello hello-cfg hello-00001 bar\n");
}

TEST_F(RuntimeTest, SocketActivationIsReadyAtSpawnAndTheAppGetsItsOwnPid) {
  Start();
  rt_->SetRevision(kKey, Revision(Python(kServer), Activated()));
  rt_->Scale(kKey, 1);
  Event ready = WaitFor("ready");
  // The kernel queues this connection before the app even runs.
  EXPECT_EQ(Get(ready.port), "pid-ok");
  rt_->Scale(kKey, 0);
  WaitFor("exited");
  rt_->Scale(kKey, 1);
  EXPECT_EQ(WaitFor("ready", 1).port, ready.port);  // the same socket across scale-to-zero
  EXPECT_EQ(Get(ready.port), "pid-ok");
}

TEST_F(RuntimeTest, ReadyOnNotifySocketFromTheAppOrAProcessItStarted) {
  Start();
  json container = Shell(std::string(kPython) + " -c \"$SCRIPT\"; true");  // python is a child
  container["env"] = {{{"name", "SCRIPT"}, {"value", kNotifier}}};
  rt_->SetRevision(kKey, Revision(container));
  rt_->Scale(kKey, 1);
  WaitFor("ready");  // its port never opens: only READY=1 can have done this
}

// At zero a revision keeps a standby; the thread that starts it from zero gets the socket its
// app's READY=1 reaches, and the runtime learns of it only from ReportReady (this app never
// listens, so no probe could find it ready).
TEST_F(RuntimeTest, AStandbyStartedFromZeroHandsItsReadySocketToTheCaller) {
  Start();
  rt_->SetRevision(kKey, Revision(Python(kNotifier)));
  Runtime::ColdStart cold = StartFromZero();
  ASSERT_TRUE(cold.started);
  EXPECT_FALSE(cold.accepting);
  ASSERT_TRUE(cold.starting);
  ASSERT_TRUE(cold.starting->ready_socket.valid());
  timeval tv{20, 0};
  ::setsockopt(cold.starting->ready_socket.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[64];
  ssize_t n = ::recv(cold.starting->ready_socket.get(), buf, sizeof buf, 0);
  ASSERT_GT(n, 0) << std::strerror(errno);
  EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)), "READY=1");
  EXPECT_EQ(Count("ready"), 0);
  auto read_at = std::chrono::steady_clock::now();
  rt_->Adopt(kKey, cold.fired);
  rt_->ReportReady(kKey, cold.starting->instance.pod, read_at);
  Event ready = WaitFor("ready");
  EXPECT_EQ(ready.id, cold.starting->instance.id);
  EXPECT_EQ(ready.port, cold.starting->instance.port);
}

// The runtime takes a start from zero over when told (Adopt): until then it neither lists nor
// probes the process, so that the caller can leave the CPUs to the starting app.
TEST_F(RuntimeTest, AStartFromZeroIsTheRuntimesOnceAdopted) {
  Start();
  rt_->SetRevision(kKey, Revision(Python(kServer), Activated()));
  Runtime::ColdStart cold = StartFromZero();
  ASSERT_TRUE(cold.started);
  ASSERT_TRUE(cold.accepting);
  EXPECT_TRUE(rt_->Pods().empty());  // Pods runs on the runtime thread, after what was queued
  rt_->Adopt(kKey, cold.fired);
  ASSERT_EQ(rt_->Pods().size(), 1u);
  EXPECT_EQ(WaitFor("ready").id, cold.accepting->id);
}

// A Scale that comes before Adopt takes the fired process as the instance it wants instead of
// starting another; the late Adopt changes nothing.
TEST_F(RuntimeTest, AScaleBeforeAdoptCountsTheStartFromZero) {
  Start();
  rt_->SetRevision(kKey, Revision(Python(kServer), Activated()));
  Runtime::ColdStart cold = StartFromZero();
  ASSERT_TRUE(cold.started);
  rt_->Scale(kKey, 1);
  rt_->Adopt(kKey, cold.fired);
  std::vector<json> pods = rt_->Pods();
  ASSERT_EQ(pods.size(), 1u);
  EXPECT_EQ(pods[0]["metadata"]["name"], cold.accepting->pod);
}

TEST_F(RuntimeTest, ExecReadinessProbeRunsInTheWorkingDir) {
  Start();
  json container = Shell("sleep 0.2; touch ready.flag; exec sleep 300");
  container["workingDir"] = dir_;
  container["readinessProbe"] = {{"exec", {{"command", {"test", "-f", "ready.flag"}}}}};
  rt_->SetRevision(kKey, Revision(container));
  rt_->Scale(kKey, 1);
  WaitFor("ready");
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/ready.flag"));
}

TEST_F(RuntimeTest, HttpReadinessProbe) {
  Start();
  json container = Python(kServer);
  container["readinessProbe"] = {{"httpGet", {{"path", "/healthz"}}}};
  rt_->SetRevision(kKey, Revision(container));
  rt_->Scale(kKey, 1);
  EXPECT_EQ(Get(WaitFor("ready").port), "bound");
}

TEST_F(RuntimeTest, AnAppThatExitsAtStartFailsWithItsExitCodeAndLastLines) {
  Start();
  rt_->SetRevision(kKey, Revision(Shell("echo starting; echo 'boom: no config' >&2; exit 3")));
  rt_->Scale(kKey, 1);
  Event failed = WaitFor("failed");
  EXPECT_EQ(failed.reason, "ExitCode3");
  EXPECT_EQ(failed.message, "Container failed with exit code 3: starting\nboom: no config");
  Event exited = WaitFor("exited");
  EXPECT_EQ(exited.exit.exit_code, 3);
  EXPECT_TRUE(exited.exit.will_restart);
  json status = rt_->Pods().at(0)["status"]["containerStatuses"][0];
  EXPECT_EQ(status["lastState"]["terminated"]["exitCode"], 3);
}

TEST_F(RuntimeTest, AnImageThatCannotRunLocallyIsContainerMissing) {
  Start();
  rt_->SetRevision(kKey, Revision({{"image", "gcr.io/knative-samples/helloworld-go"}}));
  rt_->Scale(kKey, 1);
  Event failed = WaitFor("failed");
  EXPECT_EQ(failed.reason, "ContainerMissing");
  EXPECT_NE(failed.message.find("OCI image reference"), std::string::npos);
  EXPECT_EQ(rt_->Pods().at(0)["status"]["phase"], "Pending");
}

TEST_F(RuntimeTest, ACrashedInstanceIsRestarted) {
  Options options;
  options.restart.initial = milliseconds(50);
  Start(false, options);
  rt_->SetRevision(kKey, Revision(Shell("echo run; read x; exit 7"), Activated()));
  rt_->Scale(kKey, 1);
  WaitFor("ready");
  Event crash = WaitFor("exited");  // stdin is /dev/null: `read` fails at once
  EXPECT_EQ(crash.exit.exit_code, 7);
  EXPECT_TRUE(crash.exit.will_restart);
  WaitFor("ready", 1);
  EXPECT_GE(rt_->Pods().at(0)["status"]["containerStatuses"][0]["restartCount"], 1);
}

TEST_F(RuntimeTest, StopSendsSigtermToTheGroup) {
  Start();
  rt_->SetRevision(kKey, Revision(Python(kServer)));
  rt_->Scale(kKey, 1);
  WaitFor("ready");
  rt_->Scale(kKey, 0);
  Event exited = WaitFor("exited");
  EXPECT_EQ(exited.exit.signal, SIGTERM);
  EXPECT_EQ(exited.exit.exit_code, 143);
  EXPECT_TRUE(exited.exit.expected);
  EXPECT_FALSE(exited.exit.will_restart);
  EXPECT_TRUE(rt_->Pods().empty());
}

TEST_F(RuntimeTest, AnAppIgnoringSigtermIsKilledAfterTheGrace) {
  Start();
  json rev = Revision(Shell("trap '' TERM; echo up; while :; do sleep 0.05; done"), Activated());
  rev["spec"]["timeoutSeconds"] = 1;  // the grace
  rt_->SetRevision(kKey, rev);
  rt_->Scale(kKey, 1);
  WaitFor("ready");
  WaitForLog("up");  // the trap is set
  auto stop = std::chrono::steady_clock::now();
  rt_->Scale(kKey, 0);
  Event exited = WaitFor("exited");
  EXPECT_EQ(exited.exit.signal, SIGKILL);
  EXPECT_EQ(exited.exit.exit_code, 137);
  EXPECT_GE(exited.at - stop, milliseconds(900));
}

TEST_F(RuntimeTest, DrainingWaitsForDrained) {
  Start(/*drain=*/true);
  rt_->SetRevision(kKey, Revision(Python(kServer)));
  rt_->Scale(kKey, 1);
  Event ready = WaitFor("ready");
  rt_->Scale(kKey, 0);
  Event terminating = WaitFor("terminating");
  EXPECT_EQ(terminating.id, ready.id);
  EXPECT_EQ(Get(ready.port), "bound");  // still serving in-flight work
  json pod = rt_->Pods().at(0);
  EXPECT_TRUE(pod["metadata"].contains("deletionTimestamp"));
  rt_->Drained(kKey, ready.id);
  EXPECT_EQ(WaitFor("exited").exit.signal, SIGTERM);
}

TEST_F(RuntimeTest, LogsAreBoundedAndTailable) {
  Options options;
  options.log_bytes = 4096;
  Start(false, options);
  rt_->SetRevision(kKey,
                   Revision(Shell("i=0; while [ $i -lt 2000 ]; do echo line-$i; i=$((i+1)); done; "
                                  "echo done >&2; exec sleep 300"),
                            Activated()));
  rt_->Scale(kKey, 1);
  WaitFor("ready");
  std::string all = WaitForLog("done");
  EXPECT_LE(all.size(), 4096u);
  EXPECT_EQ(all.substr(all.size() - 15), "line-1999\ndone\n");
  std::string pod = rt_->Pods().at(0)["metadata"]["name"];
  EXPECT_EQ(rt_->Logs(pod, 2).value(), "line-1999\ndone\n");
  EXPECT_EQ(rt_->Logs("nope", 2).status().code(), Code::kNotFound);
}

// Until the runtime watches an instance's output (settle_delay after its start), what the app
// wrote waits in the pipe; a reader of the logs gets it all the same.
TEST_F(RuntimeTest, LogsShowWhatTheAppWroteBeforeItsOutputIsWatched) {
  Options options;
  options.settle_delay = std::chrono::hours(1);
  Start(false, options);
  rt_->SetRevision(kKey, Revision(Shell("echo early; echo late >&2; exec sleep 300"), Activated()));
  rt_->Scale(kKey, 1);
  WaitFor("ready");
  std::string pod = rt_->Pods().at(0)["metadata"]["name"];
  // The app runs on its own: ask until its second line is there (or 5 s have passed).
  std::string text;
  for (auto until = std::chrono::steady_clock::now() + seconds(5);
       text.find("late") == std::string::npos && std::chrono::steady_clock::now() < until;) {
    text = rt_->Logs(pod, std::nullopt).value();
    if (text.find("late") == std::string::npos) std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(text, "early\nlate\n");
}

TEST_F(RuntimeTest, PodsDescribeTheInstances) {
  Start();
  rt_->SetRevision(kKey, Revision(Python(kServer)));
  rt_->Scale(kKey, 2);
  int port = WaitFor("ready").port;
  WaitFor("ready", 1);
  std::vector<json> pods = rt_->Pods();
  ASSERT_EQ(pods.size(), 2u);
  json pod =
      pods[0]["spec"]["containers"][0]["ports"][0]["containerPort"] == port ? pods[0] : pods[1];
  EXPECT_TRUE(std::regex_match(pod["metadata"]["name"].get<std::string>(),
                               std::regex("hello-00001-deployment-[b-z2-9]{5}")));
  EXPECT_EQ(pod["metadata"]["labels"]["serving.knative.dev/revision"], "hello-00001");
  EXPECT_EQ(pod["spec"]["containers"][0]["image"], "ebb-test-app");
  EXPECT_EQ(pod["status"]["phase"], "Running");
  EXPECT_EQ(pod["status"]["podIP"], "127.0.0.1");
  EXPECT_EQ(pod["status"]["containerStatuses"][0]["ready"], true);
  EXPECT_TRUE(pod["status"]["containerStatuses"][0]["state"].contains("running"));
}

// The record files under DATA_DIR/runtime/instances: "pid start-ticks pod" each.
std::vector<std::string> TrackingRecords(const std::string& dir) {
  std::vector<std::string> records;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/runtime/instances", ec)) {
    std::ifstream in(entry.path());
    std::string line;
    std::getline(in, line);
    records.push_back(entry.path().filename().string() + ": " + line);
  }
  return records;
}

TEST_F(RuntimeTest, TracksLiveInstancesOnDiskAndStopEndsThem) {
  Start();
  rt_->SetRevision(kKey, Revision(Shell("sleep 300 & exec sleep 301"), Activated()));
  rt_->Scale(kKey, 1);
  WaitFor("ready");
  // The record is written a little after the launch (LoopHost::Adopt): wait for it (bounded).
  std::string records = dir_ + "/runtime/instances";
  auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (TrackingRecords(dir_).empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(std::distance(std::filesystem::directory_iterator(records), {}), 1);
  pid_t pid = std::stoi(std::filesystem::directory_iterator(records)->path().filename());
  rt_->Stop();
  EXPECT_EQ(Count("exited"), 0);  // no callbacks once Stop has begun
  EXPECT_TRUE(std::filesystem::is_empty(records));
  EXPECT_TRUE(testing::GroupGone(pid));  // the whole group, the background sleep too
}

TEST_F(RuntimeTest, WhenTheLeaderExitsWhatItLeftBehindIsKilled) {
  Start();
  // A worker that ignores SIGTERM outlives its parent unless the runtime kills the group.
  // ("$$$$": Kubernetes reads "$$" in command and args as an escaped "$".)
  rt_->SetRevision(kKey,
                   Revision(Shell("(trap '' TERM; exec sleep 300) & echo pid=$$$$; exit 1")));
  rt_->Scale(kKey, 1);
  WaitFor("exited");
  std::string lines = WaitForLog("pid=");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(lines, m, std::regex("pid=([0-9]+)"))) << lines;
  EXPECT_TRUE(testing::GroupGone(std::stoi(m[1])));
}

TEST_F(RuntimeTest, EveryRunningInstanceHasATrackingRecordUntilItExits) {
  Start();
  rt_->SetRevision(kKey, Revision(Python(kServer), Activated()));
  rt_->Scale(kKey, 1);
  Event ready = WaitFor("ready");
  std::string pod = "hello-00001-deployment-" + ready.id;
  // Written a little after the launch: wait for it (bounded), never for a fixed time.
  auto deadline = std::chrono::steady_clock::now() + seconds(20);
  const std::regex record("([0-9]+): ([0-9]+) ([0-9]+) (.+)");
  std::vector<std::string> records;
  std::smatch m;
  auto written = [&] {
    records = TrackingRecords(dir_);
    return records.size() == 1 && std::regex_match(records[0], m, record);
  };
  while (!written() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_TRUE(written()) << ::testing::PrintToString(records);
  EXPECT_EQ(m[1], m[2]);  // named after the leader's pid
  EXPECT_EQ(std::stoull(m[3].str()), ReadStartTicks(std::stoi(m[1].str())).value());
  EXPECT_EQ(m[4], pod);
  rt_->Scale(kKey, 0);
  WaitFor("exited");
  EXPECT_TRUE(TrackingRecords(dir_).empty());
}

TEST_F(RuntimeTest, StartReapsTheOrphansOfAPreviousRun) {
  // What a server killed with -9 leaves: a recorded group whose leader is gone.
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  ProcessSpawner spawner;
  Result<SpawnedProcess> proc =
      spawner.Spawn({"/bin/sh", {"sh", "-c", "sleep 300 & echo up; wait"}, {}, "", fds[1]});
  ::close(fds[1]);
  ASSERT_TRUE(proc.ok());
  char buf[4];
  ASSERT_EQ(::read(fds[0], buf, sizeof buf), 3);
  ::close(fds[0]);
  ASSERT_TRUE(InstanceTracker(dir_ + "/runtime/instances")
                  .Record(proc->pid, ReadStartTicks(proc->pid).value(),
                          "hello-00001-deployment-old00")
                  .ok());
  ::kill(proc->pid, SIGKILL);
  ::waitpid(proc->pid, nullptr, 0);
  ASSERT_EQ(testing::LiveGroupMembers(proc->pid), 1);  // the orphaned sleep
  Start();
  EXPECT_EQ(rt_->orphans_reaped(), 1);
  EXPECT_TRUE(testing::GroupGone(proc->pid));
}

TEST_F(RuntimeTest, StartNeedsADataDirAndAPortRange) {
  EXPECT_EQ(Runtime::Start({}, {}, clock_).status().code(), Code::kInvalid);
  Options options;
  options.data_dir = dir_;
  options.port_min = 30000;
  options.port_max = 29999;
  EXPECT_EQ(Runtime::Start(options, {}, clock_).status().code(), Code::kInvalid);
}

}  // namespace
}  // namespace ebb::runtime
