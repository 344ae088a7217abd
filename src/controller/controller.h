// Controller: Knative Serving's reconcilers for one machine (knative-spec §0, §1).
//
//   Service ──owns──> Configuration ──one per generation──> Revision
//      └─────owns──> Route ── traffic over Revisions
//
// It watches the four kinds in the Registry and keeps a work queue of object keys: every
// event queues the object and the objects whose status depends on it (a Revision → its
// Configuration and the Routes that name it; a Configuration → its Service and the Routes that
// name it; a Route → its Service, and the Revisions it started or stopped routing). Which
// Routes name what comes from an index kept from the watch events (index.h), so one change
// costs work in proportion to its dependents, not to the namespace. One worker pops keys and reconciles them (reconciler.h),
// writing children and status only where they differ from what is stored; on failure the key
// is retried with a capped exponential backoff. It also labels Revisions with their
// routingState and garbage-collects old Revisions (config.gc). It never touches processes:
// RevisionHealth tells it whether a Revision can run.
//
// Threads: watch callbacks (store threads) only queue keys. Start() runs one worker thread;
// tests call RunUntilIdle() from their own thread instead — never both.
// Lifetime: the Registry, Config, Clock and RevisionHealth must outlive the Controller.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/kinds.h"
#include "common/clock.h"
#include "common/status.h"
#include "config/config.h"
#include "controller/index.h"
#include "controller/reconciler.h"
#include "controller/revision_health.h"
#include "controller/work_queue.h"
#include "registry/registry.h"
#include "store/store.h"

namespace ebb::controller {

class Controller {
 public:
  Controller(registry::Registry& registry, const config::Config& config, const Clock& clock,
             RevisionHealth& health);
  ~Controller();  // Stop()

  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Starts the watches (which queue every existing object) and the worker thread.
  Status Start();
  // Stops watching, then the worker (after the reconcile in progress). Idempotent.
  void Stop();

  // Queues one object for reconciling, e.g. when the runtime sees a revision's health change.
  void Enqueue(api::Kind kind, std::string ns, std::string name);

  // Starts only the watches; Start() calls it. RunUntilIdle() calls it when needed.
  Status StartWatches();

  // For tests, without the worker thread: waits until the watches have delivered every change
  // stored so far, reconciles every ready key, and repeats until no key is left. Keys delayed
  // by backoff or a requeue (due later on the Clock) are left queued. Returns how many
  // reconciles ran.
  int RunUntilIdle();

  // Failures of the last reconcile of each key that failed (cleared on success); for tests
  // and `ebb serve` diagnostics. Thread-safe.
  std::map<std::string, std::string> Errors() const;

 private:
  void OnEvent(api::Kind kind, const registry::WatchEvent& event);
  void EnqueueDependents(api::Kind kind, const nlohmann::json& obj);
  void EnqueueRoutes(api::Kind kind, const std::string& ns, const std::string& name);
  void Process(const Key& key);
  void WorkerLoop();
  // True once every object the Registry lists has been delivered by the watches (and every
  // delivered one is still listed); gives up (false) after a few seconds.
  bool WaitForWatches();
  bool WatchesCaughtUp();

  registry::Registry& registry_;
  ControllerIndex index_;  // before reconciler_, which reads it
  Reconciler reconciler_;
  WorkQueue queue_;

  mutable std::mutex mu_;
  std::condition_variable seen_cv_;                     // notified on every watch event
  std::map<Key, std::string> seen_;                     // resourceVersion per watched object; mu_
  std::uint64_t events_ = 0;                            // watch events delivered so far; mu_
  std::map<std::string, std::string> errors_;           // ToString(key) -> message; mu_
  std::vector<std::unique_ptr<store::Watch>> watches_;  // guarded by lifecycle_mu_
  std::mutex lifecycle_mu_;                             // Start/Stop/StartWatches
  std::thread worker_;                                  // lifecycle_mu_
  bool stopped_ = false;                                // lifecycle_mu_
};

}  // namespace ebb::controller
