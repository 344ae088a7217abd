// HTTP/1.x request parsing for the helloworld sample: pure functions over bytes, no I/O.
//
// ParseHead reads a request line and headers from the front of a buffer; BodyDecoder then
// consumes the body (Content-Length or chunked) incrementally, counting bytes without keeping
// them, so uploads of any size need no memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace helloworld {

inline constexpr std::size_t kMaxHeadBytes = 64 * 1024;

struct Request {
  std::string method;
  std::string path;   // request target up to '?'
  std::string query;  // after '?', without it
  int minor = 1;      // HTTP/1.<minor>
  bool keep_alive = true;
  bool chunked = false;
  std::uint64_t content_length = 0;
  bool expect_continue = false;  // "Expect: 100-continue"
  bool websocket = false;        // "Upgrade: websocket" with "Connection: upgrade"
  std::string websocket_key;     // Sec-WebSocket-Key
};

enum class Parse { kIncomplete, kDone, kError };

struct HeadResult {
  Parse status = Parse::kIncomplete;
  std::size_t length = 0;  // bytes of the head, including the blank line (kDone)
  Request request;         // kDone
  int error_status = 400;  // kError: the HTTP status to answer with
  std::string error;       // kError: why
};

// Parses the request head at the front of `data`.
HeadResult ParseHead(std::string_view data);

// Consumes a request body from successive buffers.
class BodyDecoder {
 public:
  static BodyDecoder ForRequest(const Request& req);

  // Consumes body bytes from the front of `data` and returns how many it used. Bytes it leaves
  // (an incomplete chunk-size line) must be offered again with more data appended.
  std::size_t Consume(std::string_view data);
  bool done() const { return state_ == State::kDone; }
  bool failed() const { return state_ == State::kError; }
  std::uint64_t body_bytes() const { return body_bytes_; }

 private:
  enum class State { kData, kSize, kDataEnd, kTrailer, kDone, kError };
  std::size_t ConsumeLine(std::string_view data);
  void OnLine(std::string_view line);

  State state_ = State::kDone;
  bool chunked_ = false;
  std::uint64_t remaining_ = 0;  // bytes left in the body (fixed) or current chunk (chunked)
  std::uint64_t body_bytes_ = 0;
};

// The value of `name` in a query string ("a=1&b=2"), without percent-decoding.
std::optional<std::string_view> QueryParam(std::string_view query, std::string_view name);

// A non-negative decimal number no larger than max; nullopt if `text` is anything else.
std::optional<std::uint64_t> ParseNumber(std::string_view text, std::uint64_t max);

}  // namespace helloworld
