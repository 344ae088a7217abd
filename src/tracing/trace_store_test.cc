#include "tracing/trace_store.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tracing/test_util.h"

namespace ebb::tracing {
namespace {

using nlohmann::json;

void AddRecord(TraceStore& store, const RequestRecord& r) {
  std::string spans;
  int count = AppendZipkinSpans(r, nullptr, spans);
  store.Add(TraceIdHex(r.trace_id), r.revision, std::move(spans), count);
}

json Traces(const TraceStore& store, std::size_t limit = 0, std::string_view revision = {}) {
  return json::parse(store.Traces(limit, revision));
}

std::vector<std::string> TraceIds(const json& traces) {
  std::vector<std::string> ids;
  for (const json& t : traces) ids.push_back(t[0]["traceId"]);
  return ids;
}

TEST(TraceStoreTest, NewestFirstAndBounded) {
  TraceStore store(/*max_traces=*/3);
  EXPECT_EQ(Traces(store), json::array());
  for (std::uint64_t n = 1; n <= 5; ++n) AddRecord(store, TestRecord(n));
  EXPECT_EQ(store.size(), 3u);
  json traces = Traces(store);
  ASSERT_EQ(traces.size(), 3u);
  EXPECT_EQ(TraceIds(traces), (std::vector<std::string>{TraceIdHex(TraceId{0, 5, true}),
                                                        TraceIdHex(TraceId{0, 4, true}),
                                                        TraceIdHex(TraceId{0, 3, true})}));
  EXPECT_EQ(traces[0].size(), 2u);  // server + client
  EXPECT_EQ(Traces(store, 1).size(), 1u);
}

TEST(TraceStoreTest, SpansOfOneTraceAreGroupedAndMoveItToTheFront) {
  TraceStore store(3);
  AddRecord(store, TestRecord(1));
  AddRecord(store, TestRecord(2));
  RequestRecord again = TestRecord(1);
  again.server_id = 99;  // another request of trace 1
  AddRecord(store, again);
  json traces = Traces(store);
  ASSERT_EQ(traces.size(), 2u);
  EXPECT_EQ(traces[0][0]["traceId"], TraceIdHex(TraceId{0, 1, true}));
  ASSERT_EQ(traces[0].size(), 4u);
  EXPECT_EQ(traces[0][2]["id"], SpanIdHex(99));
}

TEST(TraceStoreTest, SpansPerTraceAreBounded) {
  TraceStore store(3, /*max_spans_per_trace=*/3);
  AddRecord(store, TestRecord(1));
  AddRecord(store, TestRecord(1));  // would make 4: left out
  EXPECT_EQ(Traces(store)[0].size(), 2u);
}

TEST(TraceStoreTest, EvictedTracesCanComeBack) {
  TraceStore store(1);
  AddRecord(store, TestRecord(1));
  AddRecord(store, TestRecord(2));
  AddRecord(store, TestRecord(1));
  json traces = Traces(store);
  ASSERT_EQ(traces.size(), 1u);
  EXPECT_EQ(traces[0].size(), 2u);  // only the newest request of trace 1
}

TEST(TraceStoreTest, FilterByRevision) {
  TraceStore store;
  AddRecord(store, TestRecord(1, "default/a-00001"));
  AddRecord(store, TestRecord(2, "default/b-00001"));
  AddRecord(store, TestRecord(3, "other/a-00001"));
  EXPECT_EQ(Traces(store, 0, "a-00001").size(), 2u);
  EXPECT_EQ(Traces(store, 0, "default/a-00001").size(), 1u);
  EXPECT_EQ(Traces(store, 0, "default/b-00001").size(), 1u);
  EXPECT_EQ(Traces(store, 0, "nope").size(), 0u);
  EXPECT_EQ(Traces(store, 0, "default/nope").size(), 0u);
  EXPECT_EQ(Traces(store, 1, "a-00001").size(), 1u);
}

}  // namespace
}  // namespace ebb::tracing
