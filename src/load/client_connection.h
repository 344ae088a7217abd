// One keep-alive HTTP/1.1 client connection of a load shard, and the target it sends to.
//
// Exchange sends a target's prepared request and reads the whole response, opening the
// connection first when it is closed (or open to another address). A request that fails on a
// reused connection before any byte of the answer arrived (the server closed the idle
// connection) is retried once on a new connection, as Go's HTTP client does. Errors come back
// as Go-like strings in ExchangeOutcome ("Get \"http://…\": dial tcp 127.0.0.1:1: connect:
// connection refused"); an HTTP error status is an answer whose error is its status line
// ("503 Service Unavailable"), as in Vegeta.
//
// Deadlines: each exchange must finish within `timeout` (0 = none). The connection does not
// arm a timer per request; the shard's sweeper calls ExpireIfLate periodically, which closes a
// late connection and so ends its pending operation.
// Thread: the shard's io_context thread only.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <cstdint>
#include <string>

#include "load/asio_types.h"
#include "load/duration.h"

namespace ebb::load {

class ResponseParser;  // http_wire.h

struct PreparedTarget {
  std::string method;
  std::string url;
  boost::asio::ip::tcp::endpoint endpoint;
  std::string request;          // the bytes of one request
  std::uint32_t bytes_out = 0;  // request body size
  bool head = false;            // HEAD: the response has no body
  bool close_after = false;     // keep-alive off: one connection per request
  std::string error_prefix;     // Go's `Get "http://…"`
};

struct ExchangeOutcome {
  int code = 0;       // 0 = no response
  std::string error;  // "" = success (2xx/3xx)
  std::uint64_t bytes_in = 0;
};

class ClientConnection {
 public:
  ClientConnection(Executor executor, Nanos timeout);

  Task<ExchangeOutcome> Exchange(const PreparedTarget& target);
  void ExpireIfLate(SteadyTime now);
  void Close();

 private:
  Task<ExchangeOutcome> Attempt(const PreparedTarget& target, bool& retry);
  Task<ErrorCode> Connect(const PreparedTarget& target);
  Task<ErrorCode> ReadResponse(ResponseParser& parser);
  ExchangeOutcome Fail(const PreparedTarget& target, const std::string& op, ErrorCode ec);

  Socket socket_;
  boost::beast::flat_buffer buffer_;
  boost::asio::ip::tcp::endpoint peer_;
  const Nanos timeout_;
  SteadyTime deadline_ = SteadyTime::max();
  bool timed_out_ = false;
};

}  // namespace ebb::load
