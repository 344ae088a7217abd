#include "admin/admin_server.h"

#include <utility>  // Boost 1.74's asio/awaitable.hpp needs std::exchange declared first.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <thread>

#include "common/address.h"
#include "common/thread.h"

namespace ebb::admin {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct AdminServer::Impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::map<std::string, Handler> routes;
  std::thread thread;
  bool stopped = false;

  asio::awaitable<void> Accept();
  asio::awaitable<void> Serve(tcp::socket socket);
  http::response<http::string_body> Answer(const http::request<http::string_body>& req);
};

asio::awaitable<void> AdminServer::Impl::Accept() {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) continue;  // e.g. EMFILE: keep serving the connections we have
    asio::co_spawn(io, Serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> AdminServer::Impl::Serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    stream.expires_after(std::chrono::seconds(30));
    boost::system::error_code ec;
    co_await http::async_read(stream, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    auto res = Answer(req);
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !res.keep_alive()) co_return;
  }
}

http::response<http::string_body> AdminServer::Impl::Answer(
    const http::request<http::string_body>& req) {
  std::string target(req.target());
  std::string path = target.substr(0, target.find('?'));
  std::string query = path.size() < target.size() ? target.substr(path.size() + 1) : "";
  Response out{404, "text/plain; charset=utf-8", "404 page not found\n"};
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    out = {405, "text/plain; charset=utf-8", "method not allowed\n"};
  } else if (auto it = routes.find(path); it != routes.end()) {
    out = it->second(query);
  }
  http::response<http::string_body> res(static_cast<http::status>(out.status), req.version());
  res.set(http::field::content_type, out.content_type);
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(out.body);
  res.prepare_payload();
  if (req.method() == http::verb::head) res.body().clear();
  return res;
}

Result<std::unique_ptr<AdminServer>> AdminServer::Start(const std::string& listen,
                                                        std::map<std::string, Handler> routes) {
  auto endpoint = ParseListenAddress(listen);
  if (!endpoint.ok()) return endpoint.status();
  auto impl = std::make_unique<Impl>();
  impl->routes = std::move(routes);
  boost::system::error_code ec;
  tcp::endpoint ep(asio::ip::make_address(endpoint->host, ec), endpoint->port);
  if (ec) return Status(Code::kBadRequest, "admin listen address " + listen + ": " + ec.message());
  impl->acceptor.open(ep.protocol(), ec);
  if (!ec) impl->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(ep, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status(Code::kUnavailable, "cannot listen on " + listen + ": " + ec.message());
  asio::co_spawn(impl->io, impl->Accept(), asio::detached);
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] {
    NameThisThread("ebb-admin");
    MakeThisThreadBackground();
    raw->io.run();
  });
  return std::unique_ptr<AdminServer>(new AdminServer(std::move(impl)));
}

AdminServer::AdminServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AdminServer::~AdminServer() { Stop(); }

std::string AdminServer::address() const {
  boost::system::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

void AdminServer::Stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace ebb::admin
