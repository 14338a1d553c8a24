#include "actors/logic/fleet_grid.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

using namespace kscope;

namespace {

constexpr int64_t bin = 500'000'000;

/// Start of bin k (bins of 500 ms), far from the epoch like real clocks.
int64_t at(int64_t k) {
  return (3'000'000'000LL + k) * bin;
}

std::string host(int i) {
  return "web-" + std::to_string(i);
}

/// Names of the ranked hosts, in order.
std::vector<std::string> names(const fleet_snapshot& x) {
  std::vector<std::string> out;
  for (auto& h : x.top)
    out.push_back(h.name);
  return out;
}

float cell(const fleet_snapshot& x, size_t row, size_t col) {
  return x.heat[row * x.cols + col];
}

} // namespace

TEST_CASE("fleet bins are 10 % wider than the samples' spacing, in 10 ms") {
  CHECK(fleet_bin_for(500'000'000) == 550'000'000);
  CHECK(fleet_bin_for(10'000'000'000) == 11'000'000'000);
  CHECK(fleet_bin_for(1) == 10'000'000);
  CHECK(bin_of(-1, 10) == -1);
  CHECK(bin_of(10, 10) == 1);
}

TEST_CASE("the heatmap puts the hottest host on top and names the top hosts "
          "by their newest value") {
  fleet_grid g{4, bin};
  for (int i = 0; i < 5; ++i)
    g.add(host(i), at(0), 10.0 * i, 0);
  std::vector<series_snapshot> pcts;
  auto x = g.snapshot(at(0), fleet_sort::current, 100, 3, pcts);
  CHECK(x.hosts == 5);
  CHECK(x.rows == 5);
  CHECK(x.cols == 4);
  CHECK(x.hosts_per_row == 1);
  CHECK(x.first_bin_ns == at(-3));
  CHECK(names(x) == std::vector<std::string>{"web-4", "web-3", "web-2"});
  for (size_t r = 0; r < 5; ++r) {
    CHECK(cell(x, r, 3) == doctest::Approx(10.0 * static_cast<double>(4 - r)));
    // Nothing was sent in the bins before.
    CHECK(std::isnan(cell(x, r, 0)));
  }
}

TEST_CASE("with more hosts than rows, hosts share rows and a row shows the "
          "highest of them, so one hot host is never averaged away") {
  fleet_grid g{2, bin};
  for (int i = 0; i < 1000; ++i)
    g.add(host(i), at(0), i == 777 ? 100.0 : 1.0, 0);
  std::vector<series_snapshot> pcts;
  auto x = g.snapshot(at(0), fleet_sort::name, 10, 5, pcts);
  CHECK(x.rows == 10);
  CHECK(x.hosts_per_row == 100);
  size_t hot_rows = 0;
  for (size_t r = 0; r < x.rows; ++r)
    if (cell(x, r, 1) == 100.0f)
      ++hot_rows;
  CHECK(hot_rows == 1);
  // Sorted by name, the named hosts are still the hottest.
  REQUIRE(!x.top.empty());
  CHECK(x.top.front().name == "web-777");
}

TEST_CASE("the fleet's p50, p90 and max are per bin, and follow a late "
          "sample into an older bin") {
  fleet_grid g{3, bin};
  for (int i = 1; i <= 10; ++i) {
    g.add(host(i), at(0), i, 0);
    g.add(host(i), at(1), 10.0 * i, 0);
  }
  std::vector<series_snapshot> pcts;
  g.snapshot(at(1), fleet_sort::current, 100, 0, pcts);
  REQUIRE(pcts.size() == 3);
  CHECK(pcts[0].name == "p50");
  CHECK(pcts[1].name == "p90");
  CHECK(pcts[2].name == "max");
  // Bins 0 and 1 hold data; the bin before them holds none.
  REQUIRE(pcts[0].points.size() == 2);
  CHECK(pcts[0].points[0].value == 5);
  CHECK(pcts[1].points[0].value == 9);
  CHECK(pcts[2].points[0].value == 10);
  CHECK(pcts[0].points[1].value == 50);
  CHECK(pcts[2].points[1].value == 100);
  CHECK(pcts[2].points[0].ts_ns == at(0) + bin / 2);
  // A late sample of bin 0: the cached percentiles of bin 0 are redone.
  g.add(host(1), at(0) + 1, 1000, 0);
  g.snapshot(at(1), fleet_sort::current, 100, 0, pcts);
  CHECK(pcts[2].points[0].value == 1000);
}

TEST_CASE("a host that has not sent in the newest bin yet shows its value "
          "of the bin before there, not a hole") {
  fleet_grid g{3, bin};
  g.add("a", at(0), 40, 0);
  g.add("b", at(0), 60, 0);
  g.add("b", at(1), 80, 0);
  std::vector<series_snapshot> pcts;
  auto x = g.snapshot(at(1), fleet_sort::current, 100, 2, pcts);
  CHECK(names(x) == std::vector<std::string>{"b", "a"});
  CHECK(cell(x, 0, 2) == 80);
  CHECK(cell(x, 1, 2) == 40); // carried from bin 0
  CHECK(cell(x, 1, 1) == 40);
  // One bin later still, a's last value is no longer carried.
  x = g.snapshot(at(2), fleet_sort::current, 100, 2, pcts);
  CHECK(std::isnan(cell(x, 1, 2)));
}

TEST_CASE("sorting by average ranks a host by its whole window, by current "
          "by its newest value") {
  fleet_grid g{10, bin};
  // steady: 50 throughout; spiky: 0 then one 100 at the end.
  for (int k = 0; k < 10; ++k) {
    g.add("steady", at(k), 50, 0);
    g.add("spiky", at(k), k == 9 ? 100 : 0, 0);
  }
  std::vector<series_snapshot> pcts;
  CHECK(names(g.snapshot(at(9), fleet_sort::current, 100, 2, pcts))
        == std::vector<std::string>{"spiky", "steady"});
  auto by_avg = g.snapshot(at(9), fleet_sort::average, 100, 2, pcts);
  CHECK(names(by_avg) == std::vector<std::string>{"steady", "spiky"});
  CHECK(by_avg.top[1].average == doctest::Approx(10));
  // The window moves on: bins older than 10 leave the row and its mean.
  g.add("spiky", at(18), 100, 0);
  auto later = g.snapshot(at(18), fleet_sort::average, 100, 2, pcts);
  CHECK(later.top[0].name == "spiky");
  CHECK(later.top[0].average == doctest::Approx(100));
}

TEST_CASE("hosts silent for longer than the expiry leave the grid, and "
          "their slots are reused") {
  fleet_grid g{4, bin};
  g.add("old", at(0), 90, 1'000);
  g.add("new", at(0), 10, 5'000);
  CHECK(g.expire(5'000, 3'000) == 1);
  CHECK(g.hosts() == 1);
  g.add("newer", at(1), 20, 6'000);
  CHECK(g.hosts() == 2);
  std::vector<series_snapshot> pcts;
  auto x = g.snapshot(at(1), fleet_sort::current, 100, 5, pcts);
  CHECK(names(x) == std::vector<std::string>{"newer", "new"});
  // The expired host is in no percentile either.
  CHECK(pcts[2].points.front().value == 10);
}

TEST_CASE("reset forgets every host and takes the new bin width") {
  fleet_grid g{4, bin};
  g.add("a", at(0), 1, 0);
  g.reset(2 * bin);
  CHECK(g.hosts() == 0);
  CHECK(g.bin_ns() == 2 * bin);
  std::vector<series_snapshot> pcts;
  auto x = g.snapshot(at(0), fleet_sort::current, 100, 5, pcts);
  CHECK(x.hosts == 0);
  CHECK(x.rows == 0);
  CHECK(pcts[0].points.empty());
}
