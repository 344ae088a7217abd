// coldstart_timer: the client side of bench/coldstart.sh, one trial per command on stdin.
//
// Built by coldstart.sh (g++ -O2, no project dependencies). Reads commands, one per line, and
// answers each with one line: the time to the first response byte in microseconds
// ("OK 1234.5"), or "ERR reason". Times come from CLOCK_MONOTONIC.
//
//   get IP PORT HOST          connect to a gateway, send GET / with Host: HOST, read the first
//                             response byte (then the rest, which must be a 200 "Hello ...").
//   floor sockact BIN         the floor with socket activation: a listening socket is bound
//                             before t0 (as ebb keeps one per revision); t0, spawn BIN with it
//                             as fd 3 (LISTEN_FDS=1, LISTEN_PID = the child's pid), connect,
//                             send, first byte.
//   floor poll BIN US         the floor without it: t0, spawn BIN with PORT=<free port>, connect
//                             every US microseconds until it accepts, send, first byte.
//   floor notify BIN          the same, but readiness is the READY=1 datagram on NOTIFY_SOCKET
//                             (what ebb uses for an app that sends it, as helloworld does).
//   wake                      not a cold start: what waking a sleeping thread on another CPU
//                             costs on this machine. t0, one byte into a pipe that a thread
//                             pinned to another CPU than ours is blocked reading, and the time
//                             that thread returns from read. Each hop of a request between
//                             processes (client -> gateway -> app -> gateway -> client) can pay
//                             this; on a virtual machine an idle vCPU is halted, and waking it
//                             goes through the hypervisor.
//
// Spawning is the runtime's method (runtime.md §1): clone(CLONE_VM|CLONE_VFORK) with a child that
// only makes system calls; the child's stdout/stderr go to /dev/null. After each floor trial the
// child gets SIGTERM and is reaped (not timed).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

double NowUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

sockaddr_in Loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

// ---- the request ----------------------------------------------------------------------------

// Sends GET / on a connected socket and reads the first byte; *first_us is set when it arrives.
// Then reads the whole response (Content-Length framed) and checks it is 200 "Hello".
bool Exchange(int fd, const std::string& host, double* first_us, std::string* err) {
  std::string req = "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
  if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    *err = Errno("send");
    return false;
  }
  char buf[4096];
  std::string resp;
  ssize_t n = recv(fd, buf, sizeof buf, 0);
  *first_us = NowUs();
  while (n > 0) {
    resp.append(buf, static_cast<size_t>(n));
    n = recv(fd, buf, sizeof buf, 0);
  }
  if (resp.rfind("HTTP/1.1 200", 0) != 0 || resp.find("Hello") == std::string::npos) {
    *err = "bad response: " + resp.substr(0, resp.find('\r'));
    return false;
  }
  return true;
}

int Connect(const std::string& ip, int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a = Loopback(port);
  inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return fd;
  int saved = errno;
  close(fd);
  errno = saved;
  return -1;
}

std::string Get(const std::string& ip, int port, const std::string& host) {
  double t0 = NowUs(), t1 = 0;
  int fd = Connect(ip, port);
  if (fd < 0) return "ERR " + Errno("connect");
  std::string err;
  bool ok = Exchange(fd, host, &t1, &err);
  close(fd);
  if (!ok) return "ERR " + err;
  char out[64];
  std::snprintf(out, sizeof out, "OK %.1f", t1 - t0);
  return out;
}

// ---- spawning ---------------------------------------------------------------------------------

struct Child {
  const char* path;
  char* const* argv;
  char* const* envp;
  int devnull, listen_fd;  // listen_fd -1: none
  char* listen_pid;        // digits slot in the env, or nullptr
};

long Sys(long nr, long a = 0, long b = 0, long c = 0) {
  long rc = syscall(nr, a, b, c);
  return rc < 0 ? -errno : rc;
}

int ChildMain(void* arg) {
  const Child& c = *static_cast<const Child*>(arg);
  Sys(SYS_setsid);
  Sys(SYS_dup3, c.devnull, 0, 0);
  Sys(SYS_dup3, c.devnull, 1, 0);
  Sys(SYS_dup3, c.devnull, 2, 0);
  if (c.listen_fd >= 0) Sys(SYS_dup3, c.listen_fd, 3, 0);
  if (c.listen_pid != nullptr) {
    long pid = Sys(SYS_getpid);
    char tmp[16];
    int n = 0;
    do tmp[n++] = static_cast<char>('0' + pid % 10), pid /= 10;
    while (pid > 0);
    for (int i = 0; i < n; ++i) c.listen_pid[i] = tmp[n - 1 - i];
    c.listen_pid[n] = '\0';
  }
  unsigned long none = 0;
  Sys(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&none), 0);
  Sys(SYS_execve, reinterpret_cast<long>(c.path), reinterpret_cast<long>(c.argv),
      reinterpret_cast<long>(c.envp));
  Sys(SYS_exit_group, 127);
  return 127;
}

class Spawner {
 public:
  Spawner() {
    stack_ = static_cast<char*>(mmap(nullptr, kStack, PROT_READ | PROT_WRITE,
                                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0));
    devnull_ = open("/dev/null", O_RDWR | O_CLOEXEC);
  }
  // Spawns `bin` with `env` (+ LISTEN_* when listen_fd >= 0); returns the pid or -1.
  pid_t Spawn(const std::string& bin, std::vector<std::string> env, int listen_fd) {
    if (listen_fd >= 0) {
      env.push_back("LISTEN_FDS=1");
      env.push_back("LISTEN_PID=" + std::string(16, '\0'));
    }
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    char* argv[] = {const_cast<char*>(bin.c_str()), nullptr};
    char* pid_slot = listen_fd >= 0 ? env.back().data() + std::strlen("LISTEN_PID=") : nullptr;
    Child c{bin.c_str(), argv, envp.data(), devnull_, listen_fd, pid_slot};
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t pid = clone(ChildMain, stack_ + kStack, CLONE_VM | CLONE_VFORK | SIGCHLD, &c);
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return pid;
  }

 private:
  static constexpr size_t kStack = 64 * 1024;
  char* stack_;
  int devnull_;
};

void Stop(pid_t pid) {
  if (pid <= 0) return;
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
}

std::vector<std::string> BaseEnv() {
  return {"PATH=/usr/bin:/bin", "TARGET=World"};
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = Loopback(0);
  socklen_t len = sizeof a;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

std::string Result(bool ok, double us, const std::string& err) {
  if (!ok) return "ERR " + err;
  char out[64];
  std::snprintf(out, sizeof out, "OK %.1f", us);
  return out;
}

// Socket activation: the listener outlives the trials, like ebb's per-revision socket.
std::string FloorSockact(Spawner& sp, const std::string& bin) {
  static int listener = -1;
  static int port = 0;
  if (listener < 0) {
    listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = Loopback(0);
    socklen_t len = sizeof a;
    if (bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 ||
        listen(listener, SOMAXCONN) < 0) {
      return "ERR " + Errno("listen");
    }
    getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  double t0 = NowUs(), t1 = 0;
  pid_t pid = sp.Spawn(bin, BaseEnv(), listener);
  if (pid < 0) return "ERR " + Errno("clone");
  int fd = Connect("127.0.0.1", port);
  std::string err = fd < 0 ? Errno("connect") : "";
  bool ok = fd >= 0 && Exchange(fd, "floor", &t1, &err);
  if (fd >= 0) close(fd);
  Stop(pid);
  return Result(ok, t1 - t0, err);
}

std::string FloorPoll(Spawner& sp, const std::string& bin, long interval_us) {
  int port = FreePort();
  std::vector<std::string> env = BaseEnv();
  env.push_back("PORT=" + std::to_string(port));
  double t0 = NowUs(), t1 = 0;
  pid_t pid = sp.Spawn(bin, env, -1);
  if (pid < 0) return "ERR " + Errno("clone");
  int fd = -1;
  timespec pause{0, interval_us * 1000};
  while ((fd = Connect("127.0.0.1", port)) < 0 && errno == ECONNREFUSED && NowUs() - t0 < 5e6) {
    nanosleep(&pause, nullptr);
  }
  std::string err = fd < 0 ? Errno("connect") : "";
  bool ok = fd >= 0 && Exchange(fd, "floor", &t1, &err);
  if (fd >= 0) close(fd);
  Stop(pid);
  return Result(ok, t1 - t0, err);
}

std::string FloorNotify(Spawner& sp, const std::string& bin) {
  static int ns = -1;
  static std::string name;
  if (ns < 0) {
    ns = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    name = "coldstart-timer-" + std::to_string(getpid());
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path + 1, name.data(), name.size());
    auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
    if (bind(ns, reinterpret_cast<sockaddr*>(&a), len) < 0) return "ERR " + Errno("bind notify");
  }
  int port = FreePort();
  std::vector<std::string> env = BaseEnv();
  env.push_back("PORT=" + std::to_string(port));
  env.push_back("NOTIFY_SOCKET=@" + name);
  double t0 = NowUs(), t1 = 0;
  pid_t pid = sp.Spawn(bin, env, -1);
  if (pid < 0) return "ERR " + Errno("clone");
  char buf[256];
  pollfd p{ns, POLLIN, 0};
  bool ready = false;
  while (!ready && poll(&p, 1, 5000) == 1) {
    ssize_t n = recv(ns, buf, sizeof buf - 1, 0);
    ready = n > 0 && std::string(buf, static_cast<size_t>(n)).find("READY=1") != std::string::npos;
  }
  int fd = ready ? Connect("127.0.0.1", port) : -1;
  std::string err = !ready ? "no READY=1" : fd < 0 ? Errno("connect") : "";
  bool ok = fd >= 0 && Exchange(fd, "floor", &t1, &err);
  if (fd >= 0) close(fd);
  Stop(pid);
  return Result(ok, t1 - t0, err);
}

// One thread per CPU, each pinned to its CPU and blocked reading its pipe; it answers every
// byte with the time it returned from the read.
class Waker {
 public:
  std::string Run() {
    if (helpers_.empty()) Start();
    int here = sched_getcpu();
    Helper* h = nullptr;
    for (Helper& candidate : helpers_) {
      if (candidate.cpu != here) h = &candidate;
    }
    if (h == nullptr) return "ERR wake: needs 2 CPUs";
    char byte = 1;
    double t0 = NowUs(), t1 = 0;
    if (write(h->ping[1], &byte, 1) != 1) return "ERR " + Errno("write");
    if (read(h->pong[0], &t1, sizeof t1) != sizeof t1) return "ERR " + Errno("read");
    return Result(true, t1 - t0, "");
  }

 private:
  struct Helper {
    int cpu = 0;
    int ping[2] = {-1, -1}, pong[2] = {-1, -1};
  };
  void Start() {
    cpu_set_t allowed;
    sched_getaffinity(0, sizeof allowed, &allowed);
    helpers_.reserve(CPU_SETSIZE);
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (!CPU_ISSET(cpu, &allowed)) continue;
      Helper& h = helpers_.emplace_back();
      h.cpu = cpu;
      if (pipe2(h.ping, O_CLOEXEC) != 0 || pipe2(h.pong, O_CLOEXEC) != 0) std::abort();
      std::thread([h] {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(h.cpu, &one);
        sched_setaffinity(0, sizeof one, &one);
        char byte;
        while (read(h.ping[0], &byte, 1) == 1) {
          double t = NowUs();
          if (write(h.pong[1], &t, sizeof t) != sizeof t) break;
        }
      }).detach();
    }
  }
  std::vector<Helper> helpers_;
};

}  // namespace

int main() {
  signal(SIGPIPE, SIG_IGN);
  Spawner spawner;
  Waker waker;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string cmd, a, b, c;
    in >> cmd >> a >> b >> c;
    std::string out;
    if (cmd == "get") {
      out = Get(a, std::atoi(b.c_str()), c);
    } else if (cmd == "floor" && a == "sockact") {
      out = FloorSockact(spawner, b);
    } else if (cmd == "floor" && a == "poll") {
      out = FloorPoll(spawner, b, std::atol(c.c_str()));
    } else if (cmd == "floor" && a == "notify") {
      out = FloorNotify(spawner, b);
    } else if (cmd == "wake") {
      out = waker.Run();
    } else {
      out = "ERR unknown command: " + line;
    }
    std::cout << out << std::endl;
  }
  return 0;
}
