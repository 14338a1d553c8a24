// What each panel draws: counter rates that never go negative or huge,
// memory %, load, GPU, and the layout of a frame of panels.

#include <doctest/doctest.h>

#include "actors/logic/chart.hpp"
#include "actors/logic/panel_values.hpp"

using namespace kscope;

namespace {

constexpr int64_t second = 1'000'000'000;

sample net_sample(int64_t ts_ns, std::vector<net_stats> nets) {
  sample x;
  x.host = "h";
  x.ts_ns = ts_ns;
  x.metrics = metric_set::only(metric_kind::net);
  x.nets = std::move(nets);
  return x;
}

net_stats nic(const char* name, uint64_t rx, uint64_t tx) {
  net_stats n;
  n.name = name;
  n.bytes_recv = rx;
  n.bytes_sent = tx;
  return n;
}

std::optional<panel_value> net_of(const sample& x, counter_rates& rates) {
  return values_of(x, &rates)[static_cast<size_t>(metric_kind::net)];
}

series_snapshot series_of(const char* name, std::vector<point> pts,
                          std::string detail = {}) {
  series_snapshot s;
  s.name = name;
  s.points = std::move(pts);
  s.stats.current = s.points.empty() ? 0 : s.points.back().value;
  s.stats.max = s.stats.current;
  s.detail = std::move(detail);
  return s;
}

} // namespace

TEST_CASE("network throughput is the rate of the counters, summed over "
          "interfaces") {
  counter_rates rates;
  CHECK_FALSE(net_of(net_sample(0, {nic("eth0", 1000, 500)}), rates));
  auto v = net_of(net_sample(2 * second, {nic("eth0", 5000, 2500)}), rates);
  REQUIRE(v);
  CHECK(v->value == 3000); // (4000 + 2000) / 2 s
  CHECK(v->detail == "rx 2.0 kB/s tx 1.0 kB/s");
  // Every interface sent is counted: the producer leaves loopback out
  // unless asked for it (--interfaces lo). A new one costs one point.
  CHECK_FALSE(net_of(net_sample(3 * second, {nic("eth0", 6000, 3000),
                                             nic("lo", 0, 0)}),
                     rates));
  v = net_of(net_sample(4 * second,
                        {nic("eth0", 7000, 3500), nic("lo", 100, 100)}),
             rates);
  REQUIRE(v);
  CHECK(v->value == 1500 + 200);
}

TEST_CASE("a counter that goes backwards gives a gap, never a negative or "
          "huge rate") {
  counter_rates rates;
  net_of(net_sample(0, {nic("wlan0", 4294967000u, 10)}), rates);
  // A 32-bit counter wrapped: no rate this time...
  CHECK_FALSE(net_of(net_sample(second, {nic("wlan0", 704, 20)}), rates));
  // ...and the next interval is measured from the wrapped value.
  auto v = net_of(net_sample(2 * second, {nic("wlan0", 1704, 30)}), rates);
  REQUIRE(v);
  CHECK(v->value == 1010);
  // A device reset to zero (driver reload) is the same.
  CHECK_FALSE(net_of(net_sample(3 * second, {nic("wlan0", 0, 0)}), rates));
  // Time that does not advance gives no rate either.
  CHECK_FALSE(net_of(net_sample(3 * second, {nic("wlan0", 10, 10)}), rates));
}

TEST_CASE("an interface that appears costs one gap: one that vanishes and "
          "comes back is measured from where it was") {
  counter_rates rates;
  net_of(net_sample(0, {nic("eth0", 0, 0), nic("docker0", 100, 100)}),
         rates);
  REQUIRE(net_of(net_sample(second, {nic("eth0", 100, 0),
                                     nic("docker0", 100, 100)}),
                 rates));
  // docker0 vanished, veth1 appeared: veth1 has no baseline yet.
  CHECK_FALSE(net_of(net_sample(2 * second, {nic("eth0", 200, 0),
                                             nic("veth1", 50, 0)}),
                     rates));
  auto v = net_of(net_sample(3 * second, {nic("eth0", 300, 0),
                                          nic("veth1", 150, 0)}),
                  rates);
  REQUIRE(v);
  CHECK(v->value == 200);
  // docker0 returns with larger counters three seconds after it was last
  // seen: measured over those three seconds, not as a spike.
  v = net_of(net_sample(4 * second, {nic("eth0", 400, 0),
                                     nic("veth1", 250, 0),
                                     nic("docker0", 500, 100)}),
             rates);
  REQUIRE(v);
  CHECK(v->value == doctest::Approx(100 + 100 + 400.0 / 3));
}

TEST_CASE("disk throughput sums whole disks, not their partitions") {
  counter_rates rates;
  auto disk = [](const char* name, uint64_t rd, uint64_t wr) {
    disk_stats d;
    d.name = name;
    d.read_bytes = rd;
    d.write_bytes = wr;
    return d;
  };
  sample x;
  x.host = "h";
  x.metrics = metric_set::only(metric_kind::disk);
  x.disks = {disk("sda", 0, 0), disk("sda1", 0, 0), disk("dm-0", 0, 0)};
  values_of(x, &rates);
  x.ts_ns = second;
  x.disks = {disk("sda", 4096, 8192), disk("sda1", 4096, 8192),
             disk("dm-0", 4096, 8192)};
  auto v = values_of(x, &rates)[static_cast<size_t>(metric_kind::disk)];
  REQUIRE(v);
  CHECK(v->value == 4096 + 8192);
  CHECK(v->detail == "read 4.1 kB/s write 8.2 kB/s");
}

TEST_CASE("memory is drawn as used % of total, with the sizes beside it") {
  sample x;
  x.metrics = metric_set::only(metric_kind::mem);
  x.mem.total = 16ull << 30;
  x.mem.available = 12ull << 30;
  auto v = values_of(x, nullptr)[static_cast<size_t>(metric_kind::mem)];
  REQUIRE(v);
  CHECK(v->value == 25);
  CHECK(v->detail == "used 4.0 GiB of 16 GiB");
  // Nothing to divide by: no point rather than a NaN.
  x.mem.total = 0;
  CHECK_FALSE(values_of(x, nullptr)[static_cast<size_t>(metric_kind::mem)]);
}

TEST_CASE("load and GPU panels: the 1-minute load, the mean utilisation") {
  sample x;
  x.metrics = metric_set::only(metric_kind::load);
  x.metrics.add(metric_kind::gpu);
  x.load = {1.5, 1.25, 1.0, 8};
  gpu_stats a;
  a.utilization = 30;
  a.memory_used = 1ull << 30;
  a.memory_total = 8ull << 30;
  auto b = a;
  b.utilization = 90;
  x.gpus = {a, b};
  auto vals = values_of(x, nullptr);
  REQUIRE(vals[static_cast<size_t>(metric_kind::load)]);
  CHECK(vals[static_cast<size_t>(metric_kind::load)]->value == 1.5);
  CHECK(vals[static_cast<size_t>(metric_kind::load)]->detail
        == "1.50 1.25 1.00 / 8 cpus");
  REQUIRE(vals[static_cast<size_t>(metric_kind::gpu)]);
  CHECK(vals[static_cast<size_t>(metric_kind::gpu)]->value == 60);
  CHECK(vals[static_cast<size_t>(metric_kind::gpu)]->detail
        == "2 GPUs, 2.0 GiB of 16 GiB");
  // A sample without cpu draws no CPU point (not a 0 %).
  CHECK_FALSE(vals[static_cast<size_t>(metric_kind::cpu)]);
}

TEST_CASE("units print as people read them") {
  CHECK(format_rate(0) == "0 B/s");
  CHECK(format_rate(999) == "999 B/s");
  CHECK(format_rate(1500) == "1.5 kB/s");
  CHECK(format_rate(125e6) == "125 MB/s");
  CHECK(format_bytes(1536) == "1.5 KiB");
  CHECK(format_bytes(24.0 * (1ull << 30)) == "24 GiB");
  CHECK(format_si(250) == "250");
  CHECK(format_si(1500000) == "1.5M");
  CHECK(format_value(1.005, value_unit::plain) == "1.00");
  CHECK(format_value(42, value_unit::percent) == "42.0%");
}

TEST_CASE("five panels are laid out as a grid inside the canvas, one status "
          "line below them, and z shows one at a time") {
  snapshot snap;
  snap.now_ns = 100 * second;
  for (auto kind : {metric_kind::cpu, metric_kind::mem, metric_kind::net,
                    metric_kind::disk, metric_kind::load}) {
    panel_snapshot p;
    p.kind = kind;
    p.series.push_back(series_of("h", {{99 * second, 10}, {100 * second, 20}}));
    snap.panels.push_back(p);
  }
  chart_style style;
  text_metrics m{8, 16};
  auto frame = build_frame(snap, 1264, 704, style, m);
  REQUIRE(frame.panels.size() == 5);
  // Three across on a wide canvas, two rows.
  CHECK(frame.panels[2].geometry.layout.canvas.x
        > frame.panels[1].geometry.layout.canvas.x);
  CHECK(frame.panels[3].geometry.layout.canvas.y
        > frame.panels[0].geometry.layout.canvas.y);
  for (size_t i = 0; i < 5; ++i) {
    const auto& a = frame.panels[i].geometry.layout;
    CAPTURE(i);
    CHECK(a.canvas.x >= 0);
    CHECK(a.canvas.x + a.canvas.w <= 1264.5f);
    CHECK(a.canvas.y + a.canvas.h <= frame.status.y + 0.5f);
    CHECK(a.plot.w > 100);
    CHECK(a.plot.h > 100);
    for (size_t j = i + 1; j < 5; ++j) {
      const auto& b = frame.panels[j].geometry.layout.plot;
      bool apart = a.plot.x + a.plot.w <= b.x || b.x + b.w <= a.plot.x
                   || a.plot.y + a.plot.h <= b.y || b.y + b.h <= a.plot.y;
      CHECK(apart);
    }
    // Every series point lies in its own panel's plot.
    for (auto& seg : frame.panels[i].geometry.series[0].segments)
      for (auto& p : seg)
        CHECK(a.plot.contains(p));
  }
  CHECK(frame.status.y + frame.status.h <= 704.5f);
  CHECK(frame.panels[2].style.unit == value_unit::bytes_per_s);
  CHECK(frame.panels[2].style.title == "Network (received + sent)");
  // Zoom: only the third panel, over the whole canvas.
  style.zoom = 3;
  frame = build_frame(snap, 1264, 704, style, m);
  REQUIRE(frame.panels.size() == 1);
  CHECK(frame.panels[0].kind == metric_kind::net);
  CHECK(frame.panels[0].geometry.layout.plot.w > 1000);
}

TEST_CASE("a throughput axis fits the data, rounded up to a readable top") {
  std::vector<series_snapshot> series{
    series_of("h", {{99 * second, 1.2e6}, {100 * second, 3.1e6}})};
  auto style = panel_style(metric_kind::net, chart_style{});
  auto geo = build_chart(series, 100 * second, 600, 300, style,
                         text_metrics{8, 16}, false);
  CHECK(geo.y_max == 5e6);
  REQUIRE(!geo.y_ticks.empty());
  CHECK(geo.y_ticks.back().label == "5M");
  // An idle link still gets 0..1k, not 0..1 byte.
  series[0].points = {{99 * second, 0}, {100 * second, 0}};
  geo = build_chart(series, 100 * second, 600, 300, style, text_metrics{8, 16},
                    false);
  CHECK(geo.y_max == 1000);
  // Load: 0..2 for 1.5.
  style = panel_style(metric_kind::load, chart_style{});
  series[0].points = {{99 * second, 1.5}};
  geo = build_chart(series, 100 * second, 600, 300, style, text_metrics{8, 16},
                    false);
  CHECK(geo.y_max == 2);
}

TEST_CASE("a readout too long for its panel drops figures before the detail") {
  auto s = series_of("web-1", {{1, 25}}, "used 4.0 GiB of 16 GiB");
  s.stats.min = 20;
  s.stats.avg = 22;
  auto full = readout_line(s, value_unit::percent);
  CHECK(full
        == "web-1  now 25.0%  min 20.0%  max 25.0%  avg 22.0%  (used 4.0 GiB "
           "of 16 GiB)");
  CHECK(fit_readout(s, value_unit::percent, 200) == full);
  CHECK(fit_readout(s, value_unit::percent, 51)
        == "web-1  now 25.0%  max 25.0%  used 4.0 GiB of 16 GiB");
  CHECK(fit_readout(s, value_unit::percent, 40)
        == "web-1  now 25.0%  used 4.0 GiB of 16 GiB");
  CHECK(fit_readout(s, value_unit::percent, 12) == "web-1  now 2");
}
