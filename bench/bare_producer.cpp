// A bare librdkafka producer doing the producer node's work without actors:
// read /proc/stat every interval, encode the sample, produce it with
// kscope's client settings, serve delivery reports while waiting. The
// yardstick of the footprint comparison in bench/run-matrix.
//
//   kscope_bare_producer -b BROKERS [-t TOPIC] [-i MS] [--format F]
//                        [-c COUNT] [--host NAME]
//
// Runs until COUNT samples (0: until SIGINT/SIGTERM), then flushes.

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "actors/logic/clock.hpp"

#include "actors/logic/proc_stat.hpp"
#include "messages/codec.hpp"

namespace {

volatile std::sig_atomic_t stop_signal = 0;

void on_signal(int) {
  stop_signal = 1;
}

struct bare_params {
  std::string brokers = "localhost:9092";
  std::string topic = "test-topic";
  long interval_ms = 500;
  kscope::wire_format format = kscope::wire_format::json;
  unsigned long count = 0;
  std::string host;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* failed = static_cast<unsigned long*>(opaque);
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR)
    ++*failed;
}

int usage(const char* why) {
  std::fprintf(stderr,
               "kscope_bare_producer: %s\nusage: kscope_bare_producer -b "
               "BROKERS [-t TOPIC] [-i MS] [--format seed|json|influx] "
               "[-c COUNT] [--host NAME]\n",
               why);
  return 2;
}


} // namespace

int main(int argc, char** argv) {
  bare_params params;
  char name[256] = {};
  gethostname(name, sizeof(name) - 1);
  params.host = name;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc)
      return usage(("missing value after " + arg).c_str());
    std::string value = argv[++i];
    if (arg == "-b") {
      params.brokers = value;
    } else if (arg == "-t") {
      params.topic = value;
    } else if (arg == "-i") {
      params.interval_ms = std::strtol(value.c_str(), nullptr, 10);
      if (params.interval_ms <= 0)
        return usage("-i wants milliseconds");
    } else if (arg == "--format") {
      auto fmt = kscope::parse_wire_format(value);
      if (!fmt)
        return usage("unknown format");
      params.format = *fmt;
    } else if (arg == "-c") {
      params.count = std::strtoul(value.c_str(), nullptr, 10);
    } else if (arg == "--host") {
      params.host = value;
    } else {
      return usage(("unknown option " + arg).c_str());
    }
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  // kscope's producer settings (actors/edges/kafka.cpp).
  const char* settings[][2] = {
    {"bootstrap.servers", params.brokers.c_str()},
    {"client.id", "kscope-bare-producer"},
    {"enable.idempotence", "true"},
    {"acks", "all"},
    {"linger.ms", "1"},
    {"reconnect.backoff.ms", "50"},
    {"reconnect.backoff.max.ms", "1000"},
  };
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (auto& kv : settings) {
    if (rd_kafka_conf_set(conf, kv[0], kv[1], errstr, sizeof(errstr))
        != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "kscope_bare_producer: %s\n", errstr);
      rd_kafka_conf_destroy(conf);
      return 2;
    }
  }
  unsigned long failed = 0;
  rd_kafka_conf_set_opaque(conf, &failed);
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr,
                                sizeof(errstr));
  if (rk == nullptr) {
    std::fprintf(stderr, "kscope_bare_producer: %s\n", errstr);
    rd_kafka_conf_destroy(conf);
    return 1;
  }
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, params.topic.c_str(),
                                             nullptr);

  kscope::cpu_usage_meter meter;
  meter.measure(); // the baseline; the first sample follows one interval on
  const auto interval = std::chrono::milliseconds{params.interval_ms};
  auto next = std::chrono::steady_clock::now() + interval;
  unsigned long sent = 0;
  std::string payload;
  while (stop_signal == 0 && (params.count == 0 || sent < params.count)) {
    // Sleep in librdkafka's poll, serving delivery reports meanwhile.
    for (auto now = std::chrono::steady_clock::now();
         now < next && stop_signal == 0;
         now = std::chrono::steady_clock::now())
      rd_kafka_poll(rk, static_cast<int>(
                          std::chrono::duration_cast<std::chrono::milliseconds>(
                            next - now)
                            .count()
                          + 1));
    if (stop_signal != 0)
      break;
    next += interval;
    std::string err;
    auto usage_now = meter.measure(&err);
    if (!usage_now) {
      std::fprintf(stderr, "kscope_bare_producer: %s\n", err.c_str());
      break;
    }
    kscope::sample x;
    x.host = params.host;
    x.seq = ++sent;
    x.ts_ns = kscope::wall_clock_ns();
    x.cpu = usage_now->total.busy;
    x.user = usage_now->total.user;
    x.system = usage_now->total.system;
    x.cores = std::move(usage_now->cores);
    payload.clear();
    kscope::encode(params.format, x, payload);
    rd_kafka_producev(
      rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
      RD_KAFKA_V_KEY(const_cast<char*>(x.host.data()), x.host.size()),
      RD_KAFKA_V_VALUE(payload.data(), payload.size()),
      RD_KAFKA_V_TIMESTAMP(x.ts_ns / 1000000), RD_KAFKA_V_END);
  }
  rd_kafka_flush(rk, 10000);
  auto undelivered = static_cast<unsigned long>(rd_kafka_outq_len(rk));
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  std::fprintf(stderr, "kscope_bare_producer: %lu sent, %lu failed, %lu "
                       "undelivered\n",
               sent, failed, undelivered);
  return failed + undelivered == 0 ? 0 : 1;
}
