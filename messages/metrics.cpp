#include "messages/metrics.hpp"

#include <array>

namespace kscope {

namespace {

constexpr std::array<std::string_view, metric_kind_count> metric_names{
  "cpu", "mem", "net", "disk", "load", "gpu"};

} // namespace

std::string_view to_string(metric_kind x) {
  auto i = static_cast<size_t>(x);
  return i < metric_names.size() ? metric_names[i] : "unknown";
}

std::optional<metric_kind> parse_metric_kind(std::string_view str) {
  for (size_t i = 0; i < metric_names.size(); ++i)
    if (metric_names[i] == str)
      return static_cast<metric_kind>(i);
  return std::nullopt;
}

std::string to_string(metric_set xs) {
  std::string result;
  for (size_t i = 0; i < metric_names.size(); ++i) {
    if (!xs.has(static_cast<metric_kind>(i)))
      continue;
    if (!result.empty())
      result += ',';
    result += metric_names[i];
  }
  return result;
}

} // namespace kscope
