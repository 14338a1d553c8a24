#include "main/roles.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <thread>

#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/after.hpp>
#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/embedded_broker.hpp"
#include "actors/kafka.hpp"
#include "actors/publisher.hpp"
#include "actors/sampler.hpp"
#include "actors/supervisor.hpp"
#include "main/status_line.hpp"
#include "messages/codec.hpp"
#include "messages/errors.hpp"
#include "messages/type_ids.hpp"

namespace kscope {

namespace {

volatile std::sig_atomic_t signal_count = 0;

void on_signal(int) {
  signal_count = signal_count + 1;
}

void error_line(const std::string& what) {
  std::fprintf(stderr, "kscope: error: %s\n", what.c_str());
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0)
    return "localhost";
  return buf;
}

/// Builds CAF's configuration in code: CLI11 owns argv.
void configure(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::kscope>();
  // Condition variables, no polling: an idle producer costs no CPU.
  cfg.set("scheduler.policy", caf::atom("sharing"));
  cfg.set("scheduler.max-threads", 2);
  cfg.set("logger.verbosity", caf::atom("quiet"));
}

/// Converts the -X list into properties; false (after an error line) when
/// one has no '='.
bool parse_properties(const std::vector<std::string>& xs,
                      std::vector<kafka_property>& out) {
  for (const auto& x : xs) {
    auto kv = split_property(x);
    if (!kv) {
      error_line("invalid -X '" + x + "': expected key=value");
      return false;
    }
    out.push_back(std::move(*kv));
  }
  return true;
}

std::optional<std::chrono::milliseconds>
duration_option(const std::string& name, const std::string& value) {
  auto result = parse_duration(value);
  if (!result)
    error_line("invalid " + name + " '" + value
               + "': expected a duration like 500ms, 0.5s or 2m");
  return result;
}

} // namespace

bool stop_requested() {
  return signal_count > 0;
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int run_produce(const produce_options& opts) {
  // -- validate everything before touching Kafka --------------------------
  auto interval = duration_option("--interval", opts.interval);
  auto flush_timeout = duration_option("--flush-timeout", opts.flush_timeout);
  if (!interval || !flush_timeout)
    return exit_usage;
  if (*interval < min_sampling_interval) {
    error_line("--interval " + opts.interval
               + " is below 100ms: /proc/stat counts in 10 ms ticks");
    return exit_usage;
  }
  auto format = parse_wire_format(opts.format);
  if (!format) {
    error_line("invalid --format '" + opts.format
               + "': expected seed, json or influx");
    return exit_usage;
  }
  producer_settings settings;
  if (!opts.kafka.brokers.empty())
    settings.brokers = opts.kafka.brokers;
  settings.topic = opts.kafka.topic;
  if (!parse_properties(opts.kafka.properties, settings.properties))
    return exit_usage;
  std::string err;
  std::shared_ptr<kafka_producer> producer = kafka_producer::make(settings,
                                                                  err);
  if (!producer) {
    error_line(err);
    return exit_usage;
  }
  sampler_config scfg;
  scfg.interval = *interval;
  scfg.proc_root = opts.proc_root;
  scfg.host = opts.host.empty() ? host_name() : opts.host;
  scfg.count = opts.count;
  publisher_config pcfg;
  pcfg.format = *format;
  pcfg.flush_timeout = *flush_timeout;
  // -- the actor graph ------------------------------------------------------
  caf::actor_system_config cfg;
  configure(cfg);
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys, true};
  auto seq = std::make_shared<sample_sequence>();
  std::vector<child_spec> children;
  children.push_back(child_spec{
    "publisher",
    [=, sink = caf::actor{self}](caf::actor_system& home,
                                 const std::vector<caf::actor>&) {
      return home.spawn(publisher, producer, pcfg, sink);
    },
    restart_policy::permanent, false});
  children.push_back(child_spec{
    "sampler",
    [=](caf::actor_system& home, const std::vector<caf::actor>& upstream) {
      return home.spawn(sampler, scfg, seq, upstream.at(0));
    },
    restart_policy::transient, opts.count > 0});
  restart_limits limits;
  limits.stop_timeout = *flush_timeout + std::chrono::seconds{5};
  auto sup = sys.spawn(supervisor, std::move(children), limits,
                       caf::actor{self});
  // -- the main thread shows progress and watches for signals --------------
  status_line status{stdout, isatty(STDOUT_FILENO) == 1,
                     "kscope produce " + settings.topic + "@"
                       + settings.brokers};
  status.log("sampling " + scfg.host + " every " + opts.interval + " as "
             + opts.format
             + (opts.count > 0 ? ", " + std::to_string(opts.count)
                                   + " samples"
                               : std::string{}));
  publisher_status last;
  caf::error outcome;
  bool done = false;
  int signals_seen = 0;
  while (!done) {
    self->receive(
      [&](publisher_status& x) {
        last = x;
        status.update(x);
      },
      [&](status_atom, std::string& line) { status.log(line); },
      [&](done_atom, caf::error& reason) {
        outcome = std::move(reason);
        done = true;
      },
      caf::after(std::chrono::milliseconds{100}) >> [] {});
    if (signal_count > signals_seen) {
      signals_seen = signal_count;
      if (signals_seen == 1) {
        status.log("stopping: flushing " + std::to_string(producer->pending())
                   + " queued messages (at most " + opts.flush_timeout
                   + "; signal again to abort)");
        self->send(sup, stop_atom_v);
      } else {
        status.finish();
        error_line("aborted: " + std::to_string(producer->pending())
                   + " messages not delivered");
        std::_Exit(130);
      }
    }
  }
  status.finish();
  if (outcome) {
    error_line(describe(outcome));
    return exit_failure;
  }
  auto undelivered = last.sent - last.delivered;
  if (opts.count > 0 && last.delivered < opts.count) {
    error_line(std::to_string(last.delivered) + " of "
               + std::to_string(opts.count) + " samples delivered");
    return exit_failure;
  }
  if (undelivered > 0) {
    error_line(std::to_string(undelivered) + " of "
               + std::to_string(last.sent) + " samples not delivered");
    return exit_failure;
  }
  return exit_ok;
}

int run_broker(const broker_options& opts) {
  std::string err;
  auto broker = embedded_broker::start(opts.brokers, err);
  if (!broker) {
    error_line(err);
    return exit_failure;
  }
  for (const auto& topic : opts.topics) {
    if (!broker->create_topic(topic, opts.partitions, err)) {
      error_line(err);
      return exit_failure;
    }
  }
  std::printf("%s\n", broker->bootstrap().c_str());
  std::fflush(stdout);
  if (!opts.bootstrap_file.empty()) {
    auto tmp = opts.bootstrap_file + ".tmp";
    std::ofstream out{tmp, std::ios::trunc};
    out << broker->bootstrap() << '\n';
    out.close();
    if (!out || std::rename(tmp.c_str(), opts.bootstrap_file.c_str()) != 0) {
      error_line("cannot write --bootstrap-file " + opts.bootstrap_file);
      return exit_failure;
    }
  }
  std::string topics;
  for (const auto& topic : opts.topics)
    topics += (topics.empty() ? "" : ", ") + topic;
  std::fprintf(stderr,
               "kscope broker: embedded Kafka broker at %s; topics %s (%d "
               "partition%s); topics created on first use get 4 partitions. "
               "Ctrl-C stops it.\n",
               broker->bootstrap().c_str(), topics.c_str(), opts.partitions,
               opts.partitions == 1 ? "" : "s");
  while (!stop_requested())
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  if (!opts.bootstrap_file.empty())
    std::remove(opts.bootstrap_file.c_str());
  return exit_ok;
}

int run_all(const run_options& opts) {
  auto produce = opts.produce;
  std::unique_ptr<embedded_broker> broker;
  if (produce.kafka.brokers.empty()) {
    std::string err;
    broker = embedded_broker::start(1, err);
    if (!broker || !broker->create_topic(produce.kafka.topic, opts.partitions,
                                         err)) {
      error_line(err);
      return exit_failure;
    }
    produce.kafka.brokers = broker->bootstrap();
    std::fprintf(stderr,
                 "kscope run: embedded Kafka broker at %s (read it with: "
                 "kcat -C -b %s -t %s)\n",
                 broker->bootstrap().c_str(), broker->bootstrap().c_str(),
                 produce.kafka.topic.c_str());
  }
  return run_produce(produce);
}

} // namespace kscope
