// Reliability under faults: the embedded broker down for 30 s, request
// errors and round-trip time injected with rd_kafka_mock_*, supervised actors
// killed again and again, and a flood of hostile payloads.

#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/after.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/edges/embedded_broker.hpp"
#include "actors/edges/kafka.hpp"
#include "actors/logic/clock.hpp"
#include "actors/publisher.hpp"
#include "actors/edges/sample_outbox.hpp"
#include "actors/roles.hpp"
#include "actors/sampler.hpp"
#include "actors/supervisor.hpp"
#include "messages/codec.hpp"
#include "messages/errors.hpp"
#include "messages/type_ids.hpp"
#include "tests/support/actor_fixture.hpp"
#include "tests/support/files.hpp"
#include "tests/support/broker_fixture.hpp"
#include "tests/support/process.hpp"
#include "tests/support/raw_consumer.hpp"

using namespace kscope;
using namespace std::chrono_literals;

namespace {

/// Kafka protocol API keys, for rd_kafka_mock_push_request_errors.
constexpr int16_t produce_api_key = 0;
constexpr int16_t fetch_api_key = 1;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
/// Sanitizer runtimes keep shadow memory and quarantines: memory bounds
/// only mean something in a plain build.
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif

struct broker_fixture : test::broker_fixture {
  /// `kscope view` without a display or terminal, reading from the start.
  std::vector<std::string> viewer(std::vector<std::string> extra,
                                  const std::string& from
                                  = "test-topic") const {
    std::vector<std::string> args{"env",  "-u", "DISPLAY",
                                  test::kscope_binary(),
                                  "view", "-b", broker->bootstrap(),
                                  "-t",   from, "-o", "beginning"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  std::vector<std::string> producer(std::vector<std::string> extra) const {
    std::vector<std::string> args{test::kscope_binary(), "produce", "-b",
                                  broker->bootstrap()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
};

/// Polls `pred` every 50 ms for up to `timeout`.
bool eventually(const std::function<bool()>& pred,
                std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred())
      return true;
    std::this_thread::sleep_for(50ms);
  }
  return pred();
}

/// Complete lines in a file that another process appends to.
size_t lines_in(const std::string& path) {
  std::ifstream in{path};
  return static_cast<size_t>(std::count(std::istreambuf_iterator<char>{in},
                                         std::istreambuf_iterator<char>{},
                                         '\n'));
}

/// The topic holds exactly the samples 1..n of `host`, in order, once each.
void check_topic_exactly_once(const std::string& bootstrap,
                              const std::string& topic,
                              const std::string& host, size_t n) {
  auto recs = test::consume_all(bootstrap, topic, 0);
  REQUIRE(recs.size() == n);
  for (size_t i = 0; i < recs.size(); ++i) {
    sample x;
    REQUIRE(decode(recs[i].value, x) == decode_error::none);
    CHECK(x.host == host);
    CHECK(x.seq == i + 1);
  }
}

/// The CSV of a viewer holds exactly the samples 1..n, in order, once each.
void check_csv_exactly_once(const std::string& path, size_t n) {
  auto rows = test::read_csv(path);
  REQUIRE(rows.size() == n);
  for (size_t i = 0; i < rows.size(); ++i)
    CHECK(rows[i].seq == i + 1);
}

caf::actor_system_config& configured(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::kscope>();
  cfg.set("scheduler.policy", caf::atom("sharing"));
  cfg.set("scheduler.max-threads", 2);
  cfg.set("logger.verbosity", caf::atom("quiet"));
  return cfg;
}

/// The producer role's actors as actors/roles.cpp wires them, on a real
/// scheduler, with the handles of the live children at hand.
struct producer_role {
  caf::actor_system_config cfg;
  caf::actor_system sys{configured(cfg)};
  std::shared_ptr<kafka_producer> producer;
  std::shared_ptr<sample_outbox> outbox = std::make_shared<sample_outbox>();
  std::shared_ptr<sample_sequence> seq = std::make_shared<sample_sequence>();
  std::mutex mtx;
  caf::actor publisher_handle;
  caf::actor sampler_handle;

  explicit producer_role(const std::string& bootstrap) {
    producer_settings settings;
    settings.brokers = bootstrap;
    std::string err;
    producer = kafka_producer::make(settings, err);
    REQUIRE_MESSAGE(producer, err);
  }

  /// The producer half exactly as the roles wire it (role_children), with
  /// the live handles captured as they are spawned.
  std::vector<child_spec> children(uint64_t count) {
    role_plan plan;
    producer_half half;
    half.producer = producer;
    half.publisher.outbox = outbox;
    half.sampler.interval = 100ms;
    half.sampler.host = "crash-host";
    half.sampler.count = count;
    half.ends_role = true;
    plan.producer = half;
    plan.on_spawn = [this](const std::string& name, const caf::actor& x) {
      std::lock_guard<std::mutex> guard{mtx};
      (name == "publisher" ? publisher_handle : sampler_handle) = x;
    };
    return role_children(plan, caf::actor{});
  }

  caf::actor live(bool publisher) {
    std::lock_guard<std::mutex> guard{mtx};
    return publisher ? publisher_handle : sampler_handle;
  }
};

/// Produces `payloads` to partition 0 of `topic` with a plain librdkafka
/// producer that accepts messages up to 2 MB; false on any failed delivery.
bool produce_raw(const std::string& bootstrap, const std::string& topic,
                 const std::vector<std::string>& payloads) {
  auto* conf = rd_kafka_conf_new();
  char errstr[512];
  for (auto [key, value] : {std::pair{"bootstrap.servers", bootstrap.c_str()},
                            std::pair{"message.max.bytes", "2000000"},
                            std::pair{"linger.ms", "5"}})
    REQUIRE(rd_kafka_conf_set(conf, key, value, errstr, sizeof(errstr))
            == RD_KAFKA_CONF_OK);
  static int failures = 0;
  failures = 0;
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*,
                                       const rd_kafka_message_t* msg, void*) {
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR)
      ++failures;
  });
  auto* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  REQUIRE_MESSAGE(rk != nullptr, errstr);
  for (auto& payload : payloads) {
    for (;;) {
      auto err = rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(0),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
        RD_KAFKA_V_END);
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        REQUIRE(err == RD_KAFKA_RESP_ERR_NO_ERROR);
        break;
      }
      rd_kafka_poll(rk, 10);
    }
  }
  auto flushed = rd_kafka_flush(rk, 60000);
  rd_kafka_destroy(rk);
  return flushed == RD_KAFKA_RESP_ERR_NO_ERROR && failures == 0;
}

} // namespace

TEST_CASE_FIXTURE(broker_fixture,
                  "a broker down for 30 s while producing at 2 Hz loses and "
                  "duplicates nothing, and the viewer says so and resumes") {
  auto csv = test::temp_path("outage.csv");
  std::remove(csv.c_str());
  test::process view{viewer({"--count", "80", "--csv", csv})};
  test::process prod{producer({"-i", "500ms", "--count", "80", "--host",
                               "outage-host"})};
  // The stream flows end to end before the broker goes away.
  REQUIRE(eventually([&] { return lines_in(csv) >= 4; }, 60s));
  broker->set_down();
  std::this_thread::sleep_for(30s);
  broker->set_up();
  auto prod_code = prod.wait(120s);
  INFO(prod.output());
  CHECK(prod_code == 0);
  auto view_code = view.wait(120s);
  auto out = view.output();
  INFO(out);
  CHECK(view_code == 0);
  CHECK(out.find("broker disconnected") != std::string::npos);
  CHECK(out.find("broker reconnected") != std::string::npos);
  check_topic_exactly_once(broker->bootstrap(), "test-topic", "outage-host",
                           80);
  check_csv_exactly_once(csv, 80);
  std::remove(csv.c_str());
}

TEST_CASE_FIXTURE(broker_fixture,
                  "injected request errors and round-trip time are retried "
                  "and lose nothing") {
  auto* mock = broker->cluster();
  rd_kafka_mock_broker_set_rtt(mock, 1, 200);
  rd_kafka_mock_push_request_errors(
    mock, produce_api_key, 4, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
    RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
    RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE);
  rd_kafka_mock_push_request_errors(
    mock, fetch_api_key, 3, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
    RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
    RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE);
  auto csv = test::temp_path("errors.csv");
  std::remove(csv.c_str());
  test::process view{viewer({"--count", "20", "--csv", csv})};
  auto prod = test::run(producer({"-i", "100ms", "--count", "20", "--host",
                                  "errors-host"}),
                        120s);
  INFO(prod.output);
  CHECK(prod.code == 0);
  auto view_code = view.wait(120s);
  INFO(view.output());
  CHECK(view_code == 0);
  check_topic_exactly_once(broker->bootstrap(), "test-topic", "errors-host",
                           20);
  check_csv_exactly_once(csv, 20);
  std::remove(csv.c_str());
}

TEST_CASE_FIXTURE(broker_fixture,
                  "publishers and samplers killed again and again are "
                  "restarted and the topic gets every sample exactly once") {
  producer_role role{broker->bootstrap()};
  caf::scoped_actor self{role.sys, true};
  constexpr uint64_t count = 40;
  auto sup = role.sys.spawn(supervisor, role.children(count), restart_limits{},
                            caf::actor{self});
  std::vector<std::string> lines;
  caf::error outcome;
  bool done = false;
  auto receive_for = [&](std::chrono::milliseconds timeout) {
    self->receive(
      [&](status_atom, std::string& line) { lines.push_back(line); },
      [&](done_atom, caf::error& err) {
        outcome = err;
        done = true;
      },
      caf::after(timeout) >> [] {});
  };
  // Two crashes of each, alternating, while samples flow.
  for (int round = 0; round < 4 && !done; ++round) {
    auto until = std::chrono::steady_clock::now() + 400ms;
    while (!done && std::chrono::steady_clock::now() < until)
      receive_for(50ms);
    caf::anon_send_exit(role.live(round % 2 == 0), caf::exit_reason::kill);
  }
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!done && std::chrono::steady_clock::now() < deadline)
    receive_for(100ms);
  REQUIRE(done);
  CHECK_MESSAGE(!outcome, describe(outcome));
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].find("publisher failed") != std::string::npos);
  CHECK(lines[1].find("sampler failed") != std::string::npos);
  CHECK(lines[0].find("restart 1/5") != std::string::npos);
  CHECK(lines[2].find("restart 2/5") != std::string::npos);
  CHECK(role.outbox->size() == 0);
  check_topic_exactly_once(broker->bootstrap(), "test-topic", "crash-host",
                           count);
}

TEST_CASE_FIXTURE(broker_fixture,
                  "a sample taken while the publisher is dead waits in the "
                  "outbox and its successor publishes it") {
  producer_role role{broker->bootstrap()};
  caf::scoped_actor self{role.sys, true};
  publisher_config pcfg;
  pcfg.outbox = role.outbox;
  auto dead = role.sys.spawn(publisher, role.producer, pcfg,
                             publisher_status_sink{});
  self->monitor(dead);
  caf::anon_send_exit(dead, caf::exit_reason::kill);
  self->receive([](caf::down_msg&) {});
  // What a sampler does: into the outbox, and a wake-up that nobody reads.
  sample x;
  x.host = "crash-host";
  x.seq = 1;
  x.cpu = 12.5;
  role.outbox->push(x);
  self->send(dead, outbox_atom_v);
  CHECK(role.outbox->size() == 1);
  auto successor = role.sys.spawn(
    publisher, role.producer, pcfg,
    caf::actor_cast<publisher_status_sink>(self));
  self->send(successor, stop_atom_v);
  bool final = false;
  while (!final)
    self->receive([&](publisher_status& st) { final = st.final; },
                  caf::after(30s) >> [&] { final = true; });
  CHECK(role.outbox->size() == 0);
  check_topic_exactly_once(broker->bootstrap(), "test-topic", "crash-host", 1);
}

namespace {

/// A sampler under the real supervisor on the deterministic scheduler,
/// feeding a collector; counts samples over two seconds of virtual time.
struct sampler_restart_fixture : test::actor_fixture {
  std::shared_ptr<caf::actor> latest = std::make_shared<caf::actor>();

  /// Runs 2 s (virtual) of sampling every 500 ms, killing the sampler at
  /// 750 ms when `crash`; returns the sequence numbers received.
  std::vector<uint64_t> run(bool crash) {
    sampler_config scfg;
    scfg.interval = 500ms;
    scfg.host = "restart";
    auto seq = std::make_shared<sample_sequence>();
    auto inbox = std::make_shared<std::vector<caf::message>>();
    auto sink = collector(inbox);
    cleanup.push_back(sink);
    std::vector<child_spec> children;
    children.push_back(child_spec{
      "sampler",
      [=](caf::actor_system& home, const std::vector<caf::actor>&) {
        *latest = caf::actor_cast<caf::actor>(home.spawn(
          kscope::sampler, scfg, seq, caf::actor_cast<publisher_actor>(sink)));
        return *latest;
      },
      restart_policy::transient, false});
    auto listener = collector(std::make_shared<std::vector<caf::message>>());
    cleanup.push_back(listener);
    auto sup = sys.spawn(supervisor, std::move(children), restart_limits{},
                         listener);
    cleanup.push_back(sup);
    sched.run();
    for (auto t = 0ms; t < 2000ms; t += 50ms) {
      if (crash && t == 750ms) {
        caf::anon_send_exit(*latest, caf::exit_reason::kill);
        sched.run();
      }
      sched.advance_time(50ms);
      sched.run();
    }
    // Ends the sampler too (the supervisor kills its children).
    caf::anon_send_exit(sup, caf::exit_reason::kill);
    sched.run();
    std::vector<uint64_t> result;
    for (auto& msg : *inbox)
      if (msg.match_elements<sample>())
        result.push_back(msg.get_as<sample>(0).seq);
    return result;
  }
};

} // namespace

TEST_CASE_FIXTURE(sampler_restart_fixture,
                  "a sampler restart costs at most one interval and no "
                  "sequence number") {
  auto with_crash = run(true);
  auto without = run(false);
  REQUIRE(without.size() == 4);
  CHECK(with_crash.size() + 1 >= without.size());
  for (size_t i = 0; i < with_crash.size(); ++i)
    CHECK(with_crash[i] == i + 1);
}

TEST_CASE_FIXTURE(broker_fixture,
                  "a child that keeps failing hits the restart cap: one "
                  "clear line and exit 1") {
  auto root = test::temp_path("badproc");
  REQUIRE(std::system(("mkdir -p " + root).c_str()) == 0);
  std::ofstream{root + "/stat"} << "this is not /proc/stat\n";
  auto res = test::run(producer({"-i", "100ms", "--proc-root", root}), 60s);
  INFO(res.output);
  CHECK(res.code == 1);
  CHECK(res.output.find("restart 5/5") != std::string::npos);
  CHECK(res.output.find("kscope: error: sampler failed") != std::string::npos);
  CHECK(res.output.find("giving up") != std::string::npos);
  std::remove((root + "/stat").c_str());
  std::remove(root.c_str());
}

TEST_CASE_FIXTURE(broker_fixture,
                  "a flood of 10,000 messages, mostly hostile: valid samples "
                  "are drawn, the rest counted by kind, memory bounded") {
  std::string err;
  REQUIRE_MESSAGE(broker->create_topic("flood", 1, err), err);
  std::vector<std::string> payloads;
  const std::string huge(1024 * 1024, '{');
  uint64_t seq = 0;
  for (int i = 0; i < 10000; ++i) {
    switch (i % 10) {
      case 0: // empty, or four times 1 MiB
        payloads.push_back(i % 3330 == 0 ? huge : std::string{});
        break;
      case 1:
        payloads.push_back("{\"host\":\"\xff\xfe\xfd\",\"cpu\":5}");
        break;
      case 2:
        payloads.push_back("{\"host\":\"flood-host\",\"seq\":1,\"cpu\":4");
        break;
      case 3:
        payloads.push_back("cpu,cpu=cpu-total,host=x usage_idle=NaN");
        break;
      case 4:
        payloads.push_back("cpu,cpu=cpu-total,host=x usage_idle=-inf");
        break;
      case 5:
        payloads.push_back("{\"host\":\"x\",\"cpu\":-0.5}");
        break;
      case 6:
        payloads.push_back("{\"host\":\"x\",\"cpu\":100.5}");
        break;
      case 7:
        payloads.push_back(std::string{"\x01\x00", 2}); // 256 %
        break;
      case 8:
        payloads.push_back("\x1b[2J\x1b]0;owned\x07 not a sample");
        break;
      case 9: {
        sample x;
        x.host = "flood-host";
        x.seq = ++seq;
        x.ts_ns = 1700000000000000000 + static_cast<int64_t>(seq);
        x.cpu = static_cast<double>(seq % 101);
        std::string buf;
        encode(wire_format::json, x, buf);
        payloads.push_back(buf);
        break;
      }
    }
  }
  REQUIRE(produce_raw(broker->bootstrap(), "flood", payloads));
  auto csv = test::temp_path("flood.csv");
  std::remove(csv.c_str());
  test::process view{viewer({"--count", "1000", "--csv", csv}, "flood")};
  auto code = view.wait(120s);
  auto out = view.output();
  INFO(out);
  REQUIRE(code == 0);
  auto rows = test::read_csv(csv);
  REQUIRE(rows.size() == 1000);
  for (size_t i = 0; i < rows.size(); ++i) {
    CHECK(rows[i].host == "flood-host");
    CHECK(rows[i].seq == i + 1);
    CHECK(rows[i].cpu == static_cast<double>((i + 1) % 101));
  }
  CHECK(out.find("received 1000  malformed 9000 (empty 996, oversized 4, "
                 "unknown_format 1000, malformed 2000, not_finite 2000, "
                 "out_of_range 3000)")
        != std::string::npos);
  // Not a byte of the hostile escape sequences reaches the output.
  CHECK(out.find("\x1b]0;owned") == std::string::npos);
  MESSAGE("viewer peak RSS under the flood: " << view.max_rss_kib() << " KiB");
  if (!sanitized)
    CHECK(view.max_rss_kib() < 128 * 1024);
  std::remove(csv.c_str());
}

TEST_CASE_FIXTURE(broker_fixture,
                  "a sample of 4096 cores is published with its totals "
                  "rather than as a payload viewers refuse") {
  producer_role role{broker->bootstrap()};
  caf::scoped_actor self{role.sys, true};
  publisher_config pcfg;
  pcfg.format = wire_format::influx;
  auto pub = role.sys.spawn(publisher, role.producer, pcfg,
                            caf::actor_cast<publisher_status_sink>(self));
  sample x;
  x.host = "many-cores";
  x.seq = 1;
  x.cpu = 50;
  x.cores.assign(max_cores, 100.0 / 3);
  self->send(pub, x);
  self->send(pub, stop_atom_v);
  bool final = false;
  while (!final)
    self->receive([&](publisher_status& st) { final = st.final; },
                  caf::after(30s) >> [&] { final = true; });
  auto recs = test::consume_all(broker->bootstrap(), "test-topic", 0);
  REQUIRE(recs.size() == 1);
  CHECK(recs[0].value.size() <= max_payload_size);
  sample y;
  REQUIRE(decode(recs[0].value, y) == decode_error::none);
  CHECK(y.host == "many-cores");
  CHECK(y.cpu == doctest::Approx(50));
  CHECK(y.cores.empty());
}

TEST_CASE_FIXTURE(broker_fixture,
                  "a huge --window costs what is stored, not what could be") {
  std::vector<std::string> payloads;
  for (int h = 0; h < 64; ++h) {
    for (uint64_t i = 1; i <= 3; ++i) {
      sample x;
      x.host = "wide-" + std::to_string(h);
      x.seq = i;
      x.ts_ns = wall_clock_ns();
      x.cpu = 1;
      std::string buf;
      encode(wire_format::json, x, buf);
      payloads.push_back(buf);
    }
  }
  REQUIRE(produce_raw(broker->bootstrap(), "wide", payloads));
  // A budget that reserves all 64 windows: reserving is not allocating.
  test::process view{viewer({"--count", "192", "--window", "1000000",
                             "--budget", "64000000"},
                            "wide")};
  auto code = view.wait(60s);
  INFO(view.output());
  REQUIRE(code == 0);
  CHECK(view.output().find("over budget") == std::string::npos);
  // Fully allocated rings would be 64 x 1,000,000 x 16 bytes: 1 GB.
  MESSAGE("viewer peak RSS with --window 1000000 and 64 hosts: "
          << view.max_rss_kib() << " KiB");
  if (!sanitized)
    CHECK(view.max_rss_kib() < 128 * 1024);
}

TEST_CASE("a stalled broker (SIGSTOP) is shown as not answering by producer "
          "and viewer, not as up, and nothing is lost") {
  auto file = test::temp_path("stall-bootstrap");
  test::process broker{{test::kscope_binary(), "broker", "--bootstrap-file",
                        file}};
  REQUIRE(broker.wait_for_output("127.0.0.1:"));
  std::string bootstrap;
  std::ifstream{file} >> bootstrap;
  test::process producer{{test::kscope_binary(), "produce", "-b", bootstrap,
                          "-i", "100ms", "--host", "stall-host"}};
  test::process viewer{{"env", "-u", "DISPLAY", test::kscope_binary(), "view",
                        "-b", bootstrap, "-o", "beginning"}};
  REQUIRE(test::consume_all(bootstrap, "test-topic", 5).size() >= 5);
  std::this_thread::sleep_for(2s);
  broker.signal(SIGSTOP);
  std::this_thread::sleep_for(10s);
  broker.signal(SIGCONT);
  std::this_thread::sleep_for(6s);
  producer.signal(SIGTERM);
  viewer.signal(SIGTERM);
  auto code = producer.wait();
  auto out = producer.output();
  INFO(out);
  CHECK(code == 0);
  CHECK(out.find("broker not answering (no acknowledgement for")
        != std::string::npos);
  CHECK(viewer.wait() == 0);
  auto seen = viewer.output();
  INFO(seen);
  CHECK(seen.find("not answering") != std::string::npos);
  CHECK(seen.find("broker reconnected") != std::string::npos);
  broker.signal(SIGTERM);
  CHECK(broker.wait() == 0);
}
