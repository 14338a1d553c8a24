#include "actors/edges/kafka.hpp"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <thread>

namespace kscope {

std::optional<kafka_property> split_property(std::string_view text) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return std::nullopt;
  return kafka_property{std::string{text.substr(0, eq)},
                        std::string{text.substr(eq + 1)}};
}

std::optional<std::string> check_topic(std::string_view name) {
  if (name.empty() || name.size() > 249)
    return std::string{"a topic name has 1 to 249 characters"};
  if (name == "." || name == "..")
    return std::string{"a topic name cannot be . or .."};
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok)
      return std::string{"a topic name holds only a-z, A-Z, 0-9, '.', '_' "
                         "and '-'"};
  }
  return std::nullopt;
}

std::optional<std::string> check_brokers(std::string_view list) {
  if (list.empty())
    return std::string{"no broker given"};
  for (size_t first = 0; first <= list.size();) {
    auto comma = list.find(',', first);
    auto entry = list.substr(first, comma == std::string_view::npos
                                      ? std::string_view::npos
                                      : comma - first);
    first = comma == std::string_view::npos ? list.size() + 1 : comma + 1;
    while (!entry.empty() && entry.front() == ' ')
      entry.remove_prefix(1);
    while (!entry.empty() && entry.back() == ' ')
      entry.remove_suffix(1);
    auto quoted = "'" + std::string{entry} + "'";
    if (auto scheme = entry.find("://"); scheme != std::string_view::npos)
      entry.remove_prefix(scheme + 3);
    std::string_view host = entry;
    std::string_view port;
    if (!entry.empty() && entry.front() == '[') {
      auto close = entry.find(']');
      if (close == std::string_view::npos)
        return "broker " + quoted + " has an unclosed [";
      host = entry.substr(1, close - 1);
      auto rest = entry.substr(close + 1);
      if (!rest.empty()) {
        if (rest.front() != ':')
          return "broker " + quoted + " has text after ]";
        port = rest.substr(1);
        if (port.empty())
          return "broker " + quoted + " has an empty port";
      }
    } else if (auto colon = entry.rfind(':');
               colon != std::string_view::npos) {
      host = entry.substr(0, colon);
      port = entry.substr(colon + 1);
      if (port.empty())
        return "broker " + quoted + " has an empty port";
    }
    if (host.empty())
      return std::string{"empty broker entry "} + quoted;
    for (char c : host)
      if (static_cast<unsigned char>(c) <= ' ' || c == '/' || c == '['
          || c == ']' || (c == ':' && entry.front() != '['))
        return "broker " + quoted + " is not host:port";
    if (!port.empty()) {
      unsigned value = 0;
      auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(),
                                       value);
      if (ec != std::errc{} || ptr != port.data() + port.size() || value < 1
          || value > 65535)
        return "broker " + quoted + " has no port in 1..65535";
    }
  }
  return std::nullopt;
}

namespace {

/// librdkafka's log, shown only for `-X debug=...`, which raises the level to
/// debug (7); errors arrive through the error callbacks anyway.
void debug_log(const rd_kafka_t*, int level, const char* fac,
               const char* buf) {
  if (level >= 7)
    std::fprintf(stderr, "librdkafka %s: %s\n", fac, buf);
}

/// Errors that mean no broker can be reached right now; librdkafka retries.
bool is_connection_error(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN
         || err == RD_KAFKA_RESP_ERR__TRANSPORT
         || err == RD_KAFKA_RESP_ERR__RESOLVE;
}

/// The one-line reason for an error that retrying cannot mend, or nullopt.
std::optional<std::string> fatal_reason(rd_kafka_t* rk,
                                        rd_kafka_resp_err_t err,
                                        const char* reason) {
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char buf[512];
    auto orig = rd_kafka_fatal_error(rk, buf, sizeof(buf));
    return std::string{"fatal Kafka error: "} + rd_kafka_err2name(orig) + ": "
           + buf;
  }
  if (err == RD_KAFKA_RESP_ERR__AUTHENTICATION)
    return std::string{"Kafka authentication failed: "} + reason;
  return std::nullopt;
}

/// kscope's defaults for a client, then the user's `-X` properties over them.
std::optional<std::string> configure(kafka_config& conf,
                                     const std::vector<kafka_property>& defaults,
                                     const std::vector<kafka_property>& user) {
  if (auto e = conf.set_all(defaults))
    return e;
  return conf.set_all(user, "-X");
}

} // namespace

// -- the cluster's own view ---------------------------------------------------

namespace {

/// "host:port" of a broker librdkafka names "host:port/id" (or
/// "proto://host:port/bootstrap").
std::string address_of(std::string_view name) {
  if (auto slash = name.rfind('/'); slash != std::string_view::npos)
    name = name.substr(0, slash);
  if (auto scheme = name.find("://"); scheme != std::string_view::npos)
    name.remove_prefix(scheme + 3);
  return std::string{name};
}

/// The topic's min.insync.replicas as broker `broker_id` reports it
/// (DescribeConfigs), or std::nullopt when it does not say (no answer, not
/// authorized).
std::optional<int> min_insync_replicas(rd_kafka_t* rk, const char* topic,
                                       int32_t broker_id, int timeout_ms) {
  std::unique_ptr<rd_kafka_queue_t, kafka_deleter> queue{
    rd_kafka_queue_new(rk)};
  std::unique_ptr<rd_kafka_AdminOptions_t, kafka_deleter> options{
    rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS)};
  char errstr[256];
  if (rd_kafka_AdminOptions_set_request_timeout(options.get(), timeout_ms,
                                                errstr, sizeof(errstr))
      != RD_KAFKA_RESP_ERR_NO_ERROR)
    return std::nullopt;
  // librdkafka sends it to the controller the metadata names, which a KRaft
  // cluster picks at random among its brokers, dead or alive: ask the one
  // that just answered instead.
  if (broker_id >= 0
      && rd_kafka_AdminOptions_set_broker(options.get(), broker_id, errstr,
                                          sizeof(errstr))
           != RD_KAFKA_RESP_ERR_NO_ERROR)
    return std::nullopt;
  std::unique_ptr<rd_kafka_ConfigResource_t, kafka_deleter> resource{
    rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic)};
  auto* raw = resource.get();
  rd_kafka_DescribeConfigs(rk, &raw, 1, options.get(), queue.get());
  std::unique_ptr<rd_kafka_event_t, kafka_deleter> ev{
    rd_kafka_queue_poll(queue.get(), timeout_ms + 500)};
  if (!ev || rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR)
    return std::nullopt;
  const auto* result = rd_kafka_event_DescribeConfigs_result(ev.get());
  if (result == nullptr)
    return std::nullopt;
  size_t n = 0;
  const auto** resources = rd_kafka_DescribeConfigs_result_resources(result,
                                                                     &n);
  for (size_t i = 0; i < n; ++i) {
    if (rd_kafka_ConfigResource_error(resources[i])
        != RD_KAFKA_RESP_ERR_NO_ERROR)
      continue;
    size_t m = 0;
    const auto** entries = rd_kafka_ConfigResource_configs(resources[i], &m);
    for (size_t j = 0; j < m; ++j) {
      const char* value = rd_kafka_ConfigEntry_value(entries[j]);
      if (value == nullptr
          || std::strcmp(rd_kafka_ConfigEntry_name(entries[j]),
                         "min.insync.replicas")
               != 0)
        continue;
      int x = 0;
      auto [ptr, ec] = std::from_chars(value, value + std::strlen(value), x);
      if (ec == std::errc{} && x > 0)
        return x;
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<cluster_answer> ask_cluster(rd_kafka_t* rk,
                                          rd_kafka_topic_t* topic,
                                          int timeout_ms) {
  const rd_kafka_metadata_t* raw = nullptr;
  if (rd_kafka_metadata(rk, 0, topic, &raw, timeout_ms)
      != RD_KAFKA_RESP_ERR_NO_ERROR)
    return std::nullopt;
  std::unique_ptr<const rd_kafka_metadata_t, kafka_deleter> md{raw};
  cluster_answer result;
  for (int i = 0; i < md->broker_cnt; ++i) {
    const auto& b = md->brokers[i];
    std::string host = b.host != nullptr ? b.host : "";
    if (host.find(':') != std::string::npos)
      host = "[" + host + "]";
    result.brokers.push_back(
      listed_broker{b.id, host + ":" + std::to_string(b.port)});
  }
  if (md->orig_broker_name != nullptr)
    result.from = address_of(md->orig_broker_name);
  bool short_of_replicas = false;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const auto& t = md->topics[i];
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR)
      continue;
    for (int j = 0; j < t.partition_cnt; ++j) {
      const auto& p = t.partitions[j];
      result.partitions.push_back(listed_partition{
        t.topic, p.id, p.leader, p.replica_cnt, p.isr_cnt});
      short_of_replicas = short_of_replicas || p.isr_cnt < p.replica_cnt;
    }
  }
  if (short_of_replicas && topic != nullptr) {
    const char* name = rd_kafka_topic_name(topic);
    if (auto min = min_insync_replicas(rk, name, md->orig_broker_id,
                                       timeout_ms))
      result.min_insync[name] = *min;
  }
  return result;
}

// -- kafka_config -------------------------------------------------------------

kafka_config::kafka_config() : conf_(rd_kafka_conf_new()) {
  // librdkafka only reports through callbacks we register; errors from its
  // own threads never land on stderr behind the status line.
}

std::optional<std::string> kafka_config::set(const std::string& key,
                                             const std::string& value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf_.get(), key.c_str(), value.c_str(), errstr,
                        sizeof(errstr))
      != RD_KAFKA_CONF_OK)
    return std::string{errstr};
  return std::nullopt;
}

std::optional<std::string>
kafka_config::set_all(const std::vector<kafka_property>& xs,
                      const std::string& label) {
  for (const auto& [key, value] : xs)
    if (auto err = set(key, value)) {
      // Never echo a secret, even a misspelt one.
      bool secret = key.find("password") != std::string::npos
                    || key.find("secret") != std::string::npos;
      return "invalid " + label + " " + key + "=" + (secret ? "***" : value)
             + ": " + *err;
    }
  return std::nullopt;
}

// -- kafka_producer -----------------------------------------------------------

std::unique_ptr<kafka_producer>
kafka_producer::make(const producer_settings& cfg, std::string& err) {
  std::unique_ptr<kafka_producer> result{new kafka_producer};
  result->cfg_ = cfg;
  kafka_config conf;
  std::vector<kafka_property> defaults{
    {"bootstrap.servers", cfg.brokers},
    {"client.id", "kscope"},
    {"enable.idempotence", "true"},
    {"acks", "all"},
    // A sampler sends one message per interval, so there is nothing to
    // batch: waiting is pure latency. librdkafka's 5 ms default put p99
    // sample-to-window latency at 7 ms at 1 kHz on loopback Kafka; 1 ms
    // brought it under 5 ms, at the same CPU for rates up to ~10 Hz (one
    // request per message either way). See bench/RESULTS.md.
    {"linger.ms", "1"},
    // Recover quickly once a broker is back: librdkafka's default backoff
    // grows to 10 s.
    {"reconnect.backoff.ms", "50"},
    {"reconnect.backoff.max.ms", "1000"},
    // A topic that does not exist after this long is reported (librdkafka
    // waits 30 s by default); auto-created topics appear well within it.
    {"topic.metadata.propagation.max.ms", "5000"},
  };
  if (auto e = configure(conf, defaults, cfg.properties)) {
    err = *e;
    return nullptr;
  }
  rd_kafka_conf_set_opaque(conf.get(), result.get());
  rd_kafka_conf_set_dr_msg_cb(conf.get(), on_delivery);
  rd_kafka_conf_set_error_cb(conf.get(), on_error);
  rd_kafka_conf_set_log_cb(conf.get(), debug_log);
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr,
                                sizeof(errstr));
  if (rk == nullptr) {
    err = errstr;
    return nullptr;
  }
  conf.release(); // rd_kafka_new took it
  result->rk_.reset(rk);
  result->rkt_.reset(rd_kafka_topic_new(rk, cfg.topic.c_str(), nullptr));
  if (!result->rkt_) {
    err = "cannot use topic " + cfg.topic + ": "
          + rd_kafka_err2str(rd_kafka_last_error());
    return nullptr;
  }
  return result;
}

kafka_producer::~kafka_producer() {
  // Members go in reverse order: the topic, then the client, then the state
  // its callbacks touched.
}

void kafka_producer::on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg,
                                 void* opaque) {
  auto* self = static_cast<kafka_producer*>(opaque);
  // Reports are served inside poll(), which reads the clock once for all
  // of them.
  self->answered_ = true;
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++self->counters_.delivered;
    self->counters_.state = broker_state::up;
    self->cluster_.accepted(self->cfg_.topic, msg->partition);
  } else {
    ++self->counters_.failed;
    self->counters_.last_error = std::string{"delivery failed: "}
                                 + rd_kafka_err2str(msg->err);
    // Every later sample would fail the same way: end the run with a reason
    // the user can act on rather than counting failures forever.
    if (msg->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC
        || msg->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
      self->fatal_ = "topic " + self->cfg_.topic
                     + " does not exist and the broker does not create "
                       "topics on first use (create it, or check -t)";
    else if (msg->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
      self->fatal_ = "not authorized to write to topic " + self->cfg_.topic;
  }
}

void kafka_producer::on_error(rd_kafka_t* rk, int code, const char* reason,
                              void* opaque) {
  auto* self = static_cast<kafka_producer*>(opaque);
  auto err = static_cast<rd_kafka_resp_err_t>(code);
  if (auto fatal = fatal_reason(rk, err, reason)) {
    self->fatal_ = std::move(fatal);
    return;
  }
  if (is_connection_error(err)) {
    self->counters_.state = broker_state::down;
    self->cluster_.connection_failed(reason,
                                     std::chrono::steady_clock::now());
  }
  self->counters_.last_error = reason;
}

bool kafka_producer::try_produce(std::string_view key,
                                 std::string_view payload, int64_t ts_ms) {
  auto err = rd_kafka_producev(
    rk_.get(), RD_KAFKA_V_RKT(rkt_.get()),
    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
    RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
    RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
    RD_KAFKA_V_TIMESTAMP(ts_ms), RD_KAFKA_V_END);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
    return true;
  if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL)
    return false;
  // Anything else (message too large, unknown partition, fatal state) will
  // not get better by retrying this message.
  ++counters_.failed;
  counters_.last_error = std::string{"produce failed: "}
                         + rd_kafka_err2str(err);
  return true;
}

void kafka_producer::produce(std::string_view key, std::string_view payload,
                             int64_t ts_ms) {
  // Nothing was in flight: the wait for an answer starts now. Counted from
  // kscope's own counters, not librdkafka's queue (a lock per message).
  if (counters_.sent
      == counters_.delivered + counters_.failed + counters_.dropped)
    last_answer_ = std::chrono::steady_clock::now();
  ++counters_.sent;
  if (overflow_.empty() && try_produce(key, payload, ts_ms))
    return;
  if (overflow_.size() >= cfg_.overflow_limit) {
    ++counters_.dropped;
    counters_.last_error = "local queue full: sample dropped";
    return;
  }
  overflow_.push_back(
    queued_message{std::string{key}, std::string{payload}, ts_ms});
}

void kafka_producer::poll() {
  rd_kafka_poll(rk_.get(), 0);
  auto now = std::chrono::steady_clock::now();
  if (answered_) {
    answered_ = false;
    last_answer_ = now;
  }
  while (!overflow_.empty()) {
    auto& msg = overflow_.front();
    if (!try_produce(msg.key, msg.payload, msg.ts_ms))
      break;
    overflow_.pop_front();
  }
  watch_cluster(now);
}

void kafka_producer::watch_cluster(std::chrono::steady_clock::time_point now) {
  using namespace std::chrono_literals;
  if (asking_.valid()) {
    if (asking_.wait_for(0s) != std::future_status::ready)
      return;
    if (auto answer = asking_.get())
      cluster_.answered(*answer, now);
    else
      cluster_.unanswered();
  }
  if (now < next_ask_)
    return;
  // Soon again while something is wrong, so its end is seen soon too.
  bool wrong = counters_.state != broker_state::up || cluster_.troubled();
  next_ask_ = now + (wrong ? 1s : 5s);
  try {
    asking_ = std::async(std::launch::async, ask_cluster, rk_.get(),
                         rkt_.get(), 1500);
  } catch (const std::system_error&) {
    // No thread to spare: ask next time.
  }
}

publisher_status kafka_producer::status() const {
  auto result = counters_;
  if (auto trouble = cluster_.trouble(); !trouble.empty()) {
    result.state = broker_state::down;
    result.last_error = std::move(trouble);
  }
  result.queued = pending();
  if (result.queued > 0)
    result.unanswered_ms = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - last_answer_)
        .count());
  return result;
}

size_t kafka_producer::pending() const {
  return static_cast<size_t>(rd_kafka_outq_len(rk_.get())) + overflow_.size();
}

// -- kafka_consumer -----------------------------------------------------------

std::optional<start_offset> parse_start_offset(std::string_view text) {
  if (text == "beginning")
    return start_offset{start_offset::beginning, 0};
  if (text == "end")
    return start_offset{start_offset::end, 0};
  bool negative = !text.empty() && text.front() == '-';
  auto digits = negative ? text.substr(1) : text;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(),
                                   digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc{}
      || ptr != digits.data() + digits.size() || value < 0)
    return std::nullopt;
  if (negative) {
    if (value == 0)
      return std::nullopt;
    return start_offset{start_offset::tail, value};
  }
  return start_offset{start_offset::absolute, value};
}

std::unique_ptr<kafka_consumer>
kafka_consumer::make(const consumer_settings& cfg, std::string& err) {
  if (cfg.topics.empty()) {
    err = "no topic to read";
    return nullptr;
  }
  if (!cfg.group.empty() && cfg.start.kind != start_offset::beginning
      && cfg.start.kind != start_offset::end) {
    err = "with a consumer group (-G), -o must be beginning or end: the "
          "group's committed offsets decide the rest";
    return nullptr;
  }
  std::unique_ptr<kafka_consumer> result{new kafka_consumer};
  result->cfg_ = cfg;
  kafka_config conf;
  // librdkafka wants a group id even for direct assignment; nothing is
  // committed without a group of the user's.
  auto group = cfg.group.empty() ? std::string{"kscope-viewer"} : cfg.group;
  std::vector<kafka_property> defaults{
    {"bootstrap.servers", cfg.brokers},
    {"client.id", "kscope"},
    {"group.id", group},
    {"enable.auto.commit", cfg.group.empty() ? "false" : "true"},
    {"auto.offset.reset",
     cfg.start.kind == start_offset::beginning ? "earliest" : "latest"},
    {"reconnect.backoff.ms", "50"},
    {"reconnect.backoff.max.ms", "1000"},
    {"fetch.wait.max.ms", std::to_string(cfg.fetch_wait_ms)},
  };
  if (auto e = configure(conf, defaults, cfg.properties)) {
    err = *e;
    return nullptr;
  }
  rd_kafka_conf_set_opaque(conf.get(), result.get());
  rd_kafka_conf_set_error_cb(conf.get(), on_error);
  rd_kafka_conf_set_log_cb(conf.get(), debug_log);
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), errstr,
                                sizeof(errstr));
  if (rk == nullptr) {
    err = errstr;
    return nullptr;
  }
  conf.release();
  result->rk_.reset(rk);
  rd_kafka_poll_set_consumer(rk);
  return result;
}

kafka_consumer::~kafka_consumer() {
  if (rk_)
    rd_kafka_consumer_close(rk_.get());
}

bool kafka_consumer::assign() {
  auto now = std::chrono::steady_clock::now();
  if (now < next_assign_try_) {
    std::this_thread::sleep_until(next_assign_try_);
    now = next_assign_try_;
  }
  next_assign_try_ = now + std::chrono::seconds{1};
  if (!cfg_.group.empty()) {
    auto* list = rd_kafka_topic_partition_list_new(
      static_cast<int>(cfg_.topics.size()));
    for (auto& topic : cfg_.topics)
      rd_kafka_topic_partition_list_add(list, topic.c_str(),
                                        RD_KAFKA_PARTITION_UA);
    auto err = rd_kafka_subscribe(rk_.get(), list);
    rd_kafka_topic_partition_list_destroy(list);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      health_.last_error = std::string{"subscribe failed: "}
                           + rd_kafka_err2str(err);
      return false;
    }
    assigned_ = true;
    return true;
  }
  auto* list = rd_kafka_topic_partition_list_new(8);
  bool complete = true;
  for (auto& topic : cfg_.topics) {
    const rd_kafka_metadata_t* md = nullptr;
    auto* rkt = rd_kafka_topic_new(rk_.get(), topic.c_str(), nullptr);
    auto err = rd_kafka_metadata(rk_.get(), 0, rkt, &md, 1000);
    rd_kafka_topic_destroy(rkt);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      health_.state = broker_state::down;
      health_.last_error = std::string{"no metadata: "}
                           + rd_kafka_err2str(err);
      complete = false;
      break;
    }
    health_.state = broker_state::up;
    const auto& t = md->topics[0];
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR || t.partition_cnt == 0) {
      health_.last_error = "waiting for topic " + topic + ": "
                           + rd_kafka_err2str(t.err);
      rd_kafka_metadata_destroy(md);
      complete = false;
      break;
    }
    for (int i = 0; i < t.partition_cnt; ++i) {
      auto* p = rd_kafka_topic_partition_list_add(list, topic.c_str(),
                                                  t.partitions[i].id);
      switch (cfg_.start.kind) {
        case start_offset::beginning:
          p->offset = RD_KAFKA_OFFSET_BEGINNING;
          break;
        case start_offset::end:
          p->offset = RD_KAFKA_OFFSET_END;
          break;
        case start_offset::absolute:
          p->offset = cfg_.start.value;
          break;
        case start_offset::tail:
          p->offset = RD_KAFKA_OFFSET_TAIL(cfg_.start.value);
          break;
      }
    }
    rd_kafka_metadata_destroy(md);
  }
  if (complete) {
    auto err = rd_kafka_assign(rk_.get(), list);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      assigned_ = true;
      health_.partitions = static_cast<size_t>(list->cnt);
      health_.last_error.clear();
    } else {
      health_.last_error = std::string{"assign failed: "}
                           + rd_kafka_err2str(err);
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  return assigned_;
}

bool kafka_consumer::probe(int timeout_ms) {
  auto answer = ask_cluster(rk_.get(), nullptr, timeout_ms);
  if (!answer) {
    cluster_.unanswered();
    return false;
  }
  cluster_.answered(*answer, std::chrono::steady_clock::now());
  health_.state = broker_state::up;
  return true;
}

bool kafka_consumer::handle(const rd_kafka_message_t& msg) {
  if (msg.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    health_.state = broker_state::up;
    return true;
  }
  if (msg.err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
    return false;
  health_.last_error = rd_kafka_message_errstr(&msg);
  if (msg.err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED
      || msg.err == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED)
    fatal_ = "Kafka authorization failed: " + health_.last_error;
  return false;
}

kafka_record kafka_consumer::record_of(const rd_kafka_message_t& msg) {
  kafka_record result;
  result.topic = rd_kafka_topic_name(msg.rkt);
  if (msg.key != nullptr)
    result.key = std::string_view{static_cast<const char*>(msg.key),
                                  msg.key_len};
  if (msg.payload != nullptr)
    result.value = std::string_view{static_cast<const char*>(msg.payload),
                                    msg.len};
  result.partition = msg.partition;
  result.offset = msg.offset;
  rd_kafka_timestamp_type_t type;
  result.timestamp_ms = rd_kafka_message_timestamp(&msg, &type);
  return result;
}

void kafka_consumer::on_error(rd_kafka_t* rk, int code, const char* reason,
                              void* opaque) {
  auto* self = static_cast<kafka_consumer*>(opaque);
  auto err = static_cast<rd_kafka_resp_err_t>(code);
  if (auto fatal = fatal_reason(rk, err, reason)) {
    self->fatal_ = std::move(fatal);
    return;
  }
  if (is_connection_error(err)) {
    self->health_.state = broker_state::down;
    self->cluster_.connection_failed(reason,
                                     std::chrono::steady_clock::now());
  }
  self->health_.last_error = reason;
}

} // namespace kscope
