#pragma once

// The options of every subcommand as typed values. main/cli.cpp binds flags
// and config-file keys to these fields through parsers that refuse a bad
// value with one line naming the flag; nothing downstream parses a string
// again.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "actors/edges/kafka.hpp"
#include "actors/logic/chart.hpp"
#include "actors/logic/alert_rules.hpp"
#include "actors/logic/fleet_grid.hpp"
#include "messages/codec.hpp"

namespace kscope {

using millis = std::chrono::milliseconds;

/// Options every Kafka-facing subcommand shares (kcat's spelling).
struct kafka_options {
  /// `-b`: comma-separated bootstrap servers, checked; empty means the
  /// role's default.
  std::string brokers;
  /// `-t`
  std::string topic = "test-topic";
  /// `-X key=value`, librdkafka pass-through.
  std::vector<kafka_property> properties;
};

/// `kscope produce`
struct produce_options {
  kafka_options kafka;
  millis interval{500};
  wire_format format = wire_format::json;
  uint64_t count = 0;
  std::string host;
  std::string proc_root = "/proc";
  millis flush_timeout{10000};
  /// `--metrics`; unset: every kind, gpu when NVIDIA's library loads (cpu
  /// only with --format seed).
  std::optional<metric_set> metrics;
  /// `--interfaces`, `--disks`: sample exactly these; empty: the defaults
  /// (interfaces but loopback, whole disks).
  std::vector<std::string> interfaces;
  std::vector<std::string> disks;
  /// `--nvml`: the NVIDIA management library to load for gpu.
  std::string nvml_library = "libnvidia-ml.so.1";
};

/// Parses "cpu,mem,net" (or "all": every kind, gpu too); std::nullopt on an
/// unknown or empty name.
std::optional<metric_set> parse_metric_set(std::string_view text);

/// Parses "mem,cpu" into kinds in that order (a kind named twice counts
/// once), "auto" into none; std::nullopt on an unknown or empty name.
std::optional<std::vector<metric_kind>> parse_panels(std::string_view text);

/// `kscope simulate`: a fleet of synthetic hosts through the real publisher.
struct simulate_options {
  kafka_options kafka;
  size_t hosts = 100;
  millis interval{500};
  wire_format format = wire_format::json;
  std::string prefix = "sim-";
  uint64_t seed = 1;
  /// Samples per host; 0 runs until stopped (or --duration).
  uint64_t count = 0;
  std::optional<millis> duration;
  millis flush_timeout{10000};
};

/// `kscope broker`
struct broker_options {
  std::vector<std::string> topics{"test-topic"};
  int partitions = 1;
  int brokers = 1;
  std::string bootstrap_file;
};

/// `kscope view`, and the viewer half of `kscope run`.
struct view_options {
  /// `-t`, repeatable (view only; `run` reads the topic it produces to).
  std::vector<std::string> topics{"test-topic"};
  /// `-G`
  std::string group;
  /// `-o`
  start_offset offset{start_offset::end, 0};
  /// No flag: `kscope run` lowers it on its embedded broker (see
  /// consumer_settings::fetch_wait_ms); -X fetch.wait.max.ms overrides it.
  int fetch_wait_ms = 100;
  size_t window = 200;
  bool per_core = false;
  /// `--panels`: the charts, in order; empty (`auto`): every kind that
  /// arrives, in the order cpu, mem, net, disk, load, gpu.
  std::vector<metric_kind> panels;
  double fps = 10;
  /// Type, smoothing, title, labels, colours and span of the chart.
  chart_style style;
  millis expire{60000};
  /// Samples stamped further than this from this clock are clock-skewed.
  millis max_skew{300000};
  std::string snapshot;
  uint64_t count = 0;
  std::optional<millis> duration;
  std::string csv;
  bool terminal = false;
  std::string font;
  unsigned width = 1280;
  unsigned height = 720;
  /// Multisampling level of the window; 0 (off) costs far less.
  unsigned antialias = 0;
  /// `--view`, `--fleet-at`, `--sort`: lines or the fleet view per panel.
  fleet_view view = fleet_view::automatic;
  size_t fleet_at = 32;
  fleet_sort sort = fleet_sort::current;
  /// `--hosts REGEX`: only matching hosts are kept; null keeps all.
  std::shared_ptr<const std::regex> hosts;
  /// `--budget`: most points held across all series and panels.
  size_t budget = 4'000'000;
  /// `--alert` rules, `--alert-topic`, `--alert-exec` and its time limit.
  std::vector<alert_rule> alerts;
  std::string alert_topic;
  std::string alert_exec;
  millis alert_exec_timeout{10000};
  /// `kscope alert`: the alerter runs (no-data at least), nothing is drawn.
  bool headless = false;
  /// `--flush-timeout` of `kscope alert`: the alert topic's wait at a stop.
  millis flush_timeout{10000};
};

/// Compiles a --hosts pattern (ECMAScript syntax, searched anywhere in the
/// host name); null and `err` when it does not compile or is over 1000
/// characters.
std::shared_ptr<const std::regex> parse_host_pattern(const std::string& text,
                                                     std::string& err);

/// `kscope run`: both roles in one process.
struct run_options {
  produce_options produce;
  view_options view;
  int partitions = 1;
};

/// Parses a duration with a unit: "500ms", "0.5s", "2s", "1m". Returns
/// std::nullopt for anything else (no unit, negative, garbage, overflow).
std::optional<millis> parse_duration(std::string_view text);

/// The shortest text parse_duration reads back as `x`: "500ms", "10s",
/// "2m".
std::string to_string(millis x);

} // namespace kscope
