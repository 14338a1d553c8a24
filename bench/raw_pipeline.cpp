// The raw baseline: what a plain librdkafka program does to move the same
// samples, with the settings kscope's clients use (actors/edges/kafka.cpp) and
// the same codec, so the ratio to it measures what the actors add.

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>

#include <librdkafka/rdkafka.h>

#include "actors/consumer.hpp"
#include "bench/pipelines.hpp"
#include "bench/workload.hpp"

namespace kscope::bench {

namespace {

// The settings of kscope's clients that shape their performance, as
// actors/edges/kafka.cpp sets them before `-X`. Keep in step with it: the
// baseline must run with the same settings.
const std::vector<kafka_property> producer_defaults{
  {"client.id", "kscope-bench-raw"},
  {"enable.idempotence", "true"},
  {"acks", "all"},
  {"linger.ms", "1"},
  {"reconnect.backoff.ms", "50"},
  {"reconnect.backoff.max.ms", "1000"},
};

const std::vector<kafka_property> consumer_defaults{
  {"client.id", "kscope-bench-raw"},
  {"group.id", "kscope-viewer"},
  {"enable.auto.commit", "false"},
  {"auto.offset.reset", "earliest"},
  {"reconnect.backoff.ms", "50"},
  {"reconnect.backoff.max.ms", "1000"},
};

/// Tags warm-up messages in delivery reports (measured ones carry null).
char warmup_tag;

/// Delivery accounting of the raw producer; written by the thread that
/// polls it.
struct delivery_counts {
  std::atomic<uint64_t> delivered{0};
  std::atomic<uint64_t> failed{0};
  std::atomic<int64_t> last_ns{0};
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  if (msg->_private == &warmup_tag)
    return;
  auto* counts = static_cast<delivery_counts*>(opaque);
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR)
    counts->delivered.fetch_add(1, std::memory_order_acq_rel);
  else
    counts->failed.fetch_add(1, std::memory_order_acq_rel);
  counts->last_ns.store(wall_clock_ns(), std::memory_order_release);
}

using client_ptr = std::unique_ptr<rd_kafka_t, kafka_deleter>;

/// A client of `type` with `defaults`, then `-X`; null and `err` on failure.
client_ptr make_client(rd_kafka_type_t type, const phase_setup& setup,
                       const std::vector<kafka_property>& defaults,
                       delivery_counts* counts, std::string& err) {
  kafka_config conf;
  auto props = defaults;
  props.insert(props.begin(),
               kafka_property{"bootstrap.servers", setup.brokers});
  if (auto e = conf.set_all(props)) {
    err = *e;
    return nullptr;
  }
  if (auto e = conf.set_all(setup.properties, "-X")) {
    err = *e;
    return nullptr;
  }
  if (counts != nullptr) {
    rd_kafka_conf_set_opaque(conf.get(), counts);
    rd_kafka_conf_set_dr_msg_cb(conf.get(), on_delivery);
  }
  rd_kafka_conf_set_log_cb(conf.get(), [](const rd_kafka_t*, int, const char*,
                                          const char*) {});
  char errstr[512];
  client_ptr rk{rd_kafka_new(type, conf.get(), errstr, sizeof(errstr))};
  if (!rk) {
    err = errstr;
    return nullptr;
  }
  conf.release();
  return rk;
}

/// Queues one message, waiting while librdkafka's queue is full.
void produce(rd_kafka_t* rk, rd_kafka_topic_t* rkt, const std::string& key,
             const std::string& payload, int64_t ts_ms, void* tag,
             delivery_counts& counts) {
  for (;;) {
    auto err = rd_kafka_producev(
      rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
      RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
      RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
      RD_KAFKA_V_TIMESTAMP(ts_ms), RD_KAFKA_V_OPAQUE(tag), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR && tag == nullptr)
        counts.failed.fetch_add(1, std::memory_order_acq_rel);
      return;
    }
    rd_kafka_poll(rk, 1);
  }
}

/// The paced send loop of the producer thread: the synthetic source's
/// schedule and flow control, then a drain of the delivery reports.
void send_all(const phase_setup& setup, rd_kafka_t* rk, rd_kafka_topic_t* rkt,
              probe& meter, delivery_counts& counts,
              const std::atomic<bool>& abort) {
  using clock = pacer::clock;
  auto start = clock::now();
  pacer pace{setup.rate, start};
  auto deadline = start + setup.duration;
  bool by_count = setup.count > 0;
  const uint64_t batch = 256;
  uint64_t sent = 0;
  std::string buf;
  while (!abort.load(std::memory_order_acquire)) {
    auto now = clock::now();
    if ((by_count && sent >= setup.count) || (!by_count && now >= deadline))
      break;
    auto target = pace.due(now);
    if (by_count)
      target = std::min(target, setup.count);
    auto received = meter.received();
    auto in_flight = sent > received ? sent - received : 0;
    auto credit = setup.in_flight > in_flight ? setup.in_flight - in_flight
                                              : 0;
    auto n = std::min<uint64_t>({target > sent ? target - sent : 0, credit,
                                 batch});
    int64_t first_ts = 0;
    for (uint64_t i = 0; i < n; ++i) {
      auto x = make_sample(bench_host, sent + i + 1, setup.cores);
      if (i == 0)
        first_ts = x.ts_ns;
      buf.clear();
      encode(setup.format, x, buf);
      produce(rk, rkt, x.host, buf, x.ts_ns / 1000000, nullptr, counts);
    }
    if (n > 0) {
      sent += n;
      meter.on_sent(n, first_ts);
    }
    rd_kafka_poll(rk, 0);
    if (by_count && sent >= setup.count)
      break;
    if (n == credit && sent < target) {
      std::this_thread::sleep_for(std::chrono::milliseconds{1});
    } else if (n == batch && sent < target) {
      continue;
    } else {
      auto next = pace.next_wakeup(sent, now);
      if (!by_count)
        next = std::min(next, deadline);
      std::this_thread::sleep_until(next);
    }
  }
  meter.mark_source_done();
  while (!abort.load(std::memory_order_acquire)
         && counts.delivered.load() + counts.failed.load() < sent)
    rd_kafka_poll(rk, 10);
}

/// Reads the topic's one partition from the beginning until `stop`,
/// decoding every record as kscope's consumer does.
void receive_all(rd_kafka_t* rk, probe& meter, std::atomic<uint64_t>& malformed,
                 const std::atomic<bool>& stop) {
  while (!stop.load(std::memory_order_acquire)) {
    auto* msg = rd_kafka_consumer_poll(rk, 100);
    if (msg == nullptr)
      continue;
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      kafka_record rec;
      rec.topic = rd_kafka_topic_name(msg->rkt);
      if (msg->key != nullptr)
        rec.key = {static_cast<const char*>(msg->key), msg->key_len};
      if (msg->payload != nullptr)
        rec.value = {static_cast<const char*>(msg->payload), msg->len};
      rec.partition = msg->partition;
      rec.offset = msg->offset;
      rec.timestamp_ms = rd_kafka_message_timestamp(msg, nullptr);
      sample x;
      if (to_sample(rec, x) == decode_error::none)
        meter.on_received(x, wall_clock_ns());
      else
        malformed.fetch_add(1, std::memory_order_acq_rel);
    }
    rd_kafka_message_destroy(msg);
  }
}

} // namespace

phase_result run_raw_phase(const phase_setup& setup) {
  phase_result result;
  result.pipeline = "raw";
  phase_meter resources{setup.broker_pid};
  resources.reset_peak();
  delivery_counts counts;
  std::string err;
  auto consumer_props = consumer_defaults;
  consumer_props.push_back(
    {"fetch.wait.max.ms", std::to_string(setup.fetch_wait_ms)});
  auto consumer = make_client(RD_KAFKA_CONSUMER, setup, consumer_props,
                              nullptr, err);
  auto producer = consumer ? make_client(RD_KAFKA_PRODUCER, setup,
                                         producer_defaults, &counts, err)
                           : nullptr;
  if (!consumer || !producer) {
    result.error = err;
    return result;
  }
  rd_kafka_poll_set_consumer(consumer.get());
  auto* parts = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(parts, setup.topic.c_str(), 0)->offset
    = RD_KAFKA_OFFSET_BEGINNING;
  auto assign_err = rd_kafka_assign(consumer.get(), parts);
  rd_kafka_topic_partition_list_destroy(parts);
  if (assign_err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    result.error = std::string{"assign failed: "}
                   + rd_kafka_err2str(assign_err);
    return result;
  }
  std::unique_ptr<rd_kafka_topic_t, kafka_deleter> rkt{
    rd_kafka_topic_new(producer.get(), setup.topic.c_str(), nullptr)};
  auto meter = std::make_shared<probe>(warmup_host);
  std::atomic<uint64_t> malformed{0};
  std::atomic<bool> stop_consumer{false};
  std::atomic<bool> abort{false};
  std::thread consumer_thread{[&] {
    receive_all(consumer.get(), *meter, malformed, stop_consumer);
  }};
  // Warm up: one message every 100 ms until one made it through, so
  // connection setup and partition assignment are not measured.
  auto started = std::chrono::steady_clock::now();
  std::string payload;
  bool ready = false;
  for (int i = 0; i < 300 && !ready; ++i) {
    auto x = make_sample(warmup_host, 0, setup.cores);
    payload.clear();
    encode(setup.format, x, payload);
    produce(producer.get(), rkt.get(), x.host, payload, x.ts_ns / 1000000,
            &warmup_tag, counts);
    for (int j = 0; j < 10 && !(ready = meter->ready()); ++j)
      rd_kafka_poll(producer.get(), 10);
    report_progress(setup, *meter, started, "starting");
    if (setup.stop && setup.stop())
      break;
  }
  bool completed = false;
  if (ready) {
    resources.begin();
    std::thread producer_thread{[&] {
      send_all(setup, producer.get(), rkt.get(), *meter, counts, abort);
    }};
    completed = wait_for_end(
      setup, *meter,
      [](std::chrono::milliseconds wait) { std::this_thread::sleep_for(wait); },
      [&] { return counts.delivered.load() + counts.failed.load(); });
    resources.end();
    abort = true;
    producer_thread.join();
  }
  stop_consumer = true;
  consumer_thread.join();
  rd_kafka_flush(producer.get(), 5000);
  if (!ready)
    result.error = "no warm-up message came through within 30 s";
  else if (!completed)
    result.error = "interrupted";
  summarize(*meter, counts.delivered.load(), counts.last_ns.load(),
            setup.message_bytes, result);
  result.failed = counts.failed.load();
  result.malformed = malformed.load();
  resources.fill(result);
  rkt.reset();
  rd_kafka_consumer_close(consumer.get());
  consumer.reset();
  producer.reset();
  return result;
}

} // namespace kscope::bench
