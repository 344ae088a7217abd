#include "runtime/loop_host.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <cerrno>
#include <memory>
#include <random>
#include <utility>

#include "runtime/notify.h"

namespace ebb::runtime {
namespace {

// The spawner of the calling thread: a Standby fires on whichever thread takes it, and a
// ProcessSpawner belongs to one thread (its stack; PR_SET_PDEATHSIG follows that thread).
ProcessSpawner& ThreadSpawner() {
  thread_local ProcessSpawner spawner;
  return spawner;
}

}  // namespace

void LoopHost::PrepareThisThread() { ThreadSpawner(); }

LoopHost::LoopHost(EventLoop& loop, InstanceTracker& tracker, LoopHostOptions options)
    : loop_(loop),
      tracker_(tracker),
      options_(std::move(options)),
      probes_(loop, spawner_, options_.base_env),
      // A random start, so that runtimes in different processes (tests in parallel, a second
      // data dir) rarely race for the same port between PickPort and the app's bind().
      next_port_(
          options_.port_min +
          static_cast<int>(std::random_device{}() %
                           static_cast<unsigned>(options_.port_max - options_.port_min + 1))) {}

LoopHost::~LoopHost() {
  for (auto& [pid, run] : running_) Abandon(*run);
}

Result<pid_t> LoopHost::Launch(const LaunchRequest& request,
                               std::function<void(ProcessExit)> on_exit) {
  Result<Standby::Starter> start = PrepareLaunch(request);
  if (!start.ok()) return start.status();
  Result<Standby::Process> process = (*start)();
  if (!process.ok()) return process.status();
  pid_t pid = process->pid;
  EBB_RETURN_IF_ERROR(Adopt(std::move(*process), request, std::move(on_exit)));
  return pid;
}

Result<Standby::Starter> LoopHost::PrepareLaunch(const LaunchRequest& request) {
  // A socket-activated app needs no NOTIFY_SOCKET; a standby's may have one of its own.
  std::string notify = request.listen_fd >= 0          ? std::string()
                       : request.notify_socket.empty() ? options_.notify_socket
                                                       : request.notify_socket;
  Result<LaunchPlan> plan =
      PlanLaunch(*request.revision, InstanceEnv{request.port, notify}, options_.base_env);
  if (!plan.ok()) return plan.status();
  SpawnRequest spawn{plan->path, plan->argv, plan->env, plan->cwd, -1, -1, request.listen_fd};
  // Read now, while the launch is prepared, rather than reset blindly in the child.
  spawn.reset_signals = ChangedSignals();
  // The pipe for the app's stdout and stderr is made now rather than at the start: a standby
  // waits armed for its cold start, where pipe2 and fcntl are two system calls less on a
  // gateway worker that has just woken (20-30 us traced under perf; within the noise of
  // bench/coldstart.sh without it). Only our end is non-blocking: the app's stdout must behave
  // like an ordinary one.
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) < 0) return ErrnoStatus("pipe2", errno);
  using Pipe = std::pair<UniqueFd, UniqueFd>;  // read end, write end
  auto output = std::make_shared<Pipe>(UniqueFd(pipe_fds[0]), UniqueFd(pipe_fds[1]));
  if (::fcntl(output->first.get(), F_SETFL, O_NONBLOCK) < 0) {
    return ErrnoStatus("fcntl O_NONBLOCK", errno);
  }
  spawn.stdout_fd = spawn.stderr_fd = output->second.get();
  // Started at most once (a Standby fires once; Launch calls it once).
  return Standby::Starter([spawn = std::move(spawn), output]() -> Result<Standby::Process> {
    if (!output->second.valid()) return Status(Code::kInternal, "launch started twice");
    Result<SpawnedProcess> proc = ThreadSpawner().Spawn(spawn);
    output->second.reset();  // the app holds the write end now (or nobody does)
    if (!proc.ok()) return proc.status();
    return Standby::Process{proc->pid, std::move(proc->pidfd), std::move(output->first), {}};
  });
}

Status LoopHost::Adopt(Standby::Process process, const LaunchRequest& request,
                       std::function<void(ProcessExit)> on_exit) {
  auto run = std::make_unique<Running>();
  run->pid = process.pid;
  run->pidfd = std::move(process.pidfd);
  run->output = std::move(process.output);
  run->log = request.log;
  run->on_exit = std::move(on_exit);
  Status watched = Watch(*run);
  if (!watched.ok()) {  // an instance we could not watch must not run
    Abandon(*run);
    return watched;
  }
  pid_t pid = run->pid;
  running_.emplace(pid, std::move(run));
  // The tracking record is written a little later (settle_delay, 20 ms): its start time can
  // only be read once the child's execve is through, and reading it plus the file write take
  // ~0.2 ms of CPU that the new process needs more while it starts (on 2 CPUs, a cold start's
  // critical path). Until then PR_SET_PDEATHSIG alone ends the instance if the server dies.
  //
  // The output is watched from then on too. An app that prints a line as it starts (most do)
  // would otherwise wake this thread from its write: on a machine whose idle CPU sleeps, the
  // app's write() waits for the wake-up of the other CPU (60-100 us traced, session 12), and
  // this thread then runs beside the starting app. Until the watch, what the app writes waits
  // in the pipe (64 KiB; an app that writes more before the watch blocks until then); a reader
  // of the logs reads it first (ReadWaitingOutput), and an exit reads it too (OnExited).
  loop_.At(loop_.clock().Steady() + options_.settle_delay, [this, pid, pod = request.pod] {
    Track(pid, pod);
    WatchOutput(pid);
  });
  return Status::Ok();
}

void LoopHost::WatchOutput(pid_t pid) {
  auto it = running_.find(pid);
  if (it == running_.end() || !it->second->output.valid()) return;
  it->second->output_watched = true;
  Status watched = loop_.Watch(it->second->output.get(), EPOLLIN, [this, pid](std::uint32_t) {
    auto run = running_.find(pid);
    if (run != running_.end()) ReadOutput(*run->second);
  });
  if (watched.ok()) return;
  // Without a watch the app would block once the pipe fills: stop it, as Track does.
  it->second->log->Append("ebb: cannot read the instance's output, stopping it: " +
                          watched.message() + "\n");
  ::kill(-pid, SIGKILL);
}

// Only while the leader is not reaped: until then its pid cannot have been reused.
void LoopHost::Track(pid_t pid, const std::string& pod) {
  auto it = running_.find(pid);
  if (it == running_.end()) return;
  Result<std::uint64_t> ticks = ReadStartTicks(pid);
  Status recorded = ticks.ok() ? tracker_.Record(pid, *ticks, pod) : ticks.status();
  if (recorded.ok()) return;
  // An instance that could not be recorded could survive a crash of the server: end it. Its
  // exit reaches the supervisor like a crash, and its log says why.
  it->second->log->Append("ebb: cannot track the instance, stopping it: " + recorded.message() +
                          "\n");
  ::kill(-pid, SIGKILL);
}

void LoopHost::Abandon(Running& run) {
  loop_.Unwatch(run.pidfd.get());
  CloseOutput(run);
  ::kill(-run.pid, SIGKILL);
  ::waitpid(run.pid, nullptr, 0);
  tracker_.Forget(run.pid);
}

void LoopHost::ReadWaitingOutput() {
  for (auto& [pid, run] : running_) {
    if (!run->output_watched) ReadOutput(*run);
  }
}

Status LoopHost::Watch(Running& run) {
  pid_t pid = run.pid;
  return loop_.Watch(run.pidfd.get(), EPOLLIN, [this, pid](std::uint32_t) { OnExited(pid); });
}

void LoopHost::ReadOutput(Running& run) {
  char buf[64 * 1024];
  while (run.output.valid()) {
    ssize_t n = ::read(run.output.get(), buf, sizeof buf);
    if (n > 0) {
      run.log->Append(std::string_view(buf, static_cast<std::size_t>(n)));
    } else if (n == 0 || errno != EINTR) {
      if (n == 0 || errno != EAGAIN) CloseOutput(run);  // EOF: every writer has gone
      return;
    }
  }
}

void LoopHost::CloseOutput(Running& run) {
  if (!run.output.valid()) return;
  loop_.Unwatch(run.output.get());
  run.output.reset();
}

void LoopHost::OnExited(pid_t pid) {
  auto it = running_.find(pid);
  if (it == running_.end()) return;
  std::unique_ptr<Running> run = std::move(it->second);
  running_.erase(it);
  loop_.Unwatch(run->pidfd.get());
  // The zombie leader still reserves the group id, so this reaches only its own group.
  ::kill(-pid, SIGKILL);
  ReadOutput(*run);  // what the leader wrote before exiting is in the pipe already
  CloseOutput(*run);
  int status = 0;
  ::waitpid(pid, &status, 0);
  tracker_.Forget(pid);
  ProcessExit exit;
  if (WIFEXITED(status)) exit.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) exit.signal = WTERMSIG(status);
  if (run->on_exit) run->on_exit(exit);
}

void LoopHost::SignalGroup(pid_t pgid, int sig) {
  // Only groups we started and have not reaped: kill(-0) or a reaped id would hit others.
  if (pgid > 0 && running_.count(pgid) != 0) ::kill(-pgid, sig);
}

InstanceHost::TimerId LoopHost::At(std::chrono::steady_clock::time_point when,
                                   std::function<void()> fn) {
  return loop_.At(when, std::move(fn));
}

void LoopHost::CancelTimer(TimerId id) { loop_.Cancel(id); }

InstanceHost::ProbeId LoopHost::StartProbe(const ProbeRequest& request,
                                           std::function<void(bool ok)> done) {
  return probes_.Start(request, std::move(done));
}

void LoopHost::CancelProbe(ProbeId id) { probes_.Cancel(id); }

Result<int> LoopHost::PickPort() {
  Result<Listener> bound = BindNextPort(false);
  if (!bound.ok()) return bound.status();
  return bound->port;  // closed again: the app binds it
}

Result<Listener> LoopHost::Listen() { return BindNextPort(true); }

Result<ReadySocket> LoopHost::OpenReadySocket() {
  Result<std::pair<UniqueFd, std::string>> bound = BindNotifyAddress(/*nonblocking=*/false);
  if (!bound.ok()) return bound.status();
  return ReadySocket{std::move(bound->first), std::move(bound->second)};
}

// A rotating cursor, so that a port an instance just released (maybe in TIME_WAIT, maybe
// still in a client's pool) is not handed out again at once.
Result<Listener> LoopHost::BindNextPort(bool listen) {
  int span = options_.port_max - options_.port_min + 1;
  for (int tries = 0; tries < span; ++tries) {
    int port = next_port_;
    next_port_ = port >= options_.port_max ? options_.port_min : port + 1;
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return ErrnoStatus("socket", errno);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) continue;
    if (listen && ::listen(fd.get(), SOMAXCONN) < 0) return ErrnoStatus("listen", errno);
    return Listener{std::move(fd), port};
  }
  return Status(Code::kUnavailable, "no free port in " + std::to_string(options_.port_min) + "-" +
                                        std::to_string(options_.port_max));
}

}  // namespace ebb::runtime
