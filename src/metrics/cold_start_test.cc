#include "metrics/cold_start.h"

#include <gtest/gtest.h>

namespace ebb::metrics {
namespace {

using std::chrono::milliseconds;
using Time = ColdStartTracker::Time;

constexpr char kRev[] = "default/hello-00001";

Time At(int ms) { return Time(milliseconds(1'000'000 + ms)); }

std::uint64_t Ns(int ms) { return static_cast<std::uint64_t>(ms) * 1'000'000; }

TEST(ColdStartTrackerTest, SplitsOneColdStartIntoPhases) {
  ColdStartTracker t;
  t.Parked(kRev, At(0), true);
  EXPECT_TRUE(t.InProgress(kRev));
  t.InstanceReady(kRev, At(3), At(40));
  t.FirstByte(kRev, At(45));
  EXPECT_FALSE(t.InProgress(kRev));
  const auto& totals = t.totals().at(kRev);
  EXPECT_EQ(totals.spawn.count(), 1u);
  EXPECT_EQ(totals.spawn.sum_ns, Ns(3));
  EXPECT_EQ(totals.ready.sum_ns, Ns(37));
  EXPECT_EQ(totals.first_byte.sum_ns, Ns(5));
  EXPECT_EQ(totals.total.sum_ns, Ns(45));
  EXPECT_EQ(totals.total.count(), 1u);
  EXPECT_EQ(totals.abandoned, 0u);
}

TEST(ColdStartTrackerTest, LaterRequestsAndResponsesBelongToTheSameColdStart) {
  ColdStartTracker t;
  t.Parked(kRev, At(0), true);
  t.Parked(kRev, At(10), true);  // the queue emptied and refilled: same cold start, same t0
  t.InstanceReady(kRev, At(2), At(20));
  t.InstanceReady(kRev, At(5), At(30));  // a second instance changes nothing
  t.FirstByte(kRev, At(25));
  t.FirstByte(kRev, At(26));  // other parked requests: already complete
  const auto& totals = t.totals().at(kRev);
  EXPECT_EQ(totals.total.count(), 1u);
  EXPECT_EQ(totals.total.sum_ns, Ns(25));
  EXPECT_EQ(totals.ready.sum_ns, Ns(18));
}

TEST(ColdStartTrackerTest, InstanceAlreadyStartingHasNoSpawnPhase) {
  ColdStartTracker t;
  t.Parked(kRev, At(100), true);
  t.InstanceReady(kRev, At(20), At(130));  // spawned before the request arrived
  t.FirstByte(kRev, At(131));
  const auto& totals = t.totals().at(kRev);
  EXPECT_EQ(totals.spawn.sum_ns, 0u);
  EXPECT_EQ(totals.ready.sum_ns, Ns(30));
  EXPECT_EQ(totals.total.sum_ns, Ns(31));
}

TEST(ColdStartTrackerTest, ParkingBehindReadyInstancesIsNoColdStart) {
  ColdStartTracker t;
  t.Parked(kRev, At(0), false);
  EXPECT_FALSE(t.InProgress(kRev));
  t.FirstByte(kRev, At(5));
  EXPECT_TRUE(t.totals().empty());
}

// Socket activation: the gateway sends to the instance as soon as it is spawned, and its
// answer can beat the report that it is ready.
TEST(ColdStartTrackerTest, FirstByteBeforeTheReadyReportWaitsForIt) {
  ColdStartTracker t;
  t.Parked(kRev, At(0), true);
  t.FirstByte(kRev, At(5));
  EXPECT_TRUE(t.InProgress(kRev));
  EXPECT_EQ(t.totals().at(kRev).total.count(), 0u);
  t.FirstByte(kRev, At(6));  // a later response of the same cold start: the first one counts
  t.InstanceReady(kRev, At(1), At(2));
  EXPECT_FALSE(t.InProgress(kRev));
  const auto& totals = t.totals().at(kRev);
  EXPECT_EQ(totals.total.count(), 1u);
  EXPECT_EQ(totals.spawn.sum_ns, Ns(1));
  EXPECT_EQ(totals.ready.sum_ns, Ns(1));
  EXPECT_EQ(totals.first_byte.sum_ns, Ns(3));
  EXPECT_EQ(totals.total.sum_ns, Ns(5));
  t.ScaledToZero(kRev);
  EXPECT_EQ(t.totals().at(kRev).abandoned, 0u);
}

// A report of readiness stamped after the byte it answered (its clock was read later): the
// instance was ready by the byte.
TEST(ColdStartTrackerTest, AReadyReportLaterThanTheByteIsCappedAtTheByte) {
  ColdStartTracker t;
  t.Parked(kRev, At(0), true);
  t.FirstByte(kRev, At(4));
  t.InstanceReady(kRev, At(1), At(9));
  const auto& totals = t.totals().at(kRev);
  EXPECT_EQ(totals.ready.sum_ns, Ns(3));
  EXPECT_EQ(totals.first_byte.sum_ns, Ns(0));
  EXPECT_EQ(totals.total.sum_ns, Ns(4));
}

// The instance answered and exited before it was reported ready: no phases to observe, and
// nobody was left waiting either.
TEST(ColdStartTrackerTest, AnsweredButNeverReportedReadyIsNeitherObservedNorAbandoned) {
  ColdStartTracker t;
  t.Parked(kRev, At(0), true);
  t.FirstByte(kRev, At(4));
  t.ScaledToZero(kRev);
  EXPECT_FALSE(t.InProgress(kRev));
  EXPECT_EQ(t.totals().at(kRev).total.count(), 0u);
  EXPECT_EQ(t.totals().at(kRev).abandoned, 0u);
}

// The worker that parks the first request clones the instance and only then records the park;
// meanwhile the runtime thread can adopt the process and report it ready. By then the plane
// knows a ready instance, so the park itself does not look like a cold start.
TEST(ColdStartTrackerTest, AReadyReportThatBeatsThePark) {
  ColdStartTracker t;
  t.InstanceReady(kRev, At(1), At(1));
  t.Parked(kRev, At(0), false);
  EXPECT_TRUE(t.InProgress(kRev));
  t.FirstByte(kRev, At(5));
  EXPECT_FALSE(t.InProgress(kRev));
  const auto& totals = t.totals().at(kRev);
  EXPECT_EQ(totals.total.count(), 1u);
  EXPECT_EQ(totals.spawn.sum_ns, Ns(1));
  EXPECT_EQ(totals.ready.sum_ns, 0u);
  EXPECT_EQ(totals.first_byte.sum_ns, Ns(4));
  EXPECT_EQ(totals.total.sum_ns, Ns(5));
}

TEST(ColdStartTrackerTest, AReportOfAnInstanceSpawnedBeforeTheParkIsNotTakenForIt) {
  ColdStartTracker t;
  t.InstanceReady(kRev, At(-9), At(-5));  // ready before the request came
  t.Parked(kRev, At(0), false);           // parked behind it: no cold start
  EXPECT_FALSE(t.InProgress(kRev));
  t.Parked(kRev, At(10), true);  // later, at zero: a cold start waiting for its own instance
  t.FirstByte(kRev, At(12));
  EXPECT_TRUE(t.InProgress(kRev));
  t.InstanceReady(kRev, At(11), At(11));
  EXPECT_EQ(t.totals().at(kRev).spawn.sum_ns, Ns(1));
  EXPECT_EQ(t.totals().at(kRev).total.sum_ns, Ns(2));
}

// A report is used once: the next cold start waits for its own instance.
TEST(ColdStartTrackerTest, AnEarlyReportServesOneColdStart) {
  ColdStartTracker t;
  t.InstanceReady(kRev, At(1), At(2));
  t.Parked(kRev, At(0), true);
  t.FirstByte(kRev, At(3));
  t.ScaledToZero(kRev);
  t.Parked(kRev, At(0), true);  // a clock that did not move: the report is gone all the same
  t.FirstByte(kRev, At(4));
  EXPECT_TRUE(t.InProgress(kRev));
  EXPECT_EQ(t.totals().at(kRev).total.count(), 1u);
}

TEST(ColdStartTrackerTest, ReadyInstanceThatLeftIsReplacedByTheNextOne) {
  ColdStartTracker t;
  t.Parked(kRev, At(0), true);
  t.InstanceReady(kRev, At(1), At(10));
  t.Parked(kRev, At(50), true);  // parked again with nothing ready: the instance went away
  t.InstanceReady(kRev, At(60), At(70));
  t.FirstByte(kRev, At(75));
  const auto& totals = t.totals().at(kRev);
  EXPECT_EQ(totals.spawn.sum_ns, Ns(60));
  EXPECT_EQ(totals.ready.sum_ns, Ns(10));
  EXPECT_EQ(totals.total.sum_ns, Ns(75));
}

TEST(ColdStartTrackerTest, ScaledToZeroWithoutAByteIsAbandoned) {
  ColdStartTracker t;
  t.Parked(kRev, At(0), true);
  t.ScaledToZero(kRev);
  EXPECT_FALSE(t.InProgress(kRev));
  EXPECT_EQ(t.totals().at(kRev).abandoned, 1u);
  EXPECT_EQ(t.totals().at(kRev).total.count(), 0u);
  t.ScaledToZero(kRev);  // nothing pending: nothing more
  EXPECT_EQ(t.totals().at(kRev).abandoned, 1u);
}

TEST(ColdStartTrackerTest, ForgetDropsTheRevision) {
  ColdStartTracker t;
  t.Parked(kRev, At(0), true);
  t.Forget(kRev);
  EXPECT_FALSE(t.InProgress(kRev));
  EXPECT_TRUE(t.totals().empty());
}

}  // namespace
}  // namespace ebb::metrics
