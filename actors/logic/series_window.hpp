#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "messages/sample.hpp"
#include "messages/snapshot.hpp"

namespace kscope {

/// How the window groups and bounds what arrives.
struct window_config {
  /// Points kept per series (the original: 200).
  size_t capacity = 200;
  /// Also keep one series per core, named "<series>/cpu<N>".
  bool per_core = false;
  /// A series that received nothing for this long is dropped; 0 keeps
  /// series forever.
  int64_t expire_ns = 60'000'000'000;
  /// The point budget (--budget): most points held across the series of
  /// every panel. Each series reserves `capacity` points of it when it
  /// first arrives (its ring then grows as points arrive), so at most
  /// max_points / capacity series are held: 20,000 series of 200 points by
  /// default (64 MB of points at 16 bytes each, plus 4 bytes per point in
  /// the fleet view's grid). A new series beyond it is refused and counted,
  /// so a topic with endless host names cannot exhaust memory.
  size_t max_points = 4'000'000;
};

/// A ring of at most `capacity` points that allocates as points arrive:
/// pushing into a full ring overwrites the oldest. Memory follows what it
/// holds, bounded by the capacity whatever arrives.
class point_ring {
public:
  explicit point_ring(size_t capacity);

  /// Adds `x`; grows when it holds fewer than capacity points and
  /// `may_grow` (a ring always takes its first point), else replaces the
  /// oldest. True when it grew.
  bool push(point x, bool may_grow = true);

  size_t size() const noexcept {
    return buf_.size();
  }

  size_t capacity() const noexcept {
    return capacity_;
  }

  /// The points, oldest first.
  std::vector<point> to_vector() const;

  /// The newest point; the ring must not be empty.
  const point& back() const;

  /// Replaces the newest point; the ring must not be empty.
  void replace_back(point x);

  /// current/min/max/avg over the points held; all zero when empty.
  series_stats stats() const;

private:
  std::vector<point> buf_;
  size_t capacity_;
  /// Oldest point once the ring wrapped (0 while it grows).
  size_t head_ = 0;
};

/// Colour indexes by series name, handed out in first-seen order and shared
/// by the panels, so a host has one colour in every panel.
class color_book {
public:
  /// The index of `name`, the next free one on first sight.
  uint32_t color_of(const std::string& name);

  /// Forgets every name `keep` returns false for (series gone from every
  /// panel); the others keep their indexes.
  template <class Predicate>
  void retain(Predicate keep) {
    for (auto i = map_.begin(); i != map_.end();)
      i = keep(i->first) ? std::next(i) : map_.erase(i);
  }

  size_t size() const noexcept {
    return map_.size();
  }

private:
  std::unordered_map<std::string, uint32_t> map_;
  uint32_t next_ = 0;
};

/// Points reserved by the series windows of all panels, against one total.
struct point_budget {
  size_t max = 0;
  /// Points reserved: `capacity` per series held.
  size_t reserved = 0;
};

/// The latest `capacity` points of every series, keyed by series name.
/// Pure logic: no actor, no clock of its own (callers pass times in).
class series_window {
public:
  /// A window with its own point budget (cfg.max_points) and colours, or
  /// sharing `budget` and `colors` with the windows of other panels.
  explicit series_window(window_config cfg,
                         std::shared_ptr<point_budget> budget = nullptr,
                         std::shared_ptr<color_book> colors = nullptr);

  /// Adds `x` under `name` (and, with per_core, each core under
  /// "<name>/cpu<N>"), as point (x.ts_ns, x.cpu), and records `arrival_ns`
  /// (this machine's clock) as the series' last arrival. Returns false and
  /// adds nothing when `name` is a new series that does not fit the point
  /// budget. Per-core series that do not fit are skipped silently (the
  /// total is still added).
  bool add(const std::string& name, const sample& x, int64_t arrival_ns);

  /// Adds one point under `name`, with what it stands for in `detail`; a
  /// point of the same time as the newest replaces it. Returns false and
  /// adds nothing when `name` is a new series that does not fit the point
  /// budget.
  bool add_point(const std::string& name, point p, int64_t arrival_ns,
                 std::string detail = {});

  /// True when a series of that name is held.
  bool holds(const std::string& name) const {
    return index_.count(name) > 0;
  }

  /// Drops series whose last arrival is more than expire_ns before
  /// `now_ns` (arrival time, since producers' clocks may be off). Returns
  /// how many were dropped. Does nothing when expire_ns is 0.
  size_t expire(int64_t now_ns);

  /// Calls `f(name, points)` for every series, oldest point first, without
  /// copying (the fleet grid is rebuilt from it when its bins change).
  template <class F>
  void for_each(F f) const {
    for (const auto& x : series_)
      f(x.name, x.ring.to_vector());
  }

  /// The colour index of series `name` (0 when not held).
  uint32_t color_of(const std::string& name) const {
    auto i = index_.find(name);
    return i == index_.end() ? 0 : series_[i->second].color_index;
  }

  /// The median spacing of the newest points of up to 64 series, in ns; 0
  /// when no series holds two points.
  int64_t typical_spacing_ns() const;

  /// All series in first-seen order, with their stats.
  std::vector<series_snapshot> snapshot() const;

  size_t series_count() const noexcept {
    return series_.size();
  }

  /// Points held across all series of this window.
  size_t points() const noexcept {
    return total_points_;
  }

  const window_config& config() const noexcept {
    return cfg_;
  }

private:
  struct entry {
    std::string name;
    point_ring ring;
    int64_t last_arrival_ns = 0;
    uint32_t color_index = 0;
    std::string detail;
  };

  entry* find_or_add(const std::string& name);

  void push(entry& e, point p);

  window_config cfg_;
  std::shared_ptr<point_budget> budget_;
  std::shared_ptr<color_book> colors_;
  bool owns_colors_ = false;
  std::vector<entry> series_;
  std::unordered_map<std::string, size_t> index_;
  size_t total_points_ = 0;
};

} // namespace kscope
