#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/alerts.hpp"
#include "messages/codec.hpp"
#include "messages/status.hpp"

namespace kscope {

/// One point of a series: when it was measured and its value in percent.
struct point {
  int64_t ts_ns = 0;
  double value = 0;
};

inline bool operator==(const point& x, const point& y) {
  return x.ts_ns == y.ts_ns && x.value == y.value;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, point& x) {
  return f(caf::meta::type_name("point"), x.ts_ns, x.value);
}

/// Current, minimum, maximum and mean of the points a series holds.
struct series_stats {
  double current = 0;
  double min = 0;
  double max = 0;
  double avg = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, series_stats& x) {
  return f(caf::meta::type_name("series_stats"), x.current, x.min, x.max,
           x.avg);
}

/// The latest points of one series, oldest first.
struct series_snapshot {
  /// A producing host ("web-1"), a host's core ("web-1/cpu3"), or the topic
  /// name for payloads that carry no host (the seed format).
  std::string name;
  std::vector<point> points;
  series_stats stats;
  /// Position of this series in first-seen order; picks its colour, so a
  /// series keeps its colour while others come and go (and a host has one
  /// colour in every panel).
  uint32_t color_index = 0;
  /// What the newest point stands for, beyond its value ("rx 1.2 MB/s tx
  /// 0.3 MB/s", "used 3.1 GiB of 15.6 GiB"); empty when the value says all.
  std::string detail;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, series_snapshot& x) {
  return f(caf::meta::type_name("series_snapshot"), x.name, x.points, x.stats,
           x.color_index, x.detail);
}

/// How the fleet view orders its hosts (key `o` cycles).
enum class fleet_sort : uint8_t {
  /// Highest newest value first.
  current,
  /// Highest mean over the window first.
  average,
  /// By name, ascending (a rack or a naming scheme shows as bands).
  name,
};

constexpr size_t fleet_sort_count = 3;

/// A host named in the fleet view: one of the top hosts by the sort key.
struct ranked_host {
  std::string name;
  double current = 0;
  double average = 0;
  uint32_t color_index = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ranked_host& x) {
  return f(caf::meta::type_name("ranked_host"), x.name, x.current, x.average,
           x.color_index);
}

/// A panel's hosts as a heatmap of hosts x time, for more series than
/// lines can show. Rows follow the sort order (row 0 first); with more
/// hosts than rows, each row holds `hosts_per_row` consecutive hosts and
/// shows the highest of their values, so one hot host is never averaged
/// away. Columns are time bins of `bin_ns` aligned to the epoch, the last
/// one holding now. The panel's `series` then hold the fleet's p50, p90
/// and max per bin instead of one series per host.
struct fleet_snapshot {
  /// Hosts in the panel; 0 when the panel is drawn as lines.
  uint32_t hosts = 0;
  uint32_t rows = 0;
  uint32_t cols = 0;
  uint32_t hosts_per_row = 1;
  int64_t bin_ns = 0;
  /// Start of column 0's bin, ns since the epoch.
  int64_t first_bin_ns = 0;
  /// rows x cols values, row-major; NaN where no host of the row sent
  /// anything in that bin.
  std::vector<float> heat;
  /// The first hosts in sort order (by current value when sorted by name).
  std::vector<ranked_host> top;
  fleet_sort sort = fleet_sort::current;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fleet_snapshot& x) {
  return f(caf::meta::type_name("fleet_snapshot"), x.hosts, x.rows, x.cols,
           x.hosts_per_row, x.bin_ns, x.first_bin_ns, x.heat, x.top, x.sort);
}

/// The series of one panel: one kind of metric, a series per host (or,
/// in the fleet view, the fleet's percentiles and `fleet`).
struct panel_snapshot {
  metric_kind kind = metric_kind::cpu;
  std::vector<series_snapshot> series;
  fleet_snapshot fleet;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, panel_snapshot& x) {
  return f(caf::meta::type_name("panel_snapshot"), x.kind, x.series, x.fleet);
}

/// What the viewer tells the user about the stream.
struct viewer_status {
  /// Valid samples received so far.
  uint64_t received = 0;
  /// Valid samples per second over the last second.
  double rate = 0;
  /// Of the valid samples received, those left out of the chart: for a new
  /// series beyond the window's series cap, or stamped too far from this
  /// machine's clock. Both are still written to --csv.
  uint64_t refused = 0;
  uint64_t skewed = 0;
  /// Distinct hosts whose new series did not fit the window's point
  /// budget (--budget) and are not drawn, over the last --expire.
  uint64_t hosts_over_budget = 0;
  /// Samples of hosts that --hosts does not match, left out.
  uint64_t filtered = 0;
  /// With --alert rules: alerts firing now and transitions so far.
  bool alerting = false;
  uint64_t alerts_firing = 0;
  uint64_t alert_events = 0;
  /// Payloads that did not decode, by decode_error (index 0 unused).
  std::array<uint64_t, decode_error_count> malformed{};
  /// Lines of measurements kscope does not draw, skipped.
  uint64_t skipped = 0;
  /// Sample timestamp to the moment the window took it, in milliseconds:
  /// median and maximum over the last second; negative when unknown.
  double latency_ms = -1;
  double latency_max_ms = -1;
  /// Sample timestamp to the snapshot that first holds it (the picture the
  /// renderer draws next), over the whole run: p50, p99 and maximum in
  /// milliseconds; negative until a sample was drawn.
  double screen_p50_ms = -1;
  double screen_p99_ms = -1;
  double screen_max_ms = -1;
  broker_state state = broker_state::connecting;
  /// Whole seconds `state` has held.
  uint64_t state_age_s = 0;
  std::string last_error;
  /// True while the user has paused the display.
  bool paused = false;
  /// A few seconds' word from the renderer on the chart itself ("saved
  /// kscope-....png", why a PNG could not be saved); empty otherwise.
  std::string notice;

  bool operator==(const viewer_status& y) const {
    return received == y.received && rate == y.rate && refused == y.refused
           && skewed == y.skewed && hosts_over_budget == y.hosts_over_budget
           && filtered == y.filtered && alerting == y.alerting
           && alerts_firing == y.alerts_firing
           && alert_events == y.alert_events
           && malformed == y.malformed && skipped == y.skipped
           && latency_ms == y.latency_ms
           && latency_max_ms == y.latency_max_ms
           && screen_p50_ms == y.screen_p50_ms
           && screen_p99_ms == y.screen_p99_ms
           && screen_max_ms == y.screen_max_ms && state == y.state
           && state_age_s == y.state_age_s
           && last_error == y.last_error && paused == y.paused
           && notice == y.notice;
  }

  bool operator!=(const viewer_status& y) const {
    return !(*this == y);
  }

  uint64_t malformed_total() const {
    uint64_t n = 0;
    for (auto x : malformed)
      n += x;
    return n;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, viewer_status& x) {
  return f(caf::meta::type_name("viewer_status"), x.received, x.rate,
           x.refused, x.skewed, x.hosts_over_budget, x.filtered, x.alerting,
           x.alerts_firing, x.alert_events, x.malformed,
           x.skipped, x.latency_ms, x.latency_max_ms, x.screen_p50_ms,
           x.screen_p99_ms, x.screen_max_ms, x.state, x.state_age_s,
           x.last_error, x.paused, x.notice);
}

/// An immutable picture of the window at one moment: all the renderer
/// draws. Built by the window actor, never changed after sending.
struct snapshot {
  /// Wall clock when the snapshot was taken (right edge of the x axis).
  int64_t now_ns = 0;
  /// The CPU chart's series when it is the only chart (the original's
  /// picture); empty when `panels` holds the charts.
  std::vector<series_snapshot> series;
  /// One chart per metric kind, in the order drawn, when there are several
  /// (or the one chart is not CPU).
  std::vector<panel_snapshot> panels;
  viewer_status status;
  /// Bumped by the window whenever `series` changed (a point added, a
  /// series expired): equal revisions hold equal series, so a renderer can
  /// skip a frame in which nothing but the clock moved.
  uint64_t revision = 0;
  /// With --alert rules: their thresholds, drawn on their panels, and the
  /// firing alerts (at most 50, most severe and oldest first).
  std::vector<threshold_line> thresholds;
  std::vector<firing_alert> firing;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, snapshot& x) {
  return f(caf::meta::type_name("snapshot"), x.now_ns, x.series, x.panels,
           x.status, x.revision, x.thresholds, x.firing);
}

} // namespace kscope
