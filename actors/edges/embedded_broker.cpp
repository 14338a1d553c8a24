#include "actors/edges/embedded_broker.hpp"

namespace kscope {

namespace {

void discard_log(const rd_kafka_t*, int, const char*, const char*) {
  // The hosting client has no bootstrap servers and says so; nobody needs
  // to read that.
}

} // namespace

std::unique_ptr<embedded_broker> embedded_broker::start(int brokers,
                                                        std::string& err) {
  if (brokers < 1) {
    err = "the embedded broker needs at least one broker";
    return nullptr;
  }
  std::unique_ptr<embedded_broker> result{new embedded_broker};
  kafka_config conf;
  rd_kafka_conf_set_log_cb(conf.get(), discard_log);
  // The mock cluster reads requests up to the hosting client's
  // receive.message.max.bytes (100 MB by default) and drops the connection
  // of any larger one before it is stored.
  if (auto problem = conf.set("receive.message.max.bytes",
                              std::to_string(max_request_bytes))) {
    err = "cannot start the embedded broker: " + *problem;
    return nullptr;
  }
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr,
                                sizeof(errstr));
  if (rk == nullptr) {
    err = std::string{"cannot start the embedded broker: "} + errstr;
    return nullptr;
  }
  conf.release();
  result->host_.reset(rk);
  result->cluster_ = rd_kafka_mock_cluster_new(rk, brokers);
  if (result->cluster_ == nullptr) {
    err = "cannot start the embedded broker (mock cluster)";
    return nullptr;
  }
  result->bootstrap_ = rd_kafka_mock_cluster_bootstraps(result->cluster_);
  return result;
}

embedded_broker::~embedded_broker() {
  // The cluster must go before the client that hosts it.
  if (cluster_ != nullptr)
    rd_kafka_mock_cluster_destroy(cluster_);
}

bool embedded_broker::create_topic(const std::string& topic, int partitions,
                                   std::string& err) {
  if (partitions < 1) {
    err = "a topic needs at least one partition";
    return false;
  }
  auto code = rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions,
                                         1);
  if (code != RD_KAFKA_RESP_ERR_NO_ERROR) {
    err = "cannot create topic " + topic + ": " + rd_kafka_err2str(code);
    return false;
  }
  return true;
}

void embedded_broker::set_down(int id) {
  rd_kafka_mock_broker_set_down(cluster_, id);
}

void embedded_broker::set_up(int id) {
  rd_kafka_mock_broker_set_up(cluster_, id);
}

} // namespace kscope
