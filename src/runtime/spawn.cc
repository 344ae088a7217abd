#include "runtime/spawn.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <bit>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ebb::runtime {
namespace {

constexpr std::size_t kStackSize = 64 * 1024;
// Every descriptor the child dup2()s from is moved to >= 10 first, so that no dup2 onto 0..3
// can clobber a source that is still to be used.
constexpr int kFirstHighFd = 10;
constexpr char kListenPidPrefix[] = "LISTEN_PID=";
constexpr std::size_t kPidDigits = 20;

// Dispositions that survive execve when ignored (SIG_IGN), or that the server is likely to
// have handlers for. Resetting this fixed list costs a few syscalls in the child, where
// querying all 64 would cost ~100 µs (runtime.md §1); handlers on other signals are reset by
// execve itself, and signals stay blocked until just before it. SpawnRequest::reset_signals
// narrows the list to those the server changed (ChangedSignals): in one traced cold start the
// 18 sigactions were 32 of the child's 89 us before execve (session 12), where the floor's
// child takes ~45 us in all.
constexpr int kResetSignals[] = {SIGHUP,  SIGINT,  SIGQUIT,  SIGPIPE, SIGALRM, SIGTERM,
                                 SIGUSR1, SIGUSR2, SIGCHLD,  SIGTSTP, SIGTTIN, SIGTTOU,
                                 SIGXFSZ, SIGXCPU, SIGWINCH, SIGURG,  SIGPROF, SIGVTALRM};

enum Stage : int { kStageSetup = 1, kStageChdir = 2, kStageExec = 3 };

// ---- Low descriptor slots (spawn.h) -------------------------------------------------------

// Descriptors below this are reserved; the child keeps only those. One 64-bit word of the
// kernel's open-descriptor bitmap, which is the unit it copies in.
constexpr int kSlotLimit = 64;
constexpr int kSlotsPerSpawn = 3;  // stdout, stderr, listener
constexpr rlim_t kMinFilesForSlots = 1024;  // RLIMIT_NOFILE below this: no slots

struct SlotPool {
  // Bit i set: descriptor i is a free slot (a /dev/null placeholder). Slots start at
  // kFirstHighFd, so that the child's dup3 onto 0..3 never overwrites one it still reads.
  std::atomic<std::uint64_t> free{0};
  std::atomic<int> devnull{-1};  // a placeholder that is never a slot: stdin, and the refill
};

SlotPool& Slots() {
  static SlotPool pool;
  return pool;
}

// Takes kSlotsPerSpawn free slots, lowest first; false when fewer are free.
bool ClaimSlots(int (&out)[kSlotsPerSpawn]) {
  SlotPool& pool = Slots();
  std::uint64_t seen = pool.free.load(std::memory_order_acquire);
  for (;;) {
    if (std::popcount(seen) < kSlotsPerSpawn) return false;
    std::uint64_t rest = seen;
    std::uint64_t taken = 0;
    for (int& fd : out) {
      fd = std::countr_zero(rest);
      taken |= std::uint64_t{1} << fd;
      rest &= rest - 1;
    }
    if (pool.free.compare_exchange_weak(seen, seen & ~taken, std::memory_order_acquire)) {
      return true;
    }
  }
}

void ReleaseSlots(const int (&slots)[kSlotsPerSpawn]) {
  std::uint64_t bits = 0;
  for (int fd : slots) bits |= std::uint64_t{1} << fd;
  Slots().free.fetch_or(bits, std::memory_order_release);
}

// A spawn's three slots while it holds them: the child's descriptors are put there, and
// whatever happens they are refilled with /dev/null and freed at the end (so that, say, the
// parent holds no extra write end of the stdout pipe).
class SlotLease {
 public:
  // Not active (`ok()` false) when slots are off or none are free.
  explicit SlotLease(bool wanted) {
    devnull_ = Slots().devnull.load(std::memory_order_relaxed);
    active_ = wanted && devnull_ >= 0 && ClaimSlots(slots_);
  }
  ~SlotLease() {
    if (!active_) return;
    for (int i = 0; i < kSlotsPerSpawn; ++i) {
      if (filled_[i]) ::dup3(devnull_, slots_[i], O_CLOEXEC);
    }
    ReleaseSlots(slots_);
  }
  SlotLease(const SlotLease&) = delete;
  SlotLease& operator=(const SlotLease&) = delete;

  bool ok() const { return active_; }
  int devnull() const { return devnull_; }
  // The slot that now refers to `fd` (-1: none; /dev/null for -2, which needs no slot).
  Result<int> Put(int i, int fd) {
    if (fd == -1) return -1;
    if (fd == -2) return devnull_;
    if (::dup3(fd, slots_[i], O_CLOEXEC) < 0) return ErrnoStatus("dup3", errno);
    filled_[i] = true;
    return slots_[i];
  }

 private:
  bool active_ = false;
  int devnull_ = -1;
  int slots_[kSlotsPerSpawn] = {};
  bool filled_[kSlotsPerSpawn] = {};
};

// The RLIMIT_NOFILE children get (SetChildFileLimit); written once at startup.
struct ChildFileLimit {
  std::atomic<bool> set{false};
  rlimit limit{};
};

ChildFileLimit& FileLimitForChildren() {
  static ChildFileLimit child;
  return child;
}

const rlimit* ChildLimit() {
  const ChildFileLimit& child = FileLimitForChildren();
  return child.set.load(std::memory_order_acquire) ? &child.limit : nullptr;
}

struct ChildArgs {
  const char* path;
  char* const* argv;
  char* const* envp;
  const char* cwd;  // nullptr: stay
  int in_fd, out_fd, err_fd, listen_fd;
  int report_fd;     // the failure pipe when memory is not shared (kSharedMemory false), or -1
  char* listen_pid;  // kPidDigits + 1 bytes inside the LISTEN_PID env entry, or nullptr
  pid_t parent;
  bool unshare_table;  // the table is shared (CLONE_FILES): keep only fds < kSlotLimit first
  std::uint64_t reset_signals;  // SpawnRequest::reset_signals
  const rlimit* file_limit;  // RLIMIT_NOFILE to set, or nullptr
  // The calling thread's CPU mask while it is pinned to its CPU for the clone (nullptr: not
  // pinned; PinForClone). The child gives it back to the caller, then takes it itself.
  const cpu_set_t* unpin_mask;
  pid_t caller_tid;
  volatile int caller_unpinned;  // set by the child when the caller has its mask back
  // (stage, errno) of a failure. With CLONE_VM the child writes it into the parent's memory
  // before it exits, and clone() returns only after that (CLONE_VFORK): no pipe to make,
  // read and close on every spawn.
  volatile int failure[2];
};

#if defined(__SANITIZE_THREAD__)
constexpr bool kSharedMemory = false;  // vfork() is a real fork() under TSan (CloneChild)
#else
constexpr bool kSharedMemory = true;
#endif

// The child runs on this thread's memory and TLS while the thread is suspended, so it makes
// raw system calls only: no libc wrapper (and no sanitizer interceptor) runs in between. It
// is not instrumented either: its frames are abandoned at execve, and ASan would find their
// stale redzones on the reused child stack next time.
#define EBB_CHILD_CODE __attribute__((no_sanitize("address", "thread")))

// The kernel's struct sigaction for rt_sigaction (glibc's has a larger mask).
struct KernelSigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)();
  unsigned long mask;
};

EBB_CHILD_CODE long Sys(long nr, long a = 0, long b = 0, long c = 0, long d = 0) {
  long rc = ::syscall(nr, a, b, c, d);
  return rc < 0 ? -errno : rc;
}

[[noreturn]] EBB_CHILD_CODE void ChildFail(ChildArgs& a, int stage, long rc) {
  a.failure[0] = stage;
  a.failure[1] = static_cast<int>(-rc);
  if (a.report_fd >= 0) {
    int msg[2] = {stage, static_cast<int>(-rc)};
    Sys(SYS_write, a.report_fd, reinterpret_cast<long>(msg), sizeof msg);
  }
  Sys(SYS_exit_group, 127);
  __builtin_unreachable();
}

// Writes the decimal digits of `pid` and a terminating NUL into `out`.
EBB_CHILD_CODE void WriteDigits(char* out, long pid) {
  char tmp[kPidDigits];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + pid % 10);
    pid /= 10;
  } while (pid > 0);
  for (int i = 0; i < n; ++i) out[i] = tmp[n - 1 - i];
  out[n] = '\0';
}

EBB_CHILD_CODE void ChildSetup(ChildArgs& a) {
  KernelSigaction dfl{};  // SIG_DFL
  for (int sig : kResetSignals) {
    if ((a.reset_signals >> (sig - 1) & 1) == 0) continue;
    Sys(SYS_rt_sigaction, sig, reinterpret_cast<long>(&dfl), 0, sizeof dfl.mask);
  }
  long rc = Sys(SYS_setsid);
  if (rc >= 0) rc = Sys(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL);
  if (rc < 0) ChildFail(a, kStageSetup, rc);
  if (Sys(SYS_getppid) != a.parent) Sys(SYS_exit_group, 127);  // the server died already
  // Lowering a soft limit cannot fail; a child left with the server's is not worth failing.
  if (a.file_limit != nullptr) {
    Sys(SYS_prlimit64, 0, RLIMIT_NOFILE, reinterpret_cast<long>(a.file_limit), 0);
  }
  // Sources are all >= kFirstHighFd, so dup3 never sees equal descriptors.
  const int from[] = {a.in_fd, a.out_fd, a.err_fd, a.listen_fd};
  for (int to = 0; to < 4 && from[to] >= 0; ++to) {
    if ((rc = Sys(SYS_dup3, from[to], to, 0)) < 0) ChildFail(a, kStageSetup, rc);
  }
  // Descriptors the server opened without O_CLOEXEC must not leak into the app.
  Sys(SYS_close_range, a.listen_fd >= 0 ? 4 : 3, ~0U, CLOSE_RANGE_CLOEXEC);
}

EBB_CHILD_CODE int ChildMain(void* arg) {
  ChildArgs& a = *static_cast<ChildArgs*>(arg);
  // First the caller, so that the exec that ends its wait may wake it on another CPU than
  // the one this child now runs on; then this child, so that the app is not bound to one CPU.
  if (a.unpin_mask != nullptr) {
    const long mask = reinterpret_cast<long>(a.unpin_mask);
    a.caller_unpinned = Sys(SYS_sched_setaffinity, a.caller_tid, sizeof(cpu_set_t), mask) == 0;
    Sys(SYS_sched_setaffinity, 0, sizeof(cpu_set_t), mask);
  }
  // Before anything touches a descriptor: until this returns, the table is the server's.
  if (a.unshare_table) {
    long rc = Sys(SYS_close_range, kSlotLimit, ~0U, CLOSE_RANGE_UNSHARE);
    if (rc < 0) ChildFail(a, kStageSetup, rc);
  }
  ChildSetup(a);
  long rc = a.cwd != nullptr ? Sys(SYS_chdir, reinterpret_cast<long>(a.cwd)) : 0;
  if (rc < 0) ChildFail(a, kStageChdir, rc);
  if (a.listen_pid != nullptr) WriteDigits(a.listen_pid, Sys(SYS_getpid));
  unsigned long none = 0;
  Sys(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&none), 0, sizeof none);
  rc = Sys(SYS_execve, reinterpret_cast<long>(a.path), reinterpret_cast<long>(a.argv),
           reinterpret_cast<long>(a.envp));
  ChildFail(a, kStageExec, rc);
}

// `fd` itself when it is already >= kFirstHighFd, else a close-on-exec duplicate kept alive
// in `keep`.
Result<int> HighFd(int fd, std::vector<UniqueFd>& keep) {
  if (fd >= kFirstHighFd) return fd;
  int dup = ::fcntl(fd, F_DUPFD_CLOEXEC, kFirstHighFd);
  if (dup < 0) return ErrnoStatus("fcntl(F_DUPFD_CLOEXEC)", errno);
  keep.emplace_back(dup);
  return dup;
}

// The descriptors the child dup2()s from, all >= kFirstHighFd, kept open until the clone
// has returned.
struct ChildFds {
  int in = -1, out = -1, err = -1, listen = -1, report = -1;
  UniqueFd report_write;
  std::vector<UniqueFd> keep;  // high duplicates of low descriptors

  // `devnull` is already >= kFirstHighFd; `report_write` may be invalid (shared memory).
  static Result<ChildFds> Prepare(const SpawnRequest& req, int devnull, UniqueFd report_write) {
    ChildFds fds;
    fds.report_write = std::move(report_write);
    Result<int> out = HighFd(req.stdout_fd >= 0 ? req.stdout_fd : devnull, fds.keep);
    Result<int> err = HighFd(req.stderr_fd >= 0 ? req.stderr_fd : devnull, fds.keep);
    Result<int> listen = req.listen_fd >= 0 ? HighFd(req.listen_fd, fds.keep) : Result<int>(-1);
    Result<int> report =
        fds.report_write.valid() ? HighFd(fds.report_write.get(), fds.keep) : Result<int>(-1);
    for (const Result<int>* r : {&out, &err, &listen, &report}) {
      if (!r->ok()) return r->status();
    }
    fds.in = devnull, fds.out = *out, fds.err = *err, fds.listen = *listen, fds.report = *report;
    return fds;
  }
};

// A real-time caller (SCHED_FIFO, SCHED_RR) binds itself to the CPU it runs on, keeping its
// mask in `mask` for the child to give back (ChildArgs::unpin_mask), so that the child starts
// on this CPU. The kernel places a new real-time task on another CPU when the one it is
// created on runs a real-time task of its priority, which the caller is until the clone. But
// the caller is about to block until the child's execve, leaving its CPU to the child, while
// the other CPU, idle, is a halted vCPU on a virtual machine and takes ~100 us to wake (the
// `wake` row of bench/coldstart.sh). Created on the caller's CPU, the child runs as soon as
// the caller blocks: clone -> child running 172 -> 82 us (trace medians). bench/coldstart.sh,
// rt, 3 interleaved rounds of 40: ebb p50 3.74 -> 3.35 ms with socket activation, 4.39 ->
// 3.84 ms without. A caller of the ordinary policy is left alone: there the kernel balances
// a task again at execve (to the idlest CPU), which would move the child anyway, and with
// the migration's cost on top. Nothing to do either when the thread may run on one CPU only.
#if !defined(__SANITIZE_THREAD__)
void PinForClone(ChildArgs& args, cpu_set_t& mask) {
  int policy = ::sched_getscheduler(0) & ~SCHED_RESET_ON_FORK;
  if (policy != SCHED_FIFO && policy != SCHED_RR) return;
  if (::sched_getaffinity(0, sizeof mask, &mask) != 0 || CPU_COUNT(&mask) < 2) return;
  int cpu = ::sched_getcpu();
  if (cpu < 0 || cpu >= CPU_SETSIZE) return;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  if (::sched_setaffinity(0, sizeof one, &one) != 0) return;
  args.unpin_mask = &mask;
  args.caller_tid = static_cast<pid_t>(::syscall(SYS_gettid));
}
#endif

// Signals stay blocked in the child until just before execve, so that no server handler runs
// on the shared memory in between. Returns the pid (or -1 and *err).
pid_t CloneChild(ChildArgs& args, char* stack_top, int* pidfd, int* err) {
  const int share_table = args.unshare_table ? CLONE_FILES : 0;
  sigset_t all, old;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
#if defined(__SANITIZE_THREAD__)
  // ThreadSanitizer intercepts clone() as if it were fork() and resets its own state from
  // the child, which corrupts it when the child shares our memory; its vfork() is a real
  // fork(). Only sanitizer builds take this path.
  (void)stack_top;
  (void)share_table;  // no slots under TSan (ProcessSpawner::Spawn)
  pid_t pid = ::vfork();
  if (pid == 0) ChildMain(&args);
  *err = errno;
  if (pid > 0) *pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  cpu_set_t mask;
  PinForClone(args, mask);
  pid_t pid =
      ::clone(ChildMain, stack_top, CLONE_VM | CLONE_VFORK | CLONE_PIDFD | share_table | SIGCHLD,
              &args, pidfd);
  *err = errno;
  if (args.unpin_mask != nullptr && !args.caller_unpinned) {
    ::sched_setaffinity(0, sizeof mask, &mask);  // the child did not run, or could not
  }
#endif
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return pid;
}

// argv/envp arrays and the LISTEN_* entries, built before the clone.
struct ExecBuffers {
  std::vector<char*> argv;
  std::vector<std::string> extra_env;
  std::vector<char*> envp;
  char* listen_pid = nullptr;

  explicit ExecBuffers(const SpawnRequest& req) {
    for (const std::string& a : req.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    if (req.listen_fd >= 0) {
      extra_env = {"LISTEN_FDS=1", "LISTEN_FDNAMES=http",
                   std::string(kListenPidPrefix) + std::string(kPidDigits, '\0')};
    }
    for (const std::string& e : req.env) {
      bool listen_var = e.rfind("LISTEN_", 0) == 0;
      if (!(req.listen_fd >= 0 && listen_var)) envp.push_back(const_cast<char*>(e.c_str()));
    }
    for (std::string& e : extra_env) envp.push_back(e.data());
    envp.push_back(nullptr);
    if (!extra_env.empty()) listen_pid = extra_env.back().data() + sizeof kListenPidPrefix - 1;
  }
};

Status ChildStatus(const SpawnRequest& req, int stage, int err) {
  if (stage == kStageExec) return ErrnoStatus("exec " + req.path, err);
  if (stage == kStageChdir) return ErrnoStatus("workingDir " + req.cwd, err);
  return Status(Code::kInternal, std::string("spawn setup: ") + std::strerror(err));
}

// The child has exec'd or exited by the time clone returns (CLONE_VFORK). A failure recorded
// in `args` (or sent on the report pipe) means it exited; reap it then.
Result<SpawnedProcess> Collect(const SpawnRequest& req, pid_t pid, int pidfd,
                               const ChildArgs& args, int report_fd) {
  SpawnedProcess proc{pid, UniqueFd(pidfd)};
  int msg[2] = {args.failure[0], args.failure[1]};
  if (report_fd >= 0) {
    ssize_t n;
    do {
      n = ::read(report_fd, msg, sizeof msg);
    } while (n < 0 && errno == EINTR);
    if (n != static_cast<ssize_t>(sizeof msg)) msg[0] = 0;
  }
  if (msg[0] != 0) {
    ::waitpid(pid, nullptr, 0);
    return ChildStatus(req, msg[0], msg[1]);
  }
  return proc;
}

}  // namespace

int ReserveSpawnSlots() {
  SlotPool& pool = Slots();
  static const int reserved = [&pool] {
    if (!kSharedMemory) return 0;  // TSan: vfork cannot share the table
    if (::syscall(SYS_close_range, ~0U, ~0U, 0) != 0) return 0;  // before Linux 5.9
    // 61 placeholders must leave the server plenty: not under a small descriptor limit.
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur < kMinFilesForSlots) return 0;
    // May be 0..2 when the server was started with stdio closed: it then stays there, and
    // /dev/null is as good a stdin as any.
    int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0) return 0;
    // Every free descriptor below the limit becomes a placeholder (fcntl returns the lowest
    // free one), so that nothing the server opens later lands there.
    std::uint64_t high = 0;  // the placeholders >= kFirstHighFd
    if (devnull >= kFirstHighFd && devnull < kSlotLimit) high |= std::uint64_t{1} << devnull;
    for (;;) {
      int fd = ::fcntl(devnull, F_DUPFD_CLOEXEC, 3);
      if (fd < 0) break;
      if (fd >= kSlotLimit) {
        ::close(fd);
        break;
      }
      if (fd >= kFirstHighFd) high |= std::uint64_t{1} << fd;
    }
    if (devnull >= kSlotLimit) ::close(devnull);
    if (std::popcount(high) <= kSlotsPerSpawn) return 0;  // the low descriptors were taken
    // The lowest becomes the children's stdin and the refill; it is >= kFirstHighFd like the
    // slots, so that the child's dup3 onto 0..3 never has equal descriptors.
    int placeholder = std::countr_zero(high);
    pool.devnull.store(placeholder, std::memory_order_relaxed);
    std::uint64_t slots = high & ~(std::uint64_t{1} << placeholder);
    pool.free.store(slots, std::memory_order_release);
    return std::popcount(slots);
  }();
  return reserved;
}

std::uint64_t ChangedSignals() {
  std::uint64_t changed = 0;
  for (int sig : kResetSignals) {
    struct sigaction now {};
    if (::sigaction(sig, nullptr, &now) != 0 || now.sa_handler != SIG_DFL) {
      changed |= std::uint64_t{1} << (sig - 1);
    }
  }
  return changed;
}

void SetChildFileLimit(const rlimit& limit) {
  ChildFileLimit& child = FileLimitForChildren();
  child.limit = limit;
  child.set.store(true, std::memory_order_release);
}

ProcessSpawner::ProcessSpawner(bool use_slots) : parent_(::getpid()), use_slots_(use_slots) {
  // Populated now: the child would otherwise fault its stack pages in during the first spawn.
  stack_ = ::mmap(nullptr, kStackSize, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_POPULATE, -1, 0);
  stack_top_ = stack_ == MAP_FAILED ? nullptr : static_cast<char*>(stack_) + kStackSize;
  UniqueFd devnull(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (devnull.valid()) devnull_.reset(::fcntl(devnull.get(), F_DUPFD_CLOEXEC, kFirstHighFd));
}

ProcessSpawner::~ProcessSpawner() {
  if (stack_ != MAP_FAILED) ::munmap(stack_, kStackSize);
}

Result<SpawnedProcess> ProcessSpawner::Spawn(const SpawnRequest& req) {
  if (stack_top_ == nullptr) return Status(Code::kInternal, "spawn: no child stack");
  if (req.argv.empty()) return Status(Code::kInvalid, "spawn: empty argv");
  if (!devnull_.valid()) return Status(Code::kInternal, "spawn: cannot open /dev/null");
  ExecBuffers bufs(req);
  SlotLease lease(use_slots_ && kSharedMemory);
  UniqueFd report_read, report_write;
  ChildFds fds;
  if (lease.ok()) {
    Result<int> out = lease.Put(0, req.stdout_fd >= 0 ? req.stdout_fd : -2);
    // One pipe for both (as the runtime does) needs one slot.
    Result<int> err = req.stderr_fd >= 0 && req.stderr_fd == req.stdout_fd
                          ? out
                          : lease.Put(1, req.stderr_fd >= 0 ? req.stderr_fd : -2);
    Result<int> listen = lease.Put(2, req.listen_fd >= 0 ? req.listen_fd : -1);
    for (const Result<int>* r : {&out, &err, &listen}) {
      if (!r->ok()) return r->status();
    }
    fds.in = lease.devnull(), fds.out = *out, fds.err = *err, fds.listen = *listen;
  } else {
    if (!kSharedMemory) {
      int report[2];
      if (::pipe2(report, O_CLOEXEC) < 0) return ErrnoStatus("pipe2", errno);
      report_read.reset(report[0]);
      report_write.reset(report[1]);
    }
    Result<ChildFds> prepared = ChildFds::Prepare(req, devnull_.get(), std::move(report_write));
    if (!prepared.ok()) return prepared.status();
    fds = std::move(*prepared);
  }
  ChildArgs args{req.path.c_str(), bufs.argv.data(),
                 bufs.envp.data(), req.cwd.empty() ? nullptr : req.cwd.c_str(),
                 fds.in,           fds.out,
                 fds.err,          fds.listen,
                 fds.report,       bufs.listen_pid,
                 parent_,          lease.ok(),
                 req.reset_signals, ChildLimit(),
                 nullptr,          0,
                 0,                {0, 0}};
  int pidfd = -1;
  int clone_errno = 0;
  pid_t pid = CloneChild(args, stack_top_, &pidfd, &clone_errno);
  // Close our copies of the report pipe's write end, so that read() sees EOF on success.
  fds.report_write.reset();
  fds.keep.clear();
  if (pid < 0) return ErrnoStatus("clone", clone_errno);
  return Collect(req, pid, pidfd, args, report_read.get());
}

Result<std::uint64_t> ReadStartTicks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return Status(Code::kNotFound, "no process " + std::to_string(pid));
  // comm (field 2) may contain spaces and parentheses; fields after the last ')' are plain.
  std::size_t close = line.rfind(')');
  if (close == std::string::npos) return Status(Code::kInternal, "bad /proc stat line");
  std::istringstream fields(line.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 22) return std::strtoull(field.c_str(), nullptr, 10);
  }
  return Status(Code::kInternal, "short /proc stat line");
}

}  // namespace ebb::runtime
