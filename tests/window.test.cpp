// The window actor on CAF's deterministic scheduler: what it counts, what
// it leaves out of the chart, what its status says.

#include <doctest/doctest.h>

#include "actors/logic/chart.hpp"
#include "actors/logic/clock.hpp"
#include "actors/window.hpp"
#include "tests/support/actor_fixture.hpp"

using namespace kscope;
using namespace std::chrono_literals;

namespace {

struct window_fixture : test::actor_fixture {
  std::shared_ptr<std::vector<caf::message>> statuses
    = std::make_shared<std::vector<caf::message>>();
  std::shared_ptr<std::vector<caf::message>> pictures
    = std::make_shared<std::vector<caf::message>>();
  caf::actor win;

  /// `series`: how many series the point budget fits.
  explicit window_fixture(size_t series = 64)
    : window_fixture(budget_for(series)) {
  }

  static window_actor_config budget_for(size_t series) {
    window_actor_config cfg;
    cfg.fps = 10;
    cfg.window.max_points = series * cfg.window.capacity;
    return cfg;
  }

  explicit window_fixture(window_actor_config cfg) {
    auto sink = collector(statuses);
    auto draw = collector(pictures);
    win = caf::actor_cast<caf::actor>(
      sys.spawn(window, cfg, caf::actor_cast<snapshot_sink>(draw),
                caf::actor_cast<viewer_status_sink>(sink)));
    cleanup = {win, sink, draw};
    sched.run();
  }

  void send(const std::string& host, int64_t ts_ns) {
    sample x;
    x.host = host;
    x.seq = 1;
    x.ts_ns = ts_ns;
    x.cpu = 50;
    caf::anon_send(win, x);
    sched.run();
  }

  /// Lets a second pass (rates and latencies are per second), then returns
  /// the last status and snapshot.
  std::pair<viewer_status, snapshot> after_a_second() {
    for (int i = 0; i < 11; ++i) {
      sched.advance_time(100ms);
      sched.run();
    }
    REQUIRE(!statuses->empty());
    REQUIRE(!pictures->empty());
    return {statuses->back().get_as<viewer_status>(0),
            pictures->back().get_as<snapshot>(0)};
  }
};

constexpr int64_t hour_ns = 3'600'000'000'000;

} // namespace

TEST_CASE_FIXTURE(window_fixture,
                  "samples stamped far from this clock are counted as "
                  "clock-skewed and move neither the axis nor the latency") {
  auto now = wall_clock_ns();
  send("live", now);
  send("past", 1'000'000'000); // 1970
  send("future", now + hour_ns);
  send("live", now + 1'000'000);
  auto [status, picture] = after_a_second();
  CHECK(status.received == 4);
  CHECK(status.skewed == 2);
  REQUIRE(picture.series.size() == 1);
  CHECK(picture.series[0].name == "live");
  // Latency: sample time to the window, well under a minute here.
  CHECK(status.latency_max_ms >= 0);
  CHECK(status.latency_max_ms < 60'000);
  CHECK(status_text(status).find("clock-skewed 2") != std::string::npos);
}

TEST_CASE("samples of series beyond the point budget are refused and "
          "counted in the status, with the hosts over it") {
  window_fixture fx{2};
  auto now = wall_clock_ns();
  for (auto host : {"a", "b", "c", "d", "a"})
    fx.send(host, now);
  auto [status, picture] = fx.after_a_second();
  CHECK(status.received == 5);
  CHECK(status.refused == 2);
  CHECK(status.hosts_over_budget == 2);
  CHECK(picture.series.size() == 2);
  CHECK(status_text(status).find("over budget 2 hosts (2 samples)")
        != std::string::npos);
}

TEST_CASE_FIXTURE(window_fixture,
                  "a producer of CPU only and one of every kind share the "
                  "CPU panel: the other panels hold the second alone, in "
                  "one colour") {
  auto now = wall_clock_ns();
  send("old", now); // CPU only, as the original sends
  sample x;
  x.host = "new";
  x.seq = 1;
  x.ts_ns = now;
  x.cpu = 20;
  x.metrics = metric_set::only(metric_kind::cpu);
  x.metrics.add(metric_kind::mem);
  x.metrics.add(metric_kind::load);
  x.mem.total = 1000;
  x.mem.available = 750;
  x.load = {0.5, 0.4, 0.3, 2};
  caf::anon_send(win, x);
  sched.run();
  auto [status, picture] = after_a_second();
  CHECK(status.received == 2);
  CHECK(status.refused == 0);
  // Several kinds: panels, in the order cpu, mem, load.
  CHECK(picture.series.empty());
  REQUIRE(picture.panels.size() == 3);
  CHECK(picture.panels[0].kind == metric_kind::cpu);
  CHECK(picture.panels[1].kind == metric_kind::mem);
  CHECK(picture.panels[2].kind == metric_kind::load);
  REQUIRE(picture.panels[0].series.size() == 2);
  REQUIRE(picture.panels[1].series.size() == 1);
  auto& cpu_new = picture.panels[0].series[1];
  auto& mem_new = picture.panels[1].series[0];
  CHECK(cpu_new.name == "new");
  CHECK(mem_new.name == "new");
  CHECK(mem_new.color_index == cpu_new.color_index);
  CHECK(mem_new.points.back().value == 25);
  CHECK(mem_new.detail == "used 250 B of 1000 B");
  CHECK(picture.panels[2].series[0].points.back().value == 0.5);
}

TEST_CASE("--panels fixes the charts and their order, and leaves the other "
          "kinds out") {
  test::actor_fixture fx;
  auto pictures = std::make_shared<std::vector<caf::message>>();
  window_actor_config cfg;
  cfg.panels = {metric_kind::load, metric_kind::cpu};
  auto draw = fx.collector(pictures);
  auto win = caf::actor_cast<caf::actor>(fx.sys.spawn(
    window, cfg, caf::actor_cast<snapshot_sink>(draw), viewer_status_sink{}));
  fx.cleanup = {win, draw};
  fx.sched.run();
  sample x;
  x.host = "h";
  x.ts_ns = wall_clock_ns();
  x.metrics = metric_set::defaults();
  x.mem.total = 10;
  x.load.load1 = 3;
  caf::anon_send(win, x);
  for (int i = 0; i < 3; ++i) {
    fx.sched.advance_time(100ms);
    fx.sched.run();
  }
  REQUIRE(!pictures->empty());
  auto picture = pictures->back().get_as<snapshot>(0);
  REQUIRE(picture.panels.size() == 2);
  CHECK(picture.panels[0].kind == metric_kind::load);
  CHECK(picture.panels[1].kind == metric_kind::cpu);
  CHECK(picture.panels[0].series.at(0).points.back().value == 3);
}

TEST_CASE_FIXTURE(window_fixture,
                  "interfaces of one host and instant sent one message each "
                  "(as Telegraf does) add up to one point") {
  auto now = wall_clock_ns();
  auto nic = [&](const char* name, int64_t ts, uint64_t rx) {
    sample x;
    x.host = "t";
    x.ts_ns = ts;
    x.metrics = metric_set::only(metric_kind::net);
    net_stats n;
    n.name = name;
    n.bytes_recv = rx;
    x.nets = {n};
    caf::anon_send(win, x);
    sched.run();
  };
  nic("eth0", now - 2'000'000'000, 0);
  nic("eth1", now - 2'000'000'000, 0);
  nic("eth0", now - 1'000'000'000, 1000);
  nic("eth1", now - 1'000'000'000, 500);
  auto [status, picture] = after_a_second();
  CHECK(status.received == 4);
  REQUIRE(picture.panels.size() == 1);
  REQUIRE(picture.panels[0].series.size() == 1);
  auto& s = picture.panels[0].series[0];
  REQUIRE(s.points.size() == 1);
  CHECK(s.points[0].value == 1500);
  CHECK(s.detail == "rx 1.5 kB/s tx 0 B/s");
}

TEST_CASE("past --fleet-at series a panel is sent as the fleet view, f "
          "switches it to lines and back, o changes the sort, and --hosts "
          "keeps only the hosts it matches") {
  auto cfg = window_fixture::budget_for(64);
  cfg.fleet_at = 2;
  cfg.hosts = std::make_shared<const std::regex>("^web-");
  window_fixture fx{cfg};
  auto now = wall_clock_ns();
  for (auto host : {"web-1", "web-2", "web-3", "db-1"})
    fx.send(host, now);
  auto [status, picture] = fx.after_a_second();
  CHECK(status.received == 4);
  CHECK(status.filtered == 1);
  CHECK(status_text(status).find("filtered 1 (--hosts)") != std::string::npos);
  // Three series are past --fleet-at 2: the fleet view, which never holds
  // the hosts' points, only the percentiles and the heatmap.
  REQUIRE(picture.panels.size() == 1);
  CHECK(picture.series.empty());
  auto& fleet = picture.panels[0].fleet;
  CHECK(fleet.hosts == 3);
  CHECK(fleet.rows == 3);
  CHECK(fleet.sort == fleet_sort::current);
  REQUIRE(picture.panels[0].series.size() == 3);
  CHECK(picture.panels[0].series[0].name == "p50");
  // f: lines, with every host's series.
  caf::anon_send(fx.win, fleet_atom_v);
  fx.sched.run();
  auto lines = fx.pictures->back().get_as<snapshot>(0);
  CHECK(lines.panels.empty());
  CHECK(lines.series.size() == 3);
  // f again: the fleet view; o: sorted by average.
  caf::anon_send(fx.win, fleet_atom_v);
  caf::anon_send(fx.win, sort_atom_v);
  fx.sched.run();
  auto again = fx.pictures->back().get_as<snapshot>(0);
  REQUIRE(again.panels.size() == 1);
  CHECK(again.panels[0].fleet.hosts == 3);
  CHECK(again.panels[0].fleet.sort == fleet_sort::average);
}
