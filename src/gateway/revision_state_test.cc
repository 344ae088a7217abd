#include "gateway/revision_state.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace ebb::gateway {
namespace {

using std::chrono::seconds;
using State = ParkTicket::State;
using Park = RevisionState::ParkResult;

const SteadyTime kT0 = SteadyTime(seconds(1000));

class RevisionStateTest : public ::testing::Test {
 protected:
  explicit RevisionStateTest(int workers = 1)
      : state_("default/hello-00001", workers, 3, 1 << 20, 1, kT0) {}

  void Configure(int cc) {
    RevisionConfig config;
    config.key = state_.key();
    config.container_concurrency = cc;
    state_.Configure(config);
  }
  // Publishes instances named `ids` and gives every worker view the new set.
  RevisionState::Published Publish(std::vector<std::string> ids, int workers = 1) {
    std::vector<InstancePtr> ready;
    for (auto& id : ids) ready.push_back(std::make_shared<Instance>(id, "127.0.0.1", 1));
    auto published = state_.SetInstances(std::move(ready), kT0);
    for (int w = 0; w < workers; ++w) state_.view(w).instances = published.set;
    return published;
  }
  TicketPtr Ticket(std::vector<std::string>* log = nullptr, const char* name = "",
                   SteadyTime deadline = kT0 + seconds(10)) {
    auto t = std::make_shared<ParkTicket>();
    t->bytes = 100;
    t->deadline = deadline;
    t->wake = [log, name] {
      if (log) log->push_back(name);
    };
    return t;
  }
  InstancePtr Acquire(const TriedInstances& tried = {}) {
    return state_.TryAcquire(0, rng_, kT0, tried);
  }

  RevisionState state_;
  Rng rng_{5};
};

TEST_F(RevisionStateTest, FastPathHonoursContainerConcurrency) {
  Configure(1);
  Publish({"b", "a"});
  InstancePtr first = Acquire();
  InstancePtr second = Acquire();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->id, "a");  // first available, in id order
  EXPECT_EQ(second->id, "b");
  EXPECT_EQ(Acquire(), nullptr);
  state_.Release(*first, kT0);
  EXPECT_EQ(Acquire()->id, "a");
}

TEST_F(RevisionStateTest, ParkedRequestsAreReleasedByNewInstances) {
  Configure(0);
  std::vector<std::string> woken;
  auto t1 = Ticket(&woken, "t1");
  auto t2 = Ticket(&woken, "t2");
  bool first = false;
  EXPECT_EQ(state_.Park(t1, kT0, &first), Park::kParked);
  EXPECT_TRUE(first);  // the first parked request pokes the autoscaler
  EXPECT_EQ(state_.Park(t2, kT0, &first), Park::kParked);
  EXPECT_FALSE(first);
  EXPECT_EQ(state_.parked(), 2);
  Publish({"a"});
  EXPECT_EQ(woken, (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(t1->state, State::kAssigned);
  EXPECT_EQ(t2->assigned->id, "a");
  EXPECT_EQ(t2->assigned->in_flight.load(), 2);
  EXPECT_EQ(state_.parked(), 0);
}

TEST_F(RevisionStateTest, FreedSlotsGoToTheOldestParkedRequest) {
  Configure(1);
  Publish({"a"});
  InstancePtr busy = Acquire();
  ASSERT_TRUE(busy);
  std::vector<std::string> woken;
  auto t1 = Ticket(&woken, "t1");
  auto t2 = Ticket(&woken, "t2");
  bool first = false;
  EXPECT_EQ(state_.Park(t1, kT0, &first), Park::kParked);
  EXPECT_EQ(state_.Park(t2, kT0, &first), Park::kParked);
  state_.Release(*busy, kT0);
  EXPECT_EQ(woken, std::vector<std::string>{"t1"});
  EXPECT_EQ(t2->state, State::kWaiting);
  EXPECT_EQ(busy->in_flight.load(), 1);  // handed over, never above CC
  state_.Release(*t1->assigned, kT0);
  EXPECT_EQ(woken, (std::vector<std::string>{"t1", "t2"}));
}

TEST_F(RevisionStateTest, NewArrivalsQueueBehindParkedRequests) {
  Configure(1);
  Publish({"a"});
  InstancePtr busy = Acquire();
  bool first = false;
  state_.Park(Ticket(), kT0, &first);
  // Even if a slot frees without anybody noticing yet, the fast path refuses while parked.
  busy->in_flight.fetch_sub(1);
  EXPECT_EQ(Acquire(), nullptr);
}

TEST_F(RevisionStateTest, FullQueueRefuses) {
  Configure(1);
  bool first = false;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(state_.Park(Ticket(), kT0, &first), Park::kParked);
  EXPECT_EQ(state_.Park(Ticket(), kT0, &first), Park::kFull);
  EXPECT_FALSE(first);
}

TEST_F(RevisionStateTest, LeaveReportsWhatHappened) {
  Configure(0);
  auto waiting = Ticket();
  bool first = false;
  state_.Park(waiting, kT0, &first);
  EXPECT_EQ(state_.Leave(*waiting, State::kExpired), State::kExpired);
  EXPECT_EQ(state_.parked(), 0);

  auto assigned = Ticket();
  state_.Park(assigned, kT0, &first);
  Publish({"a"});
  EXPECT_EQ(state_.Leave(*assigned, State::kExpired), State::kAssigned);
  EXPECT_EQ(assigned->assigned->id, "a");
}

TEST_F(RevisionStateTest, ExpiredTicketsDoNotTakeCapacity) {
  Configure(1);
  std::vector<std::string> woken;
  auto stale = Ticket(&woken, "stale", kT0 - seconds(1));
  auto fresh = Ticket(&woken, "fresh", kT0 + seconds(10));
  bool first = false;
  state_.Park(stale, kT0 - seconds(2), &first);
  state_.Park(fresh, kT0 - seconds(2), &first);
  auto published = Publish({"a"});
  EXPECT_EQ(stale->state, State::kExpired);
  EXPECT_EQ(fresh->state, State::kAssigned);
  EXPECT_EQ(published.set->items[0]->in_flight.load(), 1);
}

TEST_F(RevisionStateTest, InstancesKeepTheirCountersAcrossUpdates) {
  Configure(1);
  Publish({"a", "b"});
  InstancePtr a = Acquire();
  ASSERT_EQ(a->id, "a");
  auto published = Publish({"a", "c"});
  ASSERT_EQ(published.removed.size(), 1u);
  EXPECT_EQ(published.removed[0]->id, "b");
  EXPECT_TRUE(published.removed[0]->removed.load());
  EXPECT_EQ(published.set->items[0], a);  // same object, count 1 kept
  EXPECT_EQ(Acquire()->id, "c");
}

TEST_F(RevisionStateTest, RemovedInstancesAreNotPickedFromAStaleView) {
  Configure(0);
  Publish({"a"});
  auto stale_view = state_.view(0).instances;
  Publish({});
  state_.view(0).instances = stale_view;  // the worker has not seen the update yet
  EXPECT_EQ(Acquire(), nullptr);
}

TEST_F(RevisionStateTest, EjectedAndTriedInstancesAreSkipped) {
  Configure(1);
  auto published = Publish({"a", "b"});
  InstancePtr a = published.set->items[0];
  a->ejected_until_ns.store((kT0 + seconds(1)).time_since_epoch().count());
  InstancePtr got = Acquire();
  EXPECT_EQ(got->id, "b");
  state_.Release(*got, kT0);
  // When every usable instance is ejected, one is tried anyway.
  published.set->items[1]->ejected_until_ns.store((kT0 + seconds(1)).time_since_epoch().count());
  got = Acquire();
  ASSERT_TRUE(got);
  state_.Release(*got, kT0);
  // A request does not retry an instance it failed on.
  TriedInstances tried;
  tried.Add(published.set->items[1].get());
  a->ejected_until_ns.store(0);
  EXPECT_EQ(Acquire(tried)->id, "a");
  tried.Add(a.get());
  EXPECT_EQ(Acquire(tried), nullptr);
}

class RevisionStateThreadsTest : public RevisionStateTest {
 protected:
  RevisionStateThreadsTest() : RevisionStateTest(4) {}
};

// Four "workers" acquire and release on two CC=1 instances, parking when the fast path fails;
// no instance ever holds two requests.
TEST_F(RevisionStateThreadsTest, ContainerConcurrencyHoldsAcrossWorkers) {
  Configure(1);
  auto published = Publish({"a", "b"}, 4);
  std::atomic<int> worst{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      Rng rng(w + 1);
      for (int i = 0; i < 2000; ++i) {
        InstancePtr got = state_.TryAcquire(w, rng, kT0, {});
        if (!got) {
          auto ticket = std::make_shared<ParkTicket>();
          ticket->deadline = kT0 + seconds(100);
          std::atomic<bool> done{false};
          ticket->wake = [&done] { done.store(true); };
          bool first = false;
          if (state_.Park(ticket, kT0, &first) == Park::kParked) {
            while (!done.load()) std::this_thread::yield();
          }
          ASSERT_EQ(state_.Leave(*ticket, State::kCancelled), State::kAssigned);
          got = ticket->assigned;
        }
        int now = got->in_flight.load();
        int seen = worst.load();
        while (now > seen && !worst.compare_exchange_weak(seen, now)) {
        }
        state_.Release(*got, kT0);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(worst.load(), 1);
  EXPECT_EQ(published.set->items[0]->in_flight.load(), 0);
  EXPECT_EQ(published.set->items[1]->in_flight.load(), 0);
}

}  // namespace
}  // namespace ebb::gateway
