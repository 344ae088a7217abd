#include "ioloop/poll_window.h"

#include <gtest/gtest.h>

namespace ebb::ioloop {
namespace {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;

struct Case {
  const char* what;
  nanoseconds window, waited, max, want;
};

TEST(PollWindowTest, GrowsForWaitsWithinTheMaximumAndShrinksForLongerOnes) {
  const Case cases[] = {
      {"an answer within the window keeps it", 100us, 80us, 200us, 100us},
      {"an answer a longer poll would have caught doubles the window", 50us, 120us, 200us,
       100us},
      {"doubling stops at the maximum", 150us, 190us, 200us, 200us},
      {"an answer exactly at the maximum still counts as catchable", 100us, 200us, 200us,
       200us},
      {"a closed window opens at an eighth of the maximum", 0us, 60us, 200us, 25us},
      {"a wait beyond the maximum halves the window", 200us, 3ms, 200us, 100us},
      {"halving stops at a sixteenth of the maximum: below it, closed", 20us, 3ms, 200us, 0us},
      {"a sixteenth itself stays open", 25us, 3ms, 200us, 12500ns},
      {"a closed window stays closed while waits are long", 0us, 3ms, 200us, 0us},
      {"polling off: the window is 0 whatever the wait", 100us, 10us, 0us, 0us},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(NextPollWindow(c.window, c.waited, c.max), c.want) << c.what;
  }
}

TEST(PollWindowTest, SettlesOnAnAppThatAnswersIn150Microseconds) {
  // From closed: 25, 50, 100, 200 us; then every answer is caught and the window stays.
  nanoseconds window = 0us;
  for (int i = 0; i < 4; ++i) window = NextPollWindow(window, 150us, 200us);
  EXPECT_EQ(window, 200us);
  EXPECT_EQ(NextPollWindow(window, 150us, 200us), 200us);
}

TEST(PollWindowTest, ClosesOnAnAppThatTakesMilliseconds) {
  nanoseconds window = 200us;
  int misses = 0;
  while (window > 0us) {
    window = NextPollWindow(window, 5ms, 200us);
    ++misses;
  }
  EXPECT_EQ(misses, 5);  // 100, 50, 25, 12.5, then closed
}

}  // namespace
}  // namespace ebb::ioloop
