#include "runtime/notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstddef>
#include <cstring>

namespace ebb::runtime {
namespace {

TEST(NotifyPayloadReady, FindsReadyAmongTheLines) {
  EXPECT_TRUE(NotifyPayloadReady("READY=1"));
  EXPECT_TRUE(NotifyPayloadReady("STATUS=serving\nREADY=1\n"));
  EXPECT_FALSE(NotifyPayloadReady("READY=0"));
  EXPECT_FALSE(NotifyPayloadReady("STATUS=READY=1"));
  EXPECT_FALSE(NotifyPayloadReady("RELOADING=1\nREADY=10"));
  EXPECT_FALSE(NotifyPayloadReady(""));
}

TEST(NotifySocket, ReportsTheSendersProcessGroup) {
  RealClock clock;
  auto loop = EventLoop::Create(clock).value();
  pid_t reported = 0;
  auto socket = NotifySocket::Open(*loop, [&](pid_t pgid) {
    reported = pgid;
    loop->Quit();
  });
  ASSERT_TRUE(socket.ok()) << socket.status().ToString();
  const std::string& address = (*socket)->address();
  ASSERT_EQ(address[0], '@');
  UniqueFd client(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path + 1, address.data() + 1, address.size() - 1);
  auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size());
  for (const char* msg : {"STATUS=starting", "READY=1"}) {
    ASSERT_GT(
        ::sendto(client.get(), msg, std::strlen(msg), 0, reinterpret_cast<sockaddr*>(&addr), len),
        0);
  }
  loop->Run();
  EXPECT_EQ(reported, ::getpgrp());
}

}  // namespace
}  // namespace ebb::runtime
