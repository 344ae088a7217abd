// Registry: the collectors behind one /metrics endpoint.
//
// A collector is a function that, at scrape time, declares families and adds their samples
// to an Exposition: it reads whatever its owner keeps (per-worker counters summed at that
// moment, gauges sampled through the owner's own lock, /proc). Nothing is copied into the
// registry between scrapes, so the request path never touches it.
//
// Collectors run in the order they were added, on the scraping thread; a family declared by
// several collectors is rendered once with all their samples (no two collectors may add the
// same series). They must not call back into the Registry.
//
// Thread-safety: all methods may be called from any thread; collectors run without the
// registry's lock held.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "metrics/exposition.h"

namespace ebb::metrics {

class Registry {
 public:
  using Collector = std::function<void(Exposition&)>;

  void AddCollector(Collector collector);
  // The text of every collector's families. Empty when none is registered.
  std::string Render() const;

 private:
  mutable std::mutex mu_;
  std::vector<Collector> collectors_;  // guarded by mu_
};

}  // namespace ebb::metrics
