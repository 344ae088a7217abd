#include "tracing/context.h"

#include <gtest/gtest.h>

namespace ebb::tracing {
namespace {

constexpr char kTraceHex[] = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr char kSpanHex[] = "00f067aa0ba902b7";

TEST(HexTest, RoundTrip) {
  EXPECT_EQ(SpanIdHex(0x00f067aa0ba902b7ull), kSpanHex);
  EXPECT_EQ(ParseHex64(kSpanHex), 0x00f067aa0ba902b7ull);
  auto id = ParseTraceIdHex(kTraceHex);
  ASSERT_TRUE(id);
  EXPECT_TRUE(id->wide);
  EXPECT_EQ(TraceIdHex(*id), kTraceHex);
  auto narrow = ParseTraceIdHex("a3ce929d0e0e4736");
  ASSERT_TRUE(narrow);
  EXPECT_FALSE(narrow->wide);
  EXPECT_EQ(TraceIdHex(*narrow), "a3ce929d0e0e4736");
}

TEST(HexTest, RejectsBadDigitsAndLengths) {
  EXPECT_FALSE(ParseHex64("00F067AA0BA902B7"));  // upper case
  EXPECT_FALSE(ParseHex64("00f067aa0ba902b"));
  EXPECT_FALSE(ParseHex64("00f067aa0ba902b7a"));
  EXPECT_FALSE(ParseHex64("00f067aa0ba902bz"));
  EXPECT_FALSE(ParseTraceIdHex("4bf92f3577b34da6a3ce929d0e0e473"));
  EXPECT_FALSE(ParseTraceIdHex(""));
}

TEST(TraceparentTest, Valid) {
  auto ctx = ParseTraceparent(std::string("00-") + kTraceHex + "-" + kSpanHex + "-01");
  ASSERT_TRUE(ctx);
  EXPECT_EQ(TraceIdHex(ctx->trace_id), kTraceHex);
  EXPECT_EQ(ctx->span_id, 0x00f067aa0ba902b7ull);
  EXPECT_EQ(ctx->sampling, Sampling::kAccept);
  auto unsampled = ParseTraceparent(std::string("00-") + kTraceHex + "-" + kSpanHex + "-00");
  ASSERT_TRUE(unsampled);
  EXPECT_EQ(unsampled->sampling, Sampling::kDeny);
  // Other flag bits do not matter; only bit 0 is "sampled".
  auto other = ParseTraceparent(std::string("00-") + kTraceHex + "-" + kSpanHex + "-03");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->sampling, Sampling::kAccept);
}

TEST(TraceparentTest, FutureVersionsMayCarryMore) {
  std::string base = std::string("-") + kTraceHex + "-" + kSpanHex + "-01";
  EXPECT_TRUE(ParseTraceparent("01" + base));
  EXPECT_TRUE(ParseTraceparent("cc" + base + "-what-the-future-says"));
  EXPECT_FALSE(ParseTraceparent("cc" + base + "x"));
  EXPECT_FALSE(ParseTraceparent("00" + base + "-extra"));  // version 00 is exactly 55 chars
  EXPECT_FALSE(ParseTraceparent("ff" + base));             // forbidden version
}

TEST(TraceparentTest, Invalid) {
  const std::string span = kSpanHex;
  const std::string trace = kTraceHex;
  for (const std::string& bad : {
           std::string(""),
           "00-" + trace + "-" + span,                             // no flags
           "00-" + trace + "-" + span + "-1",                      // short flags
           "00-" + trace + "-" + span + "-0g",                     // bad flags
           "00-00000000000000000000000000000000-" + span + "-01",  // zero trace id
           "00-" + trace + "-0000000000000000-01",                 // zero parent id
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-" + span + "-01",  // upper case
           "00_" + trace + "-" + span + "-01",                     // separator
           "0-" + trace + "-" + span + "-01x",                     // version length
           "00-" + trace.substr(0, 16) + "-" + span + "-01",       // 64-bit trace id
           "zz-" + trace + "-" + span + "-01",                     // version not hex
       }) {
    EXPECT_FALSE(ParseTraceparent(bad)) << bad;
  }
}

TEST(B3SingleTest, Forms) {
  auto full = ParseB3Single(std::string(kTraceHex) + "-" + kSpanHex + "-1-" + "05e3ac9a4f6e3b90");
  ASSERT_TRUE(full);
  EXPECT_EQ(TraceIdHex(full->trace_id), kTraceHex);
  EXPECT_EQ(full->span_id, 0x00f067aa0ba902b7ull);
  EXPECT_EQ(full->parent_id, 0x05e3ac9a4f6e3b90ull);
  EXPECT_EQ(full->sampling, Sampling::kAccept);

  auto deferred = ParseB3Single(std::string("a3ce929d0e0e4736-") + kSpanHex);
  ASSERT_TRUE(deferred);
  EXPECT_FALSE(deferred->trace_id.wide);
  EXPECT_EQ(deferred->sampling, Sampling::kUnset);

  auto debug = ParseB3Single(std::string(kTraceHex) + "-" + kSpanHex + "-d");
  ASSERT_TRUE(debug);
  EXPECT_EQ(debug->sampling, Sampling::kDebug);

  auto deny = ParseB3Single(std::string(kTraceHex) + "-" + kSpanHex + "-0");
  ASSERT_TRUE(deny);
  EXPECT_EQ(deny->sampling, Sampling::kDeny);
}

TEST(B3SingleTest, SamplingOnly) {
  for (auto [text, want] : {std::pair{"0", Sampling::kDeny}, std::pair{"1", Sampling::kAccept},
                            std::pair{"d", Sampling::kDebug}}) {
    auto ctx = ParseB3Single(text);
    ASSERT_TRUE(ctx) << text;
    EXPECT_FALSE(ctx->has_ids());
    EXPECT_EQ(ctx->sampling, want);
  }
}

TEST(B3SingleTest, Invalid) {
  const std::string trace = kTraceHex;
  const std::string span = kSpanHex;
  for (const std::string& bad : {
           std::string(""), std::string("2"), std::string("x"), trace,
           trace + "-" + span + "-2",                     // bad sampling state
           trace + "-" + span + "-1-0000000000000000",    // zero parent
           trace + "-" + span + "-1-05e3ac9a4f6e3b9",     // short parent
           trace + "-" + span + "-1-05e3ac9a4f6e3b90-x",  // too many parts
           trace + "-" + span + "-",                      // empty sampling state
           trace + "-0000000000000000-1",                 // zero span id
           "0000000000000000-" + span + "-1",             // zero trace id
           trace + "-" + span.substr(1) + "-1",           // short span id
       }) {
    EXPECT_FALSE(ParseB3Single(bad)) << bad;
  }
}

TEST(IncomingContextTest, RecognisesOnlyPropagationFields) {
  IncomingContext in;
  EXPECT_TRUE(in.Add("TraceParent", "x"));
  EXPECT_TRUE(in.Add("B3", "x"));
  EXPECT_TRUE(in.Add("x-b3-traceid", "x"));
  EXPECT_TRUE(in.Add("X-B3-SpanId", "x"));
  EXPECT_TRUE(in.Add("X-B3-ParentSpanId", "x"));
  EXPECT_TRUE(in.Add("X-B3-Sampled", "x"));
  EXPECT_TRUE(in.Add("X-B3-Flags", "x"));
  for (const char* other :
       {"tracestate", "baggage", "Host", "b4", "X-B3-Other", "User-Agent", "x-b3-traceidx", ""}) {
    EXPECT_FALSE(in.Add(other, "x")) << other;
  }
}

TEST(IncomingContextTest, W3cWinsOverB3) {
  IncomingContext in;
  in.Add("b3", std::string("a3ce929d0e0e4736-") + kSpanHex + "-0");
  std::string tp = std::string("00-") + kTraceHex + "-" + kSpanHex + "-01";
  in.Add("traceparent", tp);
  SpanContext ctx = in.Resolve();
  EXPECT_EQ(TraceIdHex(ctx.trace_id), kTraceHex);
  EXPECT_EQ(ctx.sampling, Sampling::kAccept);
}

TEST(IncomingContextTest, InvalidTraceparentFallsBackToB3) {
  IncomingContext in;
  in.Add("traceparent", "garbage");
  std::string b3 = std::string("a3ce929d0e0e4736-") + kSpanHex + "-1";
  in.Add("b3", b3);
  SpanContext ctx = in.Resolve();
  EXPECT_EQ(TraceIdHex(ctx.trace_id), "a3ce929d0e0e4736");
  EXPECT_EQ(ctx.sampling, Sampling::kAccept);
}

TEST(IncomingContextTest, B3Multi) {
  IncomingContext in;
  in.Add("X-B3-TraceId", kTraceHex);
  in.Add("X-B3-SpanId", kSpanHex);
  in.Add("X-B3-ParentSpanId", "05e3ac9a4f6e3b90");
  in.Add("X-B3-Sampled", "1");
  SpanContext ctx = in.Resolve();
  EXPECT_TRUE(ctx.has_ids());
  EXPECT_EQ(TraceIdHex(ctx.trace_id), kTraceHex);
  EXPECT_EQ(ctx.span_id, 0x00f067aa0ba902b7ull);
  EXPECT_EQ(ctx.parent_id, 0x05e3ac9a4f6e3b90ull);
  EXPECT_EQ(ctx.sampling, Sampling::kAccept);
}

TEST(IncomingContextTest, B3MultiVariants) {
  {
    IncomingContext in;
    in.Add("X-B3-Sampled", "0");  // decision only
    SpanContext ctx = in.Resolve();
    EXPECT_FALSE(ctx.has_ids());
    EXPECT_EQ(ctx.sampling, Sampling::kDeny);
  }
  {
    IncomingContext in;
    in.Add("X-B3-TraceId", "a3ce929d0e0e4736");
    in.Add("X-B3-SpanId", kSpanHex);
    in.Add("X-B3-Flags", "1");
    in.Add("X-B3-Sampled", "0");  // debug wins
    SpanContext ctx = in.Resolve();
    EXPECT_TRUE(ctx.has_ids());
    EXPECT_FALSE(ctx.trace_id.wide);
    EXPECT_EQ(ctx.sampling, Sampling::kDebug);
  }
  {
    IncomingContext in;
    in.Add("X-B3-TraceId", kTraceHex);
    in.Add("X-B3-Sampled", "true");  // span id missing: ids dropped, decision kept
    SpanContext ctx = in.Resolve();
    EXPECT_FALSE(ctx.has_ids());
    EXPECT_EQ(ctx.sampling, Sampling::kAccept);
  }
  {
    IncomingContext in;
    in.Add("X-B3-TraceId", "00000000000000000000000000000000");
    in.Add("X-B3-SpanId", kSpanHex);
    EXPECT_FALSE(in.Resolve().has_ids());
    EXPECT_EQ(in.Resolve().sampling, Sampling::kUnset);
  }
}

TEST(IncomingContextTest, NothingGivesAnEmptyContext) {
  IncomingContext in;
  SpanContext ctx = in.Resolve();
  EXPECT_FALSE(ctx.has_ids());
  EXPECT_EQ(ctx.sampling, Sampling::kUnset);
}

TEST(PropagationTest, WritesBothFormats) {
  Outgoing out{*ParseTraceIdHex(kTraceHex), 0x00f067aa0ba902b7ull, 0x05e3ac9a4f6e3b90ull,
               Sampling::kAccept};
  std::string fields;
  AppendPropagationFields(out, fields);
  EXPECT_EQ(fields,
            "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"
            "X-B3-TraceId: 4bf92f3577b34da6a3ce929d0e0e4736\r\n"
            "X-B3-SpanId: 00f067aa0ba902b7\r\n"
            "X-B3-ParentSpanId: 05e3ac9a4f6e3b90\r\n"
            "X-B3-Sampled: 1\r\n");
}

TEST(PropagationTest, NarrowTraceIdsAndDecisions) {
  Outgoing out{*ParseTraceIdHex("a3ce929d0e0e4736"), 1, 2, Sampling::kDeny};
  std::string fields;
  AppendPropagationFields(out, fields);
  EXPECT_NE(fields.find("traceparent: 00-0000000000000000a3ce929d0e0e4736-0000000000000001-00\r\n"),
            std::string::npos);
  EXPECT_NE(fields.find("X-B3-TraceId: a3ce929d0e0e4736\r\n"), std::string::npos);
  EXPECT_NE(fields.find("X-B3-Sampled: 0\r\n"), std::string::npos);

  fields.clear();
  out.sampling = Sampling::kDebug;
  AppendPropagationFields(out, fields);
  EXPECT_NE(fields.find("-01\r\n"), std::string::npos);
  EXPECT_NE(fields.find("X-B3-Flags: 1\r\n"), std::string::npos);
  EXPECT_EQ(fields.find("X-B3-Sampled"), std::string::npos);
}

TEST(PropagationTest, WhatIsWrittenParsesBack) {
  Outgoing out{*ParseTraceIdHex(kTraceHex), 0x1234, 0x5678, Sampling::kAccept};
  std::string fields;
  AppendPropagationFields(out, fields);
  std::string tp = fields.substr(13, fields.find("\r\n") - 13);
  auto ctx = ParseTraceparent(tp);
  ASSERT_TRUE(ctx);
  EXPECT_EQ(ctx->trace_id, out.trace_id);
  EXPECT_EQ(ctx->span_id, 0x1234u);
  EXPECT_EQ(ctx->sampling, Sampling::kAccept);
}

}  // namespace
}  // namespace ebb::tracing
