#pragma once

// What the window, the alerter and the renderer exchange about alerts.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/metrics.hpp"

namespace kscope {

/// What a rule can watch: every value a panel draws and its parts.
enum class alert_metric : uint8_t {
  cpu,
  mem,
  net,
  net_recv,
  net_sent,
  disk,
  disk_read,
  disk_write,
  load1,
  load5,
  load15,
  gpu,
};

constexpr size_t alert_metric_count = 12;

enum class alert_severity : uint8_t { warning, critical };

/// The panel whose drawn value `x` is (a rule's threshold is drawn there);
/// false for a part (net.recv, disk.write) and load5/load15, which no panel
/// draws.
inline bool panel_of(alert_metric x, metric_kind& out) {
  switch (x) {
    case alert_metric::cpu:
      out = metric_kind::cpu;
      return true;
    case alert_metric::mem:
      out = metric_kind::mem;
      return true;
    case alert_metric::net:
      out = metric_kind::net;
      return true;
    case alert_metric::disk:
      out = metric_kind::disk;
      return true;
    case alert_metric::load1:
      out = metric_kind::load;
      return true;
    case alert_metric::gpu:
      out = metric_kind::gpu;
      return true;
    default:
      return false;
  }
}

/// The values of one host at one instant, by alert_metric; NaN where the
/// sample held nothing (or no rate yet). The window sends these to the
/// alerter: the rates of counters are computed once, there.
struct metric_reading {
  std::string host;
  int64_t ts_ns = 0;
  std::array<double, alert_metric_count> values;

  metric_reading() {
    values.fill(std::numeric_limits<double>::quiet_NaN());
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, metric_reading& x) {
  return f(caf::meta::type_name("metric_reading"), x.host, x.ts_ns, x.values);
}

/// A firing alert, for display.
struct firing_alert {
  std::string rule;
  std::string host;
  double value = 0;
  int64_t since_ns = 0;
  alert_severity severity = alert_severity::warning;
  alert_metric metric = alert_metric::cpu;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, firing_alert& x) {
  return f(caf::meta::type_name("firing_alert"), x.rule, x.host, x.value,
           x.since_ns, x.severity, x.metric);
}

/// The alerter's word to the window, every second and after events: the
/// firing alerts (most severe and oldest first, at most 50) and counts.
struct alert_summary {
  std::vector<firing_alert> firing;
  uint64_t firing_total = 0;
  /// Transitions so far (firing and resolved).
  uint64_t events = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alert_summary& x) {
  return f(caf::meta::type_name("alert_summary"), x.firing, x.firing_total,
           x.events);
}

/// A rule's threshold, drawn on the panel of its metric.
struct threshold_line {
  metric_kind panel = metric_kind::cpu;
  double value = 0;
  std::string label;
  alert_severity severity = alert_severity::warning;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, threshold_line& x) {
  return f(caf::meta::type_name("threshold_line"), x.panel, x.value, x.label,
           x.severity);
}

} // namespace kscope
