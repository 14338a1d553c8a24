#include "tests/support/admin.hpp"

#include <memory>
#include <stdexcept>

#include <librdkafka/rdkafka.h>

namespace kscope::test {

void create_topic(const std::string& brokers, const std::string& topic,
                  int partitions, int replication_factor) {
  char errstr[512];
  auto* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), errstr,
                        sizeof(errstr))
      != RD_KAFKA_CONF_OK)
    throw std::runtime_error(errstr);
  auto* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (rk == nullptr)
    throw std::runtime_error(errstr);
  std::unique_ptr<rd_kafka_t, void (*)(rd_kafka_t*)> guard{rk,
                                                           rd_kafka_destroy};
  auto* queue = rd_kafka_queue_new(rk);
  auto* spec = rd_kafka_NewTopic_new(topic.c_str(), partitions,
                                     replication_factor, errstr,
                                     sizeof(errstr));
  rd_kafka_CreateTopics(rk, &spec, 1, nullptr, queue);
  auto* ev = rd_kafka_queue_poll(queue, 30000);
  std::string failure;
  if (ev == nullptr) {
    failure = "no answer to CreateTopics";
  } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    failure = rd_kafka_event_error_string(ev);
  } else {
    size_t n = 0;
    auto* result = rd_kafka_event_CreateTopics_result(ev);
    auto** topics = rd_kafka_CreateTopics_result_topics(result, &n);
    for (size_t i = 0; i < n; ++i)
      if (rd_kafka_topic_result_error(topics[i]) != RD_KAFKA_RESP_ERR_NO_ERROR)
        failure = rd_kafka_topic_result_error_string(topics[i]);
  }
  if (ev != nullptr)
    rd_kafka_event_destroy(ev);
  rd_kafka_NewTopic_destroy(spec);
  rd_kafka_queue_destroy(queue);
  if (!failure.empty())
    throw std::runtime_error("cannot create topic " + topic + ": " + failure);
}

int64_t end_offset(const std::string& brokers, const std::string& topic,
                   int partition, int timeout_ms) {
  char errstr[512];
  auto* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), errstr,
                        sizeof(errstr))
      != RD_KAFKA_CONF_OK)
    throw std::runtime_error(errstr);
  auto* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (rk == nullptr)
    throw std::runtime_error(errstr);
  std::unique_ptr<rd_kafka_t, void (*)(rd_kafka_t*)> guard{rk,
                                                           rd_kafka_destroy};
  int64_t low = -1;
  int64_t high = -1;
  if (rd_kafka_query_watermark_offsets(rk, topic.c_str(), partition, &low,
                                       &high, timeout_ms)
      != RD_KAFKA_RESP_ERR_NO_ERROR)
    return -1;
  return high;
}

int partition_of(const std::string& key, int partitions) {
  return rd_kafka_msg_partitioner_consistent_random(
    nullptr, key.data(), key.size(), partitions, nullptr, nullptr);
}

} // namespace kscope::test
