// Test support for the gateway's integration tests: blocking plain-socket HTTP/1.1 peers that
// share no code with the gateway (so they check it rather than agree with it).
//
//   TestConn      a connected socket with buffered reads and a receive timeout;
//   FakeUpstream  a server on 127.0.0.1:<free port>, one thread per connection, that parses
//                 requests (Content-Length or chunked bodies) and hands them to a handler;
//   ReadResponse  the client side: status, fields and (de-chunked) body of one response.
//
// Header-only because CMake compiles every non-test .cc of src/gateway into the library.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gateway/gateway.h"

namespace ebb::gateway::testing {

// The event loop backend the gateway tests run on: EBB_TEST_GATEWAY_IO (auto, uring or epoll;
// CMake registers the gateway tests a second time with epoll), auto when unset.
inline ioloop::Backend TestIo() {
  const char* name = std::getenv("EBB_TEST_GATEWAY_IO");
  if (name == nullptr) return ioloop::Backend::kAuto;
  auto backend = ioloop::ParseBackend(name);
  return backend.ok() ? *backend : ioloop::Backend::kAuto;
}

inline std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Name → value, names lowercased; repeated fields joined with ", ".
using Fields = std::map<std::string, std::string>;

// Splits "Name: value" lines after the first line of a head.
inline Fields ParseFields(const std::string& head) {
  Fields fields;
  std::size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos + 2 < head.size()) {
    std::size_t end = head.find("\r\n", pos + 2);
    std::string line = head.substr(pos + 2, end == std::string::npos ? end : end - pos - 2);
    std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      std::string& slot = fields[Lower(line.substr(0, colon))];
      slot = slot.empty() ? value : slot + ", " + value;
    }
    pos = end;
  }
  return fields;
}

class TestConn {
 public:
  explicit TestConn(int fd, std::chrono::seconds timeout = std::chrono::seconds(10)) : fd_(fd) {
    timeval tv{static_cast<time_t>(timeout.count()), 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~TestConn() {
    if (fd_ >= 0) ::close(fd_);
  }
  TestConn(const TestConn&) = delete;
  TestConn& operator=(const TestConn&) = delete;

  int fd() const { return fd_; }
  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }
  // Reads more bytes into the buffer; false on EOF, error or timeout.
  bool Fill() {
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  // The next head (through the blank line, which is not returned).
  std::optional<std::string> ReadHead() {
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    return head;
  }
  std::optional<std::string> ReadExactly(std::size_t n) {
    while (buffer_.size() < n) {
      if (!Fill()) return std::nullopt;
    }
    std::string out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return out;
  }
  std::optional<std::string> ReadLine() {
    std::size_t end;
    while ((end = buffer_.find("\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    std::string line = buffer_.substr(0, end);
    buffer_.erase(0, end + 2);
    return line;
  }
  // A body framed by `fields`; keeps at most `keep` bytes in *body, counts all in *count.
  bool ReadBody(const Fields& fields, std::string* body, std::uint64_t* count,
                std::size_t keep = 1 << 20) {
    *count = 0;
    auto te = fields.find("transfer-encoding");
    if (te != fields.end() && Lower(te->second).find("chunked") != std::string::npos) {
      for (;;) {
        auto line = ReadLine();
        if (!line) return false;
        std::uint64_t size = std::stoull(*line, nullptr, 16);
        if (size == 0) {
          while (true) {  // trailers until the blank line
            auto trailer = ReadLine();
            if (!trailer) return false;
            if (trailer->empty()) return true;
          }
        }
        if (!Take(size, body, count, keep) || !ReadExactly(2)) return false;
      }
    }
    auto cl = fields.find("content-length");
    if (cl == fields.end()) return true;
    return Take(std::stoull(cl->second), body, count, keep);
  }
  std::string ReadUntilClosed() {
    while (Fill()) {
    }
    std::string out = std::move(buffer_);
    buffer_.clear();
    return out;
  }
  // True when the peer has closed (EOF or reset) within the receive timeout.
  bool ClosedByPeer() {
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

 private:
  bool Take(std::uint64_t n, std::string* body, std::uint64_t* count, std::size_t keep) {
    while (n > 0) {
      if (buffer_.empty() && !Fill()) return false;
      std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(n, buffer_.size()));
      if (body && body->size() < keep) body->append(buffer_, 0, take);
      buffer_.erase(0, take);
      *count += take;
      n -= take;
    }
    return true;
  }

  int fd_;
  std::string buffer_;
};

inline std::unique_ptr<TestConn> Connect(const std::string& address) {
  std::size_t colon = address.rfind(':');
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1))));
  ::inet_pton(AF_INET, address.substr(0, colon).c_str(), &sa.sin_addr);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    ::close(fd);
    return nullptr;
  }
  return std::make_unique<TestConn>(fd);
}

struct Response {
  int status = 0;  // 0: no response (closed or timed out)
  std::string head;
  Fields fields;
  std::string body;
};

// Reads one response; a body without Content-Length or chunking is read to EOF.
inline Response ReadResponse(TestConn& conn, bool head_request = false) {
  Response r;
  auto head = conn.ReadHead();
  if (!head || head->size() < 12) return r;
  r.head = *head;
  r.status = std::stoi(head->substr(9, 3));
  r.fields = ParseFields(*head);
  bool framed = r.fields.count("content-length") || r.fields.count("transfer-encoding");
  if (head_request || r.status / 100 == 1 || r.status == 204 || r.status == 304) return r;
  std::uint64_t count = 0;
  if (framed) {
    if (!conn.ReadBody(r.fields, &r.body, &count, 1 << 30)) r.status = -r.status;
  } else {
    r.body = conn.ReadUntilClosed();
  }
  return r;
}

// One request on a new connection.
inline Response Fetch(const std::string& address, const std::string& request) {
  auto conn = Connect(address);
  if (!conn || !conn->Send(request)) return {};
  return ReadResponse(*conn);
}

inline std::string Get(const std::string& host, const std::string& target = "/") {
  return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
}

struct UpstreamRequest {
  std::string head;
  std::string method;
  std::string target;
  Fields fields;
  std::string body;  // the first MiB
  std::uint64_t body_bytes = 0;
};

// Writes a response with Content-Length.
inline bool Respond(TestConn& conn, int status, const std::string& body,
                    const std::string& extra_fields = "") {
  return conn.Send("HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " +
                   std::to_string(body.size()) + "\r\n" + extra_fields + "\r\n" + body);
}

class FakeUpstream {
 public:
  // Returns false to close the connection after the request.
  using Handler = std::function<bool(const UpstreamRequest&, TestConn&)>;

  // A server answering "hello from <name>" to every request.
  explicit FakeUpstream(std::string name = "upstream")
      : FakeUpstream([name](const UpstreamRequest&, TestConn& c) {
          return Respond(c, 200, "hello from " + name);
        }) {}
  explicit FakeUpstream(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    ::listen(listen_fd_, 128);
    socklen_t len = sizeof sa;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }
  ~FakeUpstream() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    acceptor_.join();
    {
      std::lock_guard lock(mu_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : threads_) t.join();
  }

  int port() const { return port_; }
  Endpoint endpoint(const std::string& id) const { return Endpoint{id, "127.0.0.1", port_}; }

  std::atomic<int> connections{0};
  std::atomic<int> requests{0};
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};

  std::vector<UpstreamRequest> Seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  void AcceptLoop() {
    for (;;) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      if (stopping_) {
        ::close(fd);
        return;
      }
      connections.fetch_add(1);
      std::lock_guard lock(mu_);
      open_fds_.push_back(fd);
      threads_.emplace_back([this, fd] { Serve(fd); });
    }
  }
  void Serve(int fd) {
    TestConn conn(fd, std::chrono::seconds(30));
    while (auto head = conn.ReadHead()) {
      UpstreamRequest req;
      req.head = *head;
      req.method = head->substr(0, head->find(' '));
      req.target = head->substr(req.method.size() + 1,
                                head->find(' ', req.method.size() + 1) - req.method.size() - 1);
      req.fields = ParseFields(*head);
      if (!conn.ReadBody(req.fields, &req.body, &req.body_bytes)) break;
      requests.fetch_add(1);
      int now = in_flight.fetch_add(1) + 1;
      int seen = max_in_flight.load();
      while (now > seen && !max_in_flight.compare_exchange_weak(seen, now)) {
      }
      {
        std::lock_guard lock(mu_);
        seen_.push_back(req);
      }
      bool keep = handler_(req, conn);
      in_flight.fetch_sub(1);
      if (!keep) break;
    }
    std::lock_guard lock(mu_);
    std::erase(open_fds_, fd);
  }

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<int> open_fds_;          // guarded by mu_
  std::vector<std::thread> threads_;   // guarded by mu_ until the destructor
  std::vector<UpstreamRequest> seen_;  // guarded by mu_
};

// A port on 127.0.0.1 where nothing listens (connections are refused).
inline int RefusingPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  ::close(fd);
  return ntohs(sa.sin_port);
}

// A route table with one host per revision, 100 % each.
struct RouteSpec {
  std::string host;
  std::string revision;
  int container_concurrency = 0;
  std::chrono::milliseconds timeout{10'000};
  std::chrono::milliseconds response_start_timeout{0};
  std::chrono::milliseconds idle_timeout{0};
};

inline std::shared_ptr<const RouteTable> Routes(const std::vector<RouteSpec>& specs) {
  auto table = std::make_shared<RouteTable>();
  for (const RouteSpec& s : specs) {
    table->revisions.push_back(RevisionConfig{s.revision, s.container_concurrency, s.timeout,
                                              s.response_start_timeout, s.idle_timeout});
    table->hosts[s.host].push_back(TrafficTarget{s.revision, 100});
  }
  return table;
}

// A one-shot flag a test thread can wait on with a bound (no sleeping).
class Signal {
 public:
  void Notify() {
    std::lock_guard lock(mu_);
    set_ = true;
    cv_.notify_all();
  }
  bool WaitFor(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return set_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool set_ = false;
};

}  // namespace ebb::gateway::testing
