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

/// `kscope run` (both roles; the viewer half lands with the viewer issue).
struct run_options {
  produce_options produce;
  int partitions = 1;
};

/// Parses a duration with a unit: "500ms", "0.5s", "2s", "1m". Returns
/// std::nullopt for anything else (no unit, negative, garbage, overflow).
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

} // namespace kscope
