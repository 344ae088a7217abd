#include "websocket.h"

#include <gtest/gtest.h>

namespace helloworld {
namespace {

std::string Hex(const std::array<std::uint8_t, 20>& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : digest) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

TEST(Sha1, MatchesFips180Vectors) {
  EXPECT_EQ(Hex(Sha1("")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(Hex(Sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(Hex(Sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(Hex(Sha1(std::string(1000000, 'a'))), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(Sha1, HandlesEveryPaddingBoundary) {
  // Lengths around the 55/56/64-byte edges where the padding spills into a second block.
  EXPECT_EQ(Hex(Sha1(std::string(55, 'a'))), "c1c8bbdc22796e28c0e15163d20899b65621d65a");
  EXPECT_EQ(Hex(Sha1(std::string(56, 'a'))), "c2db330f6083854c99d4b5bfb6e8f29f201be699");
  EXPECT_EQ(Hex(Sha1(std::string(64, 'a'))), "0098ba824b5c16427bd7a1122a5a442a25ec644d");
}

TEST(WebSocket, AcceptKeyMatchesRfc6455Example) {
  EXPECT_EQ(WebSocketAccept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
}

// A client frame: masked with a fixed key.
std::string ClientFrame(std::uint8_t first_byte, const std::string& payload) {
  std::string frame = EncodeFrame(first_byte & 0x0F, payload, (first_byte & 0x80) != 0);
  std::size_t header = frame.size() - payload.size();
  frame[1] = static_cast<char>(frame[1] | 0x80);
  const char mask[4] = {0x11, 0x22, 0x33, 0x44};
  std::string masked = frame.substr(0, header) + std::string(mask, 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    masked += static_cast<char>(payload[i] ^ mask[i % 4]);
  return masked;
}

TEST(WebSocket, DecodesMaskedFramesOfEverySizeClass) {
  for (std::size_t size : {0, 5, 125, 126, 65535, 65536}) {
    std::string payload(size, 'p');
    std::string wire = ClientFrame(0x82, payload) + "rest";
    FrameResult r = DecodeFrame(wire, 1 << 20);
    ASSERT_EQ(r.status, FrameStatus::kFrame) << size;
    EXPECT_EQ(r.length, wire.size() - 4);
    EXPECT_EQ(r.frame.opcode, kBinary);
    EXPECT_TRUE(r.frame.fin);
    EXPECT_EQ(r.frame.payload, payload);
    EXPECT_EQ(DecodeFrame(wire.substr(0, r.length - 1), 1 << 20).status, FrameStatus::kIncomplete);
  }
}

TEST(WebSocket, RejectsProtocolViolations) {
  std::string unmasked = EncodeFrame(kText, "hi");
  EXPECT_EQ(DecodeFrame(unmasked, 100).close_code, 1002);
  EXPECT_EQ(DecodeFrame(ClientFrame(0x83, "x"), 100).close_code, 1002);  // reserved opcode
  EXPECT_EQ(DecodeFrame(ClientFrame(0x09, "x"), 100).close_code, 1002);  // fragmented ping
  EXPECT_EQ(DecodeFrame(ClientFrame(0x81, std::string(200, 'x')), 100).close_code, 1009);
  std::string rsv = ClientFrame(0x81, "x");
  rsv[0] = static_cast<char>(rsv[0] | 0x40);
  EXPECT_EQ(DecodeFrame(rsv, 100).close_code, 1002);
}

TEST(WebSocket, EncodesServerFrames) {
  EXPECT_EQ(EncodeFrame(kText, "hi"), std::string("\x81\x02hi"));
  EXPECT_EQ(EncodeFrame(kText, "x", false)[0], '\x01');
  std::string big = EncodeFrame(kBinary, std::string(300, 'b'));
  EXPECT_EQ(big.substr(0, 4), std::string("\x82\x7e\x01\x2c", 4));
}

}  // namespace
}  // namespace helloworld
