#include "tracing/trace_store.h"

#include <gtest/gtest.h>

#include "tracing/test_util.h"

namespace ebb::tracing {
namespace {

using nlohmann::json;

json SpansOf(const RequestRecord& r) {
  json spans = json::array();
  AppendZipkinSpans(r, nullptr, spans);
  return spans;
}

std::vector<std::string> TraceIds(const json& traces) {
  std::vector<std::string> ids;
  for (const json& t : traces) ids.push_back(t[0]["traceId"]);
  return ids;
}

TEST(TraceStoreTest, NewestFirstAndBounded) {
  TraceStore store(/*max_traces=*/3);
  for (std::uint64_t n = 1; n <= 5; ++n) store.Add(SpansOf(TestRecord(n)));
  EXPECT_EQ(store.size(), 3u);
  json traces = store.Traces();
  ASSERT_EQ(traces.size(), 3u);
  EXPECT_EQ(TraceIds(traces), (std::vector<std::string>{TraceIdHex(TraceId{0, 5, true}),
                                                        TraceIdHex(TraceId{0, 4, true}),
                                                        TraceIdHex(TraceId{0, 3, true})}));
  EXPECT_EQ(traces[0].size(), 2u);  // server + client
  EXPECT_EQ(store.Traces(1).size(), 1u);
}

TEST(TraceStoreTest, SpansOfOneTraceAreGroupedAndMoveItToTheFront) {
  TraceStore store(3);
  store.Add(SpansOf(TestRecord(1)));
  store.Add(SpansOf(TestRecord(2)));
  RequestRecord again = TestRecord(1);
  again.server_id = 99;  // another request of trace 1
  store.Add(SpansOf(again));
  json traces = store.Traces();
  ASSERT_EQ(traces.size(), 2u);
  EXPECT_EQ(traces[0][0]["traceId"], TraceIdHex(TraceId{0, 1, true}));
  EXPECT_EQ(traces[0].size(), 4u);
}

TEST(TraceStoreTest, SpansPerTraceAreBounded) {
  TraceStore store(3, /*max_spans_per_trace=*/3);
  store.Add(SpansOf(TestRecord(1)));
  store.Add(SpansOf(TestRecord(1)));
  EXPECT_EQ(store.Traces()[0].size(), 3u);
}

TEST(TraceStoreTest, FilterByRevision) {
  TraceStore store;
  store.Add(SpansOf(TestRecord(1, "default/a-00001")));
  store.Add(SpansOf(TestRecord(2, "default/b-00001")));
  store.Add(SpansOf(TestRecord(3, "other/a-00001")));
  EXPECT_EQ(store.Traces(0, "a-00001").size(), 2u);
  EXPECT_EQ(store.Traces(0, "default/a-00001").size(), 1u);
  EXPECT_EQ(store.Traces(0, "default/b-00001").size(), 1u);
  EXPECT_EQ(store.Traces(0, "nope").size(), 0u);
  EXPECT_EQ(store.Traces(1, "a-00001").size(), 1u);
}

}  // namespace
}  // namespace ebb::tracing
