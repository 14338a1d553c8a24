#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/sample.hpp"

namespace kscope {

/// Wire formats of a sample on the Kafka topic.
enum class wire_format {
  /// The original producer's payload: an unsigned 2-byte big-endian integer
  /// percent (42 % is `00 2A`), nothing else.
  seed,
  /// One JSON object: {"host":..,"seq":..,"ts":..,"cpu":..,"user":..,
  /// "system":..,"cores":[..]} and, for each other kind sampled, "mem":{..},
  /// "net":[..], "disk":[..], "load":{..}, "gpu":[..] with Telegraf's field
  /// names (the README has the schema).
  json,
  /// Influx line protocol as Telegraf's inputs write it: `cpu` (a
  /// `cpu-total` line, then one line per core), `mem`, `swap`, `net` (one
  /// line per interface), `diskio` (one per disk), `system` and
  /// `nvidia_smi` (one per GPU), all in one message.
  influx,
};

/// Returns "seed", "json" or "influx".
std::string_view to_string(wire_format x);

/// Parses "seed", "json" or "influx".
std::optional<wire_format> parse_wire_format(std::string_view str);

/// Why a payload did not decode to a sample.
enum class decode_error {
  none = 0,
  empty,          ///< Zero bytes.
  oversized,      ///< Longer than max_payload_size.
  unknown_format, ///< Neither seed, JSON nor Influx line protocol.
  malformed,      ///< Syntax error or truncated payload.
  missing_field,  ///< A required field is absent.
  wrong_type,     ///< A field has the wrong type.
  not_finite,     ///< NaN or infinity.
  out_of_range,   ///< A percentage outside 0..100, or a bad count or length.
};

/// Number of decode_error values, for tables of counters.
constexpr size_t decode_error_count = 9;

/// Returns a short, stable name ("empty", "oversized", ...).
std::string_view to_string(decode_error x);

/// Payloads longer than this are refused without being parsed.
constexpr size_t max_payload_size = 64 * 1024;

/// Most cores a sample may carry.
constexpr size_t max_cores = 4096;

/// Longest host name a sample may carry (and device name: interface, disk
/// or GPU).
constexpr size_t max_host_size = 255;

/// Most interfaces, disks or GPUs a sample may carry, each.
constexpr size_t max_devices = 256;

/// Most samples one payload may hold (line protocol of many hosts or
/// instants), and most cores across them.
constexpr size_t max_samples_per_payload = 64;

/// Appends the wire form of `x` in format `fmt` to `out`. Values are written
/// as they are; the seed format truncates `cpu` to an integer, as the original
/// producer did, and carries nothing else.
void encode(wire_format fmt, const sample& x, std::string& out);

/// Decodes `payload`, detecting its format: exactly 2 bytes is seed, a leading
/// `{` is JSON, a leading measurement name is Influx line protocol. On
/// success, appends its samples to `out` (one, or for line protocol one per
/// host and timestamp, or none when every line was of a measurement kscope
/// does not draw), stores the detected format in `fmt` and the number of
/// lines skipped as unknown in `skipped` if non-null, and returns
/// decode_error::none. On failure `out` is as it was. Never throws.
decode_error decode_all(std::string_view payload, std::vector<sample>& out,
                        wire_format* fmt = nullptr, size_t* skipped = nullptr);

/// Decodes a payload that holds one sample into `out` (fields the format
/// lacks keep their zero values); the first when it holds several, and
/// decode_error::missing_field when it holds none.
decode_error decode(std::string_view payload, sample& out,
                    wire_format* fmt = nullptr);

} // namespace kscope
