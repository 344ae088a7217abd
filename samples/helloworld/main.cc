// helloworld: the sample app ebb runs, in the spirit of Knative's helloworld samples.
//
// Environment:
//   TARGET          who to greet (default "World")
//   PORT, HOST      where to listen (default 8080 on 127.0.0.1; PORT=0 picks a free port;
//                   HOST is an IPv4/IPv6 address or "localhost")
//   LISTEN_FDS=1    use the inherited listening socket fd 3 instead (socket activation), if
//                   LISTEN_PID is unset or is this process
//   NOTIFY_SOCKET   send "READY=1" to this unix datagram socket ('@' = abstract) once listening
//   START_DELAY_MS  wait this long before listening (to test slow starts)
//   EXIT_AT_START   exit at once with this code (to test crashing apps)
// Routes and shutdown behaviour: see server.h.
#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "http.h"
#include "server.h"

namespace helloworld {
namespace {

constexpr int kActivatedFd = 3;  // SD_LISTEN_FDS_START

std::string Env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

int Fail(const std::string& message) {
  LogLine("helloworld: " + message);
  return 1;
}

std::string Describe(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return "fd " + std::to_string(fd);
  char host[INET6_ADDRSTRLEN] = "?";
  if (addr.ss_family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    return std::string(host) + ":" + std::to_string(ntohs(in->sin_port));
  }
  if (addr.ss_family == AF_INET6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(in6->sin6_port));
  }
  return "fd " + std::to_string(fd);
}

// The socket passed by the supervisor, or -1 if this is not a socket-activated start.
int ActivatedSocket() {
  long fds = std::strtol(Env("LISTEN_FDS", "0").c_str(), nullptr, 10);
  std::string pid = Env("LISTEN_PID", "");
  if (fds < 1 || (!pid.empty() && pid != std::to_string(getpid()))) return -1;
  return kActivatedFd;
}

// A listening socket, or the reason there is none.
struct Listener {
  int fd = -1;
  std::string error;
};

Listener PrepareActivated(int fd) {
  int listening = 0;
  socklen_t len = sizeof listening;
  if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) {
    return {-1, "LISTEN_FDS is set but fd 3 is not a listening socket"};
  }
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return {fd, ""};
}

// HOST is an IP address (or "localhost"): the binary is static, and name lookup through NSS would
// need glibc's shared libraries at run time.
Listener BindAndListen(const std::string& host, const std::string& port) {
  std::optional<std::uint64_t> port_number = ParseNumber(port, 65535);
  if (!port_number) return {-1, "invalid PORT " + port};
  sockaddr_storage addr{};
  auto* in = reinterpret_cast<sockaddr_in*>(&addr);
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
  std::string ip = host == "localhost" ? "127.0.0.1" : host;
  socklen_t len = sizeof(sockaddr_in);
  if (inet_pton(AF_INET, ip.c_str(), &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<std::uint16_t>(*port_number));
  } else if (inet_pton(AF_INET6, ip.c_str(), &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<std::uint16_t>(*port_number));
    len = sizeof(sockaddr_in6);
  } else {
    return {-1, "HOST must be an IP address or localhost, not " + host};
  }
  int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  bool ok = fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
            bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0 && listen(fd, 1024) == 0;
  if (!ok) {
    std::string error = Errno("cannot listen on " + host + ":" + port);
    if (fd >= 0) close(fd);
    return {-1, error};
  }
  return {fd, ""};
}

// sd_notify(3) READY=1, without libsystemd.
void NotifyReady() {
  std::string path = Env("NOTIFY_SOCKET", "");
  sockaddr_un addr{};
  if (path.empty() || path.size() >= sizeof addr.sun_path) return;
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  if (path[0] == '@') addr.sun_path[0] = '\0';  // abstract namespace: no trailing NUL counted
  auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() +
                                    (path[0] == '@' ? 0 : 1));
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  if (sendto(fd, "READY=1", 7, MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr), len) < 0) {
    LogLine(Errno("helloworld: cannot notify " + path));
  }
  close(fd);
}

// Waits START_DELAY_MS with SIGTERM/SIGINT blocked; returns false if one arrived meanwhile.
bool StartDelay(const sigset_t& signals) {
  std::optional<std::uint64_t> ms = ParseNumber(Env("START_DELAY_MS", "0"), 3600 * 1000);
  if (!ms || *ms == 0) return true;
  timespec timeout{static_cast<time_t>(*ms / 1000), static_cast<long>(*ms % 1000 * 1000000)};
  while (true) {
    int sig = sigtimedwait(&signals, nullptr, &timeout);
    if (sig > 0) return false;
    if (errno == EAGAIN) return true;  // the delay elapsed (EINTR: some other signal, retry)
  }
}

int Main() {
  std::string exit_code = Env("EXIT_AT_START", "");
  if (!exit_code.empty()) return std::atoi(exit_code.c_str());
  // SIGTERM/SIGINT stay blocked for the process's life: the server reads them from a signalfd.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  if (!StartDelay(signals)) {
    LogLine("helloworld: stopped during start delay");
    return 0;
  }
  int activated = ActivatedSocket();
  Listener listener = activated >= 0 ? PrepareActivated(activated)
                                     : BindAndListen(Env("HOST", "127.0.0.1"), Env("PORT", "8080"));
  if (listener.fd < 0) return Fail(listener.error);
  int fd = listener.fd;
  LogLine("helloworld: listening on " + Describe(fd) +
          (activated >= 0 ? " (socket activation, fd 3)" : ""));
  NotifyReady();
  ServerOptions options;
  options.target = Env("TARGET", "World");
  return RunServer(fd, options);
}

}  // namespace
}  // namespace helloworld

int main() { return helloworld::Main(); }
