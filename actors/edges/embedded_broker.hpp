#pragma once

#include <memory>
#include <string>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "actors/edges/kafka.hpp"

namespace kscope {

/// librdkafka's mock cluster: a Kafka-protocol broker in this process on
/// 127.0.0.1 and a random port, keeping data in memory. Real clients (kcat,
/// kafka-python, other kscope processes) can reach it.
class embedded_broker {
public:
  /// Starts a cluster of `brokers` brokers; returns nullptr and sets `err`
  /// on failure.
  static std::unique_ptr<embedded_broker> start(int brokers, std::string& err);

  ~embedded_broker();

  embedded_broker(const embedded_broker&) = delete;
  embedded_broker& operator=(const embedded_broker&) = delete;

  /// Comma-separated bootstrap addresses, e.g. "127.0.0.1:39157".
  const std::string& bootstrap() const noexcept {
    return bootstrap_;
  }

  /// Creates `topic` with `partitions` partitions. Topics created implicitly
  /// by a produce get the mock cluster's fixed default of 4 partitions.
  bool create_topic(const std::string& topic, int partitions, std::string& err);

  /// Takes broker `id` (1-based) down: connections drop, requests fail.
  void set_down(int id = 1);

  /// Brings broker `id` back up.
  void set_up(int id = 1);

  /// The cluster, for fault injection in tests.
  rd_kafka_mock_cluster_t* cluster() noexcept {
    return cluster_;
  }

private:
  embedded_broker() = default;

  std::unique_ptr<rd_kafka_t, kafka_deleter> host_;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstrap_;
};

} // namespace kscope
