#include <algorithm>
#include <initializer_list>
#include <limits>
#include <optional>

#include "messages/codec_detail.hpp"

// The Influx line protocol format, as Telegraf's Linux inputs write it.

namespace kscope::detail {

namespace {

constexpr std::string_view total_tag = "cpu-total";

constexpr uint64_t bytes_per_mib = 1024 * 1024;

bool is_influx_escapable(char c) {
  return c == ',' || c == ' ' || c == '=' || c == '\\';
}

// -- writing ------------------------------------------------------------------

/// Writes the lines of one sample: each line's measurement, its tags in key
/// order, its fields, `seq` and the sample's timestamp.
class line_writer {
public:
  line_writer(std::string& out, const sample& x) : out_(out), x_(x) {
    // nop
  }

  /// Starts a line of `measurement`; the host tag follows once the tags
  /// sorted before it are written.
  void begin(std::string_view measurement) {
    if (lines_++ > 0)
      out_ += '\n';
    out_ += measurement;
    first_field_ = true;
  }

  void tag(std::string_view key, std::string_view value) {
    // Line protocol has no empty tag values: no value, no tag.
    if (value.empty())
      return;
    out_ += ',';
    out_ += key;
    out_ += '=';
    for (char c : value) {
      if (is_influx_escapable(c))
        out_ += '\\';
      out_ += c;
    }
  }

  void host() {
    tag("host", x_.host);
  }

  void field(std::string_view key, double value) {
    key_of(key);
    append_double(out_, value);
  }

  /// Integers are signed 64-bit in line protocol; Telegraf clamps larger
  /// counters to the maximum, and so does this.
  void counter(std::string_view key, uint64_t value) {
    key_of(key);
    auto max_signed = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    append_integer(out_, std::min(value, max_signed));
    out_ += 'i';
  }

  template <class T, size_t N>
  void counters(const T& x, const counter_field<T> (&fields)[N]) {
    for (auto& f : fields)
      counter(f.name, x.*f.member);
  }

  /// Ends the line with `seq` (unsigned when beyond int64) and the time.
  void end() {
    key_of("seq");
    append_integer(out_, x_.seq);
    auto max_signed = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    out_ += x_.seq > max_signed ? 'u' : 'i';
    out_ += ' ';
    append_integer(out_, x_.ts_ns);
  }

private:
  void key_of(std::string_view key) {
    out_ += first_field_ ? ' ' : ',';
    first_field_ = false;
    out_ += key;
    out_ += '=';
  }

  std::string& out_;
  const sample& x_;
  size_t lines_ = 0;
  bool first_field_ = true;
};

void write_cpu_line(line_writer& w, std::string_view cpu_tag, double busy) {
  w.begin("cpu");
  w.tag("cpu", cpu_tag);
  w.host();
  w.field("usage_idle", 100 - busy);
}

void write_cpu(line_writer& w, const sample& x) {
  write_cpu_line(w, total_tag, x.cpu);
  w.field("usage_user", x.user);
  w.field("usage_system", x.system);
  w.end();
  std::string tag;
  for (size_t i = 0; i < x.cores.size(); ++i) {
    tag = "cpu";
    append_integer(tag, i);
    write_cpu_line(w, tag, x.cores[i]);
    w.end();
  }
}

void write_mem(line_writer& w, const mem_stats& m) {
  w.begin("mem");
  w.host();
  w.counter("available", m.available);
  w.field("available_percent", m.available_percent());
  w.counter("buffered", m.buffered);
  w.counter("cached", m.cached);
  w.counter("free", m.free);
  w.counter("swap_free", m.swap_free);
  w.counter("swap_total", m.swap_total);
  w.counter("total", m.total);
  w.counter("used", m.used);
  w.field("used_percent", m.used_percent());
  w.end();
  w.begin("swap");
  w.host();
  w.counter("free", m.swap_free);
  w.counter("total", m.swap_total);
  w.counter("used", m.swap_used);
  w.field("used_percent", m.swap_used_percent());
  w.end();
}

void write_load(line_writer& w, const load_stats& l) {
  w.begin("system");
  w.host();
  w.field("load1", l.load1);
  w.field("load15", l.load15);
  w.field("load5", l.load5);
  w.counter("n_cpus", l.n_cpus);
  w.end();
}

void write_gpu(line_writer& w, const gpu_stats& g) {
  std::string index;
  append_integer(index, g.index);
  w.begin("nvidia_smi");
  w.host();
  w.tag("index", index);
  w.tag("name", g.name);
  auto free = g.memory_total >= g.memory_used ? g.memory_total - g.memory_used
                                               : 0;
  w.counter("memory_free", free / bytes_per_mib);
  w.counter("memory_total", g.memory_total / bytes_per_mib);
  w.counter("memory_used", g.memory_used / bytes_per_mib);
  // nvidia-smi reports whole percents.
  w.counter("utilization_gpu", static_cast<uint64_t>(
                                 std::clamp(g.utilization, 0.0, 100.0)));
  w.end();
}

} // namespace

void encode_influx(const sample& x, std::string& out) {
  line_writer w{out, x};
  if (x.metrics.has(metric_kind::cpu))
    write_cpu(w, x);
  if (x.metrics.has(metric_kind::mem))
    write_mem(w, x.mem);
  if (x.metrics.has(metric_kind::net))
    for (auto& n : x.nets) {
      w.begin("net");
      w.host();
      w.tag("interface", n.name);
      w.counters(n, net_fields);
      w.end();
    }
  if (x.metrics.has(metric_kind::disk))
    for (auto& d : x.disks) {
      w.begin("diskio");
      w.host();
      w.tag("name", d.name);
      w.counters(d, disk_fields);
      w.end();
    }
  if (x.metrics.has(metric_kind::load))
    write_load(w, x.load);
  if (x.metrics.has(metric_kind::gpu))
    for (auto& g : x.gpus)
      write_gpu(w, g);
}

// -- reading ------------------------------------------------------------------

namespace {

/// A field value of line protocol, checked for syntax and converted.
struct influx_value {
  enum kind_type { floating, integer, unsigned_integer, boolean, string };
  kind_type kind = floating;
  double floating_value = 0;
  int64_t integer_value = 0;
  uint64_t unsigned_value = 0;
};

bool is_influx_bool(std::string_view str) {
  for (std::string_view x : {"t", "T", "true", "True", "TRUE", "f", "F",
                             "false", "False", "FALSE"})
    if (str == x)
      return true;
  return false;
}

/// Converts the text of an unquoted field value.
decode_error parse_influx_scalar(std::string_view str, influx_value& x) {
  if (is_influx_bool(str)) {
    x.kind = influx_value::boolean;
    return decode_error::none;
  }
  auto digits = str.substr(0, str.size() - 1);
  switch (str.back()) {
    case 'i':
      x.kind = influx_value::integer;
      return from_errc(parse_number(digits, x.integer_value));
    case 'u':
      x.kind = influx_value::unsigned_integer;
      return from_errc(parse_number(digits, x.unsigned_value));
    default:
      // from_chars also reads nan and inf, which the checks then refuse.
      x.kind = influx_value::floating;
      return from_errc(parse_number(str, x.floating_value));
  }
}

/// One line, tags and fields in the order written. Its strings and
/// vectors keep their capacity from line to line.
struct influx_line {
  struct tag_type {
    std::string key;
    std::string value;
  };
  struct field_type {
    std::string key;
    influx_value value;
  };
  std::string measurement;
  std::vector<tag_type> tags;
  size_t tag_count = 0;
  std::vector<field_type> fields;
  size_t field_count = 0;
  std::optional<int64_t> ts_ns;

  void reset() {
    measurement.clear();
    tag_count = 0;
    field_count = 0;
    ts_ns.reset();
  }

  void add_tag(std::string_view key, std::string_view value) {
    if (tag_count == tags.size())
      tags.emplace_back();
    auto& t = tags[tag_count++];
    t.key.assign(key.data(), key.size());
    t.value.assign(value.data(), value.size());
  }

  influx_value& add_field(std::string_view key) {
    if (field_count == fields.size())
      fields.emplace_back();
    auto& f = fields[field_count++];
    f.key.assign(key.data(), key.size());
    f.value = influx_value{};
    return f.value;
  }

  const std::string* tag(std::string_view key) const {
    for (size_t i = 0; i < tag_count; ++i)
      if (tags[i].key == key)
        return &tags[i].value;
    return nullptr;
  }

  const influx_value* field(std::string_view key) const {
    for (size_t i = 0; i < field_count; ++i)
      if (fields[i].key == key)
        return &fields[i].value;
    return nullptr;
  }
};

/// Reads line protocol one line at a time. Every access checks the bounds of
/// the payload, so truncated input ends in an error, never in an overread.
class influx_reader {
public:
  explicit influx_reader(std::string_view text) : text_(text) {
    // nop
  }

  /// Skips empty lines; returns false once the payload is exhausted.
  bool has_line() {
    while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
    return pos_ < text_.size();
  }

  /// Reads the line at the cursor and moves past its line break.
  decode_error read_line(influx_line& line) {
    line.reset();
    auto measurement = unescape(scan(", "), key_buf_);
    if (measurement.empty())
      return decode_error::malformed;
    line.measurement.assign(measurement.data(), measurement.size());
    while (peek() == ',') {
      ++pos_;
      auto key = scan(",= ");
      if (key.empty() || peek() != '=')
        return decode_error::malformed;
      ++pos_;
      auto value = scan(", ");
      if (value.empty())
        return decode_error::malformed;
      auto name = unescape(key, key_buf_);
      line.add_tag(name, unescape(value, value_buf_));
    }
    if (peek() != ' ')
      return decode_error::malformed;
    skip_spaces();
    for (;;) {
      auto key = scan(",= ");
      if (key.empty() || peek() != '=')
        return decode_error::malformed;
      ++pos_;
      auto& value = line.add_field(unescape(key, key_buf_));
      if (auto err = read_field_value(value); err != decode_error::none)
        return err;
      if (peek() != ',')
        break;
      ++pos_;
    }
    if (!at_line_end()) {
      if (peek() != ' ')
        return decode_error::malformed;
      skip_spaces();
    }
    if (!at_line_end()) {
      int64_t ts_ns = 0;
      auto err = from_errc(parse_number(scan(" \r"), ts_ns));
      if (err != decode_error::none)
        return err;
      line.ts_ns = ts_ns;
      skip_spaces();
    }
    if (peek() == '\r')
      ++pos_;
    if (pos_ == text_.size())
      return decode_error::none;
    if (text_[pos_] != '\n')
      return decode_error::malformed;
    ++pos_;
    return decode_error::none;
  }

private:
  /// Returns the next character, or '\0' past the end (which no caller
  /// treats as special, so a NUL in the payload cannot fool it).
  char peek() const {
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }

  bool at_line_end() const {
    return pos_ == text_.size() || text_[pos_] == '\n'
           || (text_[pos_] == '\r'
               && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n'));
  }

  void skip_spaces() {
    while (peek() == ' ')
      ++pos_;
  }

  /// Returns the raw text up to the first unescaped stop character or line
  /// break, and moves the cursor there.
  std::string_view scan(std::string_view stops) {
    auto first = pos_;
    while (pos_ < text_.size()) {
      auto c = text_[pos_];
      // A loop over the two or three stops: find() would call memchr for
      // every character of the payload.
      bool stop = c == '\n';
      for (char s : stops)
        stop |= c == s;
      if (stop)
        break;
      if (c == '\\' && pos_ + 1 < text_.size()
          && is_influx_escapable(text_[pos_ + 1]))
        pos_ += 2;
      else
        ++pos_;
    }
    return text_.substr(first, pos_ - first);
  }

  /// Returns `raw` without its escapes, in `buf` if it had any.
  static std::string_view unescape(std::string_view raw, std::string& buf) {
    if (raw.find('\\') == std::string_view::npos)
      return raw;
    buf.clear();
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 1 < raw.size() && is_influx_escapable(raw[i + 1]))
        ++i;
      buf += raw[i];
    }
    return buf;
  }

  decode_error read_field_value(influx_value& x) {
    if (peek() != '"') {
      auto str = scan(", \r");
      if (str.empty())
        return decode_error::malformed;
      return parse_influx_scalar(str, x);
    }
    // Quoted strings may hold spaces, commas, line breaks and \" escapes.
    ++pos_;
    while (pos_ < text_.size()) {
      auto c = text_[pos_++];
      if (c == '"') {
        x.kind = influx_value::string;
        return decode_error::none;
      }
      if (c == '\\')
        ++pos_;
    }
    return decode_error::malformed;
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string key_buf_;
  std::string value_buf_;
};

/// Parses the core number N of a `cpu<N>` tag.
decode_error parse_core_tag(std::string_view tag, size_t& core) {
  constexpr std::string_view prefix = "cpu";
  if (tag.size() <= prefix.size() || tag.substr(0, prefix.size()) != prefix)
    return decode_error::malformed;
  auto digits = tag.substr(prefix.size());
  for (char c : digits)
    if (c < '0' || c > '9')
      return decode_error::malformed;
  auto err = from_errc(parse_number(digits, core));
  if (err != decode_error::none)
    return err;
  return core < max_cores ? decode_error::none : decode_error::out_of_range;
}

/// Checks each present component and returns their sum, capped at 100 so
/// rounding in the producer cannot push a valid sum out of range.
decode_error sum_percents(std::initializer_list<std::optional<double>> parts,
                          double& sum) {
  sum = 0;
  for (auto& part : parts) {
    if (!part)
      continue;
    if (auto err = check_percent(*part); err != decode_error::none)
      return err;
    sum += *part;
  }
  sum = std::min(sum, 100.0);
  return decode_error::none;
}

// -- from lines to samples ----------------------------------------------------

/// A number field as a double: any numeric kind; booleans and strings are
/// the wrong type.
decode_error as_number(const influx_value& x, double& out) {
  switch (x.kind) {
    case influx_value::floating:
      out = x.floating_value;
      return std::isfinite(out) ? decode_error::none : decode_error::not_finite;
    case influx_value::integer:
      out = static_cast<double>(x.integer_value);
      return decode_error::none;
    case influx_value::unsigned_integer:
      out = static_cast<double>(x.unsigned_value);
      return decode_error::none;
    default:
      return decode_error::wrong_type;
  }
}

/// A counter or a size: an integer that is not negative (a whole float,
/// as some writers send, is taken too).
decode_error as_counter(const influx_value& x, uint64_t& out) {
  switch (x.kind) {
    case influx_value::integer:
      if (x.integer_value < 0)
        return decode_error::out_of_range;
      out = static_cast<uint64_t>(x.integer_value);
      return decode_error::none;
    case influx_value::unsigned_integer:
      out = x.unsigned_value;
      return decode_error::none;
    case influx_value::floating:
      if (!std::isfinite(x.floating_value))
        return decode_error::not_finite;
      if (x.floating_value < 0 || x.floating_value >= 18446744073709551616.0)
        return decode_error::out_of_range;
      out = static_cast<uint64_t>(x.floating_value);
      return decode_error::none;
    default:
      return decode_error::wrong_type;
  }
}

/// Reads the optional percentage field `key` into `out`.
decode_error read_percent(const influx_line& line, std::string_view key,
                          std::optional<double>& out) {
  auto* value = line.field(key);
  if (value == nullptr)
    return decode_error::none;
  double x = 0;
  if (auto err = as_number(*value, x); err != decode_error::none)
    return err;
  if (auto err = check_percent(x); err != decode_error::none)
    return err;
  out = x;
  return decode_error::none;
}

/// Reads counter fields named in `fields` into `x`; `seen` counts them.
template <class T, size_t N>
decode_error read_counters(const influx_line& line, T& x,
                           const counter_field<T> (&fields)[N],
                           size_t* seen = nullptr) {
  for (auto& f : fields) {
    auto* value = line.field(f.name);
    if (value == nullptr)
      continue;
    if (auto err = as_counter(*value, x.*f.member); err != decode_error::none)
      return err;
    if (seen != nullptr)
      ++*seen;
  }
  return decode_error::none;
}

/// The samples being assembled from one payload: one per host and time.
struct sample_group {
  size_t index = 0;
  bool has_total = false;
  bool has_used = false;
  bool has_mem = false;
  size_t lone_core_lines = 0;
};

class influx_decoder {
public:
  influx_decoder(std::vector<sample>& out, size_t& skipped)
    : out_(out), first_(out.size()), skipped_(skipped) {
    // nop
  }

  decode_error apply(const influx_line& line) {
    const auto& m = line.measurement;
    if (m == "cpu")
      return apply_cpu(line);
    if (m == "mem")
      return apply_mem(line);
    if (m == "swap")
      return apply_swap(line);
    if (m == "net")
      return apply_net(line);
    if (m == "diskio")
      return apply_disk(line);
    if (m == "system")
      return apply_system(line);
    if (m == "nvidia_smi")
      return apply_gpu(line);
    ++skipped_;
    return decode_error::none;
  }

  /// Settles every sample; drops those that hold nothing kscope draws.
  decode_error finish() {
    for (auto& g : groups_) {
      auto& x = out_[g.index];
      if (g.has_mem) {
        if (auto err = settle_mem(x.mem, g.has_used); err != decode_error::none)
          return err;
      } else {
        // Swap figures without the memory they belong beside: not drawn.
        x.mem = mem_stats{};
      }
      // Per-core lines without their cpu-total line have no total to stand
      // beside: skipped, as Telegraf's one-line messages carry them.
      if (!g.has_total && !x.cores.empty()) {
        skipped_ += g.lone_core_lines;
        x.cores.clear();
      }
    }
    auto first = out_.begin() + static_cast<std::ptrdiff_t>(first_);
    out_.erase(std::remove_if(first, out_.end(),
                              [](const sample& x) {
                                return x.metrics.empty();
                              }),
               out_.end());
    return decode_error::none;
  }

private:
  /// The sample of this line's host and time, made on first use.
  decode_error group_of(const influx_line& line, sample_group*& result) {
    std::string_view host;
    if (auto* h = line.tag("host")) {
      if (h->size() > max_host_size)
        return decode_error::out_of_range;
      host = *h;
    }
    auto ts = line.ts_ns.value_or(0);
    for (auto& g : groups_) {
      auto& x = out_[g.index];
      if (x.host == host && x.ts_ns == ts) {
        result = &g;
        return read_seq(line, x);
      }
    }
    // A payload of thousands of one-line instants would be thousands of
    // samples from 64 KiB: refused rather than held.
    if (groups_.size() >= max_samples_per_payload)
      return decode_error::out_of_range;
    auto& x = out_.emplace_back();
    clear(x);
    x.metrics = metric_set{};
    x.host.assign(host.data(), host.size());
    x.ts_ns = ts;
    auto& g = groups_.emplace_back();
    g.index = out_.size() - 1;
    result = &g;
    return read_seq(line, x);
  }

  static decode_error read_seq(const influx_line& line, sample& x) {
    auto* value = line.field("seq");
    if (value == nullptr)
      return decode_error::none;
    switch (value->kind) {
      case influx_value::integer:
        if (value->integer_value < 0)
          return decode_error::out_of_range;
        x.seq = static_cast<uint64_t>(value->integer_value);
        return decode_error::none;
      case influx_value::unsigned_integer:
        x.seq = value->unsigned_value;
        return decode_error::none;
      default:
        return decode_error::wrong_type;
    }
  }

  decode_error apply_cpu(const influx_line& line) {
    auto* cpu_tag = line.tag("cpu");
    if (cpu_tag == nullptr)
      return decode_error::malformed;
    sample_group* g = nullptr;
    if (auto err = group_of(line, g); err != decode_error::none)
      return err;
    auto& x = out_[g->index];
    std::optional<double> idle;
    if (auto err = read_percent(line, "usage_idle", idle);
        err != decode_error::none)
      return err;
    if (!idle)
      return decode_error::missing_field;
    if (*cpu_tag != total_tag) {
      size_t core = 0;
      if (auto err = parse_core_tag(*cpu_tag, core); err != decode_error::none)
        return err;
      if (core >= x.cores.size()) {
        // Sparse core numbers in many samples must not add up to more
        // than one machine's worth of cores per payload.
        auto grow = core + 1 - x.cores.size();
        if (cores_ + grow > max_cores)
          return decode_error::out_of_range;
        cores_ += grow;
        x.cores.resize(core + 1, 0.0);
      }
      x.cores[core] = 100 - *idle;
      ++g->lone_core_lines;
      return decode_error::none;
    }
    // Two totals for one host and instant contradict each other.
    if (g->has_total)
      return decode_error::malformed;
    g->has_total = true;
    std::optional<double> user, nice, system, irq, softirq;
    for (auto [key, slot] : {std::pair{"usage_user", &user},
                             std::pair{"usage_nice", &nice},
                             std::pair{"usage_system", &system},
                             std::pair{"usage_irq", &irq},
                             std::pair{"usage_softirq", &softirq}})
      if (auto err = read_percent(line, key, *slot); err != decode_error::none)
        return err;
    if (auto err = sum_percents({user, nice}, x.user); err != decode_error::none)
      return err;
    if (auto err = sum_percents({system, irq, softirq}, x.system);
        err != decode_error::none)
      return err;
    x.cpu = 100 - *idle;
    x.metrics.add(metric_kind::cpu);
    return decode_error::none;
  }

  decode_error apply_mem(const influx_line& line) {
    sample_group* g = nullptr;
    if (auto err = group_of(line, g); err != decode_error::none)
      return err;
    auto& x = out_[g->index];
    if (line.field("total") == nullptr || line.field("available") == nullptr)
      return decode_error::missing_field;
    if (auto err = read_counters(line, x.mem, mem_fields);
        err != decode_error::none)
      return err;
    g->has_used = line.field("used") != nullptr;
    g->has_mem = true;
    x.metrics.add(metric_kind::mem);
    return decode_error::none;
  }

  decode_error apply_swap(const influx_line& line) {
    sample_group* g = nullptr;
    if (auto err = group_of(line, g); err != decode_error::none)
      return err;
    auto& x = out_[g->index];
    // Telegraf's second swap line (pages in and out) carries neither.
    for (auto [key, member] : {std::pair{"total", &mem_stats::swap_total},
                               std::pair{"free", &mem_stats::swap_free}}) {
      auto* value = line.field(key);
      if (value == nullptr)
        continue;
      if (auto err = as_counter(*value, x.mem.*member);
          err != decode_error::none)
        return err;
    }
    return decode_error::none;
  }

  template <class T, size_t N>
  decode_error apply_device(const influx_line& line, std::string_view tag,
                            metric_kind kind, std::vector<T>& (*devices)(sample&),
                            const counter_field<T> (&fields)[N]) {
    auto* name = line.tag(tag);
    if (name == nullptr)
      return decode_error::missing_field;
    if (auto err = check_name(*name); err != decode_error::none)
      return err;
    sample_group* g = nullptr;
    if (auto err = group_of(line, g); err != decode_error::none)
      return err;
    auto& x = out_[g->index];
    auto& xs = devices(x);
    for (auto& d : xs)
      if (d.name == *name)
        return decode_error::malformed;
    if (xs.size() >= max_devices)
      return decode_error::out_of_range;
    auto& d = xs.emplace_back();
    d.name = *name;
    size_t seen = 0;
    if (auto err = read_counters(line, d, fields, &seen);
        err != decode_error::none)
      return err;
    if (seen == 0)
      return decode_error::missing_field;
    x.metrics.add(kind);
    return decode_error::none;
  }

  decode_error apply_net(const influx_line& line) {
    // Telegraf's interface=all line holds protocol counters, not traffic.
    if (auto* name = line.tag("interface"); name != nullptr && *name == "all") {
      ++skipped_;
      return decode_error::none;
    }
    return apply_device(
      line, "interface", metric_kind::net,
      +[](sample& x) -> std::vector<net_stats>& { return x.nets; }, net_fields);
  }

  decode_error apply_disk(const influx_line& line) {
    return apply_device(
      line, "name", metric_kind::disk,
      +[](sample& x) -> std::vector<disk_stats>& { return x.disks; },
      disk_fields);
  }

  decode_error apply_system(const influx_line& line) {
    // The uptime lines carry no load: nothing to draw, nothing wrong.
    if (line.field("load1") == nullptr)
      return decode_error::none;
    sample_group* g = nullptr;
    if (auto err = group_of(line, g); err != decode_error::none)
      return err;
    auto& l = out_[g->index].load;
    for (auto [key, slot] : {std::pair{"load1", &l.load1},
                             std::pair{"load5", &l.load5},
                             std::pair{"load15", &l.load15}}) {
      auto* value = line.field(key);
      if (value == nullptr)
        continue;
      if (auto err = as_number(*value, *slot); err != decode_error::none)
        return err;
      if (auto err = check_level(*slot); err != decode_error::none)
        return err;
    }
    if (auto* value = line.field("n_cpus")) {
      uint64_t n = 0;
      if (auto err = as_counter(*value, n); err != decode_error::none)
        return err;
      if (n > max_cores)
        return decode_error::out_of_range;
      l.n_cpus = static_cast<uint32_t>(n);
    }
    out_[g->index].metrics.add(metric_kind::load);
    return decode_error::none;
  }

  decode_error apply_gpu(const influx_line& line) {
    auto* index = line.tag("index");
    if (index == nullptr)
      return decode_error::missing_field;
    size_t i = 0;
    if (auto err = from_errc(parse_number(std::string_view{*index}, i));
        err != decode_error::none)
      return err;
    if (i >= max_devices)
      return decode_error::out_of_range;
    std::optional<double> utilization;
    if (auto err = read_percent(line, "utilization_gpu", utilization);
        err != decode_error::none)
      return err;
    if (!utilization)
      return decode_error::missing_field;
    sample_group* g = nullptr;
    if (auto err = group_of(line, g); err != decode_error::none)
      return err;
    auto& x = out_[g->index];
    if (x.gpus.size() >= max_devices)
      return decode_error::out_of_range;
    auto& gpu = x.gpus.emplace_back();
    gpu.index = static_cast<uint32_t>(i);
    if (auto* name = line.tag("name")) {
      if (name->size() > max_host_size)
        return decode_error::out_of_range;
      gpu.name = *name;
    }
    gpu.utilization = *utilization;
    for (auto [key, member] :
         {std::pair{"memory_used", &gpu_stats::memory_used},
          std::pair{"memory_total", &gpu_stats::memory_total}}) {
      auto* value = line.field(key);
      uint64_t mib = 0;
      if (value == nullptr)
        continue;
      if (auto err = as_counter(*value, mib); err != decode_error::none)
        return err;
      if (mib > std::numeric_limits<uint64_t>::max() / bytes_per_mib)
        return decode_error::out_of_range;
      gpu.*member = mib * bytes_per_mib;
    }
    x.metrics.add(metric_kind::gpu);
    return decode_error::none;
  }

  std::vector<sample>& out_;
  size_t first_;
  size_t& skipped_;
  std::vector<sample_group> groups_;
  /// Cores allocated across the samples of this payload.
  size_t cores_ = 0;
};

} // namespace

bool looks_like_influx(std::string_view payload) {
  if (payload.empty())
    return false;
  auto c = payload.front();
  if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'))
    return false;
  for (size_t i = 1; i < payload.size(); ++i) {
    c = payload[i];
    if (c == ',' || c == ' ')
      return true;
    if (c == '\\' && i + 1 < payload.size() && is_influx_escapable(payload[i + 1])) {
      ++i;
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
      return false;
  }
  return false;
}

decode_error decode_influx(std::string_view payload, std::vector<sample>& out,
                           size_t& skipped) {
  // One reader's buffers per thread, reused from payload to payload.
  thread_local influx_line line;
  influx_reader reader{payload};
  influx_decoder decoder{out, skipped};
  while (reader.has_line()) {
    if (auto err = reader.read_line(line); err != decode_error::none)
      return err;
    if (auto err = decoder.apply(line); err != decode_error::none)
      return err;
  }
  return decoder.finish();
}

} // namespace kscope::detail
