#include "tests/support/raw_consumer.hpp"

#include <memory>
#include <stdexcept>

#include <librdkafka/rdkafka.h>

namespace kscope::test {

namespace {

void set(rd_kafka_conf_t* conf, const char* key, const std::string& value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, key, value.c_str(), errstr, sizeof(errstr))
      != RD_KAFKA_CONF_OK)
    throw std::runtime_error(errstr);
}

void quiet(const rd_kafka_t*, int, const char*, const char*) {
}

} // namespace

std::vector<record> consume_all(const std::string& brokers,
                                const std::string& topic, size_t expected,
                                std::chrono::milliseconds timeout) {
  auto* conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", brokers);
  set(conf, "group.id", "kscope-test-reader");
  set(conf, "enable.auto.commit", "false");
  set(conf, "enable.partition.eof", "true");
  rd_kafka_conf_set_log_cb(conf, quiet);
  char errstr[512];
  auto* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
  if (rk == nullptr)
    throw std::runtime_error(errstr);
  std::unique_ptr<rd_kafka_t, void (*)(rd_kafka_t*)> guard{
    rk, [](rd_kafka_t* x) {
      rd_kafka_consumer_close(x);
      rd_kafka_destroy(x);
    }};
  // Direct assignment of every partition, no group join.
  const rd_kafka_metadata_t* md = nullptr;
  auto* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  auto err = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
  rd_kafka_topic_destroy(rkt);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1)
    throw std::runtime_error("no metadata for " + topic);
  int partitions = md->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(md);
  auto* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset
      = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(rk, list);
  rd_kafka_topic_partition_list_destroy(list);
  std::vector<record> result;
  int at_end = 0;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (expected > 0 && result.size() >= expected)
      break;
    if (expected == 0 && at_end >= partitions)
      break;
    auto* msg = rd_kafka_consumer_poll(rk, 100);
    if (msg == nullptr)
      continue;
    if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      ++at_end;
    } else if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      record x;
      if (msg->key != nullptr)
        x.key.assign(static_cast<const char*>(msg->key), msg->key_len);
      if (msg->payload != nullptr)
        x.value.assign(static_cast<const char*>(msg->payload), msg->len);
      x.partition = msg->partition;
      x.offset = msg->offset;
      result.push_back(std::move(x));
    }
    rd_kafka_message_destroy(msg);
  }
  return result;
}

} // namespace kscope::test
