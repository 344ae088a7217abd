// The I/O types of the gateway's event loops: ioloop's coroutines, sockets and timers (see
// ioloop/loop.h for why the gateway does not run on Boost.Asio).
//
// Each worker runs one ioloop::Loop on one thread; every socket, timer and coroutine below is
// used only on the thread of the loop it belongs to.
#pragma once

#include "ioloop/loop.h"
#include "ioloop/socket.h"
#include "ioloop/task.h"

namespace ebb::gateway {

template <class T>
using Task = ioloop::Task<T>;
using Socket = ioloop::Socket;
using ErrorCode = ioloop::ErrorCode;

}  // namespace ebb::gateway
