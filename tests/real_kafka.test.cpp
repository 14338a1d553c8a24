// kscope against a real Apache Kafka broker (scripts/kafka-broker, started
// by scripts/test): end to end in every format, consumer groups, a broker
// killed mid-stream, SIGTERM, a missing topic, SASL/PLAIN.

#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include <unistd.h>

#include "messages/codec.hpp"
#include "tests/support/admin.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/raw_consumer.hpp"

using namespace kscope;
using namespace std::chrono_literals;

namespace {

/// The broker's bootstrap address from the test command; a run without one
/// fails rather than skipping.
std::string env_or_fail(const char* name) {
  auto* value = std::getenv(name);
  if (value == nullptr || *value == '\0')
    FAIL(name << " is not set: run the real-Kafka tier through scripts/test");
  return value;
}

std::string plain() {
  return env_or_fail("KSCOPE_REAL_KAFKA");
}

std::string unique_topic(const std::string& what) {
  static int counter = 0;
  return "kscope-" + what + "-" + std::to_string(getpid()) + "-"
         + std::to_string(++counter);
}

std::vector<std::string> produce_args(const std::string& brokers,
                                      const std::string& topic,
                                      const std::string& host,
                                      std::vector<std::string> extra) {
  std::vector<std::string> args{test::kscope_binary(), "produce", "-b",
                                brokers, "-t", topic, "--host", host,
                                "-i", "100ms"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::vector<std::string> view_args(const std::string& brokers,
                                   const std::string& topic,
                                   std::vector<std::string> extra) {
  std::vector<std::string> args{"env", "-u", "DISPLAY", test::kscope_binary(),
                                "view", "-b", brokers, "-t", topic, "-o",
                                "beginning"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

/// Sequence numbers per host, in the order they were read.
std::map<std::string, std::vector<uint64_t>>
by_host(const std::vector<test::csv_row>& rows) {
  std::map<std::string, std::vector<uint64_t>> result;
  for (auto& row : rows)
    result[row.host].push_back(row.seq);
  return result;
}

/// Exactly 1..n, in order.
bool complete_in_order(const std::vector<uint64_t>& xs, uint64_t n) {
  if (xs.size() != n)
    return false;
  for (uint64_t i = 0; i < n; ++i)
    if (xs[i] != i + 1)
      return false;
  return true;
}

std::string script(const std::string& name) {
  return std::string{KSCOPE_SOURCE_DIR} + "/scripts/" + name;
}

} // namespace

TEST_CASE("produce to view end to end in every format") {
  auto brokers = plain();
  for (auto format : {"seed", "json", "influx"}) {
    CAPTURE(format);
    auto topic = unique_topic(format);
    test::create_topic(brokers, topic, 1);
    auto prod = test::run(produce_args(brokers, topic, "e2e-host",
                                       {"--count", "10", "--format",
                                        format}));
    INFO(prod.output);
    REQUIRE(prod.code == 0);
    auto csv = test::temp_path(std::string{"e2e-"} + format + ".csv");
    auto view = test::run(view_args(brokers, topic,
                                    {"--count", "10", "--csv", csv}));
    INFO(view.output);
    REQUIRE(view.code == 0);
    auto rows = test::read_csv(csv);
    auto recs = test::consume_all(brokers, topic, 10);
    REQUIRE(rows.size() == 10);
    REQUIRE(recs.size() == 10);
    for (size_t i = 0; i < rows.size(); ++i) {
      sample x;
      REQUIRE(decode(recs[i].value, x) == decode_error::none);
      CHECK(recs[i].key == "e2e-host");
      CHECK(rows[i].host == "e2e-host");
      CHECK(rows[i].cpu == doctest::Approx(x.cpu).epsilon(1e-9));
      if (std::string{format} != "seed")
        CHECK(rows[i].seq == i + 1);
    }
    std::remove(csv.c_str());
  }
}

// No semicolon in a test name: CTest would split it into two tests that
// each match nothing.
TEST_CASE("two viewers in one group split the partitions, and viewers in "
          "other groups each see everything, in order per host") {
  auto brokers = plain();
  auto topic = unique_topic("groups");
  test::create_topic(brokers, topic, 3);
  // One host per partition, so every partition carries data.
  std::vector<std::string> hosts;
  std::set<int> covered;
  for (int i = 0; covered.size() < 3 && i < 1000; ++i) {
    auto host = "host-" + std::to_string(i);
    if (covered.insert(test::partition_of(host, 3)).second)
      hosts.push_back(host);
  }
  REQUIRE(hosts.size() == 3);
  auto group = "split-" + std::to_string(getpid());
  std::vector<std::string> csv;
  for (auto name : {"a", "b", "c", "d"})
    csv.push_back(test::temp_path(std::string{"group-"} + name + ".csv"));
  test::process a{view_args(brokers, topic, {"-G", group, "--duration",
                                             "30s", "--csv", csv[0]})};
  test::process b{view_args(brokers, topic, {"-G", group, "--duration",
                                             "30s", "--csv", csv[1]})};
  test::process c{view_args(brokers, topic, {"-G", group + "-c", "--count",
                                             "60", "--csv", csv[2]})};
  test::process d{view_args(brokers, topic, {"-G", group + "-d", "--count",
                                             "60", "--csv", csv[3]})};
  // Let both members of the split group join before data flows, so no
  // partition changes hands mid-stream.
  std::this_thread::sleep_for(10s);
  std::vector<std::unique_ptr<test::process>> producers;
  for (auto& host : hosts)
    producers.push_back(std::make_unique<test::process>(
      produce_args(brokers, topic, host, {"--count", "20"})));
  for (auto& p : producers)
    REQUIRE(p->wait() == 0);
  for (auto* v : {&a, &b, &c, &d}) {
    auto code = v->wait(60s);
    INFO(v->output());
    REQUIRE(code == 0);
  }
  auto rows_a = by_host(test::read_csv(csv[0]));
  auto rows_b = by_host(test::read_csv(csv[1]));
  CHECK_FALSE(rows_a.empty());
  CHECK_FALSE(rows_b.empty());
  for (auto& host : hosts) {
    CAPTURE(host);
    // Each host's partition went to exactly one member of the group.
    CHECK((rows_a.count(host) + rows_b.count(host)) == 1);
    auto& seqs = rows_a.count(host) ? rows_a[host] : rows_b[host];
    CHECK(complete_in_order(seqs, 20));
  }
  for (size_t i : {2u, 3u}) {
    auto rows = by_host(test::read_csv(csv[i]));
    CHECK(rows.size() == 3);
    for (auto& host : hosts)
      CHECK(complete_in_order(rows[host], 20));
  }
  for (auto& f : csv)
    std::remove(f.c_str());
}

TEST_CASE("a broker killed with SIGKILL and restarted mid-stream loses and "
          "duplicates nothing") {
  auto brokers = plain();
  auto port = brokers.substr(brokers.rfind(':') + 1);
  auto topic = unique_topic("kill");
  test::create_topic(brokers, topic, 1);
  // Two producers at 10 Hz each: 20 samples a second into the topic.
  test::process p1{produce_args(brokers, topic, "kill-1",
                                {"--count", "100", "--flush-timeout", "60s"})};
  test::process p2{produce_args(brokers, topic, "kill-2",
                                {"--count", "100", "--flush-timeout", "60s"})};
  REQUIRE(test::consume_all(brokers, topic, 20).size() >= 20);
  auto killed = test::run({script("kafka-broker"), "kill", "--port", port});
  REQUIRE(killed.code == 0);
  std::this_thread::sleep_for(2s);
  auto t0 = std::chrono::steady_clock::now();
  auto started = test::run({script("kafka-broker"), "start", "--port", port},
                           180s);
  auto restart_s = std::chrono::duration<double>(
                     std::chrono::steady_clock::now() - t0)
                     .count();
  INFO(started.output);
  REQUIRE(started.code == 0);
  auto code1 = p1.wait(120s);
  auto code2 = p2.wait(120s);
  INFO(p1.output());
  INFO(p2.output());
  CHECK(code1 == 0);
  CHECK(code2 == 0);
  std::map<std::string, std::vector<uint64_t>> seqs;
  for (auto& rec : test::consume_all(brokers, topic, 0, 60s)) {
    sample x;
    REQUIRE(decode(rec.value, x) == decode_error::none);
    seqs[x.host].push_back(x.seq);
  }
  for (auto host : {"kill-1", "kill-2"}) {
    auto& xs = seqs[host];
    std::set<uint64_t> unique(xs.begin(), xs.end());
    uint64_t gaps = 0;
    for (uint64_t i = 1; i <= 100; ++i)
      gaps += unique.count(i) ? 0 : 1;
    MESSAGE(std::string{host} << ": sent 100, received " << xs.size() << ", duplicates "
                 << xs.size() - unique.size() << ", gaps " << gaps
                 << "; broker restart took " << restart_s << " s");
    CHECK(complete_in_order(xs, 100));
  }
}

TEST_CASE("SIGTERM to a producer mid-stream leaves everything sampled in the "
          "topic") {
  auto brokers = plain();
  auto topic = unique_topic("sigterm");
  test::create_topic(brokers, topic, 1);
  test::process proc{produce_args(brokers, topic, "term-host", {})};
  REQUIRE(test::consume_all(brokers, topic, 5).size() >= 5);
  proc.signal(SIGTERM);
  auto code = proc.wait();
  auto out = proc.output();
  INFO(out);
  REQUIRE(code == 0);
  auto pos = out.rfind("sent ");
  REQUIRE(pos != std::string::npos);
  auto sent = std::stoull(out.substr(pos + 5));
  auto recs = test::consume_all(brokers, topic, 0);
  CHECK(recs.size() == sent);
  for (size_t i = 0; i < recs.size(); ++i) {
    sample x;
    REQUIRE(decode(recs[i].value, x) == decode_error::none);
    CHECK(x.seq == i + 1);
  }
}

TEST_CASE("a missing topic on a broker that creates none is a clear error") {
  auto res = test::run(produce_args(plain(), unique_topic("missing"), "h",
                                    {"--count", "2"}),
                       60s);
  INFO(res.output);
  CHECK(res.code == 1);
  CHECK(res.output.find("does not exist") != std::string::npos);
}

TEST_CASE("SASL/PLAIN: the right credentials work, a wrong password is a "
          "clear authentication error that never shows the password") {
  auto sasl = env_or_fail("KSCOPE_REAL_KAFKA_SASL");
  auto topic = unique_topic("sasl");
  test::create_topic(plain(), topic, 1);
  auto args = [&](const std::string& password) {
    return produce_args(sasl, topic, "sasl-host",
                        {"--count", "3", "-X",
                         "security.protocol=SASL_PLAINTEXT", "-X",
                         "sasl.mechanism=PLAIN", "-X", "sasl.username=kscope",
                         "-X", "sasl.password=" + password});
  };
  auto good = test::run(args("kscope-secret"), 60s);
  INFO(good.output);
  CHECK(good.code == 0);
  CHECK(test::consume_all(plain(), topic, 3).size() == 3);
  std::string wrong = "not-the-Pa55word";
  auto bad = test::run(args(wrong), 60s);
  INFO(bad.output);
  CHECK(bad.code == 1);
  CHECK(bad.output.find("uthentication") != std::string::npos);
  CHECK(bad.output.find(wrong) == std::string::npos);
  auto bad_view = test::run(
    {"env", "-u", "DISPLAY", test::kscope_binary(), "view", "-b", sasl, "-t",
     topic, "-X", "security.protocol=SASL_PLAINTEXT", "-X",
     "sasl.mechanism=PLAIN", "-X", "sasl.username=kscope", "-X",
     "sasl.password=" + wrong, "--duration", "20s"},
    60s);
  INFO(bad_view.output);
  CHECK(bad_view.code == 1);
  CHECK(bad_view.output.find("uthentication") != std::string::npos);
  CHECK(bad_view.output.find(wrong) == std::string::npos);
}
