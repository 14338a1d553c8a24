#include "main/roles.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
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

#include "actors/consumer.hpp"
#include "actors/embedded_broker.hpp"
#include "actors/kafka.hpp"
#include "actors/publisher.hpp"
#include "actors/sampler.hpp"
#include "actors/renderer.hpp"
#include "actors/supervisor.hpp"
#include "actors/window.hpp"
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

/// A validated producer half.
struct producer_plan {
  std::shared_ptr<kafka_producer> producer;
  sampler_config sampler;
  publisher_config publisher;
  std::string label;
  std::string announce;
  std::string flush_timeout;
};

/// A validated viewer half.
struct viewer_plan {
  std::shared_ptr<kafka_consumer> consumer;
  window_actor_config window;
  chart_style style;
  std::string snapshot_path;
  uint64_t count = 0;
  std::optional<std::chrono::milliseconds> duration;
  bool terminal = false;
  std::string font;
  unsigned width = 1280;
  unsigned height = 720;
};

/// Fills `plan` from the produce options; returns an exit code on failure.
std::optional<int> prepare_producer(const produce_options& opts,
                                    producer_plan& plan) {
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
  if (auto why = check_brokers(settings.brokers)) {
    error_line("invalid -b '" + settings.brokers + "': " + *why);
    return exit_usage;
  }
  settings.topic = opts.kafka.topic;
  if (!parse_properties(opts.kafka.properties, settings.properties))
    return exit_usage;
  std::string err;
  plan.producer = kafka_producer::make(settings, err);
  if (!plan.producer) {
    error_line(err);
    return exit_usage;
  }
  plan.sampler.interval = *interval;
  plan.sampler.proc_root = opts.proc_root;
  plan.sampler.host = opts.host.empty() ? host_name() : opts.host;
  auto clean_host = plan.sampler.host;
  sanitize_series_name(clean_host);
  if (clean_host.empty() || clean_host != plan.sampler.host) {
    error_line("invalid --host: expected 1 to 255 bytes of UTF-8 without "
               "control characters");
    return exit_usage;
  }
  plan.sampler.count = opts.count;
  plan.publisher.format = *format;
  // Serve delivery reports once per sample rather than 50 ms after each:
  // with one message per interval nothing is gained by polling sooner
  // (the status goes out once a second anyway), and the publisher then
  // never flips between its poll and idle timers. That was a third of the
  // CPU a 2 Hz producer node spent beyond a bare librdkafka producer
  // (bench/RESULTS.md). The price: a flush on exit ends up to one
  // interval (at most 1 s) later.
  plan.publisher.poll_interval = std::min(*interval,
                                          plan.publisher.status_interval);
  plan.publisher.flush_timeout = *flush_timeout;
  plan.flush_timeout = opts.flush_timeout;
  plan.label = "kscope produce " + settings.topic + "@" + settings.brokers;
  plan.announce = "sampling " + plan.sampler.host + " every " + opts.interval
                  + " as " + opts.format
                  + (opts.count > 0
                       ? ", " + std::to_string(opts.count) + " samples"
                       : std::string{});
  return std::nullopt;
}

/// Fills `plan` from the view options; returns an exit code on failure.
std::optional<int> prepare_viewer(const view_options& opts,
                                  const std::string& brokers,
                                  const std::vector<std::string>& properties,
                                  viewer_plan& plan) {
  consumer_settings settings;
  if (!brokers.empty())
    settings.brokers = brokers;
  if (auto why = check_brokers(settings.brokers)) {
    error_line("invalid -b '" + settings.brokers + "': " + *why);
    return exit_usage;
  }
  settings.topics = opts.topics;
  settings.group = opts.group;
  auto start = parse_start_offset(opts.offset);
  if (!start) {
    error_line("invalid -o '" + opts.offset
               + "': expected beginning, end, an offset or -N");
    return exit_usage;
  }
  settings.start = *start;
  if (!parse_properties(properties, settings.properties))
    return exit_usage;
  if (opts.window < 1 || opts.window > 1000000) {
    error_line("invalid --window " + std::to_string(opts.window)
               + ": expected 1..1000000 points");
    return exit_usage;
  }
  if (!(opts.fps >= 0.2 && opts.fps <= 240)) {
    error_line("invalid --fps: expected 0.2..240");
    return exit_usage;
  }
  auto type = parse_chart_type(opts.type);
  if (!type) {
    error_line("invalid --type '" + opts.type + "': expected line, area or bar");
    return exit_usage;
  }
  auto smooth = parse_smoothing(opts.smooth);
  if (!smooth) {
    error_line("invalid --smooth '" + opts.smooth
               + "': expected none, moving-average or interval-mean");
    return exit_usage;
  }
  plan.style.type = *type;
  plan.style.smooth = *smooth;
  plan.style.title = opts.title;
  plan.style.x_label = opts.x_label;
  plan.style.y_label = opts.y_label;
  for (auto& name : opts.colors) {
    auto color = parse_color(name);
    if (!color) {
      error_line("invalid --color '" + name
                 + "': expected #rrggbb or a colour name");
      return exit_usage;
    }
    plan.style.palette.push_back(*color);
  }
  if (opts.span != "auto") {
    auto span = duration_option("--span", opts.span);
    if (!span)
      return exit_usage;
    plan.style.span_s = static_cast<double>(span->count()) / 1000.0;
  }
  auto expire = duration_option("--expire", opts.expire);
  if (!expire)
    return exit_usage;
  if (!opts.duration.empty()) {
    plan.duration = duration_option("--duration", opts.duration);
    if (!plan.duration)
      return exit_usage;
  }
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
  plan.window.window.per_core = opts.per_core;
  plan.window.window.expire_ns = static_cast<int64_t>(expire->count())
                                 * 1000000;
  plan.window.fps = opts.fps;
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
  plan.font = opts.font;
  plan.width = opts.width;
  plan.height = opts.height;
  std::string err;
  plan.consumer = kafka_consumer::make(settings, err);
  if (!plan.consumer) {
    error_line(err);
    return exit_usage;
  }
  return std::nullopt;
}

/// Picks where the chart goes: an offscreen texture for --snapshot, a
/// window when there is a display, else the terminal, else nowhere (log
/// lines). Returns an exit code when a required surface cannot be had.
std::optional<int> choose_surface(const viewer_plan& plan,
                                  std::unique_ptr<surface>& out) {
  std::string err;
  if (!plan.snapshot_path.empty()) {
    out = make_offscreen_surface(plan.width, plan.height, plan.font, err);
    if (!out) {
      error_line(err);
      return exit_failure;
    }
    return std::nullopt;
  }
  if (!plan.terminal && display_available()) {
    out = make_window_surface(plan.width, plan.height, plan.font, err);
    if (!out) {
      error_line(err);
      return exit_failure;
    }
    return std::nullopt;
  }
  if (isatty(STDOUT_FILENO) == 1) {
    out = make_terminal_surface(err);
    if (!out) {
      error_line(err);
      return exit_failure;
    }
  }
  return std::nullopt;
}

std::string png_name() {
  char buf[64];
  auto now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  std::strftime(buf, sizeof(buf), "kscope-%Y%m%d-%H%M%S.png", &tm);
  return buf;
}

/// Runs the actor graph of one process: the producer half, the viewer half
/// or both, under one supervisor; the main thread draws and watches signals.
int run_node(std::optional<producer_plan> prod, std::optional<viewer_plan> view) {
  std::unique_ptr<surface> screen;
  if (view) {
    if (auto code = choose_surface(*view, screen))
      return *code;
  }
  // A chart in this terminal owns the screen: no status line under it.
  bool chart_in_terminal = screen && view && view->snapshot_path.empty()
                           && (view->terminal || !display_available());
  caf::actor_system_config cfg;
  configure(cfg);
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys, true};
  caf::actor sink{self};
  std::vector<child_spec> children;
  if (prod) {
    auto producer = prod->producer;
    auto pcfg = prod->publisher;
    auto scfg = prod->sampler;
    auto seq = std::make_shared<sample_sequence>();
    // Shared by every incarnation of sampler and publisher: a sample taken
    // while the publisher restarts waits there.
    auto outbox = std::make_shared<sample_outbox>();
    pcfg.outbox = outbox;
    scfg.outbox = outbox;
    children.push_back(child_spec{
      "publisher",
      [=](caf::actor_system& home, const std::vector<caf::actor>&) {
        return home.spawn(publisher, producer, pcfg, sink);
      },
      restart_policy::permanent, false});
    children.push_back(child_spec{
      "sampler",
      [=](caf::actor_system& home, const std::vector<caf::actor>& up) {
        return home.spawn(sampler, scfg, seq, up.back());
      },
      restart_policy::transient, scfg.count > 0 && !view});
  }
  if (view) {
    auto wcfg = view->window;
    auto kafka = view->consumer;
    children.push_back(child_spec{
      "window",
      [=](caf::actor_system& home, const std::vector<caf::actor>&) {
        return home.spawn(window, wcfg, sink);
      },
      restart_policy::permanent, false});
    children.push_back(child_spec{
      "consumer",
      [=](caf::actor_system& home, const std::vector<caf::actor>& up) {
        return home.spawn<caf::detached>(consumer, kafka, consumer_config{},
                                         up.back());
      },
      restart_policy::permanent, false});
  }
  restart_limits limits;
  if (prod)
    limits.stop_timeout = prod->publisher.flush_timeout
                          + std::chrono::seconds{5};
  auto sup = sys.spawn(supervisor, std::move(children), limits, sink);
  std::string label = prod ? prod->label : "kscope view";
  status_line status{stdout,
                     isatty(STDOUT_FILENO) == 1 && !chart_in_terminal, label};
  std::vector<std::string> deferred; // log lines while the chart owns the tty
  auto log = [&](const std::string& line) {
    if (chart_in_terminal)
      deferred.push_back(line);
    else
      status.log(line);
  };
  if (prod)
    log(prod->announce);
  publisher_status last_pub;
  snapshot latest;
  bool dirty = false;
  bool paused = false;
  bool stopping = false;
  bool done = false;
  caf::error outcome;
  std::string save_error;
  int signals_seen = 0;
  auto started = std::chrono::steady_clock::now();
  auto next_log = started;
  // Without a viewer this thread only takes status messages (which wake it)
  // and watches the signal flag, so a signal is seen within one frame. At
  // 100 ms these wake-ups were a third of what a 2 Hz producer node costs
  // beyond a bare librdkafka producer (bench/RESULTS.md); 500 ms keeps
  // Ctrl-C prompt.
  auto frame = std::chrono::milliseconds{500};
  if (view)
    frame = std::chrono::milliseconds{
      static_cast<int64_t>(1000.0 / std::max(view->window.fps, 1.0))};
  auto request_stop = [&](const std::string& why) {
    if (stopping)
      return;
    stopping = true;
    if (prod)
      log(why + ": flushing " + std::to_string(prod->producer->pending())
          + " queued messages (at most " + prod->flush_timeout
          + "; signal again to abort)");
    self->send(sup, stop_atom_v);
  };
  // The viewer's broker state as last seen, to log when it changes.
  auto viewer_state = broker_state::connecting;
  auto down_since = std::chrono::steady_clock::now();
  auto watch_broker = [&](const viewer_status& x) {
    if (x.state == viewer_state)
      return;
    if (x.state == broker_state::down) {
      down_since = std::chrono::steady_clock::now();
      log("broker disconnected ("
          + (x.last_error.empty() ? std::string{"unreachable"} : x.last_error)
          + "); reconnecting");
    } else if (x.state == broker_state::up
               && viewer_state == broker_state::down) {
      auto secs = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - down_since);
      log("broker reconnected after " + std::to_string(secs.count())
          + " s");
    }
    viewer_state = x.state;
  };
  while (!done) {
    self->receive(
      [&](snapshot& x) {
        watch_broker(x.status);
        if (paused) {
          latest.status = x.status;
          latest.status.paused = true;
        } else {
          latest = std::move(x);
        }
        dirty = true;
      },
      [&](publisher_status& x) {
        last_pub = x;
        if (!chart_in_terminal)
          status.update(x);
      },
      [&](status_atom, std::string& line) { log(line); },
      [&](done_atom, caf::error& reason) {
        outcome = std::move(reason);
        done = true;
      },
      caf::after(frame) >> [] {});
    if (signal_count > signals_seen) {
      // Signals that arrive together (timeout(1) or a service manager
      // signalling the whole process group) are one request to stop; only a
      // signal after the stop began aborts.
      bool first = signals_seen == 0;
      signals_seen = signal_count;
      if (first) {
        request_stop("stopping");
      } else {
        screen.reset();
        status.finish();
        error_line("aborted"
                   + (prod ? ": " + std::to_string(prod->producer->pending())
                               + " messages not delivered"
                           : std::string{}));
        std::_Exit(130);
      }
    }
    if (!view)
      continue;
    if (screen) {
      for (auto key : screen->poll_input()) {
        switch (key) {
          case key_action::pause:
            paused = !paused;
            latest.status.paused = paused;
            break;
          case key_action::save: {
            auto name = png_name();
            std::string err;
            log(screen->save_png(name, err) ? "saved " + name : err);
            break;
          }
          case key_action::cycle_chart:
            view->style.type = next(view->style.type);
            break;
          case key_action::cycle_smoothing:
            view->style.smooth = next(view->style.smooth);
            break;
          case key_action::quit:
            request_stop("quitting");
            break;
        }
        dirty = true;
      }
      if ((dirty || screen->resized()) && latest.now_ns != 0) {
        screen->draw(latest, view->style);
        dirty = false;
      }
    }
    auto now = std::chrono::steady_clock::now();
    bool enough = (view->count > 0 && latest.status.received >= view->count)
                  || (view->duration && now - started >= *view->duration);
    if (enough && !stopping) {
      if (!view->snapshot_path.empty() && screen) {
        screen->draw(latest, view->style);
        if (!screen->save_png(view->snapshot_path, save_error))
          error_line(save_error);
        else
          log("wrote " + view->snapshot_path);
      }
      request_stop("done");
    }
    if (!screen && now >= next_log && latest.now_ns != 0) {
      status.log(status_text(latest.status));
      next_log = now + std::chrono::seconds{10};
    }
  }
  screen.reset();
  status.finish();
  for (auto& line : deferred)
    std::printf("%s  %s\n", label.c_str(), line.c_str());
  if (view && latest.now_ns != 0)
    std::printf("%s\n", status_text(latest.status).c_str());
  if (outcome) {
    error_line(describe(outcome));
    return exit_failure;
  }
  if (!save_error.empty())
    return exit_failure;
  if (view && view->count > 0 && latest.status.received < view->count) {
    error_line(std::to_string(latest.status.received) + " of "
               + std::to_string(view->count) + " samples received");
    return exit_failure;
  }
  if (prod) {
    auto count = prod->sampler.count;
    if (count > 0 && last_pub.delivered < count && !view) {
      error_line(std::to_string(last_pub.delivered) + " of "
                 + std::to_string(count) + " samples delivered");
      return exit_failure;
    }
    auto undelivered = last_pub.sent - last_pub.delivered;
    if (undelivered > 0) {
      error_line(std::to_string(undelivered) + " of "
                 + std::to_string(last_pub.sent) + " samples not delivered");
      return exit_failure;
    }
  }
  return exit_ok;
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
  producer_plan plan;
  if (auto code = prepare_producer(opts, plan))
    return *code;
  return run_node(std::move(plan), std::nullopt);
}

int run_view(const view_options& opts, const kafka_options& kafka) {
  viewer_plan plan;
  if (auto code = prepare_viewer(opts, kafka.brokers, kafka.properties, plan))
    return *code;
  return run_node(std::nullopt, std::move(plan));
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
    view.offset = "beginning";
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
  if (auto code = prepare_viewer(view, produce.kafka.brokers,
                                 produce.kafka.properties, viewer))
    return *code;
  return run_node(std::move(prod), std::move(viewer));
}

} // namespace kscope
