#include "actors/logic/fleet_grid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace kscope {

namespace {

constexpr int64_t no_bin = std::numeric_limits<int64_t>::min();
constexpr float no_value = std::numeric_limits<float>::quiet_NaN();

/// Colour indexes of the percentile lines in the default palette.
constexpr uint32_t p50_color = 1; // green
constexpr uint32_t p90_color = 3; // yellow
constexpr uint32_t max_color = 0; // red

bool older_than(int64_t then, int64_t now, int64_t limit) noexcept {
  if (now <= then)
    return false;
  auto elapsed = static_cast<uint64_t>(now) - static_cast<uint64_t>(then);
  return elapsed > static_cast<uint64_t>(limit);
}

/// The k-th smallest of `xs` for quantile q (nearest rank), reordering xs.
float quantile(std::vector<float>& xs, double q) {
  auto n = xs.size();
  auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(n)));
  auto k = std::min(n - 1, rank > 0 ? rank - 1 : 0);
  std::nth_element(xs.begin(), xs.begin() + static_cast<ptrdiff_t>(k),
                   xs.end());
  return xs[k];
}

series_stats stats_of(const std::vector<point>& pts) {
  series_stats out;
  if (pts.empty())
    return out;
  out.min = pts.front().value;
  out.max = pts.front().value;
  double sum = 0;
  for (auto& p : pts) {
    out.min = std::min(out.min, p.value);
    out.max = std::max(out.max, p.value);
    sum += p.value;
  }
  out.current = pts.back().value;
  out.avg = sum / static_cast<double>(pts.size());
  return out;
}

} // namespace

const char* to_string(fleet_view x) {
  switch (x) {
    case fleet_view::automatic:
      return "auto";
    case fleet_view::lines:
      return "lines";
    case fleet_view::fleet:
      return "fleet";
  }
  return "auto";
}

std::optional<fleet_view> parse_fleet_view(std::string_view x) {
  for (auto v : {fleet_view::automatic, fleet_view::lines, fleet_view::fleet})
    if (x == to_string(v))
      return v;
  return std::nullopt;
}

const char* to_string(fleet_sort x) {
  switch (x) {
    case fleet_sort::current:
      return "current";
    case fleet_sort::average:
      return "average";
    case fleet_sort::name:
      return "name";
  }
  return "current";
}

std::optional<fleet_sort> parse_fleet_sort(std::string_view x) {
  for (auto v : {fleet_sort::current, fleet_sort::average, fleet_sort::name})
    if (x == to_string(v))
      return v;
  return std::nullopt;
}

fleet_sort next(fleet_sort x) {
  return static_cast<fleet_sort>((static_cast<size_t>(x) + 1)
                                 % fleet_sort_count);
}

int64_t fleet_bin_for(int64_t spacing_ns) noexcept {
  constexpr int64_t step = 10'000'000;
  constexpr int64_t most = 3'600'000'000'000; // an hour
  auto wider = std::clamp<int64_t>(spacing_ns, step, most) / 10 * 11;
  return std::max<int64_t>(step, (wider + step / 2) / step * step);
}

int64_t bin_of(int64_t ts_ns, int64_t bin_ns) noexcept {
  auto q = ts_ns / bin_ns;
  return (ts_ns % bin_ns != 0 && ts_ns < 0) ? q - 1 : q;
}

fleet_grid::fleet_grid(size_t cols, int64_t bin_ns)
  : cols_(std::max<size_t>(cols, 1)), bin_ns_(std::max<int64_t>(bin_ns, 1)) {
  stats_.resize(cols_);
  for (auto& s : stats_)
    s.bin = no_bin;
}

size_t fleet_grid::column_of(int64_t bin) const noexcept {
  auto m = bin % static_cast<int64_t>(cols_);
  return static_cast<size_t>(m < 0 ? m + static_cast<int64_t>(cols_) : m);
}

void fleet_grid::mark(int64_t bin) {
  auto& s = stats_[column_of(bin)];
  s.bin = bin;
  s.dirty = true;
}

void fleet_grid::add(const std::string& host, int64_t ts_ns, double value,
                     int64_t arrival_ns, uint32_t color_index) {
  if (!std::isfinite(value))
    return;
  size_t slot;
  if (auto i = index_.find(host); i != index_.end()) {
    slot = i->second;
  } else {
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      slot = rows_.size();
      rows_.emplace_back();
      cells_.resize(cells_.size() + cols_);
    }
    auto& r = rows_[slot];
    r = row{};
    r.name = host;
    r.newest_bin = no_bin;
    r.used = true;
    std::fill_n(cells(slot), cols_, no_value);
    index_.emplace(host, slot);
  }
  auto& r = rows_[slot];
  r.last_arrival_ns = arrival_ns;
  r.color_index = color_index;
  auto bin = bin_of(ts_ns, bin_ns_);
  auto* c = cells(slot);
  auto cols = static_cast<int64_t>(cols_);
  if (r.newest_bin == no_bin) {
    r.newest_bin = bin;
  } else if (bin > r.newest_bin) {
    // The bins between fall out of the row's window: clear their cells
    // (at most one lap of the ring).
    auto steps = std::min(bin - r.newest_bin, cols);
    for (int64_t k = 1; k <= steps; ++k) {
      auto& cell = c[column_of(r.newest_bin + k)];
      if (!std::isnan(cell)) {
        r.sum -= cell;
        --r.count;
        cell = no_value;
      }
    }
    r.newest_bin = bin;
  } else if (bin <= r.newest_bin - cols) {
    return; // older than anything the row holds
  }
  auto v = static_cast<float>(value);
  auto& cell = c[column_of(bin)];
  if (std::isnan(cell)) {
    cell = v;
    r.sum += v;
    ++r.count;
  } else if (v > cell) {
    r.sum += v - cell;
    cell = v;
  }
  if (bin == r.newest_bin)
    r.current = value;
  mark(bin);
}

size_t fleet_grid::expire(int64_t now_ns, int64_t expire_ns) {
  if (expire_ns <= 0)
    return 0;
  size_t dropped = 0;
  for (size_t slot = 0; slot < rows_.size(); ++slot) {
    auto& r = rows_[slot];
    if (!r.used || !older_than(r.last_arrival_ns, now_ns, expire_ns))
      continue;
    index_.erase(r.name);
    r = row{};
    free_.push_back(slot);
    ++dropped;
  }
  if (dropped > 0)
    for (auto& s : stats_)
      s.dirty = true;
  return dropped;
}

void fleet_grid::reset(int64_t bin_ns) {
  bin_ns_ = std::max<int64_t>(bin_ns, 1);
  cells_.clear();
  rows_.clear();
  free_.clear();
  index_.clear();
  for (auto& s : stats_) {
    s.bin = no_bin;
    s.dirty = true;
  }
}

float fleet_grid::value_at(size_t slot, int64_t bin, bool carry) const {
  const auto& r = rows_[slot];
  auto cols = static_cast<int64_t>(cols_);
  auto held = [&](int64_t b) {
    return b <= r.newest_bin && b > r.newest_bin - cols;
  };
  if (held(bin)) {
    auto v = cells(slot)[column_of(bin)];
    if (!std::isnan(v) || !carry)
      return v;
  }
  if (carry && held(bin - 1))
    return cells(slot)[column_of(bin - 1)];
  return no_value;
}

fleet_snapshot fleet_grid::snapshot(int64_t now_ns, fleet_sort sort,
                                    size_t max_rows, size_t top,
                                    std::vector<series_snapshot>& pcts) {
  fleet_snapshot out;
  out.sort = sort;
  out.bin_ns = bin_ns_;
  out.cols = static_cast<uint32_t>(cols_);
  auto newest = bin_of(now_ns, bin_ns_);
  auto first = newest - static_cast<int64_t>(cols_) + 1;
  out.first_bin_ns = first * bin_ns_;
  // Hosts in sort order.
  order_.clear();
  for (size_t slot = 0; slot < rows_.size(); ++slot)
    if (rows_[slot].used)
      order_.push_back(slot);
  auto n = order_.size();
  out.hosts = static_cast<uint32_t>(n);
  auto avg = [this](size_t slot) {
    const auto& r = rows_[slot];
    return r.count > 0 ? r.sum / r.count : 0.0;
  };
  auto by_current = [this](size_t a, size_t b) {
    const auto& x = rows_[a];
    const auto& y = rows_[b];
    return x.current != y.current ? x.current > y.current : x.name < y.name;
  };
  switch (sort) {
    case fleet_sort::current:
      std::sort(order_.begin(), order_.end(), by_current);
      break;
    case fleet_sort::average:
      std::sort(order_.begin(), order_.end(), [&](size_t a, size_t b) {
        auto x = avg(a);
        auto y = avg(b);
        return x != y ? x > y : rows_[a].name < rows_[b].name;
      });
      break;
    case fleet_sort::name:
      std::sort(order_.begin(), order_.end(), [this](size_t a, size_t b) {
        return rows_[a].name < rows_[b].name;
      });
      break;
  }
  // The heatmap: consecutive hosts share a row, which shows their highest.
  auto rows = std::min(n, std::max<size_t>(max_rows, 1));
  auto per_row = rows > 0 ? (n + rows - 1) / rows : 1;
  if (per_row > 0 && n > 0)
    rows = (n + per_row - 1) / per_row;
  out.rows = static_cast<uint32_t>(rows);
  out.hosts_per_row = static_cast<uint32_t>(per_row);
  out.heat.assign(rows * cols_, no_value);
  auto cols = static_cast<int64_t>(cols_);
  for (size_t i = 0; i < n; ++i) {
    auto slot = order_[i];
    const auto& r = rows_[slot];
    auto* dst = out.heat.data() + (i / per_row) * cols_;
    // Columns the row holds: bins in (newest_bin - cols, newest_bin].
    auto lo = std::max<int64_t>(0, r.newest_bin - cols + 1 - first);
    auto hi = std::min<int64_t>(cols - 1, r.newest_bin - first);
    const auto* src = cells(slot);
    auto k = lo <= hi ? column_of(first + lo) : 0;
    for (auto c = lo; c <= hi; ++c) {
      auto v = src[k];
      if (++k == cols_)
        k = 0;
      // NaN compares false: an empty cell never replaces anything.
      if (v > dst[c] || std::isnan(dst[c]))
        dst[c] = v;
    }
    // The newest column: the bin before it while the host has not sent.
    auto& last = dst[cols_ - 1];
    auto v = value_at(slot, newest, true);
    if (v > last || std::isnan(last))
      last = v;
  }
  // The first hosts, named; sorted by name, the hottest instead.
  if (sort == fleet_sort::name && top > 0 && n > 0) {
    auto k = std::min(top, n);
    std::partial_sort(order_.begin(), order_.begin() + static_cast<ptrdiff_t>(k),
                      order_.end(), by_current);
  }
  for (size_t i = 0; i < n && i < top; ++i) {
    const auto& r = rows_[order_[i]];
    out.top.push_back(ranked_host{r.name, r.current, avg(order_[i]),
                                  r.color_index});
  }
  // p50, p90 and max per bin, recomputed where a value changed (and the
  // newest bin always, since it carries the bin before it).
  pcts.assign(3, series_snapshot{});
  pcts[0].name = "p50";
  pcts[0].color_index = p50_color;
  pcts[1].name = "p90";
  pcts[1].color_index = p90_color;
  pcts[2].name = "max";
  pcts[2].color_index = max_color;
  for (int64_t bin = first; bin <= newest; ++bin) {
    auto& s = stats_[column_of(bin)];
    if (s.bin != bin || s.dirty || bin == newest) {
      values_.clear();
      for (size_t slot = 0; slot < rows_.size(); ++slot) {
        if (!rows_[slot].used)
          continue;
        auto v = value_at(slot, bin, bin == newest);
        if (!std::isnan(v))
          values_.push_back(v);
      }
      s.bin = bin;
      s.dirty = false;
      s.n = static_cast<uint32_t>(values_.size());
      if (!values_.empty()) {
        s.max = *std::max_element(values_.begin(), values_.end());
        s.p90 = quantile(values_, 0.9);
        s.p50 = quantile(values_, 0.5);
      }
    }
    if (s.n == 0)
      continue;
    auto mid = bin * bin_ns_ + bin_ns_ / 2;
    pcts[0].points.push_back(point{mid, s.p50});
    pcts[1].points.push_back(point{mid, s.p90});
    pcts[2].points.push_back(point{mid, s.max});
  }
  for (auto& p : pcts)
    p.stats = stats_of(p.points);
  return out;
}

} // namespace kscope
