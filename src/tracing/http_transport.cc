// HttpSpanTransport: a blocking HTTP/1.1 POST over a plain socket, on the tracing thread.
// Small on purpose: one request per connection, "Connection: close", and only the status line
// of the answer matters.
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tracing/exporter.h"

namespace ebb::tracing {

namespace {

using Clock = std::chrono::steady_clock;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

int MillisLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits until `fd` is ready for `events`; false on timeout or error.
bool WaitFor(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, MillisLeft(deadline));
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

// Connects a non-blocking socket to the first address that answers in time; -1 on failure.
int ConnectAny(const addrinfo* list, Clock::time_point deadline) {
  for (const addrinfo* a = list; a != nullptr; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    int err = rc == 0 ? 0 : errno;
    if (err == EINPROGRESS && WaitFor(fd, POLLOUT, deadline)) {
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    }
    if (err == 0) return fd;
    ::close(fd);
  }
  return -1;
}

bool SendAll(int fd, std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!WaitFor(fd, POLLOUT, deadline)) return false;
    } else {
      return false;
    }
  }
  return true;
}

// Reads until the status line is complete; returns the status code, 0 on failure.
int ReadStatus(int fd, Clock::time_point deadline) {
  std::string in;
  char chunk[512];
  while (in.find("\r\n") == std::string::npos) {
    if (!WaitFor(fd, POLLIN, deadline)) return 0;
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return 0;
    if (n > 0) in.append(chunk, static_cast<std::size_t>(n));
  }
  // "HTTP/1.1 202 Accepted"
  if (in.size() < 12 || in.compare(0, 5, "HTTP/") != 0) return 0;
  std::size_t space = in.find(' ');
  if (space == std::string::npos || space + 4 > in.size()) return 0;
  int status = 0;
  for (std::size_t i = space + 1; i < space + 4; ++i) {
    if (in[i] < '0' || in[i] > '9') return 0;
    status = status * 10 + (in[i] - '0');
  }
  return status;
}

}  // namespace

Result<std::unique_ptr<HttpSpanTransport>> HttpSpanTransport::Create(
    const std::string& url, std::chrono::milliseconds timeout) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) {
    return Status(Code::kInvalid,
                  "tracing.zipkin-endpoint: only http:// is supported, got \"" + url + "\"");
  }
  std::string rest = url.substr(kScheme.size());
  std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
  std::string host = authority, port = "80";
  std::size_t colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty() || port.empty() || port.find_first_not_of("0123456789") != std::string::npos) {
    return Status(Code::kInvalid, "tracing.zipkin-endpoint: bad URL \"" + url + "\"");
  }
  return std::unique_ptr<HttpSpanTransport>(
      new HttpSpanTransport(std::move(host), std::move(port), std::move(path), timeout));
}

std::string HttpSpanTransport::Request(const std::string& body) const {
  bool v6 = host_.find(':') != std::string::npos;
  std::string host_field = (v6 ? "[" + host_ + "]" : host_) + ":" + port_;
  return "POST " + path_ + " HTTP/1.1\r\nHost: " + host_field +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

Status HttpSpanTransport::Send(const std::string& body) {
  const std::string where = "zipkin endpoint " + host_ + ":" + port_;
  auto deadline = Clock::now() + timeout_;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host_.c_str(), port_.c_str(), &hints, &found); rc != 0) {
    return Status(Code::kUnavailable, where + ": " + ::gai_strerror(rc));
  }
  Fd fd(ConnectAny(found, deadline));
  ::freeaddrinfo(found);
  if (fd.get() < 0) return Status(Code::kUnavailable, where + ": cannot connect");
  if (!SendAll(fd.get(), Request(body), deadline)) {
    return Status(Clock::now() >= deadline ? Code::kTimeout : Code::kUnavailable,
                  where + ": sending failed");
  }
  int status = ReadStatus(fd.get(), deadline);
  if (status == 0) {
    return Status(Clock::now() >= deadline ? Code::kTimeout : Code::kUnavailable,
                  where + ": no HTTP response");
  }
  if (status / 100 != 2) {
    return Status(Code::kUnavailable, where + " answered " + std::to_string(status));
  }
  return Status::Ok();
}

}  // namespace ebb::tracing
