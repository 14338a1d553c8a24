// The names of kscope's message enums, for status lines and errors. Kept
// apart from the codec and from CAF's error glue, so the display module
// (which draws the status line) needs neither.

#include <cstdint>
#include <string>
#include <string_view>

#include "messages/codec.hpp"
#include "messages/status.hpp"

namespace kscope {

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

const char* to_string(broker_state x) {
  switch (x) {
    case broker_state::connecting:
      return "connecting";
    case broker_state::up:
      return "up";
    case broker_state::down:
      return "down";
  }
  return "unknown";
}

std::string to_string(broker_state x, uint64_t age_s) {
  std::string result = to_string(x);
  if (x == broker_state::up || age_s < 3)
    return result;
  result += " for ";
  if (age_s < 120)
    result += std::to_string(age_s) + " s";
  else if (age_s < 2 * 3600)
    result += std::to_string(age_s / 60) + " min";
  else
    result += std::to_string(age_s / 3600) + " h "
              + std::to_string(age_s % 3600 / 60) + " min";
  return result;
}

} // namespace kscope
