// Per-thread settings: the name tools show, and the lower priority of the control plane.
#pragma once

namespace ebb {

// The name `top -H`, `ps -T`, perf and gdb show for the calling thread; cut to the kernel's 15
// characters.
void NameThisThread(const char* name);

// For the threads that are not on the request path (API server, controller, watch dispatch,
// serving plane ticks, admin, trace export; not the request log, which drops lines when it
// falls behind): a real-time policy inherited from the server (`chrt -f`) is dropped to
// SCHED_OTHER, and the nice value rises by 5. The gateway workers and the runtime thread keep
// the server's priority, so store writes and reconciles that a cold start sets off (a status
// update, its watch events) wait for a free CPU instead of holding the one the request needs.
// Best effort: errors are ignored.
void MakeThisThreadBackground();

}  // namespace ebb
