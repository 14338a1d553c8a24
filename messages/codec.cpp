#include "messages/codec.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <system_error>

#include <simdjson.h>

namespace kscope {

namespace {

// -- shared helpers -----------------------------------------------------------

/// Empties `x` but keeps the capacity of its string and vector for reuse.
void clear(sample& x) {
  x.host.clear();
  x.seq = 0;
  x.ts_ns = 0;
  x.cpu = 0;
  x.user = 0;
  x.system = 0;
  x.cores.clear();
}

/// Checks that `x` is a finite percentage, NaN and infinity first.
decode_error check_percent(double x) {
  if (!std::isfinite(x))
    return decode_error::not_finite;
  if (x < 0 || x > 100)
    return decode_error::out_of_range;
  return decode_error::none;
}

/// Appends the shortest text that reads back as exactly `x`.
void append_double(std::string& out, double x,
                   std::chars_format fmt = std::chars_format::general) {
  char buf[32];
  auto res = fmt == std::chars_format::general
               ? std::to_chars(buf, buf + sizeof(buf), x)
               : std::to_chars(buf, buf + sizeof(buf), x, fmt);
  out.append(buf, res.ptr);
}

template <class Integer>
void append_integer(std::string& out, Integer x) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), x);
  out.append(buf, res.ptr);
}

/// Parses all of `str` as a number; text left over is invalid_argument.
template <class Number>
std::errc parse_number(std::string_view str, Number& x) {
  auto last = str.data() + str.size();
  auto res = std::from_chars(str.data(), last, x);
  if (res.ec == std::errc{} && res.ptr != last)
    return std::errc::invalid_argument;
  return res.ec;
}

decode_error from_errc(std::errc ec) {
  if (ec == std::errc{})
    return decode_error::none;
  if (ec == std::errc::result_out_of_range)
    return decode_error::out_of_range;
  return decode_error::malformed;
}

bool is_json_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// -- seed -------------------------------------------------------------------

void encode_seed(const sample& x, std::string& out) {
  unsigned percent = 0; // NaN and negatives stay 0
  if (x.cpu >= 100)
    percent = 100;
  else if (x.cpu > 0)
    percent = static_cast<unsigned>(x.cpu); // truncates toward zero
  out.push_back(static_cast<char>(percent >> 8));
  out.push_back(static_cast<char>(percent & 0xFFu));
}

decode_error decode_seed(std::string_view payload, sample& out) {
  auto hi = static_cast<unsigned char>(payload[0]);
  auto lo = static_cast<unsigned char>(payload[1]);
  auto percent = static_cast<unsigned>(hi) << 8 | lo;
  if (percent > 100)
    return decode_error::out_of_range;
  out.cpu = percent;
  return decode_error::none;
}

// -- JSON -------------------------------------------------------------------

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

void encode_json(const sample& x, std::string& out) {
  out += "{\"host\":";
  append_json_string(out, x.host);
  out += ",\"seq\":";
  append_integer(out, x.seq);
  out += ",\"ts\":";
  append_integer(out, x.ts_ns);
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
  out += "]}";
}

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

decode_error read_json_cores(simdjson::dom::element value,
                             std::vector<double>& cores) {
  simdjson::dom::array arr;
  if (auto err = value.get_array().get(arr))
    return from_simdjson(err);
  if (arr.size() > max_cores)
    return decode_error::out_of_range;
  cores.clear();
  cores.reserve(arr.size());
  for (simdjson::dom::element core : arr) {
    double x = 0;
    if (auto err = read_json_percent(core, x); err != decode_error::none)
      return err;
    cores.push_back(x);
  }
  return decode_error::none;
}

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
  bool has_cpu = false;
  for (simdjson::dom::key_value_pair field : obj) {
    auto err = decode_error::none;
    if (field.key == "cpu") {
      err = read_json_percent(field.value, out.cpu);
      has_cpu = true;
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
    }
    if (err != decode_error::none)
      return err;
  }
  return has_cpu ? decode_error::none : decode_error::missing_field;
}

// -- Influx line protocol -----------------------------------------------------

constexpr std::string_view total_tag = "cpu-total";

bool is_influx_escapable(char c) {
  return c == ',' || c == ' ' || c == '=' || c == '\\';
}

void append_tag_value(std::string& out, std::string_view str) {
  for (char c : str) {
    if (is_influx_escapable(c))
      out += '\\';
    out += c;
  }
}

/// Writes `cpu,cpu=<cpu_tag>[,host=<host>] usage_idle=<idle>`.
void append_influx_head(std::string& out, std::string_view cpu_tag,
                        size_t core, const std::string& host, double idle) {
  out += "cpu,cpu=";
  out += cpu_tag;
  if (cpu_tag != total_tag)
    append_integer(out, core);
  // Line protocol has no empty tag values: no host, no tag.
  if (!host.empty()) {
    out += ",host=";
    append_tag_value(out, host);
  }
  out += " usage_idle=";
  append_double(out, idle);
}

/// Writes `,seq=<seq>i <ts_ns>`.
void append_influx_tail(std::string& out, const sample& x) {
  out += ",seq=";
  append_integer(out, x.seq);
  // Line protocol integers are signed 64-bit; larger ones need the u suffix.
  auto max_signed = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  out += x.seq > max_signed ? 'u' : 'i';
  out += ' ';
  append_integer(out, x.ts_ns);
}

void encode_influx(const sample& x, std::string& out) {
  append_influx_head(out, total_tag, 0, x.host, 100 - x.cpu);
  out += ",usage_user=";
  append_double(out, x.user);
  out += ",usage_system=";
  append_double(out, x.system);
  append_influx_tail(out, x);
  for (size_t i = 0; i < x.cores.size(); ++i) {
    out += '\n';
    append_influx_head(out, "cpu", i, x.host, 100 - x.cores[i]);
    append_influx_tail(out, x);
  }
}

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

/// The fields of one line that a sample is made of.
struct influx_line {
  std::optional<std::string> cpu_tag;
  std::optional<std::string> host;
  std::optional<double> idle;
  std::optional<double> user;
  std::optional<double> nice;
  std::optional<double> system;
  std::optional<double> irq;
  std::optional<double> softirq;
  std::optional<uint64_t> seq;
  std::optional<int64_t> ts_ns;

  void reset() {
    *this = influx_line{};
  }

  decode_error set_field(std::string_view key, const influx_value& x) {
    if (key == "seq")
      return set_seq(x);
    std::optional<double>* slot = nullptr;
    if (key == "usage_idle")
      slot = &idle;
    else if (key == "usage_user")
      slot = &user;
    else if (key == "usage_nice")
      slot = &nice;
    else if (key == "usage_system")
      slot = &system;
    else if (key == "usage_irq")
      slot = &irq;
    else if (key == "usage_softirq")
      slot = &softirq;
    else
      return decode_error::none;
    switch (x.kind) {
      case influx_value::floating:
        *slot = x.floating_value;
        return decode_error::none;
      case influx_value::integer:
        *slot = static_cast<double>(x.integer_value);
        return decode_error::none;
      case influx_value::unsigned_integer:
        *slot = static_cast<double>(x.unsigned_value);
        return decode_error::none;
      default:
        return decode_error::wrong_type;
    }
  }

  decode_error set_seq(const influx_value& x) {
    switch (x.kind) {
      case influx_value::integer:
        if (x.integer_value < 0)
          return decode_error::out_of_range;
        seq = static_cast<uint64_t>(x.integer_value);
        return decode_error::none;
      case influx_value::unsigned_integer:
        seq = x.unsigned_value;
        return decode_error::none;
      default:
        return decode_error::wrong_type;
    }
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
    if (unescape(scan(", "), key_buf_) != "cpu")
      return decode_error::malformed;
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
      if (name == "cpu")
        line.cpu_tag = std::string{unescape(value, value_buf_)};
      else if (name == "host")
        line.host = std::string{unescape(value, value_buf_)};
    }
    if (peek() != ' ')
      return decode_error::malformed;
    skip_spaces();
    for (;;) {
      auto key = scan(",= ");
      if (key.empty() || peek() != '=')
        return decode_error::malformed;
      ++pos_;
      influx_value value;
      if (auto err = read_field_value(value); err != decode_error::none)
        return err;
      auto err = line.set_field(unescape(key, key_buf_), value);
      if (err != decode_error::none)
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
      if (c == '\n' || stops.find(c) != std::string_view::npos)
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

decode_error apply_total_line(const influx_line& line, sample& out) {
  if (!line.idle)
    return decode_error::missing_field;
  if (auto err = check_percent(*line.idle); err != decode_error::none)
    return err;
  if (auto err = sum_percents({line.user, line.nice}, out.user);
      err != decode_error::none)
    return err;
  if (auto err = sum_percents({line.system, line.irq, line.softirq},
                              out.system);
      err != decode_error::none)
    return err;
  if (line.host) {
    if (line.host->size() > max_host_size)
      return decode_error::out_of_range;
    out.host = *line.host;
  }
  out.cpu = 100 - *line.idle;
  out.seq = line.seq.value_or(0);
  out.ts_ns = line.ts_ns.value_or(0);
  return decode_error::none;
}

decode_error apply_core_line(const influx_line& line, size_t core,
                             sample& out) {
  if (!line.idle)
    return decode_error::missing_field;
  if (auto err = check_percent(*line.idle); err != decode_error::none)
    return err;
  if (core >= out.cores.size())
    out.cores.resize(core + 1, 0.0);
  out.cores[core] = 100 - *line.idle;
  return decode_error::none;
}

decode_error decode_influx(std::string_view payload, sample& out) {
  influx_reader reader{payload};
  influx_line line;
  bool has_total = false;
  while (reader.has_line()) {
    if (auto err = reader.read_line(line); err != decode_error::none)
      return err;
    if (!line.cpu_tag)
      return decode_error::malformed;
    auto err = decode_error::none;
    if (*line.cpu_tag == total_tag) {
      // Two totals in one sample contradict each other.
      if (has_total)
        return decode_error::malformed;
      has_total = true;
      err = apply_total_line(line, out);
    } else {
      size_t core = 0;
      err = parse_core_tag(*line.cpu_tag, core);
      if (err == decode_error::none)
        err = apply_core_line(line, core, out);
    }
    if (err != decode_error::none)
      return err;
  }
  return has_total ? decode_error::none : decode_error::missing_field;
}

// -- format detection ---------------------------------------------------------

decode_error decode_any(std::string_view payload, sample& out,
                        wire_format& fmt) {
  if (payload.empty())
    return decode_error::empty;
  if (payload.size() > max_payload_size)
    return decode_error::oversized;
  if (payload.size() == 2) {
    fmt = wire_format::seed;
    return decode_seed(payload, out);
  }
  auto first = std::find_if_not(payload.begin(), payload.end(), is_json_space);
  // A top-level array is JSON too, just not a sample: wrong_type, not unknown.
  if (first != payload.end() && (*first == '{' || *first == '[')) {
    fmt = wire_format::json;
    return decode_json(payload, out);
  }
  if (payload.size() > 3 && payload.substr(0, 3) == "cpu"
      && (payload[3] == ',' || payload[3] == ' ')) {
    fmt = wire_format::influx;
    return decode_influx(payload, out);
  }
  return decode_error::unknown_format;
}

} // namespace

std::string_view to_string(wire_format x) {
  switch (x) {
    case wire_format::seed:
      return "seed";
    case wire_format::json:
      return "json";
    case wire_format::influx:
      return "influx";
  }
  return "?";
}

std::optional<wire_format> parse_wire_format(std::string_view str) {
  for (auto x : {wire_format::seed, wire_format::json, wire_format::influx})
    if (str == to_string(x))
      return x;
  return std::nullopt;
}

std::string_view to_string(decode_error x) {
  switch (x) {
    case decode_error::none:
      return "none";
    case decode_error::empty:
      return "empty";
    case decode_error::oversized:
      return "oversized";
    case decode_error::unknown_format:
      return "unknown_format";
    case decode_error::malformed:
      return "malformed";
    case decode_error::missing_field:
      return "missing_field";
    case decode_error::wrong_type:
      return "wrong_type";
    case decode_error::not_finite:
      return "not_finite";
    case decode_error::out_of_range:
      return "out_of_range";
  }
  return "?";
}

void encode(wire_format fmt, const sample& x, std::string& out) {
  switch (fmt) {
    case wire_format::seed:
      encode_seed(x, out);
      break;
    case wire_format::json:
      encode_json(x, out);
      break;
    case wire_format::influx:
      encode_influx(x, out);
      break;
  }
}

decode_error decode(std::string_view payload, sample& out, wire_format* fmt) {
  clear(out);
  auto detected = wire_format::seed;
  auto err = decode_any(payload, out, detected);
  if (err != decode_error::none) {
    // No half-decoded sample escapes a failure.
    clear(out);
    return err;
  }
  if (fmt != nullptr)
    *fmt = detected;
  return decode_error::none;
}

} // namespace kscope
