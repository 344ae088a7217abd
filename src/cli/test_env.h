// Test helper: a CommandContext over a FakeApiClient, string streams and a FakeClock.
#pragma once

#include <sstream>
#include <string>

#include "cli/command_context.h"
#include "cli/fake_api_client.h"
#include "common/clock.h"

namespace ebb::cli {

struct TestEnv {
  FakeApiClient client;
  std::ostringstream out;
  std::ostringstream err;
  std::istringstream in;
  // 2026-05-28T20:26:40Z + 5 minutes: FakeApiClient stamps 20:26:40Z as creationTimestamp.
  FakeClock clock{FakeClock::time_point(std::chrono::seconds(1'780'000'000 + 300))};
  CommandContext ctx{client, out, err, in, clock, "default", false};
};

}  // namespace ebb::cli
