// Real processes: what a spawned child sees, and how failures come back.
#include "runtime/spawn.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace ebb::runtime {
namespace {

struct Output {
  std::string text;
  int status = 0;
};

// Spawns `script` under /bin/sh with stdout on a pipe; returns what it printed and its status.
// It reads to EOF: a write end of the pipe left behind in the server would hang it.
Output RunShell(const std::string& script, SpawnRequest req = {}, bool use_slots = false) {
  int fds[2];
  EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  req.path = "/bin/sh";
  req.argv = {"sh", "-c", script};
  req.stdout_fd = fds[1];
  ProcessSpawner spawner(use_slots);
  Result<SpawnedProcess> proc = spawner.Spawn(req);
  ::close(fds[1]);
  Output out;
  EXPECT_TRUE(proc.ok()) << proc.status().ToString();
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.text.append(buf, n);
  ::close(fds[0]);
  if (proc.ok()) ::waitpid(proc->pid, &out.status, 0);
  return out;
}

TEST(ProcessSpawner, StartsANewSessionWithTheGivenEnvironmentAndCwd) {
  SpawnRequest req;
  req.env = {"FOO=bar baz", "PATH=/usr/bin:/bin"};
  req.cwd = "/tmp";
  Output out = RunShell(R"sh(echo "$FOO|$(pwd)|$$|$(cut -d' ' -f5,6 /proc/$$/stat)")sh", req);
  // pid == process group == session: setsid() ran in the child.
  std::string pid = out.text.substr(out.text.find("/tmp|") + 5);
  pid = pid.substr(0, pid.find('|'));
  EXPECT_EQ(out.text, "bar baz|/tmp|" + pid + "|" + pid + " " + pid + "\n");
  EXPECT_TRUE(WIFEXITED(out.status));
}

TEST(ProcessSpawner, PassesTheListeningSocketAsFd3WithItsOwnPid) {
  int sock = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(sock, 0);
  SpawnRequest req;
  req.listen_fd = sock;
  req.env = {"PATH=/usr/bin:/bin", "LISTEN_PID=stale", "LISTEN_FDS=7"};
  Output out = RunShell(
      R"sh(echo "$LISTEN_FDS $LISTEN_FDNAMES $LISTEN_PID $$"; readlink /proc/$$/fd/3 | cut -c1-8)sh",
      req);
  ::close(sock);
  std::string first = out.text.substr(0, out.text.find('\n'));
  std::string pid = first.substr(first.rfind(' ') + 1);
  EXPECT_EQ(first, "1 http " + pid + " " + pid);  // the caller's LISTEN_* are replaced
  EXPECT_EQ(out.text.substr(first.size() + 1), "socket:[\n");
}

TEST(ProcessSpawner, LeaksNoDescriptorOfTheServer) {
  int leaky = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaky, 0);
  std::string n = std::to_string(leaky);
  Output out = RunShell("[ -e /proc/$$/fd/" + n + " ] && echo leaked || echo clean; " +
                        "[ -e /proc/$$/fd/0 ] && echo stdin");
  ::close(leaky);
  EXPECT_EQ(out.text, "clean\nstdin\n");
}

TEST(ProcessSpawner, ResetsIgnoredSignalsAndTheSignalMask) {
  struct sigaction ignore {
  }, old_pipe{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old_pipe);
  sigset_t usr1, old_mask;
  ::sigemptyset(&usr1);
  ::sigaddset(&usr1, SIGUSR1);
  ::pthread_sigmask(SIG_BLOCK, &usr1, &old_mask);
  // exec: a shell waiting for a child blocks signals itself.
  Output out = RunShell("exec grep -E '^Sig(Blk|Ign)' /proc/self/status");
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  ::sigaction(SIGPIPE, &old_pipe, nullptr);
  EXPECT_NE(out.text.find("SigBlk:\t0000000000000000"), std::string::npos) << out.text;
  std::string ign = out.text.substr(out.text.find("SigIgn:\t") + 8, 16);
  unsigned long long mask = std::stoull(ign, nullptr, 16);
  EXPECT_EQ(mask & (1ULL << (SIGPIPE - 1)), 0u) << out.text;
}

TEST(ProcessSpawner, ResetsOnlyTheSignalsItIsToldTo) {
  struct sigaction ignore {
  }, old_pipe{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old_pipe);
  const std::uint64_t pipe_bit = std::uint64_t{1} << (SIGPIPE - 1);
  std::uint64_t changed = ChangedSignals();
  SpawnRequest keep;
  keep.reset_signals = changed & ~pipe_bit;
  Output kept = RunShell("exec grep '^SigIgn' /proc/self/status", keep);
  SpawnRequest reset;
  reset.reset_signals = changed;
  Output reset_out = RunShell("exec grep '^SigIgn' /proc/self/status", reset);
  ::sigaction(SIGPIPE, &old_pipe, nullptr);
  EXPECT_NE(changed & pipe_bit, 0u);
  EXPECT_EQ(ChangedSignals() & pipe_bit, 0u);  // SIG_DFL again
  auto ignored = [](const std::string& text) {
    return std::stoull(text.substr(text.find('\t') + 1, 16), nullptr, 16);
  };
  EXPECT_NE(ignored(kept.text) & pipe_bit, 0u) << kept.text;  // left alone: still ignored
  EXPECT_EQ(ignored(reset_out.text) & pipe_bit, 0u) << reset_out.text;
}

TEST(ProcessSpawner, ReportsAMissingProgramOrDirectory) {
  ProcessSpawner spawner;
  Result<SpawnedProcess> proc = spawner.Spawn({"/nonexistent/app", {"app"}, {}, ""});
  EXPECT_EQ(proc.status().code(), Code::kNotFound);
  EXPECT_EQ(proc.status().message(), "exec /nonexistent/app: No such file or directory");
  char data[] = "/tmp/ebb-spawn-test-XXXXXX";  // a file without execute permission
  ::close(::mkstemp(data));
  proc = spawner.Spawn({data, {"data"}, {}, ""});
  ::unlink(data);
  EXPECT_EQ(proc.status().code(), Code::kNotFound);
  EXPECT_NE(proc.status().message().find("Permission denied"), std::string::npos)
      << proc.status().message();
  proc = spawner.Spawn({"/bin/true", {"true"}, {}, "/nonexistent-dir"});
  EXPECT_EQ(proc.status().code(), Code::kNotFound);
  EXPECT_EQ(proc.status().message(), "workingDir /nonexistent-dir: No such file or directory");
  EXPECT_EQ(spawner.Spawn({"/bin/true", {}, {}, ""}).status().code(), Code::kInvalid);
}

TEST(ProcessSpawner, GivesAPidfdAndTheStartTimeCanBeRead) {
  ProcessSpawner spawner;
  Result<SpawnedProcess> proc = spawner.Spawn({"/bin/sleep", {"sleep", "5"}, {}, ""});
  ASSERT_TRUE(proc.ok()) << proc.status().ToString();
  Result<std::uint64_t> ticks = ReadStartTicks(proc->pid);
  ASSERT_TRUE(ticks.ok());
  EXPECT_GT(*ticks, 0u);
  EXPECT_EQ(ReadStartTicks(proc->pid).value(), *ticks);  // stable for the process's life
  pollfd pfd{proc->pidfd.get(), POLLIN, 0};
  EXPECT_EQ(::poll(&pfd, 1, 0), 0);  // still running
  ::kill(proc->pid, SIGKILL);
  EXPECT_EQ(::poll(&pfd, 1, 10000), 1);  // the pidfd reports the exit
  ::waitpid(proc->pid, nullptr, 0);
  EXPECT_EQ(ReadStartTicks(proc->pid).status().code(), Code::kNotFound);
}

// A real-time spawning thread is bound to its CPU for the clone (PinForClone in spawn.cc), and
// the child gives the thread's CPU mask back to both: neither the server's thread nor the app
// may stay bound to one CPU. Also when the thread may run on one CPU only, which spawn leaves
// be, and for a thread of the ordinary policy, which it does not bind.
TEST(ProcessSpawner, TheThreadAndTheAppEndWithTheThreadsCpuMask) {
  auto mask_of = [](pid_t tid) {
    cpu_set_t mask;
    CPU_ZERO(&mask);
    EXPECT_EQ(::sched_getaffinity(tid, sizeof mask, &mask), 0);
    return mask;
  };
  auto spawn_and_compare = [&](const cpu_set_t& want) {
    ProcessSpawner spawner;
    for (int i = 0; i < 20; ++i) {  // from whichever CPU the thread happens to be on
      Result<SpawnedProcess> proc = spawner.Spawn({"/bin/sleep", {"sleep", "5"}, {}, ""});
      ASSERT_TRUE(proc.ok()) << proc.status().ToString();
      cpu_set_t app = mask_of(proc->pid), thread = mask_of(0);
      ::kill(proc->pid, SIGKILL);
      ::waitpid(proc->pid, nullptr, 0);
      EXPECT_TRUE(CPU_EQUAL(&app, &want)) << "the app has " << CPU_COUNT(&app) << " CPUs";
      EXPECT_TRUE(CPU_EQUAL(&thread, &want)) << "the thread has " << CPU_COUNT(&thread);
    }
  };
  std::thread([&] {
    cpu_set_t all = mask_of(0);
    spawn_and_compare(all);  // SCHED_OTHER
    sched_param fifo{1};
    if (::sched_setscheduler(0, SCHED_FIFO, &fifo) != 0) {
      GTEST_SKIP() << "SCHED_FIFO not allowed here: " << std::strerror(errno);
    }
    if (CPU_COUNT(&all) > 1) spawn_and_compare(all);
    cpu_set_t one;
    CPU_ZERO(&one);
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (!CPU_ISSET(cpu, &all)) continue;
      CPU_SET(cpu, &one);
      break;
    }
    ASSERT_EQ(::sched_setaffinity(0, sizeof one, &one), 0);
    spawn_and_compare(one);
  }).join();
}

TEST(ProcessSpawner, TheChildDiesWithTheThreadThatSpawnedIt) {
  SpawnedProcess proc;
  std::thread spawner_thread([&] {
    ProcessSpawner spawner;
    Result<SpawnedProcess> p = spawner.Spawn({"/bin/sleep", {"sleep", "30"}, {}, ""});
    ASSERT_TRUE(p.ok());
    proc = std::move(p).value();
  });
  spawner_thread.join();  // PR_SET_PDEATHSIG(SIGKILL) fires now
  ASSERT_GT(proc.pid, 0);
  pollfd pfd{proc.pidfd.get(), POLLIN, 0};
  EXPECT_EQ(::poll(&pfd, 1, 10000), 1);
  int status = 0;
  ::waitpid(proc.pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

// `ebb serve` raises its own descriptor limit and gives the apps the one it started with.
// (Process-wide; under ctest each test is its own process.)
TEST(ProcessSpawner, ChildrenGetTheFileLimitTheServerStartedWith) {
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  ASSERT_GT(saved.rlim_max, 700u);
  rlimit started_with = saved;
  started_with.rlim_cur = 700;
  SetChildFileLimit(started_with);
  Output out = RunShell("ulimit -n");  // ChildSetup, the same with or without slots
  rlimit now{};
  ::getrlimit(RLIMIT_NOFILE, &now);
  EXPECT_EQ(out.text, "700\n");
  EXPECT_EQ(now.rlim_cur, saved.rlim_cur);  // the server's own is untouched
}

// ---- With reserved slots (what `ebb serve` does first) -------------------------------------

// The descriptors of the calling process that are open, by number.
// True when an earlier test in this process reserved the slots (all of [3, 64) is open then).
// ctest runs every test in its own process; a run of the whole binary does not.
bool SlotsReservedEarlier() { return ::fcntl(63, F_GETFD) >= 0; }

std::vector<int> OpenFds() {
  std::vector<int> fds;
  for (int fd = 0; fd < 1024; ++fd) {
    if (::fcntl(fd, F_GETFD) >= 0) fds.push_back(fd);
  }
  return fds;
}

bool IsDevNull(int fd) {
  struct stat a {}, b{};
  return ::fstat(fd, &a) == 0 && ::stat("/dev/null", &b) == 0 && a.st_rdev == b.st_rdev &&
         S_ISCHR(a.st_mode);
}

TEST(ProcessSpawnerSlots, ReservationTakesEveryFreeLowDescriptor) {
  int slots = ReserveSpawnSlots();
  ASSERT_GE(slots, 3);
  EXPECT_EQ(ReserveSpawnSlots(), slots);  // idempotent
  for (int fd = 3; fd < 64; ++fd) EXPECT_GE(::fcntl(fd, F_GETFD), 0) << fd;
  int next = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  EXPECT_GE(next, 64);
  ::close(next);
}

// A server started with stdin closed: /dev/null lands on 0, and the children's stdin must
// still come from a descriptor >= 10 (dup3 onto 0 from 0 would fail every spawn).
TEST(ProcessSpawnerSlots, AServerWithoutStdinStillSpawns) {
  if (SlotsReservedEarlier()) GTEST_SKIP() << "needs the first reservation in this process";
  int saved = ::fcntl(0, F_DUPFD_CLOEXEC, 100);
  ::close(0);
  int slots = ReserveSpawnSlots();
  Output out = RunShell("readlink /proc/$$/fd/0", {}, true);
  ::dup2(saved, 0);
  ::close(saved);
  EXPECT_GE(slots, 3);
  EXPECT_EQ(out.text, "/dev/null\n");
  EXPECT_EQ(out.status, 0);
}

// Under a small descriptor limit the 61 placeholders would starve the server: none are made.
TEST(ProcessSpawnerSlots, NoSlotsUnderASmallDescriptorLimit) {
  if (SlotsReservedEarlier()) GTEST_SKIP() << "needs the first reservation in this process";
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit small = saved;
  small.rlim_cur = 200;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &small), 0);
  std::vector<int> before = OpenFds();
  int slots = ReserveSpawnSlots();
  std::vector<int> after = OpenFds();
  ::setrlimit(RLIMIT_NOFILE, &saved);
  EXPECT_EQ(slots, 0);
  EXPECT_EQ(after, before);
  EXPECT_EQ(RunShell("echo fine", {}, true).text, "fine\n");  // copies the table instead
}

TEST(ProcessSpawnerSlots, TheChildSeesOnlyItsOwnDescriptors) {
  ASSERT_GE(ReserveSpawnSlots(), 3);
  int leaky = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC; >= 64 now
  int sock = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(sock, 0);
  SpawnRequest req;
  req.listen_fd = sock;
  // ls runs as the shell's child and lists the shell's table: stdin, the stdout pipe, stderr
  // (/dev/null) and the listener, nothing of the server's. ls is a simple command writing to
  // the pipe itself: in a pipeline the shell would hold a pipe end of its own while ls looks.
  Output out = RunShell("ls /proc/$$/fd; readlink /proc/$$/fd/0 /proc/$$/fd/2 /proc/$$/fd/3",
                        req, true);
  ::close(sock);
  ::close(leaky);
  EXPECT_EQ(out.text.substr(0, out.text.rfind('[')), "0\n1\n2\n3\n/dev/null\n/dev/null\nsocket:");
  EXPECT_EQ(out.status, 0);
}

TEST(ProcessSpawnerSlots, TheServerTableIsAsBeforeAfterASpawn) {
  ASSERT_GE(ReserveSpawnSlots(), 3);
  std::vector<int> before = OpenFds();
  int sock = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  SpawnRequest req;
  req.listen_fd = sock;
  Output out = RunShell("echo ok", req, true);  // returns at EOF: no write end was kept
  ::close(sock);
  EXPECT_EQ(out.text, "ok\n");
  EXPECT_EQ(OpenFds(), before);
  for (int fd = 10; fd < 64; ++fd) EXPECT_TRUE(IsDevNull(fd)) << fd;  // the slots are refilled
}

// The runtime gives an instance one pipe for stdout and stderr: both arrive, in order, and the
// pipe reaches EOF when the child exits (no slot kept a write end).
TEST(ProcessSpawnerSlots, OnePipeForStdoutAndStderr) {
  ASSERT_GE(ReserveSpawnSlots(), 3);
  ProcessSpawner spawner;
  std::vector<int> before = OpenFds();
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  SpawnRequest req{"/bin/sh", {"sh", "-c", "echo out; echo err >&2"}, {}, ""};
  req.stdout_fd = req.stderr_fd = fds[1];
  Result<SpawnedProcess> proc = spawner.Spawn(req);
  ::close(fds[1]);
  ASSERT_TRUE(proc.ok()) << proc.status().ToString();
  std::string text;
  char buf[256];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, n);
  ::close(fds[0]);
  ::waitpid(proc->pid, nullptr, 0);
  proc->pidfd.reset();
  EXPECT_EQ(text, "out\nerr\n");
  EXPECT_EQ(OpenFds(), before);
}

// More spawns at once than there are slots for: those without fall back to copying the
// table, and every child still gets its own stdout.
TEST(ProcessSpawnerSlots, ConcurrentSpawnsShareTheSlots) {
  ASSERT_GE(ReserveSpawnSlots(), 3);
  std::vector<int> before = OpenFds();
  constexpr int kThreads = 24, kEach = 5;
  std::vector<std::string> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &got] {
      for (int i = 0; i < kEach; ++i) {
        got[t] += RunShell("echo " + std::to_string(t), {}, true).text;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    std::string want;
    for (int i = 0; i < kEach; ++i) want += std::to_string(t) + "\n";
    EXPECT_EQ(got[t], want);
  }
  EXPECT_EQ(OpenFds(), before);
}

TEST(ProcessSpawnerSlots, FailuresAreReportedAndTheSlotsFreed) {
  ASSERT_GE(ReserveSpawnSlots(), 3);
  ProcessSpawner spawner;
  std::vector<int> before = OpenFds();
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  SpawnRequest req{"/nonexistent/app", {"app"}, {}, ""};
  req.stdout_fd = fds[1];
  for (int i = 0; i < 30; ++i) {  // more than the slots: a leak would run out
    Result<SpawnedProcess> proc = spawner.Spawn(req);
    EXPECT_EQ(proc.status().message(), "exec /nonexistent/app: No such file or directory");
  }
  req.stdout_fd = 1000;  // not open
  EXPECT_EQ(spawner.Spawn(req).status().code(), Code::kInternal);
  ::close(fds[0]);
  ::close(fds[1]);
  EXPECT_EQ(OpenFds(), before);
  EXPECT_EQ(RunShell("echo fine", {}, true).text, "fine\n");
}

}  // namespace
}  // namespace ebb::runtime
