// Test helper: a small blocking HTTP/1.1 server on 127.0.0.1 (a thread per connection) whose
// answer depends on the path:
//   /ok       200 "hello" (keep-alive)      /fail     503 Service Unavailable
//   /close    200 "bye" + Connection: close /chunked  200, chunked "abc" + "defg"
//   /silent   reads the request, never answers (for timeouts)
//   /idle-close  answers, then closes the connection without saying so (stale keep-alive)
// Counts requests and accepted connections. Test code only.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ebb::load::testing {

class TestServer {
 public:
  TestServer() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(listen_fd_, 1024);
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { Accept(); });
  }

  ~TestServer() {
    stopping_ = true;
    shutdown(listen_fd_, SHUT_RDWR);
    close(listen_fd_);
    acceptor_.join();
    {
      std::lock_guard lock(mu_);
      for (int fd : fds_) shutdown(fd, SHUT_RDWR);
    }
    for (std::thread& t : threads_) t.join();
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int requests() const { return requests_; }
  int connections() const { return connections_; }
  std::string last_request() {
    std::lock_guard lock(mu_);
    return last_request_;
  }

 private:
  void Accept() {
    for (;;) {
      int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      ++connections_;
      std::lock_guard lock(mu_);
      fds_.push_back(fd);
      threads_.emplace_back([this, fd] { Serve(fd); });
    }
  }

  // Reads one request (head + Content-Length body) from `buffer`/fd; "" at EOF.
  std::string ReadRequest(int fd, std::string& buffer) {
    for (;;) {
      size_t end = buffer.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t length = 0;
        size_t cl = buffer.find("Content-Length: ");
        if (cl != std::string::npos && cl < end) length = std::stoul(buffer.substr(cl + 16));
        if (buffer.size() >= end + 4 + length) {
          std::string request = buffer.substr(0, end + 4 + length);
          buffer.erase(0, end + 4 + length);
          return request;
        }
      }
      char chunk[4096];
      ssize_t n = read(fd, chunk, sizeof chunk);
      if (n <= 0) return "";
      buffer.append(chunk, static_cast<size_t>(n));
    }
  }

  void Serve(int fd) {
    std::string buffer;
    for (;;) {
      std::string request = ReadRequest(fd, buffer);
      if (request.empty()) break;
      ++requests_;
      {
        std::lock_guard lock(mu_);
        last_request_ = request;
      }
      std::string path = request.substr(request.find(' ') + 1);
      path = path.substr(0, path.find(' '));
      if (path == "/silent") continue;
      std::string response = Response(path);
      if (write(fd, response.data(), response.size()) < 0) break;
      if (path == "/close" || path == "/idle-close") break;
    }
    std::lock_guard lock(mu_);  // forget fd before closing it: its number may be reused
    fds_.erase(std::find(fds_.begin(), fds_.end(), fd));
    close(fd);
  }

  static std::string Response(const std::string& path) {
    if (path == "/fail") {
      return "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy";
    }
    if (path == "/close")
      return "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye";
    if (path == "/chunked") {
      return "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
             "chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n";
    }
    return "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  std::atomic<int> connections_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<int> fds_;              // guarded by mu_
  std::vector<std::thread> threads_;  // guarded by mu_
  std::string last_request_;          // guarded by mu_
};

}  // namespace ebb::load::testing
