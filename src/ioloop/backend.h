// The kernel interface an ioloop::Loop runs on (see loop.h).
#pragma once

#include <string>

#include "common/status.h"

namespace ebb::ioloop {

enum class Backend {
  kAuto,   // io_uring when the kernel allows it, else epoll
  kUring,  // io_uring only (Loop::Create fails without it)
  kEpoll,  // epoll only
};

const char* BackendName(Backend backend);
// "auto", "uring" (or "io_uring") or "epoll"; kBadRequest otherwise.
Result<Backend> ParseBackend(const std::string& name);

}  // namespace ebb::ioloop
