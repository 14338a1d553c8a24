#pragma once

// The fleet view's data: every host of a panel on a grid of time bins, so a
// heatmap of 10,000 hosts and the fleet's percentiles cost a pass over a few
// megabytes of floats per frame instead of a copy of every host's points.
// Pure logic: no actor, no clock of its own (callers pass times in).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "messages/snapshot.hpp"

namespace kscope {

/// Which view a panel is drawn in (--view, key f).
enum class fleet_view : uint8_t {
  /// Lines up to --fleet-at series, the fleet view beyond.
  automatic,
  lines,
  fleet,
};

/// "auto", "lines", "fleet".
const char* to_string(fleet_view x);
std::optional<fleet_view> parse_fleet_view(std::string_view x);

/// "current", "average", "name".
const char* to_string(fleet_sort x);
std::optional<fleet_sort> parse_fleet_sort(std::string_view x);
/// current -> average -> name -> current (key o).
fleet_sort next(fleet_sort x);

/// Bin width of the fleet grid for samples `spacing_ns` apart: 10 % wider,
/// rounded to 10 ms, so a little jitter never leaves a bin empty.
int64_t fleet_bin_for(int64_t spacing_ns) noexcept;

/// Hosts x time bins of one panel. A host's row holds the highest value it
/// sent in each of the last `cols` bins (bins aligned to the epoch, `bin_ns`
/// wide), its newest value and the mean of what its row holds. Percentiles
/// per bin are cached and recomputed only for bins that changed.
class fleet_grid {
public:
  /// A grid of `cols` bins (the window's points per series) of `bin_ns`.
  fleet_grid(size_t cols, int64_t bin_ns);

  /// Adds a value of `host` measured at `ts_ns` and taken at `arrival_ns`
  /// (this machine's clock, for expiry). Within one bin the highest value
  /// stays; a value older than the row's last `cols` bins is ignored.
  void add(const std::string& host, int64_t ts_ns, double value,
           int64_t arrival_ns, uint32_t color_index = 0);

  /// Drops hosts whose last arrival is more than `expire_ns` before
  /// `now_ns`; 0 keeps hosts forever. Returns how many were dropped.
  size_t expire(int64_t now_ns, int64_t expire_ns);

  /// Forgets everything and uses bins of `bin_ns` from now on.
  void reset(int64_t bin_ns);

  /// The heatmap of at most `max_rows` rows ending at the bin holding
  /// `now_ns`, hosts ordered by `order`, the first `top` hosts named, and
  /// the fleet's p50, p90 and max per bin as three series (colour indexes
  /// 0, 3 and 1 of the default palette: red, yellow, green would read as
  /// alarm levels; max red, p90 yellow, p50 green). A host that has not
  /// sent in the newest bin yet shows its value of the bin before there,
  /// so the right edge does not flicker while a round of samples arrives.
  fleet_snapshot snapshot(int64_t now_ns, fleet_sort order, size_t max_rows,
                          size_t top,
                          std::vector<series_snapshot>& percentiles);

  size_t hosts() const noexcept {
    return index_.size();
  }

  int64_t bin_ns() const noexcept {
    return bin_ns_;
  }

  size_t cols() const noexcept {
    return cols_;
  }

private:
  struct row {
    std::string name;
    /// Newest bin written; INT64_MIN when none.
    int64_t newest_bin = 0;
    double current = 0;
    double sum = 0;
    uint32_t count = 0;
    int64_t last_arrival_ns = 0;
    uint32_t color_index = 0;
    bool used = false;
  };

  /// Percentiles of one bin, valid while `bin` matches and not `dirty`.
  struct bin_stats {
    int64_t bin = 0;
    bool dirty = true;
    uint32_t n = 0;
    float p50 = 0;
    float p90 = 0;
    float max = 0;
  };

  float* cells(size_t slot) {
    return cells_.data() + slot * cols_;
  }

  const float* cells(size_t slot) const {
    return cells_.data() + slot * cols_;
  }

  size_t column_of(int64_t bin) const noexcept;

  /// The value row `slot` shows in `bin` (NaN when none); `carry` lets the
  /// newest bin fall back to the one before it.
  float value_at(size_t slot, int64_t bin, bool carry) const;

  void mark(int64_t bin);

  size_t cols_;
  int64_t bin_ns_;
  std::vector<float> cells_;
  std::vector<row> rows_;
  std::vector<size_t> free_;
  std::unordered_map<std::string, size_t> index_;
  std::vector<bin_stats> stats_;
  /// Scratch buffers reused across snapshots.
  std::vector<size_t> order_;
  std::vector<float> values_;
};

/// Floor division of a time by a bin width (both in ns, width > 0).
int64_t bin_of(int64_t ts_ns, int64_t bin_ns) noexcept;

} // namespace kscope
