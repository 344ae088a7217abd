#include "runtime/probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <cerrno>

namespace ebb::runtime {

class ProbeRunner::Attempt {
 public:
  Attempt(ProbeRunner& runner, std::uint64_t id, Done done)
      : runner_(runner), id_(id), done_(std::move(done)) {}
  virtual ~Attempt() { runner_.loop_.Cancel(timer_); }
  Done TakeDone() { return std::move(done_); }

 protected:
  // Reports `ok` from the loop, not from the caller's stack.
  void Conclude(bool ok) {
    runner_.loop_.Cancel(timer_);
    timer_ = runner_.loop_.At(runner_.loop_.clock().Steady(),
                              [r = &runner_, id = id_, ok] { r->Finish(id, ok); });
  }
  void Deadline(std::chrono::milliseconds timeout) {
    timer_ = runner_.loop_.At(runner_.loop_.clock().Steady() + timeout,
                              [r = &runner_, id = id_] { r->Finish(id, false); });
  }
  EventLoop& loop() { return runner_.loop_; }
  ProcessSpawner& spawner() { return runner_.spawner_; }
  const std::vector<std::string>& base_env() const { return runner_.base_env_; }
  void Bury(SpawnedProcess process) { runner_.Bury(std::move(process)); }
  ProbeRunner& runner_;
  const std::uint64_t id_;

 private:
  Done done_;
  EventLoop::TimerId timer_ = 0;
};

namespace {

class TcpAttempt final : public ProbeRunner::Attempt {
 public:
  TcpAttempt(ProbeRunner& runner, std::uint64_t id, ProbeRunner::Done done, const ProbeRequest& req)
      : Attempt(runner, id, std::move(done)),
        request_(req.probe.kind == Probe::Kind::kHttp ? ProbeHttpRequest(req.probe, req.port)
                                                      : "") {
    Deadline(req.timeout);
    Connect(req.port);
  }
  ~TcpAttempt() override {
    if (fd_.valid()) loop().Unwatch(fd_.get());
  }

 private:
  void Connect(int port) {
    fd_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (!fd_.valid()) return Conclude(false);
    int rc = ::connect(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    if (rc < 0 && errno != EINPROGRESS) return Conclude(false);
    if (!loop().Watch(fd_.get(), EPOLLOUT, [this](std::uint32_t) { OnConnected(); }).ok()) {
      Conclude(false);
    }
  }

  void OnConnected() {
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    loop().Unwatch(fd_.get());
    if (err != 0 || request_.empty()) return Conclude(err == 0);
    // The request is a few hundred bytes: it fits an empty socket buffer in one send.
    ssize_t n = ::send(fd_.get(), request_.data(), request_.size(), MSG_NOSIGNAL);
    if (n != static_cast<ssize_t>(request_.size())) return Conclude(false);
    if (!loop().Watch(fd_.get(), EPOLLIN, [this](std::uint32_t) { OnReadable(); }).ok()) {
      Conclude(false);
    }
  }

  void OnReadable() {
    char buf[512];
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n > 0) response_.append(buf, static_cast<std::size_t>(n));
    std::size_t eol = response_.find("\r\n");
    if (eol == std::string::npos && n > 0 && response_.size() < 4096) return;
    loop().Unwatch(fd_.get());
    Conclude(eol != std::string::npos && ProbeHttpStatusOk(response_.substr(0, eol)));
  }

  const std::string request_;
  std::string response_;
  UniqueFd fd_;
};

class ExecAttempt final : public ProbeRunner::Attempt {
 public:
  ExecAttempt(ProbeRunner& runner, std::uint64_t id, ProbeRunner::Done done,
              const ProbeRequest& req)
      : Attempt(runner, id, std::move(done)) {
    Deadline(req.timeout);
    if (!Run(req)) Conclude(false);
  }
  ~ExecAttempt() override {
    if (process_.pid == 0) return;
    loop().Unwatch(process_.pidfd.get());
    Bury(std::move(process_));
  }

 private:
  bool Run(const ProbeRequest& req) {
    Result<LaunchPlan> plan =
        PlanExec(*req.revision, InstanceEnv{req.port, ""}, base_env(), req.probe.command);
    if (!plan.ok()) return false;
    SpawnRequest spawn{plan->path, plan->argv, plan->env, plan->cwd, -1, -1, -1};
    Result<SpawnedProcess> proc = spawner().Spawn(spawn);
    if (!proc.ok()) return false;
    process_ = std::move(proc).value();
    return loop().Watch(process_.pidfd.get(), EPOLLIN, [this](std::uint32_t) { OnExit(); }).ok();
  }

  void OnExit() {
    int status = 0;
    loop().Unwatch(process_.pidfd.get());
    ::kill(-process_.pid, SIGKILL);  // whatever it left behind in its group
    ::waitpid(process_.pid, &status, 0);
    process_ = SpawnedProcess{};
    Conclude(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }

  SpawnedProcess process_;
};

}  // namespace

ProbeRunner::ProbeRunner(EventLoop& loop, ProcessSpawner& spawner,
                         std::vector<std::string> base_env)
    : loop_(loop), spawner_(spawner), base_env_(std::move(base_env)) {}

ProbeRunner::~ProbeRunner() {
  attempts_.clear();
  for (auto& [pid, pidfd] : dying_) {
    loop_.Unwatch(pidfd.get());
    ::waitpid(pid, nullptr, 0);  // already SIGKILLed
  }
}

std::uint64_t ProbeRunner::Start(const ProbeRequest& request, Done done) {
  std::uint64_t id = next_id_++;
  if (request.probe.kind == Probe::Kind::kExec) {
    attempts_[id] = std::make_unique<ExecAttempt>(*this, id, std::move(done), request);
  } else {
    attempts_[id] = std::make_unique<TcpAttempt>(*this, id, std::move(done), request);
  }
  return id;
}

void ProbeRunner::Cancel(std::uint64_t id) { attempts_.erase(id); }

void ProbeRunner::Finish(std::uint64_t id, bool ok) {
  auto it = attempts_.find(id);
  if (it == attempts_.end()) return;
  Done done = it->second->TakeDone();
  attempts_.erase(it);  // closes its socket or buries its process first
  done(ok);
}

void ProbeRunner::Bury(SpawnedProcess process) {
  ::kill(-process.pid, SIGKILL);
  pid_t pid = process.pid;
  int fd = process.pidfd.get();
  dying_[pid] = std::move(process.pidfd);
  Status watched = loop_.Watch(fd, EPOLLIN, [this, pid, fd](std::uint32_t) {
    loop_.Unwatch(fd);
    ::waitpid(pid, nullptr, 0);
    dying_.erase(pid);
  });
  if (!watched.ok()) {
    ::waitpid(pid, nullptr, 0);
    dying_.erase(pid);
  }
}

std::string ProbeHttpRequest(const Probe& probe, int port) {
  std::string req = "GET " + probe.path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nUser-Agent: kube-probe/ebb\r\nAccept: */*\r\nConnection: close\r\n";
  for (const auto& [name, value] : probe.headers) req += name + ": " + value + "\r\n";
  return req + "\r\n";
}

bool ProbeHttpStatusOk(const std::string& status_line) {
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) return false;
  if (status_line[8] != ' ') return false;
  int code = 0;
  for (int i = 9; i < 12; ++i) {
    if (status_line[i] < '0' || status_line[i] > '9') return false;
    code = code * 10 + (status_line[i] - '0');
  }
  return code >= 200 && code < 400;
}

}  // namespace ebb::runtime
