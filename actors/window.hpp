#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_clock.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/logic/fleet_grid.hpp"
#include "actors/logic/latency_histogram.hpp"
#include "actors/logic/panel_values.hpp"
#include "actors/logic/series_window.hpp"
#include "messages/interfaces.hpp"
#include "messages/sample.hpp"
#include "messages/snapshot.hpp"
#include "messages/status.hpp"

namespace kscope {

/// How often the window emits, and where it records.
struct window_actor_config {
  window_config window;
  /// Snapshots per second sent to the renderer (the chart scrolls with
  /// time even when no data arrives).
  double fps = 10;
  /// Appends every valid sample as CSV (host,seq,ts_ns,metric,value) when
  /// set.
  std::shared_ptr<std::FILE> csv;
  /// When set, called with every sample the window takes and the wall-clock
  /// time (ns since the epoch) it took it. Unset in the roles; `kscope
  /// bench` records every sample-to-window latency with it (the status
  /// only keeps a median and maximum per second). Runs in the window actor:
  /// it must be cheap, and must not touch the window.
  std::function<void(const sample&, int64_t)> on_sample;
  /// Samples stamped further than this from this machine's clock (past or
  /// future) are counted as clock-skewed and left out of the chart and the
  /// latency; 0 takes every time.
  int64_t max_skew_ns = 300'000'000'000;
  /// The charts drawn, in order, one per metric kind; empty: every kind
  /// that has arrived, in the order of metric_kind.
  std::vector<metric_kind> panels;
  /// Lines, the fleet view, or lines up to `fleet_at` series per panel and
  /// the fleet view beyond (key f switches by hand).
  fleet_view view = fleet_view::automatic;
  size_t fleet_at = 32;
  fleet_sort sort = fleet_sort::current;
  /// Most heatmap rows sent per panel (hosts share rows beyond it) and
  /// hosts named beside it.
  size_t fleet_rows = 256;
  size_t fleet_top = 10;
  /// --hosts: only hosts this matches (anywhere in the name) are kept;
  /// null keeps every host.
  std::shared_ptr<const std::regex> hosts;
  /// With --alert rules: their thresholds (drawn on their panels), and
  /// whether the status line speaks of alerts.
  std::vector<threshold_line> thresholds;
  bool alerting = false;
};

struct window_state {
  static inline const char* name = "kscope.window";
  /// One series window per metric kind, made when its panel is first
  /// needed; all share one point budget and one colour per host.
  std::array<std::unique_ptr<series_window>, metric_kind_count> panels;
  /// The same hosts on the fleet view's grid, per panel.
  std::array<std::unique_ptr<fleet_grid>, metric_kind_count> grids;
  fleet_view view = fleet_view::automatic;
  fleet_sort sort = fleet_sort::current;
  /// Whether each panel was last sent as the fleet view (key f flips what
  /// is shown).
  std::array<bool, metric_kind_count> shown_as_fleet{};
  /// --hosts verdicts by host name, so the regex runs once per host.
  std::unordered_map<std::string, bool> host_verdicts;
  /// Hosts refused for the budget, with when they were last refused.
  std::unordered_map<std::string, int64_t> over_budget;
  /// The panels drawn, in order.
  std::vector<metric_kind> order;
  std::shared_ptr<point_budget> budget;
  std::shared_ptr<color_book> colors;
  /// Baselines of the network and disk counters, per host and device.
  counter_rates rates;
  /// Parts of one host's throughput (and GPUs) at the instant last seen,
  /// per host and kind: Telegraf sends each interface in its own message.
  struct parts {
    int64_t ts_ns = 0;
    double a = 0;
    double b = 0;
  };
  std::unordered_map<std::string, parts> merges;
  viewer_status status;
  /// Latencies (ms) of the samples taken since the last snapshot.
  std::vector<double> latencies;
  /// Timestamps of the samples drawn since the last snapshot, and sample to
  /// snapshot over the run.
  std::vector<int64_t> unshown;
  latency_histogram to_screen;
  /// Samples counted for the rate since rate_since.
  uint64_t rate_count = 0;
  caf::actor_clock::time_point rate_since;
  /// Bumped whenever the series change; copied into each snapshot.
  uint64_t revision = 0;
  /// Where snapshots go: the spawn argument, then whoever subscribed last.
  snapshot_sink renderer;
  /// Where readings go (the alerter that asked last), what waits to go
  /// there, and the alerter's latest word.
  alerter_actor alerter;
  std::vector<metric_reading> readings;
  alert_summary alerts;
};

/// Keeps the latest points per series of every panel and, every 1/fps
/// seconds, sends an immutable `snapshot` to the renderer and the
/// `viewer_status` to `status_sink` (either may be null). A snapshot with
/// the CPU panel alone keeps it in `series`, as the original drew it;
/// otherwise `panels` holds them all. Protocol:
/// - `sample`: add what it holds to each panel (series = sample.host);
///   record latency (now - ts).
/// - `consumer_status`: fold malformed counts and broker state into the
///   viewer status.
/// - `subscribe_atom`: the sender gets the snapshots from now on (a
///   renderer, also one restarted by the supervisor).
/// - `fleet_atom`: every panel switches between lines and the fleet view
///   (whichever the panel does not show now); `sort_atom`: the fleet view's
///   next sort order. The window keeps both across renderer restarts.
/// - `stop_atom`: flush the CSV file, send a last snapshot and status, quit.
window_actor::behavior_type
window(window_actor::stateful_pointer<window_state> self,
       window_actor_config cfg, snapshot_sink renderer,
       viewer_status_sink status_sink);


} // namespace kscope
