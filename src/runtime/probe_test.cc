// Real probe attempts against sockets and commands on this machine.
#include "runtime/probe.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <thread>

namespace ebb::runtime {
namespace {

using std::chrono::milliseconds;

// A listening socket on 127.0.0.1:<ephemeral>; Serve answers one connection on a thread.
class TestServer {
 public:
  TestServer() {
    fd_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_.get(), 8);
    socklen_t len = sizeof addr;
    ::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~TestServer() {
    if (thread_.joinable()) thread_.join();
  }
  // Accepts one connection, reads the request head, sends `response` (if any), then holds
  // the connection until the prober closes it.
  void Serve(std::string response) {
    thread_ = std::thread([this, response] {
      UniqueFd conn(::accept(fd_.get(), nullptr, nullptr));
      char buf[2048];
      ssize_t n = ::recv(conn.get(), buf, sizeof buf, 0);
      request_ = std::string(buf, n > 0 ? n : 0);
      if (!response.empty()) ::send(conn.get(), response.data(), response.size(), MSG_NOSIGNAL);
      while (::recv(conn.get(), buf, sizeof buf, 0) > 0) {
      }
    });
  }
  void Join() { thread_.join(); }
  int port() const { return port_; }
  const std::string& request() const { return request_; }

 private:
  UniqueFd fd_;
  int port_ = 0;
  std::thread thread_;
  std::string request_;
};

class ProbeTest : public ::testing::Test {
 protected:
  ProbeTest()
      : loop_(EventLoop::Create(clock_).value()),
        runner_(*loop_, spawner_, {"PATH=/usr/bin:/bin"}) {
    revision_->working_dir = "/tmp";
  }

  // Runs one attempt on the loop until it reports.
  bool Run(Probe probe, int port, milliseconds timeout = milliseconds(2000)) {
    std::optional<bool> result;
    ProbeRequest req{revision_, std::move(probe), port, timeout};
    runner_.Start(req, [&](bool ok) {
      result = ok;
      loop_->Quit();
    });
    loop_->Run();
    return result.value();
  }

  RealClock clock_;
  std::unique_ptr<EventLoop> loop_;
  ProcessSpawner spawner_;
  ProbeRunner runner_;
  std::shared_ptr<RevisionTemplate> revision_ = std::make_shared<RevisionTemplate>();
};

Probe Http(std::string path) {
  Probe p;
  p.kind = Probe::Kind::kHttp;
  p.path = std::move(path);
  p.headers = {{"X-Check", "1"}};
  return p;
}

Probe Exec(std::vector<std::string> command) {
  Probe p;
  p.kind = Probe::Kind::kExec;
  p.command = std::move(command);
  return p;
}

TEST_F(ProbeTest, TcpSucceedsOnlyWhenSomethingListens) {
  TestServer server;
  EXPECT_TRUE(Run(Probe{}, server.port()));
  int closed_port;
  {
    TestServer gone;
    closed_port = gone.port();
  }
  EXPECT_FALSE(Run(Probe{}, closed_port));
}

TEST_F(ProbeTest, HttpSucceedsOn2xxAnd3xxOnly) {
  TestServer ok;
  ok.Serve("HTTP/1.1 204 No Content\r\n\r\n");
  EXPECT_TRUE(Run(Http("/healthz"), ok.port()));
  TestServer redirect;
  redirect.Serve("HTTP/1.0 302 Found\r\nLocation: /\r\n\r\n");
  EXPECT_TRUE(Run(Http("/"), redirect.port()));
  TestServer failing;
  failing.Serve("HTTP/1.1 503 Service Unavailable\r\n\r\n");
  EXPECT_FALSE(Run(Http("/"), failing.port()));
  TestServer garbage;
  garbage.Serve("SSH-2.0-OpenSSH\r\n");
  EXPECT_FALSE(Run(Http("/"), garbage.port()));
}

TEST_F(ProbeTest, HttpSendsAKubeProbeRequest) {
  TestServer server;
  server.Serve("HTTP/1.1 200 OK\r\n\r\n");
  EXPECT_TRUE(Run(Http("/ready"), server.port()));
  server.Join();
  EXPECT_EQ(server.request().rfind("GET /ready HTTP/1.1\r\n", 0), 0u) << server.request();
  EXPECT_NE(server.request().find("User-Agent: kube-probe/ebb\r\n"), std::string::npos);
  EXPECT_NE(server.request().find("X-Check: 1\r\n"), std::string::npos);
}

TEST_F(ProbeTest, ASilentServerTimesOut) {
  TestServer server;
  server.Serve("");  // reads the request, never answers
  EXPECT_FALSE(Run(Http("/"), server.port(), milliseconds(100)));
}

TEST_F(ProbeTest, ExecSucceedsOnExitZeroInTheInstanceEnvironment) {
  EXPECT_TRUE(Run(Exec({"sh", "-c", "test \"$PORT\" = 4321 && test \"$(pwd)\" = /tmp"}), 4321));
  EXPECT_FALSE(Run(Exec({"false"}), 4321));
  EXPECT_FALSE(Run(Exec({"no-such-command-anywhere"}), 4321));
}

TEST_F(ProbeTest, AnExecThatHangsIsKilledAtTheTimeout) {
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(Run(Exec({"sleep", "30"}), 1, milliseconds(200)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(ProbeHttp, RequestAndStatusLine) {
  Probe probe = Http("/healthz");
  EXPECT_EQ(ProbeHttpRequest(probe, 8080),
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: kube-probe/ebb\r\n"
            "Accept: */*\r\nConnection: close\r\nX-Check: 1\r\n\r\n");
  EXPECT_TRUE(ProbeHttpStatusOk("HTTP/1.1 200 OK"));
  EXPECT_TRUE(ProbeHttpStatusOk("HTTP/1.0 399 Whatever"));
  EXPECT_FALSE(ProbeHttpStatusOk("HTTP/1.1 400 Bad Request"));
  EXPECT_FALSE(ProbeHttpStatusOk("HTTP/1.1 199 x"));
  EXPECT_FALSE(ProbeHttpStatusOk("HTTP/2 200"));
  EXPECT_FALSE(ProbeHttpStatusOk("HTTP/1.1 2x0 OK"));
  EXPECT_FALSE(ProbeHttpStatusOk(""));
}

}  // namespace
}  // namespace ebb::runtime
