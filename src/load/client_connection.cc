#include "load/client_connection.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <cctype>

#include "load/http_wire.h"

namespace ebb::load {
namespace {

namespace asio = boost::asio;
constexpr size_t kReadSize = 16 * 1024;

std::string Lowered(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

std::string Address(const asio::ip::tcp::endpoint& e) {
  std::string host = e.address().to_string();
  if (e.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(e.port());
}

}  // namespace

ClientConnection::ClientConnection(Executor executor, Nanos timeout)
    : socket_(executor), timeout_(timeout) {}

void ClientConnection::Close() {
  ErrorCode ignored;
  socket_.close(ignored);
  buffer_.clear();
}

void ClientConnection::ExpireIfLate(SteadyTime now) {
  if (now < deadline_ || timed_out_) return;
  timed_out_ = true;
  Close();
}

Task<ExchangeOutcome> ClientConnection::Exchange(const PreparedTarget& target) {
  timed_out_ = false;
  deadline_ =
      timeout_.count() > 0 ? std::chrono::steady_clock::now() + timeout_ : SteadyTime::max();
  bool retry = false;
  ExchangeOutcome outcome = co_await Attempt(target, retry);
  if (retry && !timed_out_) {
    Close();
    outcome = co_await Attempt(target, retry);
  }
  deadline_ = SteadyTime::max();
  co_return outcome;
}

Task<ExchangeOutcome> ClientConnection::Attempt(const PreparedTarget& target, bool& retry) {
  ErrorCode ec;
  bool reused = socket_.is_open() && peer_ == target.endpoint;
  retry = false;
  if (!reused) {
    ec = co_await Connect(target);
    if (ec) co_return Fail(target, "dial tcp " + Address(target.endpoint) + ": connect", ec);
  }
  co_await asio::async_write(socket_, asio::buffer(target.request), Await(ec));
  if (ec) {
    retry = reused;
    co_return Fail(target, "write", ec);
  }
  ResponseParser parser(target.head);
  ec = co_await ReadResponse(parser);
  if (ec) {
    retry = reused && !parser.got_some();
    co_return Fail(target, "read", ec);
  }
  if (!parser.keep_alive() || target.close_after) Close();
  ExchangeOutcome outcome{parser.status(), "", parser.body_bytes()};
  if (outcome.code < 200 || outcome.code >= 400) outcome.error = parser.StatusLine();
  co_return outcome;
}

Task<ErrorCode> ClientConnection::Connect(const PreparedTarget& target) {
  Close();
  ErrorCode ec;
  socket_.open(target.endpoint.protocol(), ec);
  if (ec) co_return ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  co_await socket_.async_connect(target.endpoint, Await(ec));
  if (!ec) peer_ = target.endpoint;
  co_return ec;
}

Task<ErrorCode> ClientConnection::ReadResponse(ResponseParser& parser) {
  ErrorCode ec;
  for (;;) {
    while (buffer_.size() > 0 && !parser.is_done()) {
      size_t used = parser.put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == boost::beast::http::error::need_more) {
        ec = {};
        break;
      }
      if (ec) co_return ec;
      if (used == 0) break;
    }
    if (parser.is_done()) co_return ErrorCode{};
    size_t n = co_await socket_.async_read_some(buffer_.prepare(kReadSize), Await(ec));
    buffer_.commit(n);
    if (ec == asio::error::eof && parser.got_some()) {
      parser.put_eof(ec);  // a body that ends with the connection, or a cut message
      if (!ec && parser.is_done()) co_return ErrorCode{};
      co_return ec ? ec : ErrorCode(asio::error::eof);
    }
    if (ec) co_return ec;
  }
}

ExchangeOutcome ClientConnection::Fail(const PreparedTarget& target, const std::string& op,
                                       ErrorCode ec) {
  Close();
  if (timed_out_) {
    return {0, target.error_prefix + ": timeout: no response within " + FormatGoDuration(timeout_),
            0};
  }
  if (ec == asio::error::eof) return {0, target.error_prefix + ": EOF", 0};
  if (std::string_view(ec.category().name()) == "beast.http") {
    return {0, target.error_prefix + ": malformed HTTP response: " + ec.message(), 0};
  }
  return {0, target.error_prefix + ": " + op + ": " + Lowered(ec.message()), 0};
}

}  // namespace ebb::load
