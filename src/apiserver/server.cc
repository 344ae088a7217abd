// The HTTPS side of the API server: accept loop, one coroutine per connection (TLS handshake,
// then HTTP/1.1 keep-alive requests with deadlines), authentication, and Stop.
// clang-format off
#include <utility>  // before asio: Boost 1.74's asio/awaitable.hpp uses std::exchange unincluded
// clang-format on

#include <openssl/crypto.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "apiserver/apiserver.h"
#include "apiserver/connection.h"
#include "apiserver/pki.h"
#include "common/thread.h"

namespace ebb::apiserver {

using nlohmann::json;

namespace {

using asio::ip::tcp;

constexpr std::chrono::seconds kHandshakeTimeout{10};
constexpr std::chrono::seconds kIdleTimeout{120};  // waiting for (and reading) a request
constexpr std::chrono::seconds kStopGrace{5};
constexpr std::uint64_t kMaxBodyBytes = 3u << 20;  // larger bodies get 413
constexpr std::uint32_t kMaxHeaderBytes = 64u << 10;
constexpr std::uint64_t kMaxDrainBytes = 64u << 20;

asio::awaitable<void> Pause(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

struct HostPort {
  std::string host;
  std::string port;
};

Result<HostPort> SplitHostPort(std::string_view listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == listen.size()) {
    return Status(Code::kBadRequest,
                  "listen address must be host:port, got \"" + std::string(listen) + "\"");
  }
  std::string_view host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return HostPort{std::string(host), std::string(listen.substr(colon + 1))};
}

// What clients should dial: wildcard binds are reached through loopback.
std::string DialAddress(const tcp::endpoint& bound) {
  asio::ip::address addr = bound.address();
  if (addr.is_unspecified()) {
    addr = addr.is_v6() ? asio::ip::address(asio::ip::address_v6::loopback())
                        : asio::ip::address(asio::ip::address_v4::loopback());
  }
  std::string host = addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
  return host + ":" + std::to_string(bound.port());
}

std::string ToString(beast::string_view s) { return std::string(s.data(), s.size()); }

Request ToRequest(const http::request<http::string_body>& msg) {
  Request req;
  req.method = ToString(msg.method_string());
  auto [path, query] = SplitTarget(std::string_view(msg.target().data(), msg.target().size()));
  req.route = ParseRoute(path);
  req.query = ParseQuery(query);
  req.accept = ToString(msg[http::field::accept]);
  req.content_type = ToString(msg[http::field::content_type]);
  req.body = msg.body();
  return req;
}

}  // namespace

struct ApiServer::Impl {
  Impl(const Options& opts, registry::Registry& registry, CoreSource& core, const Clock& clock)
      : options(opts), ctx{registry, core, clock, "", opts.user, clock.Now()} {}

  Status Listen();
  void Run();
  void Stop();
  bool Authorized(const http::request<http::string_body>& msg) const;
  asio::awaitable<void> AcceptLoop();
  asio::awaitable<void> Session(std::shared_ptr<Connection> conn);
  asio::awaitable<void> RejectTooLarge(Connection& conn);

  Options options;
  Pki pki;
  HandlerContext ctx;
  std::string kubeconfig_path;
  // Declared before the io_context: streams (destroyed with it) use the SSL context.
  asio::ssl::context tls{asio::ssl::context::tls_server};
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::thread thread;
  std::promise<void> finished;
  std::mutex stop_mu;  // serialises Stop()
  // Guarded by running on the io_context thread:
  std::set<std::shared_ptr<Connection>> connections;
  bool stopping = false;
};

Status ApiServer::Impl::Listen() {
  auto hp = SplitHostPort(options.listen);
  if (!hp.ok()) return hp.status();
  error_code ec;
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(hp->host, hp->port, tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    return Status(Code::kBadRequest, "cannot resolve listen address " + options.listen);
  }
  // "localhost" may resolve to ::1 first; the certificate names 127.0.0.1, so prefer IPv4.
  tcp::endpoint ep = results.begin()->endpoint();
  for (const auto& entry : results) {
    if (entry.endpoint().address().is_v4()) {
      ep = entry.endpoint();
      break;
    }
  }
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Status(Code::kUnavailable, "cannot listen on " + options.listen + ": " + ec.message());
  ctx.address = DialAddress(acceptor.local_endpoint());
  return Status::Ok();
}

bool ApiServer::Impl::Authorized(const http::request<http::string_body>& msg) const {
  std::string want = "Bearer " + pki.token;
  beast::string_view got = msg[http::field::authorization];
  return got.size() == want.size() && CRYPTO_memcmp(got.data(), want.data(), want.size()) == 0;
}

asio::awaitable<void> ApiServer::Impl::AcceptLoop() {
  while (!stopping) {
    error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (stopping) co_return;
    if (ec) {  // e.g. out of file descriptors: back off instead of spinning
      co_await Pause(std::chrono::milliseconds(100));
      continue;
    }
    auto conn = std::make_shared<Connection>(std::move(socket), tls);
    connections.insert(conn);
    asio::co_spawn(ioc, Session(conn), [this, conn](std::exception_ptr e) {
      connections.erase(conn);
      if (e) std::fprintf(stderr, "apiserver: connection failed with an exception\n");
    });
  }
}

// 413, then the rest of the oversized body is read and dropped, so that the client (still
// sending) sees the answer instead of a reset connection.
asio::awaitable<void> ApiServer::Impl::RejectTooLarge(Connection& conn) {
  json body =
      FailureStatus(413, "RequestEntityTooLarge",
                    "the request body is larger than " + std::to_string(kMaxBodyBytes) + " bytes");
  Response res = JsonResponse(413, body);
  error_code ec = co_await WriteResponse(conn, std::move(res), false, false);
  auto& tcp_layer = beast::get_lowest_layer(conn.stream);
  tcp_layer.expires_after(std::chrono::seconds(10));
  char scratch[16 * 1024];
  for (std::uint64_t drained = 0; !ec && drained < kMaxDrainBytes;) {
    drained += co_await conn.stream.async_read_some(asio::buffer(scratch),
                                                    asio::redirect_error(asio::use_awaitable, ec));
  }
}

namespace {

// Reads one request; answers "Expect: 100-continue" (curl sends it for bodies over 1 MiB) once
// the header passed the size checks, so that the client sends the body without a delay.
asio::awaitable<error_code> ReadRequest(Connection& conn,
                                        http::request_parser<http::string_body>& parser) {
  error_code ec;
  co_await http::async_read_header(conn.stream, conn.buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return ec;
  if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
    http::response<http::empty_body> proceed{http::status::continue_, 11};
    co_await http::async_write(conn.stream, proceed, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec;
  }
  co_await http::async_read(conn.stream, conn.buffer, parser,
                            asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

}  // namespace

asio::awaitable<void> ApiServer::Impl::Session(std::shared_ptr<Connection> conn) {
  auto& tcp_layer = beast::get_lowest_layer(conn->stream);
  error_code ec;
  tcp_layer.expires_after(kHandshakeTimeout);
  co_await conn->stream.async_handshake(asio::ssl::stream_base::server,
                                        asio::redirect_error(asio::use_awaitable, ec));
  while (!ec && !conn->closed) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(kMaxBodyBytes);
    tcp_layer.expires_after(kIdleTimeout);
    ec = co_await ReadRequest(*conn, parser);
    if (ec == http::error::body_limit) co_await RejectTooLarge(*conn);
    if (ec) break;
    const auto& msg = parser.get();
    Request req = ToRequest(msg);
    bool keep_alive = msg.keep_alive();
    Response res;
    if (!Authorized(msg)) {
      res = JsonResponse(401, FailureStatus(Status(Code::kUnauthorized, "Unauthorized")));
    } else if (IsWatch(req)) {
      co_await ServeWatch(conn, req, ctx, options.core_poll_interval);
      break;
    } else if (IsLogFollow(req)) {
      co_await ServePodLog(conn, req, ctx);
      break;
    } else {
      res = Handle(req, ctx);
    }
    bool head_only = req.method == "HEAD";
    ec = co_await WriteResponse(*conn, std::move(res), keep_alive, head_only);
    if (!keep_alive) break;
  }
  conn->Close();
}

void ApiServer::Impl::Run() {
  asio::co_spawn(ioc, AcceptLoop(), [](std::exception_ptr e) {
    if (e) std::fprintf(stderr, "apiserver: accept loop failed with an exception\n");
  });
  thread = std::thread([this] {
    NameThisThread("ebb-api");
    MakeThisThreadBackground();
    ioc.run();
    finished.set_value();
  });
}

void ApiServer::Impl::Stop() {
  std::lock_guard<std::mutex> lock(stop_mu);
  if (!thread.joinable()) return;
  asio::post(ioc, [this] {
    stopping = true;
    error_code ec;
    acceptor.close(ec);
    for (const auto& conn : connections) conn->Close();
  });
  // Closing every socket ends every coroutine; if one is stuck anyway, stop the loop by force.
  if (finished.get_future().wait_for(kStopGrace) != std::future_status::ready) ioc.stop();
  thread.join();
}

asio::awaitable<error_code> WriteResponse(Connection& conn, Response res, bool keep_alive,
                                          bool head_only) {
  http::response<http::string_body> msg{static_cast<http::status>(res.status), 11};
  msg.set(http::field::server, "ebb");
  msg.set(http::field::content_type, res.content_type);
  if (res.no_cache) msg.set(http::field::cache_control, "no-cache, private");
  msg.keep_alive(keep_alive);
  msg.body() = std::move(res.body);
  msg.prepare_payload();
  if (head_only) msg.body().clear();  // Content-Length still tells the size
  beast::get_lowest_layer(conn.stream).expires_after(kWriteTimeout);
  error_code ec;
  co_await http::async_write(conn.stream, msg, asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

CoreSource::~CoreSource() = default;
std::vector<json> CoreSource::Pods(std::string_view) { return {}; }
Result<std::string> CoreSource::PodLog(std::string_view, std::string_view name,
                                       std::optional<int>) {
  return Status(Code::kNotFound, "pods \"" + std::string(name) + "\" not found");
}
std::string CoreSource::GatewayIp() { return ""; }
int CoreSource::GatewayPort() { return 0; }
std::vector<json> CoreSource::Events(std::string_view) { return {}; }

Result<std::unique_ptr<ApiServer>> ApiServer::Start(const Options& options,
                                                    registry::Registry& registry, CoreSource& core,
                                                    const Clock& clock) {
  if (options.data_dir.empty()) return Status(Code::kBadRequest, "data_dir must be set");
  auto impl = std::make_unique<Impl>(options, registry, core, clock);
  EBB_RETURN_IF_ERROR(impl->Listen());
  auto hp = SplitHostPort(options.listen);
  auto pki = LoadOrCreatePki(options.data_dir, hp->host);
  if (!pki.ok()) return pki.status();
  impl->pki = std::move(pki).value();
  error_code ec;
  impl->tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                        asio::ssl::context::no_tlsv1_1);
  impl->tls.use_certificate_chain(asio::buffer(impl->pki.server_cert_pem), ec);
  if (!ec)
    impl->tls.use_private_key(asio::buffer(impl->pki.server_key_pem), asio::ssl::context::pem, ec);
  if (ec) return Status(Code::kInternal, "cannot load the serving certificate: " + ec.message());
  impl->kubeconfig_path = options.data_dir + "/kubeconfig";
  EBB_RETURN_IF_ERROR(WriteFileAtomic(
      impl->kubeconfig_path, KubeconfigYaml("https://" + impl->ctx.address, impl->pki), 0600));
  impl->Run();
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(impl)));
}

ApiServer::ApiServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ApiServer::~ApiServer() { Stop(); }
std::string ApiServer::address() const { return impl_->ctx.address; }
std::string ApiServer::kubeconfig_path() const { return impl_->kubeconfig_path; }
std::string ApiServer::ca_pem() const { return impl_->pki.ca_cert_pem; }
std::string ApiServer::token() const { return impl_->pki.token; }
void ApiServer::Stop() { impl_->Stop(); }

}  // namespace ebb::apiserver
