// TCP sockets on an ioloop::Loop: awaitable receive, send-all, gather send, connect, accept.
//
//   ErrorCode ec;
//   std::size_t n = co_await socket.Read(buffer, size, ec);   // ec == eof at end of stream
//   co_await socket.WriteAll(data, size, ec);                  // all of it, or ec
//
// Errors land in `ec` (system category errno values, or boost::asio::error::eof); nothing
// throws. An operation on a closed socket fails with EBADF; one cancelled by Cancel or Close
// with ECANCELED.
//
// A socket has at most one read and one write pending at a time, and must not be moved while
// one is (the operation refers to it). Thread-safety: the loop's thread only.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <coroutine>
#include <cstddef>
#include <string>
#include <vector>

#include "ioloop/loop.h"

namespace ebb::ioloop {

// ErrorCode for -errno (system category) or end of stream (result 0 of a read).
ErrorCode ErrorFromResult(int result);
const ErrorCode& EofError();

class Socket {
 public:
  Socket() = default;
  // Adopts a connected descriptor (blocking for io_uring, non-blocking for epoll: as Accept
  // and Connect make them).
  Socket(Loop& loop, int fd) : loop_(&loop), fd_(fd) {}
  Socket(Socket&& other) noexcept;
  Socket& operator=(Socket&& other) noexcept;
  ~Socket() { Close(); }

  bool is_open() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  Loop* loop() const { return loop_; }

  // Makes the pending operations complete with ECANCELED; the socket stays open.
  void Cancel();
  // Cancels and closes; idempotent.
  void Close();
  // shutdown(SHUT_WR): the peer reads end of stream once what was sent arrives.
  void ShutdownSend();
  void SetNoDelay();
  // Reads on this socket expect an answer within microseconds (a request sent to a local
  // server): while one is pending the loop may busy-poll before it sleeps (Loop::SetBusyPoll).
  void set_prompt(bool prompt) { prompt_ = prompt; }

  class ReadAwaiter;
  class WriteAwaiter;
  class ConnectAwaiter;

  // Reads up to `size` bytes (at least 1 unless ec).
  ReadAwaiter Read(void* data, std::size_t size, ErrorCode& ec);
  // Writes all `size` bytes.
  WriteAwaiter WriteAll(const void* data, std::size_t size, ErrorCode& ec);
  // Writes every byte of `iov` (consumed: its entries are advanced as bytes go out).
  WriteAwaiter WriteAll(std::vector<iovec>& iov, ErrorCode& ec);
  // Opens a new TCP socket on `loop` and connects it to `address` (IPv4 or IPv6).
  static ConnectAwaiter Connect(Loop& loop, const sockaddr_storage& address, socklen_t size,
                                Socket& out, ErrorCode& ec);

 private:
  friend class Acceptor;
  friend class SocketOp;
  Loop* loop_ = nullptr;
  int fd_ = -1;
  int pending_ = 0;  // operations in flight on the kernel side (io_uring) or waiting (epoll)
  bool prompt_ = false;
  // Accepted and not read yet: the client's first bytes usually came with the handshake's
  // last packet or right after it, so io_uring too tries the first read at once (Read).
  bool fresh_ = false;
};

// The common part of the awaiters: the operation, the coroutine waiting for it, the result.
class SocketOp : public Op {
 protected:
  SocketOp(Socket& socket, ErrorCode& ec) : socket_(socket), ec_(ec) {}
  void Begin();            // counts the operation as pending on the socket
  void End(int result);    // stores the result, uncounts it
  void Resume() { waiter_.resume(); }
  void SetError();  // ec from a result of 0 (success) or -errno

  Socket& socket_;
  ErrorCode& ec_;
  std::coroutine_handle<> waiter_;
  int result_ = 0;
};

class Socket::ReadAwaiter : public SocketOp {
 public:
  ReadAwaiter(Socket& socket, void* data, std::size_t size, ErrorCode& ec)
      : SocketOp(socket, ec), data_(data), size_(size) {}
  bool await_ready();
  void await_suspend(std::coroutine_handle<> waiter);
  std::size_t await_resume();

 private:
  static void Completed(Op& op, int result);
  bool RecvNow();  // one recv; false when it would block
  bool TryNow();   // epoll: RecvNow, noting a drained socket
  void* data_;
  std::size_t size_;
  bool prompt_ = false;  // counted in the loop's prompt reads while pending
};

// Writes every byte of one buffer or of an iovec array (whose entries it advances as bytes go
// out). io_uring: queued on the ring (send for one piece, sendmsg for several), the rest
// re-queued after a short send; epoll: sent at once, waiting for writability when it would
// block.
class Socket::WriteAwaiter : public SocketOp {
 public:
  WriteAwaiter(Socket& socket, const void* data, std::size_t size, ErrorCode& ec)
      : SocketOp(socket, ec),
        one_{const_cast<void*>(data), size},
        iov_(&one_),
        count_(1) {}
  WriteAwaiter(Socket& socket, std::vector<iovec>& iov, ErrorCode& ec)
      : SocketOp(socket, ec), iov_(iov.data()), count_(iov.size()) {}
  WriteAwaiter(const WriteAwaiter&) = delete;  // iov_ may point at one_
  WriteAwaiter& operator=(const WriteAwaiter&) = delete;
  bool await_ready();
  void await_suspend(std::coroutine_handle<> waiter);
  void await_resume();

 private:
  static void Completed(Op& op, int result);
  bool SendNow();  // epoll: false when it would block
  void Advance(std::size_t n);
  bool done() const { return first_ == count_; }
  void Wait();
  iovec one_{};
  iovec* iov_;
  std::size_t count_;
  std::size_t first_ = 0;  // first entry with bytes left
  msghdr msg_{};
};

class Socket::ConnectAwaiter : public SocketOp {
 public:
  ConnectAwaiter(Socket& out, const sockaddr_storage& address, socklen_t size, ErrorCode& ec)
      : SocketOp(out, ec), address_(address), size_(size) {}
  bool await_ready();
  void await_suspend(std::coroutine_handle<> waiter);
  void await_resume();

 private:
  static void Completed(Op& op, int result);
  sockaddr_storage address_;
  socklen_t size_;
};

// A listening socket (SO_REUSEADDR and SO_REUSEPORT: one per loop on a shared address).
class Acceptor {
 public:
  explicit Acceptor(Loop& loop) : socket_() { socket_.loop_ = &loop; }
  // Binds and listens; the message names the address on failure. The listener has
  // TCP_NODELAY, which every accepted connection inherits (no setsockopt per connection).
  Status Listen(const sockaddr_storage& address, socklen_t size);
  bool is_open() const { return socket_.is_open(); }
  void Close() { socket_.Close(); }
  // The bound port.
  int port() const;

  class AcceptAwaiter : public SocketOp {
   public:
    AcceptAwaiter(Socket& listener, ErrorCode& ec, sockaddr_storage* peer)
        : SocketOp(listener, ec), peer_(peer) {}
    bool await_ready();
    void await_suspend(std::coroutine_handle<> waiter);
    Socket await_resume();

   private:
    static void Completed(Op& op, int result);
    bool TryNow();
    sockaddr* PeerOut();  // peer_ ready for the kernel to fill, or nullptr

    sockaddr_storage* peer_;
    socklen_t peer_size_ = 0;
  };
  // A connection, or ec (ECANCELED after Close). `peer`, when given, receives the client's
  // address (filled by the accept itself; it must outlive the co_await).
  AcceptAwaiter Accept(ErrorCode& ec, sockaddr_storage* peer = nullptr) {
    return AcceptAwaiter(socket_, ec, peer);
  }

 private:
  Socket socket_;
};

// An IPv4 or IPv6 address as text; an IPv4 client on a dual-stack socket (::ffff:a.b.c.d) as
// plain IPv4; "unknown" for any other family.
std::string AddressText(const sockaddr_storage& address);
// The port of an IPv4 or IPv6 address; 0 for any other family.
int AddressPort(const sockaddr_storage& address);

// Parses "IP:PORT" (IPv4, or IPv6 in brackets) into an address; false if it is not one.
bool ParseAddress(const std::string& ip, int port, sockaddr_storage& out, socklen_t& size);

}  // namespace ebb::ioloop
