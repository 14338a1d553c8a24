#include "main/cli.hpp"

#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "messages/errors.hpp"

namespace kscope {

namespace {

void add_kafka_options(CLI::App& cmd, kafka_options& opts,
                       const std::string& default_brokers) {
  cmd.add_option("-b,--brokers", opts.brokers,
                 "Bootstrap broker(s), host:port[,host:port...] (default: "
                   + default_brokers + ")");
  cmd.add_option("-t,--topic", opts.topic, "Topic")->capture_default_str();
  cmd.add_option("-X", opts.properties,
                 "librdkafka property key=value (repeatable), e.g. "
                 "-X security.protocol=SASL_SSL")
    ->type_name("KEY=VALUE")
    ->allow_extra_args(false);
}

void add_produce_options(CLI::App& cmd, produce_options& opts,
                         const std::string& default_brokers) {
  add_kafka_options(cmd, opts.kafka, default_brokers);
  cmd.add_option("-i,--interval", opts.interval,
                 "Sampling interval, at least 100ms (e.g. 500ms, 1s)")
    ->capture_default_str();
  cmd.add_option("--format", opts.format,
                 "Wire format: seed (the original 2-byte integer), json, "
                 "influx (Telegraf's cpu line protocol)")
    ->capture_default_str();
  cmd.add_option("-c,--count", opts.count,
                 "Stop after N samples; exit 0 only if all were delivered")
    ->check(CLI::NonNegativeNumber);
  cmd.add_option("--host", opts.host,
                 "Host name stamped on samples and used as the Kafka key "
                 "(default: this machine's)");
  cmd.add_option("--flush-timeout", opts.flush_timeout,
                 "Longest wait for queued messages on shutdown")
    ->capture_default_str();
  cmd.add_option("--proc-root", opts.proc_root,
                 "Folder holding the stat file to sample")
    ->capture_default_str();
}

/// Options of the chart and the window, shared by `view` and `run`.
void add_display_options(CLI::App& cmd, view_options& opts, bool with_count) {
  cmd.add_option("-w,--window", opts.window, "Points kept per series")
    ->capture_default_str();
  cmd.add_flag("--per-core", opts.per_core, "Also draw one series per core");
  cmd.add_option("--fps", opts.fps,
                 "Redraws per second (the chart scrolls with time)")
    ->capture_default_str();
  cmd.add_option("--type", opts.type, "Chart type: line, area or bar")
    ->capture_default_str();
  cmd.add_option("--smooth", opts.smooth,
                 "Smoothing: none, moving-average or interval-mean")
    ->capture_default_str();
  cmd.add_option("--title", opts.title, "Chart title")->capture_default_str();
  cmd.add_option("--x-label", opts.x_label, "x axis label")
    ->capture_default_str();
  cmd.add_option("--y-label", opts.y_label, "y axis label")
    ->capture_default_str();
  cmd.add_option("--color", opts.colors,
                 "Series colour, #rrggbb or a name (repeatable, in order)");
  cmd.add_option("--span", opts.span,
                 "Width of the x axis: auto or a duration like 2m")
    ->capture_default_str();
  cmd.add_option("--expire", opts.expire,
                 "Drop a series that sent nothing for this long")
    ->capture_default_str();
  cmd.add_option("--snapshot", opts.snapshot,
                 "Render the chart to this PNG file and exit (after --count "
                 "or --duration, default 10s)");
  if (with_count)
    cmd.add_option("--count", opts.count,
                   "Stop after receiving N samples (exit 1 if fewer arrive)")
      ->check(CLI::NonNegativeNumber);
  cmd.add_option("--duration", opts.duration, "Stop after this long");
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
  broker_cmd->add_option("--topic", cl.broker.topics,
                         "Topic(s) to create up front (repeatable)")
    ->capture_default_str();
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
  view_cmd->add_option("-b,--brokers", cl.view_kafka.brokers,
                       "Bootstrap broker(s) (default: localhost:9092)");
  view_cmd->add_option("-t,--topic", cl.view.topics, "Topic(s) (repeatable)")
    ->capture_default_str();
  view_cmd->add_option("-X", cl.view_kafka.properties,
                       "librdkafka property key=value (repeatable)")
    ->type_name("KEY=VALUE");
  view_cmd->add_option("-G,--group", cl.view.group,
                       "Join this consumer group (default: no group, every "
                       "partition read directly)");
  view_cmd->add_option("-o,--offset", cl.view.offset,
                       "Start at beginning, end, an offset, or -N (the last "
                       "N of each partition)")
    ->capture_default_str();
  add_display_options(*view_cmd, cl.view, true);

  auto* run_cmd = app.add_subcommand(
    "run", "Producer and viewer in one process, on the embedded broker "
           "unless -b is given");
  add_produce_options(*run_cmd, cl.run.produce, "an embedded broker");
  run_cmd->add_option("-o,--offset", cl.run.view.offset,
                      "Where the viewer starts (with -b; the embedded "
                      "broker is read from the beginning)")
    ->capture_default_str();
  add_display_options(*run_cmd, cl.run.view, false);
  run_cmd->add_option("--partitions", cl.run.partitions,
                      "Partitions of the embedded broker's topic")
    ->capture_default_str()
    ->check(CLI::Range(1, 1000));

  auto* bench_cmd = app.add_subcommand(
    "bench", "Measure the actor pipeline next to a raw librdkafka producer "
             "and consumer on the same broker (embedded unless -b)");
  bench_cmd->add_option("--format", cl.bench.formats,
                        "Wire format(s): seed, json, influx")
    ->delimiter(',')
    ->capture_default_str();
  bench_cmd->add_option("--rate", cl.bench.rates,
                        "Samples per second (e.g. 2, 1000, 100k) or max; "
                        "several run one after the other")
    ->delimiter(',')
    ->capture_default_str();
  bench_cmd->add_option("-n,--count", cl.bench.count,
                        "Samples per run (instead of --duration)");
  bench_cmd->add_option("-d,--duration", cl.bench.duration,
                        "Length of each run")
    ->capture_default_str();
  bench_cmd->add_option("-b,--brokers", cl.bench.brokers,
                        "A real broker (default: the embedded one)");
  bench_cmd->add_option("--cores", cl.bench.cores,
                        "Cores per sample, which sets the payload size "
                        "(default: this machine's)");
  bench_cmd->add_option("--in-flight", cl.bench.in_flight,
                        "Most samples sent but not yet received (default: "
                        "about 2 MiB worth)");
  bench_cmd->add_flag("--render", cl.bench.render,
                      "Also render every window snapshot (terminal chart, "
                      "in memory)");
  bench_cmd->add_option("--fps", cl.bench.fps, "Window snapshots per second")
    ->capture_default_str();
  bench_cmd->add_option("-X", cl.bench.properties,
                        "librdkafka property key=value for every client of "
                        "both pipelines (repeatable)")
    ->type_name("KEY=VALUE");
  bench_cmd->add_option("--json", cl.bench.json,
                        "Also write the results to this JSON file");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    err << "kscope: error: " << e.what() << " (see kscope --help)\n";
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
