#include "runtime/standby.h"

namespace ebb::runtime {

Standby::Standby(std::string id, std::string pod, int port, bool socket_activation, Starter start,
                 SteadyNow now, UniqueFd ready_socket)
    : id_(std::move(id)),
      pod_(std::move(pod)),
      port_(port),
      socket_activation_(socket_activation),
      start_(std::move(start)),
      now_(std::move(now)),
      ready_socket_(std::move(ready_socket)) {}

bool Standby::Fire() {
  std::lock_guard lock(mu_);
  if (state_ != State::kArmed) return false;
  state_ = State::kFired;
  Result<Process> process = start_();
  if (process.ok()) process->started = now_();  // as Launch: once the clone has returned
  started_ = process.ok();
  fired_.emplace(std::move(process));
  return true;
}

std::optional<Result<Standby::Process>> Standby::Withdraw() {
  std::lock_guard lock(mu_);
  State was = state_;
  state_ = State::kDone;
  if (was != State::kFired) return std::nullopt;
  std::optional<Result<Process>> out = std::move(fired_);
  fired_.reset();
  return out;
}

void StandbyBoard::Put(const std::string& key, std::shared_ptr<Standby> standby) {
  std::lock_guard lock(mu_);
  armed_[key] = std::move(standby);
}

void StandbyBoard::Remove(const std::string& key, const Standby* standby) {
  std::lock_guard lock(mu_);
  auto it = armed_.find(key);
  if (it != armed_.end() && it->second.get() == standby) armed_.erase(it);
}

std::shared_ptr<Standby> StandbyBoard::Take(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = armed_.find(key);
  if (it == armed_.end()) return nullptr;
  std::shared_ptr<Standby> standby = std::move(it->second);
  armed_.erase(it);
  return standby;
}

}  // namespace ebb::runtime
