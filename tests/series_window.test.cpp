#include "actors/logic/series_window.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

using namespace kscope;

namespace {

constexpr int64_t second_ns = 1'000'000'000;

/// A sample of `host` taken at `ts_ns` with total `cpu` and per-core `cores`.
sample make_sample(const std::string& host, int64_t ts_ns, double cpu,
                   std::vector<double> cores = {}) {
  sample x;
  x.host = host;
  x.ts_ns = ts_ns;
  x.cpu = cpu;
  x.cores = std::move(cores);
  return x;
}

/// A window configuration that differs from the defaults only where given.
/// `series` is how many series the point budget fits.
window_config make_config(size_t capacity, size_t series = 64,
                          int64_t expire_ns = 60 * second_ns,
                          bool per_core = false) {
  window_config cfg;
  cfg.capacity = capacity;
  cfg.max_points = series * capacity;
  cfg.expire_ns = expire_ns;
  cfg.per_core = per_core;
  return cfg;
}

/// The names of all series in the window, in snapshot order.
std::vector<std::string> names_of(const series_window& w) {
  std::vector<std::string> result;
  for (const auto& x : w.snapshot())
    result.push_back(x.name);
  return result;
}

/// The snapshot of the series `name`; fails the test when it is missing.
series_snapshot find_series(const series_window& w, const std::string& name) {
  for (auto& x : w.snapshot())
    if (x.name == name)
      return x;
  FAIL("no series named " << name);
  return {};
}

} // namespace

TEST_CASE("window keeps exactly the latest 200 points of a series") {
  series_window w{window_config{}};
  REQUIRE(w.config().capacity == 200);
  for (int64_t i = 0; i < 1000; ++i)
    REQUIRE(w.add("web-1", make_sample("web-1", i, static_cast<double>(i)), i));
  auto snap = w.snapshot();
  REQUIRE(snap.size() == 1);
  const auto& points = snap[0].points;
  REQUIRE(points.size() == 200);
  for (size_t k = 0; k < points.size(); ++k) {
    auto expected = static_cast<int64_t>(800 + k);
    CHECK(points[k].ts_ns == expected);
    CHECK(points[k].value == static_cast<double>(expected));
  }
}

TEST_CASE("window with capacity 3 keeps the latest 3 points, oldest first") {
  series_window w{make_config(3)};
  for (int64_t i = 1; i <= 10; ++i)
    w.add("a", make_sample("a", i, static_cast<double>(i * 10)), i);
  auto points = find_series(w, "a").points;
  CHECK(points == std::vector<point>{{8, 80}, {9, 90}, {10, 100}});
}

TEST_CASE("ring holds fewer points than its capacity until it fills up") {
  point_ring ring{4};
  CHECK(ring.size() == 0);
  CHECK(ring.to_vector().empty());
  ring.push({1, 1});
  ring.push({2, 2});
  CHECK(ring.size() == 2);
  CHECK(ring.capacity() == 4);
  CHECK(ring.to_vector() == std::vector<point>{{1, 1}, {2, 2}});
  CHECK(ring.back() == point{2, 2});
  for (int64_t i = 3; i <= 9; ++i)
    ring.push({i, static_cast<double>(i)});
  CHECK(ring.size() == 4);
  CHECK(ring.back() == point{9, 9});
  CHECK(ring.to_vector()
        == std::vector<point>{{6, 6}, {7, 7}, {8, 8}, {9, 9}});
}

TEST_CASE("window stays bounded under a flood of distinct host names") {
  constexpr size_t max_series = 64;
  constexpr size_t capacity = 16;
  constexpr int hosts = 1000;
  series_window w{make_config(capacity, max_series)};
  size_t accepted = 0;
  size_t refused = 0;
  for (int i = 0; i < 100'000; ++i) {
    auto host = "host-" + std::to_string(i % hosts);
    auto ok = w.add(host, make_sample(host, i, 50), i);
    // The first 64 host names seen are the ones that get a series.
    CHECK(ok == (i % hosts < static_cast<int>(max_series)));
    ok ? ++accepted : ++refused;
  }
  CHECK(w.series_count() == max_series);
  CHECK(accepted == 100 * max_series);
  CHECK(refused == 100'000 - 100 * max_series);
  auto snap = w.snapshot();
  REQUIRE(snap.size() == max_series);
  for (size_t k = 0; k < snap.size(); ++k) {
    CHECK(snap[k].name == "host-" + std::to_string(k));
    CHECK(snap[k].points.size() <= capacity);
    CHECK(snap[k].color_index == k);
  }
}

TEST_CASE("refused sample adds nothing to the window") {
  series_window w{make_config(10, 1)};
  CHECK(w.add("a", make_sample("a", 1, 10), 1));
  CHECK_FALSE(w.add("b", make_sample("b", 2, 20), 2));
  CHECK(names_of(w) == std::vector<std::string>{"a"});
  CHECK(find_series(w, "a").points == std::vector<point>{{1, 10}});
  // Samples of a series already held are still taken at the limit.
  CHECK(w.add("a", make_sample("a", 3, 30), 3));
  CHECK(find_series(w, "a").points.size() == 2);
}

TEST_CASE("series appear and vanish while the others keep their colours") {
  series_window w{make_config(200, 64, 10 * second_ns)};
  // Both hosts report for two seconds, then only web-1 carries on.
  for (int64_t t = 0; t <= 2; ++t) {
    w.add("web-1", make_sample("web-1", t * second_ns, 10), t * second_ns);
    w.add("web-2", make_sample("web-2", t * second_ns, 20), t * second_ns);
  }
  for (int64_t t = 3; t <= 20; ++t)
    w.add("web-1", make_sample("web-1", t * second_ns, 10), t * second_ns);
  auto before = w.snapshot();
  REQUIRE(before.size() == 2);
  CHECK(before[0].name == "web-1");
  CHECK(before[1].name == "web-2");
  auto web1_color = before[0].color_index;
  auto web2_color = before[1].color_index;
  CHECK(web1_color != web2_color);
  CHECK(w.expire(20 * second_ns) == 1);
  auto after = w.snapshot();
  REQUIRE(after.size() == 1);
  CHECK(after[0].name == "web-1");
  CHECK(after[0].color_index == web1_color);
  CHECK(after[0].points.size() == 21);
  // A host seen for the first time later gets a colour never used before.
  w.add("web-3", make_sample("web-3", 21 * second_ns, 30), 21 * second_ns);
  auto web3 = find_series(w, "web-3");
  CHECK(web3.color_index != web1_color);
  CHECK(web3.color_index != web2_color);
  // And a host that vanished and comes back is a new series, too.
  w.add("web-2", make_sample("web-2", 22 * second_ns, 20), 22 * second_ns);
  CHECK(names_of(w) == std::vector<std::string>{"web-1", "web-3", "web-2"});
  auto web2_again = find_series(w, "web-2");
  CHECK(web2_again.points == std::vector<point>{{22 * second_ns, 20}});
  CHECK(web2_again.color_index != web2_color);
  CHECK(web2_again.color_index != web3.color_index);
}

TEST_CASE("expiry drops a series only once its silence exceeds the timeout") {
  series_window w{make_config(10, 64, 10 * second_ns)};
  w.add("a", make_sample("a", 0, 1), 5 * second_ns);
  CHECK(w.expire(15 * second_ns) == 0);
  CHECK(w.series_count() == 1);
  CHECK(w.expire(15 * second_ns + 1) == 1);
  CHECK(w.series_count() == 0);
}

TEST_CASE("expiry keeps first-seen order and lookup of the remaining series") {
  series_window w{make_config(10, 64, second_ns)};
  w.add("a", make_sample("a", 0, 1), 0);
  w.add("b", make_sample("b", 0, 2), 0);
  w.add("c", make_sample("c", 0, 3), 5 * second_ns);
  w.add("d", make_sample("d", 0, 4), 0);
  w.add("e", make_sample("e", 0, 5), 5 * second_ns);
  CHECK(w.expire(5 * second_ns) == 3);
  CHECK(names_of(w) == std::vector<std::string>{"c", "e"});
  // Adding to the survivors reaches the right series after the rebuild.
  w.add("e", make_sample("e", 1, 50), 6 * second_ns);
  w.add("c", make_sample("c", 1, 30), 6 * second_ns);
  CHECK(find_series(w, "c").points == std::vector<point>{{0, 3}, {1, 30}});
  CHECK(find_series(w, "e").points == std::vector<point>{{0, 5}, {1, 50}});
  CHECK(w.series_count() == 2);
}

TEST_CASE("expire_ns 0 keeps series forever") {
  series_window w{make_config(10, 64, 0)};
  w.add("a", make_sample("a", 0, 1), 0);
  CHECK(w.expire(std::numeric_limits<int64_t>::max()) == 0);
  CHECK(w.series_count() == 1);
}

TEST_CASE("per-core series are named after their host and core number") {
  auto x = make_sample("web-1", 42, 25, {10, 20, 30, 40});
  SUBCASE("per_core on gives the total and one series per core") {
    series_window w{make_config(200, 64, 60 * second_ns, true)};
    CHECK(w.add("web-1", x, 100));
    CHECK(names_of(w)
          == std::vector<std::string>{"web-1", "web-1/cpu0", "web-1/cpu1",
                                      "web-1/cpu2", "web-1/cpu3"});
    CHECK(find_series(w, "web-1").points == std::vector<point>{{42, 25}});
    for (size_t i = 0; i < 4; ++i) {
      auto core = find_series(w, "web-1/cpu" + std::to_string(i));
      CHECK(core.points == std::vector<point>{{42, x.cores[i]}});
    }
  }
  SUBCASE("per_core off gives only the total") {
    series_window w{make_config(200, 64, 60 * second_ns, false)};
    CHECK(w.add("web-1", x, 100));
    CHECK(names_of(w) == std::vector<std::string>{"web-1"});
  }
}

TEST_CASE("per-core series beyond the budget are skipped but the total kept") {
  series_window w{make_config(200, 3, 60 * second_ns, true)};
  CHECK(w.add("web-1", make_sample("web-1", 1, 25, {10, 20, 30, 40}), 1));
  CHECK(names_of(w)
        == std::vector<std::string>{"web-1", "web-1/cpu0", "web-1/cpu1"});
  // With the window full, a new host is refused outright, cores and all.
  CHECK_FALSE(w.add("web-2", make_sample("web-2", 1, 25, {10, 20}), 1));
  CHECK(w.series_count() == 3);
}

TEST_CASE("per-core series expire with their host") {
  series_window w{make_config(200, 64, second_ns, true)};
  w.add("web-1", make_sample("web-1", 0, 25, {10, 20}), 0);
  w.add("web-2", make_sample("web-2", 0, 25, {10, 20}), 5 * second_ns);
  CHECK(w.expire(5 * second_ns) == 3);
  CHECK(names_of(w)
        == std::vector<std::string>{"web-2", "web-2/cpu0", "web-2/cpu1"});
}

TEST_CASE("stats give current, min, max and mean of the points held") {
  point_ring ring{10};
  for (double v : {10.0, 40.0, 20.0, 30.0})
    ring.push({0, v});
  auto s = ring.stats();
  CHECK(s.current == 30);
  CHECK(s.min == 10);
  CHECK(s.max == 40);
  CHECK(s.avg == doctest::Approx(25));
}

TEST_CASE("stats forget points the ring has overwritten") {
  point_ring ring{3};
  for (double v : {10.0, 40.0, 20.0, 30.0})
    ring.push({0, v});
  auto s = ring.stats();
  CHECK(s.current == 30);
  CHECK(s.min == 20);
  CHECK(s.max == 40);
  CHECK(s.avg == doctest::Approx(30));
}

TEST_CASE("stats of an empty ring are all zero") {
  point_ring ring{5};
  auto s = ring.stats();
  CHECK(s.current == 0);
  CHECK(s.min == 0);
  CHECK(s.max == 0);
  CHECK(s.avg == 0);
}

TEST_CASE("snapshot carries each series' stats") {
  series_window w{make_config(10)};
  w.add("a", make_sample("a", 1, 5), 1);
  w.add("a", make_sample("a", 2, 15), 2);
  auto s = find_series(w, "a").stats;
  CHECK(s.current == 15);
  CHECK(s.min == 5);
  CHECK(s.max == 15);
  CHECK(s.avg == doctest::Approx(10));
}

TEST_CASE("capacity 0 behaves as capacity 1") {
  point_ring ring{0};
  CHECK(ring.capacity() == 1);
  ring.push({1, 10});
  ring.push({2, 20});
  CHECK(ring.size() == 1);
  CHECK(ring.back() == point{2, 20});
  CHECK(ring.to_vector() == std::vector<point>{{2, 20}});
  series_window w{make_config(0)};
  w.add("a", make_sample("a", 1, 10), 1);
  w.add("a", make_sample("a", 2, 20), 2);
  CHECK(find_series(w, "a").points == std::vector<point>{{2, 20}});
}

TEST_CASE("points that arrive out of order are all kept") {
  series_window w{make_config(10)};
  w.add("a", make_sample("a", 30, 3), 1);
  w.add("a", make_sample("a", 10, 1), 2);
  w.add("a", make_sample("a", 20, 2), 3);
  auto points = find_series(w, "a").points;
  REQUIRE(points.size() == 3);
  std::vector<int64_t> stamps;
  for (const auto& p : points)
    stamps.push_back(p.ts_ns);
  std::sort(stamps.begin(), stamps.end());
  CHECK(stamps == std::vector<int64_t>{10, 20, 30});
}

TEST_CASE("each series reserves its window in the point budget: past it a "
          "new series is refused, and an expired one frees its share") {
  window_config cfg;
  cfg.capacity = 100;
  cfg.max_points = 250;
  auto budget = std::make_shared<point_budget>(point_budget{250, 0});
  series_window cpu{cfg, budget};
  series_window mem{cfg, budget};
  // Rings grow as points arrive, not all at once.
  CHECK(cpu.add("a", make_sample("a", 1, 1), 1));
  CHECK(cpu.points() == 1);
  CHECK(budget->reserved == 100);
  // Two series of 100 fit 250 across both panels; the third does not.
  CHECK(mem.add_point("a", {1, 5}, 1));
  CHECK_FALSE(cpu.add("b", make_sample("b", 1, 2), 1));
  CHECK_FALSE(mem.add_point("b", {1, 5}, 1));
  // A held series keeps taking points up to its window.
  for (int64_t i = 2; i <= 150; ++i)
    CHECK(cpu.add("a", make_sample("a", i, 1), i));
  CHECK(cpu.points() == 100);
  CHECK(find_series(cpu, "a").points.back().ts_ns == 150);
  // Expiring a series gives its reservation back.
  mem.expire(1 + cfg.expire_ns + 1);
  CHECK(budget->reserved == 100);
  CHECK(cpu.add("b", make_sample("b", 200, 2), 200));
}
