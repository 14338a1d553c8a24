#include "main/cli.hpp"

#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "actors/consumer.hpp"
#include "actors/sampler.hpp"
#include "actors/edges/flags.hpp"
#include "actors/edges/typed_options.hpp"
#include "main/version.hpp"
#include "messages/errors.hpp"

namespace kscope {

namespace {

using namespace cli;

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
  app.set_version_flag("--version", version_text,
                       "Print the versions of kscope, librdkafka and CAF");
  // A key the subcommand does not know, or a line that is no key = value,
  // is a mistake in the file, not something to skip silently. Set before
  // the subcommands are added: they inherit it.
  app.allow_config_extras(CLI::config_extras_mode::error);

  // One block per subcommand: the subcommand, then its options bound to the
  // fields of `cl`.
  auto* produce_cmd = app.add_subcommand(
    "produce", "Sample this host's metrics (CPU, memory, network, disk, load, "
               "GPU) and publish them to a Kafka topic");
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
  add_alert_options(*view_cmd, cl.view);

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
  add_alert_options(*run_cmd, cl.run.view);
  run_cmd->add_option("--partitions", cl.run.partitions,
                      "Partitions of the embedded broker's topic")
    ->capture_default_str()
    ->check(CLI::Range(1, 1000));

  auto* simulate_cmd = app.add_subcommand(
    "simulate", "Publish a fleet of synthetic hosts, each with its own CPU "
                "curve, through the real publisher (try a viewer on 10,000 "
                "hosts)");
  add_simulate_options(*simulate_cmd, cl.simulate);

  auto* alert_cmd = app.add_subcommand(
    "alert", "Evaluate --alert rules (and no-data) on a topic without "
             "drawing: a service beside the cluster, publishing to "
             "--alert-topic and running --alert-exec");
  cl.alert.headless = true;
  add_kafka_options(*alert_cmd, cl.alert_kafka, "localhost:9092", false);
  typed_list(*alert_cmd, "-t,--topic", cl.alert.topics, topic_name, "",
             "Topic(s) (repeatable; a topic named twice is read once)")
    ->default_str("test-topic");
  alert_cmd->add_option("-G,--group", cl.alert.group,
                        "Join this consumer group (default: no group, every "
                        "partition read directly)");
  typed(*alert_cmd, "-o,--offset", cl.alert.offset, parse_start_offset,
        "beginning, end, an offset or -N",
        "Start at beginning, end, an offset, or -N (the last N of each "
        "partition)")
    ->default_str("end");
  add_alert_options(*alert_cmd, cl.alert);
  add_headless_options(*alert_cmd, cl.alert);

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
  else if (*simulate_cmd)
    cl.which = command::simulate;
  else if (*alert_cmd)
    cl.which = command::alert;
  return cl;
}

} // namespace kscope
