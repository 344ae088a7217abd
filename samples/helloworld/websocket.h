// WebSocket (RFC 6455) pieces for the helloworld echo endpoint: the handshake's accept key and
// frame decoding/encoding. Pure functions over bytes, no I/O.
//
// SHA-1 is implemented here (FIPS 180-4) rather than taken from OpenSSL: loading libcrypto costs
// about 9 ms at process start on this machine, and the sample must start in well under 1 ms.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace helloworld {

std::array<std::uint8_t, 20> Sha1(std::string_view data);
std::string Base64(std::string_view bytes);
// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
std::string WebSocketAccept(std::string_view key);

enum Opcode : std::uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

struct Frame {
  bool fin = true;
  std::uint8_t opcode = kText;
  std::string payload;  // unmasked
};

enum class FrameStatus { kIncomplete, kFrame, kError };

struct FrameResult {
  FrameStatus status = FrameStatus::kIncomplete;
  std::size_t length = 0;        // bytes of the whole frame (kFrame)
  Frame frame;                   // kFrame
  std::uint16_t close_code = 0;  // kError: the close code to send (1002 protocol, 1009 too big)
};

// Decodes one client-to-server frame from the front of `data`. Client frames must be masked.
FrameResult DecodeFrame(std::string_view data, std::uint64_t max_payload);
// Encodes one server-to-client (unmasked) frame.
std::string EncodeFrame(std::uint8_t opcode, std::string_view payload, bool fin = true);

}  // namespace helloworld
