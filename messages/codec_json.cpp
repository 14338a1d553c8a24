#include <simdjson.h>

#include "messages/codec_detail.hpp"

// The JSON wire format: one object per sample.

namespace kscope::detail {

void append_json_string(std::string& out, std::string_view str) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (char c : str) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      out += "\\u00";
      out += hex[byte >> 4];
      out += hex[byte & 0xFu];
    } else {
      out += c;
    }
  }
  out += '"';
}

void append_json_number(std::string& out, double x) {
  // JSON has no spelling for NaN or infinity; null is what JSON writers use.
  if (!std::isfinite(x)) {
    out += "null";
    return;
  }
  // Large integral doubles printed without an exponent look like integers
  // to simdjson, which refuses those beyond 64 bits.
  if (std::fabs(x) >= 1e15)
    append_double(out, x, std::chars_format::scientific);
  else
    append_double(out, x);
}

namespace {

void append_json_key(std::string& out, std::string_view key) {
  out += ",\"";
  out += key;
  out += "\":";
}

/// Writes `,"name":value` for each counter; without the first comma when
/// the counters open an object.
template <class T, size_t N>
void append_json_counters(std::string& out, const T& x,
                          const counter_field<T> (&fields)[N],
                          bool opens_object = false) {
  for (auto& field : fields) {
    if (opens_object) {
      out += '"';
      out += field.name;
      out += "\":";
      opens_object = false;
    } else {
      append_json_key(out, field.name);
    }
    append_integer(out, x.*field.member);
  }
}

/// Writes `,"key":[{"name_key":"...",counters...},...]`.
template <class T, size_t N>
void append_json_devices(std::string& out, std::string_view key,
                         std::string_view name_key, const std::vector<T>& xs,
                         const counter_field<T> (&fields)[N]) {
  append_json_key(out, key);
  out += '[';
  for (size_t i = 0; i < xs.size(); ++i) {
    out += i > 0 ? ",{\"" : "{\"";
    out += name_key;
    out += "\":";
    append_json_string(out, xs[i].name);
    append_json_counters(out, xs[i], fields);
    out += '}';
  }
  out += ']';
}

void append_json_mem(std::string& out, const mem_stats& x) {
  out += ",\"mem\":{";
  append_json_counters(out, x, mem_fields, true);
  out += '}';
}

} // namespace

void encode_json(const sample& x, std::string& out) {
  out += "{\"host\":";
  append_json_string(out, x.host);
  out += ",\"seq\":";
  append_integer(out, x.seq);
  out += ",\"ts\":";
  append_integer(out, x.ts_ns);
  if (x.metrics.has(metric_kind::cpu)) {
    out += ",\"cpu\":";
    append_json_number(out, x.cpu);
    out += ",\"user\":";
    append_json_number(out, x.user);
    out += ",\"system\":";
    append_json_number(out, x.system);
    out += ",\"cores\":[";
    for (size_t i = 0; i < x.cores.size(); ++i) {
      if (i > 0)
        out += ',';
      append_json_number(out, x.cores[i]);
    }
    out += ']';
  }
  if (x.metrics.has(metric_kind::mem))
    append_json_mem(out, x.mem);
  if (x.metrics.has(metric_kind::net))
    append_json_devices(out, "net", "interface", x.nets, net_fields);
  if (x.metrics.has(metric_kind::disk))
    append_json_devices(out, "disk", "name", x.disks, disk_fields);
  if (x.metrics.has(metric_kind::load)) {
    out += ",\"load\":{\"load1\":";
    append_json_number(out, x.load.load1);
    out += ",\"load5\":";
    append_json_number(out, x.load.load5);
    out += ",\"load15\":";
    append_json_number(out, x.load.load15);
    out += ",\"n_cpus\":";
    append_integer(out, x.load.n_cpus);
    out += '}';
  }
  if (x.metrics.has(metric_kind::gpu)) {
    out += ",\"gpu\":[";
    for (size_t i = 0; i < x.gpus.size(); ++i) {
      const auto& g = x.gpus[i];
      out += i > 0 ? ",{\"index\":" : "{\"index\":";
      append_integer(out, g.index);
      out += ",\"name\":";
      append_json_string(out, g.name);
      out += ",\"utilization\":";
      append_json_number(out, g.utilization);
      out += ",\"memory_used\":";
      append_integer(out, g.memory_used);
      out += ",\"memory_total\":";
      append_integer(out, g.memory_total);
      out += '}';
    }
    out += ']';
  }
  out += '}';
}

namespace {

decode_error from_simdjson(simdjson::error_code err) {
  switch (err) {
    case simdjson::SUCCESS:
      return decode_error::none;
    case simdjson::INCORRECT_TYPE:
      return decode_error::wrong_type;
    case simdjson::NUMBER_OUT_OF_RANGE:
      return decode_error::out_of_range;
    default:
      return decode_error::malformed;
  }
}

decode_error read_json_percent(simdjson::dom::element value, double& x) {
  if (auto err = value.get_double().get(x))
    return from_simdjson(err);
  return check_percent(x);
}

decode_error read_json_host(simdjson::dom::element value, std::string& host) {
  std::string_view str;
  if (auto err = value.get_string().get(str))
    return from_simdjson(err);
  if (str.size() > max_host_size)
    return decode_error::out_of_range;
  host.assign(str.data(), str.size());
  return decode_error::none;
}

/// Reads an array of at most `limit` items into `xs`, each with
/// `read(element, item)`.
template <class T, class Read>
decode_error read_json_array(simdjson::dom::element value, size_t limit,
                             std::vector<T>& xs, Read read) {
  simdjson::dom::array arr;
  if (auto err = value.get_array().get(arr))
    return from_simdjson(err);
  if (arr.size() > limit)
    return decode_error::out_of_range;
  xs.clear();
  xs.reserve(arr.size());
  for (simdjson::dom::element item : arr)
    if (auto err = read(item, xs.emplace_back()); err != decode_error::none)
      return err;
  return decode_error::none;
}

decode_error read_json_cores(simdjson::dom::element value,
                             std::vector<double>& cores) {
  return read_json_array(value, max_cores, cores, read_json_percent);
}

decode_error read_json_name(simdjson::dom::element value, std::string& name) {
  std::string_view str;
  if (auto err = value.get_string().get(str))
    return from_simdjson(err);
  if (auto err = check_name(str); err != decode_error::none)
    return err;
  name.assign(str.data(), str.size());
  return decode_error::none;
}

/// Reads the counters of one object into `x`; `name_key` names the device.
template <class T, size_t N>
decode_error read_json_device(simdjson::dom::element value,
                              std::string_view name_key, T& x,
                              const counter_field<T> (&fields)[N]) {
  simdjson::dom::object obj;
  if (auto err = value.get_object().get(obj))
    return from_simdjson(err);
  bool has_name = false;
  for (simdjson::dom::key_value_pair field : obj) {
    auto err = decode_error::none;
    if (field.key == name_key) {
      err = read_json_name(field.value, x.name);
      has_name = true;
    } else {
      for (auto& f : fields)
        if (f.name == field.key)
          err = from_simdjson(field.value.get_uint64().get(x.*f.member));
    }
    if (err != decode_error::none)
      return err;
  }
  return has_name ? decode_error::none : decode_error::missing_field;
}

template <class T, size_t N>
decode_error read_json_devices(simdjson::dom::element value,
                               std::string_view name_key, std::vector<T>& xs,
                               const counter_field<T> (&fields)[N]) {
  return read_json_array(value, max_devices, xs,
                         [&](simdjson::dom::element item, T& x) {
                           return read_json_device(item, name_key, x, fields);
                         });
}

decode_error read_json_mem(simdjson::dom::element value, mem_stats& x) {
  simdjson::dom::object obj;
  if (auto err = value.get_object().get(obj))
    return from_simdjson(err);
  bool has_total = false;
  bool has_available = false;
  bool has_used = false;
  for (simdjson::dom::key_value_pair field : obj) {
    for (auto& f : mem_fields) {
      if (f.name != field.key)
        continue;
      if (auto err = from_simdjson(field.value.get_uint64().get(x.*f.member));
          err != decode_error::none)
        return err;
      has_total |= f.name == "total";
      has_available |= f.name == "available";
      has_used |= f.name == "used";
    }
  }
  if (!has_total || !has_available)
    return decode_error::missing_field;
  return settle_mem(x, has_used);
}

decode_error read_json_load(simdjson::dom::element value, load_stats& x) {
  simdjson::dom::object obj;
  if (auto err = value.get_object().get(obj))
    return from_simdjson(err);
  bool has_load1 = false;
  for (simdjson::dom::key_value_pair field : obj) {
    auto err = decode_error::none;
    double* slot = nullptr;
    if (field.key == "load1") {
      slot = &x.load1;
      has_load1 = true;
    } else if (field.key == "load5") {
      slot = &x.load5;
    } else if (field.key == "load15") {
      slot = &x.load15;
    } else if (field.key == "n_cpus") {
      uint64_t n = 0;
      err = from_simdjson(field.value.get_uint64().get(n));
      if (err == decode_error::none && n > max_cores)
        err = decode_error::out_of_range;
      x.n_cpus = static_cast<uint32_t>(n);
    }
    if (slot != nullptr) {
      err = from_simdjson(field.value.get_double().get(*slot));
      if (err == decode_error::none)
        err = check_level(*slot);
    }
    if (err != decode_error::none)
      return err;
  }
  return has_load1 ? decode_error::none : decode_error::missing_field;
}

decode_error read_json_gpu(simdjson::dom::element value, gpu_stats& x) {
  simdjson::dom::object obj;
  if (auto err = value.get_object().get(obj))
    return from_simdjson(err);
  bool has_utilization = false;
  for (simdjson::dom::key_value_pair field : obj) {
    auto err = decode_error::none;
    if (field.key == "index") {
      uint64_t i = 0;
      err = from_simdjson(field.value.get_uint64().get(i));
      if (err == decode_error::none && i >= max_devices)
        err = decode_error::out_of_range;
      x.index = static_cast<uint32_t>(i);
    } else if (field.key == "name") {
      // A GPU may have no name (the influx line's tag is optional).
      err = read_json_host(field.value, x.name);
    } else if (field.key == "utilization") {
      err = read_json_percent(field.value, x.utilization);
      has_utilization = true;
    } else if (field.key == "memory_used") {
      err = from_simdjson(field.value.get_uint64().get(x.memory_used));
    } else if (field.key == "memory_total") {
      err = from_simdjson(field.value.get_uint64().get(x.memory_total));
    }
    if (err != decode_error::none)
      return err;
  }
  return has_utilization ? decode_error::none : decode_error::missing_field;
}

decode_error read_json_gpus(simdjson::dom::element value,
                            std::vector<gpu_stats>& xs) {
  return read_json_array(value, max_devices, xs, read_json_gpu);
}

} // namespace

decode_error decode_json(std::string_view payload, sample& out) {
  // One parser per thread keeps decode reentrant while reusing its buffers.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  // Payloads carry no padding: let simdjson copy them into its own buffer.
  if (parser.parse(payload.data(), payload.size(), true).get(root))
    return decode_error::malformed;
  simdjson::dom::object obj;
  if (root.get_object().get(obj))
    return decode_error::wrong_type;
  for (simdjson::dom::key_value_pair field : obj) {
    auto err = decode_error::none;
    auto kind = parse_metric_kind(field.key);
    if (field.key == "cpu") {
      err = read_json_percent(field.value, out.cpu);
    } else if (field.key == "host") {
      err = read_json_host(field.value, out.host);
    } else if (field.key == "seq") {
      err = from_simdjson(field.value.get_uint64().get(out.seq));
    } else if (field.key == "ts") {
      err = from_simdjson(field.value.get_int64().get(out.ts_ns));
    } else if (field.key == "user") {
      err = read_json_percent(field.value, out.user);
    } else if (field.key == "system") {
      err = read_json_percent(field.value, out.system);
    } else if (field.key == "cores") {
      err = read_json_cores(field.value, out.cores);
    } else if (field.key == "mem") {
      err = read_json_mem(field.value, out.mem);
    } else if (field.key == "net") {
      err = read_json_devices(field.value, "interface", out.nets, net_fields);
    } else if (field.key == "disk") {
      err = read_json_devices(field.value, "name", out.disks, disk_fields);
    } else if (field.key == "load") {
      err = read_json_load(field.value, out.load);
    } else if (field.key == "gpu") {
      err = read_json_gpus(field.value, out.gpus);
    } else {
      continue;
    }
    if (err != decode_error::none)
      return err;
    if (kind)
      out.metrics.add(*kind);
  }
  if (!out.metrics.has(metric_kind::cpu)) {
    // user, system and cores without cpu: parts of a total that is not
    // there, not drawn and not kept.
    out.user = 0;
    out.system = 0;
    out.cores.clear();
  }
  return out.metrics.empty() ? decode_error::missing_field
                             : decode_error::none;
}

} // namespace kscope::detail
