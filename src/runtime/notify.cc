#include "runtime/notify.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string_view>

namespace ebb::runtime {

Result<std::pair<UniqueFd, std::string>> BindNotifyAddress(bool nonblocking) {
  static std::atomic<int> counter{0};
  UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0));
  if (!fd.valid()) return ErrnoStatus("notify socket", errno);
  std::string name = "ebb-notify-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path + 1, name.data(), name.size());  // sun_path[0] = 0: abstract
  auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) < 0) {
    return ErrnoStatus("bind notify socket", errno);
  }
  return std::make_pair(std::move(fd), "@" + name);
}

Result<std::unique_ptr<NotifySocket>> NotifySocket::Open(EventLoop& loop, ReadyHandler on_ready) {
  Result<std::pair<UniqueFd, std::string>> bound = BindNotifyAddress(/*nonblocking=*/true);
  if (!bound.ok()) return bound.status();
  auto& [fd, address] = *bound;
  int one = 1;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0) {
    return ErrnoStatus("SO_PASSCRED", errno);
  }
  std::unique_ptr<NotifySocket> socket(
      new NotifySocket(loop, std::move(fd), std::move(address), std::move(on_ready)));
  EBB_RETURN_IF_ERROR(loop.Watch(socket->fd_.get(), EPOLLIN,
                                 [s = socket.get()](std::uint32_t) { s->OnReadable(); }));
  return socket;
}

NotifySocket::NotifySocket(EventLoop& loop, UniqueFd fd, std::string address, ReadyHandler on_ready)
    : loop_(loop),
      fd_(std::move(fd)),
      address_(std::move(address)),
      on_ready_(std::move(on_ready)) {}

NotifySocket::~NotifySocket() { loop_.Unwatch(fd_.get()); }

void NotifySocket::OnReadable() {
  for (;;) {
    char data[4096];
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
    iovec iov{data, sizeof data - 1};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(fd_.get(), &msg, MSG_CMSG_CLOEXEC);
    if (n < 0) return;  // EAGAIN: drained
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    if (c == nullptr || c->cmsg_type != SCM_CREDENTIALS) continue;
    ucred cred;
    std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
    if (!NotifyPayloadReady(std::string_view(data, static_cast<std::size_t>(n)))) continue;
    pid_t pgid = ::getpgid(cred.pid);
    on_ready_(pgid > 0 ? pgid : cred.pid);
  }
}

}  // namespace ebb::runtime
