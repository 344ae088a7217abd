#include "ioloop/socket.h"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace ebb::ioloop {

namespace {

class EofCategory : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "ioloop"; }
  std::string message(int) const override { return "end of stream"; }
};

const EofCategory& Eof() {
  static const EofCategory category;
  return category;
}

bool Uring(const Socket& socket) { return socket.loop()->backend() == Backend::kUring; }

}  // namespace

const ErrorCode& EofError() {
  static const ErrorCode eof(1, Eof());
  return eof;
}

ErrorCode ErrorFromResult(int result) {
  if (result == 0) return EofError();
  return ErrorCode(-result, boost::system::system_category());
}

// ---- Socket ---------------------------------------------------------------------------------

Socket::Socket(Socket&& other) noexcept
    : loop_(other.loop_),
      fd_(std::exchange(other.fd_, -1)),
      pending_(std::exchange(other.pending_, 0)),
      prompt_(other.prompt_),
      fresh_(other.fresh_) {}

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    Close();
    loop_ = other.loop_;
    fd_ = std::exchange(other.fd_, -1);
    pending_ = std::exchange(other.pending_, 0);
    prompt_ = other.prompt_;
    fresh_ = other.fresh_;
  }
  return *this;
}

void Socket::Cancel() {
  if (fd_ >= 0 && pending_ > 0) loop_->CancelFd(fd_);
}

void Socket::Close() {
  if (fd_ < 0) return;
  Cancel();
  loop_->CloseFd(fd_);
  fd_ = -1;
}

void Socket::ShutdownSend() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

void Socket::SetNoDelay() {
  int one = 1;
  if (fd_ >= 0) ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

std::string AddressText(const sockaddr_storage& address) {
  if (address.ss_family != AF_INET && address.ss_family != AF_INET6) return "unknown";
  char text[INET6_ADDRSTRLEN] = {};
  const void* raw = address.ss_family == AF_INET6
                        ? static_cast<const void*>(
                              &reinterpret_cast<const sockaddr_in6*>(&address)->sin6_addr)
                        : static_cast<const void*>(
                              &reinterpret_cast<const sockaddr_in*>(&address)->sin_addr);
  if (!::inet_ntop(address.ss_family, raw, text, sizeof text)) return "unknown";
  std::string out = text;
  if (address.ss_family == AF_INET6 && out.rfind("::ffff:", 0) == 0 &&
      out.find('.') != std::string::npos) {
    out.erase(0, 7);  // an IPv4 client on a dual-stack socket
  }
  return out;
}

int AddressPort(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
  }
  if (address.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
  }
  return 0;
}

Socket::ReadAwaiter Socket::Read(void* data, std::size_t size, ErrorCode& ec) {
  return ReadAwaiter(*this, data, size, ec);
}

Socket::WriteAwaiter Socket::WriteAll(const void* data, std::size_t size, ErrorCode& ec) {
  return WriteAwaiter(*this, data, size, ec);
}

Socket::WriteAwaiter Socket::WriteAll(std::vector<iovec>& iov, ErrorCode& ec) {
  return WriteAwaiter(*this, iov, ec);
}

Socket::ConnectAwaiter Socket::Connect(Loop& loop, const sockaddr_storage& address,
                                       socklen_t size, Socket& out, ErrorCode& ec) {
  out.Close();
  out.loop_ = &loop;
  return ConnectAwaiter(out, address, size, ec);
}

void SocketOp::Begin() { ++socket_.pending_; }

void SocketOp::End(int result) {
  --socket_.pending_;
  result_ = result;
}

// ---- Read -----------------------------------------------------------------------------------

bool Socket::ReadAwaiter::RecvNow() {
  for (;;) {
    ssize_t n = ::recv(socket_.fd(), data_, size_, MSG_DONTWAIT);
    if (n >= 0) {
      result_ = static_cast<int>(n);
      return true;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
    result_ = -errno;
    return true;
  }
}

bool Socket::ReadAwaiter::TryNow() {
  if (RecvNow()) return true;
  socket_.loop()->Waiters(socket_.fd()).readable = false;
  return false;
}

bool Socket::ReadAwaiter::await_ready() {
  if (!socket_.is_open()) {
    result_ = -EBADF;
    return true;
  }
  // io_uring queues reads, except a just-accepted socket's first: its request is usually
  // there already, and a cold start's spawn waits for it (a queued read costs a ring round
  // trip, 25-40 us from an idle CPU here). Afterwards a plain recv would mostly find nothing.
  if (Uring(socket_)) return std::exchange(socket_.fresh_, false) && RecvNow();
  return socket_.loop()->Waiters(socket_.fd()).readable && TryNow();
}

void Socket::ReadAwaiter::await_suspend(std::coroutine_handle<> waiter) {
  waiter_ = waiter;
  complete = &Completed;
  Begin();
  prompt_ = socket_.prompt_;
  if (prompt_) socket_.loop()->AddPromptRead(1);
  if (Uring(socket_)) {
    socket_.loop()->SubmitRecv(*this, socket_.fd(), data_, size_);
  } else {
    socket_.loop()->WaitReadable(*this, socket_.fd());
  }
}

void Socket::ReadAwaiter::Completed(Op& op, int result) {
  auto& self = static_cast<ReadAwaiter&>(op);
  if (!Uring(self.socket_) && result == 0) {  // epoll: readable now
    if (!self.TryNow()) {
      self.socket_.loop()->WaitReadable(self, self.socket_.fd());
      return;
    }
    result = self.result_;
  }
  if (self.prompt_) self.socket_.loop()->AddPromptRead(-1);
  self.End(result);
  self.Resume();
}

std::size_t Socket::ReadAwaiter::await_resume() {
  if (result_ > 0) {
    ec_.clear();
    return static_cast<std::size_t>(result_);
  }
  ec_ = ErrorFromResult(result_);
  return 0;
}

// ---- Write ----------------------------------------------------------------------------------

void Socket::WriteAwaiter::Advance(std::size_t n) {
  while (first_ < count_ && n >= iov_[first_].iov_len) {
    n -= iov_[first_].iov_len;
    ++first_;
  }
  if (first_ < count_) {
    iov_[first_].iov_base = static_cast<char*>(iov_[first_].iov_base) + n;
    iov_[first_].iov_len -= n;
  }
}

bool Socket::WriteAwaiter::SendNow() {
  while (!done()) {
    msg_ = msghdr{};
    msg_.msg_iov = iov_ + first_;
    msg_.msg_iovlen = std::min<std::size_t>(count_ - first_, IOV_MAX);
    ssize_t n = ::sendmsg(socket_.fd(), &msg_, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      Advance(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      socket_.loop()->Waiters(socket_.fd()).writable = false;
      return false;
    }
    result_ = n < 0 ? -errno : -EPIPE;
    return true;
  }
  result_ = 0;
  return true;
}

bool Socket::WriteAwaiter::await_ready() {
  if (!socket_.is_open()) {
    result_ = -EBADF;
    return true;
  }
  Advance(0);  // skips empty pieces
  if (Uring(socket_)) return done();  // queued on the ring, sent in the next batch
  return SendNow();
}

void Socket::WriteAwaiter::Wait() {
  if (!Uring(socket_)) {
    socket_.loop()->WaitWritable(*this, socket_.fd());
  } else if (count_ - first_ == 1) {
    socket_.loop()->SubmitSend(*this, socket_.fd(), iov_[first_].iov_base, iov_[first_].iov_len);
  } else {
    msg_ = msghdr{};
    msg_.msg_iov = iov_ + first_;
    msg_.msg_iovlen = std::min<std::size_t>(count_ - first_, IOV_MAX);
    socket_.loop()->SubmitSendMsg(*this, socket_.fd(), &msg_);
  }
}

void Socket::WriteAwaiter::await_suspend(std::coroutine_handle<> waiter) {
  waiter_ = waiter;
  complete = &Completed;
  Begin();
  Wait();
}

void Socket::WriteAwaiter::Completed(Op& op, int result) {
  auto& self = static_cast<WriteAwaiter&>(op);
  bool uring = Uring(self.socket_);
  if (result < 0 || (uring && result == 0)) {  // a send of 0 bytes would never finish
    self.End(result < 0 ? result : -EPIPE);
    self.Resume();
    return;
  }
  if (uring) {
    self.Advance(static_cast<std::size_t>(result));
    self.result_ = 0;
  }
  if (uring ? !self.done() : !self.SendNow()) {  // a short send, or epoll would block
    self.Wait();
    return;
  }
  self.End(self.result_);
  self.Resume();
}

void SocketOp::SetError() {
  if (result_ < 0) {
    ec_ = ErrorFromResult(result_);
  } else {
    ec_.clear();
  }
}

void Socket::WriteAwaiter::await_resume() { SetError(); }
void Socket::ConnectAwaiter::await_resume() { SetError(); }

// ---- Connect --------------------------------------------------------------------------------

bool Socket::ConnectAwaiter::await_ready() {
  int type = SOCK_STREAM | SOCK_CLOEXEC | (Uring(socket_) ? 0 : SOCK_NONBLOCK);
  int fd = ::socket(address_.ss_family, type, 0);
  if (fd < 0) {
    result_ = -errno;
    return true;
  }
  socket_.fd_ = fd;
  if (Uring(socket_)) return false;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address_), size_) == 0) {
    result_ = 0;
    return true;
  }
  if (errno != EINPROGRESS) {
    result_ = -errno;
    return true;
  }
  socket_.loop()->Waiters(fd).writable = false;  // writable once connected
  return false;
}

void Socket::ConnectAwaiter::await_suspend(std::coroutine_handle<> waiter) {
  waiter_ = waiter;
  complete = &Completed;
  Begin();
  if (Uring(socket_)) {
    socket_.loop()->SubmitConnect(*this, socket_.fd(), reinterpret_cast<const sockaddr*>(&address_),
                                  size_);
  } else {
    socket_.loop()->WaitWritable(*this, socket_.fd());
  }
}

void Socket::ConnectAwaiter::Completed(Op& op, int result) {
  auto& self = static_cast<ConnectAwaiter&>(op);
  if (!Uring(self.socket_) && result == 0) {
    int error = 0;
    socklen_t size = sizeof error;
    if (::getsockopt(self.socket_.fd(), SOL_SOCKET, SO_ERROR, &error, &size) != 0) error = errno;
    result = -error;
  }
  self.End(result);
  self.Resume();
}

// ---- Acceptor -------------------------------------------------------------------------------

Status Acceptor::Listen(const sockaddr_storage& address, socklen_t size) {
  Loop& loop = *socket_.loop_;
  auto fail = [&](const char* what) {
    Status status(Code::kUnavailable, std::string(what) + ": " + std::strerror(errno));
    socket_.Close();
    return status;
  };
  int type = SOCK_STREAM | SOCK_CLOEXEC |
             (loop.backend() == Backend::kUring ? 0 : SOCK_NONBLOCK);
  int fd = ::socket(address.ss_family, type, 0);
  if (fd < 0) return fail("socket");
  socket_ = Socket(loop, fd);
  int one = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) return fail("SO_REUSEADDR");
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) return fail("SO_REUSEPORT");
  if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) return fail("TCP_NODELAY");
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), size) != 0) return fail("bind");
  if (::listen(fd, SOMAXCONN) != 0) return fail("listen");
  return Status::Ok();
}

int Acceptor::port() const {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  if (!socket_.is_open() ||
      ::getsockname(socket_.fd(), reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    return 0;
  }
  return AddressPort(address);
}

bool Acceptor::AcceptAwaiter::TryNow() {
  for (;;) {
    int fd = ::accept4(socket_.fd(), PeerOut(), peer_ ? &peer_size_ : nullptr,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      result_ = fd;
      return true;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      socket_.loop()->Waiters(socket_.fd()).readable = false;
      return false;
    }
    result_ = -errno;
    return true;
  }
}

sockaddr* Acceptor::AcceptAwaiter::PeerOut() {
  if (peer_ == nullptr) return nullptr;
  *peer_ = sockaddr_storage{};
  peer_size_ = sizeof *peer_;
  return reinterpret_cast<sockaddr*>(peer_);
}

bool Acceptor::AcceptAwaiter::await_ready() {
  if (!socket_.is_open()) {
    result_ = -EBADF;
    return true;
  }
  // Epoll too waits for its turn rather than accepting here at once: what was posted to the
  // loop before a client connected then applies to it (Loop::Run runs posts first in a turn).
  return false;
}

void Acceptor::AcceptAwaiter::await_suspend(std::coroutine_handle<> waiter) {
  waiter_ = waiter;
  complete = &Completed;
  Begin();
  if (Uring(socket_)) {
    socket_.loop()->SubmitAccept(*this, socket_.fd(), PeerOut(), peer_ ? &peer_size_ : nullptr);
  } else {
    socket_.loop()->WaitReadable(*this, socket_.fd());
  }
}

void Acceptor::AcceptAwaiter::Completed(Op& op, int result) {
  auto& self = static_cast<AcceptAwaiter&>(op);
  if (!Uring(self.socket_) && result == 0) {
    if (!self.TryNow()) {
      self.socket_.loop()->WaitReadable(self, self.socket_.fd());
      return;
    }
    result = self.result_;
  }
  self.End(result);
  self.Resume();
}

Socket Acceptor::AcceptAwaiter::await_resume() {
  if (result_ >= 0) {
    ec_.clear();
    Socket accepted(*socket_.loop(), result_);
    accepted.fresh_ = true;
    return accepted;
  }
  ec_ = ErrorFromResult(result_);
  return Socket();
}

bool ParseAddress(const std::string& ip, int port, sockaddr_storage& out, socklen_t& size) {
  out = sockaddr_storage{};
  if (port < 0 || port > 65535) return false;
  std::string host = ip == "localhost" ? "127.0.0.1" : ip;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
    size = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    size = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

}  // namespace ebb::ioloop
