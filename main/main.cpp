// kscope: live system metrics through Kafka. This file only binds the
// command line to option structs and hands over to a role.

#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "main/options.hpp"
#include "main/roles.hpp"

namespace {

using namespace kscope;

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
                 "Stop after N samples; exit 0 only if all were delivered");
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
                   "Stop after receiving N samples (exit 1 if fewer arrive)");
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
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"kscope: live system metrics streamed through Apache Kafka",
               "kscope"};
  app.set_config("--config", "", "Read options from a TOML or INI file");
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", "kscope 0.1.0");

  produce_options produce;
  auto* produce_cmd = app.add_subcommand(
    "produce", "Sample this host's CPU and publish it to a Kafka topic");
  add_produce_options(*produce_cmd, produce, "localhost:9092");

  broker_options broker;
  auto* broker_cmd = app.add_subcommand(
    "broker", "Run the embedded Kafka broker for split nodes on one machine");
  broker_cmd->add_option("--topic", broker.topics,
                         "Topic(s) to create up front (repeatable)")
    ->capture_default_str();
  broker_cmd->add_option("--partitions", broker.partitions,
                         "Partitions of each topic created up front")
    ->capture_default_str()
    ->check(CLI::Range(1, 1000));
  broker_cmd->add_option("--brokers", broker.brokers,
                         "Brokers in the embedded cluster")
    ->capture_default_str()
    ->check(CLI::Range(1, 16));
  broker_cmd->add_option("--bootstrap-file", broker.bootstrap_file,
                         "Also write the bootstrap address to this file");

  view_options view;
  kafka_options view_kafka;
  auto* view_cmd = app.add_subcommand(
    "view", "Consume samples from Kafka and draw the live chart (a window, "
            "or the terminal when there is no display)");
  view_cmd->add_option("-b,--brokers", view_kafka.brokers,
                       "Bootstrap broker(s) (default: localhost:9092)");
  view_cmd->add_option("-t,--topic", view.topics, "Topic(s) (repeatable)")
    ->capture_default_str();
  view_cmd->add_option("-X", view_kafka.properties,
                       "librdkafka property key=value (repeatable)")
    ->type_name("KEY=VALUE");
  view_cmd->add_option("-G,--group", view.group,
                       "Join this consumer group (default: no group, every "
                       "partition read directly)");
  view_cmd->add_option("-o,--offset", view.offset,
                       "Start at beginning, end, an offset, or -N (the last "
                       "N of each partition)")
    ->capture_default_str();
  add_display_options(*view_cmd, view, true);

  run_options run;
  auto* run_cmd = app.add_subcommand(
    "run", "Producer and viewer in one process, on the embedded broker "
           "unless -b is given");
  add_produce_options(*run_cmd, run.produce, "an embedded broker");
  run_cmd->add_option("-o,--offset", run.view.offset,
                      "Where the viewer starts (with -b; the embedded "
                      "broker is read from the beginning)")
    ->capture_default_str();
  add_display_options(*run_cmd, run.view, false);
  run_cmd->add_option("--partitions", run.partitions,
                      "Partitions of the embedded broker's topic")
    ->capture_default_str()
    ->check(CLI::Range(1, 1000));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "kscope: error: %s (see kscope --help)\n", e.what());
    return exit_usage;
  }
  install_signal_handlers();
  if (*produce_cmd)
    return run_produce(produce);
  if (*broker_cmd)
    return run_broker(broker);
  if (*view_cmd)
    return run_view(view, view_kafka);
  // In one process the viewer waits for as many samples as are produced.
  run.view.count = run.produce.count;
  return run_all(run);
}
