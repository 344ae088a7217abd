// ProcessSpawner: starts one program as a new session and process group, the way
// ../../shared/reference/runtime.md measured to be fastest and safest here.
//
// clone(CLONE_VM | CLONE_VFORK | CLONE_PIDFD) with a child that only makes system calls:
// reset signal dispositions, setsid, PR_SET_PDEATHSIG(SIGKILL), dup2 stdin (/dev/null),
// stdout, stderr and the optional listening socket (fd 3), mark every other fd close-on-exec,
// chdir, write its own pid into the pre-built "LISTEN_PID=" env entry, unblock signals,
// execve. argv, envp and every buffer are built before the clone; a failure in the child is
// written as (stage, errno) into the parent's memory, which it shares until execve. The
// child uses raw syscall()s and is not sanitizer-instrumented; ThreadSanitizer builds, whose
// clone() interceptor assumes a fork-like child, use vfork() instead (a real fork under TSan,
// so they report failures over a pipe). The server never fork()s.
//
// The CPU. A real-time spawning thread (SCHED_FIFO, as bench/coldstart.sh -s rt runs ebb)
// binds itself to the CPU it runs on for the clone, so that the child starts there (the kernel
// would put it on another, idle CPU, which on a virtual machine is a halted vCPU to wake
// first); the child's first two system calls give the thread's mask back to the thread and to
// itself (spawn.cc, PinForClone).
//
// The descriptor table. A plain clone copies the server's whole table into the child, and
// execve then closes every copy: one cold struct file (and inode) per descriptor, twice. With
// 500 client connections open that added 0.25-0.3 ms to every cold start (bench/coldstart.sh
// --idle-conns 500). So, once the server has
// called ReserveSpawnSlots at startup, every descriptor below 64 belongs to the spawner: each
// spawn puts its child's stdout, stderr and listener into three of those "slots" (dup3), the
// child shares the table (CLONE_FILES) and first unshares it keeping only the descriptors
// below 64 (close_range(64, ~0U, CLOSE_RANGE_UNSHARE)), and the slots go back to /dev/null
// when the clone returns. The copy is then 64 entries, almost all the same /dev/null, however
// many descriptors the server has open. Without reserved slots (not called, or all in use by
// concurrent spawns) a spawn copies the table as before.
//
// Threading: a ProcessSpawner is used by one thread, and that thread must outlive the
// processes it starts: PR_SET_PDEATHSIG fires when the spawning *thread* exits. Spawners on
// different threads share the slots (lock-free).
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "runtime/fd.h"

namespace ebb::runtime {

struct SpawnRequest {
  std::string path;               // executable to execve
  std::vector<std::string> argv;  // argv[0] included
  std::vector<std::string> env;   // NAME=VALUE
  std::string cwd;                // "" = the server's cwd
  int stdout_fd = -1;             // -1: /dev/null
  int stderr_fd = -1;             // -1: /dev/null
  // >= 0: passed as fd 3 with LISTEN_FDS=1, LISTEN_FDNAMES=http and LISTEN_PID=<child pid>.
  int listen_fd = -1;
  // The signals the child sets back to SIG_DFL before execve, one bit each (bit N-1 for
  // signal N), among those spawn.cc's list covers. The default is all of them, one system call
  // each in the child between clone and execve; ChangedSignals() names the ones this server
  // has actually changed, and a launch prepared ahead of its start (a standby) asks it then.
  std::uint64_t reset_signals = ~std::uint64_t{0};
};

// Which of the signals a spawn resets have a disposition other than SIG_DFL in this process
// now, as SpawnRequest::reset_signals wants them. A handler would be reset by execve anyway
// (but could run on the server's memory if the signal came between unblocking and execve);
// an ignored signal would stay ignored in the app. One sigaction query per signal.
std::uint64_t ChangedSignals();

// The start time that tells a reused pid apart (ReadStartTicks) is not read here: right after
// the clone returns the child is still inside execve, and /proc/PID/stat waits for it (tens of
// microseconds on a cold start's critical path). Read it later, before reaping the process.
struct SpawnedProcess {
  pid_t pid = 0;   // also the process group id and session id
  UniqueFd pidfd;  // readable once the process has exited
};

// Makes every free descriptor below 64 (from 3) a close-on-exec /dev/null that spawns use as
// slots; returns how many are slots (0 when the kernel lacks close_range, or the low
// descriptors are taken). Call once, early in main, before threads open descriptors: those
// opened later are all >= 64. Idempotent.
int ReserveSpawnSlots();

// Every child started after this gets `limit` as its RLIMIT_NOFILE: the server raises its own
// (common/file_limit.h) and gives apps back the limit it was started with, so that no app
// sees a changed environment (some walk every descriptor up to the limit). One prlimit in the
// child. Call at startup, before spawning.
void SetChildFileLimit(const rlimit& limit);

class ProcessSpawner {
 public:
  // `use_slots` false: always copy the whole table (the path without reserved slots).
  explicit ProcessSpawner(bool use_slots = true);
  ~ProcessSpawner();
  ProcessSpawner(const ProcessSpawner&) = delete;
  ProcessSpawner& operator=(const ProcessSpawner&) = delete;

  // Returns once the child has called execve (or failed). Errors: kNotFound when the program
  // or cwd is missing or not executable (message "exec /x: No such file or directory" or
  // "workingDir /x: ..."), kInternal for resource errors.
  Result<SpawnedProcess> Spawn(const SpawnRequest& request);

 private:
  char* stack_top_;  // the child runs on this stack while this thread is suspended
  void* stack_;
  UniqueFd devnull_;  // the children's stdin (and stdout/stderr by default), >= fd 10
  pid_t parent_;      // getpid() once: the server never forks
  bool use_slots_;
};

// Field 22 (starttime, clock ticks after boot) of /proc/PID/stat; kNotFound when no such pid.
Result<std::uint64_t> ReadStartTicks(pid_t pid);

}  // namespace ebb::runtime
