#include "actors/plan.hpp"

#include "actors/simulator.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <thread>

#include <unistd.h>

#include "actors/edges/embedded_broker.hpp"
#include "actors/edges/nvml.hpp"
#include "actors/edges/surface.hpp"
#include "actors/roles.hpp"
#include "messages/codec.hpp"
#include "messages/errors.hpp"

namespace kscope {

namespace {

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0)
    return "localhost";
  return buf;
}

/// A producer half with its Kafka client made.
struct producer_plan {
  std::shared_ptr<kafka_producer> producer;
  sampler_config sampler;
  /// NVML, when --metrics gpu found it; shared with the sampler's reader.
  std::shared_ptr<nvml> gpu;
  publisher_config publisher;
  std::string label;
  std::string announce;
  /// `kscope simulate`: the simulator in place of the sampler, the samples
  /// it sends in all (0: until stopped) and how long it runs.
  source_factory source;
  uint64_t total = 0;
  std::optional<millis> duration;
};

/// A viewer half with its Kafka client and files opened.
struct viewer_plan {
  std::shared_ptr<kafka_consumer> consumer;
  std::optional<alerter_config> alerter;
  bool headless = false;
  window_actor_config window;
  chart_style style;
  std::string snapshot_path;
  uint64_t count = 0;
  std::optional<millis> duration;
  bool terminal = false;
  sfml_surface_options sfml;
};

/// Fills `plan` from the produce options; returns an exit code on failure.
std::optional<int> prepare_producer(const produce_options& opts,
                                    producer_plan& plan) {
  producer_settings settings;
  if (!opts.kafka.brokers.empty())
    settings.brokers = opts.kafka.brokers;
  settings.topic = opts.kafka.topic;
  settings.properties = opts.kafka.properties;
  plan.sampler.host = opts.host.empty() ? host_name() : opts.host;
  auto clean_host = plan.sampler.host;
  sanitize_series_name(clean_host);
  if (clean_host.empty() || clean_host != plan.sampler.host) {
    error_line("invalid --host: expected 1 to 255 bytes of UTF-8 without "
               "control characters");
    return exit_usage;
  }
  std::string err;
  plan.producer = kafka_producer::make(settings, err);
  if (!plan.producer) {
    error_line(err);
    return exit_usage;
  }
  plan.sampler.interval = opts.interval;
  plan.sampler.proc_root = opts.proc_root;
  auto metrics = opts.metrics.value_or(
    opts.format == wire_format::seed ? metric_set::only(metric_kind::cpu)
                                     : metric_set::defaults());
  if (opts.format == wire_format::seed
      && metrics != metric_set::only(metric_kind::cpu)) {
    error_line("--format seed carries CPU only (the original's 2-byte "
               "value): use --metrics cpu, or --format json or influx for "
               + to_string(metrics));
    return exit_usage;
  }
  // By default GPUs are sampled when NVIDIA's library is there, silently
  // left out when it is not; asked for by --metrics, their absence is said.
  bool gpu_by_default = !opts.metrics && opts.format != wire_format::seed;
  if (metrics.has(metric_kind::gpu) || gpu_by_default) {
    std::string why;
    plan.gpu = nvml::load(opts.nvml_library, why);
    if (!plan.gpu || plan.gpu->count() == 0) {
      if (!gpu_by_default)
        std::fprintf(stderr, "kscope: note: --metrics gpu: %s; GPUs are not "
                             "sampled\n",
                     plan.gpu ? "NVML found no GPU" : why.c_str());
      plan.gpu.reset();
      metrics.remove(metric_kind::gpu);
    } else {
      metrics.add(metric_kind::gpu);
      plan.sampler.gpus = [gpu = plan.gpu] { return gpu->read(); };
    }
  }
  if (metrics.empty()) {
    error_line("--metrics: nothing left to sample");
    return exit_usage;
  }
  plan.sampler.metrics = metrics;
  plan.sampler.interfaces.names = opts.interfaces;
  plan.sampler.disks.names = opts.disks;
  plan.sampler.count = opts.count;
  plan.publisher.format = opts.format;
  // Serve delivery reports once per sample rather than 50 ms after each:
  // with one message per interval nothing is gained by polling sooner
  // (the status goes out once a second anyway), and the publisher then
  // never flips between its poll and idle timers. That was a third of the
  // CPU a 2 Hz producer node spent beyond a bare librdkafka producer
  // (bench/RESULTS.md). The price: a flush on exit ends up to one
  // interval (at most 1 s) later.
  plan.publisher.poll_interval = std::min(opts.interval,
                                          plan.publisher.status_interval);
  plan.publisher.flush_timeout = opts.flush_timeout;
  plan.label = "kscope produce " + settings.topic + "@" + settings.brokers;
  plan.announce = "sampling " + to_string(plan.sampler.metrics) + " of "
                  + plan.sampler.host + " every "
                  + to_string(opts.interval) + " as "
                  + std::string{to_string(opts.format)}
                  + (opts.count > 0
                       ? ", " + std::to_string(opts.count) + " samples"
                       : std::string{});
  return std::nullopt;
}

/// The alerter of a viewer with --alert rules (or of `kscope alert`):
/// its store, the alert topic's producer, the exec hook, the thresholds
/// drawn. Returns an exit code on failure.
std::optional<int> prepare_alerts(const view_options& opts,
                                  const kafka_options& kafka,
                                  viewer_plan& plan) {
  bool wanted = opts.headless || !opts.alerts.empty();
  if (!wanted) {
    if (!opts.alert_topic.empty() || !opts.alert_exec.empty()) {
      error_line(std::string{opts.alert_topic.empty() ? "--alert-exec"
                                                      : "--alert-topic"}
                 + " needs at least one --alert rule");
      return exit_usage;
    }
    return std::nullopt;
  }
  alerter_config cfg;
  auto expire_ns = static_cast<int64_t>(opts.expire.count()) * 1'000'000;
  cfg.store = std::make_shared<alert_store>(opts.alerts, expire_ns);
  cfg.flush_timeout = opts.flush_timeout;
  if (!opts.alert_topic.empty()) {
    producer_settings settings;
    if (!kafka.brokers.empty())
      settings.brokers = kafka.brokers;
    settings.topic = opts.alert_topic;
    settings.properties = kafka.properties;
    std::string err;
    cfg.producer = kafka_producer::make(settings, err);
    if (!cfg.producer) {
      error_line(err);
      return exit_usage;
    }
  }
  if (!opts.alert_exec.empty())
    cfg.exec = std::make_shared<alert_exec>(opts.alert_exec,
                                            opts.alert_exec_timeout, nullptr);
  for (auto& rule : opts.alerts)
    if (auto panel = metric_kind::cpu; panel_of(rule.metric, panel)) {
      char value[32];
      std::snprintf(value, sizeof(value), "%g", rule.threshold);
      plan.window.thresholds.push_back(
        threshold_line{panel, rule.threshold,
                       rule.name + " " + to_string(rule.op) + " " + value,
                       rule.severity});
    }
  plan.window.alerting = true;
  plan.alerter = std::move(cfg);
  return std::nullopt;
}

/// Fills `plan` from the view options; returns an exit code on failure.
std::optional<int> prepare_viewer(const view_options& opts,
                                  const kafka_options& kafka,
                                  viewer_plan& plan) {
  consumer_settings settings;
  if (!kafka.brokers.empty())
    settings.brokers = kafka.brokers;
  // A topic named twice is read once (librdkafka would read neither).
  settings.topics.clear();
  for (const auto& topic : opts.topics)
    if (std::find(settings.topics.begin(), settings.topics.end(), topic)
        == settings.topics.end())
      settings.topics.push_back(topic);
  settings.group = opts.group;
  settings.start = opts.offset;
  settings.fetch_wait_ms = opts.fetch_wait_ms;
  settings.properties = kafka.properties;
  if (opts.budget < opts.window) {
    error_line("--budget " + std::to_string(opts.budget)
               + " points cannot hold one series of --window "
               + std::to_string(opts.window) + " points");
    return exit_usage;
  }
  plan.style = opts.style;
  plan.duration = opts.duration;
  if (!opts.snapshot.empty() && opts.count == 0 && !plan.duration)
    plan.duration = std::chrono::seconds{10};
  if (!opts.snapshot.empty()) {
    // Find out now, not after the run, whether the file can be written.
    bool existed = std::ifstream{opts.snapshot}.good();
    if (!std::ofstream{opts.snapshot, std::ios::app}) {
      error_line("cannot write --snapshot " + opts.snapshot + ": "
                 + std::strerror(errno));
      return exit_failure;
    }
    if (!existed)
      std::remove(opts.snapshot.c_str());
  }
  plan.window.window.capacity = opts.window;
  plan.window.window.max_points = opts.budget;
  plan.window.view = opts.view;
  plan.window.fleet_at = opts.fleet_at;
  plan.window.sort = opts.sort;
  plan.window.hosts = opts.hosts;
  plan.window.window.per_core = opts.per_core;
  plan.window.panels = opts.panels;
  plan.window.window.expire_ns = static_cast<int64_t>(opts.expire.count())
                                 * 1000000;
  plan.window.fps = opts.fps;
  plan.window.max_skew_ns = static_cast<int64_t>(opts.max_skew.count())
                            * 1000000;
  if (!opts.csv.empty()) {
    auto* file = std::fopen(opts.csv.c_str(), "a");
    if (file == nullptr) {
      error_line("cannot write --csv " + opts.csv + ": "
                 + std::strerror(errno));
      return exit_failure;
    }
    plan.window.csv = std::shared_ptr<std::FILE>{file, &std::fclose};
  }
  plan.snapshot_path = opts.snapshot;
  plan.count = opts.count;
  plan.terminal = opts.terminal;
  plan.sfml.font = opts.font;
  plan.sfml.width = opts.width;
  plan.sfml.height = opts.height;
  plan.sfml.antialias = opts.antialias;
  std::string err;
  plan.consumer = kafka_consumer::make(settings, err);
  if (!plan.consumer) {
    error_line(err);
    return exit_usage;
  }
  plan.headless = opts.headless;
  if (auto code = prepare_alerts(opts, kafka, plan))
    return *code;
  return std::nullopt;
}

/// Builds the role's graph from the validated halves.
prepared_role assemble(std::optional<producer_plan> prod,
                       std::optional<viewer_plan> view) {
  prepared_role result;
  auto& plan = result.plan;
  auto& report = result.report;
  report.terminal = isatty(STDOUT_FILENO) == 1;
  report.label = prod ? prod->label : "kscope view";
  if (prod) {
    producer_half half;
    half.producer = prod->producer;
    half.sampler = prod->sampler;
    half.publisher = prod->publisher;
    half.source = prod->source;
    half.ends_role = (prod->sampler.count > 0 || prod->total > 0) && !view;
    plan.producer = std::move(half);
    report.producer = true;
    report.announce = prod->announce;
    report.flush_timeout = to_string(prod->publisher.flush_timeout);
    report.produce_count = prod->source ? prod->total : prod->sampler.count;
    report.duration = prod->duration;
  }
  if (view) {
    viewer_half half;
    half.consumer = view->consumer;
    half.window = view->window;
    half.alerter = view->alerter;
    if (view->headless && !prod)
      report.label = "kscope alert";
    report.draws = !view->headless;
    renderer_config draw;
    draw.style = view->style;
    draw.fps = view->window.fps;
    draw.snapshot_path = view->snapshot_path;
    auto sfml = view->sfml;
    // An offscreen texture for --snapshot, a window when there is a
    // display, else the terminal, else nothing (status lines).
    if (view->headless) {
      // `kscope alert`: nothing drawn; the status is logged.
    } else if (!view->snapshot_path.empty()) {
      draw.open = [sfml](std::string& err) {
        return make_offscreen_surface(sfml, err);
      };
    } else if (!view->terminal && display_available()) {
      draw.open = [sfml](std::string& err) {
        return make_window_surface(sfml, err);
      };
    } else if (report.terminal) {
      draw.open = [](std::string& err) { return make_terminal_surface(err); };
      report.chart_in_terminal = true;
    }
    if (draw.open)
      half.renderer = std::move(draw);
    else
      report.log_every = std::chrono::seconds{10};
    plan.viewer = std::move(half);
    report.viewer = true;
    report.view_count = view->count;
    report.duration = view->duration;
    report.snapshot = !view->snapshot_path.empty();
  }
  return result;
}

} // namespace

std::variant<prepared_role, int> prepare_produce(const produce_options& opts) {
  producer_plan plan;
  if (auto code = prepare_producer(opts, plan))
    return *code;
  return assemble(std::move(plan), std::nullopt);
}

std::variant<prepared_role, int>
prepare_simulate(const simulate_options& opts) {
  producer_plan plan;
  producer_settings settings;
  if (!opts.kafka.brokers.empty())
    settings.brokers = opts.kafka.brokers;
  settings.topic = opts.kafka.topic;
  settings.properties = opts.kafka.properties;
  std::string err;
  plan.producer = kafka_producer::make(settings, err);
  if (!plan.producer) {
    error_line(err);
    return exit_usage;
  }
  simulator_config sim;
  sim.hosts = opts.hosts;
  sim.prefix = opts.prefix;
  sim.interval = opts.interval;
  sim.count = opts.count;
  sim.seed = opts.seed;
  auto fleet = std::make_shared<simulated_fleet>(sim);
  plan.source = [sim, fleet](caf::actor_system& sys, const caf::actor& pub) {
    return caf::actor_cast<caf::actor>(
      sys.spawn(simulator, sim, fleet, caf::actor_cast<publisher_actor>(pub)));
  };
  plan.total = opts.count * opts.hosts;
  plan.duration = opts.duration;
  plan.publisher.format = opts.format;
  plan.publisher.flush_timeout = opts.flush_timeout;
  plan.label = "kscope simulate " + settings.topic + "@" + settings.brokers;
  plan.announce = "simulating " + std::to_string(opts.hosts) + " hosts ("
                  + sim.prefix + "...) every " + to_string(opts.interval)
                  + " as " + std::string{to_string(opts.format)}
                  + (opts.count > 0
                       ? ", " + std::to_string(plan.total) + " samples"
                       : std::string{});
  return assemble(std::move(plan), std::nullopt);
}

std::variant<prepared_role, int> prepare_view(const view_options& opts,
                                              const kafka_options& kafka) {
  viewer_plan plan;
  if (auto code = prepare_viewer(opts, kafka, plan))
    return *code;
  return assemble(std::nullopt, std::move(plan));
}

int serve_broker(const broker_options& opts,
                 const std::function<bool()>& stop_requested) {
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
  // The file first: whoever waits for the address on stdout may read the
  // file next (a test did, and read it empty under a sanitizer's slowdown).
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
  std::printf("%s\n", broker->bootstrap().c_str());
  std::fflush(stdout);
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

std::variant<prepared_role, int> prepare_run(const run_options& opts) {
  auto produce = opts.produce;
  auto view = opts.view;
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
    // A fresh broker holds only what this process sends: read it all.
    view.offset = start_offset{start_offset::beginning, 0};
    view.fetch_wait_ms = embedded_fetch_wait_ms;
    std::fprintf(stderr,
                 "kscope run: embedded Kafka broker at %s (read it with: "
                 "kcat -C -b %s -t %s)\n",
                 broker->bootstrap().c_str(), broker->bootstrap().c_str(),
                 produce.kafka.topic.c_str());
  }
  view.topics = {produce.kafka.topic};
  producer_plan prod;
  if (auto code = prepare_producer(produce, prod))
    return *code;
  viewer_plan viewer;
  if (auto code = prepare_viewer(view, produce.kafka, viewer))
    return *code;
  auto result = assemble(std::move(prod), std::move(viewer));
  result.broker = std::move(broker);
  return result;
}

} // namespace kscope
