#include "actors/logic/system_meter.hpp"

#include "actors/logic/proc_text.hpp"
#include "messages/codec.hpp"

namespace kscope {

system_meter::system_meter(system_meter_config cfg)
  : cfg_(std::move(cfg)), cpu_(cfg_.proc_root) {
}

bool system_meter::read(const char* name, std::string& text,
                        std::string* err) {
  auto result = proc_text::read_file(cfg_.proc_root + '/' + name, err);
  if (!result)
    return false;
  text = std::move(*result);
  return true;
}

bool system_meter::measure(sample& out, std::string* err) {
  auto with_file = [&](const char* name, auto parse) {
    std::string why;
    if (!read(name, text_, &why) || !parse(text_, &why)) {
      if (err != nullptr)
        *err = std::move(why);
      return false;
    }
    return true;
  };
  const auto& m = cfg_.metrics;
  out.metrics = metric_set{};
  if (m.has(metric_kind::cpu) || m.has(metric_kind::load)) {
    bool had_baseline = cpu_.online_cores() > 0;
    std::optional<cpu_usage_meter::result> usage;
    bool ok = with_file("stat", [&](const std::string& text, std::string* why) {
      usage = cpu_.measure_text(text, why);
      return usage.has_value() || cpu_.online_cores() > 0 || why->empty();
    });
    if (!ok)
      return false;
    if (m.has(metric_kind::cpu) && usage && had_baseline) {
      out.cpu = usage->total.busy;
      out.user = usage->total.user;
      out.system = usage->total.system;
      out.cores = std::move(usage->cores);
      out.metrics.add(metric_kind::cpu);
    }
  }
  if (m.has(metric_kind::mem)) {
    if (!with_file("meminfo", [&](const std::string& text, std::string* why) {
          auto x = parse_meminfo(text, why);
          if (x)
            out.mem = *x;
          return x.has_value();
        }))
      return false;
    out.metrics.add(metric_kind::mem);
  }
  if (m.has(metric_kind::net)) {
    if (!with_file("net/dev", [&](const std::string& text, std::string* why) {
          auto x = parse_net_dev(text, why);
          if (x) {
            filter_interfaces(*x, cfg_.interfaces);
            // Viewers refuse more; the first ones in the kernel's order.
            if (x->size() > max_devices)
              x->resize(max_devices);
            out.nets = std::move(*x);
          }
          return x.has_value();
        }))
      return false;
    out.metrics.add(metric_kind::net);
  }
  if (m.has(metric_kind::disk)) {
    if (!with_file("diskstats", [&](const std::string& text, std::string* why) {
          auto x = parse_diskstats(text, why);
          if (x) {
            filter_disks(*x, cfg_.disks);
            if (x->size() > max_devices)
              x->resize(max_devices);
            out.disks = std::move(*x);
          }
          return x.has_value();
        }))
      return false;
    out.metrics.add(metric_kind::disk);
  }
  if (m.has(metric_kind::load)) {
    if (!with_file("loadavg", [&](const std::string& text, std::string* why) {
          auto x = parse_loadavg(text, why);
          if (x) {
            out.load = *x;
            out.load.n_cpus = static_cast<uint32_t>(cpu_.online_cores());
          }
          return x.has_value();
        }))
      return false;
    out.metrics.add(metric_kind::load);
  }
  if (m.has(metric_kind::gpu) && cfg_.gpus) {
    out.gpus = cfg_.gpus();
    if (!out.gpus.empty())
      out.metrics.add(metric_kind::gpu);
  }
  return true;
}

} // namespace kscope
