#include "main/cli.hpp"

#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "actors/consumer.hpp"
#include "actors/sampler.hpp"
#include "actors/edges/typed_options.hpp"
#include "messages/errors.hpp"

namespace kscope {

namespace {

using namespace cli;

const char* duration_hint = "a duration like 500ms, 0.5s or 2m";
const auto whole_number = number_in<uint64_t>(0, UINT64_MAX);

/// -b, -X and, unless the subcommand binds its own, -t.
void add_kafka_options(CLI::App& cmd, kafka_options& opts,
                       const std::string& default_brokers, bool topic = true) {
  typed(cmd, "-b,--brokers", opts.brokers, broker_list, "", "Bootstrap broker(s), host:port[,host:port...] (default: "
              + default_brokers + ")");
  if (topic)
    typed(cmd, "-t,--topic", opts.topic, topic_name, "", "Topic")
      ->default_str("test-topic");
  typed_list(cmd, "-X", opts.properties, split_property, "key=value",
             "librdkafka property key=value (repeatable), e.g. "
             "-X security.protocol=SASL_SSL")
    ->type_name("KEY=VALUE")
    ->allow_extra_args(false);
}

void add_produce_options(CLI::App& cmd, produce_options& opts,
                         const std::string& default_brokers) {
  add_kafka_options(cmd, opts.kafka, default_brokers);
  typed(cmd, "-i,--interval", opts.interval,
        [](const std::string& text) {
          auto x = parse_duration(text);
          if (x && *x < min_sampling_interval)
            refuse("--interval " + excerpt(text)
                   + " is below 100ms: /proc/stat counts in 10 ms ticks");
          return x;
        },
        duration_hint, "Sampling interval, at least 100ms (e.g. 500ms, 1s)")
    ->default_str("500ms");
  typed(cmd, "--format", opts.format, parse_wire_format,
        "seed, json or influx",
        "Wire format: seed (the original 2-byte integer), json, influx "
        "(Telegraf's cpu line protocol)")
    ->default_str("json");
  typed(cmd, "-c,--count", opts.count, whole_number, "a whole number >= 0",
        "Stop after N samples; exit 0 only if all were delivered");
  typed(cmd, "--host", opts.host,
        [](const std::string& text) {
          return text.empty() ? std::nullopt : std::optional{text};
        },
        "1 to 255 bytes of UTF-8 without control characters",
        "Host name stamped on samples and used as the Kafka key (default: "
        "this machine's)");
  typed(cmd, "--flush-timeout", opts.flush_timeout, parse_duration,
        duration_hint, "Longest wait for queued messages on shutdown")
    ->default_str("10s");
  cmd.add_option("--proc-root", opts.proc_root,
                 "Folder holding the stat file to sample")
    ->capture_default_str();
}

/// Options of the chart and the window, shared by `view` and `run`.
void add_display_options(CLI::App& cmd, view_options& opts, bool with_count) {
  auto& style = opts.style;
  typed(cmd, "-w,--window", opts.window, number_in<size_t>(1, 1000000),
        "1..1000000 points", "Points kept per series")
    ->default_str("200");
  cmd.add_flag("--per-core", opts.per_core, "Also draw one series per core");
  typed(cmd, "--fps", opts.fps, number_in<double>(0.2, 240), "0.2..240",
        "Most redraws per second (the chart scrolls with time)")
    ->default_str("10");
  typed(cmd, "--type", style.type, parse_chart_type, "line, area or bar",
        "Chart type: line, area or bar")
    ->default_str("line");
  typed(cmd, "--smooth", style.smooth, parse_smoothing,
        "none, moving-average or interval-mean",
        "Smoothing: none, moving-average or interval-mean")
    ->default_str("none");
  cmd.add_option("--title", style.title, "Chart title")->capture_default_str();
  cmd.add_option("--x-label", style.x_label, "x axis label")
    ->capture_default_str();
  cmd.add_option("--y-label", style.y_label, "y axis label")
    ->capture_default_str();
  typed_list(cmd, "--color", style.palette, parse_color,
             "#rrggbb or a colour name",
             "Series colour, #rrggbb or a name (repeatable, in order)");
  typed(cmd, "--span", style.span_s,
        [](const std::string& text) -> std::optional<double> {
          if (text == "auto")
            return 0.0;
          auto x = parse_duration(text);
          if (!x || x->count() == 0)
            return std::nullopt;
          return static_cast<double>(x->count()) / 1000.0;
        },
        "auto or a duration like 2m",
        "Width of the x axis: auto or a duration like 2m")
    ->default_str("auto");
  typed(cmd, "--expire", opts.expire, parse_duration, duration_hint,
        "Drop a series that sent nothing for this long")
    ->default_str("60s");
  typed(cmd, "--max-skew", opts.max_skew, parse_duration, duration_hint,
        "Leave out (and count) samples stamped further than this from "
        "this machine's clock")
    ->default_str("5m");
  cmd.add_option("--snapshot", opts.snapshot,
                 "Render the chart to this PNG file and exit (after --count "
                 "or --duration, default 10s)");
  if (with_count)
    typed(cmd, "--count", opts.count, whole_number, "a whole number >= 0",
          "Stop after receiving N samples (exit 1 if fewer arrive)");
  typed(cmd, "--duration", opts.duration,
        [](const std::string& text) -> std::optional<std::optional<millis>> {
          if (auto x = parse_duration(text))
            return std::optional<millis>{*x};
          return std::nullopt;
        },
        duration_hint, "Stop after this long");
  cmd.add_option("--csv", opts.csv,
                 "Append every received sample to this CSV file "
                 "(host,seq,ts_ns,cpu)");
  cmd.add_flag("--terminal", opts.terminal,
               "Draw in the terminal even when a display is available");
  cmd.add_option("--font", opts.font, "TTF font for the window");
  cmd.add_option("--width", opts.width, "Window width in pixels")
    ->capture_default_str()
    ->check(CLI::Range(320u, 8192u));
  cmd.add_option("--height", opts.height, "Window height in pixels")
    ->capture_default_str()
    ->check(CLI::Range(200u, 8192u));
  cmd.add_option("--antialias", opts.antialias,
                 "Multisampling level of the window (0 off, 2, 4, 8); "
                 "smoother lines at several times the CPU per frame")
    ->capture_default_str()
    ->check(CLI::IsMember({0u, 2u, 4u, 8u}));
}

} // namespace

std::variant<command_line, int> parse_command_line(int argc,
                                                   const char* const* argv,
                                                   std::ostream& out,
                                                   std::ostream& err) {
  command_line cl;
  CLI::App app{"kscope: live system metrics streamed through Apache Kafka",
               "kscope"};
  app.set_config("--config", "", "Read options from a TOML or INI file");
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", "kscope 0.1.0");
  // A key the subcommand does not know, or a line that is no key = value,
  // is a mistake in the file, not something to skip silently. Set before
  // the subcommands are added: they inherit it.
  app.allow_config_extras(CLI::config_extras_mode::error);

  // One block per subcommand: the subcommand, then its options bound to the
  // fields of `cl`.
  auto* produce_cmd = app.add_subcommand(
    "produce", "Sample this host's CPU and publish it to a Kafka topic");
  add_produce_options(*produce_cmd, cl.produce, "localhost:9092");

  auto* broker_cmd = app.add_subcommand(
    "broker", "Run the embedded Kafka broker for split nodes on one machine");
  typed_list(*broker_cmd, "--topic", cl.broker.topics, topic_name, "",
             "Topic(s) to create up front (repeatable)")
    ->default_str("test-topic");
  broker_cmd->add_option("--partitions", cl.broker.partitions,
                         "Partitions of each topic created up front")
    ->capture_default_str()
    ->check(CLI::Range(1, 1000));
  broker_cmd->add_option("--brokers", cl.broker.brokers,
                         "Brokers in the embedded cluster")
    ->capture_default_str()
    ->check(CLI::Range(1, 16));
  broker_cmd->add_option("--bootstrap-file", cl.broker.bootstrap_file,
                         "Also write the bootstrap address to this file");

  auto* view_cmd = app.add_subcommand(
    "view", "Consume samples from Kafka and draw the live chart (a window, "
            "or the terminal when there is no display)");
  add_kafka_options(*view_cmd, cl.view_kafka, "localhost:9092", false);
  typed_list(*view_cmd, "-t,--topic", cl.view.topics, topic_name, "",
             "Topic(s) (repeatable; a topic named twice is read once)")
    ->default_str("test-topic");
  view_cmd->add_option("-G,--group", cl.view.group,
                       "Join this consumer group (default: no group, every "
                       "partition read directly)");
  auto* view_offset = typed(*view_cmd, "-o,--offset", cl.view.offset,
                            parse_start_offset,
                            "beginning, end, an offset or -N",
                            "Start at beginning, end, an offset, or -N (the "
                            "last N of each partition)");
  view_offset->default_str("end");
  add_display_options(*view_cmd, cl.view, true);

  auto* run_cmd = app.add_subcommand(
    "run", "Producer and viewer in one process, on the embedded broker "
           "unless -b is given");
  add_produce_options(*run_cmd, cl.run.produce, "an embedded broker");
  typed(*run_cmd, "-o,--offset", cl.run.view.offset, parse_start_offset,
        "beginning, end, an offset or -N",
        "Where the viewer starts (with -b; the embedded broker is read from "
        "the beginning)")
    ->default_str("end");
  add_display_options(*run_cmd, cl.run.view, false);
  run_cmd->add_option("--partitions", cl.run.partitions,
                      "Partitions of the embedded broker's topic")
    ->capture_default_str()
    ->check(CLI::Range(1, 1000));

  auto* bench_cmd = app.add_subcommand(
    "bench", "Measure the actor pipeline next to a raw librdkafka producer "
             "and consumer on the same broker (embedded unless -b)");
  add_bench_options(*bench_cmd, cl.bench);

  if (auto why = config_problem(argc, argv); !why.empty()) {
    err << "kscope: error: " << why << '\n';
    return exit_usage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    // What CLI11 quotes may come from a config file of any bytes.
    err << "kscope: error: " << explain(e, argc, argv)
        << " (see kscope --help)\n";
    return exit_usage;
  }
  if (*produce_cmd)
    cl.which = command::produce;
  else if (*broker_cmd)
    cl.which = command::broker;
  else if (*view_cmd)
    cl.which = command::view;
  else if (*run_cmd)
    cl.which = command::run;
  else if (*bench_cmd)
    cl.which = command::bench;
  return cl;
}

} // namespace kscope
