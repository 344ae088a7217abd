// One client connection of the API server (TLS over TCP, HTTP/1.1), shared by the request loop
// (server.cc) and watch streams (watch_stream.cc). Private to the apiserver component: this is
// the only header that pulls in asio and Beast.
//
// Everything here runs on the server's io_context thread.
#pragma once

// clang-format off
#include <utility>  // before asio: Boost 1.74's asio/awaitable.hpp uses std::exchange unincluded
// clang-format on

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <memory>

#include "apiserver/handlers.h"

namespace ebb::apiserver {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

// Bound on writing one response (or one watch event) to a client that stopped reading.
inline constexpr std::chrono::seconds kWriteTimeout{30};

struct Connection {
  Connection(asio::ip::tcp::socket socket, asio::ssl::context& tls)
      : stream(std::move(socket), tls) {}

  // Closes the socket: every pending operation on it completes with an error, which ends the
  // coroutines using it. Idempotent.
  void Close() {
    closed = true;
    beast::get_lowest_layer(stream).close();
  }

  asio::ssl::stream<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  bool closed = false;
};

// Streams a watch (IsWatch(req)) on `conn` until timeoutSeconds pass, the client goes away or
// the connection is closed; the connection is not reused afterwards.
// `conn` and `req` must stay alive until it completes (the caller's frame owns them).
asio::awaitable<void> ServeWatch(const std::shared_ptr<Connection>& conn, const Request& req,
                                 HandlerContext& ctx, std::chrono::milliseconds core_poll);

// Streams a followed pod log (IsLogFollow(req)) on `conn` until the log ends, the client goes
// away or the connection is closed; the connection is not reused afterwards (log_stream.cc).
asio::awaitable<void> ServePodLog(const std::shared_ptr<Connection>& conn, const Request& req,
                                  HandlerContext& ctx);

// The head of a streamed response (a watch, a followed log): 200, chunked, Connection: close.
// Written under kWriteTimeout; after it the connection has no read/write timeout, because a
// read stays pending for the rest of the stream (StartHangupDetector).
asio::awaitable<error_code> WriteStreamHead(Connection& conn, const char* content_type);

// Keeps a read pending on a streaming connection: when the client hangs up (or the connection
// fails), `on_gone` runs on the connection's executor. `what` names the stream in the message
// printed if the detector itself fails.
void StartHangupDetector(const std::shared_ptr<Connection>& conn, std::function<void()> on_gone,
                         const char* what);

// One chunk of a chunked response body (never empty: an empty chunk ends the body), and the
// last chunk. A write that stalls for kWriteTimeout closes the connection, since streams keep a
// read pending (to notice a hang-up) and so cannot use the stream's own timeout.
asio::awaitable<error_code> WriteChunk(const std::shared_ptr<Connection>& conn,
                                       const std::string& data);
asio::awaitable<void> WriteLastChunk(const std::shared_ptr<Connection>& conn);

// Writes a complete (non-streaming) response; `keep_alive` as negotiated for the request.
//
// GCC 12 mishandles temporaries with destructors inside co_await expressions (they can be
// destroyed twice): callers pass named objects (std::move(res)), never a temporary.
asio::awaitable<error_code> WriteResponse(Connection& conn, Response res, bool keep_alive,
                                          bool head_only);

}  // namespace ebb::apiserver
