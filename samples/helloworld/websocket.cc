#include "websocket.h"

#include <cstring>

namespace helloworld {
namespace {

constexpr char kWebSocketGuid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";  // RFC 6455 1.3

std::uint32_t Rotl(std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

// One 64-byte block of FIPS 180-4 SHA-1.
void Sha1Block(const std::uint8_t* block, std::uint32_t h[5]) {
  std::uint32_t w[80];
  for (int t = 0; t < 16; ++t) {
    w[t] = std::uint32_t{block[4 * t]} << 24 | std::uint32_t{block[4 * t + 1]} << 16 |
           std::uint32_t{block[4 * t + 2]} << 8 | std::uint32_t{block[4 * t + 3]};
  }
  for (int t = 16; t < 80; ++t) w[t] = Rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
  std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  for (int t = 0; t < 80; ++t) {
    std::uint32_t f, k;
    if (t < 20) {
      f = (b & c) | (~b & d), k = 0x5A827999;
    } else if (t < 40) {
      f = b ^ c ^ d, k = 0x6ED9EBA1;
    } else if (t < 60) {
      f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
    } else {
      f = b ^ c ^ d, k = 0xCA62C1D6;
    }
    std::uint32_t temp = Rotl(a, 5) + f + e + k + w[t];
    e = d, d = c, c = Rotl(b, 30), b = a, a = temp;
  }
  h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
}

// Payload length and where the masking key starts, from the frame header.
struct Header {
  bool complete = false;
  std::uint64_t payload = 0;
  std::size_t mask_at = 0;
};

Header ReadHeader(std::string_view data) {
  Header h;
  if (data.size() < 2) return h;
  std::uint64_t len = static_cast<std::uint8_t>(data[1]) & 0x7F;
  std::size_t ext = len == 126 ? 2 : len == 127 ? 8 : 0;
  if (data.size() < 2 + ext) return h;
  if (ext > 0) len = 0;
  for (std::size_t i = 0; i < ext; ++i) len = len << 8 | static_cast<std::uint8_t>(data[2 + i]);
  h.complete = true;
  h.payload = len;
  h.mask_at = 2 + ext;
  return h;
}

FrameResult Error(std::uint16_t code) {
  FrameResult r;
  r.status = FrameStatus::kError;
  r.close_code = code;
  return r;
}

}  // namespace

std::array<std::uint8_t, 20> Sha1(std::string_view data) {
  std::uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  std::size_t full = data.size() / 64 * 64;
  for (std::size_t i = 0; i < full; i += 64) {
    Sha1Block(reinterpret_cast<const std::uint8_t*>(data.data() + i), h);
  }
  // Padding: 0x80, zeros, then the message length in bits (big-endian) in the last 8 bytes.
  std::uint8_t tail[128] = {};
  std::size_t rest = data.size() - full;
  std::memcpy(tail, data.data() + full, rest);
  tail[rest] = 0x80;
  std::size_t tail_len = rest + 9 <= 64 ? 64 : 128;
  std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
  for (int i = 0; i < 8; ++i) tail[tail_len - 1 - i] = static_cast<std::uint8_t>(bits >> (8 * i));
  for (std::size_t i = 0; i < tail_len; i += 64) Sha1Block(tail + i, h);
  std::array<std::uint8_t, 20> digest;
  for (int i = 0; i < 20; ++i)
    digest[i] = static_cast<std::uint8_t>(h[i / 4] >> (24 - 8 * (i % 4)));
  return digest;
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t n = static_cast<std::uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<std::uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<std::uint8_t>(bytes[i + 2]);
    out += kAlphabet[n >> 18 & 63];
    out += kAlphabet[n >> 12 & 63];
    out += i + 1 < bytes.size() ? kAlphabet[n >> 6 & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

std::string WebSocketAccept(std::string_view key) {
  auto digest = Sha1(std::string(key) + kWebSocketGuid);
  return Base64(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

FrameResult DecodeFrame(std::string_view data, std::uint64_t max_payload) {
  Header h = ReadHeader(data);
  if (!h.complete) return FrameResult{};
  auto b0 = static_cast<std::uint8_t>(data[0]);
  auto b1 = static_cast<std::uint8_t>(data[1]);
  std::uint8_t opcode = b0 & 0x0F;
  bool fin = (b0 & 0x80) != 0;
  bool known = opcode <= kBinary || (opcode >= kClose && opcode <= kPong);
  bool control = opcode >= kClose;
  if ((b0 & 0x70) != 0 || !known || (b1 & 0x80) == 0) return Error(1002);  // RSV, opcode, mask
  if (control && (!fin || h.payload > 125)) return Error(1002);
  if (h.payload > max_payload) return Error(1009);
  std::size_t total = h.mask_at + 4 + static_cast<std::size_t>(h.payload);
  if (data.size() < total) return FrameResult{};
  FrameResult r;
  r.status = FrameStatus::kFrame;
  r.length = total;
  r.frame.fin = fin;
  r.frame.opcode = opcode;
  r.frame.payload.assign(data.substr(h.mask_at + 4, static_cast<std::size_t>(h.payload)));
  const char* mask = data.data() + h.mask_at;
  for (std::size_t i = 0; i < r.frame.payload.size(); ++i) r.frame.payload[i] ^= mask[i % 4];
  return r;
}

std::string EncodeFrame(std::uint8_t opcode, std::string_view payload, bool fin) {
  std::string out;
  out += static_cast<char>((fin ? 0x80 : 0) | opcode);
  std::uint64_t n = payload.size();
  if (n < 126) {
    out += static_cast<char>(n);
  } else {
    int ext = n <= 0xFFFF ? 2 : 8;
    out += static_cast<char>(ext == 2 ? 126 : 127);
    for (int i = ext - 1; i >= 0; --i) out += static_cast<char>(n >> (8 * i));
  }
  out.append(payload);
  return out;
}

}  // namespace helloworld
