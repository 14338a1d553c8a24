// The producer node as a user runs it: the kscope binary against the
// embedded broker, read back by a plain librdkafka consumer and by kcat.

#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <sstream>
#include <regex>
#include <thread>

#include <unistd.h>

#include "actors/edges/embedded_broker.hpp"
#include "messages/codec.hpp"
#include "tests/support/broker_fixture.hpp"
#include "tests/support/process.hpp"
#include "tests/support/raw_consumer.hpp"

using namespace kscope;
using namespace std::chrono_literals;

namespace {

struct broker_fixture : test::broker_fixture {
  std::vector<std::string> produce(std::vector<std::string> extra) const {
    std::vector<std::string> args{test::kscope_binary(), "produce", "-b",
                                  broker->bootstrap(),   "-t",      topic,
                                  "--host",              "test-host"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  std::vector<sample> read(size_t expected) const {
    std::vector<sample> result;
    for (auto& rec : test::consume_all(broker->bootstrap(), topic, expected)) {
      CHECK(rec.key == "test-host");
      sample x;
      REQUIRE(decode(rec.value, x) == decode_error::none);
      result.push_back(std::move(x));
    }
    return result;
  }
};

/// Sequence numbers of `xs` are exactly 1..n, in order.
void check_sequence(const std::vector<sample>& xs, size_t n) {
  REQUIRE(xs.size() == n);
  for (size_t i = 0; i < xs.size(); ++i) {
    CHECK(xs[i].seq == i + 1);
    CHECK(xs[i].host == "test-host");
    CHECK(xs[i].cpu >= 0);
    CHECK(xs[i].cpu <= 100);
  }
}

/// The number after `word` in the last line of `text` containing it.
uint64_t last_count(const std::string& text, const std::string& word) {
  std::regex re{word + " ([0-9]+)"};
  uint64_t result = 0;
  for (std::sregex_iterator i{text.begin(), text.end(), re}, end; i != end;
       ++i)
    result = std::stoull((*i)[1]);
  return result;
}

} // namespace

TEST_CASE_FIXTURE(broker_fixture,
                  "produce --count 20 delivers exactly 20 samples in order, "
                  "keyed by host") {
  auto res = test::run(produce({"-i", "100ms", "--count", "20"}));
  INFO(res.output);
  REQUIRE(res.code == 0);
  auto xs = read(20);
  check_sequence(xs, 20);
  for (size_t i = 1; i < xs.size(); ++i)
    CHECK(xs[i].ts_ns > xs[i - 1].ts_ns);
  // Nothing beyond the 20.
  CHECK(test::consume_all(broker->bootstrap(), topic, 0).size() == 20);
}

TEST_CASE_FIXTURE(broker_fixture,
                  "a broker down mid-run loses and duplicates nothing") {
  test::process proc{produce({"-i", "100ms", "--count", "40"})};
  // Wait until the stream is flowing, then take the broker away for longer
  // than several sampling intervals.
  REQUIRE(test::consume_all(broker->bootstrap(), topic, 3).size() >= 3);
  broker->set_down();
  std::this_thread::sleep_for(1500ms);
  broker->set_up();
  auto code = proc.wait();
  INFO(proc.output());
  REQUIRE(code == 0);
  check_sequence(read(40), 40);
}

TEST_CASE_FIXTURE(broker_fixture,
                  "SIGTERM mid-run flushes every sample taken before it") {
  test::process proc{produce({"-i", "100ms"})};
  REQUIRE(test::consume_all(broker->bootstrap(), topic, 5).size() >= 5);
  proc.signal(SIGTERM);
  auto code = proc.wait();
  auto out = proc.output();
  INFO(out);
  REQUIRE(code == 0);
  auto sent = last_count(out, "sent");
  CHECK(sent >= 5);
  CHECK(last_count(out, "delivered") == sent);
  check_sequence(read(sent), sent);
  CHECK(test::consume_all(broker->bootstrap(), topic, 0).size() == sent);
}

TEST_CASE_FIXTURE(broker_fixture,
                  "kcat reads the seed format as the original's percentages") {
  auto res = test::run(
    produce({"-i", "100ms", "--count", "10", "--format", "seed"}));
  INFO(res.output);
  REQUIRE(res.code == 0);
  auto recs = test::consume_all(broker->bootstrap(), topic, 10);
  REQUIRE(recs.size() == 10);
  auto kcat = test::run({"kcat", "-C", "-b", broker->bootstrap(), "-t", topic,
                         "-o", "beginning", "-e", "-q", "-s", "value=>H",
                         "-f", "%s\n"});
  INFO(kcat.output);
  REQUIRE(kcat.code == 0);
  std::vector<int> from_kcat;
  std::istringstream lines{kcat.output};
  for (std::string line; std::getline(lines, line);)
    if (!line.empty())
      from_kcat.push_back(std::stoi(line));
  REQUIRE(from_kcat.size() == 10);
  for (size_t i = 0; i < recs.size(); ++i) {
    REQUIRE(recs[i].value.size() == 2);
    sample x;
    REQUIRE(decode(recs[i].value, x) == decode_error::none);
    CHECK(from_kcat[i] == static_cast<int>(x.cpu));
    CHECK(from_kcat[i] >= 0);
    CHECK(from_kcat[i] <= 100);
  }
}

TEST_CASE("kscope broker serves split nodes: produce --count 20, kcat reads "
          "20") {
  std::string file = "/tmp/kscope-test-bootstrap-" + std::to_string(getpid());
  test::process broker{{test::kscope_binary(), "broker", "--bootstrap-file",
                        file}};
  REQUIRE(broker.wait_for_output("127.0.0.1:"));
  auto first_line = broker.output().substr(0, broker.output().find('\n'));
  std::ifstream in{file};
  std::string bootstrap;
  std::getline(in, bootstrap);
  CHECK(bootstrap == first_line);
  auto res = test::run({test::kscope_binary(), "produce", "-b", bootstrap,
                        "--count", "20", "-i", "100ms"});
  INFO(res.output);
  REQUIRE(res.code == 0);
  auto kcat = test::run({"kcat", "-C", "-b", bootstrap, "-t", "test-topic",
                         "-o", "beginning", "-e", "-q", "-f", "%k\n"});
  REQUIRE(kcat.code == 0);
  CHECK(std::count(kcat.output.begin(), kcat.output.end(), '\n') == 20);
  broker.signal(SIGTERM);
  CHECK(broker.wait() == 0);
}

TEST_CASE("an unreachable broker is reported and waited for, and undelivered "
          "samples fail the run") {
  auto res = test::run({test::kscope_binary(), "produce", "-b",
                        "127.0.0.1:1", "-i", "100ms", "--count", "3",
                        "--flush-timeout", "1s"});
  INFO(res.output);
  CHECK(res.code == 1);
  CHECK(res.output.find("broker down") != std::string::npos);
  CHECK(res.output.find("0 of 3 samples delivered") != std::string::npos);
}

TEST_CASE("the producer's status says how long the broker has been down") {
  auto res = test::run({test::kscope_binary(), "produce", "-b",
                        "127.0.0.1:1", "-i", "100ms", "--count", "40",
                        "--flush-timeout", "1s"});
  INFO(res.output);
  CHECK(res.code == 1);
  CHECK(std::regex_search(res.output, std::regex{"broker down for [3-9] s"}));
}

TEST_CASE_FIXTURE(broker_fixture,
                  "signals arriving together are one orderly stop, not an "
                  "abort") {
  test::process proc{produce({"-i", "100ms"})};
  REQUIRE(test::consume_all(broker->bootstrap(), topic, 3).size() >= 3);
  // Both signals pend while the process is stopped and are handled at once
  // when it continues, as when timeout(1) signals a process and its group.
  proc.signal(SIGSTOP);
  proc.signal(SIGINT);
  proc.signal(SIGTERM);
  proc.signal(SIGCONT);
  auto code = proc.wait();
  auto out = proc.output();
  INFO(out);
  REQUIRE(code == 0);
  auto sent = last_count(out, "sent");
  CHECK(last_count(out, "delivered") == sent);
  CHECK(test::consume_all(broker->bootstrap(), topic, 0).size() == sent);
}

TEST_CASE_FIXTURE(broker_fixture,
                  "a closed terminal (SIGHUP) is an orderly stop that "
                  "flushes every sample taken") {
  test::process proc{produce({"-i", "100ms"})};
  REQUIRE(test::consume_all(broker->bootstrap(), topic, 5).size() >= 5);
  proc.signal(SIGHUP);
  auto code = proc.wait();
  auto out = proc.output();
  INFO(out);
  REQUIRE(code == 0);
  CHECK(out.find("stopping: flushing") != std::string::npos);
  auto sent = last_count(out, "sent");
  CHECK(sent >= 5);
  CHECK(last_count(out, "delivered") == sent);
  check_sequence(read(sent), sent);
}

TEST_CASE_FIXTURE(broker_fixture,
                  "a closed pipe on stdout is an orderly stop, not a SIGPIPE "
                  "that loses queued samples") {
  std::string cmd;
  for (auto& arg : produce({"-i", "100ms"}))
    cmd += "'" + arg + "' ";
  auto res = test::run({"bash", "-c",
                        cmd + "2>/tmp/kscope-pipe.err | head -1 >/dev/null;"
                              " echo status=${PIPESTATUS[0]};"
                              " cat /tmp/kscope-pipe.err"},
                       60s);
  INFO(res.output);
  CHECK(res.output.find("status=0") != std::string::npos);
  // Every sample it took arrived, in order, none lost.
  auto recs = test::consume_all(broker->bootstrap(), topic, 1);
  REQUIRE(!recs.empty());
  check_sequence(read(recs.size()), recs.size());
  std::remove("/tmp/kscope-pipe.err");
}

TEST_CASE_FIXTURE(broker_fixture,
                  "the embedded broker refuses a message too large to keep "
                  "and loses none it acknowledged") {
  auto res = test::run(produce({"--count", "10", "-i", "100ms"}));
  INFO(res.output);
  REQUIRE(res.code == 0);
  // 6 MB in one message, as a hostile client sends it: above what the
  // broker keeps per partition, it used to be acknowledged and push out
  // the ten samples before it.
  std::string file = "/tmp/kscope-test-big-" + std::to_string(getpid());
  {
    std::ofstream out{file, std::ios::binary};
    out << std::string(6'000'000, 'x');
  }
  auto big = test::run({"kcat", "-P", "-b", broker->bootstrap(), "-t", topic,
                        "-X", "message.max.bytes=10000000", "-X",
                        "message.timeout.ms=5000", file},
                       60s);
  std::remove(file.c_str());
  INFO(big.output);
  CHECK(big.code != 0);
  // Every acknowledged sample is still there, and nothing else.
  check_sequence(read(10), 10);
  CHECK(test::consume_all(broker->bootstrap(), topic, 0).size() == 10);
  // The broker still serves small messages after the refusal.
  res = test::run(produce({"--count", "1"}));
  CHECK(res.code == 0);
  CHECK(test::consume_all(broker->bootstrap(), topic, 11).size() == 11);
}

TEST_CASE_FIXTURE(broker_fixture,
                  "the producer publishes every kind of one instant as "
                  "Telegraf's measurements in one message") {
  auto res = test::run(produce({"--proc-root", KSCOPE_TEST_DATA "/proc/box_t0",
                                "--format", "influx", "--count", "2", "-i",
                                "100ms"}));
  INFO(res.output);
  REQUIRE(res.code == 0);
  CHECK(res.output.find("sampling cpu,mem,net,disk,load of test-host")
        != std::string::npos);
  auto recs = test::consume_all(broker->bootstrap(), topic, 2);
  REQUIRE(recs.size() == 2);
  for (auto& rec : recs) {
    INFO(rec.value);
    std::vector<sample> xs;
    REQUIRE(decode_all(rec.value, xs) == decode_error::none);
    REQUIRE(xs.size() == 1);
    auto& x = xs[0];
    CHECK(to_string(x.metrics) == "cpu,mem,net,disk,load");
    CHECK(x.mem.total == 16318480ull * 1024);
    CHECK(x.nets.size() == 3); // loopback left out
    CHECK(x.disks.size() == 3); // whole disks only
    CHECK(x.load.load1 == 0.52);
    // One line per measurement and tag set.
    for (auto line : {"\nmem,host=test-host available=8355061760i,",
                      "\nswap,host=test-host free=1073739776i,",
                      "\nnet,host=test-host,interface=eth0 bytes_recv=123030515i,",
                      "\ndiskio,host=test-host,name=sda io_time=800i,",
                      "\nsystem,host=test-host load1=0.52,load15=0.59,"
                      "load5=0.58,n_cpus=4i,"})
      CHECK(rec.value.find(line) != std::string::npos);
  }
}

TEST_CASE_FIXTURE(broker_fixture,
                  "GPUs are sampled through NVIDIA's library when it loads, "
                  "and one line says so when it does not") {
  auto res = test::run(produce({"--metrics", "cpu,gpu", "--nvml",
                                KSCOPE_FAKE_NVML, "--format", "influx",
                                "--count", "1"}));
  INFO(res.output);
  REQUIRE(res.code == 0);
  auto recs = test::consume_all(broker->bootstrap(), topic, 1);
  REQUIRE(recs.size() == 1);
  CHECK(recs[0].value.find(
          "\nnvidia_smi,host=test-host,index=0,name=Fake\\ GPU\\ Zero "
          "memory_free=7168i,memory_total=8192i,memory_used=1024i,"
          "utilization_gpu=37i,")
        != std::string::npos);
  CHECK(recs[0].value.find("index=1,name=Fake\\ GPU\\ One") != std::string::npos);
  res = test::run(produce({"--metrics", "cpu,gpu", "--nvml",
                           "/nonexistent/libnvidia-ml.so.1", "--count", "1"}));
  INFO(res.output);
  REQUIRE(res.code == 0);
  CHECK(res.output.find("kscope: note: --metrics gpu: "
                        "/nonexistent/libnvidia-ml.so.1 not found")
        != std::string::npos);
  CHECK(res.output.find("sampling cpu of test-host") != std::string::npos);
  recs = test::consume_all(broker->bootstrap(), topic, 2);
  REQUIRE(recs.size() == 2);
  sample x;
  REQUIRE(decode(recs[1].value, x) == decode_error::none);
  CHECK(x.metrics == metric_set::only(metric_kind::cpu));
}

TEST_CASE("--format seed carries CPU only, and says so when asked for more") {
  auto res = test::run({test::kscope_binary(), "produce", "-b", "127.0.0.1:1",
                        "--format", "seed", "--metrics", "cpu,mem"});
  CHECK(res.code == 2);
  CHECK(res.output
        == "kscope: error: --format seed carries CPU only (the original's "
           "2-byte value): use --metrics cpu, or --format json or influx for "
           "cpu,mem\n");
}

TEST_CASE_FIXTURE(broker_fixture,
                  "by default GPUs are sampled when NVIDIA's library loads, "
                  "and nothing is said when it does not") {
  auto res = test::run(produce({"--nvml", KSCOPE_FAKE_NVML, "--count", "1"}));
  INFO(res.output);
  REQUIRE(res.code == 0);
  CHECK(res.output.find("sampling cpu,mem,net,disk,load,gpu of test-host")
        != std::string::npos);
  res = test::run(produce({"--nvml", "/nonexistent/libnvidia-ml.so.1",
                           "--count", "1"}));
  INFO(res.output);
  REQUIRE(res.code == 0);
  CHECK(res.output.find("note") == std::string::npos);
  CHECK(res.output.find("sampling cpu,mem,net,disk,load of test-host")
        != std::string::npos);
}
