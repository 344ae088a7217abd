// Shared pieces of the gateway's zero-copy HTTP/1.1 handling (see README.md, "Parsing").
//
// Beast's basic_parser is used as a tokenizer that stores nothing: the parsers in
// request_parser.h / response_parser.h remember only byte offsets of the head lines inside the
// connection's own read buffer, and the head is forwarded as a scatter-gather list of the
// original bytes minus the dropped lines plus a few generated ones. Offsets (not pointers) are
// kept because the buffer may move while a head arrives in pieces.
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ebb::gateway {

// One header field line, as offsets from the start of the message in the read buffer.
struct HeadField {
  std::uint32_t begin = 0;  // first byte of the name
  std::uint32_t end = 0;    // one past the line's CRLF (obs-folded lines are rejected)
  std::uint16_t name_size = 0;
  bool drop = false;  // not forwarded (hop-by-hop, or replaced by the gateway)
};

// Ends the field lines: each ends where the next begins, the last before the blank line.
void CloseFieldLines(std::vector<HeadField>& fields, std::uint32_t head_size);

// Marks fields named by a Connection header (RFC 9110 §7.6.1) as dropped. `tokens` holds the
// comma-separated values of every Connection field of the message.
void DropConnectionNamedFields(std::vector<HeadField>& fields, const char* base,
                               std::string_view tokens);

// True if `list` (a comma-separated header value) contains `token`, ASCII case-insensitively.
bool HasToken(std::string_view list, std::string_view token);

// A scatter-gather list that merges pieces that are adjacent in memory.
class GatherList {
 public:
  void clear() {
    buffers_.clear();
    total_ = 0;
  }
  void Add(const char* data, std::size_t size);
  void Add(std::string_view s) { Add(s.data(), s.size()); }
  const std::vector<iovec>& buffers() const { return buffers_; }
  // For a gather write, which consumes the entries as bytes go out.
  std::vector<iovec>& iovecs() { return buffers_; }
  std::size_t total() const { return total_; }
  // Concatenation of the pieces (for tests).
  std::string ToString() const;

 private:
  std::vector<iovec> buffers_;
  std::size_t total_ = 0;
};

// Adds the kept lines of [line_end, head_size) in order, skipping the dropped fields; stops
// before the blank line.
void AddKeptFields(const std::vector<HeadField>& fields, const char* base, GatherList& out);

}  // namespace ebb::gateway
