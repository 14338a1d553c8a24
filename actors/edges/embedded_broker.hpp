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
///
/// It keeps about 5 MiB or 100,000 batches per partition and drops the
/// oldest beyond that, so one huge batch would push out data it had already
/// acknowledged. It therefore refuses any request over `max_request_bytes`
/// (Kafka's default message.max.bytes plus framing) by closing that
/// client's connection before the request is stored: the sender retries
/// until its message.timeout.ms and then gets a delivery error, and the
/// rest of the log stays intact.
class embedded_broker {
public:
  /// The largest request the broker reads: 1 MiB of records (Kafka's
  /// default message.max.bytes, 1,048,588) plus 16 KiB for the request's
  /// header, client id and topic name.
  static constexpr int max_request_bytes = 1048588 + 16384;

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
