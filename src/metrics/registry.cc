#include "metrics/registry.h"

namespace ebb::metrics {

void Registry::AddCollector(Collector collector) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(collector));
}

std::string Registry::Render() const {
  std::vector<Collector> collectors;
  {
    std::lock_guard lock(mu_);
    collectors = collectors_;
  }
  // Outside mu_: collectors take their owners' locks and may be slow (they wait for threads).
  Exposition exposition;
  for (const Collector& collect : collectors) collect(exposition);
  return exposition.Render();
}

}  // namespace ebb::metrics
