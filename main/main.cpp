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

  run_options run;
  auto* run_cmd = app.add_subcommand(
    "run", "Producer and viewer in one process, on the embedded broker "
           "unless -b is given");
  add_produce_options(*run_cmd, run.produce, "an embedded broker");
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
  return run_all(run);
}
