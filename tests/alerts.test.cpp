// Alerts end to end: rules evaluated by `kscope alert` on the embedded
// broker, events on the alert topic and through --alert-exec, no-data for a
// stopped producer, an alerter that throws, and the thresholds on screen.

#include <doctest/doctest.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <unistd.h>

#include <SFML/Graphics/Image.hpp>

#include "actors/logic/chart.hpp"
#include "actors/logic/clock.hpp"
#include "actors/roles.hpp"
#include "messages/codec.hpp"
#include "tests/support/broker_fixture.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/raw_consumer.hpp"

using namespace kscope;
using namespace std::chrono_literals;

namespace {

constexpr int64_t ms = 1'000'000;

struct alert_fixture : test::broker_fixture {
  std::string alerts = "alerts";

  alert_fixture() {
    std::string err;
    REQUIRE_MESSAGE(broker->create_topic(alerts, 1, err), err);
  }

  /// Publishes `n` JSON samples of `host`, 500 ms apart in sample time
  /// from `start`, at `cpu(i)` %, through kscope's own producer.
  template <class F>
  void publish(const std::string& host, int64_t start, int n, F cpu,
               uint64_t first_seq = 1) {
    producer_settings settings;
    settings.brokers = broker->bootstrap();
    settings.topic = topic;
    std::string err;
    auto producer = kafka_producer::make(settings, err);
    REQUIRE_MESSAGE(producer, err);
    for (int i = 0; i < n; ++i) {
      sample x;
      x.host = host;
      x.seq = first_seq + static_cast<uint64_t>(i);
      x.ts_ns = start + i * 500 * ms;
      x.cpu = cpu(i);
      std::string buf;
      encode(wire_format::json, x, buf);
      producer->produce(host, buf, x.ts_ns / ms);
    }
    for (int i = 0; i < 500 && producer->pending() > 0; ++i) {
      producer->poll();
      std::this_thread::sleep_for(10ms);
    }
    REQUIRE(producer->pending() == 0);
  }

  /// The events on the alert topic: "rule host state" per record, with the
  /// record key checked against the host.
  std::vector<std::string> events(size_t expected,
                                  std::chrono::milliseconds wait = 30s) {
    std::vector<std::string> out;
    for (auto& rec : test::consume_all(broker->bootstrap(), alerts, expected,
                                       wait)) {
      auto field = [&](const std::string& name) {
        auto key = "\"" + name + "\":\"";
        auto pos = rec.value.find(key);
        if (pos == std::string::npos)
          return std::string{"?"};
        pos += key.size();
        return rec.value.substr(pos, rec.value.find('"', pos) - pos);
      };
      CHECK(rec.key == field("host"));
      CHECK(rec.value.find("\"ts\":") != std::string::npos);
      CHECK(rec.value.find("\"threshold\":") != std::string::npos);
      CHECK(rec.value.find("\"value\":") != std::string::npos);
      CHECK(rec.value.find("\"severity\":") != std::string::npos);
      out.push_back(field("rule") + " " + field("host") + " "
                    + field("state"));
    }
    return out;
  }
};

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

} // namespace

TEST_CASE_FIXTURE(alert_fixture,
                  "samples at 95 % for 5 s then 10 % give exactly one firing "
                  "and one resolved event on the alert topic and run the "
                  "exec hook twice") {
  auto start = wall_clock_ns() - 20'000 * ms;
  publish("hot-host", start, 20, [](int i) { return i < 10 ? 95.0 : 10.0; });
  auto hook = test::temp_path("alert-hook.log");
  std::remove(hook.c_str());
  auto res = test::run(
    {test::kscope_binary(), "alert", "-b", broker->bootstrap(), "-o",
     "beginning", "--alert", "hot: cpu > 90 for 2s critical", "--alert-topic",
     alerts, "--alert-exec",
     "cat >> " + hook + "; echo \" $KSCOPE_ALERT_STATE\" >> " + hook,
     "--duration", "6s"},
    60s);
  INFO(res.output);
  REQUIRE(res.code == 0);
  CHECK(res.output.find("alert firing: hot hot-host cpu 95") !=
        std::string::npos);
  CHECK(res.output.find("alert resolved: hot hot-host") != std::string::npos);
  auto got = events(2);
  CHECK(got == std::vector<std::string>{"hot hot-host firing",
                                        "hot hot-host resolved"});
  // Nothing more: one event per transition, never one per sample.
  CHECK(events(0, 3s).size() == 2);
  auto ran = read_file(hook);
  INFO(ran);
  CHECK(ran.find("\"state\":\"firing\"") != std::string::npos);
  CHECK(ran.find("} firing\n") != std::string::npos);
  CHECK(ran.find("} resolved\n") != std::string::npos);
  CHECK(ran.find("\"state\":\"resolved\"") != std::string::npos);
  CHECK(std::count(ran.begin(), ran.end(), '\n') == 2);
  // The firing event is stamped with the sample that completed `for`.
  auto fired = test::consume_all(broker->bootstrap(), alerts, 1);
  REQUIRE(!fired.empty());
  CHECK(fired[0].value.find("\"ts\":" + std::to_string(start + 4 * 500 * ms))
        != std::string::npos);
  std::remove(hook.c_str());
}

TEST_CASE_FIXTURE(alert_fixture,
                  "a producer stopped with SIGSTOP raises no-data and SIGCONT "
                  "resolves it") {
  test::process producer{{test::kscope_binary(), "produce", "-b",
                          broker->bootstrap(), "-i", "100ms", "--host",
                          "stopme", "--metrics", "cpu"}};
  test::process alerter{{test::kscope_binary(), "alert", "-b",
                         broker->bootstrap(), "--expire", "2s",
                         "--alert-topic", alerts}};
  REQUIRE(producer.wait_for_output("delivered", 20s));
  std::this_thread::sleep_for(2s);
  producer.signal(SIGSTOP);
  REQUIRE(alerter.wait_for_output("alert firing: no-data stopme", 20s));
  producer.signal(SIGCONT);
  REQUIRE(alerter.wait_for_output("alert resolved: no-data stopme", 20s));
  alerter.signal(SIGTERM);
  CHECK(alerter.wait(20s) == 0);
  producer.signal(SIGTERM);
  producer.wait(20s);
  INFO(alerter.output());
  CHECK(events(2) == std::vector<std::string>{"no-data stopme firing",
                                              "no-data stopme resolved"});
}

TEST_CASE_FIXTURE(alert_fixture,
                  "an alerter that throws is restarted and the events on the "
                  "topic stay exactly one per transition") {
  auto start = wall_clock_ns() - 60'000 * ms;
  // Phase 1: two hosts above the threshold long enough to fire.
  for (auto host : {"a", "b"})
    publish(host, start, 10, [](int) { return 99.0; });
  std::string err;
  consumer_settings cset;
  cset.brokers = broker->bootstrap();
  cset.topics = {topic};
  cset.start.kind = start_offset::beginning;
  producer_settings aset;
  aset.brokers = broker->bootstrap();
  aset.topic = alerts;
  role_plan plan;
  viewer_half view;
  view.consumer = kafka_consumer::make(cset, err);
  REQUIRE_MESSAGE(view.consumer, err);
  alerter_config acfg;
  std::string rule_err;
  auto rule = parse_alert_rule("hot: cpu > 90 for 2s", rule_err);
  REQUIRE(rule);
  acfg.store = std::make_shared<alert_store>(std::vector<alert_rule>{*rule},
                                             0);
  acfg.producer = kafka_producer::make(aset, err);
  REQUIRE_MESSAGE(acfg.producer, err);
  auto armed = std::make_shared<std::atomic<bool>>(false);
  acfg.on_readings = [armed](const std::vector<metric_reading>&) {
    if (armed->exchange(false))
      throw std::runtime_error("a bug in the alerter");
  };
  view.alerter = acfg;
  view.window.alerting = true;
  plan.viewer = view;
  plan.limits.initial_backoff = 50ms;
  auto spawned = std::make_shared<std::vector<std::string>>();
  auto mtx = std::make_shared<std::mutex>();
  plan.on_spawn = [spawned, mtx](const std::string& name, const caf::actor&) {
    std::lock_guard<std::mutex> guard{*mtx};
    spawned->push_back(name);
  };
  auto alerter_starts = [&] {
    std::lock_guard<std::mutex> guard{*mtx};
    return std::count(spawned->begin(), spawned->end(), "alerter");
  };
  reporter_config report;
  report.viewer = true;
  running_role role{plan, report};
  CHECK(events(2).size() == 2);
  // Phase 2: the next batch of readings crashes the alerter; the one after
  // it (after the restart) resolves both.
  armed->store(true);
  publish("a", start + 5'000 * ms, 1, [](int) { return 1.0; }, 11);
  for (int i = 0; i < 100 && alerter_starts() < 2; ++i)
    std::this_thread::sleep_for(100ms);
  CHECK(alerter_starts() == 2);
  for (auto host : {"a", "b"})
    publish(host, start + 6'000 * ms, 10, [](int) { return 1.0; }, 12);
  auto got = events(4);
  std::sort(got.begin(), got.end());
  CHECK(got == std::vector<std::string>{"hot a firing", "hot a resolved",
                                        "hot b firing", "hot b resolved"});
  CHECK(events(0, 3s).size() == 4);
  role.stop("test over");
  CHECK(role.wait_for(30s).has_value());
  {
    std::lock_guard<std::mutex> guard{*mtx};
    // Only the alerter was started again.
    CHECK(std::count(spawned->begin(), spawned->end(), "window") == 1);
    CHECK(std::count(spawned->begin(), spawned->end(), "consumer") == 1);
  }
}

TEST_CASE("a rule's threshold is drawn on its panel under Xvfb, and the "
          "alerts line under the status") {
  char tmpl[] = "/tmp/kscope-alert-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  auto png = dir + "/alert.png";
  auto res = test::run({"xvfb-run", "-a", "-s", "-screen 0 1280x800x24",
                        test::kscope_binary(), "run", "-i", "100ms",
                        "--count", "10", "--panels", "cpu", "--snapshot", png,
                        "--alert", "hot: cpu > 50 for 1m"},
                       60s);
  INFO(res.output);
  REQUIRE(res.code == 0);
  sf::Image img;
  REQUIRE(img.loadFromFile(png));
  auto amber = severity_color(alert_severity::warning);
  // The dashes at 50 %: the plot's middle band holds the amber pixels.
  size_t middle = 0;
  size_t elsewhere = 0;
  auto w = img.getSize().x;
  auto h = img.getSize().y;
  for (unsigned y = 0; y < h; ++y)
    for (unsigned x = w / 10; x < w * 9 / 10; ++x) {
      auto c = img.getPixel(x, y);
      if (std::abs(c.r - amber.r) + std::abs(c.g - amber.g)
            + std::abs(c.b - amber.b)
          > 30)
        continue;
      (y > h * 3 / 10 && y < h * 6 / 10 ? middle : elsewhere)++;
    }
  CHECK(middle > 300);
  CHECK(elsewhere < 100);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("the terminal draws the threshold with its rule and the alerts "
          "line") {
  auto session = "kscope-alert-" + std::to_string(getpid());
  auto cmd = "env -u DISPLAY " + test::kscope_binary()
             + " run -i 200ms --panels cpu --alert 'hot: cpu > 50 for 1m'"
               "; sleep 60";
  REQUIRE(test::run({"tmux", "new-session", "-d", "-s", session, "-x", "120",
                     "-y", "40", cmd})
            .code == 0);
  std::string screen;
  for (int i = 0; i < 40; ++i) {
    screen = test::run({"tmux", "capture-pane", "-p", "-t", session}).output;
    if (screen.find("alerts: none firing") != std::string::npos)
      break;
    std::this_thread::sleep_for(250ms);
  }
  INFO(screen);
  CHECK(screen.find("hot > 50") != std::string::npos);
  CHECK(screen.find("alerts: none firing") != std::string::npos);
  CHECK(screen.find("alerts 0 firing (0 events)") != std::string::npos);
  test::run({"tmux", "send-keys", "-t", session, "q"});
  std::this_thread::sleep_for(1s);
  test::run({"tmux", "kill-session", "-t", session});
}
