// The viewer node as users run it: split nodes agreeing on every value, the
// original's 2-byte format and Telegraf's lines written by kcat, garbage on
// the topic, and the consumer's mapping of records to series.

#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <map>
#include <regex>

#include <unistd.h>

#include "actors/consumer.hpp"
#include "actors/edges/embedded_broker.hpp"
#include "messages/codec.hpp"
#include "tests/support/files.hpp"
#include "tests/support/broker_fixture.hpp"
#include "tests/support/process.hpp"
#include "tests/support/raw_consumer.hpp"

using namespace kscope;
using namespace std::chrono_literals;

namespace {

using test::read_csv;
using test::temp_path;

/// `kscope view` without a display or terminal: it logs instead of drawing.
std::vector<std::string> headless_view(const std::string& bootstrap,
                                       std::vector<std::string> extra) {
  std::vector<std::string> args{"env",  "-u", "DISPLAY", test::kscope_binary(),
                                "view", "-b", bootstrap, "-o",
                                "beginning"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

/// Sends each payload as one message with kcat (one file per message, so
/// binary payloads need no delimiter).
void kcat_produce(const std::string& bootstrap, const std::string& topic,
                  const std::vector<std::string>& payloads) {
  std::vector<std::string> args{"kcat", "-P", "-b", bootstrap, "-t", topic};
  std::vector<std::string> files;
  for (size_t i = 0; i < payloads.size(); ++i) {
    auto file = temp_path("msg-" + std::to_string(i));
    std::ofstream{file, std::ios::binary} << payloads[i];
    files.push_back(file);
    args.push_back(file);
  }
  auto res = test::run(args);
  for (auto& file : files)
    std::remove(file.c_str());
  INFO(res.output);
  REQUIRE(res.code == 0);
}

using test::broker_fixture;

} // namespace

TEST_CASE("a record's series is the payload's host, else its key, else the "
          "topic") {
  std::string json = R"({"host":"inside","cpu":5})";
  std::string seed{"\x00\x2a", 2};
  sample x;
  kafka_record rec;
  rec.topic = "metrics";
  rec.timestamp_ms = 1700000000123;
  rec.key = "the-key";
  rec.value = json;
  REQUIRE(to_sample(rec, x) == decode_error::none);
  CHECK(x.host == "inside");
  rec.value = seed;
  REQUIRE(to_sample(rec, x) == decode_error::none);
  CHECK(x.host == "the-key");
  CHECK(x.cpu == 42);
  CHECK(x.ts_ns == 1700000000123000000);
  rec.key = {};
  REQUIRE(to_sample(rec, x) == decode_error::none);
  CHECK(x.host == "metrics");
  rec.value = "garbage";
  CHECK(to_sample(rec, x) == decode_error::unknown_format);
}

TEST_CASE("split nodes agree on every value, sequence and host") {
  auto file = temp_path("bootstrap");
  auto csv = temp_path("split.csv");
  test::process broker{{test::kscope_binary(), "broker", "--bootstrap-file",
                        file}};
  REQUIRE(broker.wait_for_output("127.0.0.1:"));
  std::string bootstrap;
  std::ifstream{file} >> bootstrap;
  test::process viewer{headless_view(bootstrap, {"--count", "20", "--csv",
                                                 csv})};
  auto prod = test::run({test::kscope_binary(), "produce", "-b", bootstrap,
                         "--count", "20", "-i", "100ms", "--host", "node-a"});
  INFO(prod.output);
  REQUIRE(prod.code == 0);
  auto code = viewer.wait(30s);
  INFO(viewer.output());
  REQUIRE(code == 0);
  auto rows = read_csv(csv);
  auto recs = test::consume_all(bootstrap, "test-topic", 20);
  REQUIRE(rows.size() == 20);
  REQUIRE(recs.size() == 20);
  for (size_t i = 0; i < rows.size(); ++i) {
    sample x;
    REQUIRE(decode(recs[i].value, x) == decode_error::none);
    CHECK(rows[i].host == "node-a");
    CHECK(rows[i].seq == i + 1);
    CHECK(rows[i].seq == x.seq);
    CHECK(rows[i].ts_ns == x.ts_ns);
    CHECK(rows[i].cpu == x.cpu);
  }
  broker.signal(SIGTERM);
  CHECK(broker.wait() == 0);
  std::remove(csv.c_str());
}

TEST_CASE_FIXTURE(broker_fixture,
                  "the original's 2-byte percentages written by kcat are "
                  "received as they were sent") {
  std::vector<std::string> payloads;
  std::vector<int> values{0, 10, 42, 99, 100, 13};
  for (auto v : values)
    payloads.push_back(std::string{static_cast<char>(v >> 8),
                                   static_cast<char>(v & 0xff)});
  kcat_produce(broker->bootstrap(), "test-topic", payloads);
  auto csv = temp_path("seed.csv");
  auto res = test::run(
    headless_view(broker->bootstrap(), {"--count", "6", "--csv", csv}));
  INFO(res.output);
  REQUIRE(res.code == 0);
  auto rows = read_csv(csv);
  REQUIRE(rows.size() == values.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    CHECK(rows[i].cpu == values[i]);
    // No host in the payload and no key: the series is the topic.
    CHECK(rows[i].host == "test-topic");
    CHECK(rows[i].ts_ns > 0);
  }
  std::remove(csv.c_str());
}

TEST_CASE_FIXTURE(broker_fixture,
                  "Telegraf's influx lines are read with usage = 100 - "
                  "usage_idle") {
  kcat_produce(
    broker->bootstrap(), "test-topic",
    {"cpu,cpu=cpu-total,host=tg1 usage_guest=0,usage_idle=87.5,"
     "usage_iowait=0.5,usage_system=3,usage_user=9 1700000000000000000",
     "cpu,cpu=cpu-total,host=tg1 usage_idle=40,usage_user=60 "
     "1700000001000000000"});
  auto csv = temp_path("influx.csv");
  auto res = test::run(
    headless_view(broker->bootstrap(), {"--count", "2", "--csv", csv}));
  INFO(res.output);
  REQUIRE(res.code == 0);
  auto rows = read_csv(csv);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].host == "tg1");
  CHECK(rows[0].cpu == doctest::Approx(12.5));
  CHECK(rows[0].ts_ns == 1700000000000000000);
  CHECK(rows[1].cpu == doctest::Approx(60));
  std::remove(csv.c_str());
}

TEST_CASE_FIXTURE(broker_fixture,
                  "garbage among valid samples is counted by kind and the "
                  "valid ones still arrive") {
  sample x;
  x.host = "good";
  x.cpu = 25;
  std::vector<std::string> payloads;
  for (int i = 1; i <= 4; ++i) {
    x.seq = static_cast<uint64_t>(i);
    std::string buf;
    encode(wire_format::json, x, buf);
    payloads.push_back(buf);
    payloads.push_back(i % 2 == 0 ? std::string{"{\"cpu\":"}
                                  : std::string{"\xff\xfe\x00 not a sample",
                                                16});
  }
  payloads.push_back(std::string{"\x00\xff", 2}); // 255 %: out of range
  kcat_produce(broker->bootstrap(), "test-topic", payloads);
  auto csv = temp_path("garbage.csv");
  auto res = test::run(
    headless_view(broker->bootstrap(), {"--count", "4", "--csv", csv}));
  INFO(res.output);
  REQUIRE(res.code == 0);
  auto rows = read_csv(csv);
  REQUIRE(rows.size() == 4);
  for (size_t i = 0; i < rows.size(); ++i) {
    CHECK(rows[i].host == "good");
    CHECK(rows[i].seq == i + 1);
  }
  CHECK(res.output.find("malformed 5 (") != std::string::npos);
  CHECK(res.output.find("malformed 2") != std::string::npos);
  CHECK(res.output.find("unknown_format 2") != std::string::npos);
  CHECK(res.output.find("out_of_range 1") != std::string::npos);
  std::remove(csv.c_str());
}

TEST_CASE("bad viewer options exit 2 with one line naming the problem") {
  struct row {
    std::vector<std::string> args;
    std::string says;
  };
  std::vector<row> rows{
    {{"view", "-o", "middle"}, "invalid -o 'middle'"},
    {{"view", "--type", "pie"}, "invalid --type 'pie'"},
    {{"view", "--smooth", "lots"}, "invalid --smooth 'lots'"},
    {{"view", "--color", "#12"}, "invalid --color '#12'"},
    {{"view", "--fps", "0"}, "--fps"},
    {{"view", "--span", "wide"}, "invalid --span 'wide'"},
    {{"view", "-G", "g", "-o", "5"}, "-G"},
  };
  for (auto& r : rows) {
    std::vector<std::string> argv{test::kscope_binary()};
    argv.insert(argv.end(), r.args.begin(), r.args.end());
    auto res = test::run(argv, 10s);
    INFO(res.output);
    CHECK(res.code == 2);
    CHECK(res.output.find(r.says) != std::string::npos);
    CHECK(std::count(res.output.begin(), res.output.end(), '\n') == 1);
  }
}

TEST_CASE("an unwritable --csv or --snapshot path is an error before "
          "anything starts") {
  auto res = test::run({test::kscope_binary(), "view", "--csv",
                        "/nonexistent-dir/x.csv"},
                       10s);
  CHECK(res.code == 1);
  CHECK(res.output.find("cannot write --csv /nonexistent-dir/x.csv")
        != std::string::npos);
  res = test::run({test::kscope_binary(), "view", "--snapshot",
                   "/nonexistent-dir/x.png"},
                  10s);
  CHECK(res.code == 1);
  CHECK(res.output.find("cannot write --snapshot /nonexistent-dir/x.png")
        != std::string::npos);
}

TEST_CASE("series names from the topic lose control characters and invalid "
          "UTF-8, and are cut to 255 bytes") {
  std::string name = "web\x1b]0;owned\x07-1\n\xff\xc3\xa9\xe2\x82";
  sanitize_series_name(name);
  CHECK(name == "web?]0;owned?-1??\xc3\xa9??");
  std::string longer(300, 'h');
  sanitize_series_name(longer);
  CHECK(longer == std::string(255, 'h'));
  sample x;
  kafka_record rec;
  rec.topic = "t";
  rec.key = "key\r\nwith\tbreaks";
  rec.value = std::string_view{"\x00\x2a", 2};
  REQUIRE(to_sample(rec, x) == decode_error::none);
  CHECK(x.host == "key??with?breaks");
}

TEST_CASE("series names lose C1 controls and the format characters that "
          "reorder or hide text") {
  // U+009B (CSI on many terminals), U+202E (right-to-left override),
  // U+2066 (left-to-right isolate), U+200B (zero width space), U+FEFF.
  std::string name = "a\xc2\x9b"
                     "b\xe2\x80\xae"
                     "c\xe2\x81\xa6"
                     "d\xe2\x80\x8b"
                     "e\xef\xbb\xbf"
                     "f\xc3\xa9\xe4\xb8\xad";
  sanitize_series_name(name);
  CHECK(name == "a?b?c?d?e?f\xc3\xa9\xe4\xb8\xad");
}

TEST_CASE_FIXTURE(broker_fixture,
                  "a topic named twice is read once, with and without a "
                  "group") {
  sample x;
  x.host = "twice";
  x.cpu = 10;
  std::vector<std::string> payloads;
  for (int i = 1; i <= 3; ++i) {
    x.seq = static_cast<uint64_t>(i);
    std::string buf;
    encode(wire_format::json, x, buf);
    payloads.push_back(buf);
  }
  kcat_produce(broker->bootstrap(), "test-topic", payloads);
  for (std::vector<std::string> group : {std::vector<std::string>{},
                                         std::vector<std::string>{"-G",
                                                                  "dup"}}) {
    std::vector<std::string> extra{"-t", "test-topic", "-t", "test-topic",
                                   "--count", "3", "--duration", "20s"};
    extra.insert(extra.end(), group.begin(), group.end());
    auto res = test::run(headless_view(broker->bootstrap(), extra), 30s);
    INFO(res.output);
    CHECK(res.code == 0);
    CHECK(res.output.find("received 3") != std::string::npos);
  }
}

TEST_CASE_FIXTURE(broker_fixture,
                  "a viewer in a group on a quiet topic says the broker is "
                  "up once it answers, not connecting for ever") {
  auto res = test::run(headless_view(broker->bootstrap(),
                                     {"-G", "quiet", "--duration", "6s"}),
                       30s);
  INFO(res.output);
  CHECK(res.code == 0);
  auto last = res.output.substr(res.output.rfind("msg/s"));
  CHECK(last.find("broker up") != std::string::npos);
}

TEST_CASE("a broker never reached is said so, not called a disconnect") {
  auto res = test::run(headless_view("127.0.0.1:1", {"--duration", "6s"}),
                       30s);
  INFO(res.output);
  CHECK(res.output.find("cannot reach the broker") != std::string::npos);
  CHECK(res.output.find("disconnected") == std::string::npos);
  // The final status says how long the broker has been down, so a reader
  // of a log can tell stale news from fresh.
  CHECK(std::regex_search(res.output, std::regex{"broker down for [3-9] s"}));
}

TEST_CASE_FIXTURE(broker_fixture,
                  "a viewer reads a producer of CPU only beside one of every "
                  "kind, and its CSV has one row per host, metric and time") {
  auto bootstrap = broker->bootstrap();
  auto csv = temp_path("kinds.csv");
  auto old_node = test::run({test::kscope_binary(), "produce", "-b",
                             bootstrap, "--count", "4", "-i", "100ms",
                             "--host", "old", "--metrics", "cpu"});
  REQUIRE(old_node.code == 0);
  auto new_node = test::run(
    {test::kscope_binary(), "produce", "-b", bootstrap, "--count", "4", "-i",
     "100ms", "--host", "new", "--proc-root", KSCOPE_TEST_DATA "/proc/box_t0",
     "--nvml", "/nonexistent"});
  REQUIRE(new_node.code == 0);
  auto res = test::run(
    headless_view(bootstrap, {"--count", "8", "--csv", csv}));
  INFO(res.output);
  REQUIRE(res.code == 0);
  std::ifstream in{csv};
  std::string header;
  std::getline(in, header);
  CHECK(header == "host,seq,ts_ns,metric,value");
  std::map<std::string, std::vector<std::string>> metrics_of;
  for (auto& row : test::read_csv_rows(csv))
    if (row.seq == 3)
      metrics_of[row.host].push_back(row.metric);
  CHECK(metrics_of["old"] == std::vector<std::string>{"cpu"});
  // Rates from the second sample on: the fixture's counters stand still.
  CHECK(metrics_of["new"]
        == std::vector<std::string>{"cpu", "mem", "mem_used", "net", "disk",
                                    "load1"});
  for (auto& row : test::read_csv_rows(csv)) {
    if (row.host != "new")
      continue;
    if (row.metric == "mem")
      CHECK(row.value == doctest::Approx(50.0).epsilon(0.001));
    if (row.metric == "net" || row.metric == "disk")
      CHECK(row.value == 0);
    if (row.metric == "load1")
      CHECK(row.value == 0.52);
  }
  std::remove(csv.c_str());
}

TEST_CASE("device names alike once cleaned make the sample contradict "
          "itself: malformed, not two readings of one interface") {
  kafka_record rec;
  rec.topic = "metrics";
  std::string payload = "{\"host\":\"h\",\"net\":[{\"interface\":\"eth\\u0001\","
                        "\"bytes_recv\":1},{\"interface\":\"eth\\u0002\","
                        "\"bytes_recv\":2}]}";
  rec.value = payload;
  std::vector<sample> xs;
  CHECK(to_samples(rec, xs) == decode_error::malformed);
  CHECK(xs.empty());
}
