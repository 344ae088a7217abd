// relay_floor: the cheapest proxy this machine can run, as a yardstick for the gateway's CPU
// per request (bench/proxy-peers.sh peers relay-epoll, relay-uring, relay-asio).
//
//   relay_floor epoll|uring|asio LISTEN_PORT      (BACKEND_ADDR=127.0.0.1:PORT)
//
// A byte relay, not a proxy: every accepted connection gets its own keep-alive connection to the
// backend, and whatever one side sends is sent on to the other unchanged. No HTTP parsing, no
// routing, no header rewriting, no timeouts, no limits - so it is only correct for a closed-loop
// client such as wrk, one request in flight per connection, and it is the lower bound of what a
// proxy in user space costs per request on this kernel:
//   epoll  level-triggered epoll; one recv and one send per message, never a recv that finds
//          nothing (the shape nginx has, minus HTTP)
//   uring  io_uring, one ring per process: each received message is sent with a linked recv
//          re-armed behind it, everything submitted in one io_uring_enter per loop
//   asio   Boost.Asio (the Debian version ebb builds with) C++20 coroutines on an io_context with
//          the concurrency hint and the four operations per request of the gateway as it was on
//          asio (it now runs on src/ioloop)
//          (async_read_some, async_write, async_read_some, async_write), nothing else
//   uring-http  (built with EBB_GATEWAY_HTTP) uring plus the gateway's own per-message HTTP
//          work: RequestParser and BuildUpstreamHead on each request, ResponseParser and
//          BuildClientHead on each response, the pieces copied into one buffer (as the
//          gateway's Flatten does). Still no routing, admission, metrics or timeouts, and each
//          message must arrive in one read (true for wrk's GET and helloworld's answer).
// Single-threaded; run it pinned like the other peers. Built by proxy-peers.sh:
//   g++ -O2 -std=c++20 relay_floor.cc -o relay_floor -luring -pthread
// or, for uring-http, against an ebb build's libraries (BUILD = build-release), one line:
//   g++ -O2 -std=c++20 -DEBB_GATEWAY_HTTP -DBOOST_ASIO_NO_DEPRECATED
//     -DBOOST_ASIO_SEPARATE_COMPILATION -DBOOST_BEAST_SEPARATE_COMPILATION -I src
//     bench/relay_floor.cc BUILD/libebb_gateway.a BUILD/libebb_metrics.a BUILD/libebb_tracing.a
//     BUILD/libebb_admin.a BUILD/libebb_config.a BUILD/libebb_net.a BUILD/libebb_common.a
//     -lyaml-cpp -lssl -lcrypto -luring -pthread -o relay_floor
#include <arpa/inet.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>
#include <utility>  // before asio: Boost 1.74's awaitable.hpp uses std::exchange

#include <boost/asio.hpp>

#ifdef EBB_GATEWAY_HTTP
#include "gateway/request_parser.h"
#include "gateway/response_parser.h"
#endif

namespace {

constexpr std::size_t kBuffer = 16 * 1024;

[[noreturn]] void Die(const char* what) {
  std::perror(what);
  std::exit(1);
}

sockaddr_in ParseAddress(const std::string& text) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  std::size_t colon = text.rfind(':');
  if (colon == std::string::npos) Die("BACKEND_ADDR must be IP:PORT");
  a.sin_port = htons(static_cast<std::uint16_t>(std::stoi(text.substr(colon + 1))));
  if (inet_pton(AF_INET, text.substr(0, colon).c_str(), &a.sin_addr) != 1) Die("BACKEND_ADDR");
  return a;
}

void NoDelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int ConnectBackend(const sockaddr_in& backend) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, reinterpret_cast<const sockaddr*>(&backend), sizeof backend) != 0) {
    Die("connect to the backend");
  }
  NoDelay(fd);
  return fd;
}

int ListenOn(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 1024) != 0) {
    Die("listen");
  }
  return fd;
}

// A client connection and its backend connection; freed when the client goes away.
struct Pair {
  int client = -1;
  int backend = -1;
  bool closed = false;
  int pending = 0;  // io_uring receives in flight
#ifdef EBB_GATEWAY_HTTP
  ebb::gateway::RequestHead request;
  ebb::gateway::ResponseHead response;
  std::string scratch;
  ebb::gateway::GatherList gather;
  std::string out;  // the message as sent on
#endif
  char from_client[kBuffer];
  char from_backend[kBuffer];
};

// ---- epoll ----------------------------------------------------------------------------------

// user data: the Pair's address with the low bit telling which side is readable.
int RunEpoll(int listener, const sockaddr_in& backend) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0;
  epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
  epoll_event events[256];
  std::vector<Pair*> closed;  // freed after the batch, which may name them again
  for (;;) {
    for (Pair* pair : closed) delete pair;
    closed.clear();
    int n = epoll_wait(ep, events, 256, -1);
    for (int i = 0; i < n; ++i) {
      std::uint64_t data = events[i].data.u64;
      if (data == 0) {
        int fd = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        NoDelay(fd);
        auto* pair = new Pair;
        pair->client = fd;
        pair->backend = ConnectBackend(backend);
        epoll_event e{};
        e.events = EPOLLIN;
        e.data.u64 = reinterpret_cast<std::uint64_t>(pair);
        epoll_ctl(ep, EPOLL_CTL_ADD, pair->client, &e);
        e.data.u64 = reinterpret_cast<std::uint64_t>(pair) | 1;
        epoll_ctl(ep, EPOLL_CTL_ADD, pair->backend, &e);
        continue;
      }
      auto* pair = reinterpret_cast<Pair*>(data & ~std::uint64_t{1});
      if (pair->closed) continue;
      bool from_backend = data & 1;
      int in = from_backend ? pair->backend : pair->client;
      int out = from_backend ? pair->client : pair->backend;
      char* buffer = from_backend ? pair->from_backend : pair->from_client;
      ssize_t got = recv(in, buffer, kBuffer, 0);
      if (got <= 0 || send(out, buffer, static_cast<std::size_t>(got), MSG_NOSIGNAL) != got) {
        close(pair->client);  // which also takes them out of the epoll set
        close(pair->backend);
        pair->closed = true;
        closed.push_back(pair);
      }
    }
  }
}

// ---- io_uring -------------------------------------------------------------------------------

enum Op : std::uint64_t { kAccept = 0, kRecvClient = 1, kRecvBackend = 2, kSend = 3 };

io_uring ring;

io_uring_sqe* NextSqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring);
  if (sqe == nullptr) {
    io_uring_submit(&ring);
    sqe = io_uring_get_sqe(&ring);
  }
  return sqe;
}

void Recv(Pair* pair, bool from_backend) {
  ++pair->pending;
  io_uring_sqe* sqe = NextSqe();
  io_uring_prep_recv(sqe, from_backend ? pair->backend : pair->client,
                     from_backend ? pair->from_backend : pair->from_client, kBuffer, 0);
  io_uring_sqe_set_data64(
      sqe, reinterpret_cast<std::uint64_t>(pair) | (from_backend ? kRecvBackend : kRecvClient));
}

#ifdef EBB_GATEWAY_HTTP
bool http = false;  // uring-http

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "relay_floor: %s\n", what);
  std::exit(1);
}

// The gateway's HTTP work on one whole message; the result goes to pair->out.
void Rewrite(Pair* pair, bool from_backend, int size) {
  using namespace ebb::gateway;
  boost::beast::error_code ec;
  pair->gather.clear();
  if (!from_backend) {
    pair->request.Clear();
    RequestParser parser(pair->request, 64 * 1024, 0);
    parser.Parse(pair->from_client, 0, static_cast<std::size_t>(size), ec);
    if (ec) Fail("a request that is not one whole head");
    BuildUpstreamHead(pair->request, pair->from_client, "127.0.0.1", pair->scratch, pair->gather);
  } else {
    pair->response.Clear();
    ResponseParser parser(pair->response, 64 * 1024, false);
    std::size_t used = parser.Parse(pair->from_backend, 0, static_cast<std::size_t>(size), ec);
    if (ec) Fail("a response that is not one whole head");
    BuildClientHead(pair->response, pair->from_backend, ClientFraming{}, pair->gather);
    parser.eager(true);
    parser.Parse(pair->from_backend, used, static_cast<std::size_t>(size), ec);
    pair->gather.Add(pair->from_backend + used, static_cast<std::size_t>(size) - used);
  }
  pair->out.clear();
  for (const iovec& b : pair->gather.buffers()) {
    pair->out.append(static_cast<const char*>(b.iov_base), b.iov_len);
  }
}
#endif

// Sends what was received, and only then re-arms the receive into the same buffer.
void Relay(Pair* pair, bool from_backend, int size) {
  io_uring_sqe* sqe = NextSqe();
  const char* data = from_backend ? pair->from_backend : pair->from_client;
#ifdef EBB_GATEWAY_HTTP
  if (http) {
    Rewrite(pair, from_backend, size);
    data = pair->out.data();
    size = static_cast<int>(pair->out.size());
  }
#endif
  io_uring_prep_send(sqe, from_backend ? pair->client : pair->backend, data,
                     static_cast<std::size_t>(size), MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, reinterpret_cast<std::uint64_t>(pair) | kSend);
  sqe->flags |= IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS;
  Recv(pair, from_backend);
}

int RunUring(int listener, const sockaddr_in& backend) {
  io_uring_params params{};
  params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN |
                 IORING_SETUP_DEFER_TASKRUN;
  if (int r = io_uring_queue_init_params(4096, &ring, &params); r < 0) {
    errno = -r;
    Die("io_uring_queue_init_params");
  }
  io_uring_sqe* sqe = NextSqe();
  io_uring_prep_multishot_accept(sqe, listener, nullptr, nullptr, SOCK_CLOEXEC);
  io_uring_sqe_set_data64(sqe, kAccept);
  for (;;) {
    io_uring_submit_and_wait(&ring, 1);
    io_uring_cqe* cqe;
    unsigned head;
    unsigned seen = 0;
    io_uring_for_each_cqe(&ring, head, cqe) {
      ++seen;
      std::uint64_t data = cqe->user_data;
      auto* pair = reinterpret_cast<Pair*>(data & ~std::uint64_t{3});
      int res = cqe->res;
      switch (data & 3) {
        case kAccept:
          if (res >= 0) {
            NoDelay(res);
            pair = new Pair;
            pair->client = res;
            pair->backend = ConnectBackend(backend);
            Recv(pair, false);
            Recv(pair, true);
          }
          break;
        case kRecvClient:
        case kRecvBackend:
          --pair->pending;
          if (res > 0 && !pair->closed) {
            Relay(pair, (data & 3) == kRecvBackend, res);
          } else {
            // End of either side, or a failed send (its linked receive is cancelled): shut both
            // down, which ends the other receive too, and free the pair after the last one.
            if (!pair->closed) {
              pair->closed = true;
              shutdown(pair->client, SHUT_RDWR);
              shutdown(pair->backend, SHUT_RDWR);
            }
            if (pair->pending == 0) {
              close(pair->client);
              close(pair->backend);
              delete pair;
            }
          }
          break;
        default:  // a send that failed (successful ones post no completion)
          break;
      }
    }
    io_uring_cq_advance(&ring, seen);
  }
}

// ---- Boost.Asio -----------------------------------------------------------------------------

namespace asio = boost::asio;
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<asio::ip::tcp, Executor>;
using Acceptor = asio::basic_socket_acceptor<asio::ip::tcp, Executor>;
template <class T>
using Task = asio::awaitable<T, Executor>;
constexpr asio::use_awaitable_t<Executor> kUseTask{};
asio::ip::tcp::endpoint asio_backend;

Task<void> AsioPair(Socket client) {
  boost::system::error_code ec;
  Socket upstream(client.get_executor());
  co_await upstream.async_connect(asio_backend, asio::redirect_error(kUseTask, ec));
  if (ec) co_return;
  client.set_option(asio::ip::tcp::no_delay(true), ec);
  upstream.set_option(asio::ip::tcp::no_delay(true), ec);
  auto buffers = std::make_unique<Pair>();
  auto token = asio::redirect_error(kUseTask, ec);
  for (;;) {
    std::size_t n = co_await client.async_read_some(asio::buffer(buffers->from_client), token);
    if (ec) break;
    co_await asio::async_write(upstream, asio::buffer(buffers->from_client, n), token);
    if (ec) break;
    n = co_await upstream.async_read_some(asio::buffer(buffers->from_backend), token);
    if (ec) break;
    co_await asio::async_write(client, asio::buffer(buffers->from_backend, n), token);
    if (ec) break;
  }
}

Task<void> AsioAccept(Acceptor& acceptor) {
  for (;;) {
    boost::system::error_code ec;
    Socket client = co_await acceptor.async_accept(asio::redirect_error(kUseTask, ec));
    if (!ec) asio::co_spawn(acceptor.get_executor(), AsioPair(std::move(client)), asio::detached);
  }
}

int RunAsio(int listener, const sockaddr_in& backend) {
  char ip[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &backend.sin_addr, ip, sizeof ip);
  asio_backend = {asio::ip::make_address(ip), ntohs(backend.sin_port)};
  asio::io_context io(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO);
  Acceptor acceptor(io.get_executor(), asio::ip::tcp::v4(), listener);
  asio::co_spawn(io.get_executor(), AsioAccept(acceptor), asio::detached);
  io.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* backend = std::getenv("BACKEND_ADDR");
  if (argc != 3 || backend == nullptr) {
    std::fprintf(stderr,
                 "usage: BACKEND_ADDR=IP:PORT relay_floor epoll|uring|asio|uring-http PORT\n");
    return 2;
  }
  std::string mode = argv[1];
  int listener = ListenOn(std::atoi(argv[2]));
  sockaddr_in address = ParseAddress(backend);
  if (mode == "epoll") return RunEpoll(listener, address);
  if (mode == "uring") return RunUring(listener, address);
#ifdef EBB_GATEWAY_HTTP
  if (mode == "uring-http") {
    http = true;
    return RunUring(listener, address);
  }
#endif
  if (mode == "asio") return RunAsio(listener, address);
  std::fprintf(stderr,
               "mode must be epoll, uring, asio or (built with EBB_GATEWAY_HTTP) uring-http\n");
  return 2;
}
