#include "actors/edges/flags.hpp"

#include <algorithm>

#include "actors/consumer.hpp"
#include "actors/sampler.hpp"
#include "actors/edges/typed_options.hpp"

namespace kscope::cli {

namespace {

const char* duration_hint = "a duration like 500ms, 0.5s or 2m";
const auto whole_number = number_in<uint64_t>(0, UINT64_MAX);

} // namespace

void add_kafka_options(CLI::App& cmd, kafka_options& opts,
                       const std::string& default_brokers, bool topic) {
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

namespace {

/// A duration for an optional setting (--duration): set when given.
std::optional<std::optional<millis>>
parse_optional_duration(const std::string& text) {
  if (auto x = parse_duration(text))
    return std::optional<millis>{*x};
  return std::nullopt;
}

/// --hosts REGEX into opts.hosts, refused with what is wrong.
void add_hosts_option(CLI::App& cmd, view_options& opts,
                      const std::string& help) {
  cmd.add_option_function<std::string>(
    "--hosts",
    [&opts](const std::string& text) {
      std::string why;
      opts.hosts = parse_host_pattern(text, why);
      if (!opts.hosts)
        refuse("invalid --hosts '" + excerpt(text) + "': expected " + why);
    },
    help);
}

} // namespace

void add_produce_options(CLI::App& cmd, produce_options& opts,
                         const std::string& default_brokers) {
  add_kafka_options(cmd, opts.kafka, default_brokers);
  typed(cmd, "-i,--interval", opts.interval,
        [](const std::string& text) {
          auto x = parse_duration(text);
          if (x && *x < min_sampling_interval)
            refuse("--interval " + excerpt(text)
                   + " is below 50ms: /proc/stat counts in 10 ms ticks");
          return x;
        },
        duration_hint, "Sampling interval, at least 50ms (e.g. 500ms, 1s)")
    ->default_str("500ms");
  typed(cmd, "--format", opts.format, parse_wire_format,
        "seed, json or influx",
        "Wire format: seed (the original 2-byte integer, CPU only), json, "
        "influx (Telegraf's line protocol)")
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
  typed(cmd, "--metrics", opts.metrics,
        [](const std::string& text) -> std::optional<std::optional<metric_set>> {
          if (auto x = parse_metric_set(text))
            return std::optional<metric_set>{*x};
          return std::nullopt;
        },
        "a list of cpu, mem, net, disk, load, gpu, or all",
        "What to sample, e.g. cpu,mem, or all (gpu needs NVIDIA's "
        "libnvidia-ml)")
    ->default_str("cpu,mem,net,disk,load, and gpu when NVIDIA's library "
                  "loads");
  auto device = [](const std::string& text) -> std::optional<std::string> {
    if (text.empty() || text.size() > max_host_size
        || text.find_first_of(" ,=\\") != std::string::npos
        || std::any_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
      return std::nullopt;
    return text;
  };
  typed_list(cmd, "--interfaces", opts.interfaces, device, "interface names",
             "Network interfaces to sample (repeatable; default: all but "
             "loopback)")
    ->delimiter(',');
  typed_list(cmd, "--disks", opts.disks, device, "disk names",
             "Disks to sample (repeatable; default: whole disks, no "
             "partitions, loop, ram, zram, dm or md devices)")
    ->delimiter(',');
  cmd.add_option("--nvml", opts.nvml_library,
                 "NVIDIA management library loaded for --metrics gpu")
    ->capture_default_str();
  cmd.add_option("--proc-root", opts.proc_root,
                 "Folder holding stat, meminfo, net/dev, diskstats and "
                 "loadavg")
    ->capture_default_str();
}

void add_simulate_options(CLI::App& cmd, simulate_options& opts) {
  add_kafka_options(cmd, opts.kafka, "localhost:9092");
  typed(cmd, "--hosts", opts.hosts, number_in<size_t>(1, 100000),
        "1..100000 hosts", "Simulated hosts, each with its own CPU curve")
    ->default_str("100");
  typed(cmd, "-i,--interval", opts.interval,
        [](const std::string& text) {
          auto x = parse_duration(text);
          if (x && *x < min_sampling_interval)
            refuse("--interval " + excerpt(text) + " is below 50ms");
          return x;
        },
        duration_hint, "Each host's sampling interval, at least 50ms")
    ->default_str("500ms");
  typed(cmd, "--format", opts.format,
        [](const std::string& text) {
          auto x = parse_wire_format(text);
          if (x && *x == wire_format::seed)
            refuse("--format seed carries no host name, so a fleet would be "
                   "one series: use json or influx");
          return x;
        },
        "json or influx", "Wire format: json or influx")
    ->default_str("json");
  typed(cmd, "--host-prefix", opts.prefix,
        [](const std::string& text) -> std::optional<std::string> {
          if (text.size() > 200
              || std::any_of(text.begin(), text.end(), [](char c) {
                   auto u = static_cast<unsigned char>(c);
                   return u < 0x20 || c == ' ' || c == ',' || c == '='
                          || c == '\\' || c == '"';
                 }))
            return std::nullopt;
          return text;
        },
        "at most 200 bytes without spaces, commas, '=', quotes, backslashes "
        "or control characters",
        "Host names are this prefix and a number: sim-00001, ...")
    ->default_str("sim-");
  typed(cmd, "--seed", opts.seed, whole_number, "a whole number >= 0",
        "Seed of the curves: one seed, one fleet")
    ->default_str("1");
  typed(cmd, "-c,--count", opts.count, whole_number, "a whole number >= 0",
        "Stop after N samples per host; exit 0 only if all were delivered");
  typed(cmd, "--duration", opts.duration,
        parse_optional_duration,
        duration_hint, "Stop after this long");
  typed(cmd, "--flush-timeout", opts.flush_timeout, parse_duration,
        duration_hint, "Longest wait for queued messages on shutdown")
    ->default_str("10s");
}

void add_alert_options(CLI::App& cmd, view_options& opts) {
  cmd
    .add_option_function<std::vector<std::string>>(
      "--alert",
      [&opts](const std::vector<std::string>& texts) {
        opts.alerts.clear();
        for (auto& text : texts) {
          std::string why;
          auto rule = parse_alert_rule(text, why);
          if (!rule)
            refuse("invalid --alert '" + excerpt(text, 80) + "': expected "
                   + why);
          for (auto& other : opts.alerts)
            if (other.name == rule->name)
              refuse("invalid --alert '" + excerpt(text, 80)
                     + "': expected a name no other rule has ('"
                     + rule->name + "' is taken)");
          opts.alerts.push_back(std::move(*rule));
        }
      },
      "Alert rule 'NAME: METRIC OP VALUE [for D] [clear D] [hosts=REGEX] "
      "[warning|critical]', e.g. 'hot: cpu > 90 for 30s' (repeatable)")
    ->type_name("RULE");
  typed(cmd, "--alert-topic", opts.alert_topic,
        [](const std::string& text) -> std::optional<std::string> {
          if (auto why = check_topic(text))
            refuse("invalid --alert-topic '" + excerpt(text) + "': " + *why);
          return text;
        },
        "a topic name",
        "Publish every alert transition to this topic, as JSON keyed by "
        "host");
  cmd.add_option("--alert-exec", opts.alert_exec,
                 "Run this shell command once per alert transition, the "
                 "event as JSON on its stdin and in KSCOPE_ALERT_* "
                 "variables");
  typed(cmd, "--alert-exec-timeout", opts.alert_exec_timeout, parse_duration,
        duration_hint, "Time limit of one --alert-exec run")
    ->default_str("10s");
}

void add_headless_options(CLI::App& cmd, view_options& opts) {
  typed(cmd, "--expire", opts.expire, parse_duration, duration_hint,
        "A host silent for this long raises no-data")
    ->default_str("60s");
  typed(cmd, "--max-skew", opts.max_skew, parse_duration, duration_hint,
        "Leave out (and count) samples stamped further than this from "
        "this machine's clock")
    ->default_str("5m");
  add_hosts_option(cmd, opts,
                   "Watch only hosts this regular expression matches "
                   "(anywhere in the name)");
  typed(cmd, "--duration", opts.duration,
        parse_optional_duration,
        duration_hint, "Stop after this long");
  typed(cmd, "--flush-timeout", opts.flush_timeout, parse_duration,
        duration_hint, "Longest wait for the alert topic's messages on "
        "shutdown")
    ->default_str("10s");
}

void add_display_options(CLI::App& cmd, view_options& opts, bool with_count) {
  auto& style = opts.style;
  typed(cmd, "-w,--window", opts.window, number_in<size_t>(1, 1000000),
        "1..1000000 points", "Points kept per series")
    ->default_str("200");
  cmd.add_flag("--per-core", opts.per_core, "Also draw one series per core");
  typed(cmd, "--panels", opts.panels, parse_panels,
        "auto or a list of cpu, mem, net, disk, load, gpu",
        "Charts to draw, in order (key z zooms into one at a time)")
    ->default_str("auto");
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
  typed(cmd, "--view", opts.view, parse_fleet_view, "auto, lines or fleet",
        "Lines, the fleet view (heatmap of hosts x time, p50/p90/max, top "
        "hosts), or auto: lines up to --fleet-at series (key f switches)")
    ->default_str("auto");
  typed(cmd, "--fleet-at", opts.fleet_at, number_in<size_t>(1, 1000000),
        "1..1000000 series",
        "With --view auto, panels of more series than this show the fleet "
        "view")
    ->default_str("32");
  typed(cmd, "--sort", opts.sort, parse_fleet_sort,
        "current, average or name",
        "Fleet view's host order: current, average or name (key o cycles)")
    ->default_str("current");
  add_hosts_option(cmd, opts,
                   "Keep only hosts this regular expression matches "
                   "(anywhere in the name), e.g. '^web-'");
  typed(cmd, "--budget", opts.budget, number_in<size_t>(1000, 1'000'000'000),
        "1000..1000000000 points",
        "Most points held across all series and panels (16 bytes each); "
        "each series reserves --window points, hosts beyond are counted")
    ->default_str("4000000");
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
        parse_optional_duration,
        duration_hint, "Stop after this long");
  cmd.add_option("--csv", opts.csv,
                 "Append every received sample to this CSV file, one row "
                 "per host, metric and time (host,seq,ts_ns,metric,value)");
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

} // namespace kscope::cli
