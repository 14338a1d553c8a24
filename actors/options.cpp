#include "actors/options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace kscope {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  double value = 0;
  auto first = text.data();
  auto last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc{} || ptr == first)
    return std::nullopt;
  std::string_view unit{ptr, static_cast<size_t>(last - ptr)};
  double factor = 0;
  if (unit == "ms")
    factor = 1;
  else if (unit == "s")
    factor = 1000;
  else if (unit == "m")
    factor = 60000;
  else
    return std::nullopt;
  auto ms = value * factor;
  // Ten years is far beyond any sensible interval or timeout.
  if (!std::isfinite(ms) || ms < 0 || ms > 3.2e11)
    return std::nullopt;
  return std::chrono::milliseconds{static_cast<int64_t>(std::llround(ms))};
}

std::optional<metric_set> parse_metric_set(std::string_view text) {
  if (text == "all") {
    auto all = metric_set::defaults();
    all.add(metric_kind::gpu);
    return all;
  }
  metric_set result;
  while (true) {
    auto comma = text.find(',');
    auto kind = parse_metric_kind(text.substr(0, comma));
    if (!kind)
      return std::nullopt;
    result.add(*kind);
    if (comma == std::string_view::npos)
      return result;
    text.remove_prefix(comma + 1);
  }
}

std::optional<std::vector<metric_kind>> parse_panels(std::string_view text) {
  std::vector<metric_kind> result;
  if (text == "auto")
    return result;
  while (true) {
    auto comma = text.find(',');
    auto kind = parse_metric_kind(text.substr(0, comma));
    if (!kind)
      return std::nullopt;
    if (std::find(result.begin(), result.end(), *kind) == result.end())
      result.push_back(*kind);
    if (comma == std::string_view::npos)
      return result;
    text.remove_prefix(comma + 1);
  }
}

std::shared_ptr<const std::regex> parse_host_pattern(const std::string& text,
                                                     std::string& err) {
  constexpr size_t most = 1000;
  if (text.size() > most) {
    err = "a pattern of at most 1000 characters";
    return nullptr;
  }
  try {
    return std::make_shared<const std::regex>(
      text, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    err = std::string{"a regular expression ("} + e.what() + ")";
    return nullptr;
  }
}

std::string to_string(millis x) {
  auto n = x.count();
  if (n != 0 && n % 60000 == 0)
    return std::to_string(n / 60000) + "m";
  if (n != 0 && n % 1000 == 0)
    return std::to_string(n / 1000) + "s";
  return std::to_string(n) + "ms";
}

} // namespace kscope
