// NotifySocket: the runtime's sd_notify endpoint. One unix datagram socket in the abstract
// namespace ("@ebb-notify-<pid>-<n>" as NOTIFY_SOCKET, the systemd spelling) shared by all
// instances. The kernel stamps each datagram with the sender's pid (SO_PASSCRED); a "READY=1"
// line reports the sender's process group, so a helper the app forked may send it too.
// Loop thread only.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "common/sd_notify.h"  // NotifyPayloadReady
#include "common/status.h"
#include "runtime/event_loop.h"
#include "runtime/fd.h"

namespace ebb::runtime {

class NotifySocket {
 public:
  using ReadyHandler = std::function<void(pid_t pgid)>;
  static Result<std::unique_ptr<NotifySocket>> Open(EventLoop& loop, ReadyHandler on_ready);
  ~NotifySocket();

  // The NOTIFY_SOCKET value to give instances.
  const std::string& address() const { return address_; }

 private:
  NotifySocket(EventLoop& loop, UniqueFd fd, std::string address, ReadyHandler on_ready);
  void OnReadable();

  EventLoop& loop_;
  UniqueFd fd_;
  std::string address_;
  ReadyHandler on_ready_;
};

// A new unix datagram socket (close-on-exec; non-blocking if asked) bound to a fresh abstract
// address, and that address as NOTIFY_SOCKET spells it ("@ebb-notify-<pid>-<n>").
Result<std::pair<UniqueFd, std::string>> BindNotifyAddress(bool nonblocking);

}  // namespace ebb::runtime
