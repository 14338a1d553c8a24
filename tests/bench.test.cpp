// `kscope bench` for a moment on the embedded broker: its JSON is
// well-formed and its counts add up. No timing is asserted (speed belongs in
// bench/RESULTS.md).

#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

#include <simdjson.h>

#include "bench/harness.hpp"
#include "actors/logic/latency_histogram.hpp"
#include "tests/support/process.hpp"

using namespace kscope;

namespace {

uint64_t count_of(simdjson::dom::element obj, const char* key) {
  uint64_t result = 0;
  REQUIRE_MESSAGE(obj[key].get(result) == simdjson::SUCCESS, key);
  return result;
}

} // namespace

TEST_CASE("bench runs both pipelines on the embedded broker and every "
          "sample arrives exactly once") {
  bench::bench_params params;
  params.formats = {wire_format::json};
  params.rates = {1000, 0};
  params.count = 300;
  params.broker_binary = test::kscope_binary();
  auto report = bench::run_bench(params, nullptr, nullptr);
  REQUIRE_MESSAGE(report.error.empty(), report.error);
  std::ostringstream text;
  bench::write_json(report, text);
  INFO(text.str());
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(text.str()).get(doc) == simdjson::SUCCESS);
  simdjson::dom::array runs;
  REQUIRE(doc["runs"].get(runs) == simdjson::SUCCESS);
  CHECK(runs.size() == 2);
  for (auto run : runs) {
    for (const char* pipeline : {"raw", "kscope"}) {
      CAPTURE(pipeline);
      simdjson::dom::element phase;
      REQUIRE(run[pipeline].get(phase) == simdjson::SUCCESS);
      std::string_view error;
      REQUIRE(phase["error"].get(error) == simdjson::SUCCESS);
      CHECK(error.empty());
      auto sent = count_of(phase, "sent");
      CHECK(sent == params.count);
      CHECK(count_of(phase, "received") == sent);
      CHECK(count_of(phase, "delivered") == sent);
      CHECK(count_of(phase, "lost") == 0);
      CHECK(count_of(phase, "failed") == 0);
      CHECK(count_of(phase, "duplicates") == 0);
      CHECK(count_of(phase, "malformed") == 0);
      CHECK(count_of(phase["latency_ms"], "count") == sent);
    }
  }
  bool complete = false;
  REQUIRE(doc["complete"].get(complete) == simdjson::SUCCESS);
  CHECK(complete);
}

TEST_CASE("latency histogram percentiles are within 1 % of the exact ones") {
  latency_histogram h;
  // 1 us .. 100 ms in even steps: the q-quantile is q * 100 ms.
  const int64_t n = 100000;
  for (int64_t i = 1; i <= n; ++i)
    h.record(i * 1000);
  CHECK(h.count() == static_cast<uint64_t>(n));
  CHECK(h.max() == n * 1000);
  for (double q : {0.5, 0.99, 0.999}) {
    auto exact = q * static_cast<double>(n) * 1000;
    CHECK(std::abs(static_cast<double>(h.percentile(q)) - exact)
          <= exact * 0.01);
  }
  latency_histogram empty;
  CHECK(empty.percentile(0.5) == -1);
}

TEST_CASE("bench rates are read as per second, with k for thousands, or max") {
  double rate = -1;
  CHECK(bench::parse_rate("max", rate));
  CHECK(rate == 0);
  CHECK(bench::parse_rate("2", rate));
  CHECK(rate == 2);
  CHECK(bench::parse_rate("100k", rate));
  CHECK(rate == 100000);
  CHECK(bench::parse_rate("1.5k", rate));
  CHECK(rate == 1500);
  CHECK_FALSE(bench::parse_rate("0", rate));
  CHECK_FALSE(bench::parse_rate("-5", rate));
  CHECK_FALSE(bench::parse_rate("fast", rate));
  CHECK_FALSE(bench::parse_rate("k", rate));
  CHECK(bench::rate_label(0) == "max");
  CHECK(bench::rate_label(2) == "2/s");
  CHECK(bench::rate_label(100000) == "100k/s");
}
