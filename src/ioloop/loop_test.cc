// The event loop on both backends, against real sockets.
//
// Coroutine lambdas are named: a coroutine keeps a pointer to its lambda, whose captures must
// outlive it (an unnamed temporary would be gone after the statement that spawned it).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ioloop/loop.h"
#include "ioloop/socket.h"
#include "ioloop/task.h"

namespace ebb::ioloop {
namespace {

class LoopTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto loop = Loop::Create(GetParam());
    if (!loop.ok() && GetParam() == Backend::kUring) {
      GTEST_SKIP() << "io_uring unavailable: " << loop.status().message();
    }
    ASSERT_TRUE(loop.ok()) << loop.status().message();
    loop_ = std::move(*loop);
    ASSERT_EQ(loop_->backend(), GetParam());
  }

  // A connected pair of stream sockets in the loop's mode (blocking for io_uring).
  std::pair<Socket, Socket> Pair() {
    int fds[2];
    int type = SOCK_STREAM | SOCK_CLOEXEC | (GetParam() == Backend::kEpoll ? SOCK_NONBLOCK : 0);
    EXPECT_EQ(::socketpair(AF_UNIX, type, 0, fds), 0);
    return {Socket(*loop_, fds[0]), Socket(*loop_, fds[1])};
  }

  std::unique_ptr<Loop> loop_;
};

// Listens on an ephemeral loopback port; `address` is then the listener's own address.
bool ListenOnLoopback(Acceptor& acceptor, sockaddr_storage& address, socklen_t& size) {
  return ParseAddress("127.0.0.1", 0, address, size) && acceptor.Listen(address, size).ok() &&
         ParseAddress("127.0.0.1", acceptor.port(), address, size);
}

Task<std::size_t> ReadSome(Socket& s, std::string& out, ErrorCode& ec) {
  char buffer[4096];
  std::size_t n = co_await s.Read(buffer, sizeof buffer, ec);
  out.append(buffer, n);
  co_return n;
}

TEST_P(LoopTest, WritesAndReadsThroughNestedTasks) {
  auto [a, b] = Pair();
  std::string got;
  ErrorCode read_ec, write_ec;
  auto reader = [&]() -> Task<void> {
    while (got.size() < 5) {
      if (co_await ReadSome(b, got, read_ec) == 0) break;
    }
    loop_->Stop();
  };
  Spawn(reader());
  auto writer = [&]() -> Task<void> { co_await a.WriteAll("hello", 5, write_ec); };
  Spawn(writer());
  loop_->Run();
  EXPECT_FALSE(write_ec);
  EXPECT_FALSE(read_ec);
  EXPECT_EQ(got, "hello");
}

TEST_P(LoopTest, ReadReportsEndOfStream) {
  auto [a, b] = Pair();
  ErrorCode ec;
  std::size_t n = 99;
  auto reader = [&]() -> Task<void> {
    char buffer[16];
    n = co_await b.Read(buffer, sizeof buffer, ec);
    loop_->Stop();
  };
  Spawn(reader());
  a.ShutdownSend();
  loop_->Run();
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(ec, EofError());
}

TEST_P(LoopTest, LargeWriteWaitsForTheReader) {
  auto [a, b] = Pair();
  const std::string big(8 << 20, 'x');
  std::string got;
  ErrorCode read_ec, write_ec;
  bool wrote = false;
  auto writer = [&]() -> Task<void> {
    co_await a.WriteAll(big.data(), big.size(), write_ec);
    wrote = true;
    a.ShutdownSend();
  };
  Spawn(writer());
  EXPECT_FALSE(wrote);  // more than the socket buffer: it must have waited
  auto reader = [&]() -> Task<void> {
    for (;;) {
      if (co_await ReadSome(b, got, read_ec) == 0) break;
    }
    loop_->Stop();
  };
  Spawn(reader());
  loop_->Run();
  EXPECT_TRUE(wrote);
  EXPECT_FALSE(write_ec);
  EXPECT_EQ(read_ec, EofError());
  EXPECT_EQ(got.size(), big.size());
}

TEST_P(LoopTest, GatherWriteSendsEveryPieceInOrder) {
  auto [a, b] = Pair();
  std::string one(300'000, 'a'), two = "-middle-", three(500'000, 'c');
  std::vector<iovec> iov = {{one.data(), one.size()}, {two.data(), two.size()},
                            {three.data(), three.size()}};
  std::string got;
  ErrorCode read_ec, write_ec;
  auto writer = [&]() -> Task<void> {
    co_await a.WriteAll(iov, write_ec);
    a.ShutdownSend();
  };
  Spawn(writer());
  auto reader = [&]() -> Task<void> {
    while (co_await ReadSome(b, got, read_ec) > 0) {
    }
    loop_->Stop();
  };
  Spawn(reader());
  loop_->Run();
  EXPECT_FALSE(write_ec);
  EXPECT_EQ(got, one + two + three);
}

TEST_P(LoopTest, CancelEndsAPendingReadAndLeavesTheSocketOpen) {
  auto [a, b] = Pair();
  ErrorCode first, second;
  std::string got;
  auto reader = [&]() -> Task<void> {
    char buffer[16];
    co_await b.Read(buffer, sizeof buffer, first);
    EXPECT_TRUE(b.is_open());
    ::send(a.fd(), "after", 5, MSG_NOSIGNAL);
    co_await ReadSome(b, got, second);
    loop_->Stop();
  };
  Spawn(reader());
  b.Cancel();
  loop_->Run();
  EXPECT_EQ(first, ErrorCode(ECANCELED, boost::system::system_category()));
  EXPECT_FALSE(second);
  EXPECT_EQ(got, "after");
}

TEST_P(LoopTest, CloseCompletesPendingOperationsWithCancelled) {
  auto [a, b] = Pair();
  ErrorCode ec;
  bool done = false;
  auto reader = [&]() -> Task<void> {
    char buffer[16];
    co_await b.Read(buffer, sizeof buffer, ec);
    done = true;
  };
  Spawn(reader());
  EXPECT_FALSE(done);
  b.Close();
  loop_->Stop();
  loop_->Run();
  EXPECT_TRUE(done);
  EXPECT_EQ(ec, ErrorCode(ECANCELED, boost::system::system_category()));
  // A closed socket fails at once.
  ErrorCode again;
  auto late_reader = [&]() -> Task<void> {
    char buffer[16];
    co_await b.Read(buffer, sizeof buffer, again);
  };
  Spawn(late_reader());
  EXPECT_EQ(again, ErrorCode(EBADF, boost::system::system_category()));
}

TEST_P(LoopTest, AcceptsAndConnectsOverLoopback) {
  Acceptor acceptor(*loop_);
  sockaddr_storage address;
  socklen_t size;
  ASSERT_TRUE(ListenOnLoopback(acceptor, address, size));
  std::string got;
  ErrorCode accept_ec, connect_ec, write_ec, read_ec;
  Socket server, client;
  sockaddr_storage peer{};
  auto server_side = [&]() -> Task<void> {
    server = co_await acceptor.Accept(accept_ec, &peer);
    while (got.size() < 4 && co_await ReadSome(server, got, read_ec) > 0) {
    }
    loop_->Stop();
  };
  Spawn(server_side());
  auto client_side = [&]() -> Task<void> {
    co_await Socket::Connect(*loop_, address, size, client, connect_ec);
    if (!connect_ec) co_await client.WriteAll("ping", 4, write_ec);
  };
  Spawn(client_side());
  loop_->Run();
  EXPECT_FALSE(accept_ec) << accept_ec.message();
  EXPECT_FALSE(connect_ec) << connect_ec.message();
  EXPECT_FALSE(write_ec);
  EXPECT_EQ(got, "ping");
  // The accept itself gave the client's address, port included.
  EXPECT_EQ(AddressText(peer), "127.0.0.1");
  sockaddr_storage local{};
  socklen_t local_size = sizeof local;
  ASSERT_EQ(::getsockname(client.fd(), reinterpret_cast<sockaddr*>(&local), &local_size), 0);
  EXPECT_EQ(reinterpret_cast<sockaddr_in*>(&peer)->sin_port,
            reinterpret_cast<sockaddr_in*>(&local)->sin_port);
  // TCP_NODELAY came with the connection from the listener.
  int nodelay = 0;
  socklen_t nodelay_size = sizeof nodelay;
  ASSERT_EQ(::getsockopt(server.fd(), IPPROTO_TCP, TCP_NODELAY, &nodelay, &nodelay_size), 0);
  EXPECT_EQ(nodelay, 1);
}

TEST(AddressTextTest, NamesIPv4AndIPv6AndUnmapsIPv4OnDualStack) {
  sockaddr_storage a{};
  socklen_t size = 0;
  ASSERT_TRUE(ParseAddress("10.1.2.3", 80, a, size));
  EXPECT_EQ(AddressText(a), "10.1.2.3");
  EXPECT_EQ(AddressPort(a), 80);
  ASSERT_TRUE(ParseAddress("[2001:db8::1]", 80, a, size));
  EXPECT_EQ(AddressText(a), "2001:db8::1");
  ASSERT_TRUE(ParseAddress("[::ffff:192.0.2.7]", 80, a, size));
  EXPECT_EQ(AddressText(a), "192.0.2.7");
  sockaddr_storage none{};
  EXPECT_EQ(AddressText(none), "unknown");
}

// A client's request usually arrives with the handshake: the first read of an accepted
// socket takes it at once, without waiting for a turn of the loop (io_uring too). The next
// read, with nothing there, waits as usual.
TEST_P(LoopTest, TheFirstReadOfAnAcceptedSocketTakesWhatIsThereAtOnce) {
  Acceptor acceptor(*loop_);
  sockaddr_storage address;
  socklen_t size;
  ASSERT_TRUE(ListenOnLoopback(acceptor, address, size));
  int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&address), size), 0);
  ASSERT_EQ(::send(client, "GET", 3, MSG_NOSIGNAL), 3);
  std::string first, second;
  bool turned_before_first = true, turned_before_second = false;
  ErrorCode accept_ec, ec1, ec2;
  Socket server;
  auto server_side = [&]() -> Task<void> {
    server = co_await acceptor.Accept(accept_ec);
    bool turned = false;
    loop_->Post([&turned] { turned = true; });  // runs at the loop's next turn
    co_await ReadSome(server, first, ec1);
    turned_before_first = turned;
    turned = false;
    loop_->Post([&turned, client] {  // at the next turn, once the read below waits
      turned = true;
      ::send(client, " /", 2, MSG_NOSIGNAL);
    });
    co_await ReadSome(server, second, ec2);
    turned_before_second = turned;
    loop_->Stop();
  };
  Spawn(server_side());
  loop_->Run();
  ::close(client);
  EXPECT_FALSE(accept_ec);
  EXPECT_FALSE(ec1);
  EXPECT_FALSE(ec2);
  EXPECT_EQ(first, "GET");
  EXPECT_FALSE(turned_before_first);
  EXPECT_EQ(second, " /");
  EXPECT_TRUE(turned_before_second);
}

TEST_P(LoopTest, ConnectToAClosedPortIsRefused) {
  // A port that was just free: bind, read the port, close.
  Acceptor probe(*loop_);
  sockaddr_storage address;
  socklen_t size;
  ASSERT_TRUE(ParseAddress("127.0.0.1", 0, address, size));
  ASSERT_TRUE(probe.Listen(address, size).ok());
  int port = probe.port();
  probe.Close();
  ASSERT_TRUE(ParseAddress("127.0.0.1", port, address, size));
  ErrorCode ec;
  Socket client;
  auto connector = [&]() -> Task<void> {
    co_await Socket::Connect(*loop_, address, size, client, ec);
    loop_->Stop();
  };
  Spawn(connector());
  loop_->Run();
  EXPECT_EQ(ec, ErrorCode(ECONNREFUSED, boost::system::system_category()));
}

TEST_P(LoopTest, ClosingTheAcceptorEndsAPendingAccept) {
  Acceptor acceptor(*loop_);
  sockaddr_storage address;
  socklen_t size;
  ASSERT_TRUE(ListenOnLoopback(acceptor, address, size));
  ErrorCode ec;
  bool done = false;
  auto accepter = [&]() -> Task<void> {
    Socket s = co_await acceptor.Accept(ec);
    done = true;
  };
  Spawn(accepter());
  acceptor.Close();
  loop_->Stop();
  loop_->Run();
  EXPECT_TRUE(done);
  EXPECT_EQ(ec, ErrorCode(ECANCELED, boost::system::system_category()));
}

TEST_P(LoopTest, TimersFireInDeadlineOrderAndCancelledOnesDoNot) {
  std::vector<int> fired;
  auto now = std::chrono::steady_clock::now();
  Timer late(*loop_, [&] {
    fired.push_back(3);
    loop_->Stop();
  });
  Timer early(*loop_, [&] { fired.push_back(1); });
  Timer cancelled(*loop_, [&] { fired.push_back(99); });
  Timer moved(*loop_, [&] { fired.push_back(2); });
  late.Arm(now + std::chrono::milliseconds(6));
  cancelled.Arm(now + std::chrono::milliseconds(1));
  early.Arm(now + std::chrono::milliseconds(2));
  moved.Arm(now + std::chrono::milliseconds(50));
  moved.Arm(now + std::chrono::milliseconds(4));  // re-armed earlier
  cancelled.Cancel();
  EXPECT_FALSE(cancelled.armed());
  loop_->Run();
  EXPECT_EQ(fired, (std::vector<int>{1, 2, 3}));
}

TEST_P(LoopTest, PostWakesTheLoopFromAnotherThread) {
  int ran = 0;
  Timer guard(*loop_, [&] { loop_->StopNow(); });  // a hung loop fails rather than hangs
  guard.Arm(std::chrono::steady_clock::now() + std::chrono::seconds(10));
  std::thread poster([&] {
    for (int i = 0; i < 100; ++i) {
      loop_->Post([&] {
        if (++ran == 100) loop_->Stop();
      });
    }
  });
  loop_->Run();
  poster.join();
  EXPECT_EQ(ran, 100);
}

TEST_P(LoopTest, EventResumesItsWaiterAtTheNextTurn) {
  Event event(*loop_);
  int stage = 0;
  auto waiter = [&]() -> Task<void> {
    stage = 1;
    co_await event.Wait();
    stage = 2;
    co_await event.Wait();  // notified before it waited: goes straight through
    stage = 3;
  };
  Spawn(waiter());
  EXPECT_EQ(stage, 1);
  event.Notify();
  EXPECT_EQ(stage, 1);  // not inline
  loop_->Post([&] { event.Notify(); });
  loop_->Stop();
  loop_->Run();
  EXPECT_EQ(stage, 3);
}

TEST_P(LoopTest, StopWaitsForOperationsInFlight) {
  auto [a, b] = Pair();
  ErrorCode ec;
  std::string got;
  auto reader = [&]() -> Task<void> { co_await ReadSome(b, got, ec); };
  Spawn(reader());
  int fd = a.fd();
  Timer later(*loop_, [fd] { ::send(fd, "late", 4, MSG_NOSIGNAL); });
  later.Arm(std::chrono::steady_clock::now() + std::chrono::milliseconds(3));
  loop_->Stop();
  loop_->Run();  // returns only once the read has completed
  EXPECT_EQ(got, "late");
}

// The gateway creates its loops on one thread and runs each on its own.
TEST_P(LoopTest, RunsOnAThreadOtherThanTheOneThatCreatedIt) {
  auto [a, b] = Pair();
  std::string got;
  ErrorCode ec;
  std::thread runner([&] {
    auto reader = [&]() -> Task<void> {
      co_await ReadSome(b, got, ec);
      loop_->Stop();
    };
    Spawn(reader());
    loop_->Run();
  });
  ::send(a.fd(), "there", 5, MSG_NOSIGNAL);
  runner.join();
  EXPECT_FALSE(ec);
  EXPECT_EQ(got, "there");
}

TEST_P(LoopTest, BusyPollWaitsForAPromptReadInsteadOfSleeping) {
  loop_->SetBusyPoll(std::chrono::seconds(5));  // far more than a local answer needs
  auto [a, b] = Pair();
  b.set_prompt(true);
  std::string got;
  ErrorCode ec;
  auto reader = [&]() -> Task<void> {
    co_await ReadSome(b, got, ec);
    loop_->Stop();
  };
  Spawn(reader());
  std::thread writer([fd = a.fd()] { ::send(fd, "soon", 4, MSG_NOSIGNAL); });
  loop_->Run();
  writer.join();
  EXPECT_EQ(got, "soon");
  EXPECT_GE(loop_->busy_poll_hits(), 1u);
  EXPECT_EQ(loop_->busy_poll_misses(), 0u);
}

TEST_P(LoopTest, BusyPollGivesUpAfterItsBudget) {
  loop_->SetBusyPoll(std::chrono::microseconds(200));
  auto [a, b] = Pair();
  b.set_prompt(true);
  std::string got;
  ErrorCode ec;
  auto reader = [&]() -> Task<void> {
    co_await ReadSome(b, got, ec);
    loop_->Stop();
  };
  Spawn(reader());
  Timer late(*loop_, [fd = a.fd()] { ::send(fd, "late", 4, MSG_NOSIGNAL); });
  late.Arm(std::chrono::steady_clock::now() + std::chrono::milliseconds(20));
  loop_->Run();
  EXPECT_EQ(got, "late");
  EXPECT_GE(loop_->busy_poll_misses(), 1u);  // 200 us ran out long before the answer
}

TEST_P(LoopTest, BusyPollWindowClosesWhenAnswersTakeMilliseconds) {
  // Eight answers, each 3 ms after the read began: far beyond the 200 us maximum, so that no
  // poll could have caught them. The window halves after each (100, 50, 25, 12.5 us) and then
  // closes: an app this slow costs no polling.
  loop_->SetBusyPoll(std::chrono::microseconds(200));
  auto [a, b] = Pair();
  b.set_prompt(true);
  std::string got;
  ErrorCode ec;
  Timer answer(*loop_, [fd = a.fd()] { ::send(fd, "x", 1, MSG_NOSIGNAL); });
  auto reader = [&]() -> Task<void> {
    for (int i = 0; i < 8 && !ec; ++i) {
      answer.Arm(std::chrono::steady_clock::now() + std::chrono::milliseconds(3));
      co_await ReadSome(b, got, ec);
    }
    loop_->Stop();
  };
  Spawn(reader());
  loop_->Run();
  EXPECT_FALSE(ec);
  EXPECT_EQ(got, "xxxxxxxx");
  EXPECT_EQ(loop_->busy_poll_window(), std::chrono::nanoseconds(0));
}

TEST_P(LoopTest, OnlyPromptReadsArePolledFor) {
  loop_->SetBusyPoll(std::chrono::seconds(5));
  auto [a, b] = Pair();  // b is not prompt
  std::string got;
  ErrorCode ec;
  auto reader = [&]() -> Task<void> {
    co_await ReadSome(b, got, ec);
    loop_->Stop();
  };
  Spawn(reader());
  Timer later(*loop_, [fd = a.fd()] { ::send(fd, "plain", 5, MSG_NOSIGNAL); });
  later.Arm(std::chrono::steady_clock::now() + std::chrono::milliseconds(2));
  loop_->Run();
  EXPECT_EQ(got, "plain");
  EXPECT_EQ(loop_->busy_poll_hits() + loop_->busy_poll_misses(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, LoopTest, ::testing::Values(Backend::kUring, Backend::kEpoll),
                         [](const auto& info) { return std::string(BackendName(info.param)); });

TEST(BackendTest, ParsesNames) {
  EXPECT_EQ(*ParseBackend("auto"), Backend::kAuto);
  EXPECT_EQ(*ParseBackend("uring"), Backend::kUring);
  EXPECT_EQ(*ParseBackend("epoll"), Backend::kEpoll);
  auto bad = ParseBackend("kqueue");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("auto, uring or epoll"), std::string::npos);
}

}  // namespace
}  // namespace ebb::ioloop
