#pragma once

// Alert rules and the engine that evaluates them, with the semantics of
// Prometheus's alerting rules: per rule and host, inactive -> pending
// (condition true) -> firing (true for the whole `for`) -> resolved (false
// for the whole `clear`, by default `for`). One event per transition. The
// rule clock is the samples' own time; no-data runs on the caller's clock.
// Pure logic: no actor, no clock of its own, no Kafka.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "messages/alerts.hpp"
#include "messages/metrics.hpp"

namespace kscope {

/// "cpu", "mem", "net", "net.recv", "net.sent", "disk", "disk.read",
/// "disk.write", "load1", "load5", "load15", "gpu".
const char* to_string(alert_metric x);

/// Also takes "load" for load1.
std::optional<alert_metric> parse_alert_metric(std::string_view x);


enum class alert_op : uint8_t { gt, ge, lt, le };

const char* to_string(alert_op x);

const char* to_string(alert_severity x);

/// One rule: `NAME: METRIC OP VALUE [for D] [clear D] [hosts=REGEX]
/// [warning|critical]`.
struct alert_rule {
  std::string name;
  alert_metric metric = alert_metric::cpu;
  alert_op op = alert_op::gt;
  double threshold = 0;
  int64_t for_ns = 0;
  int64_t clear_ns = 0;
  /// Only hosts this matches (anywhere in the name); null: every host.
  std::shared_ptr<const std::regex> hosts;
  std::string hosts_text;
  alert_severity severity = alert_severity::warning;
  /// The rule as written, for messages.
  std::string text;

  bool holds(double value) const;
};

/// Parses one rule; std::nullopt and `err` ("expected ...") when it is
/// malformed. Values take units: 90 or 90% for percentages, 100MB/s,
/// 1.5GB/s, 10kB/s or 512KiB/s for throughput, plain numbers for load.
std::optional<alert_rule> parse_alert_rule(std::string_view text,
                                           std::string& err);

/// The name of the built-in rule raised for a silent host.
constexpr std::string_view no_data_rule = "no-data";

enum class alert_state : uint8_t { inactive, pending, firing };

/// One transition, as published.
struct alert_event {
  std::string rule;
  std::string host;
  /// true: firing; false: resolved.
  bool firing = true;
  double value = 0;
  double threshold = 0;
  /// Sample time of the transition (no-data: the alerter's clock), ns
  /// since the epoch.
  int64_t ts_ns = 0;
  alert_severity severity = alert_severity::warning;
  std::string metric;
  std::string op;
  /// When it started firing (for a resolved event), ns; else ts_ns.
  int64_t since_ns = 0;
};

/// The event as one JSON object: rule, host, state, value, threshold, ts,
/// severity, metric, op, since.
std::string to_json(const alert_event& x);

/// The rules over every host seen.
class alert_engine {
public:
  /// `expire_ns`: a host silent for longer raises no-data; 0 disables it.
  alert_engine(std::vector<alert_rule> rules, int64_t expire_ns);

  /// Evaluates every rule on `x` (taken at `arrival_ns` on the caller's
  /// clock) and appends the transitions to `out`. A reading older than
  /// the host's newest for a rule changes nothing for that rule.
  void observe(const metric_reading& x, int64_t arrival_ns,
               std::vector<alert_event>& out);

  /// Raises no-data for hosts silent for longer than expire_ns at `now_ns`.
  void check_silence(int64_t now_ns, std::vector<alert_event>& out);

  /// Every firing alert (no-data included), oldest first, at most `most`;
  /// `total` gets the count.
  std::vector<firing_alert> firing(size_t most, size_t& total) const;

  const std::vector<alert_rule>& rules() const noexcept {
    return rules_;
  }

  size_t hosts() const noexcept {
    return hosts_.size();
  }

  /// Hosts seen beyond max_hosts, not tracked.
  uint64_t untracked() const noexcept {
    return untracked_;
  }

  static constexpr size_t max_hosts = 100'000;

private:
  struct rule_state {
    alert_state state = alert_state::inactive;
    bool applies = true;
    int64_t last_ts = 0;
    /// Condition true since (pending, firing), false since (clearing).
    int64_t since_ns = 0;
    int64_t clear_since_ns = 0;
    bool clearing = false;
    int64_t fired_ns = 0;
    double value = 0;
  };

  struct host_state {
    int64_t last_arrival_ns = 0;
    bool silent = false;
    int64_t silent_since_ns = 0;
    std::vector<rule_state> rules;
  };

  alert_event event(const alert_rule& r, const std::string& host, bool firing,
                    double value, int64_t ts, int64_t since) const;

  std::vector<alert_rule> rules_;
  int64_t expire_ns_;
  std::unordered_map<std::string, host_state> hosts_;
  uint64_t untracked_ = 0;
};

} // namespace kscope
