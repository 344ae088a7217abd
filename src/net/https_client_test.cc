// Failure modes of the HTTPS client; the success paths (requests, chunked line streams, CA and
// host verification) are exercised against the real API server in apiserver_test.
#include "net/https_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ebb::net {
namespace {

// A listening TCP socket on 127.0.0.1 that never accepts: connects succeed (the kernel's
// backlog), but nothing ever answers the TLS handshake.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len), 0);
    EXPECT_EQ(::listen(fd_, 8), 0);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { Close(); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

HttpsEndpoint Endpoint(int port) {
  HttpsEndpoint ep;
  ep.host = "127.0.0.1";
  ep.port = port;
  ep.insecure = true;
  ep.timeout = std::chrono::milliseconds(300);
  return ep;
}

TEST(HttpsClientTest, ConnectionRefusedIsUnavailable) {
  SilentListener listener;
  int port = listener.port();
  listener.Close();  // nothing listens there now
  auto res = HttpsRequest(Endpoint(port), "GET", "/version", "", "", "");
  EXPECT_EQ(res.status().code(), Code::kUnavailable);
  EXPECT_NE(res.status().message().find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << res.status().message();
}

TEST(HttpsClientTest, SilentServerTimesOut) {
  SilentListener listener;
  auto started = std::chrono::steady_clock::now();
  auto res = HttpsRequest(Endpoint(listener.port()), "GET", "/version", "", "", "");
  EXPECT_EQ(res.status().code(), Code::kTimeout) << res.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  auto stream = HttpsStream(Endpoint(listener.port()), "GET", "/x", "", "", "");
  EXPECT_EQ(stream.status().code(), Code::kTimeout);
}

TEST(HttpsClientTest, BadEndpointsAreRejectedUpFront) {
  HttpsEndpoint no_host = Endpoint(443);
  no_host.host = "";
  EXPECT_EQ(HttpsRequest(no_host, "GET", "/", "", "", "").status().code(), Code::kBadRequest);
  EXPECT_EQ(HttpsRequest(Endpoint(0), "GET", "/", "", "", "").status().code(), Code::kBadRequest);
  EXPECT_EQ(HttpsRequest(Endpoint(70000), "GET", "/", "", "", "").status().code(),
            Code::kBadRequest);
  SilentListener listener;
  HttpsEndpoint bad_ca = Endpoint(listener.port());
  bad_ca.insecure = false;
  bad_ca.ca_pem = "not a certificate";
  EXPECT_EQ(HttpsRequest(bad_ca, "GET", "/", "", "", "").status().code(), Code::kBadRequest);
}

}  // namespace
}  // namespace ebb::net
