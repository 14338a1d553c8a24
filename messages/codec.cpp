#include "messages/codec.hpp"

#include <algorithm>

#include "messages/codec_detail.hpp"

namespace kscope {

using namespace detail;

namespace {

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
  out.metrics = metric_set::only(metric_kind::cpu);
  return decode_error::none;
}

// -- format detection ---------------------------------------------------------

decode_error decode_any(std::string_view payload, std::vector<sample>& out,
                        wire_format& fmt, size_t& skipped) {
  if (payload.empty())
    return decode_error::empty;
  if (payload.size() > max_payload_size)
    return decode_error::oversized;
  auto decode_one = [&out](auto decoder, std::string_view text) {
    auto& x = out.emplace_back();
    clear(x);
    // Each decoder adds the kinds it finds.
    x.metrics = metric_set{};
    return decoder(text, x);
  };
  if (payload.size() == 2) {
    fmt = wire_format::seed;
    return decode_one(decode_seed, payload);
  }
  auto first = std::find_if_not(payload.begin(), payload.end(), is_json_space);
  // A top-level array is JSON too, just not a sample: wrong_type, not unknown.
  if (first != payload.end() && (*first == '{' || *first == '[')) {
    fmt = wire_format::json;
    return decode_one(decode_json, payload);
  }
  if (looks_like_influx(payload)) {
    fmt = wire_format::influx;
    return decode_influx(payload, out, skipped);
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

decode_error decode_all(std::string_view payload, std::vector<sample>& out,
                        wire_format* fmt, size_t* skipped) {
  auto before = out.size();
  auto detected = wire_format::seed;
  size_t skipped_lines = 0;
  auto err = decode_any(payload, out, detected, skipped_lines);
  if (err == decode_error::none)
    for (auto i = before; i < out.size() && err == decode_error::none; ++i)
      err = check_devices(out[i]);
  if (err != decode_error::none) {
    // No half-decoded sample escapes a failure.
    out.resize(before);
    return err;
  }
  if (fmt != nullptr)
    *fmt = detected;
  if (skipped != nullptr)
    *skipped = skipped_lines;
  return decode_error::none;
}

decode_error decode(std::string_view payload, sample& out, wire_format* fmt) {
  thread_local std::vector<sample> buf;
  buf.clear();
  auto err = decode_all(payload, buf, fmt);
  if (err == decode_error::none && buf.empty())
    err = decode_error::missing_field;
  if (err != decode_error::none) {
    clear(out);
    return err;
  }
  out = std::move(buf.front());
  return decode_error::none;
}

} // namespace kscope
