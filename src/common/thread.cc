#include "common/thread.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace ebb {

void NameThisThread(const char* name) {
  char cut[16] = {};
  for (int i = 0; i < 15 && name[i] != '\0'; ++i) cut[i] = name[i];
  ::pthread_setname_np(::pthread_self(), cut);
}

void MakeThisThreadBackground() {
  int policy = 0;
  sched_param param{};
  if (::pthread_getschedparam(::pthread_self(), &policy, &param) == 0 &&
      (policy == SCHED_FIFO || policy == SCHED_RR)) {
    param.sched_priority = 0;
    ::pthread_setschedparam(::pthread_self(), SCHED_OTHER, &param);
  }
  // On Linux the nice value is per thread: PRIO_PROCESS with the thread id.
  const id_t tid = static_cast<id_t>(::gettid());
  errno = 0;
  int nice = ::getpriority(PRIO_PROCESS, tid);
  if (errno == 0 && nice < 19) ::setpriority(PRIO_PROCESS, tid, std::min(nice + 5, 19));
}

}  // namespace ebb
