#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kscope {

/// Options every Kafka-facing subcommand shares (kcat's spelling).
struct kafka_options {
  /// `-b`: comma-separated bootstrap servers; empty means the role's default.
  std::string brokers;
  /// `-t`
  std::string topic = "test-topic";
  /// `-X key=value`, librdkafka pass-through.
  std::vector<std::string> properties;
};

/// `kscope produce`
struct produce_options {
  kafka_options kafka;
  std::string interval = "500ms";
  std::string format = "json";
  uint64_t count = 0;
  std::string host;
  std::string proc_root = "/proc";
  std::string flush_timeout = "10s";
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
  /// `-o`: beginning, end, an offset, or -N for the last N per partition.
  std::string offset = "end";
  size_t window = 200;
  bool per_core = false;
  double fps = 10;
  std::string type = "line";
  std::string smooth = "none";
  std::string title = "CPU usage";
  std::string x_label = "seconds before now";
  std::string y_label = "CPU %";
  std::vector<std::string> colors;
  /// x axis width: "auto" or a duration.
  std::string span = "auto";
  std::string expire = "60s";
  std::string snapshot;
  uint64_t count = 0;
  std::string duration;
  std::string csv;
  bool terminal = false;
  std::string font;
  unsigned width = 1280;
  unsigned height = 720;
  /// Multisampling level of the window; 0 (off) costs far less.
  unsigned antialias = 0;
};

/// `kscope run`: both roles in one process.
struct run_options {
  produce_options produce;
  view_options view;
  int partitions = 1;
};

/// Parses a duration with a unit: "500ms", "0.5s", "2s", "1m". Returns
/// std::nullopt for anything else (no unit, negative, garbage, overflow).
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

} // namespace kscope
